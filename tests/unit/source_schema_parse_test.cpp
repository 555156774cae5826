#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "source/schema_introspector.h"

using etl::source::IsJsonValidCheck;
using etl::source::ParseEnumMembers;
using Members = std::vector<std::string>;

TEST_CASE("ParseEnumMembers unquotes enum and set members", "[source][schema]") {
  CHECK(ParseEnumMembers("enum('a','b','c')") == Members{"a", "b", "c"});
  CHECK(ParseEnumMembers("set('x','y')") == Members{"x", "y"});
  CHECK(ParseEnumMembers("ENUM('Up','Down')") == Members{"Up", "Down"});
  CHECK(ParseEnumMembers("enum('it''s','a,b','(p)')") == Members{"it's", "a,b", "(p)"});
  CHECK(ParseEnumMembers("enum('','x')") == Members{"", "x"});
  CHECK(ParseEnumMembers("enum('back\\\\slash','q\\'')") == Members{"back\\slash", "q'"});
  CHECK(ParseEnumMembers("enum('caf\xc3\xa9')") == Members{"caf\xc3\xa9"});
}

TEST_CASE("ParseEnumMembers ignores other types", "[source][schema]") {
  CHECK(ParseEnumMembers("varchar(10)").empty());
  CHECK(ParseEnumMembers("int(11) unsigned").empty());
  CHECK(ParseEnumMembers("").empty());
}

TEST_CASE("IsJsonValidCheck recognises MariaDB's JSON marker only", "[source][schema]") {
  CHECK(IsJsonValidCheck("json_valid(`payload`)", "payload"));
  CHECK(IsJsonValidCheck("  JSON_VALID(`payload`) ", "payload"));
  CHECK(IsJsonValidCheck("(json_valid(`payload`))", "payload"));
  CHECK(IsJsonValidCheck("json_valid(`we``ird`)", "we`ird"));
  CHECK_FALSE(IsJsonValidCheck("json_valid(`payload`)", "other"));
  CHECK_FALSE(IsJsonValidCheck("json_valid(`payload`) and `x` > 0", "payload"));
  CHECK_FALSE(IsJsonValidCheck("`payload` > 0", "payload"));
}
