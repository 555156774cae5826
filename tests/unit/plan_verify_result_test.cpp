#include <catch2/catch.hpp>

#include "plan/verify_result.h"

namespace etl::plan {
namespace {

TEST_CASE("FormatVerifyResult: equal, different with capped keys, failed", "[plan][verify]") {
  TableVerifyResult equal;
  equal.table = "orders";
  equal.source_rows = equal.target_rows = 3;
  equal.method = "checksums of 1 key range of id on each server";
  equal.Settle();
  CHECK(equal.status == VerifyStatus::kEqual);
  CHECK(FormatVerifyResult(equal) ==
        "orders: equal, 3 rows (checksums of 1 key range of id on each server; 0.0 s)");

  TableVerifyResult diff;
  diff.table = "orders";
  diff.source_rows = 10;
  diff.target_rows = 11;
  diff.method = "m";
  diff.diff.max_keys = 2;
  diff.diff.AddChanged("id=1", {"a", "b"});
  diff.diff.AddMissing("id=2");
  for (const char* k : {"id=7", "id=8", "id=9"})
    diff.diff.AddExtra(k);
  diff.differing_ranges = 1;
  diff.ranges.push_back({"id in [0, 10)", 10, 11, 1, 1, 3});
  diff.Settle();
  CHECK(diff.status == VerifyStatus::kDifferent);
  CHECK(FormatVerifyResult(diff) ==
        "orders: DIFFERENT: source 10 rows, target 11 rows (m; 0.0 s)\n"
        "  1 key range differs:\n"
        "    id in [0, 10): source 10, target 11: 1 changed, 1 missing in target, 3 extra in "
        "target\n"
        "  changed (1): id=1 (a, b)\n"
        "  missing in target (1): id=2\n"
        "  extra in target (3): id=7, id=8, ... and 1 more");

  TableVerifyResult keyless;
  keyless.table = "log";
  keyless.source_rows = keyless.target_rows = 4;
  keyless.method = "no key";
  keyless.checksum_differs = true;
  keyless.Settle();
  CHECK(keyless.status == VerifyStatus::kDifferent);
  CHECK(FormatVerifyResult(keyless).find("row counts agree but the checksums differ") !=
        std::string::npos);

  TableVerifyResult failed;
  failed.table = "t";
  failed.status = VerifyStatus::kFailed;
  failed.error = "target table a.t does not exist";
  failed.Settle();
  CHECK(failed.status == VerifyStatus::kFailed);
  CHECK(FormatVerifyResult(failed) == "t: FAILED: target table a.t does not exist");
}

TEST_CASE("DiffCounts::Merge adds counts and keeps keys up to the cap", "[plan][verify]") {
  DiffCounts a, b;
  a.max_keys = b.max_keys = 2;
  a.AddMissing("id=1");
  b.AddMissing("id=2");
  b.AddMissing("id=3");
  b.pending = 4;
  a.Merge(b);
  CHECK(a.missing == 3);
  CHECK(a.missing_keys == std::vector<std::string>{"id=1", "id=2"});
  CHECK(a.pending == 4);
}

}  // namespace
}  // namespace etl::plan
