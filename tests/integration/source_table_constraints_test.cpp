// What the introspector reads beyond column types, against the real MariaDB: defaults as
// MariaDB spells them, EXTRA, comments, AUTO_INCREMENT, indexes (prefix, DESC, FULLTEXT,
// IGNORED, unique NOT NULL) and foreign keys with their rules.
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "source/mysql_connection.h"
#include "source/schema_introspector.h"
#include "support/test_env.h"

namespace etl::source_tests {
config::SourceSpec TestSource(const std::string& database);
config::EnvLookup TestEnv(const std::optional<std::string>& password);
}  // namespace etl::source_tests

using Kind = etl::types::ColumnDefault::Kind;

TEST_CASE("Introspect reads defaults, comments, indexes and foreign keys", "[source][schema]") {
  etl::testing::ResetMySqlDatabase("etl_src_constraints");
  etl::testing::MySql(
      "CREATE TABLE parent (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, code VARCHAR(10) NOT "
      "NULL, UNIQUE KEY uk_code (code)) AUTO_INCREMENT = 50 COMMENT 'the parents';"
      "CREATE TABLE child (a INT NOT NULL, b VARCHAR(200) DEFAULT 'x''y' COMMENT 'bee', "
      " pid INT, t TEXT, at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE "
      " CURRENT_TIMESTAMP(3), n INT DEFAULT NULL,"
      " UNIQUE KEY uk_a (a), KEY k_desc (a DESC, b(12)), FULLTEXT KEY ft (t), KEY hidden (pid) "
      " IGNORED, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE SET NULL);"
      "CREATE VIEW v AS SELECT a FROM child;",
      "etl_src_constraints");
  auto conn = etl::source::Connect(etl::source_tests::TestSource("etl_src_constraints"),
                                   etl::source_tests::TestEnv(std::nullopt));
  const auto parent = etl::source::Introspect(conn, "etl_src_constraints", "parent");
  CHECK(parent.comment == "the parents");
  CHECK(parent.auto_increment == 50u);
  CHECK(parent.FindColumn("id")->auto_increment);
  CHECK(parent.FindColumn("id")->default_value.kind == Kind::kNone);

  const auto child = etl::source::Introspect(conn, "etl_src_constraints", "child");
  const auto* b = child.FindColumn("b");
  CHECK(b->default_value.kind == Kind::kLiteral);
  CHECK(b->default_value.value == "x'y");
  CHECK(b->comment == "bee");
  const auto* at = child.FindColumn("at");
  CHECK(at->default_value.kind == Kind::kCurrentTimestamp);
  CHECK(at->default_value.precision == 3);
  CHECK(at->on_update_current_timestamp);
  CHECK(child.FindColumn("n")->default_value.kind == Kind::kNone);

  REQUIRE(child.indexes.size() == 4);  // by name: ft, hidden, k_desc, uk_a
  CHECK(child.indexes[0].type == etl::types::SourceIndex::Type::kFullText);
  CHECK_FALSE(child.indexes[1].visible);
  const auto& k = child.indexes[2];
  REQUIRE(k.columns.size() == 2);
  CHECK(k.columns[0].descending);
  CHECK(k.columns[1].prefix == 12);
  CHECK(child.indexes[3].unique);
  CHECK(child.indexes[3].IdentifiesRows());

  REQUIRE(child.foreign_keys.size() == 1);
  const auto& fk = child.foreign_keys[0];
  CHECK(fk.name == "fk_p");
  CHECK(fk.referenced_table == "parent");
  CHECK(fk.referenced_columns == std::vector<std::string>{"id"});
  CHECK(fk.on_delete == etl::types::ReferentialAction::kSetNull);
  CHECK(fk.on_update == etl::types::ReferentialAction::kRestrict);

  const auto view = etl::source::Introspect(conn, "etl_src_constraints", "v");
  CHECK(view.is_view);
  CHECK(view.indexes.empty());
}
