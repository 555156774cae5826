#include "pipeline/run_recording.h"

#include <exception>

#include <spdlog/spdlog.h>

#include "report/run_record.h"
#include "sink/notify.h"
#include "sink/run_history.h"

namespace etl::pipeline {
namespace {

report::RunRecord Record(const config::JobSpec& job, const std::string& run_id,
                         const config::TableSpec& table, const report::TableReport& report) {
  const auto run = report::ThisProcess(run_id, job.name, job.target.schema);
  const std::string now = report::NowIso8601();
  return report::ToRunRecord(run, report, table.source_table, table.target_table,
                             report.started_at.empty() ? now : report.started_at, now);
}

}  // namespace

void RecordCommitted(sink::PgConnection& pg, const config::JobSpec& job, const std::string& run_id,
                     const config::TableSpec& table, const report::TableReport& report) {
  sink::AppendRun(pg, job.target.schema, Record(job, run_id, table, report));
  if (job.pipeline.notify.empty()) return;
  sink::LoadedTable loaded;
  loaded.table = table.name;
  loaded.schema = job.target.schema;
  loaded.target_table = table.target_table;
  loaded.rows = report.rows_written;
  loaded.watermark = report.watermark;
  loaded.run_id = run_id;
  loaded.job = job.name;
  loaded.status = report::ToString(report.status);
  sink::Notify(pg, job.pipeline.notify, sink::LoadedPayload(loaded));
}

void RecordAlone(const config::JobSpec& job, const config::EnvLookup& env,
                 const std::string& run_id, const config::TableSpec& table,
                 const report::TableReport& report) {
  try {
    sink::PgConnection pg = sink::Connect(job.target, env, /*apply_session=*/false);
    sink::AppendRun(pg, job.target.schema, Record(job, run_id, table, report));
  } catch (const std::exception& e) {
    spdlog::warn("{}: could not write its {} row to {}.{}: {}", table.name,
                 report::ToString(report.status), job.target.schema, sink::kRunsTableName,
                 e.what());
  }
}

}  // namespace etl::pipeline
