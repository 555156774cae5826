#pragma once
// How a planned table is read: the read plan (pipeline/table_reader.h) for one stream or for
// one key range of a parallel load, the chunk sequencer when the key allows it, and the write
// batch accumulation. Pure: builds descriptions, runs nothing.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/job_spec.h"
#include "pipeline/table_planner.h"
#include "pipeline/table_reader.h"
#include "pipeline/watermark.h"
#include "plan/accumulation_policy.h"
#include "plan/chunk_sequencer.h"

namespace etl::pipeline {

// A part of a parallel load: keys in [lo, hi); the first part has no lower bound and the last
// none above, so no key is left out whatever the extremes (INT64_MAX included).
struct KeyPart {
  std::optional<std::int64_t> lo;
  std::optional<std::int64_t> hi;
  std::string Describe() const;  // "[-inf, 1000)"
};

// Parts between the given split points (ascending, distinct; values at or below the key's
// minimum are ignored).
std::vector<KeyPart> PartsBetween(const std::vector<std::int64_t>& splits,
                                  std::optional<std::int64_t> key_min);

struct SingleStreamRead {
  ReadPlan read;
  std::optional<plan::ChunkSequencer> sequencer;  // set for kSequenced
};

// What every read of the table shares: columns (source names), filter, key, cursor window.
ReadPlan BaseReadPlan(const config::JobSpec& job, const TablePlan& plan,
                      const IncrementalWindow& window);

// One stream: sequenced chunks (range/keyset with adaptive sizing and sparse detection) when
// the key is a single integer that is also the whole cursor, keyset pages for other keys of a
// full load, otherwise one unbuffered stream.
SingleStreamRead PlanSingleStream(const config::JobSpec& job, const TablePlan& plan,
                                  const IncrementalWindow& window);

// One key range of a parallel load, read as one stream.
ReadPlan PlanPart(const ReadPlan& base, const KeyPart& part);

// The accumulation policy, or null when accumulation is off. bulk_insert_buffer caps it too.
std::unique_ptr<plan::AccumulationPolicy> MakeAccumulation(const config::JobSpec& job,
                                                           const config::TableSpec& table);

}  // namespace etl::pipeline
