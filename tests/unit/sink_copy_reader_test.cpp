#include <string>

#include <catch2/catch.hpp>

#include "sink/copy_reader.h"
#include "sink/value_caster.h"

namespace etl::sink {
namespace {

std::string Unescaped(std::string_view field) {
  std::string out;
  UnescapeCopyText(field, out);
  return out;
}

TEST_CASE("UnescapeCopyText undoes COPY text escapes", "[sink][verify]") {
  CHECK(Unescaped("plain") == "plain");
  CHECK(Unescaped(R"(a\tb\nc\\d\re)") == "a\tb\nc\\d\re");
  CHECK(Unescaped(R"(\b\f\v)") == "\b\f\v");
  CHECK(Unescaped(R"(\x41\101\x4)") == "AA\x04");
  CHECK(Unescaped(R"(\.)") == ".");
  CHECK(Unescaped(R"(\\x00ff)") == "\\x00ff");  // a bytea's text
  CHECK(Unescaped("trailing\\") == "trailing\\");
}

TEST_CASE("NullableTextArray quotes every element and leaves NULL bare", "[sink][verify]") {
  CHECK(NullableTextArray({}) == "{}");
  CHECK(NullableTextArray({std::string("a"), std::nullopt, std::string("b\"c\\d"),
                           std::string("NULL"), std::string("")}) ==
        R"({"a",NULL,"b\"c\\d","NULL",""})");
}

}  // namespace
}  // namespace etl::sink
