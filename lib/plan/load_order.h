#pragma once
// The order in which a run starts its tables.
//
// With one table at a time (`pipeline.parallel_tables` 1) tables start as listed. With several
// at once the largest start first (ties keep the listed order): the longest load then runs
// alongside the short ones instead of starting last and finishing alone, which is what
// decides how long the whole run takes. The run report keeps the listed order either way.
// Pure.

#include <cstddef>
#include <vector>

namespace etl::plan {

// Indexes into `size_mb` (one size per table, in listed order), in start order.
std::vector<std::size_t> LoadOrder(const std::vector<double>& size_mb, int parallel_tables);

}  // namespace etl::plan
