#pragma once
// What an existing target table is, read before a load (read-only): the facts plan/ needs to
// choose how rows reach it (sink/target_load.h) and what the merge needs to know.
//
// swap_blockers lists, in words, everything a faithful clone of the table could not carry over
// when it replaces the table by rename. The swap variant clones: columns with their types,
// collations, defaults, identity, storage and compression, NOT NULL and CHECK constraints,
// primary key, unique and exclusion constraints, indexes (names kept), comments on the table,
// its columns, constraints and indexes, table and column privileges, storage parameters, and
// the progress of identity sequences. Anything else blocks the swap: a view or rule that depends on
// the table, a foreign key to or from it, a trigger, a row-level-security policy or flag, a
// publication, partitioning or inheritance, extended statistics, a typed table, another owner, a
// non-default replica identity or tablespace, unlogged persistence, a security label, membership in
// an extension, per-column statistics targets or options, a sequence owned by one of its columns
// (serial), and a column the load does not write (its values must be kept).

#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"
#include "sink/schema_manager.h"

namespace etl::sink {

struct ForeignKeyIn {  // a foreign key of another table (or the target itself) referencing it
  std::string name;
  std::string child_schema;
  std::string child_table;
  std::vector<std::string> child_columns;
  std::vector<std::string> referenced_columns;  // columns of the target, in pairing order
  char on_delete = 'a';                         // pg_constraint.confdeltype
  char on_update = 'a';
  bool self = false;  // the target references itself
};

struct TargetShape {
  bool exists = false;
  bool partitioned = false;
  std::vector<ExistingColumn> columns;           // table order
  std::vector<std::string> target_only_columns;  // columns the load does not write
  std::vector<std::string> swap_blockers;        // empty: a faithful swap loses nothing
  bool has_unique_key = false;  // a primary key or unique index on exactly the load's key
  std::vector<ForeignKeyIn> referenced_by;
};

// `load_columns`: the columns the load writes; `key`: its key (may be empty).
TargetShape InspectTarget(PgConnection& conn, std::string_view schema, std::string_view table,
                          const std::vector<std::string>& load_columns,
                          const std::vector<std::string>& key);

}  // namespace etl::sink
