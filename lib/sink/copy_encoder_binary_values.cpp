#include <algorithm>

#include "sink/copy_binary_values.h"

namespace etl::sink::copy_binary {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

constexpr std::int32_t kTextOid = 25;
constexpr std::int16_t kNumericPositive = 0x0000;
constexpr std::int16_t kNumericNegative = 0x4000;
constexpr std::size_t kMaxDscale = 0x3FFF;  // PostgreSQL's NUMERIC_DSCALE_MAX

}  // namespace

bool PutNumeric(std::string_view text, std::string& out) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  bool negative = false;
  if (i < n && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::size_t int_begin = i;
  while (i < n && IsDigit(text[i]))
    ++i;
  const std::size_t int_end = i;
  std::size_t frac_begin = i, frac_end = i;
  if (i < n && text[i] == '.') {
    frac_begin = ++i;
    while (i < n && IsDigit(text[i]))
      ++i;
    frac_end = i;
  }
  if (i != n || (int_end == int_begin && frac_end == frac_begin)) return false;
  const std::size_t dscale = frac_end - frac_begin;
  if (dscale > kMaxDscale) return false;

  while (int_begin < int_end && text[int_begin] == '0')
    ++int_begin;
  std::size_t frac_last = frac_end;
  while (frac_last > frac_begin && text[frac_last - 1] == '0')
    --frac_last;
  const std::size_t int_len = int_end - int_begin;
  const std::size_t frac_len = frac_last - frac_begin;

  const std::size_t header = out.size();
  PutInt16(out, 0);  // ndigits, weight: patched below
  PutInt16(out, 0);
  if (int_len == 0 && frac_len == 0) {  // zero (also "-0.00"): no digits, positive
    PutInt16(out, kNumericPositive);
    PutInt16(out, static_cast<std::int16_t>(dscale));
    return true;
  }
  PutInt16(out, negative ? kNumericNegative : kNumericPositive);
  PutInt16(out, static_cast<std::int16_t>(dscale));

  // The digits as one virtual string: zeros padding the integer part on the left to a multiple
  // of 4, the integer digits, the fraction digits, zeros padding to a multiple of 4.
  const std::size_t int_groups = (int_len + 3) / 4;
  const std::size_t lead_pad = int_groups * 4 - int_len;
  const std::size_t groups = int_groups + (frac_len + 3) / 4;
  auto digit_at = [&](std::size_t v) -> int {
    if (v < lead_pad) return 0;
    v -= lead_pad;
    if (v < int_len) return text[int_begin + v] - '0';
    v -= int_len;
    if (v < frac_len) return text[frac_begin + v] - '0';
    return 0;
  };
  long weight = static_cast<long>(int_groups) - 1;
  std::size_t ndigits = 0;
  std::size_t last_nonzero = 0;  // ndigits up to and including the last non-zero group
  bool leading = true;
  for (std::size_t g = 0; g < groups; ++g) {
    const int d = digit_at(g * 4) * 1000 + digit_at(g * 4 + 1) * 100 + digit_at(g * 4 + 2) * 10 +
                  digit_at(g * 4 + 3);
    if (leading && d == 0) {  // only in a pure fraction: 0.00001234
      --weight;
      continue;
    }
    leading = false;
    PutInt16(out, static_cast<std::int16_t>(d));
    ++ndigits;
    if (d != 0) last_nonzero = ndigits;
  }
  out.resize(out.size() - (ndigits - last_nonzero) * 2);  // trailing zero groups: 10000 -> [1]
  ndigits = last_nonzero;
  if (ndigits > 0x7fff || weight > 0x7fff || weight < -0x8000) {
    out.resize(header);
    return false;
  }
  out[header] = static_cast<char>(ndigits >> 8);
  out[header + 1] = static_cast<char>(ndigits);
  const auto w = static_cast<std::uint16_t>(static_cast<std::int16_t>(weight));
  out[header + 2] = static_cast<char>(w >> 8);
  out[header + 3] = static_cast<char>(w);
  return true;
}

void PutBitVarying(std::string_view digits, std::string& out) {
  PutInt32(out, static_cast<std::int32_t>(digits.size()));
  unsigned char byte = 0;
  std::size_t i = 0;
  for (; i < digits.size(); ++i) {
    byte = static_cast<unsigned char>(byte | ((digits[i] == '1') << (7 - i % 8)));
    if (i % 8 == 7) {
      out.push_back(static_cast<char>(byte));
      byte = 0;
    }
  }
  if (i % 8 != 0) out.push_back(static_cast<char>(byte));
}

void PutTextArrayFromSet(std::string_view set_text, std::string& out) {
  if (set_text.empty()) {
    PutInt32(out, 0);  // ndim
    PutInt32(out, 0);  // no NULLs
    PutInt32(out, kTextOid);
    return;
  }
  const auto members = 1 + std::count(set_text.begin(), set_text.end(), ',');
  PutInt32(out, 1);
  PutInt32(out, 0);
  PutInt32(out, kTextOid);
  PutInt32(out, static_cast<std::int32_t>(members));
  PutInt32(out, 1);  // lower bound
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = set_text.find(',', start);
    std::size_t stop = comma == std::string_view::npos ? set_text.size() : comma;
    PutInt32(out, static_cast<std::int32_t>(stop - start));
    out.append(set_text.data() + start, stop - start);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

}  // namespace etl::sink::copy_binary
