// PostgreSQL statements and error fields as errors show them: literals and row values masked.

#include <string>

#include <catch2/catch.hpp>

#include "config/disclosure.h"
#include "sink/statement_shape.h"
#include "sink/type_name.h"

namespace etl::sink {
namespace {

TEST_CASE("PostgreSQL statement shape replaces every literal and keeps identifiers",
          "[sink][disclosure]") {
  CHECK(StatementShape("INSERT INTO \"s\".\"t'x\" (\"a\") VALUES ($1, 'it''s', 42, -1.5e+3)") ==
        "INSERT INTO \"s\".\"t'x\" (\"a\") VALUES ($1, ?, ?, -?)");
  CHECK(StatementShape("SELECT E'a\\'b', B'101', X'1F', U&'d\\0061t', $$dollar 'x'$$, "
                       "$tag$ a $$ b $tag$::text") == "SELECT ?, ?, ?, ?, ?, ?::text");
  CHECK(StatementShape("SELECT 1 -- 'secret'\n/* a /* nested 'x' */ still */ FROM t2") ==
        "SELECT ?    FROM t2");
  CHECK(StatementShape("ALTER ROLE r PASSWORD 'p'") == "ALTER ROLE r PASSWORD ?");
}

TEST_CASE("PostgreSQL error fields lose the row values they quote", "[sink][disclosure]") {
  ErrorFields f;
  f.primary = "new row for relation \"t\" violates check constraint \"t_v_check\"";
  f.detail = "Failing row contains (1, forbidden-secret).";
  f.context = "COPY t, line 1: \"1\tforbidden-secret\"";
  MaskErrorFields(f, "23514");
  CHECK(f.primary == "new row for relation \"t\" violates check constraint \"t_v_check\"");
  CHECK(f.detail == "Failing row contains (values not shown)");
  CHECK(f.context == "COPY t, line 1");

  f = {};
  f.primary = "duplicate key value violates unique constraint \"t_pkey\"";
  f.detail = "Key (id, name)=(7, a) b) already exists.";
  MaskErrorFields(f, "23505");
  CHECK(f.detail == "Key (id, name)=(?) already exists.");

  f = {};
  f.primary = "invalid input syntax for type integer: \"secret\"";
  f.context = "COPY t, line 3, column n: \"secret\"\nSQL statement \"SELECT 'secret'\"";
  MaskErrorFields(f, "22P02");
  CHECK(f.primary == "invalid input syntax for type integer: ?");
  CHECK(f.context == "COPY t, line 3, column n\nSQL statement \"SELECT ?\"");

  f = {};
  f.primary = "value \"99999999999\" is out of range for type integer";
  f.detail = "Token \"secret\" is invalid.";
  MaskErrorFields(f, "22003");
  CHECK(f.primary == "value ? is out of range for type integer");
  CHECK(f.detail == "Token ? is invalid.");

  f = {};
  f.primary = "syntax error at or near \"'secret'\"";
  MaskErrorFields(f, "42601");
  CHECK(f.primary == "syntax error at or near \"?\"");

  config::SetShowValues(true);
  f = {};
  f.detail = "Failing row contains (1, x).";
  MaskErrorFields(f, "23514");
  CHECK(f.detail == "Failing row contains (1, x).");
  CHECK(StatementForLog("SELECT 'x'") == "SELECT 'x'");
  config::SetShowValues(false);
  CHECK(StatementForLog("SELECT 'x'") == "SELECT ?");
}

TEST_CASE("SplitTypeName finds the modifiers typmodin takes", "[sink][types]") {
  auto p = SplitTypeName("numeric(12, 2)");
  REQUIRE(p);
  CHECK(p->modifiers == std::vector<std::string>{"12", "2"});
  CHECK(p->first_word == "numeric");
  p = SplitTypeName("timestamp(3) with time zone");
  REQUIRE(p);
  CHECK(p->modifiers == std::vector<std::string>{"3"});
  p = SplitTypeName("CHARACTER VARYING(10)[]");
  REQUIRE(p);
  CHECK(p->first_word == "character");
  CHECK(p->varying);
  CHECK(p->modifiers == std::vector<std::string>{"10"});
  p = SplitTypeName("public.geometry(Point, 4326)");
  REQUIRE(p);
  CHECK(p->modifiers == std::vector<std::string>{"point", "4326"});
  p = SplitTypeName("\"My (odd) type\"");
  REQUIRE(p);
  CHECK(p->modifiers.empty());
  CHECK(p->first_word.empty());
  p = SplitTypeName("interval day to second(3)");
  REQUIRE(p);
  CHECK(p->interval_fields);
  CHECK_FALSE(SplitTypeName("numeric(1)(2)"));
  CHECK_FALSE(SplitTypeName("numeric(1"));
  CHECK_FALSE(SplitTypeName("\"open"));
}

}  // namespace
}  // namespace etl::sink
