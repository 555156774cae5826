#include "config/table_pattern.h"

#include <optional>
#include <utility>
#include <vector>

namespace etl::config {
namespace {

// The code points of UTF-8 text; a byte that does not start a valid sequence is one unit of
// its own (values 0x80..0xFF cannot collide with a decoded code point's meaning here, since
// both sides are decoded the same way).
std::vector<char32_t> Decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    }
    bool valid = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!valid) {
      out.push_back(0x110000 + b);  // outside Unicode: an undecodable byte stands for itself
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

struct Token {
  enum class Kind { kLiteral, kAnyOne, kAnyRun, kClass } kind = Kind::kLiteral;
  char32_t literal = 0;
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;  // class members, inclusive

  bool Accepts(char32_t c) const {
    switch (kind) {
      case Kind::kLiteral:
        return c == literal;
      case Kind::kAnyOne:
        return true;
      case Kind::kAnyRun:
        return false;
      case Kind::kClass:
        break;
    }
    bool member = false;
    for (const auto& [lo, hi] : ranges) {
      if (c >= lo && c <= hi) member = true;
    }
    return member != negated;
  }
};

// The tokens of `pattern`, or nullopt with `problem` set.
std::optional<std::vector<Token>> Compile(std::string_view pattern, std::string& problem) {
  if (pattern.empty()) {
    problem = "a pattern must not be empty";
    return std::nullopt;
  }
  const std::vector<char32_t> p = Decode(pattern);
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < p.size()) {
    Token t;
    const char32_t c = p[i];
    if (c == '*') {
      t.kind = Token::Kind::kAnyRun;
      ++i;
      if (!tokens.empty() && tokens.back().kind == Token::Kind::kAnyRun) continue;  // ** is *
    } else if (c == '?') {
      t.kind = Token::Kind::kAnyOne;
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= p.size()) {
        problem = "'\\' at the end escapes nothing (write '\\\\' for a literal backslash)";
        return std::nullopt;
      }
      t.literal = p[i + 1];
      i += 2;
    } else if (c == '[') {
      t.kind = Token::Kind::kClass;
      std::size_t j = i + 1;
      if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
        t.negated = true;
        ++j;
      }
      bool first = true;
      bool closed = false;
      while (j < p.size()) {
        char32_t lo = p[j];
        if (lo == ']' && !first) {
          closed = true;
          ++j;
          break;
        }
        first = false;
        if (lo == '\\' && j + 1 < p.size()) lo = p[++j];
        ++j;
        char32_t hi = lo;
        if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
          hi = p[j + 1];
          j += 2;
          if (hi == '\\' && j < p.size()) hi = p[j++];
          if (hi < lo) {
            problem = "a character range runs backwards (its first character sorts after its last)";
            return std::nullopt;
          }
        }
        t.ranges.emplace_back(lo, hi);
      }
      if (!closed) {
        problem = "'[' is not closed by ']' (write '\\[' for a literal bracket)";
        return std::nullopt;
      }
      i = j;
    } else {
      t.literal = c;
      ++i;
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

// Iterative glob matching with one backtrack point (the last `*`): O(pattern x name).
bool Match(const std::vector<Token>& tokens, const std::vector<char32_t>& name) {
  std::size_t t = 0;
  std::size_t n = 0;
  std::optional<std::size_t> star_t;
  std::size_t star_n = 0;
  while (n < name.size()) {
    if (t < tokens.size() && tokens[t].kind == Token::Kind::kAnyRun) {
      star_t = t++;
      star_n = n;
    } else if (t < tokens.size() && tokens[t].Accepts(name[n])) {
      ++t;
      ++n;
    } else if (star_t) {
      t = *star_t + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].kind == Token::Kind::kAnyRun)
    ++t;
  return t == tokens.size();
}

}  // namespace

std::string GlobProblem(std::string_view pattern) {
  std::string problem;
  Compile(pattern, problem);
  return problem;
}

bool GlobMatches(std::string_view pattern, std::string_view name) {
  std::string problem;
  const auto tokens = Compile(pattern, problem);
  return tokens && Match(*tokens, Decode(name));
}

}  // namespace etl::config
