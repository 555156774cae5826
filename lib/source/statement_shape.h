#pragma once
// What a MySQL error may show of a statement and of the server's message (config/disclosure.h).
//
// StatementShape: the statement with every literal replaced by ?: '...' and "..." strings
// (backslash escapes and doubled quotes understood, as under the sql_mode etl sets), numbers
// (1, 2.5, 1e-3, 0x1F) and comments dropped; `identifiers`, keywords and operators stay.
//   SELECT `a` FROM `db`.`t` WHERE (`k` > 'alice@example.com') LIMIT 500
//   -> SELECT `a` FROM `db`.`t` WHERE (`k` > ?) LIMIT ?
// The user's `where:` text is shaped the same way (its literals may be data too).
//
// StatementForLog: the statement itself when config::ShowValues() (--log-level trace), else its
// shape.
//
// MaskServerMessage: the server's message (MySQL quotes values back: "... near 'x@y.z' ORDER BY
// ..." for a syntax error, "Truncated incorrect DOUBLE value: 'abc'") with, unless ShowValues():
// the fragment after "near '" shaped, every string literal of `statement` quoted in the message
// replaced by '?', and for SQLSTATE class 22 (data exceptions) every quoted value replaced.
// Identifiers the server quotes ('db.t', 'where clause') stay.

#include <string>
#include <string_view>

namespace etl::source {

std::string StatementShape(std::string_view sql);
std::string StatementForLog(std::string_view sql);
std::string MaskServerMessage(std::string_view message, std::string_view statement,
                              std::string_view sqlstate);

}  // namespace etl::source
