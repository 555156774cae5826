// Unit tests of LoadJobSpecFromString / LoadJobSpec: the model, defaults, interpolation and every
// validation rule, with the exact located text each produces.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "support/test_env.h"

namespace etl::config {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

LoadResult Load(const std::string& text, std::map<std::string, std::string> vars = {}) {
  return LoadJobSpecFromString(text, "job.yml", FakeEnv(std::move(vars)));
}

std::vector<std::string> Lines(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics)
    out.push_back(d.ToString());
  return out;
}

// Loads text that must produce exactly these diagnostics (in this order) and no spec.
void ExpectErrors(const std::string& text, const std::vector<std::string>& expected,
                  std::map<std::string, std::string> vars = {}) {
  const LoadResult r = Load(text, std::move(vars));
  INFO(text);
  CHECK(Lines(r) == expected);
  CHECK_FALSE(r.ok());
}

// A minimal valid job: lines 1-9.
const std::string kMinimal =
    "version: 1\n"             // 1
    "source:\n"                // 2
    "  user: etl\n"            // 3
    "  database: shop\n"       // 4
    "target:\n"                // 5
    "  database: dw\n"         // 6
    "tables:\n"                // 7
    "  orders:\n"              // 8
    "    batch_size: 1000\n";  // 9

const std::string kFull = R"yaml(version: 1
source:
  host: mysql.internal
  port: 3307
  user: etl
  password_env: ETL_MYSQL_PASSWORD
  database: shop
  ssl_mode: required
  session:
    net_write_timeout: 600
    sql_mode: STRICT_TRANS_TABLES
target:
  host: pg.internal
  port: 6432
  user: loader
  password_env: ETL_PG_PASSWORD
  database: analytics
  schema: staging
  sslmode: verify-full
  session:
    work_mem: 256MB
    maintenance_work_mem: 1GB
    synchronous_commit: "off"
    myext.flag: on
pipeline:
  enable_optimizations: false
  benchmark: true
  parallel_tables: 3
  reject_dir: /var/rejects
  pool:
    size: 8
    timeout_s: 60
performance_rules:
  copy_csv_threshold_mb: 300.5
  streaming_threshold_mb: 40
  parallel_threshold_rows: 250000
sparse_sequence_optimization:
  enabled: false
  detection:
    enabled: false
    efficiency_threshold: 0.25
    min_chunk_size_check: 0
    consecutive_sparse_limit: 5
  adaptive_scaling:
    enabled: false
    max_scale_factor: 4.5
    max_chunk_size: 900000
  accumulation:
    enabled: false
    min_batch_size: 10
    max_batch_size: 20
    max_memory_mb: 64
  monitoring:
    log_efficiency_metrics: false
    alert_on_sparse_detection: false
    track_performance_gains: false
tables:
  orders:
    source_table: orders_v2
    target_table: orders_copy
    estimated_size_mb: 500
    batch_size: 100000
    extraction_strategy: incremental
    incremental_columns: [updated_at, created_at]
    primary_key: [id]
    where: "status <> 'draft'"
    benchmark: false
    on_bad_row: reject
    column_types: {payload: jsonb, price: "numeric(12,2)"}
    performance:
      strategy: parallel
      parallel_chunks: 16
      copy_format: binary
      chunking: keyset
      bulk_insert_buffer: 64MB
      use_optimized_connections: false
    post_load:
      - ANALYZE staging.orders_copy
      - REFRESH MATERIALIZED VIEW staging.orders_daily
  customers:
    batch_size: 5000
)yaml";

