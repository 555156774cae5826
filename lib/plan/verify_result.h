#pragma once
// The outcome of `etl verify` for one table, and how it is printed.
//
// Differences are counted in full; the keys themselves are kept up to `max_keys` per kind
// (changed, missing in target, extra in target) so that a table that differs everywhere does
// not fill memory or the screen. Ranges that differ are kept up to the same cap.
// Pure data and formatting; no connections.

#include <cstdint>
#include <string>
#include <vector>

#include "types/key_range.h"

namespace etl::plan {

enum class VerifyStatus : unsigned char { kEqual, kDifferent, kFailed };
const char* ToString(VerifyStatus status);  // "equal", "different", "failed"

struct ChangedRow {
  std::string key;                   // "id=42", "(a=1, b='x')"
  std::vector<std::string> columns;  // the columns whose values differ
};

struct DiffCounts {
  std::int64_t changed = 0;
  std::int64_t missing = 0;  // in the source, not in the target
  std::int64_t extra = 0;    // in the target, not in the source
  // Incremental tables: source rows past the saved watermark (changed or added after the last
  // load), which the target is not expected to hold yet. Not differences.
  std::int64_t pending = 0;

  std::size_t max_keys = 20;
  std::vector<ChangedRow> changed_keys;
  std::vector<std::string> missing_keys;
  std::vector<std::string> extra_keys;

  std::int64_t total() const { return changed + missing + extra; }
  void AddChanged(std::string key, std::vector<std::string> columns);
  void AddMissing(std::string key);
  void AddExtra(std::string key);
  void Merge(const DiffCounts& other);  // adds counts, keeps keys up to the cap
};

struct DifferingRange {
  std::string description;  // "id in [10, 20)"
  std::int64_t source_rows = 0;
  std::int64_t target_rows = 0;
  std::int64_t changed = 0, missing = 0, extra = 0;
};

struct TableVerifyResult {
  std::string table;  // the spec's name
  VerifyStatus status = VerifyStatus::kEqual;
  std::string method;  // how it was compared, in words
  std::int64_t source_rows = 0;
  std::int64_t target_rows = 0;
  DiffCounts diff;
  std::int64_t differing_ranges = 0;
  std::vector<DifferingRange> ranges;  // capped at diff.max_keys
  // Counts or checksums differ where no rows could be named (a table without a key).
  bool checksum_differs = false;
  std::vector<std::string> notes;
  std::string error;  // kFailed
  double seconds = 0;
  std::int64_t queries = 0;  // statements run on both servers

  // Sets status from diff and checksum_differs (kFailed stays).
  void Settle();
};

// The lines `etl verify` prints for one table (no trailing newline).
std::string FormatVerifyResult(const TableVerifyResult& result);

}  // namespace etl::plan
