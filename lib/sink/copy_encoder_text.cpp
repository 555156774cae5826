// COPY text format: tab-separated, \N for NULL, backslash escapes.
#include <array>

#include "sink/copy_delimited_encoder.h"

namespace etl::sink::copy_internal {
namespace {

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

struct TextDialect {
  static constexpr char kDelimiter = '\t';
  static constexpr std::string_view kHexPrefix = "\\\\x";  // \\x: the backslash itself escaped
  static void AppendNull(std::string& out) { out.append("\\N", 2); }
  static void AppendText(std::string_view v, std::string& out) { AppendEscaped(v, out); }
};

}  // namespace

std::unique_ptr<CopyEncoder> MakeTextEncoder(const std::vector<types::TargetColumn>& columns) {
  return std::make_unique<DelimitedEncoder<TextDialect>>(config::CopyFormat::kText, columns);
}

}  // namespace etl::sink::copy_internal
