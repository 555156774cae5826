#include "sink/statement_shape.h"

#include "config/disclosure.h"

namespace etl::sink {
namespace {

bool IsIdentChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u >= 0x80;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Index just past the quoted literal that starts at `open` (a quote character); `backslash`:
// E'...' escapes. Doubled quotes stand for one. An unterminated literal runs to the end.
std::size_t PastQuoted(std::string_view s, std::size_t open, bool backslash) {
  const char quote = s[open];
  std::size_t i = open + 1;
  while (i < s.size()) {
    if (backslash && s[i] == '\\') {
      i += 2;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  return s.size();
}

// $tag$ at `i` (tag empty or an identifier not starting with a digit): its length, else 0.
std::size_t DollarTagLength(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  if (j < s.size() && IsDigit(s[j])) return 0;  // $1: a parameter
  while (j < s.size() && IsIdentChar(s[j]))
    ++j;
  return j < s.size() && s[j] == '$' ? j + 1 - i : 0;
}

std::size_t PastComment(std::string_view s, std::size_t i) {
  if (s[i] == '-') {
    const auto eol = s.find('\n', i);
    return eol == std::string_view::npos ? s.size() : eol + 1;
  }
  int depth = 0;  // /* */ nests in PostgreSQL
  while (i < s.size()) {
    if (s.compare(i, 2, "/*") == 0) {
      ++depth;
      i += 2;
    } else if (s.compare(i, 2, "*/") == 0) {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return s.size();
}

std::string MaskDoubleQuoted(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '"') {
      out += '?';
      i = PastQuoted(text, i, false);
    } else {
      out += text[i++];
    }
  }
  return out;
}

// "at or near "X"": X is a token of the statement, possibly a literal.
void ShapeNearToken(std::string& text) {
  constexpr std::string_view kNear = "at or near \"";
  const auto at = text.find(kNear);
  if (at == std::string::npos) return;
  const std::size_t begin = at + kNear.size();
  const auto end = text.rfind('"');
  if (end == std::string::npos || end < begin) return;
  text.replace(begin, end - begin,
               StatementShape(std::string_view(text).substr(begin, end - begin)));
}

std::string MaskContextLine(std::string_view line) {
  if (line.starts_with("COPY ") || line.starts_with("JSON data")) {
    const auto colon = line.find(": ");
    return std::string(line.substr(0, colon));
  }
  constexpr std::string_view kStatement = "SQL statement \"";
  if (const auto at = line.find(kStatement); at != std::string_view::npos) {
    const std::size_t begin = at + kStatement.size();
    const auto end = line.rfind('"');
    if (end != std::string_view::npos && end >= begin) {
      return std::string(line.substr(0, begin)) + StatementShape(line.substr(begin, end - begin)) +
             std::string(line.substr(end));
    }
  }
  if (const auto eq = line.find(" = '");
      eq != std::string_view::npos && line.find("parameter $") != std::string_view::npos) {
    return std::string(line.substr(0, eq)) + " = ?";
  }
  return std::string(line);
}

}  // namespace

std::string StatementShape(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '\'') {
      out += '?';
      i = PastQuoted(sql, i, false);
    } else if (c == '"') {
      const std::size_t end = PastQuoted(sql, i, false);
      out.append(sql.substr(i, end - i));
      i = end;
    } else if ((c == '-' && next == '-') || (c == '/' && next == '*')) {
      out += ' ';
      i = PastComment(sql, i);
    } else if (c == '$' && DollarTagLength(sql, i) > 0) {
      const std::size_t tag = DollarTagLength(sql, i);
      const auto close = sql.find(sql.substr(i, tag), i + tag);
      out += '?';
      i = close == std::string_view::npos ? sql.size() : close + tag;
    } else if (IsDigit(c) || (c == '.' && IsDigit(next))) {
      const std::size_t start = i;
      while (i < sql.size() && (IsIdentChar(sql[i]) || sql[i] == '.' ||
                                ((sql[i] == '+' || sql[i] == '-') && i > start &&
                                 (sql[i - 1] == 'e' || sql[i - 1] == 'E')))) {
        ++i;
      }
      out += '?';
    } else if (IsIdentChar(c) || c == '$') {
      const std::size_t start = i;
      ++i;
      while (i < sql.size() && IsIdentChar(sql[i]))
        ++i;
      const std::string_view word = sql.substr(start, i - start);
      // E'..', B'..', X'..', N'..' and U&'..' are literals with a prefix.
      const bool prefix =
          word.size() == 1 && std::string_view("eEbBxXnN").find(word[0]) != std::string_view::npos;
      if (prefix && i < sql.size() && sql[i] == '\'') {
        out += '?';
        i = PastQuoted(sql, i, word[0] == 'e' || word[0] == 'E');
      } else if ((word == "U" || word == "u") && sql.compare(i, 2, "&'") == 0) {
        out += '?';
        i = PastQuoted(sql, i + 1, false);
      } else {
        out.append(word);
      }
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string StatementForLog(std::string_view sql) {
  return config::ShowValues() ? std::string(sql) : StatementShape(sql);
}

void MaskErrorFields(ErrorFields& f, std::string_view sqlstate) {
  if (config::ShowValues()) return;
  ShapeNearToken(f.primary);
  if (f.detail.starts_with("Failing row contains")) {
    f.detail = "Failing row contains (values not shown)";
  } else if (const auto eq = f.detail.find(")=(");
             f.detail.starts_with("Key (") && eq != std::string::npos) {
    auto close = f.detail.rfind(") ");
    if (close == std::string::npos || close < eq + 2) close = f.detail.rfind(')');
    if (close != std::string::npos && close >= eq + 2) {
      f.detail = f.detail.substr(0, eq + 3) + "?" + f.detail.substr(close);
    }
  }
  if (sqlstate.starts_with("22")) {
    if (const auto colon = f.primary.find(": "); colon != std::string::npos) {
      f.primary = f.primary.substr(0, colon) + ": ?";
    } else {
      f.primary = MaskDoubleQuoted(f.primary);
    }
    f.detail = MaskDoubleQuoted(f.detail);
  }
  std::string context;
  std::size_t start = 0;
  while (start < f.context.size()) {
    auto eol = f.context.find('\n', start);
    if (eol == std::string::npos) eol = f.context.size();
    if (!context.empty()) context += '\n';
    context += MaskContextLine(std::string_view(f.context).substr(start, eol - start));
    start = eol + 1;
  }
  f.context = context;
}

}  // namespace etl::sink
