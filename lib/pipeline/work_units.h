#pragma once
// Work units and their shards: what `etl plan --format json` lists and what `etl run --shard I/N`
// runs. Today a unit is one table.
//
// Both commands call PlanWorkUnits with ALL tables of the job (after tables_match expansion), not
// only the --table selection, so a unit's shard never depends on what else was selected, and
// `plan` and `run` read the same cheap figures (source/size_estimates.h) and feed them to the same
// pure assignment (plan/shard_assignment.h): they agree on every unit's shard.
//
// A unit's weight is `estimated_size_mb` when the spec gives it (a pinned size never moves), else
// the data + index bytes of information_schema; a missing source table weighs 0 (its load fails
// in whichever shard gets it, and says why).
// Errors: source::MySqlError. Reads only.

#include <cstdint>
#include <string>
#include <vector>

#include "config/job_spec.h"
#include "plan/shard_assignment.h"
#include "source/mysql_connection.h"

namespace etl::pipeline {

struct WorkUnit {
  const config::TableSpec* table = nullptr;
  std::int64_t estimated_bytes = 0;  // the weight used for the shard assignment
  std::int64_t estimated_rows = 0;   // information_schema TABLE_ROWS (an estimate)
  // Where estimated_bytes comes from: "estimated_size_mb", "information_schema", or "missing"
  // (the source table does not exist).
  std::string size_from;
  int shard = 0;
};

struct WorkUnits {
  int shards = 1;
  std::vector<WorkUnit> units;            // in the order of the tables given
  std::vector<std::int64_t> shard_bytes;  // per shard
  std::vector<int> shard_units;           // per shard

  const WorkUnit* Find(const std::string& table_name) const;
};

// REQUIRES: every table belongs to `job`; shards >= 1.
WorkUnits PlanWorkUnits(const config::JobSpec& job,
                        const std::vector<const config::TableSpec*>& tables,
                        source::MySqlConnection& mysql, int shards);

// The tables of `selected` whose unit is in shard `index`, in the order of `selected`.
std::vector<const config::TableSpec*> TablesOfShard(
    const WorkUnits& units, const std::vector<const config::TableSpec*>& selected, int index);

}  // namespace etl::pipeline
