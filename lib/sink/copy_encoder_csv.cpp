// COPY csv format: comma-separated, NULL as an unquoted empty field, "" quoting.
#include <array>

#include "sink/copy_delimited_encoder.h"

namespace etl::sink::copy_internal {
namespace {

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

struct CsvDialect {
  static constexpr char kDelimiter = ',';
  static constexpr std::string_view kHexPrefix = "\\x";
  static void AppendNull(std::string&) {}  // NULL: nothing between the delimiters
  static void AppendText(std::string_view v, std::string& out) { AppendCsvField(v, out); }
};

}  // namespace

std::unique_ptr<CopyEncoder> MakeCsvEncoder(const std::vector<types::TargetColumn>& columns) {
  return std::make_unique<DelimitedEncoder<CsvDialect>>(config::CopyFormat::kCsv, columns);
}

}  // namespace etl::sink::copy_internal
