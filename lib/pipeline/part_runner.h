#pragma once
// Running the parts of a parallel load (pipeline/table_load.h), each a reader into a writer of
// the table's sink::TargetLoad (pipeline/load_unit.h).
//
// The parts go through a queue served by at most pool.size workers, each holding a pair of pool
// slots while it works through parts (pipeline/connection_budget.h): parts wait for a free pair
// instead of failing after pool.timeout_s while other parts make progress. Each part is retried
// on its own (a lost connection, within pipeline.retry) on fresh connections, in its own MySQL
// snapshot and PostgreSQL transaction; a try whose COMMIT was in doubt first deletes what it may
// have left in the stage (sink::TargetLoad::DiscardPartRows). The first part that fails for good
// cancels the others at once (a table-local Cancellation, chained to the run's, that stops
// their statements), and its error is rethrown once every worker has stopped; a connection loss
// that the part's retries did not overcome is then final (the table is not redone on top).
//
// A part's rejected rows (on_bad_row: reject) are written to a file of the try's own and
// appended to the table's reject file once the part's rows have committed, so a part that is
// redone lists its bad rows once.
//
// `totals` and `retries` are added to as parts finish and retry (from the worker threads;
// RunParts serialises its own additions). REQUIRES: the load has begun with N = parts.size().

#include <atomic>
#include <string>
#include <vector>

#include "pipeline/load_totals.h"
#include "pipeline/load_unit.h"
#include "pipeline/read_plans.h"

namespace etl::pipeline {

void RunParts(const LoadUnitContext& unit, const ReadPlan& base, const std::vector<KeyPart>& parts,
              const std::string& key_column, LoadTotals& totals, std::atomic<int>& retries);

}  // namespace etl::pipeline
