#pragma once
// PostgreSQL's binary send/receive formats for the types the default mapping produces, as COPY
// BINARY expects them (all integers big-endian). Each Put* appends the value bytes only; the
// caller writes the int32 length before them.
//
//   int2/int4/int8  2/4/8 bytes two's complement
//   float4/float8   IEEE 754 bits as int32/int64
//   numeric         int16 ndigits, int16 weight, int16 sign (0x0000 +, 0x4000 -), int16 dscale,
//                   then ndigits int16 base-10000 digits; weight is the power of 10000 of the
//                   first digit; leading and trailing zero digits are dropped; zero has none
//   date            int32 days since 2000-01-01
//   timestamp(tz)   int64 microseconds since 2000-01-01 00:00:00 (UTC for timestamptz)
//   interval        int64 microseconds, int32 days, int32 months
//   varbit          int32 bit count, then the bits packed from the most significant bit
//   jsonb           version byte 1, then the JSON text
//   text[]          int32 ndim, int32 has-null flag, int32 element type OID (25), per dimension
//                   int32 length and int32 lower bound (1), per element int32 length + bytes;
//                   the empty array is ndim 0 with no dimensions

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace etl::sink::copy_binary {

inline void PutInt16(std::string& out, std::int16_t v) {
  const auto u = static_cast<std::uint16_t>(v);
  const char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u)};
  out.append(b, 2);
}
inline void PutInt32(std::string& out, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  const char b[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16),
                     static_cast<char>(u >> 8), static_cast<char>(u)};
  out.append(b, 4);
}
inline void PutInt64(std::string& out, std::int64_t v) {
  PutInt32(out, static_cast<std::int32_t>(static_cast<std::uint64_t>(v) >> 32));
  PutInt32(out, static_cast<std::int32_t>(static_cast<std::uint64_t>(v) & 0xffffffffu));
}
// The stream's frame: the 11-byte signature, int32 flags (0: no OIDs) and int32 header
// extension length (0) before the first row; int16 -1 after the last.
inline constexpr std::string_view kCopySignature{"PGCOPY\n\377\r\n\0", 11};
inline constexpr std::size_t kCopyHeaderSize = kCopySignature.size() + 8;
inline void PutCopyHeader(std::string& out) {
  out.append(kCopySignature);
  PutInt32(out, 0);
  PutInt32(out, 0);
}
inline void PutCopyTrailer(std::string& out) {
  PutInt16(out, -1);
}
// Overwrites 4 bytes at `pos` (a length written before its value was known).
inline void PatchInt32(std::string& out, std::size_t pos, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  out[pos] = static_cast<char>(u >> 24);
  out[pos + 1] = static_cast<char>(u >> 16);
  out[pos + 2] = static_cast<char>(u >> 8);
  out[pos + 3] = static_cast<char>(u);
}

// Decimal text "[-+]digits[.digits]" (at least one digit) -> numeric. false when malformed
// (nothing is appended then).
bool PutNumeric(std::string_view text, std::string& out);

// '0'/'1' digits -> varbit (bit count + packed bytes).
void PutBitVarying(std::string_view digits, std::string& out);

// MySQL's set text 'a,b' -> text[] {"a","b"}; '' -> the empty array.
void PutTextArrayFromSet(std::string_view set_text, std::string& out);

}  // namespace etl::sink::copy_binary
