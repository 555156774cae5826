// sink/column_drift.h: the ALTER TABLE that adds a source's new columns (pure part).
#include <catch2/catch.hpp>

#include "sink/column_drift.h"

TEST_CASE("AddColumnsSql adds each column nullable, quoted, with the mapped type") {
  etl::types::TargetColumn a;
  a.name = "discount";
  a.pg_type = "numeric(12,2)";
  etl::types::TargetColumn b;
  b.name = "Odd \"name\"";
  b.pg_type = "varchar(30)";
  b.nullable = false;  // added nullable whatever the source says: old rows have no value
  CHECK(etl::sink::AddColumnsSql("s", "orders", {a, b}) ==
        "ALTER TABLE \"s\".\"orders\" ADD COLUMN \"discount\" numeric(12,2), ADD COLUMN "
        "\"Odd \"\"name\"\"\" varchar(30)");
}
