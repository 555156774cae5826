#include "plan/chunk_request.h"

#include <fmt/format.h>

namespace etl::plan {

std::string ToString(const ChunkRequest& request) {
  switch (request.kind) {
    case ChunkRequest::Kind::kRange:
      return fmt::format("range [{}, {})", request.lo, request.hi);
    case ChunkRequest::Kind::kKeyset: {
      std::string text = "keyset";
      if (request.after) text += fmt::format(" after {}", *request.after);
      if (request.upto) text += fmt::format(" upto {}", *request.upto);
      return text + fmt::format(" limit {}", request.limit);
    }
    case ChunkRequest::Kind::kStream:
      return "stream";
  }
  return "unknown";
}

}  // namespace etl::plan
