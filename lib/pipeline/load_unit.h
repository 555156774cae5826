#pragma once
// One reader into one writer of a table load: the unit that a single-stream load runs once and a
// parallel load runs per part (pipeline/part_runner.h).
//
// RunLoadUnit opens part `index` of the sink::TargetLoad on the session's PostgreSQL connection
// (and, when the load compares the rows with the target's, a connection of its own that reads
// the target's rows of `range`, with the rows read in key order), pumps the read plan's rows
// into it (pipeline/pump.h) with every connection's statements cancellable through
// `cancellation`, and finishes the part (N > 1: commits it). MySQL statements come from
// source/, PostgreSQL statements from sink/.
//
// Errors propagate; `commit_in_doubt` (when given) is set when the part's COMMIT was sent and its
// answer lost (sink::PartWriter::commit_in_doubt).
// REQUIRES: the load has begun; `session` holds open connections (N = 1: Begin's PostgreSQL
// connection); `read` reads the part's range.

#include <cstddef>
#include <optional>

#include "pipeline/cancellation.h"
#include "pipeline/load_session.h"
#include "pipeline/pump.h"
#include "pipeline/table_load.h"
#include "pipeline/table_reader.h"
#include "plan/chunk_sequencer.h"
#include "sink/target_load.h"

namespace etl::pipeline {

// What every unit of one table load shares.
struct LoadUnitContext {
  const LoadContext* ctx = nullptr;
  const config::TableSpec* table = nullptr;
  sink::TargetLoad* load = nullptr;
  BadRowPolicy bad_rows;  // key_indexes are taken from each read plan
};

struct LoadUnitResult {
  PumpResult pump;
  sink::SinkCounters counters;
};

LoadUnitResult RunLoadUnit(const LoadUnitContext& unit, LoadSession& session, ReadPlan read,
                           plan::ChunkSequencer* sequencer, std::size_t index, sink::KeyRange range,
                           Cancellation* cancellation, bool* commit_in_doubt = nullptr);

}  // namespace etl::pipeline
