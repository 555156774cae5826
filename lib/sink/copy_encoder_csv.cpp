// COPY csv format: comma-separated, NULL as an unquoted empty field, "" quoting.
#include <array>

#include "sink/copy_encoders.h"

namespace etl::sink::copy_internal {
namespace {

using types::ConvertStatus;

constexpr std::array<bool, 256> kNeedsQuotes = [] {
  std::array<bool, 256> t{};
  t[','] = true;
  t['"'] = true;
  t['\n'] = true;
  t['\r'] = true;
  return t;
}();

void AppendCsvField(std::string_view v, std::string& out) {
  // '' must differ from NULL (unquoted empty); \. at a line start could end the data.
  bool quote = v.empty() || (v.size() >= 2 && v[0] == '\\' && v[1] == '.');
  std::size_t quotes = 0;
  for (char ch : v) {
    if (kNeedsQuotes[static_cast<unsigned char>(ch)]) {
      quote = true;
      if (ch == '"') ++quotes;
    }
  }
  if (!quote) {
    out.append(v);
    return;
  }
  out.push_back('"');
  if (quotes == 0) {
    out.append(v);
  } else {
    std::size_t run = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] != '"') continue;
      out.append(v.data() + run, i + 1 - run);  // include the quote, then double it
      out.push_back('"');
      run = i + 1;
    }
    out.append(v.data() + run, v.size() - run);
  }
  out.push_back('"');
}

class CsvEncoder final : public CopyEncoder {
 public:
  explicit CsvEncoder(const std::vector<types::TargetColumn>& columns)
      : CopyEncoder(config::CopyFormat::kCsv, columns) {
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
        if (c > 0) out.push_back(',');
        if (batch.IsNull(r, c)) continue;  // NULL: nothing between the commas
        const types::Converted v = types::ConvertValue(cols[c], batch.Field(r, c), scratch_);
        if (v.status == ConvertStatus::kNull) continue;
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
            AppendCsvField(v.value, out);
            break;
          case TextShape::kHex:
            out.append("\\x", 2);
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

std::unique_ptr<CopyEncoder> MakeCsvEncoder(const std::vector<types::TargetColumn>& columns) {
  return std::make_unique<CsvEncoder>(columns);
}

}  // namespace etl::sink::copy_internal