TEST_CASE("a full spec loads every key into the model") {
  const LoadResult r = LoadJobSpecFromString(kFull, "jobs/nightly.yml", FakeEnv());
  INFO(::Catch::Detail::stringify(Lines(r)));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const JobSpec& s = *r.spec;
  CHECK(s.path == "jobs/nightly.yml");
  CHECK(s.name == "nightly");
  CHECK(s.version == 1);

  CHECK(s.source.host == "mysql.internal");
  CHECK(s.source.port == 3307);
  CHECK(s.source.user == "etl");
  CHECK(s.source.password_env == "ETL_MYSQL_PASSWORD");
  CHECK_FALSE(s.source.password.has_value());
  CHECK(s.source.database == "shop");
  CHECK(s.source.ssl_mode == "required");
  CHECK(s.source.session ==
        SessionSettings{{"net_write_timeout", "600"}, {"sql_mode", "STRICT_TRANS_TABLES"}});

  CHECK(s.target.host == "pg.internal");
  CHECK(s.target.port == 6432);
  CHECK(s.target.user == "loader");
  CHECK(s.target.password_env == "ETL_PG_PASSWORD");
  CHECK(s.target.database == "analytics");
  CHECK(s.target.schema == "staging");
  CHECK(s.target.sslmode == "verify-full");
  CHECK(s.target.session == SessionSettings{{"work_mem", "256MB"},
                                            {"maintenance_work_mem", "1GB"},
                                            {"synchronous_commit", "off"},
                                            {"myext.flag", "on"}});

  CHECK_FALSE(s.pipeline.enable_optimizations);
  CHECK(s.pipeline.benchmark);
  CHECK(s.pipeline.parallel_tables == 3);
  CHECK(s.pipeline.reject_dir == "/var/rejects");
  CHECK(s.pipeline.pool.size == 8);
  CHECK(s.pipeline.pool.timeout_s == 60);

  CHECK(s.performance_rules.copy_csv_threshold_mb == 300.5);
  CHECK(s.performance_rules.streaming_threshold_mb == 40);
  CHECK(s.performance_rules.parallel_threshold_rows == 250000);

  const SparseSequenceOptimization& sp = s.sparse;
  CHECK_FALSE(sp.enabled);
  CHECK_FALSE(sp.detection.enabled);
  CHECK(sp.detection.efficiency_threshold == 0.25);
  CHECK(sp.detection.min_chunk_size_check == 0);
  CHECK(sp.detection.consecutive_sparse_limit == 5);
  CHECK_FALSE(sp.adaptive_scaling.enabled);
  CHECK(sp.adaptive_scaling.max_scale_factor == 4.5);
  CHECK(sp.adaptive_scaling.max_chunk_size == 900000);
  CHECK_FALSE(sp.accumulation.enabled);
  CHECK(sp.accumulation.min_batch_size == 10);
  CHECK(sp.accumulation.max_batch_size == 20);
  CHECK(sp.accumulation.max_memory_mb == 64);
  CHECK_FALSE(sp.monitoring.log_efficiency_metrics);
  CHECK_FALSE(sp.monitoring.alert_on_sparse_detection);
  CHECK_FALSE(sp.monitoring.track_performance_gains);

  REQUIRE(s.tables.size() == 2);
  const TableSpec& t = s.tables[0];
  CHECK(t.name == "orders");
  CHECK(t.source_table == "orders_v2");
  CHECK(t.target_table == "orders_copy");
  CHECK(t.estimated_size_mb == 500.0);
  CHECK(t.batch_size == 100000);
  CHECK(t.extraction_strategy == ExtractionStrategy::kIncremental);
  CHECK(t.incremental_columns == std::vector<std::string>{"updated_at", "created_at"});
  CHECK(t.primary_key == std::vector<std::string>{"id"});
  CHECK(t.where == "status <> 'draft'");
  CHECK(t.benchmark == false);
  CHECK(t.on_bad_row == OnBadRow::kReject);
  CHECK(t.column_types ==
        std::map<std::string, std::string>{{"payload", "jsonb"}, {"price", "numeric(12,2)"}});
  CHECK(t.performance.strategy == Strategy::kParallel);
  CHECK(t.performance.parallel_chunks == 16);
  CHECK(t.performance.copy_format == CopyFormat::kBinary);
  CHECK(t.performance.chunking == Chunking::kKeyset);
  CHECK(t.performance.bulk_insert_buffer_bytes == 64LL * 1024 * 1024);
  CHECK_FALSE(t.performance.use_optimized_connections);
  CHECK(t.post_load == std::vector<std::string>{"ANALYZE staging.orders_copy",
                                                "REFRESH MATERIALIZED VIEW staging.orders_daily"});
  CHECK(t.location == "jobs/nightly.yml:58:3");
  CHECK(s.tables[1].name == "customers");
  CHECK(s.FindTable("customers") == &s.tables[1]);
  CHECK(s.FindTable("nope") == nullptr);
}

TEST_CASE("a minimal spec gets the contract's defaults") {
  const LoadResult r = Load(kMinimal);
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const JobSpec& s = *r.spec;
  CHECK(s.name == "job");
  CHECK(s.source.host == "127.0.0.1");
  CHECK(s.source.port == 3306);
  CHECK(s.source.ssl_mode == "preferred");
  CHECK(s.source.password_env.empty());
  CHECK(s.source.session.empty());
  CHECK(s.target.host == "127.0.0.1");
  CHECK(s.target.port == 5432);
  CHECK(s.target.schema == "public");
  CHECK(s.target.sslmode == "prefer");
  CHECK(s.target.user.empty());
  CHECK(s.pipeline.enable_optimizations);
  CHECK_FALSE(s.pipeline.benchmark);
  CHECK(s.pipeline.parallel_tables == 1);
  CHECK(s.pipeline.reject_dir == "./rejects");
  CHECK(s.pipeline.pool.size == 4);
  CHECK(s.pipeline.pool.timeout_s == 300);
  CHECK(s.performance_rules.copy_csv_threshold_mb == 200);
  CHECK(s.performance_rules.streaming_threshold_mb == 50);
  CHECK(s.performance_rules.parallel_threshold_rows == 100000);
  CHECK(s.sparse.enabled);
  CHECK(s.sparse.detection_on());
  CHECK(s.sparse.detection.efficiency_threshold == 0.10);
  CHECK(s.sparse.detection.min_chunk_size_check == 1000);
  CHECK(s.sparse.detection.consecutive_sparse_limit == 2);
  CHECK(s.sparse.adaptive_on());
  CHECK(s.sparse.adaptive_scaling.max_scale_factor == 10);
  CHECK(s.sparse.adaptive_scaling.max_chunk_size == 500000);
  CHECK(s.sparse.accumulation_on());
  CHECK(s.sparse.accumulation.min_batch_size == 50000);
  CHECK(s.sparse.accumulation.max_batch_size == 200000);
  CHECK(s.sparse.accumulation.max_memory_mb == 512);
  CHECK(s.sparse.monitoring.log_efficiency_metrics);
  REQUIRE(s.tables.size() == 1);
  const TableSpec& t = s.tables[0];
  CHECK(t.name == "orders");
  CHECK(t.source_table == "orders");
  CHECK(t.target_table == "orders");
  CHECK_FALSE(t.estimated_size_mb.has_value());
  CHECK(t.batch_size == 1000);
  CHECK(t.extraction_strategy == ExtractionStrategy::kFull);
  CHECK(t.incremental_columns.empty());
  CHECK(t.primary_key.empty());
  CHECK_FALSE(t.where.has_value());
  CHECK_FALSE(t.benchmark.has_value());
  CHECK(t.on_bad_row == OnBadRow::kFail);
  CHECK(t.column_types.empty());
  CHECK(t.performance.strategy == Strategy::kAuto);
  CHECK(t.performance.parallel_chunks == 4);
  CHECK(t.performance.copy_format == CopyFormat::kBinary);
  CHECK(t.performance.chunking == Chunking::kAuto);
  CHECK(t.performance.bulk_insert_buffer_bytes == 256LL * 1024 * 1024);
  CHECK(t.performance.use_optimized_connections);
  CHECK(t.post_load.empty());
  CHECK(t.location == "job.yml:8:3");
}

