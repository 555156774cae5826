#pragma once
// The parts of a created target beyond CREATE TABLE (see types/table_definition.h for what is
// carried over and why): primary key, secondary and unique indexes, comments, identity
// sequences and foreign keys. Every name is quoted with QuoteIdent, every default and comment
// is a QuoteLiteral of a value etl rendered itself; no MySQL text reaches PostgreSQL.
//
// Index names are per schema in PostgreSQL (per table in MySQL): an index keeps its source name
// unless a relation of that name already exists in the schema; it is then named
// "<table>_<index>" (truncated to 63 bytes), then "<table>_<index>_2", "_3", ... -- the first
// free one, logged. A name taken concurrently (two tables of one run finishing together) is
// retried with the next candidate under a savepoint, so a collision never fails a load.
//
// Threads: one connection per call, as libpq requires. Errors: PgError with the statement.

#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"
#include "types/table_definition.h"

namespace etl::sink {

// `DEFAULT` clause body of a PgDefault: a quoted literal, CURRENT_TIMESTAMP[(p)] or
// CURRENT_DATE. Pure.
std::string DefaultSql(const types::PgDefault& value);

// The CREATE INDEX statement of `index` on schema.table under `name`. Pure.
std::string CreateIndexSql(std::string_view schema, std::string_view table, std::string_view name,
                           const types::PgIndex& index);

// The candidates FinishCreatedTable tries for an index `wanted` of `table`, in order: wanted,
// <table>_<wanted>, <table>_<wanted>_2 ... (n candidates, each at most 63 bytes). Pure.
std::vector<std::string> IndexNameCandidates(std::string_view table, std::string_view wanted,
                                             int n);

struct FinishedTable {
  std::vector<std::string> indexes;  // the names PostgreSQL has, in definition order
  std::vector<std::string> renamed;  // "uk_email -> customer_uk_email": one per renamed index
};

// For a table created by this load, after its data is in: the primary key, then every index
// (each built with one sort over the loaded rows, with the session's maintenance_work_mem, i.e.
// target.session's), then the table and column comments. Logs definition.notes as warnings,
// the zero-date nullable columns and renames as info lines, naming the table.
// REQUIRES: inside the transaction that created the table (a failure rolls back with it).
FinishedTable FinishCreatedTable(PgConnection& conn, std::string_view schema,
                                 std::string_view table, const types::TableDefinition& definition);

// Sets every identity or serial sequence of schema.table past the largest value its column
// holds, so the next generated value is free: setval(seq, max(col)), or the sequence's start
// when the table is empty. Never moves a sequence back (values it handed out stay unused) and
// leaves descending sequences alone; a sequence etl may not UPDATE is skipped with a warning.
// Found in the catalog, so it covers targets created before this run or by someone else.
// Returns how many sequences were set. Run it in the load's final transaction (full and
// incremental), after the rows are in.
int AdvanceIdentity(PgConnection& conn, std::string_view schema, std::string_view table);

struct ForeignKeyToCreate {
  std::string table;             // the referencing target table
  std::string referenced_table;  // the referenced target table (same schema)
  types::PgForeignKey key;       // columns, referenced columns, rules, name
};

struct ForeignKeyOutcome {
  std::vector<std::string> created;   // "table.constraint", created and validated
  std::vector<std::string> skipped;   // why a key was not created (warnings)
  std::vector<std::string> failures;  // validation failed: the rows break it (errors)
};

// After every table of the run has loaded: each key is added NOT VALID (a short lock, no scan),
// committed, then validated (a scan that blocks neither reads nor writes), committed. A key that
// already exists on its table (by name) is left alone. Skipped with a reason: a missing
// referenced table, referenced columns without a primary key or unique index (PostgreSQL needs
// one), any error while adding. A validation failure drops the constraint again -- the data is
// already committed, and a NOT VALID key would make every later reload of those rows fail -- and
// is reported in `failures` with the table, the constraint and PostgreSQL's detail (which key
// is missing). REQUIRES: no open transaction on `conn`.
ForeignKeyOutcome CreateForeignKeys(PgConnection& conn, std::string_view schema,
                                    const std::vector<ForeignKeyToCreate>& keys);

}  // namespace etl::sink
