// End-to-end tests of the chunked pipeline through `etl run`: range chunking, adaptive sizing,
// sparse detection (early termination and resume for incremental loads, keyset fallback for
// full loads), accumulation of small chunks into write batches, and parallel key splits
// (contract: "Chunking, adaptive sizing and sparse sequences" in docs/job-spec.md).
//
// Every test builds its source table with MariaDB's SEQUENCE engine, runs `etl run
// --report-json`, checks the report's counters against the numbers the chunk sequencer's
// contract (plan/chunk_sequencer.h) implies, and compares the target with the source value by
// value (count, sum and an md5 over the ordered rows).

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::ReadFile;

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::RequireServers;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

// --- A minimal reader for the flat run report (one JSON object per table). ---

// The JSON object of table `name` inside the report's "tables" array ("" when absent).
std::string TableObject(const std::string& report, const std::string& name) {
  const std::string needle = "\"name\":\"" + name + "\"";
  const auto at = report.find(needle);
  if (at == std::string::npos) return "";
  const auto open = report.rfind('{', at);
  if (open == std::string::npos) return "";
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < report.size(); ++i) {
    const char c = report[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return report.substr(open, i - open + 1);
    }
  }
  return "";
}

// The raw JSON text of `key`'s value in a flat object: a string (without its quotes), an array
// (with its brackets), or a scalar. nullopt when the key is missing.
std::optional<std::string> RawField(const std::string& object, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const auto at = object.find(needle);
  if (at == std::string::npos) return std::nullopt;
  std::size_t i = at + needle.size();
  if (i >= object.size()) return std::nullopt;
  if (object[i] == '"') {
    std::string out;
    for (++i; i < object.size() && object[i] != '"'; ++i) {
      if (object[i] == '\\' && i + 1 < object.size()) ++i;
      out += object[i];
    }
    return out;
  }
  if (object[i] == '[') {
    const auto close = object.find(']', i);
    return object.substr(i, close == std::string::npos ? std::string::npos : close - i + 1);
  }
  const auto end = object.find_first_of(",}", i);
  return object.substr(i, end == std::string::npos ? std::string::npos : end - i);
}

struct TableResult {
  etl::testing::CommandResult command;
  std::string report;  // the whole --report-json file
  std::string table;   // this table's object in it

  std::string Str(const std::string& key) const { return RawField(table, key).value_or("<none>"); }
  std::int64_t Int(const std::string& key) const {
    const auto v = RawField(table, key);
    if (!v || v->empty() || *v == "null") return -1;
    return std::stoll(*v);
  }
  double Num(const std::string& key) const {
    const auto v = RawField(table, key);
    if (!v || v->empty() || *v == "null") return -1;
    return std::stod(*v);
  }
  // The single integer of a one-column watermark like ["42000"]; nullopt when null/absent.
  std::optional<std::int64_t> Watermark() const {
    const auto v = RawField(table, "watermark");
    if (!v || *v == "null") return std::nullopt;
    std::smatch m;
    static const std::regex kOne(R"(^\[\"(-?[0-9]+)\"\]$)");
    if (!std::regex_match(*v, m, kOne)) return std::nullopt;
    return std::stoll(m[1].str());
  }
  std::string Describe() const {
    return "exit " + std::to_string(command.exit_code) + "\nreport: " + report + "\nstdout:\n" +
           command.out + "\nstderr (tail):\n" +
           (command.err.size() > 4000 ? command.err.substr(command.err.size() - 4000)
                                      : command.err);
  }
};

