// A full reload of an existing table keeps its indexes: a swap builds them on the clone after the
// COPY and gives them the target's names (lib/sink/target_swap.h), a merge never drops them
// (lib/sink/target_merge.h). They come back exactly as they were, a failed reload keeps them,
// and a table other tables reference keeps its referencing rows.
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

const char* kDb = "deferral_src";
const char* kSchema = "deferral";

std::string Job(const std::string& extra = "") {
  return WriteTempFile("deferral.yml", JobHeader(kDb, kSchema) +
                                           "tables:\n"
                                           "  items:\n"
                                           "    batch_size: 5000\n"
                                           "    performance:\n"
                                           "      strategy: copy_csv\n" +
                                           extra);
}

std::string IndexDefs() {
  return Psql(
      "SELECT string_agg(indexname || ':' || indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes "
      "WHERE schemaname = 'deferral' AND tablename = 'items'");
}

void Seed() {
  etl::testing::ResetMySqlDatabase(kDb);
  etl::testing::ResetPgSchema(kSchema);
  MySql(
      "CREATE TABLE items (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL, qty INT NOT NULL);"
      "INSERT INTO items SELECT seq, CONCAT('c', seq), seq % 97 FROM seq_1_to_20000;",
      kDb);
  REQUIRE(RunEtl({"run", Job(), "--progress", "never"}).exit_code == 0);
  Psql(
      "ALTER TABLE deferral.items ADD CONSTRAINT items_code_key UNIQUE (code);"
      "CREATE INDEX items_qty_idx ON deferral.items (qty) WHERE qty > 10;");
}

}  // namespace

TEST_CASE("a full reload rebuilds the target's indexes exactly as they were", "[deferral]") {
  etl::testing::RequireServers();
  Seed();
  const std::string before = IndexDefs();
  REQUIRE(before.find("items_pkey") != std::string::npos);
  REQUIRE(before.find("items_code_key") != std::string::npos);
  REQUIRE(before.find("WHERE (qty > 10)") != std::string::npos);

  MySql("UPDATE items SET qty = qty + 1 WHERE id <= 100; DELETE FROM items WHERE id > 19990;", kDb);
  auto r = RunEtl({"run", Job(), "--progress", "never"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(IndexDefs() == before);
  CHECK(Trim(Psql("SELECT count(*), sum(qty) FROM deferral.items")) ==
        Trim(MySql("SELECT CONCAT(count(*), '|', sum(qty)) FROM items", kDb)));
  // The unique constraint is enforced again after the rebuild.
  CHECK(etl::testing::RunShell("PGPASSWORD=\"$ETL_PG_PASSWORD\" psql -XAtq -h \"$ETL_PG_HOST\" -p "
                               "\"$ETL_PG_PORT\" -U \"$ETL_PG_USER\" -d \"$ETL_PG_DATABASE\" -c "
                               "\"INSERT INTO deferral.items VALUES (999999, 'c1', 0)\"")
            .exit_code != 0);
}

TEST_CASE("a failed reload keeps the indexes and the rows", "[deferral]") {
  etl::testing::RequireServers();
  Seed();
  const std::string before = IndexDefs();
  const std::string rows = Psql("SELECT count(*), sum(qty) FROM deferral.items");
  // A NUL byte is a bad row; with on_bad_row: fail the reload fails after the TRUNCATE and drop.
  MySql("UPDATE items SET code = CONCAT('x', CHAR(0), 'y') WHERE id = 19000", kDb);
  auto r = RunEtl({"run", Job(), "--progress", "never"});
  REQUIRE(r.exit_code == 1);
  CHECK(r.err.find("id=19000") != std::string::npos);
  CHECK(IndexDefs() == before);
  CHECK(Psql("SELECT count(*), sum(qty) FROM deferral.items") == rows);
}

TEST_CASE("a table that other tables reference keeps its indexes during a reload", "[deferral]") {
  etl::testing::RequireServers();
  Seed();
  Psql(
      "CREATE TABLE deferral.refs (item_id int REFERENCES deferral.items (id));"
      "INSERT INTO deferral.refs VALUES (5);");
  const std::string before = IndexDefs();
  MySql("UPDATE items SET qty = qty + 1 WHERE id <= 100; DELETE FROM items WHERE id > 19990;", kDb);
  auto r = RunEtl({"run", Job(), "--progress", "never"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(IndexDefs() == before);
  CHECK(Trim(Psql("SELECT count(*), sum(qty) FROM deferral.items")) ==
        Trim(MySql("SELECT CONCAT(count(*), '|', sum(qty)) FROM items", kDb)));
  CHECK(Trim(Psql("SELECT count(*) FROM deferral.refs")) == "1");

  // The new copy lacks the key refs points to: the reload fails naming the constraint, and
  // changes nothing on either table.
  const std::string rows = Psql("SELECT count(*), sum(qty) FROM deferral.items");
  MySql("DELETE FROM items WHERE id = 5", kDb);
  r = RunEtl({"run", Job(), "--progress", "never"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("refs_item_id_fkey") != std::string::npos);
  CHECK(r.err.find("(id)=(5)") != std::string::npos);
  CHECK(IndexDefs() == before);
  CHECK(Psql("SELECT count(*), sum(qty) FROM deferral.items") == rows);
  CHECK(Trim(Psql("SELECT count(*) FROM deferral.refs")) == "1");
}