TEST_CASE("strings are interpolated before they are typed") {
  const std::string text = kMinimal +
                           "    where: \"price > $$5 and region = '${REGION:-eu}'\"\n"
                           "    performance:\n"
                           "      parallel_chunks: ${CHUNKS}\n";
  const std::string with_port =
      "version: 1\nsource:\n  user: ${MYSQL_USER}\n  database: shop\n"
      "  port: ${MYSQL_PORT:-3310}\ntarget:\n  database: dw\n  port: ${PG_PORT:-5432}\n"
      "tables:\n  orders:\n    batch_size: ${BATCH:-10}\n";
  SECTION("set, default and $$") {
    const LoadResult r = Load(text, {{"CHUNKS", "8"}});
    REQUIRE(r.ok());
    CHECK(r.spec->tables[0].where == "price > $5 and region = 'eu'");
    CHECK(r.spec->tables[0].performance.parallel_chunks == 8);
    const LoadResult p = Load(with_port, {{"MYSQL_USER", "reader"}, {"PG_PORT", "6543"}});
    REQUIRE(p.ok());
    CHECK(p.spec->source.user == "reader");
    CHECK(p.spec->source.port == 3310);
    CHECK(p.spec->target.port == 6543);
    CHECK(p.spec->tables[0].batch_size == 10);
  }
  SECTION("an unset variable without a default is a located error naming it") {
    ExpectErrors(with_port, {"job.yml:3:9: error: source.user: environment variable "
                             "'MYSQL_USER' is not set (set it, or give a default with "
                             "${MYSQL_USER:-default})"});
  }
  SECTION("an interpolated value is still typed; the error shows the text, not the value") {
    // The value may be a secret: the message shows the scalar as written (found by the fuzzer).
    ExpectErrors(text,
                 {"job.yml:12:24: error: tables.orders.performance.parallel_chunks: "
                  "expected an integer, got '${CHUNKS}' (value from the environment not shown)"},
                 {{"CHUNKS", "many"}});
  }
}

TEST_CASE("YAML syntax errors are one located diagnostic") {
  const LoadResult r = Load("version: 1\nsource: [a, b\ntarget:\n");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK_FALSE(r.ok());
  const Diagnostic& d = r.diagnostics[0];
  CHECK(d.file == "job.yml");
  CHECK(d.line >= 2);
  CHECK(d.key_path.empty());
  CHECK(d.message.rfind("YAML syntax error: ", 0) == 0);
  ExpectErrors("a: b\n  c: d\n", {"job.yml:2:4: error: YAML syntax error: illegal map value"});
}

TEST_CASE("required keys are reported where they are missing") {
  ExpectErrors("",
               {"job.yml:1:1: error: version: missing required key 'version'",
                "job.yml:1:1: error: source: missing required key 'source'",
                "job.yml:1:1: error: target: missing required key 'target'",
                "job.yml:1:1: error: tables: missing required key 'tables' (or 'tables_file' or "
                "'tables_match')"});
  ExpectErrors(
      "version: 1\nsource:\n  host: h\ntarget:\n  host: h\ntables:\n  orders:\n"
      "    where: x\n",
      {"job.yml:2:1: error: source.user: missing required key 'user'",
       "job.yml:2:1: error: source.database: missing required key 'database'",
       "job.yml:4:1: error: target.database: missing required key 'database'",
       "job.yml:7:3: error: tables.orders.batch_size: missing required key "
       "'batch_size'"});
}

TEST_CASE("version must be 1") {
  std::string text = kMinimal;
  text.replace(0, 10, "version: 2");
  ExpectErrors(text, {"job.yml:1:10: error: version: unsupported version 2 (this etl reads "
                      "version 1)"});
}

