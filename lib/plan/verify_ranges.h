#pragma once
// How `etl verify` splits a single integer key into ranges and narrows the ones that differ.
//
// The table's key span (the smaller MIN and the larger MAX of both sides) is cut into ranges of
// equal width, about `rows_per_range` source rows each; the first range is open below and the
// last open above, so a key outside the measured span is still in some range. Both servers
// checksum every range. A range whose count and checksum agree is equal. One that differs is
// compared row by row when neither side has more than `leaf_rows` rows in it (or it is one key
// wide), else it is split into `split_parts` ranges -- of equal source row counts when the
// source has rows there (split points from the key's index, so a skewed or sparse key narrows
// as fast as a dense one), else of equal width -- and those are checksummed in turn. So one changed
// row in a 2M-row table costs the first pass, a few small checksums, and one row comparison of at
// most `leaf_rows` rows; the work grows with the differences, not with the table. Pure functions.

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "types/key_range.h"

namespace etl::plan {

struct RangeSettings {
  std::int64_t rows_per_range = 50000;
  std::int64_t max_ranges = 4096;
  std::int64_t leaf_rows = 5000;
  int split_parts = 16;
};

using KeyBounds = std::optional<std::pair<std::int64_t, std::int64_t>>;

// The span covering both sides' bounds; nullopt when both sides are empty.
KeyBounds CombinedBounds(const KeyBounds& source, const KeyBounds& target);

// Ranges covering every key: about rows / rows_per_range of them (at least 1, at most
// max_ranges), equal width over `span`, outer ones unbounded. An empty span gives the single
// unbounded range.
std::vector<types::KeyRange> InitialRanges(const KeyBounds& span, std::int64_t rows,
                                           const RangeSettings& settings);

enum class RangeVerdict : unsigned char { kEqual, kSplit, kCompareRows };

// What to do with a range given both sides' checksums. `span` bounds unbounded ends.
RangeVerdict Judge(const types::KeyRange& range, const KeyBounds& span,
                   const types::RangeChecksum& source, const types::RangeChecksum& target,
                   const RangeSettings& settings);

// `range` cut at `points` (ascending keys inside it; others are ignored), its unbounded ends kept.
std::vector<types::KeyRange> SplitAt(const types::KeyRange& range,
                                     const std::vector<std::int64_t>& points);

// Whether a differing range is better cut by the source's row counts (SplitAt with its split
// points) than by width: when the source holds enough rows in it to cut.
bool SplitByRows(const types::RangeChecksum& source, const RangeSettings& settings);

// `range` cut into up to `parts` ranges of equal width (fewer when it is narrower), with its
// unbounded ends kept unbounded; a range that cannot be cut comes back alone.
std::vector<types::KeyRange> SplitRange(const types::KeyRange& range, const KeyBounds& span,
                                        int parts);

}  // namespace etl::plan
