#pragma once
// Checks that a JSON document can be stored as PostgreSQL jsonb.
//
// The fast path is simdjson's DOM parser (thread_local, so concurrent table loads are safe).
// Two things simdjson and jsonb disagree on are handled by a strict grammar check of our own:
//   - numbers simdjson cannot represent (1e400, 30-digit integers) are valid JSON and jsonb
//     stores them as numeric, so they are accepted;
//   - the escape \u0000 is valid JSON but jsonb rejects it, so it is refused.
//
// JsonProblem returns nullptr for an acceptable document, otherwise a static reason starting
// "invalid JSON: ". `scratch` is reused as simdjson's padded input buffer.
// REQUIRES: `text` has already passed TextProblem (valid UTF-8, no NUL).

#include <string>
#include <string_view>

namespace etl::types {

const char* JsonProblem(std::string_view text, std::string& scratch);

// The strict grammar check alone (RFC 8259, numbers of any size, no \u0000, paired
// surrogates), exposed for tests.
const char* JsonGrammarProblem(std::string_view text);

}  // namespace etl::types