TEST_CASE("unknown keys at every level, with did-you-mean") {
  const std::string text =
      "version: 1\n"
      "sorce: {}\n"
      "source:\n"
      "  user: etl\n"
      "  database: shop\n"
      "  pasword_env: X\n"
      "target:\n"
      "  database: dw\n"
      "tables:\n"
      "  orders:\n"
      "    batch_sise: 10\n"
      "    batch_size: 10\n"
      "    performance:\n"
      "      paralel_chunks: 2\n"
      "      colour: red\n"
      "sparse_sequence_optimization:\n"
      "  acumulation:\n"
      "    enabled: true\n";
  ExpectErrors(text,
               {"job.yml:2:1: error: sorce: unknown key 'sorce' (did you mean 'source'?)",
                "job.yml:6:3: error: source.pasword_env: unknown key 'pasword_env' (did you "
                "mean 'password_env'?)",
                "job.yml:11:5: error: tables.orders.batch_sise: unknown key 'batch_sise' (did "
                "you mean 'batch_size'?)",
                "job.yml:14:7: error: tables.orders.performance.paralel_chunks: unknown key "
                "'paralel_chunks' (did you mean 'parallel_chunks'?)",
                "job.yml:15:7: error: tables.orders.performance.colour: unknown key 'colour'",
                "job.yml:17:3: error: sparse_sequence_optimization.acumulation: unknown key "
                "'acumulation' (did you mean 'accumulation'?)"});
}

TEST_CASE("wrong types") {
  const std::string text = kMinimal +
                           "    estimated_size_mb: big\n"  // 10
                           "    benchmark: yes\n"          // 11
                           "    primary_key: {a: 1}\n"     // 12
                           "    column_types: [a, b]\n"    // 13
                           "    performance: fast\n"       // 14
                           "    post_load:\n"              // 15
                           "      - [nested]\n"            // 16
                           "pipeline:\n"                   // 17
                           "  parallel_tables: 1.5\n"      // 18
                           "  pool: []\n"                  // 19
                           "  reject_dir: {a: b}\n";       // 20
  ExpectErrors(text,
               {"job.yml:10:24: error: tables.orders.estimated_size_mb: expected a number, got "
                "'big'",
                "job.yml:11:16: error: tables.orders.benchmark: expected true or false, got "
                "'yes'",
                "job.yml:12:18: error: tables.orders.primary_key: expected a list of strings, "
                "got a mapping",
                "job.yml:13:19: error: tables.orders.column_types: expected a mapping, got a list",
                "job.yml:14:18: error: tables.orders.performance: expected a mapping, got 'fast'",
                "job.yml:16:9: error: tables.orders.post_load[0]: expected a string, got a list",
                "job.yml:18:20: error: pipeline.parallel_tables: expected an integer, got '1.5'",
                "job.yml:19:9: error: pipeline.pool: expected a mapping, got a list",
                "job.yml:20:15: error: pipeline.reject_dir: expected a string, got a mapping"});
  ExpectErrors("version: 1\nsource: []\ntarget: x\ntables: [a]\n",
               {"job.yml:2:9: error: source: expected a mapping, got a list",
                "job.yml:3:9: error: target: expected a mapping, got 'x'",
                "job.yml:4:9: error: tables: expected a mapping, got a list"});
  ExpectErrors("- a\n- b\n", {"job.yml:1:1: error: expected a mapping, got a list"});
}

TEST_CASE("enumerations list their allowed values") {
  const std::string text =
      "version: 1\n"
      "source:\n"
      "  user: etl\n"
      "  database: shop\n"
      "  ssl_mode: require\n"  // 5
      "target:\n"
      "  database: dw\n"
      "  sslmode: verify_full\n"  // 8
      "tables:\n"
      "  orders:\n"
      "    batch_size: 1\n"
      "    extraction_strategy: delta\n"  // 12
      "    on_bad_row: skip\n"            // 13
      "    performance:\n"
      "      strategy: paralel\n"  // 15
      "      copy_format: json\n"  // 16
      "      chunking: ranges\n";  // 17
  ExpectErrors(
      text, {"job.yml:5:13: error: source.ssl_mode: expected one of "
             "disabled|preferred|required|verify_ca|verify_identity, got 'require' (did you mean "
             "'required'?)",
             "job.yml:8:12: error: target.sslmode: expected one of "
             "disable|allow|prefer|require|verify-ca|verify-full, got 'verify_full' (did you mean "
             "'verify-full'?)",
             "job.yml:12:26: error: tables.orders.extraction_strategy: expected one of "
             "full|incremental, got 'delta'",
             "job.yml:13:17: error: tables.orders.on_bad_row: expected one of fail|reject, got "
             "'skip'",
             "job.yml:15:17: error: tables.orders.performance.strategy: expected one of "
             "auto|standard|streaming|copy_csv|parallel, got 'paralel' (did you mean 'parallel'?)",
             "job.yml:16:20: error: tables.orders.performance.copy_format: expected one of "
             "csv|text|binary, got 'json'",
             "job.yml:17:17: error: tables.orders.performance.chunking: expected one of "
             "auto|range|keyset|none, got 'ranges' (did you mean 'range'?)"});
}

