// Column defaults as MariaDB (quoted, >= 10.2.7) and MySQL (bare, DEFAULT_GENERATED) spell them
// in information_schema.COLUMNS, and the key chosen from a table's indexes.
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "source/column_default_parse.h"
#include "source/key_choice.h"

using etl::source::DefaultSpelling;
using etl::source::ParseColumnDefault;
using etl::types::ColumnDefault;
using Kind = etl::types::ColumnDefault::Kind;

namespace {

etl::types::SourceColumn Col(const std::string& data_type) {
  etl::types::SourceColumn c;
  c.name = "c";
  c.data_type = data_type;
  return c;
}

ColumnDefault Maria(const std::optional<std::string>& d, const std::string& type = "varchar",
                    const std::string& extra = "") {
  return ParseColumnDefault(d, extra, Col(type), DefaultSpelling::kMariaDbQuoted);
}
ColumnDefault My(const std::optional<std::string>& d, const std::string& type = "varchar",
                 const std::string& extra = "") {
  return ParseColumnDefault(d, extra, Col(type), DefaultSpelling::kMySqlBare);
}

}  // namespace

TEST_CASE("SpellingOf: MariaDB 10.2.7 and later quote defaults", "[source][defaults]") {
  CHECK(etl::source::SpellingOf("10.11.19-MariaDB-0+deb12u1") == DefaultSpelling::kMariaDbQuoted);
  CHECK(etl::source::SpellingOf("10.2.7-MariaDB") == DefaultSpelling::kMariaDbQuoted);
  CHECK(etl::source::SpellingOf("11.4.2-MariaDB") == DefaultSpelling::kMariaDbQuoted);
  CHECK(etl::source::SpellingOf("10.2.6-MariaDB") == DefaultSpelling::kMySqlBare);
  CHECK(etl::source::SpellingOf("5.5.5-10.1.48-MariaDB") == DefaultSpelling::kMySqlBare);
  CHECK(etl::source::SpellingOf("8.0.36") == DefaultSpelling::kMySqlBare);
}

TEST_CASE("MariaDB defaults: quoted literals, bare numbers, NULL, expressions",
          "[source][defaults]") {
  CHECK(Maria(std::nullopt).kind == Kind::kNone);
  CHECK(Maria("NULL").kind == Kind::kNone);
  CHECK(Maria("'NULL'").value == "NULL");
  CHECK(Maria("'it''s \\\\ x'").value == "it's \\ x");
  CHECK(Maria("''").kind == Kind::kLiteral);
  CHECK(Maria("''").value.empty());
  CHECK(Maria("5", "int").value == "5");
  CHECK(Maria("-3", "int").value == "-3");
  CHECK(Maria("1.50", "decimal").value == "1.50");
  CHECK(Maria("1e10", "double").value == "1e10");
  CHECK(Maria("'2020-01-01'", "date").value == "2020-01-01");
  const auto ts = Maria("current_timestamp(3)", "datetime", "on update current_timestamp(3)");
  CHECK(ts.kind == Kind::kCurrentTimestamp);
  CHECK(ts.precision == 3);
  CHECK(Maria("current_timestamp()", "timestamp").precision == std::nullopt);
  CHECK(Maria("curdate()", "date").kind == Kind::kCurrentDate);
  const auto expr = Maria("(1 + 2)", "int");
  CHECK(expr.kind == Kind::kExpression);
  CHECK(expr.value == "(1 + 2)");
  CHECK(Maria("uuid()").kind == Kind::kExpression);
  CHECK(Maria("NULL", "int", "auto_increment").kind == Kind::kNone);
}

TEST_CASE("MySQL defaults: bare literals, DEFAULT_GENERATED expressions", "[source][defaults]") {
  CHECK(My(std::nullopt).kind == Kind::kNone);
  CHECK(My("abc").value == "abc");
  CHECK(My("it's").value == "it's");  // not quoted, so nothing to undo
  CHECK(My("NULL").value == "NULL");  // the string: DEFAULT NULL is SQL NULL
  CHECK(My("").kind == Kind::kLiteral);
  CHECK(My("2020-01-01 00:00:00", "datetime").value == "2020-01-01 00:00:00");
  const auto ts = My("CURRENT_TIMESTAMP(6)", "timestamp",
                     "DEFAULT_GENERATED on update "
                     "CURRENT_TIMESTAMP(6)");
  CHECK(ts.kind == Kind::kCurrentTimestamp);
  CHECK(ts.precision == 6);
  CHECK(My("CURRENT_TIMESTAMP", "timestamp").kind == Kind::kCurrentTimestamp);  // MySQL 5.7
  CHECK(My("CURRENT_TIMESTAMP", "varchar").kind == Kind::kLiteral);             // a string default
  CHECK(My("(rand())", "double", "DEFAULT_GENERATED").kind == Kind::kExpression);
  CHECK(My("curdate()", "date", "DEFAULT_GENERATED").kind == Kind::kCurrentDate);
}

