// `etl run` end to end: schema drift of an existing target (issue 8, item 7). A column added at
// the source is added to the target (nullable) and loaded, with a warning naming it, by
// incremental runs and full reloads alike; a column dropped at the source fails an incremental
// run naming it and what to do (--full keeps it); a retyped column fails naming it.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/test_env.h"

namespace {

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

const std::string kDb = "tdrift";
const std::string kSchema = "tdrift";

using Run = etl::testing::JobRun;
using etl::testing::RunJob;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `inc` is loaded incrementally on id, `whole` fully; both start as (id, a).
std::string Job() {
  return JobHeader(kDb, kSchema) +
         "tables:\n"
         "  inc:\n"
         "    batch_size: 100\n"
         "    extraction_strategy: incremental\n"
         "    incremental_columns: [id]\n"
         "  whole: {batch_size: 100}\n";
}

void Setup() {
  ResetMySqlDatabase(kDb);
  MySql(
      "CREATE TABLE inc (id INT PRIMARY KEY, a VARCHAR(20) NOT NULL);"
      "INSERT INTO inc SELECT seq, CONCAT('a', seq) FROM seq_1_to_10;"
      "CREATE TABLE whole (id INT PRIMARY KEY, a VARCHAR(20) NOT NULL);"
      "INSERT INTO whole SELECT seq, CONCAT('a', seq) FROM seq_1_to_10;",
      kDb);
  ResetPgSchema(kSchema);
}

}  // namespace

TEST_CASE("a column added at the source is added to the target and loaded, with a warning",
          "[cli][drift]") {
  Setup();
  const std::string job = WriteTempFile(kSchema + ".yml", Job());
  Run r1 = RunJob(job);
  INFO("run 1: " << r1.err << r1.json);
  REQUIRE(r1.exit_code == 0);

  MySql(
      "ALTER TABLE inc ADD COLUMN b VARCHAR(30) NULL; ALTER TABLE whole ADD COLUMN b INT NULL;"
      "INSERT INTO inc VALUES (11, 'a11', 'new b');"
      "UPDATE whole SET b = id * 10 WHERE id <= 2;",
      kDb);
  const auto plan = RunEtl({"plan", job});
  INFO("plan: " << plan.out << plan.err);
  CHECK(Has(plan.out, "new source column(s) added to the target: b varchar(30)"));
  CHECK(Has(plan.out, "new source column(s) added to the target: b integer"));

  Run r2 = RunJob(job);
  INFO("run 2: " << r2.err << r2.json);
  REQUIRE(r2.exit_code == 0);
  CHECK(Has(r2.err, "inc: column b is new in the source table tdrift.inc: adding it to"));
  CHECK(Has(r2.err, "rows loaded before keep NULL in it until they change"));
  CHECK(Has(r2.err, "whole: column b is new in the source table tdrift.whole"));
  CHECK(Trim(Psql("SELECT is_nullable || ' ' || data_type FROM information_schema.columns WHERE "
                  "table_schema = '" +
                  kSchema + "' AND table_name = 'inc' AND column_name = 'b'")) ==
        "YES character varying");
  // Incremental: the new row carries b; rows loaded before keep NULL.
  CHECK(Trim(Psql("SELECT b FROM \"" + kSchema + "\".inc WHERE id = 11")) == "new b");
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + kSchema + "\".inc WHERE b IS NULL")) == "10");
  // Full reload: every row, b included.
  CHECK(Trim(Psql("SELECT string_agg(coalesce(b::text, '-'), ',' ORDER BY id) FROM \"" + kSchema +
                  "\".whole")) == "10,20,-,-,-,-,-,-,-,-");

  // The next run finds nothing new.
  Run r3 = RunJob(job);
  INFO("run 3: " << r3.err << r3.json);
  REQUIRE(r3.exit_code == 0);
  CHECK_FALSE(Has(r3.err, "is new in the source table"));
}

TEST_CASE("a column dropped at the source fails an incremental run naming it, --full keeps it",
          "[cli][drift]") {
  Setup();
  const std::string job = WriteTempFile(kSchema + "_drop.yml", Job());
  REQUIRE(RunJob(job).exit_code == 0);
  MySql(
      "ALTER TABLE inc ADD COLUMN c INT NULL; ALTER TABLE inc DROP COLUMN a;"
      "INSERT INTO inc VALUES (11, 7);",
      kDb);
  // `a` was NOT NULL: the target's copy is too. Make it nullable, the case a check must catch.
  Psql("ALTER TABLE \"" + kSchema + "\".inc ALTER COLUMN a DROP NOT NULL");
  Run r = RunJob(job);
  INFO("run: " << r.err << r.json);
  CHECK(r.exit_code != 0);
  CHECK(Has(r.json, "column a of target tdrift.inc is not in the source table tdrift.inc"));
  CHECK(Has(r.json, "reload with --full"));
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + kSchema + "\".inc")) == "10");

  Run full = RunJob(job, {"--full"});
  INFO("--full: " << full.err << full.json);
  REQUIRE(full.exit_code == 0);
  // The target keeps `a` (values for keys still in the source), gains `c`, and has row 11.
  CHECK(Trim(Psql("SELECT concat_ws('|', a, c) FROM \"" + kSchema + "\".inc WHERE id = 11")) ==
        "7");
  CHECK(Trim(Psql("SELECT a FROM \"" + kSchema + "\".inc WHERE id = 1")) == "a1");
}

TEST_CASE("a nullable column only the target has (no default) is kept by incremental runs",
          "[cli][drift]") {
  Setup();
  const std::string job = WriteTempFile(kSchema + "_own.yml", Job());
  REQUIRE(RunJob(job).exit_code == 0);
  // A user adds a column of their own, without a default, and fills it for one row.
  Psql("ALTER TABLE \"" + kSchema + "\".inc ADD COLUMN reviewed_by text");
  Psql("UPDATE \"" + kSchema + "\".inc SET reviewed_by = 'ann' WHERE id = 3");
  MySql("INSERT INTO inc VALUES (11, 'a11'), (3, 'again') ON DUPLICATE KEY UPDATE a = a;", kDb);
  Run r = RunJob(job);
  INFO("run: " << r.err << r.json);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(Has(r.json, "not in the source table"));
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + kSchema + "\".inc")) == "11");
  // The user's value stays; the new row has NULL in the user's column.
  CHECK(Trim(Psql("SELECT a || '|' || reviewed_by FROM \"" + kSchema + "\".inc WHERE id = 3")) ==
        "a3|ann");
  CHECK(Trim(Psql("SELECT a || '|' || coalesce(reviewed_by, 'NULL') FROM \"" + kSchema +
                  "\".inc WHERE id = 11")) == "a11|NULL");
}

TEST_CASE("a column retyped at the source fails the table naming it and what to do",
          "[cli][drift]") {
  Setup();
  const std::string job = WriteTempFile(kSchema + "_retype.yml", Job());
  REQUIRE(RunJob(job).exit_code == 0);
  MySql("ALTER TABLE inc MODIFY a TEXT NOT NULL; INSERT INTO inc VALUES (11, 'x');", kDb);
  Run r = RunJob(job);
  INFO("run: " << r.err << r.json);
  CHECK(r.exit_code != 0);
  CHECK(Has(r.json, "\\\"a\\\": target has character varying(20), source maps to text"));
  CHECK(Has(r.json, "ALTER COLUMN"));
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + kSchema + "\".inc")) == "10");
}
