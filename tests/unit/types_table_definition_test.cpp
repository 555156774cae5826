// What a created target carries (types/table_definition.h): defaults rendered from values,
// identity, index mapping, the key index, and the notes for whatever is left out.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "types/table_definition.h"

using etl::types::ColumnDefault;
using etl::types::PgDefault;
using etl::types::PgIndex;
using etl::types::SourceColumn;
using etl::types::SourceIndex;
using etl::types::TargetColumn;

namespace {

SourceColumn Src(const std::string& name, const std::string& data_type,
                 const std::string& column_type) {
  SourceColumn c;
  c.name = name;
  c.data_type = data_type;
  c.column_type = column_type;
  return c;
}

SourceColumn WithDefault(SourceColumn c, ColumnDefault::Kind kind, std::string value = "") {
  c.default_value.kind = kind;
  c.default_value.value = std::move(value);
  return c;
}

std::optional<PgDefault> Default(const SourceColumn& c, std::string& note,
                                 const std::optional<std::string>& override_type = std::nullopt) {
  return etl::types::MapDefault(etl::types::MapColumn(c, override_type), note);
}

std::string Literal(const SourceColumn& c) {
  std::string note;
  const auto d = Default(c, note);
  INFO(note);
  REQUIRE(d);
  REQUIRE(d->kind == PgDefault::Kind::kLiteral);
  return d->literal;
}

std::string NoteFor(const SourceColumn& c) {
  std::string note;
  CHECK_FALSE(Default(c, note));
  return note;
}

}  // namespace

TEST_CASE("literal defaults become PostgreSQL values of the mapped type", "[types][defaults]") {
  using K = ColumnDefault::Kind;
  CHECK(Literal(WithDefault(Src("a", "varchar", "varchar(10)"), K::kLiteral, "it's")) == "it's");
  CHECK(Literal(WithDefault(Src("a", "int", "int(11)"), K::kLiteral, "-3")) == "-3");
  CHECK(Literal(WithDefault(Src("a", "decimal", "decimal(6,2)"), K::kLiteral, "1.50")) == "1.50");
  CHECK(Literal(WithDefault(Src("a", "tinyint", "tinyint(1)"), K::kLiteral, "1")) == "t");
  CHECK(Literal(WithDefault(Src("a", "set", "set('a','b')"), K::kLiteral, "a,b")) ==
        "{\"a\",\"b\"}");
  CHECK(Literal(WithDefault(Src("a", "timestamp", "timestamp"), K::kLiteral,
                            "2020-01-01 10:00:00")) == "2020-01-01 10:00:00+00");
  CHECK(Literal(WithDefault(Src("a", "varbinary", "varbinary(4)"), K::kLiteral,
                            std::string("a\0", 2))) == "\\x6100");
  auto bits = WithDefault(Src("a", "bit", "bit(10)"), K::kLiteral, std::string("\x00\x05", 2));
  bits.numeric_precision = 10;
  CHECK(Literal(bits) == "0000000101");
  CHECK(Literal(WithDefault(Src("a", "json", "longtext"), K::kLiteral, "{}")) == "{}");
}

TEST_CASE("CURRENT_TIMESTAMP and CURRENT_DATE are kept on temporal columns", "[types][defaults]") {
  auto c = WithDefault(Src("a", "datetime", "datetime(3)"), ColumnDefault::Kind::kCurrentTimestamp);
  c.default_value.precision = 3;
  std::string note;
  const auto d = Default(c, note);
  REQUIRE(d);
  CHECK(d->kind == PgDefault::Kind::kCurrentTimestamp);
  CHECK(d->precision == 3);
  CHECK(Default(WithDefault(Src("a", "date", "date"), ColumnDefault::Kind::kCurrentDate), note)
            ->kind == PgDefault::Kind::kCurrentDate);
}

TEST_CASE("defaults PostgreSQL cannot hold are skipped with a note naming them",
          "[types][defaults]") {
  using K = ColumnDefault::Kind;
  CHECK_THAT(NoteFor(WithDefault(Src("d", "date", "date"), K::kLiteral, "0000-00-00")),
             Catch::Contains("column \"d\": zero-date default '0000-00-00' becomes no default"));
  CHECK_THAT(
      NoteFor(WithDefault(Src("u", "varchar", "varchar(36)"), K::kExpression, "uuid()")),
      Catch::Contains("column \"u\": default (uuid())") && Catch::Contains("not carried over"));
  CHECK_THAT(NoteFor(WithDefault(Src("i", "int", "int"), K::kLiteral, "1; DROP")),
             Catch::Contains("is not a number"));
  CHECK_THAT(
      NoteFor(WithDefault(Src("t", "varchar", "varchar(5)"), K::kLiteral, std::string("a\0b", 3))),
      Catch::Contains("NUL"));
  std::string note;
  CHECK_FALSE(Default(WithDefault(Src("o", "varchar", "varchar(5)"), K::kLiteral, "x"), note,
                      std::string("jsonb")));
  CHECK_THAT(note, Catch::Contains("column_types override"));
  CHECK_FALSE(Default(Src("n", "int", "int"), note));
  CHECK(note.empty());  // no default: nothing to say
}

