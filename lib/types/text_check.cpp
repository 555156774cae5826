#include "types/text_check.h"

#include <cstring>

#include <simdjson.h>

namespace etl::types {

const char* TextProblem(std::string_view bytes) noexcept {
  if (bytes.empty()) return nullptr;
  if (std::memchr(bytes.data(), '\0', bytes.size()) != nullptr) return kNulByteReason;
  // ASCII is common and simdjson's validator is vectorised either way.
  if (!simdjson::validate_utf8(bytes.data(), bytes.size())) return kInvalidUtf8Reason;
  return nullptr;
}

void AppendHex(std::string_view bytes, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.resize(start + bytes.size() * 2);
  char* p = out.data() + start;
  for (unsigned char c : bytes) {
    *p++ = kDigits[c >> 4];
    *p++ = kDigits[c & 15];
  }
}

}  // namespace etl::types
