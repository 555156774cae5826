#pragma once
// What `etl plan` adds under a table's plan line when the run would create its target: each
// part of the MySQL definition that is not carried over, and why (types/table_definition.h),
// and the NOT NULL date/datetime/timestamp columns created nullable because zero dates load as
// NULL. One "  note: ..." line each, every line ending in '\n'; "" when there is nothing to say
// or the target exists (an existing target is never altered). Pure.

#include <string>

#include "pipeline/table_planner.h"

namespace etl::pipeline {

std::string FormatCreationNotes(const TablePlan& plan);

}  // namespace etl::pipeline
