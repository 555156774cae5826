#include "config/interpolation.h"

#include <cctype>

namespace etl::config {
namespace {

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool IsValidName(std::string_view name) {
  if (name.empty() || !IsNameStart(name.front())) return false;
  for (const char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

}  // namespace

Interpolated InterpolateEnv(std::string_view text, const EnvLookup& env) {
  Interpolated out;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$' || i + 1 >= text.size()) {
      out.value += c;
      ++i;
      continue;
    }
    if (text[i + 1] == '$') {
      out.value += '$';
      i += 2;
      continue;
    }
    if (text[i + 1] != '{') {
      out.value += c;
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out.errors.push_back("unterminated '${' (write '$$' for a literal '$')");
      return out;
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const std::size_t dash = inner.find(":-");
    const std::string_view name = inner.substr(0, dash);
    if (!IsValidName(name)) {
      out.errors.push_back(
          "'${" + std::string(name) +
          "}' is not a valid variable reference (use ${NAME} or ${NAME:-default})");
    } else {
      const std::optional<std::string> value = env ? env(std::string(name)) : std::nullopt;
      if (dash != std::string_view::npos) {
        out.value += (value && !value->empty()) ? *value : std::string(inner.substr(dash + 2));
      } else if (value) {
        out.value += *value;
      } else {
        out.errors.push_back("environment variable '" + std::string(name) +
                             "' is not set (set it, or give a default with ${" + std::string(name) +
                             ":-default})");
      }
    }
    i = close + 1;
  }
  return out;
}

}  // namespace etl::config
