// Keys, cursors and watermarks at their edges: each case once lost rows silently (found in
// review) and must now either load every row or refuse with a clear reason.
#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

namespace {

const char* kDb = "keyedge_src";
const char* kSchema = "keyedge_tgt";

void Reset() {
  etl::testing::ResetMySqlDatabase(kDb);
  etl::testing::ResetPgSchema(kSchema);
}

etl::testing::CommandResult Run(const std::string& tables, const std::string& header_extra = "",
                                std::vector<std::string> args = {}) {
  std::string spec = JobHeader(kDb, kSchema);
  if (!header_extra.empty())
    spec.replace(spec.find("pipeline:\n"), 10, "pipeline:\n" + header_extra);
  spec += "tables:\n" + tables;
  std::vector<std::string> argv = {"run", WriteTempFile("keyedge.yml", spec), "--progress",
                                   "never"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunEtl(argv);
}

std::string PgCount(const std::string& table) {
  return Trim(Psql("SELECT count(*) FROM keyedge_tgt." + table));
}

}  // namespace

TEST_CASE("a key with an ENUM column is read as one stream, so no row is skipped",
          "[cli][keyedge]") {
  etl::testing::RequireServers();
  Reset();
  // MySQL orders ENUM by position ('west' < 'east') but compares 'east' > 'west' by name:
  // keyset pages after ('west', 2) would find nothing.
  MySql(
      "CREATE TABLE t (region ENUM('west','east') NOT NULL, id INT NOT NULL, "
      "PRIMARY KEY (region, id));"
      "INSERT INTO t VALUES ('west',1),('west',2),('east',1),('east',2);",
      kDb);
  auto r = Run("  t:\n    batch_size: 2\n    performance:\n      strategy: copy_csv\n");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(PgCount("t") == "4");
}

TEST_CASE("an incremental table whose target was dropped is reloaded in full", "[cli][keyedge]") {
  etl::testing::RequireServers();
  Reset();
  MySql(
      "CREATE TABLE inc (id INT PRIMARY KEY, v INT NOT NULL);"
      "INSERT INTO inc VALUES (1,1),(2,2),(3,3);",
      kDb);
  const std::string table =
      "  inc:\n    batch_size: 100\n    extraction_strategy: incremental\n"
      "    incremental_columns: [id]\n";
  REQUIRE(Run(table).exit_code == 0);
  Psql("DROP TABLE keyedge_tgt.inc");
  MySql("INSERT INTO inc VALUES (4,4)", kDb);
  auto r = Run(table);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(PgCount("inc") == "4");
  CHECK(r.err.find("ignoring the saved watermark") != std::string::npos);
}

TEST_CASE("a watermark saved for another cursor is refused, not misread", "[cli][keyedge]") {
  etl::testing::RequireServers();
  Reset();
  MySql(
      "CREATE TABLE inc (id INT PRIMARY KEY, updated_at DATETIME NOT NULL);"
      "INSERT INTO inc SELECT seq, '2024-01-01' + INTERVAL seq DAY FROM seq_1_to_10;",
      kDb);
  const std::string by_time =
      "  inc:\n    batch_size: 100\n    extraction_strategy: incremental\n"
      "    incremental_columns: [updated_at]\n";
  const std::string by_id =
      "  inc:\n    batch_size: 100\n    extraction_strategy: incremental\n"
      "    incremental_columns: [id]\n";
  REQUIRE(Run(by_time).exit_code == 0);
  MySql("INSERT INTO inc SELECT seq, '2025-01-01' FROM seq_11_to_3000", kDb);
  auto r = Run(by_id);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("the saved watermark") != std::string::npos);
  CHECK(r.out.find("--full") != std::string::npos);
  CHECK(PgCount("inc") == "10");  // nothing written under a misread watermark
  // --full resets it; afterwards the new cursor works.
  REQUIRE(Run(by_id, "", {"--full"}).exit_code == 0);
  CHECK(PgCount("inc") == "3000");
  MySql("INSERT INTO inc VALUES (3001, '2025-02-01')", kDb);
  REQUIRE(Run(by_id).exit_code == 0);
  CHECK(PgCount("inc") == "3001");
}

