#pragma once
// Internal to sink/: the concrete CopyEncoders behind CopyEncoder::Create(), and the per-field
// helpers they share. Not for use outside copy_encoder*.cpp.

#include <memory>
#include <string>
#include <vector>

#include "sink/copy_encoder.h"
#include "types/text_check.h"
#include "types/value_converter.h"

namespace etl::sink::copy_internal {

std::unique_ptr<CopyEncoder> MakeTextEncoder(const std::vector<types::TargetColumn>& columns);
std::unique_ptr<CopyEncoder> MakeCsvEncoder(const std::vector<types::TargetColumn>& columns);
std::unique_ptr<CopyEncoder> MakeBinaryEncoder(const std::vector<types::TargetColumn>& columns,
                                               TextChecks checks);

// How text and csv write a converted value.
enum class TextShape : unsigned char {
  kPlain,   // digits, dates, t/f ...: never contains a character that needs escaping
  kEscape,  // arbitrary text: escape/quote as the format requires
  kHex,     // raw bytes: written as bytea hex
};

inline TextShape ShapeOf(types::ValueKind kind) {
  using types::ValueKind;
  switch (kind) {
    case ValueKind::kText:
    case ValueKind::kEnumText:
    case ValueKind::kSetArray:
    case ValueKind::kJsonb:
    case ValueKind::kCast:
      return TextShape::kEscape;
    case ValueKind::kBytea:
    case ValueKind::kGeometry:
      return TextShape::kHex;
    default:
      return TextShape::kPlain;
  }
}

using types::AppendHex;  // types/text_check.h

// Records a bad value (the reason is copied: bad rows are rare).
inline void RecordBad(std::vector<BadValue>& bad, std::size_t row, std::size_t column,
                      const types::TargetColumn& column_spec, const char* reason) {
  bad.push_back(BadValue{row, column, column_spec.name, reason});
}

}  // namespace etl::sink::copy_internal
