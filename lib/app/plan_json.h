#pragma once
// `etl plan --format json`: the work units of a job as ONE line of JSON on stdout (a scheduler
// reads the last line of a task's output: Airflow's BashOperator pushes exactly that to XCom).
// Fields are documented in docs/scale-out.md; nlohmann-json writes it (escaping included).
//
// Pure rendering: no I/O. Units come in the order given (the job's table order).

#include <optional>
#include <string>
#include <vector>

#include "config/job_spec.h"
#include "pipeline/work_units.h"

namespace etl::app {

// What `plan` found for one selected table beyond its unit.
struct PlannedUnit {
  const pipeline::WorkUnit* unit = nullptr;
  std::string strategy;  // "" when planning failed before choosing
  std::string strategy_reason;
  bool target_exists = false;
  std::string error;  // "" when the table can be loaded as planned
};

inline constexpr int kPlanJsonVersion = 1;

std::string PlanJson(const config::JobSpec& job, const pipeline::WorkUnits& units,
                     const std::vector<PlannedUnit>& selected);

}  // namespace etl::app
