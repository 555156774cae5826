#pragma once
// Parsing MySQL's text forms of DATE, DATETIME/TIMESTAMP and TIME, and PostgreSQL's epoch
// arithmetic (PostgreSQL counts from 2000-01-01 00:00:00 UTC in its binary formats).
//
// MySQL forms (text protocol):
//   date      'YYYY-MM-DD'
//   datetime  'YYYY-MM-DD hh:mm:ss[.f{1,6}]'       (timestamp the same, read in UTC)
//   time      '[-]h{1,3}:mm:ss[.f{1,6}]'           (-838:59:59 .. 838:59:59)
// A "zero" date is one whose year, month or day is 0 ('0000-00-00', '2024-00-10'): MySQL
// accepts those, PostgreSQL has no such dates, so they become NULL.

#include <cstdint>
#include <optional>
#include <string_view>

namespace etl::types {

struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;
};

enum class DateParse : unsigned char { kOk, kZero, kInvalid };

// Parses the leading 'YYYY-MM-DD' of `text` (a date or the date part of a datetime).
// kZero when year, month or day is 0; kInvalid for malformed text or a day the month does
// not have (MySQL's ALLOW_INVALID_DATES lets '2024-02-30' in).
DateParse ParseCivilDate(std::string_view text, CivilDate& date) noexcept;

// Days since 1970-01-01 of a proleptic Gregorian date (negative before).
std::int64_t DaysFromCivil(int year, int month, int day) noexcept;

// Days between 2000-01-01 and the date (PostgreSQL's binary `date`).
inline std::int64_t PgDateDays(const CivilDate& d) noexcept {
  return DaysFromCivil(d.year, d.month, d.day) - 10957;  // 10957 = days 1970-01-01..2000-01-01
}

// A whole 'YYYY-MM-DD hh:mm:ss[.ffffff]' value -> microseconds since 2000-01-01 00:00:00.
// kZero / kInvalid as for dates; times must be 00:00:00..23:59:59.
DateParse ParseTimestampMicros(std::string_view text, std::int64_t& micros) noexcept;

// A MySQL TIME '[-]h..h:mm:ss[.ffffff]' -> signed microseconds. nullopt when malformed.
std::optional<std::int64_t> ParseTimeMicros(std::string_view text) noexcept;

}  // namespace etl::types
