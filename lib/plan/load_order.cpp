#include "plan/load_order.h"

#include <algorithm>
#include <numeric>

namespace etl::plan {

std::vector<std::size_t> LoadOrder(const std::vector<double>& size_mb, int parallel_tables) {
  std::vector<std::size_t> order(size_mb.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (parallel_tables > 1) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return size_mb[a] > size_mb[b]; });
  }
  return order;
}

}  // namespace etl::plan
