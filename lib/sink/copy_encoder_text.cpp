// COPY text format: tab-separated, \N for NULL, backslash escapes.
#include <array>

#include "sink/copy_encoders.h"

namespace etl::sink::copy_internal {
namespace {

using types::ConvertStatus;

// The letter after the backslash for bytes that must be escaped; 0 for the rest.
constexpr std::array<char, 256> kEscapes = [] {
  std::array<char, 256> t{};
  t['\\'] = '\\';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  return t;
}();

void AppendEscaped(std::string_view v, std::string& out) {
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char e = kEscapes[static_cast<unsigned char>(v[i])];
    if (e == 0) continue;
    out.append(v.data() + run, i - run);
    out.push_back('\\');
    out.push_back(e);
    run = i + 1;
  }
  out.append(v.data() + run, v.size() - run);
}

class TextEncoder final : public CopyEncoder {
 public:
  explicit TextEncoder(const std::vector<types::TargetColumn>& columns)
      : CopyEncoder(config::CopyFormat::kText, columns) {
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
        if (c > 0) out.push_back('\t');
        if (batch.IsNull(r, c)) {
          out.append("\\N", 2);
          continue;
        }
        const types::Converted v = types::ConvertValue(cols[c], batch.Field(r, c), scratch_);
        if (v.status == ConvertStatus::kNull) {
          out.append("\\N", 2);
          continue;
        }
        if (v.status == ConvertStatus::kBad) {
          RecordBad(bad, r, c, cols[c], v.reason);
          ok = false;
          break;
        }
        switch (shapes_[c]) {
          case TextShape::kPlain:
            out.append(v.value);
            break;
          case TextShape::kEscape:
            AppendEscaped(v.value, out);
            break;
          case TextShape::kHex:
            out.append("\\\\x", 3);
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

}  // namespace

std::unique_ptr<CopyEncoder> MakeTextEncoder(const std::vector<types::TargetColumn>& columns) {
  return std::make_unique<TextEncoder>(columns);
}

}  // namespace etl::sink::copy_internal
