#pragma once
// A column of a MySQL/MariaDB table as information_schema describes it (filled by source/).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etl::types {

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
  // MariaDB stores JSON as longtext with a json_valid() CHECK; source/ reports such columns with
  // data_type "json" so the mapping is the same on MySQL and MariaDB.
};

}  // namespace etl::types
