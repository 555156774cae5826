#include "types/value_converter.h"

#include <cstdint>

#include "types/json_check.h"
#include "types/temporal.h"
#include "types/text_check.h"

namespace etl::types {
namespace {

constexpr const char* kHexDigits = "0123456789abcdef";

Converted Ok(std::string_view v) {
  return Converted{ConvertStatus::kOk, v, ""};
}
Converted Null() {
  return Converted{ConvertStatus::kNull, {}, ""};
}
Converted Bad(const char* reason) {
  return Converted{ConvertStatus::kBad, {}, reason};
}

Converted Text(std::string_view raw) {
  if (const char* problem = TextProblem(raw)) return Bad(problem);
  return Ok(raw);
}

Converted SetArray(std::string_view raw, std::string& scratch) {
  if (raw.empty()) return Ok("{}");
  if (const char* problem = TextProblem(raw)) return Bad(problem);
  scratch.clear();
  scratch.push_back('{');
  scratch.push_back('"');
  for (char c : raw) {
    if (c == ',') {
      scratch.append("\",\"");
    } else {
      if (c == '"' || c == '\\') scratch.push_back('\\');
      scratch.push_back(c);
    }
  }
  scratch.push_back('"');
  scratch.push_back('}');
  return Ok(scratch);
}

Converted BoolFromInt(std::string_view raw) {
  std::size_t i = (!raw.empty() && raw[0] == '-') ? 1 : 0;
  if (i == raw.size()) return Bad("invalid integer for a boolean column");
  bool zero = true;
  for (; i < raw.size(); ++i) {
    if (raw[i] < '0' || raw[i] > '9') return Bad("invalid integer for a boolean column");
    if (raw[i] != '0') zero = false;
  }
  return Ok(zero ? "f" : "t");
}

Converted BoolFromBit(std::string_view raw) {
  if (raw.empty()) return Bad("empty bit value");
  if (raw == "0") return Ok("f");  // a driver that sent the digit rather than the byte
  for (char c : raw) {
    if (c != '\0') return Ok("t");
  }
  return Ok("f");
}

// Bits of the big-endian integer in `raw`, most significant first, `width` digits.
Converted BitDigits(std::string_view raw, std::int64_t width, std::string& scratch) {
  const std::size_t total = raw.size() * 8;
  const std::size_t n = width > 0 ? static_cast<std::size_t>(width) : total;
  // Bits above the column's width must be zero, or digits would be lost.
  for (std::size_t k = n; k < total; ++k) {
    const unsigned char byte = static_cast<unsigned char>(raw[raw.size() - 1 - k / 8]);
    if ((byte >> (k % 8)) & 1) return Bad("bit value wider than its column");
  }
  scratch.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = n - 1 - i;  // bit index from the least significant end
    char digit = '0';
    if (k < total) {
      const unsigned char byte = static_cast<unsigned char>(raw[raw.size() - 1 - k / 8]);
      digit = ((byte >> (k % 8)) & 1) ? '1' : '0';
    }
    scratch[i] = digit;
  }
  return Ok(scratch);
}

Converted Date(std::string_view raw) {
  CivilDate d;
  switch (ParseCivilDate(raw, d)) {
    case DateParse::kZero:
      return Null();
    case DateParse::kInvalid:
      return Bad("invalid date");
    case DateParse::kOk:
      break;
  }
  if (raw.size() != 10) return Bad("invalid date");
  return Ok(raw);
}

Converted Timestamp(std::string_view raw, bool utc, std::string& scratch) {
  std::int64_t micros = 0;
  switch (ParseTimestampMicros(raw, micros)) {
    case DateParse::kZero:
      return Null();
    case DateParse::kInvalid:
      return Bad("invalid datetime");
    case DateParse::kOk:
      break;
  }
  if (!utc) return Ok(raw);
  scratch.assign(raw);
  scratch.append("+00");
  return Ok(scratch);
}

Converted Interval(std::string_view raw) {
  if (!ParseTimeMicros(raw)) return Bad("invalid time");
  return Ok(raw);
}

Converted Geometry(std::string_view raw) {
  if (raw.size() < 4) return Bad("geometry value shorter than its 4-byte SRID prefix");
  return Ok(raw.substr(4));
}

Converted Json(std::string_view raw, std::string& scratch) {
  if (const char* problem = TextProblem(raw)) return Bad(problem);
  if (const char* problem = JsonProblem(raw, scratch)) return Bad(problem);
  return Ok(raw);
}

Converted Convert(ValueKind kind, std::int64_t bit_width, std::string_view raw,
                  std::string& scratch) {
  switch (kind) {
    case ValueKind::kText:
    case ValueKind::kEnumText:
    case ValueKind::kCast:
      return Text(raw);
    case ValueKind::kSetArray:
      return SetArray(raw, scratch);
    case ValueKind::kBoolFromInt:
      return BoolFromInt(raw);
    case ValueKind::kBoolFromBit:
      return BoolFromBit(raw);
    case ValueKind::kInt16:
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kNumeric:
    case ValueKind::kFloat4:
    case ValueKind::kFloat8:
    case ValueKind::kYear:
    case ValueKind::kBytea:
      return Ok(raw);
    case ValueKind::kDate:
      return Date(raw);
    case ValueKind::kTimestamp:
      return Timestamp(raw, /*utc=*/false, scratch);
    case ValueKind::kTimestampTz:
      return Timestamp(raw, /*utc=*/true, scratch);
    case ValueKind::kInterval:
      return Interval(raw);
    case ValueKind::kBitVarying:
      return BitDigits(raw, bit_width, scratch);
    case ValueKind::kJsonb:
      return Json(raw, scratch);
    case ValueKind::kGeometry:
      return Geometry(raw);
  }
  return Bad("unknown value kind");
}

Converted HexBytea(std::string_view bytes, std::string& scratch) {
  scratch.resize(2 + bytes.size() * 2);
  scratch[0] = '\\';
  scratch[1] = 'x';
  char* p = scratch.data() + 2;
  for (unsigned char c : bytes) {
    *p++ = kHexDigits[c >> 4];
    *p++ = kHexDigits[c & 15];
  }
  return Ok(scratch);
}

}  // namespace

Converted ConvertValue(ValueKind kind, std::string_view raw, std::string& scratch) {
  return Convert(kind, 0, raw, scratch);
}

Converted ConvertValue(const TargetColumn& column, std::string_view raw, std::string& scratch) {
  const std::int64_t bits = column.source.numeric_precision.value_or(0);
  if (column.kind != ValueKind::kCast) return Convert(column.kind, bits, raw, scratch);
  switch (column.source_kind) {
    case ValueKind::kCast:
      return Text(raw);
    case ValueKind::kBytea:
      return HexBytea(raw, scratch);
    case ValueKind::kGeometry: {
      Converted wkb = Geometry(raw);
      return wkb.status == ConvertStatus::kOk ? HexBytea(wkb.value, scratch) : wkb;
    }
    case ValueKind::kJsonb:
      return Json(raw, scratch);
    default:
      return Convert(column.source_kind, bits, raw, scratch);
  }
}

}  // namespace etl::types
