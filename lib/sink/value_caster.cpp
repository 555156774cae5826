#include "sink/value_caster.h"

#include "sink/schema_manager.h"
#include "sink/type_name.h"

namespace etl::sink {

std::string NullableTextArray(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    if (!values[i]) {
      out.append("NULL");
      continue;
    }
    out.push_back('"');
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::vector<CastValue> ValueCaster::Cast(std::string_view type,
                                         const std::vector<std::optional<std::string>>& values) {
  // Only PostgreSQL's own spelling of the type reaches the SQL (sink/type_name.h).
  const std::string t = ResolveTypeName(conn_, type);
  std::vector<CastValue> out(values.size());
  if (values.empty()) return out;
  const std::string batch_sql = "SELECT u.v::" + t +
                                "::text FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) "
                                "ORDER BY u.n";
  try {
    PgResult r = conn_.ExecParams(batch_sql, {NullableTextArray(values)});
    if (r.rows() == static_cast<int>(values.size())) {
      for (int i = 0; i < r.rows(); ++i) {
        if (!r.IsNull(i, 0)) out[static_cast<std::size_t>(i)].text = r.String(i, 0);
      }
      return out;
    }
  } catch (const PgError& e) {
    if (e.sqlstate().empty()) throw;  // the connection, not a value
  }
  // Some value was refused: cast one at a time to tell which.
  const std::string one_sql = "SELECT $1::text::" + t + "::text";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) continue;
    try {
      PgResult r = conn_.ExecParams(one_sql, {values[i]});
      if (r.rows() == 1 && !r.IsNull(0, 0)) out[i].text = r.String(0, 0);
    } catch (const PgError& e) {
      if (e.sqlstate().empty()) throw;
      out[i].ok = false;
      out[i].error = e.what();
    }
  }
  return out;
}

}  // namespace etl::sink
