#pragma once
// Reading a column's DEFAULT from information_schema.COLUMNS, whichever server spelled it.
//
// COLUMN_DEFAULT and EXTRA differ between servers:
//   MariaDB >= 10.2.7  string and temporal literals quoted ('abc', 'it''s', '2020-01-01'),
//                      numbers bare (5, -3, 1.50), bits b'101', DEFAULT NULL as the bare word
//                      NULL, expressions bare (current_timestamp(3), curdate(), uuid(), (1 + 2)).
//   MySQL (5.7, 8)     literals bare and unquoted (abc, 2020-01-01), DEFAULT NULL as SQL NULL,
//                      bits b'101', binary values 0x6162; MySQL 8 marks CURRENT_TIMESTAMP and
//                      expression defaults with EXTRA DEFAULT_GENERATED (5.7 writes
//                      CURRENT_TIMESTAMP without it).
// EXTRA also says auto_increment and on update CURRENT_TIMESTAMP / current_timestamp(p).
// ParseColumnDefault turns both into types::ColumnDefault (literal values in the form the text
// protocol sends the column's values; see types/source_column.h). Pure functions.

#include <optional>
#include <string>
#include <string_view>

#include "types/source_column.h"

namespace etl::source {

enum class DefaultSpelling : unsigned char { kMariaDbQuoted, kMySqlBare };

// From VERSION(): MariaDB 10.2.7 and later quote; MySQL and older MariaDB do not.
DefaultSpelling SpellingOf(std::string_view server_version);

// REQUIRES: `column.data_type`, `numeric_precision` (bit width) and `char_max_length` (binary
// length) are filled. `column_default` is COLUMN_DEFAULT (nullopt for SQL NULL).
types::ColumnDefault ParseColumnDefault(const std::optional<std::string>& column_default,
                                        std::string_view extra, const types::SourceColumn& column,
                                        DefaultSpelling spelling);

// EXTRA mentions auto_increment / an ON UPDATE CURRENT_TIMESTAMP clause (case-insensitive).
bool ExtraHasAutoIncrement(std::string_view extra);
bool ExtraHasOnUpdate(std::string_view extra);

// Reads the single-quoted MySQL string literal starting at text[pos] (which is the opening
// quote) and moves pos past its closing quote. Undoes '' and the backslash escapes \0 \n \r
// \t \Z \b and \<any> -> <any>. An unterminated literal ends at the end of the text.
std::string UnquoteMySqlLiteral(std::string_view text, std::size_t& pos);

}  // namespace etl::source
