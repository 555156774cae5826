#include "plan/verify_result.h"

#include <fmt/format.h>

namespace etl::plan {
namespace {

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string Plural(std::int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "  changed (3): id=1 (amount), id=7 (amount, note), ... and 1 more"
std::string KeyLine(const char* what, std::int64_t count, const std::vector<std::string>& keys) {
  std::string line = fmt::format("\n  {} ({}): {}", what, count, Join(keys, ", "));
  if (count > static_cast<std::int64_t>(keys.size())) {
    line += fmt::format(", ... and {} more", count - static_cast<std::int64_t>(keys.size()));
  }
  return line;
}

}  // namespace

const char* ToString(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::kEqual:
      return "equal";
    case VerifyStatus::kDifferent:
      return "different";
    case VerifyStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

void DiffCounts::AddChanged(std::string key, std::vector<std::string> columns) {
  ++changed;
  if (changed_keys.size() < max_keys) changed_keys.push_back({std::move(key), std::move(columns)});
}
void DiffCounts::AddMissing(std::string key) {
  ++missing;
  if (missing_keys.size() < max_keys) missing_keys.push_back(std::move(key));
}
void DiffCounts::AddExtra(std::string key) {
  ++extra;
  if (extra_keys.size() < max_keys) extra_keys.push_back(std::move(key));
}

void DiffCounts::Merge(const DiffCounts& other) {
  changed += other.changed;
  missing += other.missing;
  extra += other.extra;
  pending += other.pending;
  for (const auto& c : other.changed_keys) {
    if (changed_keys.size() < max_keys) changed_keys.push_back(c);
  }
  for (const auto& k : other.missing_keys) {
    if (missing_keys.size() < max_keys) missing_keys.push_back(k);
  }
  for (const auto& k : other.extra_keys) {
    if (extra_keys.size() < max_keys) extra_keys.push_back(k);
  }
}

void TableVerifyResult::Settle() {
  if (status == VerifyStatus::kFailed) return;
  const bool differs = diff.total() > 0 || checksum_differs;
  status = differs ? VerifyStatus::kDifferent : VerifyStatus::kEqual;
}

std::string FormatVerifyResult(const TableVerifyResult& r) {
  if (r.status == VerifyStatus::kFailed) {
    return fmt::format("{}: FAILED: {}", r.table, r.error);
  }
  std::string out;
  if (r.status == VerifyStatus::kEqual) {
    out = fmt::format("{}: equal, {} ({}; {:.1f} s)", r.table, Plural(r.source_rows, "row", "rows"),
                      r.method, r.seconds);
  } else {
    out = fmt::format("{}: DIFFERENT: source {}, target {} ({}; {:.1f} s)", r.table,
                      Plural(r.source_rows, "row", "rows"), Plural(r.target_rows, "row", "rows"),
                      r.method, r.seconds);
  }
  for (const auto& note : r.notes)
    out += "\n  note: " + note;
  if (r.status == VerifyStatus::kEqual) return out;

  if (r.checksum_differs && r.diff.total() == 0) {
    out += r.source_rows != r.target_rows
               ? "\n  the row counts differ"
               : "\n  the row counts agree but the checksums differ: some rows hold other values";
  }
  if (r.differing_ranges > 0) {
    out += fmt::format("\n  {}:",
                       Plural(r.differing_ranges, "key range differs", "key ranges differ"));
    for (const auto& range : r.ranges) {
      std::vector<std::string> parts;
      if (range.changed) parts.push_back(fmt::format("{} changed", range.changed));
      if (range.missing) parts.push_back(fmt::format("{} missing in target", range.missing));
      if (range.extra) parts.push_back(fmt::format("{} extra in target", range.extra));
      out += fmt::format("\n    {}: source {}, target {}{}{}", range.description, range.source_rows,
                         range.target_rows, parts.empty() ? "" : ": ", Join(parts, ", "));
    }
    if (r.differing_ranges > static_cast<std::int64_t>(r.ranges.size())) {
      out += fmt::format("\n    ... and {} more",
                         r.differing_ranges - static_cast<std::int64_t>(r.ranges.size()));
    }
  }
  if (r.diff.changed > 0) {
    std::vector<std::string> keys;
    for (const auto& c : r.diff.changed_keys) {
      keys.push_back(c.columns.empty() ? c.key : c.key + " (" + Join(c.columns, ", ") + ")");
    }
    out += KeyLine("changed", r.diff.changed, keys);
  }
  if (r.diff.missing > 0) out += KeyLine("missing in target", r.diff.missing, r.diff.missing_keys);
  if (r.diff.extra > 0) out += KeyLine("extra in target", r.diff.extra, r.diff.extra_keys);
  return out;
}

}  // namespace etl::plan
