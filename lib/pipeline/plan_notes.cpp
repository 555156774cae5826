#include "pipeline/plan_notes.h"

#include <fmt/format.h>

namespace etl::pipeline {

std::string FormatCreationNotes(const TablePlan& plan) {
  if (!plan.target.checked || plan.target.table_exists || !plan.source.exists) return "";
  std::string out;
  for (const auto& note : plan.definition.notes)
    out += "  note: " + note + "\n";
  if (!plan.definition.zero_date_nullable.empty()) {
    out +=
        fmt::format("  note: created nullable (NOT NULL in MySQL; zero dates load as NULL): {}\n",
                    fmt::join(plan.definition.zero_date_nullable, ", "));
  }
  return out;
}

}  // namespace etl::pipeline
