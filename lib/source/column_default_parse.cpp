#include "source/column_default_parse.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace etl::source {
namespace {

using types::ColumnDefault;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsNumberText(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  bool digit = false;
  bool dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digit) {
      std::size_t j = i + 1;
      if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
      if (j == s.size()) return false;
      for (; j < s.size(); ++j) {
        if (!std::isdigit(static_cast<unsigned char>(s[j]))) return false;
      }
      return true;
    } else {
      return false;
    }
  }
  return digit;
}

// "current_timestamp", "current_timestamp()", "CURRENT_TIMESTAMP(3)", "now()": the function
// names MySQL and MariaDB use for the current time. Sets `precision` when one is given.
bool IsCurrentTimestamp(std::string_view text, std::optional<int>& precision) {
  const std::string t = Lower(text);
  for (const char* name : {"current_timestamp", "now", "localtimestamp", "localtime"}) {
    const std::string n = name;
    if (t.rfind(n, 0) != 0) continue;
    std::string_view rest = std::string_view(t).substr(n.size());
    precision.reset();
    if (rest.empty()) return true;
    if (rest.front() != '(' || rest.back() != ')') continue;
    rest = rest.substr(1, rest.size() - 2);
    if (rest.empty()) return true;
    int p = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), p);
    if (ec != std::errc() || end != rest.data() + rest.size()) continue;
    precision = p;
    return true;
  }
  return false;
}

bool IsCurrentDate(std::string_view text) {
  const std::string t = Lower(text);
  return t == "curdate()" || t == "current_date" || t == "current_date()";
}

bool IsBitType(const types::SourceColumn& c) {
  return c.data_type == "bit";
}

bool IsBinaryType(const types::SourceColumn& c) {
  return c.data_type == "binary" || c.data_type == "varbinary" || c.data_type == "tinyblob" ||
         c.data_type == "blob" || c.data_type == "mediumblob" || c.data_type == "longblob";
}

bool IsTemporalType(const types::SourceColumn& c) {
  return c.data_type == "datetime" || c.data_type == "timestamp" || c.data_type == "date";
}