// Runs `etl run` on `spec` (written to a temp file named after `job_name`, default `tag`: the
// job's name, which its saved state records) and returns table `table`'s report entry.
TableResult RunJob(const std::string& tag, const std::string& spec, const std::string& table,
                   std::vector<std::string> extra_args = {}, const std::string& job_name = "") {
  const std::string job = WriteTempFile((job_name.empty() ? tag : job_name) + ".yml", spec);
  const std::string report_path = WriteTempFile(tag + ".report.json", "");
  std::vector<std::string> args = {"run", job, "--report-json", report_path, "--progress", "never"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  TableResult r;
  r.command = RunEtl(args);
  r.report = ReadFile(report_path);
  r.table = TableObject(r.report, table);
  return r;
}

// --- Source/target fingerprints: count | sum(id) | md5 of "id:v" rows ordered by id. ---

std::string SourceFingerprint(const std::string& db, const std::string& table,
                              const std::string& where = "TRUE") {
  std::string out = Trim(
      MySql("SET SESSION group_concat_max_len = 1073741824;"
            "SELECT COUNT(*), COALESCE(SUM(id), 0), "
            "COALESCE(MD5(GROUP_CONCAT(CONCAT(id, ':', v) ORDER BY id SEPARATOR ',')), '') FROM `" +
                table + "` WHERE " + where,
            db));
  std::replace(out.begin(), out.end(), '\t', '|');
  return out;
}

std::string TargetFingerprint(const std::string& schema, const std::string& table,
                              const std::string& where = "TRUE") {
  return Trim(
      Psql("SELECT count(*), coalesce(sum(id), 0), "
           "coalesce(md5(string_agg(id::text || ':' || v, ',' ORDER BY id)), '') FROM \"" +
           schema + "\".\"" + table + "\" WHERE " + where));
}

std::int64_t PgInt(const std::string& sql) {
  return std::stoll(Trim(Psql(sql)));
}
std::int64_t MyInt(const std::string& sql, const std::string& db) {
  return std::stoll(Trim(MySql(sql, db)));
}

// A table `name (id BIGINT PRIMARY KEY, v VARCHAR(40))` filled by `inserts`, each an id
// expression over a sequence table, e.g. {"seq", "seq_1_to_100"}.
void CreateTable(const std::string& db, const std::string& name,
                 const std::vector<std::pair<std::string, std::string>>& inserts) {
  std::string sql = "CREATE TABLE `" + name +
                    "` (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(40) NOT NULL) ENGINE=InnoDB;";
  for (const auto& [expr, seq] : inserts) {
    sql += "INSERT INTO `" + name + "` SELECT " + expr + ", CONCAT('v', (" + expr + ") * 7) FROM " +
           seq + ";";
  }
  sql += "ANALYZE TABLE `" + name + "`;";
  MySql(sql, db);
}

// Dense head 1..20000, every 500th key 20500..5000000, dense tail 5000001..5020000.
void CreateHeadSparseMiddleTail(const std::string& db, const std::string& name) {
  CreateTable(db, name,
              {{"seq", "seq_1_to_20000"},
               {"seq", "seq_20500_to_5000000_step_500"},
               {"seq", "seq_5000001_to_5020000"}});
}

// `sparse_sequence_optimization` block from its indented body lines ("" for the defaults).
std::string SparseBlock(const std::string& body) {
  return body.empty() ? "" : "sparse_sequence_optimization:\n" + body;
}

std::string TableBlock(const std::string& name, std::int64_t batch_size,
                       const std::string& performance, const std::string& extra = "") {
  return "tables:\n  " + name + ":\n    batch_size: " + std::to_string(batch_size) + "\n" + extra +
         "    performance:\n" + performance;
}

constexpr const char* kIncremental =
    "    extraction_strategy: incremental\n    incremental_columns: [id]\n";

}  // namespace

