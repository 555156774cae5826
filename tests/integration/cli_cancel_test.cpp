// When the writer fails while the reader streams an unbuffered result, the source statement is
// interrupted (KILL QUERY) instead of being read to the end before the run can fail.
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

TEST_CASE("a failing writer stops the source stream instead of draining it", "[cli][cancel]") {
  etl::testing::RequireServers();
  const std::string db = "cancel_src";
  etl::testing::ResetMySqlDatabase(db);
  etl::testing::ResetPgSchema("cancel_tgt");
  // One stream (chunking: none) of 400,000 rows whose third row is bad (a NUL in text).
  MySql(
      "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(40));"
      "INSERT INTO t SELECT seq, REPEAT('x', 30) FROM seq_1_to_400000;"
      "UPDATE t SET s = CONCAT('a', CHAR(0), 'b') WHERE id = 3;",
      db);
  const std::string spec = JobHeader(db, "cancel_tgt") +
                           "tables:\n  t:\n    batch_size: 1000\n    performance:\n"
                           "      strategy: copy_csv\n      chunking: none\n";
  const auto start = std::chrono::steady_clock::now();
  auto r = RunEtl(
      {"run", WriteTempFile("cancel.yml", spec), "--progress", "never", "--log-level", "debug"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.err.substr(0, 3000));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("bad row (id=3), column s") != std::string::npos);
  CHECK(r.err.find("stopped the source statement of MySQL session") != std::string::npos);
  CHECK(seconds < 30);
  CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'cancel_tgt' AND "
                  "tablename = 't'")) == "0");
}
