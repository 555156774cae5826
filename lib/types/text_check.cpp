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

}  // namespace etl::types