TEST_CASE("range chunking of a dense table issues one full query per batch_size range",
          "[cli][chunking]") {
  RequireServers();
  const std::string db = "chunking_dense";
  ResetMySqlDatabase(db);
  ResetPgSchema(db);
  CreateTable(db, "dense", {{"seq", "seq_1_to_200000"}});

  // 200000 keys in ranges of 7000: 28 full ranges and a last one [196001, 200001) that ends at
  // key_max, so the sequencer is done without a trailing empty query: ceil(200000/7000) = 29.
  const auto r =
      RunJob(db,
             JobHeader(db, db) +
                 TableBlock("dense", 7000, "      strategy: copy_csv\n      chunking: range\n"),
             "dense");
  INFO(r.Describe());
  REQUIRE(r.command.exit_code == 0);
  CHECK(r.Str("status") == "ok");
  CHECK(r.Int("queries") == 29);
  CHECK(r.Int("chunks") == 29);
  CHECK(r.Num("avg_chunk_efficiency") == Approx(1.0));
  CHECK(r.Int("sparse_detections") == 0);
  CHECK(r.Int("queries_saved") == 0);
  CHECK(r.Int("rows_read") == 200000);
  CHECK(r.Int("rows_written") == 200000);
  // Default accumulation (max_batch_size 200000): all rows fit into exactly one COPY.
  CHECK(r.Int("batches") == 1);
  CHECK(TargetFingerprint(db, "dense") == SourceFingerprint(db, "dense"));
}

TEST_CASE("adaptive range sizing crosses a sparse middle with >= 80% fewer queries",
          "[cli][chunking][sparse]") {
  RequireServers();
  const std::string db = "chunking_adaptive";
  const std::string on = "chunking_adaptive_on";
  const std::string off = "chunking_adaptive_off";
  ResetMySqlDatabase(db);
  ResetPgSchema(on);
  ResetPgSchema(off);
  CreateHeadSparseMiddleTail(db, "t");
  const std::string perf = "      strategy: copy_csv\n      chunking: range\n";

  // Detection off in both runs, so the full load keeps reading ranges all the way.
  const auto adaptive =
      RunJob(on,
             JobHeader(db, on) + SparseBlock("  detection:\n    enabled: false\n") +
                 TableBlock("t", 1000, perf),
             "t");
  const auto fixed = RunJob(off,
                            JobHeader(db, off) +
                                SparseBlock("  detection:\n    enabled: false\n"
                                            "  adaptive_scaling:\n    enabled: false\n") +
                                TableBlock("t", 1000, perf),
                            "t");
  INFO("adaptive: " << adaptive.Describe());
  INFO("fixed: " << fixed.Describe());
  REQUIRE(adaptive.command.exit_code == 0);
  REQUIRE(fixed.command.exit_code == 0);
  CHECK(adaptive.Str("status") == "ok");
  CHECK(fixed.Str("status") == "ok");
  CHECK(adaptive.Int("sparse_detections") == 0);
  CHECK(fixed.Int("sparse_detections") == 0);

  // Fixed ranges: keys 1..5020000 in ranges of 1000 -> exactly 5020 queries.
  CHECK(fixed.Int("queries") == 5020);
  CHECK(fixed.Int("queries_saved") == 0);
  // Adaptive: the sparse middle is read in ranges max_scale_factor (10) times wider.
  CHECK(adaptive.Int("queries") > 0);
  CHECK(adaptive.Int("queries") * 5 <= fixed.Int("queries"));
  CHECK(adaptive.Int("queries_saved") == fixed.Int("queries") - adaptive.Int("queries"));
  CHECK(adaptive.Num("avg_chunk_efficiency") > fixed.Num("avg_chunk_efficiency"));

  const std::string source = SourceFingerprint(db, "t");
  CHECK(source.rfind("49960|", 0) == 0);
  CHECK(adaptive.Int("rows_written") == 49960);
  CHECK(fixed.Int("rows_written") == 49960);
  CHECK(TargetFingerprint(on, "t") == source);
  CHECK(TargetFingerprint(off, "t") == source);
}