TEST_CASE("bit and binary defaults arrive as the text protocol sends values",
          "[source][defaults]") {
  auto bit = Col("bit");
  bit.numeric_precision = 10;
  CHECK(ParseColumnDefault("b'101'", "", bit, DefaultSpelling::kMariaDbQuoted).value ==
        std::string("\x00\x05", 2));
  bit.numeric_precision = 1;
  CHECK(ParseColumnDefault("b'1'", "", bit, DefaultSpelling::kMySqlBare).value == "\x01");
  auto bin = Col("binary");
  bin.char_max_length = 4;
  CHECK(ParseColumnDefault("'ab\\0\\0'", "", bin, DefaultSpelling::kMariaDbQuoted).value ==
        std::string("ab\0\0", 4));
  CHECK(ParseColumnDefault("0x6162", "", bin, DefaultSpelling::kMySqlBare).value ==
        std::string("ab\0\0", 4));
}

TEST_CASE("EXTRA: auto_increment and ON UPDATE", "[source][defaults]") {
  CHECK(etl::source::ExtraHasAutoIncrement("auto_increment"));
  CHECK(etl::source::ExtraHasOnUpdate("on update current_timestamp()"));
  CHECK(etl::source::ExtraHasOnUpdate("DEFAULT_GENERATED on update CURRENT_TIMESTAMP"));
  CHECK_FALSE(etl::source::ExtraHasOnUpdate("DEFAULT_GENERATED"));
}

namespace {

etl::source::SourceTable Table() {
  etl::source::SourceTable t;
  t.database = "shop";
  t.table = "orders";
  t.exists = true;
  for (const char* name : {"id", "customer_id", "email", "code", "note"}) {
    etl::types::SourceColumn c;
    c.name = name;
    c.data_type = "varchar";
    c.nullable = std::string(name) == "note";
    t.columns.push_back(c);
  }
  auto idx = [](const std::string& name, std::vector<std::string> cols, bool nullable = false,
                std::optional<int> prefix = std::nullopt) {
    etl::types::SourceIndex i;
    i.name = name;
    i.unique = true;
    for (const auto& c : cols)
      i.columns.push_back({c, prefix, false, nullable});
    return i;
  };
  t.indexes = {idx("uk_email", {"email"}), idx("uk_pair", {"customer_id", "code"}),
               idx("uk_note", {"note"}, true), idx("uk_code_prefix", {"code"}, false, 3)};
  return t;
}

}  // namespace

TEST_CASE("ChooseKey: primary key, else the narrowest UNIQUE NOT NULL index", "[source][keys]") {
  auto t = Table();
  t.primary_key = {"id"};
  auto k = etl::source::ChooseKey(t, {});
  CHECK(k.columns == std::vector<std::string>{"id"});
  CHECK(k.index == "PRIMARY");
  t.primary_key.clear();
  k = etl::source::ChooseKey(t, {});
  CHECK(k.columns == std::vector<std::string>{"email"});
  CHECK(k.description == "unique index uk_email (no primary key)");
  t.indexes.erase(t.indexes.begin());  // no uk_email: the pair, never the nullable or prefix one
  k = etl::source::ChooseKey(t, {});
  CHECK(k.columns == std::vector<std::string>{"customer_id", "code"});
  t.indexes.erase(t.indexes.begin());
  CHECK(etl::source::ChooseKey(t, {}).columns.empty());
}

TEST_CASE("ChooseKey: an override must be a unique NOT NULL key", "[source][keys]") {
  auto t = Table();
  t.primary_key = {"id"};
  CHECK(etl::source::ChooseKey(t, {"id"}).problem.empty());
  auto k = etl::source::ChooseKey(t, {"code", "customer_id"});  // any order
  CHECK(k.problem.empty());
  CHECK(k.columns == std::vector<std::string>{"code", "customer_id"});
  CHECK(k.index == "uk_pair");
  k = etl::source::ChooseKey(t, {"customer_id"});
  CHECK_THAT(k.problem, Catch::Contains("primary_key (customer_id) is not a unique key of "
                                        "shop.orders") &&
                            Catch::Contains("PRIMARY (id), uk_email (email), uk_pair "
                                            "(customer_id, code)"));
  CHECK_THAT(etl::source::ChooseKey(t, {"note"}).problem,
             Catch::Contains("unique index uk_note matches, but column note allows NULL"));
  CHECK_THAT(etl::source::ChooseKey(t, {"code"}).problem,
             Catch::Contains("unique index uk_code_prefix covers only a prefix of code"));
  CHECK(etl::source::ChooseKey(t, {"nope"}).problem ==
        "primary_key column nope does not exist in shop.orders");
  CHECK_THAT(etl::source::ChooseKey(t, {"id", "id"}).problem, Catch::Contains("twice"));
}