TEST_CASE("ranges") {
  const std::string text =
      "version: 1\n"
      "source:\n"
      "  user: etl\n"
      "  database: shop\n"
      "  port: 0\n"  // 5
      "target:\n"
      "  database: dw\n"
      "  port: 70000\n"  // 8
      "pipeline:\n"
      "  parallel_tables: 0\n"  // 10
      "  pool:\n"
      "    size: 0\n"       // 12
      "    timeout_s: 0\n"  // 13
      "performance_rules:\n"
      "  copy_csv_threshold_mb: 0\n"    // 15
      "  streaming_threshold_mb: -1\n"  // 16
      "  parallel_threshold_rows: 0\n"  // 17
      "sparse_sequence_optimization:\n"
      "  detection:\n"
      "    efficiency_threshold: 1\n"      // 20
      "    min_chunk_size_check: -1\n"     // 21
      "    consecutive_sparse_limit: 0\n"  // 22
      "  adaptive_scaling:\n"
      "    max_scale_factor: 0.5\n"  // 24
      "    max_chunk_size: 0\n"      // 25
      "  accumulation:\n"
      "    min_batch_size: 0\n"   // 27
      "    max_batch_size: -5\n"  // 28
      "    max_memory_mb: 0\n"    // 29
      "tables:\n"
      "  orders:\n"
      "    batch_size: 0\n"         // 32
      "    estimated_size_mb: 0\n"  // 33
      "    performance:\n"
      "      parallel_chunks: 17\n"       // 35
      "      bulk_insert_buffer: 0MB\n";  // 36
  ExpectErrors(
      text,
      {"job.yml:5:9: error: source.port: must be between 1 and 65535, got 0",
       "job.yml:8:9: error: target.port: must be between 1 and 65535, got 70000",
       "job.yml:10:20: error: pipeline.parallel_tables: must be at least 1, got 0",
       "job.yml:12:11: error: pipeline.pool.size: must be at least 1, got 0",
       "job.yml:13:16: error: pipeline.pool.timeout_s: must be greater than 0, got 0",
       "job.yml:15:26: error: performance_rules.copy_csv_threshold_mb: must be greater than 0, "
       "got 0",
       "job.yml:16:27: error: performance_rules.streaming_threshold_mb: must be greater than "
       "0, "
       "got -1",
       "job.yml:17:28: error: performance_rules.parallel_threshold_rows: must be greater than "
       "0, "
       "got 0",
       "job.yml:20:27: error: sparse_sequence_optimization.detection.efficiency_threshold: "
       "must "
       "be greater than 0 and less than 1, got 1",
       "job.yml:21:27: error: sparse_sequence_optimization.detection.min_chunk_size_check: "
       "must "
       "be at least 0, got -1",
       "job.yml:22:31: error: sparse_sequence_optimization.detection.consecutive_sparse_limit: "
       "must be at least 1, got 0",
       "job.yml:24:23: error: sparse_sequence_optimization.adaptive_scaling.max_scale_factor: "
       "must be at least 1, got 0.5",
       "job.yml:25:21: error: sparse_sequence_optimization.adaptive_scaling.max_chunk_size: "
       "must be greater than 0, got 0",
       "job.yml:27:21: error: sparse_sequence_optimization.accumulation.min_batch_size: must "
       "be "
       "greater than 0, got 0",
       "job.yml:28:21: error: sparse_sequence_optimization.accumulation.max_batch_size: must "
       "be "
       "greater than 0, got -5",
       "job.yml:29:20: error: sparse_sequence_optimization.accumulation.max_memory_mb: must be "
       "greater than 0, got 0",
       "job.yml:32:17: error: tables.orders.batch_size: must be greater than 0, got 0",
       "job.yml:33:24: error: tables.orders.estimated_size_mb: must be greater than 0, got 0",
       "job.yml:35:24: error: tables.orders.performance.parallel_chunks: must be between 1 and "
       "16, got 17",
       "job.yml:36:27: error: tables.orders.performance.bulk_insert_buffer: must be greater "
       "than "
       "0 bytes, got 0MB"});
}

TEST_CASE("bulk_insert_buffer takes sizes") {
  for (const auto& [text, bytes] :
       std::vector<std::pair<std::string, std::int64_t>>{{"256MB", 256LL << 20},
                                                         {"1GB", 1LL << 30},
                                                         {"512kB", 512LL << 10},
                                                         {"1048576", 1048576}}) {
    const LoadResult r =
        Load(kMinimal + "    performance:\n      bulk_insert_buffer: " + text + "\n");
    REQUIRE(r.ok());
    CHECK(r.spec->tables[0].performance.bulk_insert_buffer_bytes == bytes);
  }
  ExpectErrors(kMinimal + "    performance:\n      bulk_insert_buffer: lots\n",
               {"job.yml:11:27: error: tables.orders.performance.bulk_insert_buffer: expected a "
                "size such as 256MB, 1GB, 512kB or a number of bytes, got 'lots'"});
}

TEST_CASE("min_batch_size must not exceed max_batch_size") {
  ExpectErrors(kMinimal +
                   "sparse_sequence_optimization:\n  accumulation:\n"
                   "    min_batch_size: 300000\n",
               {"job.yml:12:21: error: sparse_sequence_optimization.accumulation.min_batch_size: "
                "min_batch_size (300000) must not exceed max_batch_size (200000)"});
  ExpectErrors(kMinimal +
                   "sparse_sequence_optimization:\n  accumulation:\n"
                   "    min_batch_size: 30\n    max_batch_size: 20\n",
               {"job.yml:13:21: error: sparse_sequence_optimization.accumulation.max_batch_size: "
                "min_batch_size (30) must not exceed max_batch_size (20)"});
  CHECK(Load(kMinimal + "sparse_sequence_optimization:\n  accumulation:\n"
                        "    min_batch_size: 20\n    max_batch_size: 20\n")
            .ok());
}

