#include <string>

#include <catch2/catch.hpp>

#include "source/mysql_quote.h"

using etl::source::IsNumericLiteral;
using etl::source::IsVariableName;
using etl::source::QuoteIdent;
using etl::source::QuoteQualified;
using etl::source::QuoteString;

TEST_CASE("QuoteIdent wraps in backticks and doubles embedded backticks", "[source][quote]") {
  CHECK(QuoteIdent("orders") == "`orders`");
  CHECK(QuoteIdent("a`b") == "`a``b`");
  CHECK(QuoteIdent("``") == "``````");
  CHECK(QuoteIdent("my col; DROP") == "`my col; DROP`");
  CHECK(QuoteIdent("") == "``");
  CHECK(QuoteQualified("shop", "or`ders") == "`shop`.`or``ders`");
}

TEST_CASE("QuoteString escapes what mysql_real_escape_string escapes", "[source][quote]") {
  CHECK(QuoteString("plain") == "'plain'");
  CHECK(QuoteString("it's") == "'it\\'s'");
  CHECK(QuoteString("a\\b") == "'a\\\\b'");
  CHECK(QuoteString(std::string("x\0y", 3)) == "'x\\0y'");
  CHECK(QuoteString("l1\nl2\r") == "'l1\\nl2\\r'");
  CHECK(QuoteString("\x1a") == "'\\Z'");
  CHECK(QuoteString("say \"hi\"") == "'say \\\"hi\\\"'");
  CHECK(QuoteString("") == "''");
  // Multi-byte UTF-8 passes through byte for byte.
  CHECK(QuoteString("caf\xc3\xa9 \xf0\x9f\x98\x80") == "'caf\xc3\xa9 \xf0\x9f\x98\x80'");
  // A classic injection attempt stays inside the literal.
  CHECK(QuoteString("' OR 1=1 -- ") == "'\\' OR 1=1 -- '");
}

TEST_CASE("IsNumericLiteral accepts plain decimal numbers only", "[source][quote]") {
  CHECK(IsNumericLiteral("600"));
  CHECK(IsNumericLiteral("-1"));
  CHECK(IsNumericLiteral("+2"));
  CHECK(IsNumericLiteral("0.5"));
  CHECK(IsNumericLiteral(".5"));
  CHECK(IsNumericLiteral("1e3"));
  CHECK(IsNumericLiteral("1.5E-2"));
  CHECK_FALSE(IsNumericLiteral(""));
  CHECK_FALSE(IsNumericLiteral("-"));
  CHECK_FALSE(IsNumericLiteral("."));
  CHECK_FALSE(IsNumericLiteral("1e"));
  CHECK_FALSE(IsNumericLiteral("600; DROP TABLE x"));
  CHECK_FALSE(IsNumericLiteral("0x10"));
  CHECK_FALSE(IsNumericLiteral("ON"));
  CHECK_FALSE(IsNumericLiteral("+00:00"));
}

TEST_CASE("IsVariableName accepts identifier characters only", "[source][quote]") {
  CHECK(IsVariableName("net_write_timeout"));
  CHECK(IsVariableName("_x1"));
  CHECK_FALSE(IsVariableName(""));
  CHECK_FALSE(IsVariableName("1abc"));
  CHECK_FALSE(IsVariableName("a b"));
  CHECK_FALSE(IsVariableName("x=1; DROP"));
  CHECK_FALSE(IsVariableName("@@session.x"));
  CHECK_FALSE(IsVariableName("a`b"));
}
