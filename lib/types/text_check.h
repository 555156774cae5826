#pragma once
// Checks that bytes can travel as PostgreSQL text (server encoding UTF8): valid UTF-8 and no
// NUL byte. Used for every text-like value (text, varchar, enum, set members, json, casts).
//
// TextProblem returns nullptr when the bytes are acceptable, otherwise a static reason that
// names the problem (it is copied into bad-row reports verbatim). Bytes that cannot travel as
// text are shown as hex (AppendHex): bytea literals, a binary watermark, the plan line.

#include <string>
#include <string_view>

namespace etl::types {

inline constexpr const char* kNulByteReason =
    "text contains a NUL byte (0x00), which PostgreSQL text cannot hold";
inline constexpr const char* kInvalidUtf8Reason = "invalid UTF-8";

const char* TextProblem(std::string_view bytes) noexcept;

// Appends the lower-case hex digits of `bytes` (two per byte) to `out`.
void AppendHex(std::string_view bytes, std::string& out);

}  // namespace etl::types
