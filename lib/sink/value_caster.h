#pragma once
// ValueCaster: has PostgreSQL read texts as a given type and print them again, the way a load
// with a `column_types` override stores them (the value travels as text and PostgreSQL casts
// it). `etl verify` compares an overridden column by casting the source's text like this and
// comparing the printed result with the target's own text, so every override type compares
// exactly as PostgreSQL defines it, whatever the type.
//
//   SELECT u.v::<type>::text FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY u.n
//
// One statement per batch. When the batch fails (a text the type does not accept), each value
// is cast on its own and the ones PostgreSQL refuses come back as not ok, with its message;
// such a value is what the load rejected as a bad row.
//
// The connection must be outside a transaction (a failed cast would abort it) and must not be
// used for anything else meanwhile; the session's settings decide the printed forms (verify's
// connection sets TimeZone UTC and the other text settings, see sink/table_checksum.h).
// `type` is checked with ValidateTypeText (the same check the DDL gets) before it reaches SQL.
// Errors other than a refused value throw PgError.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"

namespace etl::sink {

struct CastValue {
  bool ok = true;
  std::optional<std::string> text;  // nullopt: NULL
  std::string error;                // when !ok
};

class ValueCaster {
 public:
  explicit ValueCaster(PgConnection& conn) : conn_(conn) {}

  // One result per input, in order. nullopt inputs are NULL and come back NULL.
  // REQUIRES: no input holds a NUL byte.
  std::vector<CastValue> Cast(std::string_view type,
                              const std::vector<std::optional<std::string>>& values);

 private:
  PgConnection& conn_;
};

// The text[] literal of `values` with NULL elements: {"a",NULL,"b\"c"} (exposed for tests).
std::string NullableTextArray(const std::vector<std::optional<std::string>>& values);

}  // namespace etl::sink