TEST_CASE("incremental needs incremental_columns") {
  ExpectErrors(kMinimal + "    extraction_strategy: incremental\n",
               {"job.yml:10:26: error: tables.orders.extraction_strategy: incremental needs "
                "incremental_columns (the cursor columns, e.g. [updated_at])"});
  ExpectErrors(kMinimal + "    extraction_strategy: incremental\n    incremental_columns: []\n",
               {"job.yml:11:26: error: tables.orders.incremental_columns: an incremental load "
                "needs at least one cursor column"});
  const LoadResult r = Load(
      kMinimal + "    extraction_strategy: incremental\n    incremental_columns: updated_at\n");
  REQUIRE(r.ok());
  CHECK(r.spec->tables[0].incremental_columns == std::vector<std::string>{"updated_at"});
}

TEST_CASE("two tables may not load the same target table") {
  ExpectErrors(kMinimal +
                   "  orders_archive:\n    batch_size: 10\n    target_table: orders\n"
                   "  orders:\n    batch_size: 5\n",
               {"job.yml:12:19: error: tables.orders_archive.target_table: target table "
                "'orders' is already loaded by table 'orders' at job.yml:8:3",
                "job.yml:13:3: error: tables.orders: duplicate key (first given at job.yml:8:3)"});
}

TEST_CASE("target.session rules") {
  const std::string text =
      "version: 1\n"
      "source:\n"
      "  user: etl\n"
      "  database: shop\n"
      "target:\n"
      "  database: dw\n"
      "  session:\n"
      "    work_mem: 256MB\n"                // 8
      "    wal_buffers: 16MB\n"              // 9
      "    shared_buffers: 1GB\n"            // 10
      "    block_size: 8192\n"               // 11
      "    work_memory: 1GB\n"               // 12
      "    pg_stat_statements.track: all\n"  // 13
      "    search_path: [a, b]\n"            // 14
      "    \"bad name\": 1\n"                // 15
      "tables:\n"
      "  orders:\n"
      "    batch_size: 1\n";
  const LoadResult r = Load(text);
  CHECK(Lines(r) == std::vector<std::string>{
                        "job.yml:9:5: error: target.session.wal_buffers: cannot be set per "
                        "session (server-wide setting; change postgresql.conf)",
                        "job.yml:10:5: error: target.session.shared_buffers: cannot be set per "
                        "session (server-wide setting; change postgresql.conf)",
                        "job.yml:11:5: error: target.session.block_size: cannot be set per "
                        "session (read-only setting, fixed when PostgreSQL was built or "
                        "initialised)",
                        "job.yml:12:5: warning: target.session.work_memory: 'work_memory' is not "
                        "a setting etl knows (did you mean 'work_mem'?); PostgreSQL will reject "
                        "it if it does not exist",
                        "job.yml:14:18: error: target.session.search_path: expected a scalar "
                        "value, got a list",
                        "job.yml:15:5: error: target.session.bad name: 'bad name' is not a valid "
                        "setting name"});
  CHECK_FALSE(r.ok());
}

TEST_CASE("warnings do not stop a spec from loading") {
  const std::string text =
      "version: 1\n"
      "source:\n"
      "  user: etl\n"
      "  database: shop\n"
      "  password: hunter2\n"  // 5
      "target:\n"
      "  database: dw\n"
      "  password: ${PG_PW}\n"  // 8: from the environment: no warning
      "  session:\n"
      "    custom_thing: 1\n"  // 10
      "tables:\n"
      "  orders:\n"
      "    batch_size: 1\n";
  const LoadResult r = Load(text, {{"PG_PW", "pw"}});
  REQUIRE(r.ok());
  CHECK(Lines(r) ==
        std::vector<std::string>{"job.yml:5:3: warning: source.password: put the secret in the "
                                 "environment and name it with password_env",
                                 "job.yml:10:5: warning: target.session.custom_thing: "
                                 "'custom_thing' is not a setting etl knows; PostgreSQL will "
                                 "reject it if it does not exist"});
  CHECK(r.spec->source.password == "hunter2");
  CHECK(r.spec->target.password == "pw");
  for (const std::string& line : Lines(r))
    CHECK(line.find("hunter2") == std::string::npos);
}

TEST_CASE("tables and tables_file are exclusive, an empty tables map is an error") {
  ExpectErrors(kMinimal + "tables_file: t.yml\n",
               {"job.yml:10:1: error: tables_file: give either tables or tables_file, not both"});
  ExpectErrors("version: 1\nsource: {user: u, database: d}\ntarget: {database: d}\ntables: {}\n",
               {"job.yml:4:1: error: tables: lists no tables"});
}

TEST_CASE("several errors are reported at once, sorted by position") {
  const std::string text =
      "tables:\n"
      "  b:\n"
      "    batch_size: x\n"
      "  a:\n"
      "    performance: {parallel_chunks: 99}\n"
      "    batch_size: 1\n"
      "version: 3\n"
      "source: {user: u, database: d, port: p}\n"
      "target: {database: d}\n";
  ExpectErrors(text,
               {"job.yml:3:17: error: tables.b.batch_size: expected an integer, got 'x'",
                "job.yml:5:36: error: tables.a.performance.parallel_chunks: must be between 1 "
                "and 16, got 99",
                "job.yml:7:10: error: version: unsupported version 3 (this etl reads version 1)",
                "job.yml:8:38: error: source.port: expected an integer, got 'p'"});
}

