#pragma once
// PostgreSQL type names from untrusted text (a `column_types` value, a mapped type): resolved by
// the server, never pasted into SQL to find out what they are.
//
// ResolveTypeName(conn, "numeric(12, 2)") returns PostgreSQL's own spelling of the type,
// format_type(oid, typmod) -- "numeric(12,2)" -- which is the only form that DDL then uses.
// The text goes to the server only as a parameter:
//   1. `$1::regtype` makes PostgreSQL parse it with its type-name grammar: it accepts exactly one
//      type name with its modifiers and array bounds (a domain, an enum, a schema-qualified or
//      quoted name, `%TYPE` references) and fails on anything else -- "int REFERENCES t (id)",
//      "text DEFAULT 'x'", "int; DROP TABLE t" are syntax errors, "jsonbb" does not exist.
//      regtype drops the modifiers, so:
//   2. the modifier list is split here (SplitTypeName) and handed, as a cstring[] parameter, to
//      the type's own typmodin function (named from pg_type, quoted), giving the typmod that
//      format_type prints. "char"/"bit" without a length mean length 1, as in SQL.
// Interval field restrictions ("interval day to second") are refused with a hint (their typmod
// is built by the grammar, not by a typmodin); "interval", "interval(3)" are fine.
//
// Errors: InvalidTypeName (std::invalid_argument) naming the text and the server's reason.
// Connection failures are PgError. Inside an open transaction the lookups run in a savepoint, so
// a refused name leaves the transaction usable.
// Threads: as the connection.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"
#include "types/type_mapping.h"

namespace etl::sink {

class InvalidTypeName : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Canonical spelling of one type name (see above).
std::string ResolveTypeName(PgConnection& conn, std::string_view text);
// The same for many, in two round trips when all are valid; out[i] belongs to texts[i].
std::vector<std::string> ResolveTypeNames(PgConnection& conn,
                                          const std::vector<std::string>& texts);

// Resolves, in place, the pg_type of every column_types override (kind kCast) of a table, so
// that plan reports a bad value and run refuses it before writing anything. Returns "" or the
// problem, naming the table, the column and the value:
//   table orders: column_types.v: "int REFERENCES other (id)" is not a PostgreSQL type name: ...
// Connection failures throw PgError.
std::string ResolveColumnTypeOverrides(PgConnection& conn, std::string_view table,
                                       std::vector<types::TargetColumn>& columns);

// The parts of a type name the typmod needs (pure; REQUIRES nothing of the text, but the result
// is meaningful only for text PostgreSQL accepted as a type name).
struct TypeNameParts {
  std::vector<std::string> modifiers;  // items of the parenthesised list, as typmodin takes them
  std::string first_word;              // first unquoted word, lower-cased ("" when quoted)
  bool varying = false;                // the word "varying" appears
  bool interval_fields = false;        // an interval with year..second field words
};
// std::nullopt when the text has more than one modifier list or unbalanced quotes/parentheses.
std::optional<TypeNameParts> SplitTypeName(std::string_view text);

}  // namespace etl::sink
