#pragma once
// A range of a single integer key, [lo, hi): the unit `etl verify` checksums on both sides
// (source/table_checksum.h, sink/table_checksum.h) and narrows (plan/verify_ranges.h), and the
// checksum each side reports for it.
// An absent bound is unbounded, so the first and last ranges also hold keys that lie outside
// the bounds measured when the ranges were planned. Both absent: the whole table.

#include <cstdint>
#include <optional>
#include <string>

namespace etl::types {

struct KeyRange {
  std::optional<std::int64_t> lo;  // inclusive
  std::optional<std::int64_t> hi;  // exclusive

  bool whole() const { return !lo && !hi; }
  friend bool operator==(const KeyRange&, const KeyRange&) = default;
};

// What each side reports for a range: its row count and the exact sum of its rows' 60-bit
// hashes as decimal digits (source/table_checksum.h says how rows are hashed).
struct RangeChecksum {
  std::int64_t rows = 0;
  std::string sum = "0";
  friend bool operator==(const RangeChecksum&, const RangeChecksum&) = default;
};

// "[10, 20)", "(-inf, 20)", "[10, +inf)", "(whole table)".
inline std::string Describe(const KeyRange& r) {
  if (r.whole()) return "(whole table)";
  return (r.lo ? "[" + std::to_string(*r.lo) : std::string("(-inf")) + ", " +
         (r.hi ? std::to_string(*r.hi) : std::string("+inf")) + ")";
}

}  // namespace etl::types
