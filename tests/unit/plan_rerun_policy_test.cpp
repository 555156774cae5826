// --rerun-failed-only decisions and the --rerun-since window (plan/rerun_policy.h).

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "plan/rerun_policy.h"

namespace etl::plan {
namespace {

LatestLoadFacts Load(const std::string& status, bool after_cutoff) {
  return {"20261201T010000Z-00000001", status, "2026-12-01T01:05:00Z", after_cutoff};
}

std::chrono::system_clock::time_point At2026120112() {
  // 2026-12-01T12:00:00Z
  return std::chrono::system_clock::time_point(std::chrono::seconds(1796126400));
}

}  // namespace

TEST_CASE("rerun: only a success inside the window is skipped") {
  CHECK(DecideRerun(Load("ok", true), "12h").skip);
  CHECK(DecideRerun(Load("early_terminated", true), "12h").skip);
  CHECK_FALSE(DecideRerun(Load("failed", true), "12h").skip);
  CHECK_FALSE(DecideRerun(Load("cancelled", true), "12h").skip);
  CHECK_FALSE(DecideRerun(Load("ok", false), "12h").skip);  // last night's load
  CHECK_FALSE(DecideRerun(std::nullopt, "12h").skip);       // never loaded / no history
  CHECK(DecideRerun(Load("ok", true), "12h").reason ==
        "already loaded by run 20261201T010000Z-00000001 at 2026-12-01T01:05:00Z (ok); "
        "--rerun-failed-only skips it");
  CHECK(DecideRerun(Load("ok", false), "12h").reason ==
        "the latest load (run 20261201T010000Z-00000001 at 2026-12-01T01:05:00Z) is older than "
        "the rerun window (12h): loading");
  CHECK(DecideRerun(Load("failed", true), "12h").reason ==
        "the latest load (run 20261201T010000Z-00000001 at 2026-12-01T01:05:00Z) ended failed: "
        "loading");
}

TEST_CASE("rerun: --rerun-since takes durations back from now and timestamps") {
  std::string error;
  CHECK(RerunCutoff("12h", At2026120112(), error) == "2026-12-01T00:00:00Z");
  CHECK(RerunCutoff("90m", At2026120112(), error) == "2026-12-01T10:30:00Z");
  CHECK(RerunCutoff("2d", At2026120112(), error) == "2026-11-29T12:00:00Z");
  CHECK(RerunCutoff("30s", At2026120112(), error) == "2026-12-01T11:59:30Z");
  CHECK(RerunCutoff("0s", At2026120112(), error) == "2026-12-01T12:00:00Z");
  // Timestamps pass through; without a zone they are UTC.
  CHECK(RerunCutoff("2026-12-01T01:00:00Z", At2026120112(), error) == "2026-12-01T01:00:00Z");
  CHECK(RerunCutoff("2026-12-01 01:00:00.123456+00:00", At2026120112(), error) ==
        "2026-12-01 01:00:00.123456+00:00");
  CHECK(RerunCutoff("2026-12-01T01:00:00", At2026120112(), error) == "2026-12-01T01:00:00+00");
  CHECK(RerunCutoff("2026-12-01", At2026120112(), error) == "2026-12-01 00:00:00+00");
  for (const char* bad : {"", "12", "h", "12x", "-1h", "yesterday", "2026-12-01T01:00:00Z; DROP",
                          "99999999999999999999h", "5000000d"}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(RerunCutoff(bad, At2026120112(), error));
    CHECK_FALSE(error.empty());
  }
}

}  // namespace etl::plan