TEST_CASE("incremental range load stops early in a sparse middle and later runs finish it",
          "[cli][chunking][sparse][incremental]") {
  RequireServers();
  const std::string db = "chunking_incr";
  const std::string full_schema = "chunking_incr_full";
  ResetMySqlDatabase(db);
  ResetPgSchema(db);
  ResetPgSchema(full_schema);
  CreateHeadSparseMiddleTail(db, "t");
  const std::string perf = "      strategy: copy_csv\n      chunking: range\n";
  const std::string spec = JobHeader(db, db) + TableBlock("t", 2000, perf, kIncremental);
  const std::string source = SourceFingerprint(db, "t");

  // Run 1: ten dense ranges of 2000, then [20001, 22001) holds 4 rows (sparse #1, next range
  // 10x wider) and [22001, 42001) holds 40 (sparse #2 -> detection -> stop). Everything read
  // commits with the watermark at the end of the last range read: 42000.
  const auto first = RunJob(db + "_1", spec, "t", {}, db);
  {
    INFO(first.Describe());
    REQUIRE(first.command.exit_code == 0);
    CHECK(first.Str("status") == "early_terminated");
    CHECK(first.command.out.find("early_terminated") != std::string::npos);
    CHECK(first.Int("sparse_detections") == 1);
    CHECK(first.Int("queries") == 12);
    REQUIRE(first.Watermark().has_value());
    CHECK(*first.Watermark() == 42000);
    CHECK(first.Int("rows_written") == 20044);
    const std::string upto = "id <= " + std::to_string(*first.Watermark());
    CHECK(TargetFingerprint(db, "t") == SourceFingerprint(db, "t", upto));
    CHECK(PgInt("SELECT count(*) FROM \"" + db + "\".t WHERE NOT (" + upto + ")") == 0);
    CHECK(Trim(Psql("SELECT status FROM \"" + db + "\".etl_state WHERE table_name = 't'")) ==
          "early_terminated");
  }

  // Later runs resume at the watermark and get through the sparse stretch.
  int runs = 1;
  std::string status = first.Str("status");
  std::int64_t written = first.Int("rows_written");
  while (status != "ok" && runs < 5) {
    ++runs;
    const auto next = RunJob(db + "_" + std::to_string(runs), spec, "t", {}, db);
    INFO("run " << runs << ": " << next.Describe());
    REQUIRE(next.command.exit_code == 0);
    status = next.Str("status");
    REQUIRE((status == "ok" || status == "early_terminated"));
    written += next.Int("rows_written");
    if (status == "ok") {
      REQUIRE(next.Watermark().has_value());
      CHECK(*next.Watermark() == 5020000);  // the high mark
    }
  }
  CHECK(status == "ok");
  CHECK(runs <= 5);
  // Each run read every key it covered exactly once: nothing written twice, nothing missing.
  CHECK(written == 49960);
  CHECK(TargetFingerprint(db, "t") == source);
  CHECK(PgInt("SELECT count(DISTINCT id) FROM \"" + db + "\".t") == 49960);
  CHECK(Trim(Psql("SELECT status FROM \"" + db + "\".etl_state WHERE table_name = 't'")) == "ok");

  // A full load of the same table is never cut short: it detects the sparse stretch, reads
  // the rest with keyset chunks and loads everything.
  const auto full =
      RunJob(full_schema, JobHeader(db, full_schema) + TableBlock("t", 2000, perf), "t");
  INFO("full: " << full.Describe());
  REQUIRE(full.command.exit_code == 0);
  CHECK(full.Str("status") == "ok");
  CHECK(full.Int("sparse_detections") >= 1);
  CHECK(full.Int("rows_written") == 49960);
  CHECK(TargetFingerprint(full_schema, "t") == source);

  // New rows past the high mark: the next run reads just them, in one range.
  MySql("INSERT INTO t SELECT seq, CONCAT('v', seq * 7) FROM seq_5020001_to_5021000", db);
  const auto more = RunJob(db + "_more", spec, "t", {}, db);
  {
    INFO("after new rows: " << more.Describe());
    REQUIRE(more.command.exit_code == 0);
    CHECK(more.Str("status") == "ok");
    CHECK(more.Int("queries") == 1);
    CHECK(more.Int("rows_written") == 1000);
    CHECK(more.Watermark() == std::optional<std::int64_t>(5021000));
    CHECK(TargetFingerprint(db, "t") == SourceFingerprint(db, "t"));
  }
}