TEST_CASE("tables_file: the flat form, overridden by the job's own blocks") {
  const std::string tables_path =
      etl::testing::WriteTempFile("config_tables_ok.yml",
                                  "performance_rules:\n"
                                  "  copy_csv_threshold_mb: 900\n"
                                  "  streaming_threshold_mb: 90\n"
                                  "sparse_sequence_optimization:\n"
                                  "  accumulation:\n"
                                  "    min_batch_size: 7\n"
                                  "    max_batch_size: 70\n"
                                  "orders:\n"
                                  "  batch_size: 10\n"
                                  "  performance: {strategy: copy_csv}\n"
                                  "customers:\n"
                                  "  batch_size: 20\n");
  const std::string dir = tables_path.substr(0, tables_path.rfind('/'));
  const std::string job =
      "version: 1\nsource: {user: u, database: d}\ntarget: {database: d}\n"
      "tables_file: config_tables_ok.yml\n"
      "performance_rules:\n  streaming_threshold_mb: 10\n"
      "sparse_sequence_optimization:\n  accumulation:\n"
      "    max_batch_size: 80\n";
  const LoadResult r = LoadJobSpecFromString(job, dir + "/job.yml", FakeEnv());
  INFO(::Catch::Detail::stringify(Lines(r)));
  REQUIRE(r.ok());
  const JobSpec& s = *r.spec;
  REQUIRE(s.tables.size() == 2);
  CHECK(s.tables[0].name == "orders");
  CHECK(s.tables[0].performance.strategy == Strategy::kCopyCsv);
  CHECK(s.tables[0].location == tables_path + ":8:1");
  CHECK(s.tables[1].name == "customers");
  CHECK(s.tables[1].batch_size == 20);
  CHECK(s.performance_rules.copy_csv_threshold_mb == 900);  // from the tables file
  CHECK(s.performance_rules.streaming_threshold_mb == 10);  // the job file wins
  CHECK(s.sparse.accumulation.min_batch_size == 7);
  CHECK(s.sparse.accumulation.max_batch_size == 80);
}

TEST_CASE("tables_file: errors are located in the tables file") {
  const std::string tables_path = etl::testing::WriteTempFile("config_tables_bad.yml",
                                                              "orders:\n"
                                                              "  batch_size: 10\n"
                                                              "  performance:\n"
                                                              "    strategy: turbo\n"
                                                              "customers:\n"
                                                              "  batchsize: 20\n");
  const std::string dir = tables_path.substr(0, tables_path.rfind('/'));
  const std::string job =
      "version: 1\nsource: {user: u, database: d}\ntarget: {database: d}\n"
      "tables_file: config_tables_bad.yml\nbogus: 1\n";
  const std::string job_path = dir + "/job.yml";
  const LoadResult r = LoadJobSpecFromString(job, job_path, FakeEnv());
  CHECK_FALSE(r.ok());
  CHECK(Lines(r) ==
        std::vector<std::string>{
            job_path + ":5:1: error: bogus: unknown key 'bogus'",
            tables_path + ":4:15: error: orders.performance.strategy: expected one of "
                          "auto|standard|streaming|copy_csv|parallel, got 'turbo'",
            tables_path + ":5:1: error: customers.batch_size: missing required key 'batch_size'",
            tables_path + ":6:3: error: customers.batchsize: unknown key 'batchsize' (did you "
                          "mean 'batch_size'?)"});

  ExpectErrors(
      "version: 1\nsource: {user: u, database: d}\ntarget: {database: d}\n"
      "tables_file: does_not_exist.yml\n",
      {"job.yml:4:14: error: tables_file: cannot read tables file "
       "'does_not_exist.yml': No such file or directory"});
}

TEST_CASE("LoadJobSpec reads the file and names the job after its stem") {
  const std::string path = etl::testing::WriteTempFile("config_nightly.yml", kMinimal);
  const LoadResult r = LoadJobSpec(path, FakeEnv());
  REQUIRE(r.ok());
  CHECK(r.spec->name == "config_nightly");
  CHECK(r.spec->path == path);
  const LoadResult missing = LoadJobSpec("/nonexistent/dir/job.yml", FakeEnv());
  CHECK_FALSE(missing.ok());
  CHECK(Lines(missing) == std::vector<std::string>{"/nonexistent/dir/job.yml: error: cannot "
                                                   "read job file: No such file or directory"});
}

// Every prefix of a valid multi-table spec must load to diagnostics or a spec, never throw.
TEST_CASE("every prefix of a valid spec loads without throwing") {
  const std::string text = kFull + "  third:\n    batch_size: ${BATCH:-7}\n    where: \"a$$b\"\n";
  REQUIRE(Load(text).ok());
  std::size_t loaded = 0;
  std::size_t rejected = 0;
  for (std::size_t n = 0; n <= text.size(); ++n) {
    LoadResult r;
    REQUIRE_NOTHROW(r = Load(text.substr(0, n)));
    if (r.ok()) {
      ++loaded;
      CHECK_FALSE(HasErrors(r.diagnostics));
    } else {
      ++rejected;
      REQUIRE_FALSE(r.diagnostics.empty());
      CHECK(HasErrors(r.diagnostics));
      for (const Diagnostic& d : r.diagnostics)
        CHECK(d.file == "job.yml");
    }
  }
  CHECK(loaded + rejected == text.size() + 1);
  CHECK(loaded > 0);
  CHECK(rejected > 0);
}

