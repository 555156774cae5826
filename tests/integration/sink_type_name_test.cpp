// Type names from a spec are resolved by PostgreSQL itself (sink/type_name.h): real type names
// come back in PostgreSQL's spelling, anything else -- above all SQL riding along with a type --
// is refused before any DDL, and a refused name creates nothing.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/job_loader.h"
#include "sink/pg_connection.h"
#include "sink/schema_manager.h"
#include "sink/type_name.h"
#include "support/test_env.h"
#include "support/test_target.h"

using etl::testing::Env;
using etl::testing::Psql;
using etl::testing::Trim;
namespace sink = etl::sink;

namespace {

sink::PgConnection Open() {
  return etl::testing::OpenTestTarget(/*apply_session=*/false);
}

}  // namespace

TEST_CASE("type names are canonicalised by PostgreSQL", "[sink][types]") {
  etl::testing::ResetPgSchema("sink_types");
  Psql(
      "CREATE SCHEMA sink_types; CREATE DOMAIN sink_types.positive AS integer CHECK (VALUE > 0); "
      "CREATE TYPE sink_types.\"Mood\" AS ENUM ('ok', 'sad')");
  auto conn = Open();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"numeric(12,2)", "numeric(12,2)"},
      {"DECIMAL( 12 , 2 )", "numeric(12,2)"},
      {"numeric", "numeric"},
      {"varchar(10)[]", "character varying(10)[]"},
      {"character varying(10) ARRAY", "character varying(10)[]"},
      {"timestamp(3) with time zone", "timestamp(3) with time zone"},
      {"timestamptz(3)", "timestamp(3) with time zone"},
      {"timestamp", "timestamp without time zone"},
      {"time(2)", "time(2) without time zone"},
      {"interval", "interval"},
      {"interval(3)", "interval(3)"},
      {"jsonb", "jsonb"},
      {"int", "integer"},
      {"int8", "bigint"},
      {"double precision", "double precision"},
      {"float(24)", "real"},
      {"char", "character(1)"},
      {"char(3)", "character(3)"},
      {"bit", "bit(1)"},
      {"bit varying(5)", "bit varying(5)"},
      {"text[]", "text[]"},
      {"pg_catalog.text", "text"},
      {"sink_types.positive", "sink_types.positive"},
      {"sink_types.\"Mood\"", "sink_types.\"Mood\""},
      {"sink_types.\"Mood\"[]", "sink_types.\"Mood\"[]"},
  };
  std::vector<std::string> texts;
  for (const auto& [text, canonical] : cases) {
    INFO(text);
    CHECK(sink::ResolveTypeName(conn, text) == canonical);
    texts.push_back(text);
  }
  // All at once (two round trips) gives the same answers.
  const auto all = sink::ResolveTypeNames(conn, texts);
  for (std::size_t i = 0; i < cases.size(); ++i)
    CHECK(all[i] == cases[i].second);
}

TEST_CASE("anything but a type name is refused, naming it, and creates nothing", "[sink][types]") {
  etl::testing::ResetPgSchema("sink_types_bad");
  Psql("CREATE SCHEMA sink_types_bad; CREATE TABLE sink_types_bad.other (id int PRIMARY KEY)");
  auto conn = Open();
  const std::vector<std::string> bad = {
      "int REFERENCES sink_types_bad.other (id)",
      "int REFERENCES other (id)",
      "text DEFAULT 'x'",
      "int; DROP TABLE sink_types_bad.other",
      "int) --",
      "int NOT NULL",
      "jsonbb",
      "numeric(1)(2)",
      "varchar(0)",
      "numeric((SELECT 1))",
      "interval day to second",
      "",
      "   ",
      std::string("int\0x", 5),
  };
  for (const auto& text : bad) {
    INFO(text);
    CHECK_THROWS_AS(sink::ResolveTypeName(conn, text), sink::InvalidTypeName);
  }
  CHECK_THROWS_WITH(sink::ResolveTypeName(conn, "int REFERENCES other (id)"),
                    Catch::Contains("\"int REFERENCES other (id)\" is not a PostgreSQL type name"));
  CHECK_THROWS_WITH(sink::ResolveTypeName(conn, "jsonbb"),
                    Catch::Contains("type \"jsonbb\" does not exist"));
  // A batch names the bad one.
  CHECK_THROWS_WITH(sink::ResolveTypeNames(conn, {"int", "text DEFAULT 'x'", "jsonb"}),
                    Catch::Contains("\"text DEFAULT 'x'\""));

  // CreateTable refuses before any DDL: no table, no foreign key.
  std::vector<etl::types::TargetColumn> cols(2);
  cols[0].name = "id";
  cols[0].pg_type = "bigint";
  cols[1].name = "v";
  cols[1].pg_type = "int REFERENCES sink_types_bad.other (id)";
  CHECK_THROWS_WITH(sink::CreateTable(conn, "sink_types_bad", "t", cols),
                    Catch::Contains("column \"v\""));
  CHECK_FALSE(sink::TableExists(conn, "sink_types_bad", "t"));
  CHECK(Trim(Psql("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                  " AND connamespace = 'sink_types_bad'::regnamespace")) == "0");

  // Inside a transaction a refused name leaves the transaction usable.
  {
    sink::Transaction tx(conn);
    CHECK_THROWS(sink::ResolveTypeName(conn, "int NOT NULL"));
    CHECK(sink::ResolveTypeName(conn, "varchar(3)") == "character varying(3)");
    tx.Commit();
  }
}