TEST_CASE("a sparse tail: full load switches to keyset, incremental stops and resumes",
          "[cli][chunking][sparse]") {
  RequireServers();
  const std::string db = "chunking_tail";
  const std::string full_schema = "chunking_tail_full";
  ResetMySqlDatabase(db);
  ResetPgSchema(db);
  ResetPgSchema(full_schema);
  // Dense 1..20000, then every 1000th key 21000..2000000 (1980 rows).
  CreateTable(db, "t", {{"seq", "seq_1_to_20000"}, {"seq", "seq_21000_to_2000000_step_1000"}});
  const std::string source = SourceFingerprint(db, "t");
  REQUIRE(source.rfind("21980|", 0) == 0);
  const std::string perf = "      strategy: copy_csv\n      chunking: range\n";

  const auto full =
      RunJob(full_schema, JobHeader(db, full_schema) + TableBlock("t", 2000, perf), "t");
  {
    INFO("full: " << full.Describe());
    REQUIRE(full.command.exit_code == 0);
    CHECK(full.Str("status") == "ok");
    CHECK(full.Int("sparse_detections") == 1);
    // 10 dense ranges + 2 sparse ranges, then the 1958 tail rows left fit one keyset chunk
    // of 2000 that comes back short: 13 queries.
    CHECK(full.Int("queries") == 13);
    CHECK(full.Int("rows_written") == 21980);
    CHECK(TargetFingerprint(full_schema, "t") == source);
  }

  const std::string spec = JobHeader(db, db) + TableBlock("t", 2000, perf, kIncremental);
  const auto first = RunJob(db + "_1", spec, "t", {}, db);
  INFO("incremental 1: " << first.Describe());
  REQUIRE(first.command.exit_code == 0);
  CHECK(first.Str("status") == "early_terminated");
  REQUIRE(first.Watermark().has_value());
  // [20001, 22001) holds 21000 and 22000; [22001, 42001) holds 20 rows -> stop at 42000.
  CHECK(*first.Watermark() == 42000);
  CHECK(first.Int("rows_written") == 20022);
  CHECK(TargetFingerprint(db, "t") == SourceFingerprint(db, "t", "id <= 42000"));

  const auto second = RunJob(db + "_2", spec, "t", {}, db);
  INFO("incremental 2: " << second.Describe());
  REQUIRE(second.command.exit_code == 0);
  CHECK(second.Str("status") == "ok");
  CHECK(second.Watermark() == std::optional<std::int64_t>(2000000));
  CHECK(first.Int("rows_written") + second.Int("rows_written") == 21980);
  CHECK(TargetFingerprint(db, "t") == source);
}

