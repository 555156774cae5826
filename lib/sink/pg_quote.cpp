#include "sink/pg_quote.h"

#include <stdexcept>

namespace etl::sink {
namespace {

constexpr std::size_t kMaxIdentBytes = 63;  // NAMEDATALEN - 1

void RequireNoNul(std::string_view s, const char* what) {
  if (s.find('\0') != std::string_view::npos) {
    throw std::invalid_argument(std::string(what) + " contains a NUL byte");
  }
}

}  // namespace

std::string QuoteIdent(std::string_view name) {
  if (name.empty()) throw std::invalid_argument("empty SQL identifier");
  RequireNoNul(name, "SQL identifier");
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string QualifiedName(std::string_view schema, std::string_view table) {
  return QuoteIdent(schema) + "." + QuoteIdent(table);
}

std::string QuoteIdentList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += QuoteIdent(n);
  }
  return out;
}

std::string QuoteLiteral(std::string_view value) {
  RequireNoNul(value, "SQL literal");
  const bool has_backslash = value.find('\\') != std::string_view::npos;
  std::string out;
  out.reserve(value.size() + 3);
  if (has_backslash) out += 'E';
  out += '\'';
  for (char c : value) {
    if (c == '\'' || (has_backslash && c == '\\')) out += c;
    out += c;
  }
  out += '\'';
  return out;
}

std::string TextArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    RequireNoNul(items[i], "array element");
    if (i != 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string TruncateIdent(std::string_view name) {
  if (name.size() <= kMaxIdentBytes) return std::string(name);
  std::size_t len = kMaxIdentBytes;
  // Back up over UTF-8 continuation bytes so a multi-byte character is not split.
  while (len > 0 && (static_cast<unsigned char>(name[len]) & 0xC0) == 0x80)
    --len;
  return std::string(name.substr(0, len));
}

}  // namespace etl::sink
