#pragma once
// Target-side DDL and introspection: schemas, tables, primary keys, and whether an existing
// table can receive what the source maps to.
//
// Tables are created WITHOUT a primary key (bulk loads are faster into a bare heap); callers
// add it with AddPrimaryKey after the load. NOT NULL is kept, and an enum column gets
// CHECK ("col" IN ('a', 'b', ...)).
//
// Names are always quoted; a column's pg_type (from the type mapping or a column_types
// override) reaches DDL only as PostgreSQL's own spelling of it: CreateTable resolves every type
// with sink::ResolveTypeName (the server parses it as a type name, passed as a parameter) and
// throws sink::InvalidTypeName naming the column for anything that is not exactly a type.
//
// Compatibility of an existing table (CheckCompatible): every source column must exist in the
// target with a type that can hold it. Types are compared after PostgreSQL's own normalisation
// (format_type), so "varchar(10)" and "character varying(10)" are the same. A target type is
// accepted when it is the same, or wider: varchar(N >= n), text/unbounded varchar for any
// varchar or text, numeric with room for the digits, bigger integers, double precision for
// real, timestamps/intervals with at least the precision, unbounded bit varying. Extra target
// columns are fine when they are nullable or have a default. A NOT NULL target column whose
// source column allows NULL is a warning, not an error (loading fails only if a NULL arrives).

#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"
#include "types/type_mapping.h"

namespace etl::sink {

struct ExistingColumn {
  std::string name;
  std::string type;  // format_type spelling, e.g. "character varying(255)", "numeric(12,2)"
  bool not_null = false;
  bool has_default = false;  // a default, identity or generated column
};

struct Compatibility {
  std::vector<std::string> errors;    // the table cannot be loaded as it is
  std::vector<std::string> warnings;  // it can, but something may fail or be lost
  bool ok() const { return errors.empty(); }
};

void EnsureSchema(PgConnection& conn, std::string_view schema);
bool TableExists(PgConnection& conn, std::string_view schema, std::string_view table);
// Columns in table order; empty when the table does not exist.
std::vector<ExistingColumn> ReadTableColumns(PgConnection& conn, std::string_view schema,
                                             std::string_view table);

// The CREATE TABLE statement CreateTable runs (pure; no trailing semicolon).
// REQUIRES: every pg_type is a ResolveTypeName result (it is placed in the DDL as it is).
std::string CreateTableSql(std::string_view schema, std::string_view table,
                           const std::vector<types::TargetColumn>& columns);
void CreateTable(PgConnection& conn, std::string_view schema, std::string_view table,
                 const std::vector<types::TargetColumn>& columns);

void AddPrimaryKey(PgConnection& conn, std::string_view schema, std::string_view table,
                   const std::vector<std::string>& columns);
// True when a primary key or an immediate, non-partial unique index covers exactly `columns`
// (in any order) — what ON CONFLICT (columns) needs.
bool HasPrimaryKeyOrUnique(PgConnection& conn, std::string_view schema, std::string_view table,
                           const std::vector<std::string>& columns);

// Each type as PostgreSQL spells it (format_type): sink::ResolveTypeNames, which never pastes
// the text into SQL. Throws sink::InvalidTypeName naming a text that is not a type (an open
// transaction stays usable).
std::vector<std::string> NormaliseTypes(PgConnection& conn, const std::vector<std::string>& types);

// Pure comparison; `wanted_types[i]` is the format_type spelling of wanted[i].pg_type.
Compatibility CompareColumns(const std::vector<ExistingColumn>& existing,
                             const std::vector<types::TargetColumn>& wanted,
                             const std::vector<std::string>& wanted_types);
// NormaliseTypes + CompareColumns.
Compatibility CheckCompatible(PgConnection& conn, const std::vector<ExistingColumn>& existing,
                              const std::vector<types::TargetColumn>& wanted);

// Whether target type `have` (format_type spelling) can hold values of type `want`.
bool TypeAccepts(std::string_view have, std::string_view want);

}  // namespace etl::sink
