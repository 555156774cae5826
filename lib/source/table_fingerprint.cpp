#include "source/table_fingerprint.h"

#include <cstdint>

#include <fmt/format.h>

#include "source/mysql_quote.h"
#include "version.h"

namespace etl::source {
namespace {

// FNV-1a, 64 bits: stable across builds and machines (std::hash is not), and plenty to tell two
// states of one table apart.
class Digest {
 public:
  void Add(std::string_view part) {
    for (const char c : part) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 1099511628211ULL;
    }
    hash_ ^= 0x1f;  // a separator, so ("ab","c") and ("a","bc") differ
    hash_ *= 1099511628211ULL;
  }
  void AddValue(const std::optional<std::string>& value) {
    if (value) {
      Add("v" + *value);
    } else {
      Add("NULL");
    }
  }
  std::string Hex() const { return fmt::format("{:016x}", hash_); }

 private:
  std::uint64_t hash_ = 14695981039346656037ULL;
};

std::string Where(const config::TableSpec& table) {
  return table.where ? " WHERE (" + *table.where + "\n)" : "";
}

constexpr std::string_view kUpdated = " updated=";
constexpr std::string_view kShape = " shape=";

// The value of `key` in a fingerprint ("" when absent): up to the next space.
std::string Field(const std::string& fingerprint, std::string_view key) {
  const auto at = fingerprint.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return fingerprint.substr(start, fingerprint.find(' ', start) - start);
}

// The table's settled UPDATE_TIME (see the header), or "" when it cannot be trusted.
std::string SettledUpdateTime(MySqlConnection& conn, const std::string& database,
                              const std::string& table) {
  try {
    // MySQL 8 serves information_schema.TABLES from a cache refreshed daily by default.
    if (!conn.is_mariadb()) conn.Exec("SET SESSION information_schema_stats_expiry = 0");
    const auto v = conn.QueryScalar(
        "SELECT DATE_FORMAT(t.UPDATE_TIME, '%Y-%m-%dT%H:%i:%s') FROM information_schema.TABLES t"
        " WHERE t.TABLE_SCHEMA = " +
        QuoteString(database) + " AND t.TABLE_NAME = " + QuoteString(table) +
        " AND t.UPDATE_TIME <= NOW() - INTERVAL 2 SECOND AND NOT EXISTS (SELECT 1 FROM"
        " information_schema.INNODB_TRX x WHERE x.trx_is_read_only = 0 AND x.trx_started <"
        " t.UPDATE_TIME + INTERVAL 1 SECOND)");
    return v.value_or("");
  } catch (const std::exception&) {
    return "";  // e.g. no PROCESS privilege for INNODB_TRX: no shortcut
  }
}

}  // namespace

FingerprintChoice ChooseFingerprint(const config::TableSpec& table) {
  if (!table.incremental_columns.empty()) {
    std::string maxes;
    for (const auto& c : table.incremental_columns)
      maxes += (maxes.empty() ? "max(" : ", max(") + c + ")";
    return {FingerprintMethod::kCursor, fmt::format("row count + {} (the table's cursor)", maxes)};
  }
  if (table.where) {
    return {FingerprintMethod::kRowChecksum,
            "row count + checksum of every row under `where` (no cursor; CHECKSUM TABLE cannot "
            "filter)"};
  }
  return {FingerprintMethod::kChecksumTable, "CHECKSUM TABLE (no cursor, no where)"};
}

std::optional<Fingerprint> TakeFingerprint(MySqlConnection& conn, const std::string& database,
                                           const config::TableSpec& table,
                                           const std::optional<std::string>& previous) {
  const std::string updated = SettledUpdateTime(conn, database, table.source_table);
  const auto columns = conn.Query(
      "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE "
      "TABLE_SCHEMA = " +
      QuoteString(database) + " AND TABLE_NAME = " + QuoteString(table.source_table) +
      " ORDER BY ORDINAL_POSITION");
  if (columns.empty()) return std::nullopt;

  Digest digest;
  digest.Add(std::string("etl ") + kVersion);
  for (const auto& row : columns) {
    for (const auto& v : row)
      digest.AddValue(v);
  }
  for (const std::string& part : {table.source_table, table.target_table, table.where.value_or("")})
    digest.Add(part);
  for (const auto& k : table.primary_key)
    digest.Add("key " + k);
  for (const auto& [column, type] : table.column_types)
    digest.Add("type " + column + " " + type);

  const std::string shape = digest.Hex();
  if (previous && !updated.empty() && Field(*previous, kShape) == shape &&
      Field(*previous, kUpdated) == updated) {
    return Fingerprint{*previous, true};  // not written since: no scan needed
  }
  const auto finish = [&](std::string text) {
    text += std::string(kShape) + shape;
    if (!updated.empty()) text += std::string(kUpdated) + updated;
    return Fingerprint{std::move(text), false};
  };

  const std::string from = QuoteQualified(database, table.source_table);
  const FingerprintChoice choice = ChooseFingerprint(table);
  switch (choice.method) {
    case FingerprintMethod::kCursor: {
      std::string select = "SELECT COUNT(*)";
      for (const auto& c : table.incremental_columns)
        select += ", MAX(" + QuoteIdent(c) + ")";
      const auto rows = conn.Query(select + " FROM " + from + Where(table));
      for (const auto& v : rows.at(0))
        digest.AddValue(v);
      return finish(
          fmt::format("cursor rows={} sum={}", rows.at(0).at(0).value_or("0"), digest.Hex()));
    }
    case FingerprintMethod::kChecksumTable: {
      const auto rows = conn.Query("CHECKSUM TABLE " + from);
      if (rows.empty() || rows[0].size() < 2 || !rows[0][1]) return std::nullopt;
      digest.AddValue(rows[0][1]);
      return finish(fmt::format("checksum sum={}", digest.Hex()));
    }
    case FingerprintMethod::kRowChecksum: {
      // ISNULL(c) before each value tells NULL from '' (CONCAT_WS skips NULLs); SUM, unlike
      // BIT_XOR alone, does not cancel out two identical rows of a keyless table.
      std::string fields;
      for (const auto& row : columns) {
        const std::string c = QuoteIdent(row.at(0).value_or(""));
        fields += (fields.empty() ? "" : ", ") + fmt::format("ISNULL({0}), {0}", c);
      }
      const std::string h =
          "CAST(CONV(SUBSTRING(MD5(CONCAT_WS(0x1f, " + fields + ")), 1, 16), 16, 10) AS UNSIGNED)";
      const auto rows = conn.Query("SELECT COUNT(*), SUM(" + h + "), BIT_XOR(" + h + ") FROM " +
                                   from + Where(table));
      for (const auto& v : rows.at(0))
        digest.AddValue(v);
      return finish(
          fmt::format("rows rows={} sum={}", rows.at(0).at(0).value_or("0"), digest.Hex()));
    }
  }
  return std::nullopt;
}

bool SameSource(const std::string& a, const std::string& b) {
  const auto content = [](const std::string& f) { return f.substr(0, f.find(kUpdated)); };
  return content(a) == content(b);
}

}  // namespace etl::source
