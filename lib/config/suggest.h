#pragma once
// "Did you mean ...?" for misspelt keys and enumeration values.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::config {

// Levenshtein distance (insertions, deletions, substitutions; case-sensitive).
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, when it is close enough to be a plausible typo: at most one
// edit for short words, up to a third of the word's length for longer ones, and never the word
// itself. Ties go to the earlier candidate.
std::optional<std::string> SuggestClosest(std::string_view word,
                                          const std::vector<std::string_view>& candidates);

}  // namespace etl::config
