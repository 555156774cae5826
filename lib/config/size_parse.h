#pragma once
// Byte sizes written the way PostgreSQL writes them: "256MB", "1GB", "512kB", "1048576".
//
// Units are powers of 1024: B, kB, MB, GB, TB (also accepted: KB, K, M, G, T and any letter
// case, with optional blanks between number and unit). A bare integer is a number of bytes.
// Fractions are not accepted. Returns std::nullopt for anything else, including a value that
// does not fit in 63 bits; the caller decides which values are in range.

#include <cstdint>
#include <optional>
#include <string_view>

namespace etl::config {

std::optional<std::int64_t> ParseByteSize(std::string_view text);

}  // namespace etl::config
