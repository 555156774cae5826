// skip_unchanged's fingerprint method is chosen from the spec (what `plan` prints), and two
// fingerprints are the same source when method, rows, sum and shape agree, UPDATE_TIME aside.
#include <catch2/catch.hpp>

#include "source/table_fingerprint.h"

using etl::source::ChooseFingerprint;
using etl::source::FingerprintMethod;
using etl::source::SameSource;

TEST_CASE("the fingerprint method follows the cursor and the filter") {
  etl::config::TableSpec t;
  t.name = "orders";
  CHECK(ChooseFingerprint(t).method == FingerprintMethod::kChecksumTable);
  CHECK(ChooseFingerprint(t).reason == "CHECKSUM TABLE (no cursor, no where)");
  t.where = "status <> 'draft'";
  CHECK(ChooseFingerprint(t).method == FingerprintMethod::kRowChecksum);
  t.incremental_columns = {"updated_at", "id"};
  CHECK(ChooseFingerprint(t).method == FingerprintMethod::kCursor);
  CHECK(ChooseFingerprint(t).reason == "row count + max(updated_at), max(id) (the table's cursor)");
}

TEST_CASE("SameSource ignores only the recorded UPDATE_TIME") {
  const std::string a = "checksum sum=00000000000000aa shape=00000000000000bb";
  CHECK(SameSource(a, a));
  CHECK(SameSource(a + " updated=2026-12-01T08:00:00", a));
  CHECK(SameSource(a + " updated=2026-12-01T08:00:00", a + " updated=2026-12-02T08:00:00"));
  CHECK_FALSE(SameSource(a, "checksum sum=00000000000000ab shape=00000000000000bb"));
  CHECK_FALSE(SameSource(a, "checksum sum=00000000000000aa shape=00000000000000bc"));
  CHECK_FALSE(SameSource("cursor rows=10 sum=1", "cursor rows=11 sum=1"));
}
