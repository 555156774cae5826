#include "config/job_spec.h"

namespace etl::config {

const char* ToString(Strategy s) {
  switch (s) {
    case Strategy::kAuto:
      return "auto";
    case Strategy::kStandard:
      return "standard";
    case Strategy::kStreaming:
      return "streaming";
    case Strategy::kCopyCsv:
      return "copy_csv";
    case Strategy::kParallel:
      return "parallel";
  }
  return "?";
}

const char* ToString(ExtractionStrategy s) {
  switch (s) {
    case ExtractionStrategy::kFull:
      return "full";
    case ExtractionStrategy::kIncremental:
      return "incremental";
  }
  return "?";
}

const char* ToString(CopyFormat f) {
  switch (f) {
    case CopyFormat::kCsv:
      return "csv";
    case CopyFormat::kText:
      return "text";
    case CopyFormat::kBinary:
      return "binary";
  }
  return "?";
}

const char* ToString(Chunking c) {
  switch (c) {
    case Chunking::kAuto:
      return "auto";
    case Chunking::kRange:
      return "range";
    case Chunking::kKeyset:
      return "keyset";
    case Chunking::kNone:
      return "none";
  }
  return "?";
}

const char* ToString(OnBadRow o) {
  switch (o) {
    case OnBadRow::kFail:
      return "fail";
    case OnBadRow::kReject:
      return "reject";
  }
  return "?";
}

const char* ToString(IdentifierCase c) {
  switch (c) {
    case IdentifierCase::kPreserve:
      return "preserve";
    case IdentifierCase::kLower:
      return "lower";
  }
  return "?";
}

std::optional<Strategy> ParseStrategy(const std::string& s) {
  for (const Strategy v : {Strategy::kAuto, Strategy::kStandard, Strategy::kStreaming,
                           Strategy::kCopyCsv, Strategy::kParallel}) {
    if (s == ToString(v)) return v;
  }
  return std::nullopt;
}

std::optional<Chunking> ParseChunking(const std::string& s) {
  for (const Chunking v : {Chunking::kAuto, Chunking::kRange, Chunking::kKeyset, Chunking::kNone}) {
    if (s == ToString(v)) return v;
  }
  return std::nullopt;
}

const TableSpec* JobSpec::FindTable(const std::string& table_name) const {
  for (const TableSpec& t : tables) {
    if (t.name == table_name) return &t;
  }
  return nullptr;
}

std::optional<Lookback> ParseLookback(std::string_view text) {
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  std::int64_t n = 0;
  for (std::size_t i = 0; i < digits; ++i)
    n = n * 10 + (text[i] - '0');
  Lookback out;
  out.given = true;
  out.text = std::string(text);
  const std::string_view unit = text.substr(digits);
  if (unit.empty()) {
    out.count = n;
    return out;
  }
  std::int64_t scale = 0;
  if (unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (scale == 0) return std::nullopt;
  out.seconds = n * scale;
  return out;
}

}  // namespace etl::config
