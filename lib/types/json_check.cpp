#include "types/json_check.h"

#include <array>
#include <cstring>

#include <simdjson.h>

namespace etl::types {
namespace {

constexpr const char* kUnicodeNul =
    "invalid JSON: \\u0000 in a string, which PostgreSQL jsonb cannot hold";

// "invalid JSON: <simdjson's message>", built once per error code.
const char* SimdjsonReason(simdjson::error_code code) {
  static const auto kReasons = [] {
    std::array<std::string, simdjson::NUM_ERROR_CODES> reasons;
    for (int i = 0; i < simdjson::NUM_ERROR_CODES; ++i) {
      reasons[i] = std::string("invalid JSON: ") +
                   simdjson::error_message(static_cast<simdjson::error_code>(i));
    }
    return reasons;
  }();
  int i = static_cast<int>(code);
  if (i < 0 || i >= simdjson::NUM_ERROR_CODES) return "invalid JSON";
  return kReasons[i].c_str();
}

// Recursive-descent validator; used only when simdjson cannot decide for jsonb.
class Grammar {
 public:
  explicit Grammar(std::string_view t) : t_(t) {}

  const char* Check() {
    Space();
    if (!Value(0)) return problem_;
    Space();
    if (p_ != t_.size()) return "invalid JSON: trailing content after the document";
    return nullptr;
  }

 private:
  static constexpr int kMaxDepth = 1024;

  bool Fail(const char* why) {
    problem_ = why;
    return false;
  }
  bool More() const { return p_ < t_.size(); }
  char Peek() const { return t_[p_]; }
  void Space() {
    while (More() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r'))
      ++p_;
  }
  bool Literal(std::string_view word) {
    if (t_.substr(p_, word.size()) != word) return Fail("invalid JSON: unknown literal");
    p_ += word.size();
    return true;
  }
  static bool Digit(char c) { return c >= '0' && c <= '9'; }

  bool Value(int depth) {
    if (!More()) return Fail("invalid JSON: unexpected end of document");
    switch (Peek()) {
      case '{':
        return Object(depth + 1);
      case '[':
        return Array(depth + 1);
      case '"':
        return String();
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  bool Object(int depth) {
    if (depth > kMaxDepth) return Fail("invalid JSON: nested too deeply");
    ++p_;  // {
    Space();
    if (More() && Peek() == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      Space();
      if (!More() || Peek() != '"') return Fail("invalid JSON: expected a string key");
      if (!String()) return false;
      Space();
      if (!More() || Peek() != ':') return Fail("invalid JSON: expected ':' after a key");
      ++p_;
      Space();
      if (!Value(depth)) return false;
      Space();
      if (!More()) return Fail("invalid JSON: unterminated object");
      if (Peek() == ',') {
        ++p_;
        continue;
      }
      if (Peek() == '}') {
        ++p_;
        return true;
      }
      return Fail("invalid JSON: expected ',' or '}' in an object");
    }
  }

  bool Array(int depth) {
    if (depth > kMaxDepth) return Fail("invalid JSON: nested too deeply");
    ++p_;  // [
    Space();
    if (More() && Peek() == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      Space();
      if (!Value(depth)) return false;
      Space();
      if (!More()) return Fail("invalid JSON: unterminated array");
      if (Peek() == ',') {
        ++p_;
        continue;
      }
      if (Peek() == ']') {
        ++p_;
        return true;
      }
      return Fail("invalid JSON: expected ',' or ']' in an array");
    }
  }

  bool Hex4(unsigned& v) {
    if (p_ + 4 > t_.size()) return Fail("invalid JSON: short \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = t_[p_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        return Fail("invalid JSON: bad \\u escape");
      }
    }
    return true;
  }

  bool String() {
    ++p_;  // "
    while (More()) {
      unsigned char c = static_cast<unsigned char>(t_[p_++]);
      if (c == '"') return true;
      if (c < 0x20) return Fail("invalid JSON: control character in a string");
      if (c != '\\') continue;
      if (!More()) break;
      char e = t_[p_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          break;
        case 'u': {
          unsigned v = 0;
          if (!Hex4(v)) return false;
          if (v == 0) return Fail(kUnicodeNul);
          if (v >= 0xDC00 && v <= 0xDFFF) return Fail("invalid JSON: unpaired low surrogate");
          if (v >= 0xD800 && v <= 0xDBFF) {
            unsigned low = 0;
            if (p_ + 2 > t_.size() || t_[p_] != '\\' || t_[p_ + 1] != 'u') {
              return Fail("invalid JSON: unpaired high surrogate");
            }
            p_ += 2;
            if (!Hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return Fail("invalid JSON: unpaired high surrogate");
          }
          break;
        }
        default:
          return Fail("invalid JSON: bad escape in a string");
      }
    }
    return Fail("invalid JSON: unterminated string");
  }

  bool Number() {
    std::size_t start = p_;
    if (More() && Peek() == '-') ++p_;
    if (!More() || !Digit(Peek())) return Fail("invalid JSON: unexpected character");
    if (Peek() == '0') {
      ++p_;
    } else {
      while (More() && Digit(Peek()))
        ++p_;
    }
    if (More() && Peek() == '.') {
      ++p_;
      if (!More() || !Digit(Peek())) return Fail("invalid JSON: bad number");
      while (More() && Digit(Peek()))
        ++p_;
    }
    if (More() && (Peek() == 'e' || Peek() == 'E')) {
      ++p_;
      if (More() && (Peek() == '+' || Peek() == '-')) ++p_;
      if (!More() || !Digit(Peek())) return Fail("invalid JSON: bad number");
      while (More() && Digit(Peek()))
        ++p_;
    }
    return p_ > start;
  }

  std::string_view t_;
  std::size_t p_ = 0;
  const char* problem_ = "invalid JSON";
};

bool MayHoldUnicodeNul(std::string_view text) {
  return text.find("u0000") != std::string_view::npos;
}

}  // namespace

const char* JsonGrammarProblem(std::string_view text) {
  return Grammar(text).Check();
}

const char* JsonProblem(std::string_view text, std::string& scratch) {
  thread_local simdjson::dom::parser parser;
  scratch.assign(text);
  scratch.resize(text.size() + simdjson::SIMDJSON_PADDING);  // keeps capacity across calls
  auto result = parser.parse(scratch.data(), text.size(), /*realloc_if_needed=*/false);
  simdjson::error_code error = result.error();
  if (error == simdjson::SUCCESS) {
    return MayHoldUnicodeNul(text) ? JsonGrammarProblem(text) : nullptr;
  }
  if (error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE) {
    // Possibly a number too large for simdjson but fine for jsonb's numeric: decide strictly.
    return JsonGrammarProblem(text);
  }
  return SimdjsonReason(error);
}

}  // namespace etl::types