TEST_CASE("parallel splits a skewed key into parts of about equal rows",
          "[cli][chunking][parallel]") {
  RequireServers();
  const std::string db = "chunking_parallel";
  ResetMySqlDatabase(db);
  ResetPgSchema(db);
  // 90% of the rows in the first 1% of the key range: 90000 dense keys, then 10000 keys 891
  // apart up to 9000000.
  CreateTable(db, "skewed", {{"seq", "seq_1_to_90000"}, {"90000 + seq * 891", "seq_1_to_10000"}});
  const std::string source = SourceFingerprint(db, "skewed");
  REQUIRE(source.rfind("100000|", 0) == 0);

  const auto r =
      RunJob(db,
             JobHeader(db, db) +
                 TableBlock("skewed", 5000, "      strategy: parallel\n      parallel_chunks: 4\n"),
             "skewed", {"--log-level", "info"});
  INFO(r.Describe());
  REQUIRE(r.command.exit_code == 0);
  CHECK(r.Str("status") == "ok");
  CHECK(r.Str("strategy") == "parallel");
  CHECK(r.Int("rows_written") == 100000);
  CHECK(TargetFingerprint(db, "skewed") == source);

  // Each part logs "part i/n key range [lo, hi): N rows"; the first part has no lower bound and
  // the last none above ("-inf" / "+inf"). Check the ranges tile the key space and hold the
  // rows the log says, counted independently in MySQL.
  struct Part {
    std::string lo, hi;
    std::int64_t logged_rows;
  };
  std::map<int, Part> parts;  // part number -> range
  static const std::regex kPart(
      R"(skewed: part ([0-9]+)/4 key range \[(-inf|-?[0-9]+), (\+inf|-?[0-9]+)\): ([0-9]+) rows)");
  for (auto it = std::sregex_iterator(r.command.err.begin(), r.command.err.end(), kPart);
       it != std::sregex_iterator(); ++it) {
    parts[std::stoi((*it)[1].str())] = {(*it)[2].str(), (*it)[3].str(), std::stoll((*it)[4].str())};
  }
  REQUIRE(parts.size() == 4);
  CHECK(parts.begin()->second.lo == "-inf");
  CHECK(parts.rbegin()->second.hi == "+inf");
  std::string expected_lo = "-inf";
  std::int64_t total = 0;
  for (const auto& [n, part] : parts) {
    CHECK(part.lo == expected_lo);  // contiguous, no gap, no overlap
    expected_lo = part.hi;
    std::string where = "1 = 1";
    if (part.lo != "-inf") where += " AND id >= " + part.lo;
    if (part.hi != "+inf") where += " AND id < " + part.hi;
    const std::int64_t rows = MyInt("SELECT COUNT(*) FROM skewed WHERE " + where, db);
    INFO("part " << n << " [" << part.lo << ", " << part.hi << ") holds " << rows << " rows");
    CHECK(rows == part.logged_rows);
    CHECK(rows >= 18750);  // 25000 +- 25%
    CHECK(rows <= 31250);
    total += rows;
  }
  CHECK(total == 100000);
}

TEST_CASE("accumulation turns many small chunks into a few write batches",
          "[cli][chunking][accumulation]") {
  RequireServers();
  const std::string db = "chunking_accum";
  const std::string off = "chunking_accum_off";
  ResetMySqlDatabase(db);
  ResetPgSchema(db);
  ResetPgSchema(off);
  // Every 10th key 10..1000000: 100000 rows; ranges of 1000 keys hold 100 rows each.
  CreateTable(db, "t", {{"seq", "seq_10_to_1000000_step_10"}});
  const std::string source = SourceFingerprint(db, "t");
  const std::string perf = "      strategy: copy_csv\n      chunking: range\n";
  const std::string fixed_ranges =
      "  detection:\n    enabled: false\n  adaptive_scaling:\n    enabled: false\n";

  const auto on =
      RunJob(db,
             JobHeader(db, db) +
                 SparseBlock(fixed_ranges + "  accumulation:\n    min_batch_size: 20000\n"
                                            "    max_batch_size: 40000\n") +
                 TableBlock("t", 1000, perf),
             "t");
  INFO("accumulation on: " << on.Describe());
  REQUIRE(on.command.exit_code == 0);
  CHECK(on.Str("status") == "ok");
  CHECK(on.Int("queries") == 1000);
  CHECK(on.Int("chunks") == 1000);
  // 100 rows per chunk, flushed at 40000: 40000 + 40000 + the final 20000.
  CHECK(on.Int("batches") == 3);
  CHECK(on.Int("rows_written") == 100000);
  CHECK(TargetFingerprint(db, "t") == source);

  const auto no = RunJob(off,
                         JobHeader(db, off) +
                             SparseBlock(fixed_ranges + "  accumulation:\n    enabled: false\n") +
                             TableBlock("t", 1000, perf),
                         "t");
  INFO("accumulation off: " << no.Describe());
  REQUIRE(no.command.exit_code == 0);
  CHECK(no.Str("status") == "ok");
  CHECK(no.Int("chunks") == 1000);
  CHECK(no.Int("batches") == no.Int("chunks"));
  CHECK(no.Int("rows_written") == 100000);
  CHECK(TargetFingerprint(off, "t") == source);
}

