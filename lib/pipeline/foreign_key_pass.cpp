#include "pipeline/foreign_key_pass.h"

#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sink/pg_connection.h"
#include "sink/schema_manager.h"
#include "sink/table_ddl.h"
#include "source/mysql_connection.h"
#include "source/table_constraints.h"
#include "types/table_definition.h"

namespace etl::pipeline {
namespace {

void AddError(report::RunReport& report, const std::string& message) {
  report.error += (report.error.empty() ? "" : "; ") + message;
}

bool Loaded(const report::TableReport& r) {
  return r.status == report::TableStatus::kOk || r.status == report::TableStatus::kEarlyTerminated;
}

// The job table that loads source table `source_table`, or nullptr.
const config::TableSpec* LoadingTable(const config::JobSpec& job, const std::string& source_table) {
  for (const auto& t : job.tables) {
    if (t.source_table == source_table) return &t;
  }
  return nullptr;
}

}  // namespace

ForeignKeyPass ForeignKeyPass::Prepare(const RunRequest& request) {
  ForeignKeyPass pass;
  const auto& job = *request.job;
  try {
    sink::PgConnection pg = sink::Connect(job.target, request.env, /*apply_session=*/false);
    for (const auto* t : request.tables) {
      pass.missing_.push_back(!sink::TableExists(pg, job.target.schema, t->target_table));
    }
  } catch (const std::exception& e) {
    pass.missing_.assign(request.tables.size(), false);
    pass.error_ = e.what();
  }
  return pass;
}

void ForeignKeyPass::Finish(const RunRequest& request, report::RunReport& report) const {
  const auto& job = *request.job;
  if (!error_.empty()) {
    AddError(report, "foreign keys not created: cannot read the target: " + error_);
    return;
  }
  try {
    std::vector<sink::ForeignKeyToCreate> keys;
    std::optional<source::MySqlConnection> mysql;
    for (std::size_t i = 0; i < request.tables.size() && i < report.tables.size(); ++i) {
      if (!missing_[i] || !Loaded(report.tables[i])) continue;
      const config::TableSpec& table = *request.tables[i];
      if (!mysql) {
        mysql.emplace(source::Connect(job.source, request.env));
        mysql->SetReadOnly();
      }
      const auto source_keys =
          source::ReadForeignKeys(*mysql, job.source.database, table.source_table);
      for (const auto& key : types::MapForeignKeys(source_keys)) {
        const std::string label = fmt::format("{}: foreign key {}", table.name, key.name);
        if (key.referenced_database != job.source.database) {
          spdlog::warn("{} skipped: it references {}.{}, another MySQL database", label,
                       key.referenced_database, key.referenced_table);
          continue;
        }
        const config::TableSpec* parent = LoadingTable(job, key.referenced_table);
        if (parent == nullptr) {
          spdlog::warn("{} skipped: the referenced table {} is not in the job", label,
                       key.referenced_table);
          continue;
        }
        keys.push_back(sink::ForeignKeyToCreate{table.target_table, parent->target_table, key});
      }
    }
    if (keys.empty()) return;
    sink::PgConnection pg = sink::Connect(job.target, request.env, /*apply_session=*/true);
    const auto outcome = sink::CreateForeignKeys(pg, job.target.schema, keys);
    for (const auto& c : outcome.created)
      spdlog::info("foreign key {} created and validated", c);
    for (const auto& s : outcome.skipped)
      spdlog::warn("{}", s);
    for (const auto& f : outcome.failures) {
      spdlog::error("{}", f);
      AddError(report, f);
    }
  } catch (const std::exception& e) {
    spdlog::error("foreign keys not created: {}", e.what());
    AddError(report, std::string("foreign keys not created: ") + e.what());
  }
}

}  // namespace etl::pipeline
