#pragma once
// `--rerun-failed-only`: which selected tables a rerun may skip, in words.
//
// A table is skipped when the latest load of its target by this job (sink/load_history.h)
// succeeded -- status ok or early_terminated, i.e. it committed -- and finished at or after the
// rerun window's start (`--rerun-since`, default 12 hours before the run started). Everything
// else loads: a failed, cancelled or never-recorded load, and a success older than the window
// (last night's load says nothing about tonight's attempt that never reached the table).
// The window keeps the flag safe on a first attempt too, as long as it is shorter than the time
// between scheduled runs and longer than a run and its retries take.
//
// Pure functions; no I/O.

#include <chrono>
#include <optional>
#include <string>

namespace etl::plan {

// What the history says about the target's latest load (nullopt: nothing recorded).
struct LatestLoadFacts {
  std::string run_id;
  std::string status;
  std::string finished_at;
  bool after_cutoff = false;
};

struct RerunDecision {
  bool skip = false;
  std::string reason;  // why it is skipped or loaded, for the log and the report
};

RerunDecision DecideRerun(const std::optional<LatestLoadFacts>& latest,
                          const std::string& window_text);

// The default window: 12 hours.
inline constexpr const char* kDefaultRerunSince = "12h";

// The start of the rerun window as an ISO 8601 UTC timestamp PostgreSQL reads, from
// `--rerun-since`: a duration back from `now` ("90m", "12h", "2d", "3600s") or a timestamp
// ("2026-12-01T01:00:00Z", "2026-12-01 01:00:00.123+00:00" as Airflow prints dates; without a
// zone it is UTC). nullopt and `error` set when it is neither.
std::optional<std::string> RerunCutoff(const std::string& since,
                                       std::chrono::system_clock::time_point now,
                                       std::string& error);

}  // namespace etl::plan
