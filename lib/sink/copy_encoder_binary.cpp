// COPY binary format: typed values in PostgreSQL's receive formats (copy_binary_values.h).
#include <bit>
#include <charconv>
#include <limits>

#include "sink/copy_binary_values.h"
#include "sink/copy_encoders.h"
#include "types/temporal.h"

namespace etl::sink::copy_internal {
namespace {

using namespace copy_binary;
using types::ConvertStatus;
using types::ValueKind;

enum class FieldResult : unsigned char { kOk, kNull, kBad };

template <typename Int>
bool ParseInt(std::string_view text, Int& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

template <typename Float>
bool ParseFloat(std::string_view text, Float& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

class BinaryEncoder final : public CopyEncoder {
 public:
  BinaryEncoder(const std::vector<types::TargetColumn>& columns, TextChecks checks)
      : CopyEncoder(config::CopyFormat::kBinary, columns),
        trust_text_(checks == TextChecks::kTrustText) {}

  void BeginStream(std::string& out) override { PutCopyHeader(out); }
  void EndStream(std::string& out) override { PutCopyTrailer(out); }

  std::size_t EncodeRows(const types::RowBatch& batch, std::size_t begin, std::size_t end,
                         std::string& out, std::vector<BadValue>& bad) override {
    const auto& cols = columns();
    const std::size_t ncols = cols.size();
    std::size_t written = 0;
    for (std::size_t r = begin; r < end; ++r) {
      const std::size_t row_start = out.size();
      PutInt16(out, static_cast<std::int16_t>(ncols));
      bool ok = true;
      for (std::size_t c = 0; c < ncols; ++c) {
        if (batch.IsNull(r, c)) {
          if (!cols[c].nullable) {
            RecordBad(bad, r, c, cols[c], kNullInNotNull);
            ok = false;
            break;
          }
          PutInt32(out, -1);
          continue;
        }
        const std::size_t length_at = out.size();
        PutInt32(out, 0);
        const char* reason = "";
        switch (EncodeField(cols[c], batch.Field(r, c), out, reason)) {
          case FieldResult::kOk:
            PatchInt32(out, length_at, static_cast<std::int32_t>(out.size() - length_at - 4));
            break;
          case FieldResult::kNull:
            out.resize(length_at);
            if (!cols[c].nullable) {
              RecordBad(bad, r, c, cols[c], kZeroDateInNotNull);
              ok = false;
              break;
            }
            PutInt32(out, -1);
            break;
          case FieldResult::kBad:
            RecordBad(bad, r, c, cols[c], reason);
            ok = false;
            break;
        }
        if (!ok) break;
      }
      if (!ok) {
        out.resize(row_start);
        continue;
      }
      ++written;
    }
    return written;
  }

 private:
  template <typename Int>
  static FieldResult PutIntegerAs(std::string_view raw, std::string& out, const char*& reason) {
    std::int64_t v = 0;
    if (!ParseInt(raw, v) || v < std::numeric_limits<Int>::min() ||
        v > std::numeric_limits<Int>::max()) {
      reason = sizeof(Int) == 2   ? "integer out of range for smallint"
               : sizeof(Int) == 4 ? "integer out of range for integer"
                                  : "integer out of range for bigint";
      return FieldResult::kBad;
    }
    if constexpr (sizeof(Int) == 2) PutInt16(out, static_cast<std::int16_t>(v));
    if constexpr (sizeof(Int) == 4) PutInt32(out, static_cast<std::int32_t>(v));
    if constexpr (sizeof(Int) == 8) PutInt64(out, v);
    return FieldResult::kOk;
  }

  // Values the converter validates or normalises (text kinds, bools, bits, geometry).
  FieldResult ViaConverter(const types::TargetColumn& col, std::string_view raw,
                           std::string_view& value, const char*& reason) {
    const types::Converted v = types::ConvertValue(col, raw, scratch_);
    if (v.status == ConvertStatus::kNull) return FieldResult::kNull;
    if (v.status == ConvertStatus::kBad) {
      reason = v.reason;
      return FieldResult::kBad;
    }
    value = v.value;
    return FieldResult::kOk;
  }

  FieldResult EncodeField(const types::TargetColumn& col, std::string_view raw, std::string& out,
                          const char*& reason) {
    std::string_view value;
    switch (col.kind) {
      case ValueKind::kText:
      case ValueKind::kEnumText:
        if (trust_text_) {  // the converter would only check them: text is passed as it is
          out.append(raw);
          return FieldResult::kOk;
        }
        [[fallthrough]];
      case ValueKind::kGeometry:
      case ValueKind::kCast: {  // kCast never reaches here: Create() falls back to csv
        const FieldResult r = ViaConverter(col, raw, value, reason);
        if (r == FieldResult::kOk) out.append(value);
        return r;
      }
      case ValueKind::kJsonb: {
        value = raw;
        const FieldResult r =
            trust_text_ ? FieldResult::kOk : ViaConverter(col, raw, value, reason);
        if (r != FieldResult::kOk) return r;
        out.push_back('\1');  // jsonb binary format version
        out.append(value);
        return r;
      }
      case ValueKind::kSetArray: {
        const FieldResult r = ViaConverter(col, raw, value, reason);  // validates the text
        if (r == FieldResult::kOk) PutTextArrayFromSet(raw, out);
        return r;
      }
      case ValueKind::kBoolFromInt:
      case ValueKind::kBoolFromBit: {
        const FieldResult r = ViaConverter(col, raw, value, reason);
        if (r == FieldResult::kOk) out.push_back(value == "t" ? '\1' : '\0');
        return r;
      }
      case ValueKind::kBitVarying: {
        const FieldResult r = ViaConverter(col, raw, value, reason);
        if (r == FieldResult::kOk) PutBitVarying(value, out);
        return r;
      }
      case ValueKind::kBytea:
        out.append(raw);
        return FieldResult::kOk;
      case ValueKind::kInt16:
      case ValueKind::kYear:
        return PutIntegerAs<std::int16_t>(raw, out, reason);
      case ValueKind::kInt32:
        return PutIntegerAs<std::int32_t>(raw, out, reason);
      case ValueKind::kInt64:
        return PutIntegerAs<std::int64_t>(raw, out, reason);
      case ValueKind::kNumeric:
        if (PutNumeric(raw, out)) return FieldResult::kOk;
        reason = "invalid numeric";
        return FieldResult::kBad;
      case ValueKind::kFloat4: {
        float f = 0;
        if (!ParseFloat(raw, f)) {
          reason = "invalid or out of range value for real";
          return FieldResult::kBad;
        }
        PutInt32(out, std::bit_cast<std::int32_t>(f));
        return FieldResult::kOk;
      }
      case ValueKind::kFloat8: {
        double d = 0;
        if (!ParseFloat(raw, d)) {
          reason = "invalid or out of range value for double precision";
          return FieldResult::kBad;
        }
        PutInt64(out, std::bit_cast<std::int64_t>(d));
        return FieldResult::kOk;
      }
      case ValueKind::kDate: {
        types::CivilDate d;
        switch (types::ParseCivilDate(raw, d)) {
          case types::DateParse::kZero:
            return FieldResult::kNull;
          case types::DateParse::kInvalid:
            reason = "invalid date";
            return FieldResult::kBad;
          case types::DateParse::kOk:
            break;
        }
        if (raw.size() != 10) {
          reason = "invalid date";
          return FieldResult::kBad;
        }
        PutInt32(out, static_cast<std::int32_t>(types::PgDateDays(d)));
        return FieldResult::kOk;
      }
      case ValueKind::kTimestamp:
      case ValueKind::kTimestampTz: {
        std::int64_t micros = 0;
        switch (types::ParseTimestampMicros(raw, micros)) {
          case types::DateParse::kZero:
            return FieldResult::kNull;
          case types::DateParse::kInvalid:
            reason = "invalid datetime";
            return FieldResult::kBad;
          case types::DateParse::kOk:
            break;
        }
        PutInt64(out, micros);
        return FieldResult::kOk;
      }
      case ValueKind::kInterval: {
        const auto micros = types::ParseTimeMicros(raw);
        if (!micros) {
          reason = "invalid time";
          return FieldResult::kBad;
        }
        PutInt64(out, *micros);
        PutInt32(out, 0);  // days
        PutInt32(out, 0);  // months
        return FieldResult::kOk;
      }
    }
    reason = "unknown value kind";
    return FieldResult::kBad;
  }

  bool trust_text_;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<CopyEncoder> MakeBinaryEncoder(const std::vector<types::TargetColumn>& columns,
                                               TextChecks checks) {
  return std::make_unique<BinaryEncoder>(columns, checks);
}

}  // namespace etl::sink::copy_internal
