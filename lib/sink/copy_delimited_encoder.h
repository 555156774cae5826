#pragma once
// Internal to sink/: the row loop that the text and csv COPY encoders share.
//
// A Dialect supplies what differs between the two formats, as static members so the compiler
// inlines them into the loop (no per-field virtual call):
//   static constexpr char kDelimiter;                       // between fields
//   static void AppendNull(std::string& out);               // a NULL field
//   static void AppendText(std::string_view v, std::string& out);  // escaped/quoted text
//   static constexpr std::string_view kHexPrefix;           // before bytea hex digits
// A row with a bad value is cut back out of `out` and reported in `bad`.

#include <string>
#include <string_view>
#include <vector>

#include "sink/copy_encoders.h"

namespace etl::sink::copy_internal {

template <typename Dialect>
class DelimitedEncoder final : public CopyEncoder {
 public:
  DelimitedEncoder(config::CopyFormat format, const std::vector<types::TargetColumn>& columns)
      : CopyEncoder(format, columns) {
    for (const auto& c : this->columns())
      shapes_.push_back(ShapeOf(c.kind));
  }

  void BeginStream(std::string&) override {}
  void EndStream(std::string&) override {}

  std::size_t EncodeRows(const types::RowBatch& batch, std::size_t begin, std::size_t end,
                         std::string& out, std::vector<BadValue>& bad) override {
    const auto& cols = columns();
    const std::size_t ncols = cols.size();
    std::size_t written = 0;
    for (std::size_t r = begin; r < end; ++r) {
      const std::size_t row_start = out.size();
      bool ok = true;
      for (std::size_t c = 0; c < ncols; ++c) {
        if (c > 0) out.push_back(Dialect::kDelimiter);
        const bool null = batch.IsNull(r, c);
        const types::Converted v =
            null ? types::Converted{types::ConvertStatus::kNull, {}, kNullInNotNull}
                 : types::ConvertValue(cols[c], batch.Field(r, c), scratch_);
        if (v.status == types::ConvertStatus::kNull) {
          if (!cols[c].nullable) {
            RecordBad(bad, r, c, cols[c], null ? kNullInNotNull : kZeroDateInNotNull);
            ok = false;
            break;
          }
          Dialect::AppendNull(out);
          continue;
        }
        if (v.status == types::ConvertStatus::kBad) {
          RecordBad(bad, r, c, cols[c], v.reason);
          ok = false;
          break;
        }
        switch (shapes_[c]) {
          case TextShape::kPlain:
            out.append(v.value);
            break;
          case TextShape::kEscape:
            Dialect::AppendText(v.value, out);
            break;
          case TextShape::kHex:
            out.append(Dialect::kHexPrefix);
            AppendHex(v.value, out);
            break;
        }
      }
      if (!ok) {
        out.resize(row_start);
        continue;
      }
      out.push_back('\n');
      ++written;
    }
    return written;
  }

 private:
  std::vector<TextShape> shapes_;
  std::string scratch_;
};

}  // namespace etl::sink::copy_internal
