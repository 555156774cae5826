#include "sink/table_checksum.h"

#include <charconv>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "sink/pg_quote.h"
#include "types/canonical_value.h"

namespace etl::sink {
namespace {

using types::ValueKind;

// Qualified with the table: a bare name in ORDER BY would mean the output column of that name,
// which is the canonical text ("id"::text sorts 10 before 9).
std::string OrderTerm(const std::string& table, const types::TargetColumn& c) {
  const std::string col = table + "." + QuoteIdent(c.name);
  switch (c.kind) {
    case ValueKind::kSetArray:
      return "array_to_string(" + col + ", ',') COLLATE \"C\" NULLS FIRST";
    case ValueKind::kText:
    case ValueKind::kEnumText:
    case ValueKind::kCast:
    case ValueKind::kJsonb:
      return col + "::text COLLATE \"C\" NULLS FIRST";
    default:
      return col + " NULLS FIRST";
  }
}

// The source's encoding (source/table_checksum.cpp): N for NULL, "<characters>:<text>" for
// free text, else the text; fields joined by '|'.
std::string HashField(const types::TargetColumn& column) {
  std::string expr = CanonicalExpression(column);
  if (column.kind == ValueKind::kBytea || column.kind == ValueKind::kGeometry) {
    expr = "upper(" + expr + ")";  // MySQL's HEX() is upper case
  }
  if (types::HashWithLength(column)) {
    return "COALESCE(length(" + expr + ")::text || ':' || " + expr + ", 'N')";
  }
  return "COALESCE(" + expr + ", 'N')";
}

std::string RowHash(const std::vector<types::TargetColumn>& columns) {
  std::string sql = "md5(concat_ws('|'";
  for (const auto& c : columns)
    sql += ", " + HashField(c);
  return sql + "))";
}

std::int64_t ParseInt(std::string_view v, const std::string& what) {
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) {
    throw std::runtime_error(what + " returned '" + std::string(v) + "', not a 64-bit integer");
  }
  return out;
}

}  // namespace

std::string CanonicalExpression(const types::TargetColumn& c) {
  const std::string col = QuoteIdent(c.name);
  switch (c.kind) {
    case ValueKind::kSetArray:
      return "array_to_string(" + col + ", ',')";
    case ValueKind::kBytea:
    case ValueKind::kGeometry:
      return "encode(" + col + ", 'hex')";
    default:
      // Everything else prints its canonical text itself in this session; json, float and
      // overridden columns are compared from this text in the client.
      return col + "::text";
  }
}

TargetTableChecksum::TargetTableChecksum(PgConnection& conn, ChecksumTarget table)
    : conn_(conn),
      table_(std::move(table)),
      context_("verifying " + table_.schema + "." + table_.table) {
  if (table_.columns.empty()) throw std::invalid_argument(context_ + ": no columns to compare");
}

void ApplyCanonicalSession(PgConnection& conn) {
  // The text forms the canonical expressions rely on, whatever the role or database default.
  conn.Exec(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; "
      "SET extra_float_digits = 1; SET bytea_output = 'hex'");
}

void TargetTableChecksum::BeginSnapshot() {
  ApplyCanonicalSession(conn_);
  PgResult enc = conn_.Query("SHOW server_encoding");
  if (enc.rows() != 1 || enc.Value(0, 0) != "UTF8") {
    throw PgError("PostgreSQL " + conn_.description() + ": the database's encoding is " +
                  (enc.rows() == 1 ? enc.String(0, 0) : std::string("unknown")) +
                  "; etl verify compares UTF-8 text and needs a UTF8 database");
  }
  conn_.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
}

void TargetTableChecksum::EndSnapshot() noexcept {
  try {
    conn_.Exec("ROLLBACK");
  } catch (const std::exception& e) {
    spdlog::debug("{}: ending the snapshot: {}", context_, e.what());
  }
}

std::string TargetTableChecksum::Where(const types::KeyRange& range) const {
  if (range.whole()) return "";
  if (table_.key.size() != 1) {
    throw std::invalid_argument(context_ + ": key ranges need a single integer key");
  }
  const std::string k = QuoteIdent(table_.columns[table_.key[0]].name);
  std::string sql;
  if (range.lo) sql += " WHERE " + k + " >= " + std::to_string(*range.lo);
  if (range.hi)
    sql += std::string(sql.empty() ? " WHERE " : " AND ") + k + " < " + std::to_string(*range.hi);
  return sql;
}

std::string TargetTableChecksum::ChecksumSql(const types::KeyRange& range) const {
  return "SELECT count(*), coalesce(sum(('x' || substr(" + RowHash(table_.columns) +
         ", 1, 15))::bit(60)::bigint), 0)::text FROM " +
         QualifiedName(table_.schema, table_.table) + Where(range);
}

std::string TargetTableChecksum::RowsSql(const types::KeyRange& range) const {
  // The columns as they are: COPY prints each with its type's output function, which
  // types::TargetText canonicalises in the client.
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < table_.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += QuoteIdent(table_.columns[i].name);
  }
  sql += " FROM " + QualifiedName(table_.schema, table_.table) + Where(range);
  if (!table_.key.empty()) {
    sql += " ORDER BY ";
    for (std::size_t i = 0; i < table_.key.size(); ++i) {
      if (i) sql += ", ";
      sql += OrderTerm(QualifiedName(table_.schema, table_.table), table_.columns[table_.key[i]]);
    }
  }
  return sql;
}

std::optional<std::pair<std::int64_t, std::int64_t>> TargetTableChecksum::KeyBounds() {
  if (table_.key.size() != 1) throw std::invalid_argument(context_ + ": no single key");
  const std::string k = QuoteIdent(table_.columns[table_.key[0]].name);
  PgResult r = conn_.Query("SELECT min(" + k + ")::text, max(" + k + ")::text FROM " +
                           QualifiedName(table_.schema, table_.table));
  if (r.rows() != 1 || r.IsNull(0, 0) || r.IsNull(0, 1)) return std::nullopt;
  return std::pair{ParseInt(r.Value(0, 0), context_ + ": min"),
                   ParseInt(r.Value(0, 1), context_ + ": max")};
}

types::RangeChecksum TargetTableChecksum::Checksum(const types::KeyRange& range) {
  const std::string sql = ChecksumSql(range);
  spdlog::trace("{}: {}", context_, sql);
  PgResult r = conn_.Query(sql);
  types::RangeChecksum out;
  if (r.rows() != 1) return out;
  out.rows = ParseInt(r.Value(0, 0), context_ + ": count(*)");
  out.sum = r.String(0, 1);
  return out;
}

CopyReader TargetTableChecksum::OpenRows(const types::KeyRange& range) {
  return CopyReader(conn_, RowsSql(range), context_);
}

}  // namespace etl::sink