namespace {

std::vector<TargetColumn> Columns() {
  std::vector<SourceColumn> src;
  auto id = Src("id", "bigint", "bigint(20) unsigned");
  id.is_unsigned = true;
  id.auto_increment = true;
  id.nullable = false;
  src.push_back(id);
  auto n = Src("n", "int", "int(11)");
  n.auto_increment = true;
  n.nullable = false;
  n.comment = "counter";
  src.push_back(n);
  auto email = Src("email", "varchar", "varchar(100)");
  email.char_max_length = 100;
  email.nullable = false;
  src.push_back(email);
  auto body = Src("body", "text", "text");
  src.push_back(body);
  auto at = Src("at", "datetime", "datetime");
  at.nullable = false;
  at.on_update_current_timestamp = true;
  at.default_value.kind = ColumnDefault::Kind::kCurrentTimestamp;
  src.push_back(at);
  src.push_back(Src("geo", "geometry", "geometry"));
  return etl::types::MapColumns(src, {});
}

SourceIndex Index(const std::string& name, std::vector<std::string> cols, bool unique = false,
                  SourceIndex::Type type = SourceIndex::Type::kBtree) {
  SourceIndex i;
  i.name = name;
  i.unique = unique;
  i.type = type;
  for (auto& c : cols)
    i.columns.push_back({c, std::nullopt, false, c != "email"});
  return i;
}

bool HasNote(const etl::types::TableDefinition& d, const std::string& text) {
  for (const auto& n : d.notes) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("indexes: kept, widened, mapped or skipped with a note", "[types][indexes]") {
  auto prefix_short = Index("p_email", {"email"});
  prefix_short.columns[0].prefix = 10;
  auto prefix_long = Index("p_body", {"body"});
  prefix_long.columns[0].prefix = 20;
  auto invisible = Index("hidden", {"email"});
  invisible.visible = false;
  auto desc = Index("by_at", {"at", "email"});
  desc.columns[0].descending = true;
  const auto def = etl::types::BuildTableDefinition(
      Columns(), {"id"},
      {prefix_short, prefix_long, invisible, desc,
       Index("ft", {"body", "email"}, false, SourceIndex::Type::kFullText),
       Index("sp", {"geo"}, false, SourceIndex::Type::kSpatial)},
      {}, "", {"id"}, {});
  std::vector<std::string> names;
  for (const auto& i : def.indexes)
    names.push_back(i.name);
  CHECK(names == std::vector<std::string>{"p_email", "by_at", "ft"});
  CHECK(def.indexes[1].descending == std::vector<bool>{true, false});
  CHECK(def.indexes[2].method == PgIndex::Method::kFullText);
  CHECK(HasNote(def, "index \"p_email\": prefix part \"email\"(10) indexes the whole value"));
  CHECK(HasNote(def, "index \"p_body\" skipped: its prefix part \"body\"(20) is on a long column"));
  CHECK(HasNote(def, "index \"hidden\" skipped: it is invisible"));
  CHECK(HasNote(def, "index \"sp\" skipped: SPATIAL"));
  CHECK(HasNote(def, "index \"ft\" mapped to a GIN index"));
}

TEST_CASE("identity, defaults, comments and the zero-date columns", "[types][identity]") {
  const auto def =
      etl::types::BuildTableDefinition(Columns(), {"id"}, {}, {}, "the table", {"id"}, {});
  CHECK(def.comment == "the table");
  REQUIRE(def.FindColumn("n") != nullptr);
  CHECK(def.FindColumn("n")->identity);
  CHECK(def.FindColumn("n")->comment == "counter");
  CHECK(def.FindColumn("id") == nullptr);  // numeric(20) cannot be an identity
  CHECK(HasNote(def, "column \"id\": AUTO_INCREMENT not carried over: it maps to numeric(20)"));
  REQUIRE(def.FindColumn("at") != nullptr);
  CHECK(def.FindColumn("at")->default_value->kind == PgDefault::Kind::kCurrentTimestamp);
  CHECK(HasNote(def, "column \"at\": ON UPDATE CURRENT_TIMESTAMP not carried over"));
  CHECK(def.zero_date_nullable == std::vector<std::string>{"at"});
}

TEST_CASE("the unique index that keys a table is created whatever schema.indexes says",
          "[types][keys]") {
  etl::config::SchemaOptions off;
  off.indexes = false;
  off.defaults = false;
  off.comments = false;
  off.identity = false;
  const auto def = etl::types::BuildTableDefinition(
      Columns(), {}, {Index("uk_email", {"email"}, true), Index("other", {"body"})}, {}, "comment",
      {"email"}, off);
  REQUIRE(def.indexes.size() == 1);
  CHECK(def.indexes[0].name == "uk_email");
  CHECK(def.indexes[0].unique);
  CHECK(def.indexes[0].is_key);
  CHECK(def.primary_key.empty());
  CHECK(def.columns.empty());
  CHECK(def.comment.empty());
  for (const auto& n : def.notes)
    CHECK_THAT(n, !Catch::Contains("ON UPDATE"));  // switched-off parts say nothing
}
