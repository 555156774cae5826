#include <cstddef>
#include <vector>

#include <catch2/catch.hpp>

#include "plan/accumulation_policy.h"

namespace etl::plan {
namespace {

struct Chunk {
  std::size_t rows;
  std::size_t bytes;
};

// Feeds the chunks through the policy the way the writer does; returns each batch's row count.
std::vector<std::size_t> Batches(AccumulationPolicy& policy, const std::vector<Chunk>& chunks,
                                 std::size_t* max_batch_bytes = nullptr) {
  std::vector<std::size_t> batches;
  std::size_t pending = 0;
  std::size_t pending_bytes = 0;
  auto write = [&] {
    REQUIRE(pending > 0);
    batches.push_back(pending);
    if (max_batch_bytes) *max_batch_bytes = std::max(*max_batch_bytes, pending_bytes);
    pending = 0;
    pending_bytes = 0;
  };
  for (const Chunk& chunk : chunks) {
    std::size_t placed = 0;
    while (placed < chunk.rows) {
      const std::size_t left = chunk.rows - placed;
      const std::size_t left_bytes = chunk.bytes / chunk.rows * left;
      const AccumulationPolicy::Step step = policy.Offer(left, left_bytes);
      REQUIRE(step.rows > 0);
      if (step.flush_before) write();
      pending += step.rows;
      pending_bytes += chunk.bytes / chunk.rows * step.rows;
      if (step.flush_after) write();
      placed += step.rows;
    }
  }
  if (policy.Finish()) write();
  CHECK(policy.batches() == static_cast<std::int64_t>(batches.size()));
  return batches;
}

std::size_t Sum(const std::vector<std::size_t>& v) {
  std::size_t s = 0;
  for (std::size_t x : v)
    s += x;
  return s;
}

TEST_CASE("defaults: 2,000,000 rows in 100,000-row chunks make at most 12 batches",
          "[plan][accumulation]") {
  AccumulationPolicy policy(config::Accumulation{}, true);
  const std::vector<Chunk> chunks(20, Chunk{100'000, 100'000 * 200});
  const auto batches = Batches(policy, chunks);
  CHECK(batches.size() <= 12);
  CHECK(batches.size() == 10);
  CHECK(Sum(batches) == 2'000'000);
  for (std::size_t b : batches) {
    CHECK(b >= 50'000);
    CHECK(b <= 200'000);
  }
}

TEST_CASE("a sparse table's 300-row chunks make few large batches", "[plan][accumulation]") {
  AccumulationPolicy policy(config::Accumulation{}, true);
  const std::vector<Chunk> chunks(3'400, Chunk{300, 300 * 120});  // 1,020,000 rows
  const auto batches = Batches(policy, chunks);
  CHECK(Sum(batches) == 1'020'000);
  CHECK(batches.size() == 6);
  for (std::size_t i = 0; i + 1 < batches.size(); ++i) {
    CHECK(batches[i] >= 50'000);
    CHECK(batches[i] <= 200'000);
  }
}

TEST_CASE("chunks larger than max_batch_size are split by rows", "[plan][accumulation]") {
  AccumulationPolicy policy(config::Accumulation{}, true);
  const auto batches = Batches(policy, {{30'000, 30'000}, {450'000, 450'000}});
  CHECK(batches == std::vector<std::size_t>{200'000, 200'000, 80'000});
}

TEST_CASE("max_memory_mb caps a batch's bytes", "[plan][accumulation]") {
  config::Accumulation small;
  small.max_memory_mb = 1;  // 1 MiB; rows of 1 KiB -> at most 1,024 rows per batch
  small.min_batch_size = 100;
  small.max_batch_size = 200'000;
  AccumulationPolicy policy(small, true);
  std::size_t max_bytes = 0;
  const auto batches = Batches(policy, std::vector<Chunk>(10, Chunk{500, 500 * 1024}), &max_bytes);
  CHECK(Sum(batches) == 5'000);
  CHECK(max_bytes <= 1024 * 1024);
  for (std::size_t b : batches)
    CHECK(b <= 1'024);
  CHECK(batches.size() == 5);
  CHECK(policy.RowsThatFit(10, 100 * 1024 * 1024) == 1);  // an oversized row still moves
}

TEST_CASE("a batch holds min_batch_size rows unless the input ends", "[plan][accumulation]") {
  config::Accumulation cfg;
  cfg.min_batch_size = 1'000;
  cfg.max_batch_size = 1'500;
  AccumulationPolicy policy(cfg, true);
  // 900 + 900 would exceed 1,500 while 900 < min: the second chunk is split to fill the batch.
  // Then 300 + 700 + 50 accumulate (room left) until the input ends.
  const auto batches = Batches(policy, {{900, 9'000}, {900, 9'000}, {700, 7'000}, {50, 500}});
  CHECK(batches == std::vector<std::size_t>{1'500, 1'050});
  CHECK(policy.pending_rows() == 0);

  AccumulationPolicy early_stop(cfg, true);
  CHECK_FALSE(early_stop.Offer(10, 100).flush_after);
  CHECK(early_stop.pending_rows() == 10);
  CHECK(early_stop.Finish());  // a table stopped early writes its small batch
  CHECK_FALSE(early_stop.Finish());
}

TEST_CASE("accumulation off: every chunk is its own batch", "[plan][accumulation]") {
  AccumulationPolicy policy(config::Accumulation{}, false);
  const auto batches = Batches(policy, {{300, 3'000}, {300'000, 3'000'000}, {5, 50}});
  CHECK(batches == std::vector<std::size_t>{300, 300'000, 5});
  CHECK(policy.RowsThatFit(300'000, 3'000'000) == 300'000);
}

}  // namespace
}  // namespace etl::plan
