#include "plan/verify_ranges.h"

#include <algorithm>

namespace etl::plan {
namespace {

__extension__ using Wide = __int128;  // key spans of int64 bounds overflow int64

// The finite [lo, hi) a range covers within `span` (unbounded ends replaced by the span's).
std::pair<Wide, Wide> Effective(const types::KeyRange& r, const KeyBounds& span) {
  const Wide lo = r.lo ? Wide(*r.lo) : (span ? Wide(span->first) : Wide(0));
  const Wide hi = r.hi ? Wide(*r.hi) : (span ? Wide(span->second) + 1 : Wide(0));
  return {lo, hi};
}

}  // namespace

KeyBounds CombinedBounds(const KeyBounds& source, const KeyBounds& target) {
  if (!source) return target;
  if (!target) return source;
  return std::pair{std::min(source->first, target->first),
                   std::max(source->second, target->second)};
}

std::vector<types::KeyRange> SplitRange(const types::KeyRange& range, const KeyBounds& span,
                                        int parts) {
  const auto [lo, hi] = Effective(range, span);
  const Wide width = hi - lo;
  if (parts < 2 || width < 2) return {range};
  const Wide n = std::min<Wide>(parts, width);
  std::vector<types::KeyRange> out;
  out.reserve(static_cast<std::size_t>(n));
  for (Wide i = 0; i < n; ++i) {
    types::KeyRange part;
    part.lo = i == 0 ? range.lo : std::optional(static_cast<std::int64_t>(lo + width * i / n));
    part.hi =
        i + 1 == n ? range.hi : std::optional(static_cast<std::int64_t>(lo + width * (i + 1) / n));
    out.push_back(part);
  }
  return out;
}

std::vector<types::KeyRange> SplitAt(const types::KeyRange& range,
                                     const std::vector<std::int64_t>& points) {
  std::vector<types::KeyRange> out;
  types::KeyRange current{range.lo, std::nullopt};
  for (std::int64_t p : points) {
    if (current.lo && p <= *current.lo) continue;
    if (range.hi && p >= *range.hi) break;
    current.hi = p;
    out.push_back(current);
    current.lo = p;
  }
  current.hi = range.hi;
  out.push_back(current);
  return out;
}

bool SplitByRows(const types::RangeChecksum& source, const RangeSettings& settings) {
  return source.rows >= 2 * static_cast<std::int64_t>(std::max(settings.split_parts, 2));
}

std::vector<types::KeyRange> InitialRanges(const KeyBounds& span, std::int64_t rows,
                                           const RangeSettings& settings) {
  if (!span) return {types::KeyRange{}};
  const std::int64_t per = std::max<std::int64_t>(settings.rows_per_range, 1);
  const std::int64_t n =
      std::clamp<std::int64_t>((std::max<std::int64_t>(rows, 0) + per - 1) / per, 1,
                               std::max<std::int64_t>(settings.max_ranges, 1));
  return SplitRange(types::KeyRange{}, span, static_cast<int>(n));
}

RangeVerdict Judge(const types::KeyRange& range, const KeyBounds& span,
                   const types::RangeChecksum& source, const types::RangeChecksum& target,
                   const RangeSettings& settings) {
  if (source == target) return RangeVerdict::kEqual;
  if (std::max(source.rows, target.rows) <= settings.leaf_rows) return RangeVerdict::kCompareRows;
  const auto [lo, hi] = Effective(range, span);
  return hi - lo >= 2 && settings.split_parts >= 2 ? RangeVerdict::kSplit
                                                   : RangeVerdict::kCompareRows;
}

}  // namespace etl::plan
