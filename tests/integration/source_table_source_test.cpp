// source/table_source.h against a real MariaDB: the snapshot is REPEATABLE READ even on a
// READ COMMITTED session; the writer probe is clear (with the newest committed cursor) on a quiet
// table, held while another session has an uncommitted write to the table (naming it), and not
// disturbed by writers of other tables; FLOAT high marks come back exact.

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "source/mysql_connection.h"
#include "source/table_source.h"
#include "support/test_env.h"
#include "support/test_specs.h"

namespace {

using etl::source::WriterProbe;
using Outcome = etl::source::WriterProbe::Outcome;

constexpr const char* kDb = "tsrc_table_source";

etl::source::MySqlConnection Open() {
  return etl::source::Connect(etl::testing::TestSourceSpec(kDb), etl::config::ProcessEnvironment());
}

WriterProbe Probe(etl::source::MySqlConnection& conn, const std::string& table) {
  return etl::source::ProbeWritersThenSnapshot(conn, kDb, table, std::nullopt, {"id"},
                                               {{"id", etl::source::ValueLiteral::kNumber}});
}

}  // namespace

TEST_CASE("table source: snapshot, writer probe, exact float high mark", "[source][snapshot]") {
  etl::testing::ResetMySqlDatabase(kDb);
  etl::testing::MySql(
      "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB; INSERT INTO t VALUES "
      "(1), (2), (3); CREATE TABLE other (id int PRIMARY KEY) ENGINE=InnoDB; CREATE TABLE f (k "
      "float PRIMARY KEY) ENGINE=InnoDB; INSERT INTO f VALUES (1.2345678)",
      kDb);
  auto reader = Open();
  auto writer = Open();

  SECTION("REPEATABLE READ is forced for the snapshot") {
    reader.Exec("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    etl::source::BeginSnapshot(reader);
    CHECK(reader.QueryScalar("SELECT COUNT(*) FROM t") == "3");
    etl::testing::MySql("INSERT INTO t VALUES (4)", kDb);
    CHECK(reader.QueryScalar("SELECT COUNT(*) FROM t") == "3");
    reader.Exec("COMMIT");
  }

  SECTION("clear on a quiet table, held while a writer of the table is open") {
    WriterProbe quiet = Probe(reader, "t");
    CHECK(quiet.outcome == Outcome::kClear);
    CHECK(quiet.mark == std::vector<std::string>{"3"});

    writer.Exec("BEGIN");
    writer.Exec("INSERT INTO other VALUES (1)");  // another table's writer does not hold t
    CHECK(Probe(reader, "t").outcome == Outcome::kClear);
    writer.Exec("INSERT INTO t VALUES ()");               // id 4, uncommitted
    etl::testing::MySql("INSERT INTO t VALUES ()", kDb);  // id 5, committed
    WriterProbe busy = Probe(reader, "t");
    CHECK(busy.outcome == Outcome::kHeld);
    CHECK_THAT(
        busy.detail,
        Catch::Contains("(connection " + std::to_string(writer.connection_id()) + ", open since"));
    // The probe left a snapshot open on the session: it sees 5, not 4.
    CHECK(reader.QueryScalar("SELECT GROUP_CONCAT(id ORDER BY id) FROM t") == "1,2,3,5");
    writer.Exec("COMMIT");
    WriterProbe after = Probe(reader, "t");
    CHECK(after.outcome == Outcome::kClear);
    CHECK(after.mark == std::vector<std::string>{"5"});
  }

  SECTION("a FLOAT high mark is the stored value, not MySQL's 6-digit print") {
    etl::source::BeginSnapshot(reader);
    const auto mark = etl::source::HighMark(reader, kDb, "f", std::nullopt, {"k"},
                                            {{"k", etl::source::ValueLiteral::kFloat}});
    CHECK(mark == std::vector<std::string>{"1.2345677614212036"});
  }
}
