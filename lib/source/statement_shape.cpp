#include "source/statement_shape.h"

#include <vector>

#include "config/disclosure.h"

namespace etl::source {
namespace {

bool IsWordChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u == '$' || u >= 0x80;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// One pass over a MySQL statement: the shape, and the contents of its string literals.
class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  void Run() {
    while (i_ < sql_.size()) {
      const char c = sql_[i_];
      const char next = i_ + 1 < sql_.size() ? sql_[i_ + 1] : '\0';
      if (c == '\'' || c == '"') {
        String(c);
      } else if (c == '`') {
        Backticked();
      } else if (c == '#' || (c == '-' && next == '-' && IsSpaceOrEnd(i_ + 2))) {
        SkipTo("\n");
      } else if (c == '/' && next == '*') {
        SkipTo("*/");
      } else if (IsDigit(c) || (c == '.' && IsDigit(next))) {
        Number();
      } else if (IsWordChar(c)) {
        while (i_ < sql_.size() && IsWordChar(sql_[i_]))
          shape_ += sql_[i_++];
      } else {
        shape_ += c;
        ++i_;
      }
    }
  }

  const std::string& shape() const { return shape_; }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  bool IsSpaceOrEnd(std::size_t at) const {
    return at >= sql_.size() || sql_[at] == ' ' || sql_[at] == '\t' || sql_[at] == '\n' ||
           sql_[at] == '\r';
  }

  void String(char quote) {
    std::string value;
    ++i_;
    while (i_ < sql_.size()) {
      const char c = sql_[i_];
      if (c == '\\' && i_ + 1 < sql_.size()) {
        value += sql_[i_ + 1];
        i_ += 2;
      } else if (c == quote && i_ + 1 < sql_.size() && sql_[i_ + 1] == quote) {
        value += quote;
        i_ += 2;
      } else if (c == quote) {
        ++i_;
        break;
      } else {
        value += c;
        ++i_;
      }
    }
    shape_ += '?';
    strings_.push_back(std::move(value));
  }

  void Backticked() {
    shape_ += sql_[i_++];
    while (i_ < sql_.size()) {
      const char c = sql_[i_++];
      shape_ += c;
      if (c != '`') continue;
      if (i_ < sql_.size() && sql_[i_] == '`') {
        shape_ += sql_[i_++];
        continue;
      }
      break;
    }
  }

  void SkipTo(std::string_view end) {
    const std::size_t at = sql_.find(end, i_ + 1);
    i_ = at == std::string_view::npos ? sql_.size() : at + end.size();
    shape_ += ' ';
  }

  void Number() {
    const std::size_t start = i_;
    while (i_ < sql_.size()) {
      const char c = sql_[i_];
      const char prev = sql_[i_ - 1];
      const bool exponent_sign = (c == '+' || c == '-') && i_ > start &&
                                 (prev == 'e' || prev == 'E') && sql_[start + 1] != 'x';
      if (!IsWordChar(c) && c != '.' && !exponent_sign) break;
      ++i_;
    }
    shape_ += '?';
  }

  std::string_view sql_;
  std::size_t i_ = 0;
  std::string shape_;
  std::vector<std::string> strings_;
};

void ReplaceAll(std::string& s, const std::string& needle, std::string_view with) {
  for (std::size_t pos = s.find(needle); pos != std::string::npos;
       pos = s.find(needle, pos + with.size())) {
    s.replace(pos, needle.size(), with);
  }
}

// Every '...' segment of a server message becomes '?'.
std::string MaskQuoted(std::string_view message) {
  std::string out;
  bool inside = false;
  for (const char c : message) {
    if (c == '\'') {
      out += c;
      if (!inside) out += '?';
      inside = !inside;
    } else if (!inside) {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string StatementShape(std::string_view sql) {
  Lexer lexer(sql);
  lexer.Run();
  return lexer.shape();
}

std::string StatementForLog(std::string_view sql) {
  return config::ShowValues() ? std::string(sql) : StatementShape(sql);
}

std::string MaskServerMessage(std::string_view message, std::string_view statement,
                              std::string_view sqlstate) {
  std::string out(message);
  if (config::ShowValues()) return out;
  // A syntax error quotes the statement from where parsing stopped: show that part's shape.
  constexpr std::string_view kNear = "near '";
  if (const auto at = out.find(kNear); at != std::string::npos) {
    const std::size_t begin = at + kNear.size();
    std::size_t end = out.rfind("' at line ");
    if (end == std::string::npos || end < begin) end = out.rfind('\'');
    if (end != std::string::npos && end >= begin) {
      out.replace(begin, end - begin,
                  StatementShape(std::string_view(out).substr(begin, end - begin)));
    }
  }
  Lexer lexer(statement);
  lexer.Run();
  for (const auto& s : lexer.strings()) {
    if (!s.empty()) ReplaceAll(out, "'" + s + "'", "'?'");
  }
  if (sqlstate.starts_with("22")) out = MaskQuoted(out);
  return out;
}

}  // namespace etl::source
