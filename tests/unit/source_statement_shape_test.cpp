// MySQL statements and server messages as errors show them: literals replaced, names kept.

#include <string>

#include <catch2/catch.hpp>

#include "config/disclosure.h"
#include "source/statement_shape.h"

namespace etl::source {
namespace {

TEST_CASE("MySQL statement shape replaces every literal and keeps identifiers",
          "[source][disclosure]") {
  CHECK(StatementShape("SELECT `a`, `b` FROM `db`.`t` WHERE (`k` > 'alice@example.com') AND "
                       "(`n` >= 42) ORDER BY `k` LIMIT 500") ==
        "SELECT `a`, `b` FROM `db`.`t` WHERE (`k` > ?) AND (`n` >= ?) ORDER BY `k` LIMIT ?");
  CHECK(StatementShape(R"(x = 'it''s' OR y = 'a\'b' OR z = "dq" OR w = -1.5e-3 OR v = 0x1F)") ==
        "x = ? OR y = ? OR z = ? OR w = -? OR v = ?");
  CHECK(StatementShape("SELECT `we``ird 'x'` FROM t1 WHERE c2 = 3 # 'secret'\nAND d") ==
        "SELECT `we``ird 'x'` FROM t1 WHERE c2 = ?  AND d");
  CHECK(StatementShape("a /* 'secret' */ = _utf8mb4'v' -- x\n") == "a   = _utf8mb4?  ");
  CHECK(StatementShape("unterminated 'secret") == "unterminated ?");
}

TEST_CASE("MySQL server messages lose the values they quote", "[source][disclosure]") {
  const std::string sql = "SELECT `a` FROM `t` WHERE `k` > 'secret-key' ORDER BY `k` LIMT 5";
  CHECK(MaskServerMessage("You have an error in your SQL syntax; check the manual ... near "
                          "''secret-key' ORDER BY `k` LIMT 5' at line 1",
                          sql, "42000") ==
        "You have an error in your SQL syntax; check the manual ... near '? ORDER BY `k` LIMT ?' "
        "at line 1");
  CHECK(MaskServerMessage("Unknown column 'nope' in 'where clause'", sql, "42S22") ==
        "Unknown column 'nope' in 'where clause'");
  CHECK(MaskServerMessage("Illegal value 'secret-key' for x", sql, "HY000") ==
        "Illegal value '?' for x");
  CHECK(MaskServerMessage("Truncated incorrect DOUBLE value: 'row-data'", "", "22007") ==
        "Truncated incorrect DOUBLE value: '?'");

  config::SetShowValues(true);
  CHECK(StatementForLog(sql) == sql);
  CHECK(MaskServerMessage("Illegal value 'secret-key' for x", sql, "HY000") ==
        "Illegal value 'secret-key' for x");
  config::SetShowValues(false);
  CHECK(StatementForLog(sql) == StatementShape(sql));
}

}  // namespace
}  // namespace etl::source
