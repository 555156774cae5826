#pragma once
// A column of a MySQL/MariaDB table as information_schema describes it (filled by source/).
//
// ColumnDefault is the column's DEFAULT with MySQL's and MariaDB's spellings already told apart
// by source/ (MariaDB >= 10.2.7 quotes string defaults in COLUMN_DEFAULT, MySQL does not; MySQL 8
// marks expressions with EXTRA DEFAULT_GENERATED), so nothing downstream parses MySQL text.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etl::types {

struct ColumnDefault {
  enum class Kind : unsigned char {
    kNone,              // no DEFAULT (or DEFAULT NULL: PostgreSQL's default is NULL as well)
    kLiteral,           // a constant: `value`
    kCurrentTimestamp,  // CURRENT_TIMESTAMP / NOW() [(precision)]
    kCurrentDate,       // CURRENT_DATE / CURDATE()
    kExpression,        // any other expression; `value` is MySQL's text, for messages only
  };
  Kind kind = Kind::kNone;
  // kLiteral: the value as the text protocol sends the column's values (what
  // types/value_converter.h reads): strings unquoted and unescaped, numbers as written, temporal
  // values in UTC text form, bit(n) as ceil(n/8) big-endian bytes, binary as raw bytes.
  std::string value;
  std::optional<int> precision;  // kCurrentTimestamp: fractional digits when given
};

struct SourceColumn {
  std::string name;
  std::string data_type;    // information_schema DATA_TYPE, lower case: "int", "varchar", "json"...
  std::string column_type;  // COLUMN_TYPE: "int(10) unsigned", "tinyint(1)", "enum('a','b')"
  bool is_unsigned = false;
  bool nullable = true;
  std::optional<std::int64_t> char_max_length;     // characters, for char/varchar
  std::optional<std::int64_t> numeric_precision;   // decimal p; bit n
  std::optional<std::int64_t> numeric_scale;       // decimal s
  std::optional<std::int64_t> datetime_precision;  // fractional digits of time types
  std::vector<std::string> enum_values;            // enum(...) / set(...) members, unquoted
  ColumnDefault default_value;
  bool auto_increment = false;               // EXTRA auto_increment
  bool on_update_current_timestamp = false;  // EXTRA on update CURRENT_TIMESTAMP
  std::string comment;                       // COLUMN_COMMENT ("" when none)
  // MariaDB stores JSON as longtext with a json_valid() CHECK; source/ reports such columns with
  // data_type "json" so the mapping is the same on MySQL and MariaDB.
};

}  // namespace etl::types
