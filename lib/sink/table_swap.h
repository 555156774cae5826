#pragma once
// Atomic full loads through a staging table, so readers of the target never see it half-loaded
// even when several connections load it (the `parallel` strategy).
//
//   CreateStagingTable(conn, schema, "orders", stage, columns);  // regular table, same schema
//   ... load the stage from any number of connections, commit them, add its primary key ...
//   SwapIn(conn, schema, "orders", stage);                       // one transaction
//
// SwapIn chooses between two ways, both in a single transaction (all or nothing):
//   kRename  DROP the old target, RENAME the stage to the target's name, and rename the stage's
//            constraints (and so their indexes) "<stage>_..." to "<target>_...". Chosen when the
//            target does not exist, or when dropping it loses nothing: no view or materialized
//            view depends on it, no foreign key points to or from it, it has no user triggers,
//            rules or row-level-security policies, no index besides its primary key, no
//            granted privileges (table or column), no CHECK or exclusion constraint, no
//            comment, no publication, no extended statistics, default replica identity, no
//            storage options, permanent persistence, the same owner as the loading role, no
//            column default/identity/generated column, and it is not partitioned, a partition,
//            or part of an inheritance tree. Whatever the rename would lose forces a merge.
//   kMerge   otherwise: TRUNCATE the target (DELETE when a foreign key references it, since
//            TRUNCATE refuses that), INSERT INTO target (columns) SELECT columns FROM stage,
//            DROP the stage. The target keeps its identity, dependents, indexes and grants.
// Either way the final transaction takes an ACCESS EXCLUSIVE lock on the target, so concurrent
// readers wait for the swap instead of seeing an empty or partial table.
//
// REQUIRES: the stage has the columns the target should have (by name); the connection is not
// inside a transaction when SwapIn is called.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"
#include "types/type_mapping.h"

namespace etl::sink {

enum class SwapMethod { kRename, kMerge };
const char* ToString(SwapMethod m);

// "<target>__etl_stage", truncated to PostgreSQL's 63-byte identifier limit.
std::string StagingTableName(std::string_view target);

// Drops a leftover stage of a killed run, then creates the stage (as schema_manager's
// CreateTable: no primary key).
void CreateStagingTable(PgConnection& conn, std::string_view schema, std::string_view target,
                        std::string_view stage, const std::vector<types::TargetColumn>& columns);

// Why the target cannot simply be replaced; empty when it can (or does not exist).
std::vector<std::string> SwapBlockers(PgConnection& conn, std::string_view schema,
                                      std::string_view target);

// Replaces the target's contents with the stage's (see above); the stage is gone afterwards.
// `before_commit`, when given, runs inside the swap's transaction just before COMMIT (e.g.
// WriteWatermark, so the load state commits together with the rows).
SwapMethod SwapIn(PgConnection& conn, std::string_view schema, std::string_view target,
                  std::string_view stage, const std::function<void()>& before_commit = {});

}  // namespace etl::sink