// b'0101' -> ceil(n/8) big-endian bytes for bit(n); nullopt when not such a literal.
std::optional<std::string> BitLiteral(std::string_view text, const types::SourceColumn& c) {
  if (text.size() < 3 || (text[0] != 'b' && text[0] != 'B') || text[1] != '\'' ||
      text.back() != '\'') {
    return std::nullopt;
  }
  const std::string_view digits = text.substr(2, text.size() - 3);
  const std::int64_t width = std::clamp<std::int64_t>(c.numeric_precision.value_or(1), 1, 64);
  const std::size_t bytes = static_cast<std::size_t>((width + 7) / 8);
  std::uint64_t value = 0;
  for (char d : digits) {
    if (d != '0' && d != '1') return std::nullopt;
    value = (value << 1) | static_cast<std::uint64_t>(d - '0');
  }
  std::string out(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) {
    out[bytes - 1 - i] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
  return out;
}

// 0x6162 -> "ab"; nullopt when not a hex literal.
std::optional<std::string> HexLiteral(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
  const std::string_view hex = text.substr(2);
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// binary(n) values are padded with NUL bytes to n; a default is stored (and read) the same way.
std::string PadBinary(std::string value, const types::SourceColumn& c) {
  if (c.data_type == "binary" && c.char_max_length &&
      value.size() < static_cast<std::size_t>(*c.char_max_length)) {
    value.resize(static_cast<std::size_t>(*c.char_max_length), '\0');
  }
  return value;
}

ColumnDefault Literal(std::string value) {
  ColumnDefault d;
  d.kind = ColumnDefault::Kind::kLiteral;
  d.value = std::move(value);
  return d;
}

ColumnDefault Expression(std::string_view text) {
  ColumnDefault d;
  if (IsCurrentTimestamp(text, d.precision)) {
    d.kind = ColumnDefault::Kind::kCurrentTimestamp;
  } else if (IsCurrentDate(text)) {
    d.kind = ColumnDefault::Kind::kCurrentDate;
  } else {
    d.kind = ColumnDefault::Kind::kExpression;
    d.value = std::string(text);
  }
  return d;
}

ColumnDefault ParseMariaDb(const std::string& text, const types::SourceColumn& c) {
  if (text == "NULL") return {};
  if (!text.empty() && text.front() == '\'') {
    std::size_t pos = 0;
    std::string value = UnquoteMySqlLiteral(text, pos);
    if (pos != text.size()) return Expression(text);  // e.g. 'a' || 'b'
    return Literal(IsBinaryType(c) ? PadBinary(std::move(value), c) : std::move(value));
  }
  if (IsBitType(c)) {
    if (auto bits = BitLiteral(text, c)) return Literal(std::move(*bits));
  }
  if (IsNumberText(text)) return Literal(text);
  return Expression(text);
}

ColumnDefault ParseMySql(const std::string& text, std::string_view extra,
                         const types::SourceColumn& c) {
  const std::string lower_extra = Lower(extra);
  if (lower_extra.find("default_generated") != std::string::npos) return Expression(text);
  // MySQL 5.7 writes CURRENT_TIMESTAMP bare, without DEFAULT_GENERATED.
  std::optional<int> ignored;
  if (IsTemporalType(c) && IsCurrentTimestamp(text, ignored)) return Expression(text);
  if (IsBitType(c)) {
    if (auto bits = BitLiteral(text, c)) return Literal(std::move(*bits));
  }
  if (IsBinaryType(c)) {
    if (auto bytes = HexLiteral(text)) return Literal(PadBinary(std::move(*bytes), c));
    return Literal(PadBinary(text, c));
  }
  return Literal(text);
}

}  // namespace

DefaultSpelling SpellingOf(std::string_view server_version) {
  if (server_version.find("MariaDB") == std::string_view::npos) return DefaultSpelling::kMySqlBare;
  int parts[3] = {0, 0, 0};
  const char* p = server_version.data();
  const char* end = p + server_version.size();
  for (int i = 0; i < 3 && p < end; ++i) {
    const auto [next, ec] = std::from_chars(p, end, parts[i]);
    if (ec != std::errc()) break;
    p = next;
    if (p < end && *p == '.') ++p;
  }
  const bool quoted = parts[0] > 10 || (parts[0] == 10 && parts[1] > 2) ||
                      (parts[0] == 10 && parts[1] == 2 && parts[2] >= 7);
  return quoted ? DefaultSpelling::kMariaDbQuoted : DefaultSpelling::kMySqlBare;
}

bool ExtraHasAutoIncrement(std::string_view extra) {
  return Lower(extra).find("auto_increment") != std::string::npos;
}

bool ExtraHasOnUpdate(std::string_view extra) {
  return Lower(extra).find("on update") != std::string::npos;
}

std::string UnquoteMySqlLiteral(std::string_view t, std::size_t& i) {
  std::string out;
  ++i;  // the opening quote
  while (i < t.size()) {
    const char c = t[i];
    if (c == '\'' && i + 1 < t.size() && t[i + 1] == '\'') {
      out.push_back('\'');
      i += 2;
    } else if (c == '\'') {
      ++i;
      break;
    } else if (c == '\\' && i + 1 < t.size()) {
      const char n = t[i + 1];
      switch (n) {
        case '0':
          out.push_back('\0');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'Z':
          out.push_back('\x1a');
          break;
        case 'b':
          out.push_back('\b');
          break;
        default:
          out.push_back(n);
      }
      i += 2;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

types::ColumnDefault ParseColumnDefault(const std::optional<std::string>& column_default,
                                        std::string_view extra, const types::SourceColumn& column,
                                        DefaultSpelling spelling) {
  if (!column_default || ExtraHasAutoIncrement(extra)) return {};
  return spelling == DefaultSpelling::kMariaDbQuoted ? ParseMariaDb(*column_default, column)
                                                     : ParseMySql(*column_default, extra, column);
}

}  // namespace etl::source
