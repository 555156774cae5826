#pragma once
// Globs over source table names (`tables_match.include` / `exclude`).
//
//   *       any run of characters, also none
//   ?       exactly one character
//   [abc]   one of the listed characters; ranges [a-z]; [!abc] or [^abc] negates; a `]` right
//           after `[` (or after `[!`) is a literal member
//   \x      the character x itself (to match a literal *, ?, [ or \)
//   other   itself, compared exactly: matching is case-sensitive, as MySQL table names are on
//           Linux
// Characters are UTF-8 code points, so `?` matches `é` (bytes that are not valid UTF-8 count
// one each). A pattern is matched against the whole name (`ord*` does not match `old_orders`).
// Pure functions; no locale is consulted.

#include <string>
#include <string_view>

namespace etl::config {

// Why `pattern` is not a valid glob ("" when it is): empty, an unclosed `[`, a range whose
// ends are reversed (`[z-a]`), or a `\` with nothing after it.
std::string GlobProblem(std::string_view pattern);

// Whether `name` matches `pattern`. An invalid pattern matches nothing.
bool GlobMatches(std::string_view pattern, std::string_view name);

}  // namespace etl::config