TEST_CASE("a nullable incremental cursor column is refused before anything loads",
          "[cli][keyedge]") {
  etl::testing::RequireServers();
  Reset();
  MySql(
      "CREATE TABLE inc (id INT PRIMARY KEY, updated_at DATETIME NULL);"
      "INSERT INTO inc VALUES (1, '2024-01-01'), (2, NULL);",
      kDb);
  auto r =
      Run("  inc:\n    batch_size: 100\n    extraction_strategy: incremental\n"
          "    incremental_columns: [updated_at]\n");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("incremental cursor column updated_at allows NULL") != std::string::npos);
  CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'keyedge_tgt' AND "
                  "tablename = 'inc'")) == "0");
}

TEST_CASE("parallel loads the rows at the very ends of the key range", "[cli][keyedge]") {
  etl::testing::RequireServers();
  Reset();
  MySql(
      "CREATE TABLE big (id BIGINT PRIMARY KEY, v INT);"
      "INSERT INTO big SELECT seq, seq FROM seq_1_to_1000;"
      "INSERT INTO big VALUES (9223372036854775807, 0), (-9223372036854775808, 0);",
      kDb);
  auto r =
      Run("  big:\n    batch_size: 100\n    performance:\n      strategy: parallel\n"
          "      parallel_chunks: 3\n");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(PgCount("big") == "1002");
  CHECK(Trim(Psql("SELECT count(*) FROM keyedge_tgt.big WHERE id IN (9223372036854775807, "
                  "-9223372036854775808)")) == "2");
}

TEST_CASE("parallel works with a pool of one connection per side", "[cli][keyedge]") {
  etl::testing::RequireServers();
  Reset();
  MySql("CREATE TABLE p (id INT PRIMARY KEY); INSERT INTO p SELECT seq FROM seq_1_to_5000;", kDb);
  auto r =
      Run("  p:\n    batch_size: 1000\n    performance:\n      strategy: parallel\n"
          "      parallel_chunks: 2\n",
          "  pool:\n    size: 1\n    timeout_s: 20\n");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(PgCount("p") == "5000");
}

TEST_CASE("a parallel reload keeps the target's comment, CHECK and column grants",
          "[cli][keyedge]") {
  etl::testing::RequireServers();
  Reset();
  MySql(
      "CREATE TABLE p (id INT PRIMARY KEY, v INT); INSERT INTO p SELECT seq, seq FROM "
      "seq_1_to_3000;",
      kDb);
  const std::string table =
      "  p:\n    batch_size: 1000\n    performance:\n      strategy: parallel\n"
      "      parallel_chunks: 2\n";
  REQUIRE(Run(table).exit_code == 0);
  Psql(
      "COMMENT ON TABLE keyedge_tgt.p IS 'kept';"
      "ALTER TABLE keyedge_tgt.p ADD CONSTRAINT v_positive CHECK (v > 0);"
      "GRANT SELECT (id) ON keyedge_tgt.p TO PUBLIC;");
  MySql("INSERT INTO p VALUES (3001, 3001)", kDb);
  auto r = Run(table);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(PgCount("p") == "3001");
  CHECK(Trim(Psql("SELECT obj_description('keyedge_tgt.p'::regclass, 'pg_class')")) == "kept");
  CHECK(Trim(Psql("SELECT count(*) FROM pg_constraint WHERE conname = 'v_positive' AND "
                  "conrelid = 'keyedge_tgt.p'::regclass")) == "1");
  CHECK(Trim(Psql("SELECT attacl IS NOT NULL FROM pg_attribute WHERE attrelid = "
                  "'keyedge_tgt.p'::regclass AND attname = 'id'")) == "t");
}

TEST_CASE("an incremental load into a target without its key is refused before reading",
          "[cli][keyedge]") {
  etl::testing::RequireServers();
  for (const std::string strategy : {"copy_csv", "parallel"}) {
    Reset();
    MySql(
        "CREATE TABLE inc (id INT PRIMARY KEY, v INT NOT NULL);"
        "INSERT INTO inc SELECT seq, seq FROM seq_1_to_100;",
        kDb);
    const std::string table =
        "  inc:\n    batch_size: 50\n    extraction_strategy: incremental\n"
        "    incremental_columns: [id]\n    performance:\n      strategy: " +
        strategy + "\n      parallel_chunks: 2\n";
    REQUIRE(Run(table).exit_code == 0);
    Psql("ALTER TABLE keyedge_tgt.inc DROP CONSTRAINT inc_pkey");
    MySql("INSERT INTO inc VALUES (101, 101)", kDb);
    auto r = Run(table);
    INFO(strategy << ": " << r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("has no primary key or unique index on (id), which incremental upserts "
                     "need") != std::string::npos);
    CHECK(PgCount("inc") == "100");
  }
}
