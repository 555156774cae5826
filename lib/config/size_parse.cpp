#include "config/size_parse.h"

#include <cctype>
#include <charconv>
#include <limits>
#include <string>

namespace etl::config {
namespace {

std::string Lower(std::string_view s) {
  std::string out;
  for (const char c : s)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::int64_t> UnitMultiplier(std::string_view unit) {
  const std::string u = Lower(unit);
  if (u.empty() || u == "b") return 1;
  if (u == "kb" || u == "k") return std::int64_t{1} << 10;
  if (u == "mb" || u == "m") return std::int64_t{1} << 20;
  if (u == "gb" || u == "g") return std::int64_t{1} << 30;
  if (u == "tb" || u == "t") return std::int64_t{1} << 40;
  return std::nullopt;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::int64_t> ParseByteSize(std::string_view text) {
  text = TrimBlanks(text);
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  if (digits == 0) return std::nullopt;
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
  const auto multiplier = UnitMultiplier(TrimBlanks(text.substr(digits)));
  if (!multiplier) return std::nullopt;
  if (number > std::numeric_limits<std::int64_t>::max() / *multiplier) return std::nullopt;
  return number * *multiplier;
}

}  // namespace etl::config
