#pragma once
// One fuzz input for the job-spec loader, shared by the libFuzzer target (spec_loader_fuzz.cpp)
// and the regression test that replays tests/data/fuzz/ (tests/unit/config_fuzz_regression_test).
//
// Input format: the job file's text, optionally followed by a line "#---tables_file---" and the
// text of a tables file, which is written to <dir>/tables.yml (so `tables_file: tables.yml` in the
// job finds it; without the marker that file does not exist). The job "lives" at <dir>/job.yml.
// Interpolation sees a fixed environment (FuzzEnvironment), never the process's.
//
// LoadFuzzInput runs what `etl validate` runs (YAML parse, ${VAR} interpolation, typed reading,
// validation, tables_file) and returns a description of a broken invariant, or "" when the
// loader behaved. Invariants: the loader never throws; no exception escapes a reader (the
// loader's "internal error" diagnostic); a loaded spec has no error diagnostics and at least one
// table; a refused spec has at least one error; every diagnostic has a message; no diagnostic
// shows the value of a password variable. Crashes, leaks and undefined behaviour are the
// sanitizers' to report.
//
// REQUIRES: `dir` exists and is writable; one caller per `dir` at a time.

#include <string>
#include <string_view>

#include "config/job_loader.h"

namespace etl::fuzzing {

inline constexpr std::string_view kTablesFileMarker = "\n#---tables_file---\n";

config::EnvLookup FuzzEnvironment();

std::string LoadFuzzInput(std::string_view data, const std::string& dir);

}  // namespace etl::fuzzing
