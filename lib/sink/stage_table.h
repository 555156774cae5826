#pragma once
// Stage tables: where a load's rows wait until they become the target's (sink/target_load.h).
//
//   temporary  `pg_temp`, ON COMMIT DROP: one stream's rows for a merge or an upsert; gone with
//              the transaction or the session, whatever happens.
//   unlogged   a regular UNLOGGED table in the target's schema: the rows of parallel parts for
//              a merge or an upsert (each part writes on its own connection; no WAL, since the
//              stage never becomes the target).
//   regular    a regular table in the target's schema: parallel parts of a table that is
//              created, or swapped in (the stage becomes the target).
// A stage in the target's schema is named NewStageName(target) ("etl_stage_<12 hex>_<target>",
// cut to PostgreSQL's 63 bytes) and created with plain CREATE TABLE, so even a name a user
// happened to pick is never taken over: the CREATE fails instead. MarkStage comments it
// "etl stage for <target>; run <id>", which is how DropLeftoverStages recognises the stages of
// a killed run, and nothing else, before the next load of the same target.

#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"
#include "types/table_definition.h"
#include "types/type_mapping.h"

namespace etl::sink {

enum class StageKind { kTemporary, kUnlogged, kRegular };

std::string NewStageName(std::string_view target);

// Creates the stage with `columns` (as schema_manager's CreateTable: no primary key; with the
// defaults and identity of `definition` when given). A temporary stage ignores `schema`.
// REQUIRES for kTemporary: inside a transaction.
void CreateStage(PgConnection& conn, StageKind kind, std::string_view schema,
                 std::string_view stage, const std::vector<types::TargetColumn>& columns,
                 const types::TableDefinition* definition = nullptr);

// After a stage was renamed to `table`: its identity sequences still carry the stage's name;
// each is renamed "<table>_<column>_seq" (what PostgreSQL would have called it) when that name
// is free.
void RenameIdentitySequences(PgConnection& conn, std::string_view schema, std::string_view table);

void MarkStage(PgConnection& conn, std::string_view schema, std::string_view stage,
               std::string_view target, std::string_view run_id);

// Drops the stages MarkStage marked for `target` in `schema`; returns their names.
// REQUIRES: no other load of the target runs (the caller holds the target's table lock).
std::vector<std::string> DropLeftoverStages(PgConnection& conn, std::string_view schema,
                                            std::string_view target);

}  // namespace etl::sink
