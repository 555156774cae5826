// Unit tests of the tables_match globs (config/table_pattern.h): what matches, what is refused.

#include <string>

#include <catch2/catch.hpp>

#include "config/table_pattern.h"

namespace etl::config {
namespace {

TEST_CASE("globs: * and ? match runs and single characters of the whole name") {
  CHECK(GlobMatches("*", "orders"));
  CHECK(GlobMatches("*", ""));
  CHECK(GlobMatches("ord*", "orders"));
  CHECK(GlobMatches("ord*", "ord"));
  CHECK_FALSE(GlobMatches("ord*", "old_orders"));  // anchored at both ends
  CHECK(GlobMatches("*_bak", "orders_bak"));
  CHECK_FALSE(GlobMatches("*_bak", "orders_bak2"));
  CHECK(GlobMatches("*_*_*", "a_b_c"));
  CHECK_FALSE(GlobMatches("*_*_*", "a_b"));
  CHECK(GlobMatches("tmp_?", "tmp_1"));
  CHECK_FALSE(GlobMatches("tmp_?", "tmp_12"));
  CHECK_FALSE(GlobMatches("tmp_?", "tmp_"));
  CHECK(GlobMatches("a**b", "axxb"));
  CHECK(GlobMatches("*a*a*a*", "banana_a"));  // backtracking over several stars
  CHECK_FALSE(GlobMatches("*a*a*a*", "banan"));
}

TEST_CASE("globs are case-sensitive, as MySQL table names on Linux") {
  CHECK_FALSE(GlobMatches("orders", "Orders"));
  CHECK_FALSE(GlobMatches("ord*", "ORDERS"));
  CHECK(GlobMatches("Ord*", "Orders"));
}

TEST_CASE("globs: character classes, ranges, negation and literal brackets") {
  CHECK(GlobMatches("log_20[0-9][0-9]", "log_2024"));
  CHECK_FALSE(GlobMatches("log_20[0-9][0-9]", "log_20x4"));
  CHECK(GlobMatches("[abc]1", "b1"));
  CHECK_FALSE(GlobMatches("[abc]1", "d1"));
  CHECK(GlobMatches("[!abc]1", "d1"));
  CHECK(GlobMatches("[^abc]1", "d1"));
  CHECK_FALSE(GlobMatches("[!abc]1", "a1"));
  CHECK(GlobMatches("[]x]", "]"));   // ] first is a member
  CHECK(GlobMatches("[!]x]", "y"));  // ... also after !
  CHECK_FALSE(GlobMatches("[!]x]", "]"));
  CHECK(GlobMatches("[a-]", "-"));  // - last is a member
  CHECK(GlobMatches("v[._]1", "v.1"));
}

TEST_CASE("globs: backslash makes the next character literal") {
  CHECK(GlobMatches("a\\*", "a*"));
  CHECK_FALSE(GlobMatches("a\\*", "ab"));
  CHECK(GlobMatches("what\\?", "what?"));
  CHECK_FALSE(GlobMatches("what\\?", "whatx"));
  CHECK(GlobMatches("\\[x]", "[x]"));
  CHECK(GlobMatches("a\\\\b", "a\\b"));
}

TEST_CASE("globs: characters are UTF-8 code points") {
  CHECK(GlobMatches("caf?", "café"));
  CHECK(GlobMatches("??", "茶碗"));
  CHECK_FALSE(GlobMatches("?", "茶碗"));
  CHECK(GlobMatches("[é]*", "été"));
  CHECK(GlobMatches("*\xff", "x\xff"));  // an invalid byte matches itself
}

TEST_CASE("invalid globs are refused with a reason and match nothing") {
  CHECK(GlobProblem("orders_*").empty());
  CHECK(GlobProblem("[a-z]?").empty());
  CHECK(GlobProblem("") == "a pattern must not be empty");
  CHECK(GlobProblem("tmp_[0-9") == "'[' is not closed by ']' (write '\\[' for a literal bracket)");
  CHECK(GlobProblem("[]") == "'[' is not closed by ']' (write '\\[' for a literal bracket)");
  CHECK(GlobProblem("x[z-a]") ==
        "a character range runs backwards (its first character sorts after its last)");
  CHECK(GlobProblem("x\\") ==
        "'\\' at the end escapes nothing (write '\\\\' for a literal backslash)");
  CHECK_FALSE(GlobMatches("tmp_[0-9", "tmp_[0-9"));
  CHECK_FALSE(GlobMatches("", ""));
}

}  // namespace
}  // namespace etl::config