TEST_CASE("a large dense incremental table never terminates early and writes few batches",
          "[cli][chunking][accumulation]") {
  RequireServers();
  const std::string db = "chunking_large";
  ResetMySqlDatabase(db);
  ResetPgSchema(db);
  CreateTable(db, "big", {{"seq", "seq_1_to_300000"}});

  const auto r =
      RunJob(db,
             JobHeader(db, db) + SparseBlock("  accumulation:\n    max_batch_size: 100000\n") +
                 TableBlock("big", 10000, "      strategy: copy_csv\n      chunking: range\n",
                            kIncremental),
             "big");
  INFO(r.Describe());
  REQUIRE(r.command.exit_code == 0);
  CHECK(r.Str("status") == "ok");
  CHECK(r.Int("sparse_detections") == 0);
  CHECK(r.Int("queries") == 30);
  CHECK(r.Num("avg_chunk_efficiency") == Approx(1.0));
  CHECK(r.Int("batches") <= 300000 / 100000 + 1);
  CHECK(r.Int("batches") >= 3);
  CHECK(r.Watermark() == std::optional<std::int64_t>(300000));
  CHECK(r.Int("rows_written") == 300000);
  CHECK(TargetFingerprint(db, "big") == SourceFingerprint(db, "big"));
}

TEST_CASE("each sparse stretch of an incremental table costs one early-terminated run",
          "[cli][chunking][sparse][incremental]") {
  RequireServers();
  const std::string db = "chunking_two_gaps";
  ResetMySqlDatabase(db);
  ResetPgSchema(db);
  // dense 1..20000 | every 500th key to 1000000 | dense 1000001..1020000 | every 500th key to
  // 2000000 | dense 2000001..2020000.
  CreateTable(db, "t",
              {{"seq", "seq_1_to_20000"},
               {"seq", "seq_20500_to_1000000_step_500"},
               {"seq", "seq_1000001_to_1020000"},
               {"seq", "seq_1020500_to_2000000_step_500"},
               {"seq", "seq_2000001_to_2020000"}});
  const std::string source = SourceFingerprint(db, "t");
  const std::string spec =
      JobHeader(db, db) +
      TableBlock("t", 2000, "      strategy: copy_csv\n      chunking: range\n", kIncremental);

  // Run 1 stops in the first gap; run 2 resumes with keyset chunks, returns to ranges in the
  // dense middle and stops in the second gap; run 3 resumes and finishes.
  std::vector<std::string> statuses;
  std::optional<std::int64_t> previous_watermark;
  for (int run = 1; run <= 5; ++run) {
    const auto r = RunJob(db + "_" + std::to_string(run), spec, "t", {}, db);
    INFO("run " << run << ": " << r.Describe());
    REQUIRE(r.command.exit_code == 0);
    statuses.push_back(r.Str("status"));
    REQUIRE(r.Watermark().has_value());
    if (previous_watermark) CHECK(*r.Watermark() > *previous_watermark);
    previous_watermark = r.Watermark();
    // What is committed is exactly the source up to the watermark.
    const std::string upto = "id <= " + std::to_string(*r.Watermark());
    CHECK(TargetFingerprint(db, "t") == SourceFingerprint(db, "t", upto));
    if (statuses.back() == "ok") break;
  }
  CHECK(statuses == std::vector<std::string>{"early_terminated", "early_terminated", "ok"});
  CHECK(previous_watermark == std::optional<std::int64_t>(2020000));
  CHECK(TargetFingerprint(db, "t") == source);
}