namespace etl::config {
namespace {

// Each byte of a valid spec replaced by a YAML-significant character must still load to
// diagnostics or a spec, never throw.
TEST_CASE("a spec with any one byte replaced loads without throwing") {
  const std::string replacements = std::string(":[]{}\"'&*!|>-?#%@`\t\n\0", 22);
  for (std::size_t i = 0; i < kFull.size(); ++i) {
    std::string text = kFull;
    text[i] = replacements[i % replacements.size()];
    LoadResult r;
    REQUIRE_NOTHROW(r = Load(text));
    CHECK((r.ok() || HasErrors(r.diagnostics)));
  }
}

TEST_CASE("hostile documents give diagnostics") {
  for (const std::string& text : {
           std::string("version: *nowhere\n"),
           std::string("version: &a 1\nsource: *a\n"),
           std::string("? [a, b]\n: c\n"),
           std::string("tables:\n  orders:\n"),
           std::string("tables:\n  orders: ~\n  \"\": {batch_size: 1}\n"),
           std::string("---\n...\n---\nversion: 1\n"),
           std::string(200, '[') + std::string(200, ']'),
           std::string("\xff\xfe\x00garbage", 11),
           std::string("version: 1\ttabbed: 2\n"),
       }) {
    LoadResult r;
    REQUIRE_NOTHROW(r = Load(text));
    CHECK_FALSE(r.ok());
    CHECK(HasErrors(r.diagnostics));
  }
}

}  // namespace
}  // namespace etl::config

namespace etl::config {
namespace {

TEST_CASE("an empty value is located at its key") {
  ExpectErrors(
      "version: 1\nsource:\n  user: etl\n  database: s\n  port:\ntarget:\n"
      "  database: d\ntables:\n  orders:\n",
      {"job.yml:5:3: error: source.port: expected an integer, got nothing",
       "job.yml:9:3: error: tables.orders: expected a mapping, got nothing"});
}

TEST_CASE("tables_file must be a regular file: a device or FIFO is refused, never read") {
  for (const std::string path : {"/dev/zero", "/dev/stdin"}) {
    INFO(path);
    const LoadResult r = Load(
        "version: 1\nsource: {database: shop}\ntarget: {database: dw}\n"
        "tables_file: " +
        path + "\n");
    CHECK_FALSE(r.ok());
    const auto lines = Lines(r);
    INFO(lines.size() << " diagnostics, the first: " << (lines.empty() ? "" : lines[0]));
    CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.find("cannot read tables file '" + path + "': is not a regular file") !=
             std::string::npos;
    }));
  }
}

}  // namespace
}  // namespace etl::config

namespace etl::config {
namespace {

TEST_CASE("schema: defaults are those of the contract and every key is read", "[schema]") {
  const auto defaults = Load(kMinimal);
  REQUIRE(defaults.ok());
  CHECK(defaults.spec->schema.indexes);
  CHECK(defaults.spec->schema.defaults);
  CHECK(defaults.spec->schema.comments);
  CHECK(defaults.spec->schema.identity);
  CHECK_FALSE(defaults.spec->schema.foreign_keys);

  const auto r = Load(kMinimal +
                      "schema:\n  indexes: false\n  defaults: false\n  comments: false\n"
                      "  identity: false\n  foreign_keys: true\n");
  REQUIRE(r.ok());
  CHECK_FALSE(r.spec->schema.indexes);
  CHECK_FALSE(r.spec->schema.defaults);
  CHECK_FALSE(r.spec->schema.comments);
  CHECK_FALSE(r.spec->schema.identity);
  CHECK(r.spec->schema.foreign_keys);
}

TEST_CASE("schema: unknown keys and wrong types are located", "[schema]") {
  ExpectErrors(kMinimal +
                   "schema:\n"              // 10
                   "  foreign_key: true\n"  // 11
                   "  indexes: yes\n",      // 12
               {"job.yml:11:3: error: schema.foreign_key: unknown key 'foreign_key' (did you "
                "mean 'foreign_keys'?)",
                "job.yml:12:12: error: schema.indexes: expected true or false, got 'yes'"});
  ExpectErrors(kMinimal + "schema: true\n",
               {"job.yml:10:9: error: schema: expected a mapping, got 'true'"});
}

}  // namespace
}  // namespace etl::config

TEST_CASE("tables_file: a name built from the environment is shown as written, never expanded") {
  const std::string secret = "s3cr3t-Q7z";
  const std::string tables_path = ::etl::testing::WriteTempFile("config_tables_" + secret + ".yml",
                                                                "orders:\n  batch_size: -1\n");
  const std::string dir = tables_path.substr(0, tables_path.rfind('/'));
  const std::string head = "version: 1\nsource: {user: u, database: d}\ntarget: {database: d}\n";
  for (const std::string name :
       {"config_tables_${TABLES_PART}.yml", "missing_${TABLES_PART}.yml"}) {
    const LoadResult r = LoadJobSpecFromString(
        head + "tables_file: " + name + "\n", dir + "/job.yml", FakeEnv({{"TABLES_PART", secret}}));
    const std::vector<std::string> lines = Lines(r);
    INFO(::Catch::Detail::stringify(lines));
    CHECK_FALSE(r.ok());
    REQUIRE_FALSE(lines.empty());
    for (const auto& line : lines) {
      CHECK(line.find(secret) == std::string::npos);
      CHECK(line.find("${TABLES_PART}") != std::string::npos);  // the file as written
    }
  }
}

}  // namespace
}  // namespace etl::config
