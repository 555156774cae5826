#include <stdexcept>

#include <catch2/catch.hpp>

#include "source/select_builder.h"

using etl::source::Lexicographic;
using etl::source::SelectBuilder;

TEST_CASE("SelectBuilder: plain full-table select quotes everything", "[source][select]") {
  SelectBuilder b("shop", "orders", {"id", "na`me", "select"});
  CHECK(b.Build() == "SELECT `id`, `na``me`, `select` FROM `shop`.`orders`");
}

TEST_CASE("SelectBuilder: user filter is parenthesised before key predicates", "[source][select]") {
  SelectBuilder b("shop", "orders", {"id", "status"});
  b.Where(std::string("status <> 'draft' OR id = 1")).KeyRange("id", 100, 200).OrderBy({"id"});
  CHECK(b.Build() ==
        "SELECT `id`, `status` FROM `shop`.`orders` WHERE (status <> 'draft' OR id = 1\n) AND "
        "`id` >= 100 AND `id` < 200 ORDER BY `id`");
}

TEST_CASE("SelectBuilder: empty or blank filter adds no WHERE", "[source][select]") {
  SelectBuilder b("d", "t", {"a"});
  b.Where(std::nullopt).Where(std::string("  "));
  CHECK(b.Build() == "SELECT `a` FROM `d`.`t`");
}

TEST_CASE("SelectBuilder: negative range bounds", "[source][select]") {
  SelectBuilder b("d", "t", {"a"});
  b.KeyRange("a", -50, 0);
  CHECK(b.Build() == "SELECT `a` FROM `d`.`t` WHERE `a` >= -50 AND `a` < 0");
}

TEST_CASE("SelectBuilder: single-column keyset chunk", "[source][select]") {
  SelectBuilder b("shop", "orders", {"id"});
  b.After({"id"}, {"41"}).OrderBy({"id"}).Limit(1000);
  CHECK(b.Build() == "SELECT `id` FROM `shop`.`orders` WHERE `id` > '41' ORDER BY `id` LIMIT 1000");
}

TEST_CASE("SelectBuilder: multi-column cursor with high mark and filter", "[source][select]") {
  SelectBuilder b("shop", "orders", {"id", "updated_at"});
  b.Where(std::string("x = 1"))
      .After({"updated_at", "id"}, {"2024-01-01 00:00:00", "7"})
      .AtMost({"updated_at", "id"}, {"2024-02-01 00:00:00", "99"})
      .OrderBy({"updated_at", "id"})
      .Limit(500);
  CHECK(b.Build() ==
        "SELECT `id`, `updated_at` FROM `shop`.`orders` WHERE (x = 1\n) AND "
        "(`updated_at` > '2024-01-01 00:00:00' OR (`updated_at` = '2024-01-01 00:00:00' AND "
        "`id` > '7')) AND "
        "(`updated_at` < '2024-02-01 00:00:00' OR (`updated_at` = '2024-02-01 00:00:00' AND "
        "`id` <= '99')) ORDER BY `updated_at`, `id` LIMIT 500");
}

TEST_CASE("SelectBuilder: cursor values are quoted literals", "[source][select]") {
  SelectBuilder b("d", "t", {"k"});
  b.After({"k"}, {"O'Brien\\"});
  CHECK(b.Build() == "SELECT `k` FROM `d`.`t` WHERE `k` > 'O\\'Brien\\\\'");
}

TEST_CASE("Lexicographic: three columns nest", "[source][select]") {
  CHECK(Lexicographic({"a", "b", "c"}, {"1", "2", "3"}, ">", ">") ==
        "(`a` > '1' OR (`a` = '1' AND (`b` > '2' OR (`b` = '2' AND `c` > '3'))))");
  CHECK(Lexicographic({"a"}, {"1"}, "<", "<=") == "`a` <= '1'");
}

