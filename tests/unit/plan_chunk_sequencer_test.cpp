// ChunkSequencer against simulated tables: a table is a sorted vector of keys and a "query"
// answers each ChunkRequest from it, so every scenario checks which keys were actually read.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "plan/chunk_sequencer.h"

namespace etl::plan {
namespace {

using config::Chunking;
using Keys = std::vector<std::int64_t>;

struct SimulatedRun {
  Keys read;  // keys in the order the queries returned them
  std::vector<ChunkRequest> requests;
  std::vector<ChunkFeedback> feedback;
};

// Runs `sequencer` to completion against `table` (sorted, unique keys).
SimulatedRun Drive(ChunkSequencer& sequencer, const Keys& table) {
  SimulatedRun run;
  while (auto request = sequencer.Next()) {
    auto first = table.begin();
    auto last = table.end();
    switch (request->kind) {
      case ChunkRequest::Kind::kRange:
        first = std::lower_bound(table.begin(), table.end(), request->lo);
        last = std::lower_bound(table.begin(), table.end(), request->hi);
        break;
      case ChunkRequest::Kind::kKeyset: {
        if (request->after) first = std::upper_bound(table.begin(), table.end(), *request->after);
        auto bound =
            request->upto ? std::upper_bound(first, table.end(), *request->upto) : table.end();
        last = first + std::min<std::int64_t>(request->limit, bound - first);
        break;
      }
      case ChunkRequest::Kind::kStream:
        if (request->after) first = std::upper_bound(table.begin(), table.end(), *request->after);
        if (request->upto) last = std::upper_bound(first, table.end(), *request->upto);
        break;
    }
    const std::int64_t rows = last - first;
    std::optional<std::int64_t> last_key;
    if (rows > 0) last_key = *(last - 1);
    run.read.insert(run.read.end(), first, last);
    run.requests.push_back(*request);
    run.feedback.push_back(sequencer.Record(*request, rows, last_key));
    REQUIRE(run.requests.size() < 1'000'000);  // a runaway sequence is a failure, not a hang
  }
  return run;
}

Keys DenseKeys(std::int64_t from, std::int64_t to) {
  Keys keys;
  for (std::int64_t k = from; k <= to; ++k)
    keys.push_back(k);
  return keys;
}

Keys SpacedKeys(std::int64_t from, std::int64_t to, std::int64_t step) {
  Keys keys;
  for (std::int64_t k = from; k <= to; k += step)
    keys.push_back(k);
  return keys;
}

Keys Concat(std::initializer_list<Keys> parts) {
  Keys all;
  for (const Keys& p : parts)
    all.insert(all.end(), p.begin(), p.end());
  return all;
}

// Dense head 1..20,000; sparse middle (one key per 10,000) up to 10,000,000; dense tail
// of 100,000 keys.
Keys HeadSparseMiddleTail() {
  return Concat({DenseKeys(1, 20'000), SpacedKeys(30'000, 10'000'000, 10'000),
                 DenseKeys(10'000'001, 10'100'000)});
}

ChunkSequencerOptions Options(Chunking chunking, std::int64_t batch_size, const Keys& table) {
  ChunkSequencerOptions options;
  options.chunking = chunking;
  options.batch_size = batch_size;
  options.keys.key_min = table.front();
  options.keys.key_max = table.back();
  return options;
}

// Fixed batch_size ranges needed for keys first..last.
std::int64_t FixedRanges(std::int64_t first, std::int64_t last, std::int64_t batch_size) {
  return (last - first) / batch_size + 1;
}

bool HasDuplicates(Keys keys) {
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

Keys Sorted(Keys keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST_CASE("dense table: full ranges, efficiency 1.0, no detection, exact query count",
          "[plan][chunk]") {
  const Keys table = DenseKeys(1, 100'000);
  ChunkSequencer sequencer(Options(Chunking::kRange, 10'000, table));
  const SimulatedRun run = Drive(sequencer, table);

  CHECK(run.read == table);
  CHECK(run.requests.size() == 10);
  CHECK(sequencer.queries() == 10);
  CHECK(sequencer.chunks() == 10);
  CHECK(sequencer.rows() == 100'000);
  CHECK(sequencer.avg_efficiency() == Approx(1.0));
  CHECK(sequencer.sparse_detections() == 0);
  CHECK(sequencer.queries_saved_vs_fixed() == 0);
  CHECK_FALSE(sequencer.early_terminated());
  CHECK(sequencer.watermark() == 100'000);
  CHECK(sequencer.last_key_read() == 100'000);
  for (const ChunkRequest& r : run.requests) {
    CHECK(r.kind == ChunkRequest::Kind::kRange);
    CHECK(r.width() == 10'000);
  }
  CHECK(run.requests.front().lo == 1);
  CHECK(run.requests.back().hi == 100'001);
  CHECK(run.feedback.back().done);
}

TEST_CASE("range chunks stop at key_max, the run's high mark", "[plan][chunk]") {
  const Keys table = DenseKeys(1, 25'000);
  ChunkSequencerOptions options = Options(Chunking::kRange, 10'000, table);
  options.keys.key_max = 12'345;  // rows above it arrived after the run started
  ChunkSequencer sequencer(options);
  const SimulatedRun run = Drive(sequencer, table);
  CHECK(run.read == DenseKeys(1, 12'345));
  REQUIRE(run.requests.size() == 2);
  CHECK(run.requests[1].lo == 10'001);
  CHECK(run.requests[1].hi == 12'346);
  CHECK(sequencer.watermark() == 12'345);
}

TEST_CASE("range chunks start after the watermark", "[plan][chunk]") {
  const Keys table = DenseKeys(1, 30'000);
  ChunkSequencerOptions options = Options(Chunking::kRange, 10'000, table);
  options.keys.start_after = 25'000;
  ChunkSequencer sequencer(options);
  const SimulatedRun run = Drive(sequencer, table);
  CHECK(run.read == DenseKeys(25'001, 30'000));
  CHECK(run.requests.size() == 1);

  options.keys.start_after = 30'000;  // nothing new
  ChunkSequencer nothing_new(options);
  CHECK_FALSE(nothing_new.Next().has_value());
  CHECK(nothing_new.queries() == 0);
  CHECK(nothing_new.watermark() == 30'000);
}

TEST_CASE("empty table in range mode issues no query", "[plan][chunk]") {
  ChunkSequencerOptions options;
  options.chunking = Chunking::kRange;
  options.batch_size = 1000;
  ChunkSequencer sequencer(options);
  CHECK_FALSE(sequencer.Next().has_value());
  CHECK(sequencer.done());
  CHECK(sequencer.avg_efficiency() == Approx(1.0));
}

TEST_CASE("adaptive range sizing cuts queries by >= 80% on a sparse middle, reads each key once",
          "[plan][chunk][adaptive]") {
  const Keys table = HeadSparseMiddleTail();
  ChunkSequencerOptions options = Options(Chunking::kRange, 5'000, table);
  options.sparse.detection.enabled = false;  // adaptive sizing alone
  ChunkSequencer sequencer(options);
  const SimulatedRun run = Drive(sequencer, table);

  const std::int64_t fixed = FixedRanges(table.front(), table.back(), 5'000);
  CHECK(fixed == 2'020);
  CHECK(sequencer.queries() <= fixed / 5);  // >= 80% fewer
  CHECK(sequencer.queries_saved_vs_fixed() == fixed - sequencer.queries());
  CHECK(run.read == table);
  CHECK(sequencer.sparse_detections() == 0);
  for (const ChunkRequest& r : run.requests)
    CHECK(r.width() <= 50'000);  // 10 x batch_size

  // Ranges widen in the sparse middle and return to batch_size in the dense tail.
  const auto widest = std::max_element(run.requests.begin(), run.requests.end(),
                                       [](auto& a, auto& b) { return a.width() < b.width(); });
  CHECK(widest->width() == 50'000);
  CHECK(run.requests[run.requests.size() - 2].width() == 5'000);
}

TEST_CASE("adaptive sizing disabled: every range is batch_size wide", "[plan][chunk][adaptive]") {
  const Keys table = HeadSparseMiddleTail();
  ChunkSequencerOptions options = Options(Chunking::kRange, 5'000, table);
  options.sparse.detection.enabled = false;
  options.sparse.adaptive_scaling.enabled = false;
  ChunkSequencer sequencer(options);
  const SimulatedRun run = Drive(sequencer, table);
  CHECK(run.read == table);
  CHECK(sequencer.queries() == 2'020);
  for (std::size_t i = 0; i + 1 < run.requests.size(); ++i) {
    CHECK(run.requests[i].width() == 5'000);
  }
  CHECK(sequencer.queries_saved_vs_fixed() == 0);
}

TEST_CASE("whole block disabled: fixed ranges, no detection even when incremental",
          "[plan][chunk][sparse]") {
  const Keys table = HeadSparseMiddleTail();
  ChunkSequencerOptions options = Options(Chunking::kRange, 5'000, table);
  options.sparse.enabled = false;
  options.incremental = true;
  ChunkSequencer sequencer(options);
  const SimulatedRun run = Drive(sequencer, table);
  CHECK(run.read == table);
  CHECK(sequencer.queries() == 2'020);
  CHECK_FALSE(sequencer.early_terminated());
  CHECK(sequencer.sparse_detections() == 0);
}

TEST_CASE("full load: detection switches to keyset, never stops early, reads everything",
          "[plan][chunk][sparse]") {
  const Keys table = HeadSparseMiddleTail();
  ChunkSequencer sequencer(Options(Chunking::kRange, 5'000, table));
  const SimulatedRun run = Drive(sequencer, table);

  CHECK(run.read == table);
  CHECK_FALSE(sequencer.early_terminated());
  CHECK(sequencer.sparse_detections() == 1);
  CHECK(sequencer.watermark() == table.back());
  // 4 dense ranges, 2 sparse ones (5,000 then 50,000 wide), then keyset chunks.
  REQUIRE(run.feedback.size() >= 7);
  CHECK_FALSE(run.feedback[3].sparse_chunk);
  CHECK(run.feedback[4].sparse_chunk);
  CHECK_FALSE(run.feedback[4].detection);
  CHECK(run.feedback[5].detection);
  CHECK(run.feedback[5].switched_to_keyset);
  CHECK_FALSE(run.feedback[5].stop_early);
  CHECK(run.requests[6].kind == ChunkRequest::Kind::kKeyset);
  CHECK(run.requests[6].after == run.requests[5].hi - 1);
  for (std::size_t i = 6; i < run.requests.size(); ++i) {
    CHECK(run.requests[i].kind == ChunkRequest::Kind::kKeyset);
  }
  const std::int64_t fixed = FixedRanges(table.front(), table.back(), 5'000);
  const auto after_switch = std::count_if(
      table.begin(), table.end(), [&](std::int64_t k) { return k > *run.requests[6].after; });
  CHECK(sequencer.queries() == 6 + (after_switch + 4'999) / 5'000);
  CHECK(sequencer.queries_saved_vs_fixed() == fixed - sequencer.queries());
}

TEST_CASE("chunks not wider than min_chunk_size_check never count as sparse",
          "[plan][chunk][sparse]") {
  const Keys table = SpacedKeys(1, 1'000'000, 5'000);
  ChunkSequencerOptions options = Options(Chunking::kRange, 1'000, table);
  options.sparse.adaptive_scaling.enabled = false;
  options.incremental = true;
  ChunkSequencer sequencer(options);  // every range is 1,000 wide: not > min_chunk_size_check
  const SimulatedRun run = Drive(sequencer, table);
  CHECK(run.read == table);
  CHECK_FALSE(sequencer.early_terminated());
  CHECK(sequencer.sparse_detections() == 0);
  for (const ChunkFeedback& f : run.feedback)
    CHECK_FALSE(f.sparse_chunk);
}

TEST_CASE("incremental: sparse stretch stops early, resumed runs finish without gaps or repeats",
          "[plan][chunk][sparse]") {
  const Keys table = HeadSparseMiddleTail();

  // Run 1: dense head, then two sparse ranges in a row.
  ChunkSequencerOptions first = Options(Chunking::kRange, 5'000, table);
  first.incremental = true;
  ChunkSequencer run1(first);
  const SimulatedRun read1 = Drive(run1, table);
  REQUIRE(run1.early_terminated());
  CHECK(run1.sparse_detections() == 1);
  CHECK(read1.feedback.back().stop_early);
  CHECK(read1.feedback.back().detection);
  const std::int64_t watermark = *run1.watermark();
  CHECK(watermark == 20'000 + 5'000 + 50'000);  // end of the last (sparse) range read
  Keys upto_watermark;
  for (std::int64_t k : table) {
    if (k <= watermark) upto_watermark.push_back(k);
  }
  CHECK(read1.read == upto_watermark);  // everything up to the watermark, nothing past it
  CHECK_FALSE(run1.Next().has_value());

  // Later runs resume from the saved watermark until one finishes.
  Keys all = read1.read;
  std::optional<std::int64_t> saved = watermark;
  bool resume = true;
  int runs = 1;
  while (resume) {
    REQUIRE(runs < 5);
    ChunkSequencerOptions next = Options(Chunking::kRange, 5'000, table);
    next.incremental = true;
    next.keys.start_after = saved;
    next.resume_after_early_stop = resume;
    ChunkSequencer sequencer(next);
    const SimulatedRun read = Drive(sequencer, table);
    CHECK(read.requests.front().kind == ChunkRequest::Kind::kKeyset);
    CHECK(read.requests.front().after == saved);
    all.insert(all.end(), read.read.begin(), read.read.end());
    REQUIRE(sequencer.watermark() >= saved);
    saved = sequencer.watermark();
    resume = sequencer.early_terminated();
    ++runs;
    if (!resume) {
      // The resumed run went back to ranges once the keys were dense again.
      const bool returned = std::any_of(read.feedback.begin(), read.feedback.end(),
                                        [](const ChunkFeedback& f) { return f.returned_to_range; });
      CHECK(returned);
      CHECK(read.requests.back().kind == ChunkRequest::Kind::kRange);
    }
  }
  CHECK(runs <= 5);
  CHECK_FALSE(HasDuplicates(all));
  CHECK(Sorted(all) == table);
  CHECK(saved == table.back());
}

TEST_CASE("incremental: several sparse stretches still finish in a handful of runs",
          "[plan][chunk][sparse]") {
  const Keys table = Concat(
      {DenseKeys(1, 20'000), SpacedKeys(40'000, 3'000'000, 20'000), DenseKeys(3'000'001, 3'030'000),
       SpacedKeys(3'050'000, 9'000'000, 50'000), DenseKeys(9'000'001, 9'012'345)});
  Keys all;
  std::optional<std::int64_t> saved;
  bool resume = false;
  int runs = 0;
  do {
    REQUIRE(runs < 10);
    ChunkSequencerOptions options = Options(Chunking::kRange, 5'000, table);
    options.incremental = true;
    options.keys.start_after = saved;
    options.resume_after_early_stop = resume;
    ChunkSequencer sequencer(options);
    const SimulatedRun read = Drive(sequencer, table);
    all.insert(all.end(), read.read.begin(), read.read.end());
    saved = sequencer.watermark();
    resume = sequencer.early_terminated();
    ++runs;
  } while (resume);
  CHECK(runs <= 5);
  CHECK_FALSE(HasDuplicates(all));
  CHECK(Sorted(all) == table);
}

TEST_CASE("incremental steady state: after finishing, the next run reads only new rows",
          "[plan][chunk]") {
  Keys table = DenseKeys(1, 50'000);
  ChunkSequencerOptions options = Options(Chunking::kRange, 10'000, table);
  options.incremental = true;
  ChunkSequencer first(options);
  Drive(first, table);
  REQUIRE(first.watermark() == 50'000);

  const Keys added = DenseKeys(50'001, 53'000);
  table.insert(table.end(), added.begin(), added.end());
  options = Options(Chunking::kRange, 10'000, table);
  options.incremental = true;
  options.keys.start_after = first.watermark();
  ChunkSequencer second(options);
  const SimulatedRun run = Drive(second, table);
  CHECK(run.read == added);
  CHECK(second.queries() == 1);
}

TEST_CASE("sparse tail: full load switches to keyset, incremental resumes and finishes",
          "[plan][chunk][sparse]") {
  const Keys table = Concat({DenseKeys(1, 10'000), SpacedKeys(15'000, 5'000'000, 5'000)});

  ChunkSequencer full(Options(Chunking::kRange, 2'000, table));
  const SimulatedRun full_run = Drive(full, table);
  CHECK(full_run.read == table);
  CHECK(full.sparse_detections() == 1);
  CHECK_FALSE(full.early_terminated());
  CHECK(full.queries() < 20);

  ChunkSequencerOptions options = Options(Chunking::kRange, 2'000, table);
  options.incremental = true;
  ChunkSequencer run1(options);
  const SimulatedRun read1 = Drive(run1, table);
  REQUIRE(run1.early_terminated());
  options.keys.start_after = run1.watermark();
  options.resume_after_early_stop = true;
  ChunkSequencer run2(options);
  const SimulatedRun read2 = Drive(run2, table);
  CHECK_FALSE(run2.early_terminated());
  Keys all = read1.read;
  all.insert(all.end(), read2.read.begin(), read2.read.end());
  CHECK_FALSE(HasDuplicates(all));
  CHECK(Sorted(all) == table);
  CHECK(run2.watermark() == table.back());
}

TEST_CASE("incremental stop after empty sparse ranges still moves the watermark forward",
          "[plan][chunk][sparse]") {
  // Watermark at the end of the dense part; the next keys are far away.
  const Keys table = Concat({DenseKeys(1, 10'000), DenseKeys(5'000'000, 5'000'100)});
  ChunkSequencerOptions options = Options(Chunking::kRange, 2'000, table);
  options.incremental = true;
  options.keys.start_after = 10'000;
  ChunkSequencer sequencer(options);
  const SimulatedRun run = Drive(sequencer, table);
  CHECK(run.read.empty());
  REQUIRE(sequencer.early_terminated());
  CHECK(sequencer.watermark() == 10'000 + 2'000 + 20'000);  // both empty ranges are covered
}

TEST_CASE("keyset mode: limit-sized chunks from the watermark up to key_max", "[plan][chunk]") {
  const Keys table = SpacedKeys(10, 100'000, 7);
  ChunkSequencer sequencer(Options(Chunking::kKeyset, 1'000, table));
  const SimulatedRun run = Drive(sequencer, table);
  CHECK(run.read == table);
  const auto expected = static_cast<std::int64_t>((table.size() + 999) / 1'000);
  CHECK(sequencer.queries() == expected);
  CHECK(run.requests.front().after == 9);  // key_min - 1
  CHECK(run.requests.front().upto == table.back());
  for (std::size_t i = 1; i < run.requests.size(); ++i) {
    CHECK(run.requests[i].kind == ChunkRequest::Kind::kKeyset);
    CHECK(run.requests[i].limit == 1'000);
    CHECK(run.requests[i].after == run.read[i * 1'000 - 1]);
  }
  CHECK(sequencer.avg_efficiency() == Approx(1.0));
  CHECK(sequencer.watermark() == table.back());
}

TEST_CASE("keyset mode without a high mark stops at the first short chunk", "[plan][chunk]") {
  const Keys table = DenseKeys(1, 3'000);
  ChunkSequencerOptions options;
  options.chunking = Chunking::kKeyset;
  options.batch_size = 1'000;
  ChunkSequencer sequencer(options);
  const SimulatedRun run = Drive(sequencer, table);
  CHECK(run.read == table);
  CHECK(sequencer.queries() == 4);  // three full chunks and an empty one proving the end
  CHECK_FALSE(run.requests.front().after.has_value());
  CHECK(sequencer.chunks() == 3);
  CHECK(sequencer.watermark() == 3'000);
}

TEST_CASE("none mode: a single stream request", "[plan][chunk]") {
  const Keys table = DenseKeys(1, 500);
  ChunkSequencerOptions options;
  options.chunking = Chunking::kNone;
  options.batch_size = 100;
  ChunkSequencer sequencer(options);
  const SimulatedRun run = Drive(sequencer, table);
  REQUIRE(run.requests.size() == 1);
  CHECK(run.requests[0].kind == ChunkRequest::Kind::kStream);
  CHECK(run.read == table);
  CHECK(sequencer.queries() == 1);
  CHECK(sequencer.rows() == 500);
  CHECK(run.feedback[0].done);
  CHECK_FALSE(run.requests[0].after.has_value());
  CHECK_FALSE(run.requests[0].upto.has_value());
}

TEST_CASE("none mode carries the run's bounds", "[plan][chunk]") {
  const Keys table = DenseKeys(1, 500);
  ChunkSequencerOptions options = Options(Chunking::kNone, 100, table);
  options.keys.start_after = 200;
  options.keys.key_max = 400;
  ChunkSequencer sequencer(options);
  const auto request = sequencer.Next();
  REQUIRE(request);
  CHECK(request->after == 200);
  CHECK(request->upto == 400);
  sequencer.Record(*request, 200, 400);
  CHECK(sequencer.watermark() == 400);
  CHECK_FALSE(sequencer.Next().has_value());
}

TEST_CASE("misuse is reported with the request", "[plan][chunk]") {
  const Keys table = DenseKeys(1, 100);
  ChunkSequencer sequencer(Options(Chunking::kRange, 10, table));
  const auto request = sequencer.Next();
  REQUIRE(request);
  CHECK_THROWS_AS(sequencer.Next(), std::logic_error);
  CHECK_THROWS_WITH(sequencer.Record(*request, 11, 10), Catch::Contains("range [1, 11)"));

  ChunkSequencerOptions bad = Options(Chunking::kAuto, 10, table);
  CHECK_THROWS_WITH(ChunkSequencer(bad), Catch::Contains("auto"));
  bad = Options(Chunking::kRange, 0, table);
  CHECK_THROWS_WITH(ChunkSequencer(bad), Catch::Contains("batch_size"));

  ChunkSequencer keyset(Options(Chunking::kKeyset, 10, table));
  const auto k = keyset.Next();
  REQUIRE(k);
  CHECK_THROWS_WITH(keyset.Record(*k, 5, std::nullopt), Catch::Contains("no key"));
}

TEST_CASE("ToString names the request", "[plan][chunk]") {
  ChunkRequest range{ChunkRequest::Kind::kRange, 100, 200, {}, {}, 0};
  CHECK(ToString(range) == "range [100, 200)");
  ChunkRequest keyset{ChunkRequest::Kind::kKeyset, 0, 0, 99, 500, 1000};
  CHECK(ToString(keyset) == "keyset after 99 upto 500 limit 1000");
  CHECK(ToString(ChunkRequest{}) == "stream");
}

}  // namespace
}  // namespace etl::plan
