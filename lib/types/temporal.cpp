#include "types/temporal.h"

namespace etl::types {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `n` digits at text[pos]; false when any is not a digit.
bool Digits(std::string_view text, std::size_t pos, std::size_t n, int& value) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  value = v;
  return true;
}

bool IsLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Parses '.f{1,6}' at text[pos] (or nothing at the end) into microseconds.
bool Fraction(std::string_view text, std::size_t pos, std::int64_t& micros) {
  micros = 0;
  if (pos == text.size()) return true;
  if (text[pos] != '.') return false;
  std::size_t digits = text.size() - pos - 1;
  if (digits == 0 || digits > 6) return false;
  std::int64_t v = 0;
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (!IsDigit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  for (std::size_t i = digits; i < 6; ++i)
    v *= 10;
  micros = v;
  return true;
}

}  // namespace

DateParse ParseCivilDate(std::string_view text, CivilDate& date) noexcept {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return DateParse::kInvalid;
  if (!Digits(text, 0, 4, date.year) || !Digits(text, 5, 2, date.month) ||
      !Digits(text, 8, 2, date.day)) {
    return DateParse::kInvalid;
  }
  if (date.year == 0 || date.month == 0 || date.day == 0) return DateParse::kZero;
  if (date.month > 12 || date.day > DaysInMonth(date.year, date.month)) return DateParse::kInvalid;
  return DateParse::kOk;
}

std::int64_t DaysFromCivil(int year, int month, int day) noexcept {
  // Howard Hinnant's days_from_civil, for the proleptic Gregorian calendar.
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

DateParse ParseTimestampMicros(std::string_view text, std::int64_t& micros) noexcept {
  CivilDate date;
  DateParse p = ParseCivilDate(text, date);
  if (p != DateParse::kOk) return p;
  int hh = 0, mm = 0, ss = 0;
  if (text.size() < 19 || (text[10] != ' ' && text[10] != 'T') || text[13] != ':' ||
      text[16] != ':' || !Digits(text, 11, 2, hh) || !Digits(text, 14, 2, mm) ||
      !Digits(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 59) {
    return DateParse::kInvalid;
  }
  std::int64_t frac = 0;
  if (!Fraction(text, 19, frac)) return DateParse::kInvalid;
  const std::int64_t seconds = PgDateDays(date) * 86400 + hh * 3600 + mm * 60 + ss;
  micros = seconds * 1000000 + frac;
  return DateParse::kOk;
}

std::optional<std::int64_t> ParseTimeMicros(std::string_view text) noexcept {
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && text[pos] == '-') {
    negative = true;
    ++pos;
  }
  std::int64_t hours = 0;
  std::size_t start = pos;
  while (pos < text.size() && IsDigit(text[pos]) && pos - start < 4) {
    hours = hours * 10 + (text[pos] - '0');
    ++pos;
  }
  int mm = 0, ss = 0;
  if (pos == start || pos >= text.size() || text[pos] != ':' || !Digits(text, pos + 1, 2, mm) ||
      pos + 3 >= text.size() || text[pos + 3] != ':' || !Digits(text, pos + 4, 2, ss) || mm > 59 ||
      ss > 59) {
    return std::nullopt;
  }
  std::int64_t frac = 0;
  if (!Fraction(text, pos + 6, frac)) return std::nullopt;
  std::int64_t micros = ((hours * 60 + mm) * 60 + ss) * 1000000 + frac;
  return negative ? -micros : micros;
}

}  // namespace etl::types