TEST_CASE("Lexicographic: mismatched columns and values is an error", "[source][select]") {
  CHECK_THROWS_WITH(Lexicographic({"a", "b"}, {"1"}, ">", ">"),
                    Catch::Contains("2 columns, 1 values"));
  CHECK_THROWS_AS(Lexicographic({}, {}, ">", ">"), std::invalid_argument);
  CHECK_THROWS_AS(SelectBuilder("d", "t", {}), std::invalid_argument);
}

TEST_CASE("SelectBuilder: values are written as the literal their column compares exactly with",
          "[source][select]") {
  using etl::source::Literal;
  using etl::source::LiteralFor;
  using etl::source::ValueLiteral;
  CHECK(LiteralFor("bigint") == ValueLiteral::kNumber);
  CHECK(LiteralFor("decimal") == ValueLiteral::kNumber);
  CHECK(LiteralFor("float") == ValueLiteral::kFloat);
  CHECK(LiteralFor("double") == ValueLiteral::kDouble);
  CHECK(LiteralFor("binary") == ValueLiteral::kBinary);
  CHECK(LiteralFor("varbinary") == ValueLiteral::kBinary);
  CHECK(LiteralFor("datetime") == ValueLiteral::kString);
  CHECK(LiteralFor("varchar") == ValueLiteral::kString);

  CHECK(Literal(ValueLiteral::kNumber, "18446744073709551615") == "18446744073709551615");
  CHECK(Literal(ValueLiteral::kNumber, "-12345678901234567890.0000000001") ==
        "-12345678901234567890.0000000001");
  CHECK_THROWS_AS(Literal(ValueLiteral::kNumber, "1 OR 1=1"), std::invalid_argument);
  CHECK_THROWS_AS(Literal(ValueLiteral::kNumber, "1."), std::invalid_argument);
  CHECK_THROWS_AS(Literal(ValueLiteral::kNumber, ""), std::invalid_argument);
  CHECK(Literal(ValueLiteral::kFloat, "0.10000000149011612") == "0.10000000149011612e0");
  CHECK(Literal(ValueLiteral::kDouble, "1e-05") == "1e-05");
  CHECK_THROWS_AS(Literal(ValueLiteral::kDouble, "1e5; DROP"), std::invalid_argument);
  CHECK(Literal(ValueLiteral::kBinary, std::string("\x00\xff'\\", 4)) == "_binary X'00FF275C'");
  CHECK(Literal(ValueLiteral::kString, "a'b\\c") == "'a\\'b\\\\c'");
}

TEST_CASE("SelectBuilder: typed keyset predicates, FLOAT selected exactly, lookback",
          "[source][select]") {
  using etl::source::ValueLiteral;
  const etl::source::Literals kinds = {
      {"id", ValueLiteral::kBinary}, {"ts", ValueLiteral::kString}, {"f", ValueLiteral::kFloat}};
  SelectBuilder b("d", "t", {"id", "ts", "f"});
  b.Literals(kinds).After({"ts", "id"}, {"2024-01-01 00:00:00", std::string("\x01\x00", 2)});
  CHECK(b.Build() ==
        "SELECT `id`, `ts`, CAST(`f` AS DOUBLE) AS `f` FROM `d`.`t` WHERE (`ts` > '2024-01-01 "
        "00:00:00' OR (`ts` = '2024-01-01 00:00:00' AND `id` > _binary X'0100'))");

  SelectBuilder back("d", "t", {"ts"});
  back.Literals(kinds).After({"ts", "id"}, {"2024-01-01 00:05:00", "x"}, {300, 0});
  CHECK(back.Build() ==
        "SELECT `ts` FROM `d`.`t` WHERE `ts` > '2024-01-01 00:05:00' - INTERVAL 300 SECOND");
  SelectBuilder count("d", "t", {"n"});
  count.Literals({{"n", ValueLiteral::kNumber}}).After({"n"}, {"1000"}, {0, 50});
  CHECK(count.Build() == "SELECT `n` FROM `d`.`t` WHERE `n` > 1000 - 50");
}
