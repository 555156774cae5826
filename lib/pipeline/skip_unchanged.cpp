#include "pipeline/skip_unchanged.h"

#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/run_recording.h"
#include "report/stopwatch.h"
#include "sink/run_history.h"
#include "sink/schema_manager.h"
#include "source/table_fingerprint.h"

namespace etl::pipeline {

bool SkipUnchangedOn(const config::JobSpec& job, const config::TableSpec& table) {
  return table.skip_unchanged.value_or(job.pipeline.skip_unchanged);
}

namespace {

bool SameTableOf(const report::RunRecord& r, const config::JobSpec& job,
                 const config::TableSpec& table) {
  return r.job == job.name && r.table_name == table.name && r.source_table == table.source_table;
}

// The newest fingerprint known to describe the content `last` loaded: a later skip of the same
// table re-checked it and recorded a newer UPDATE_TIME, which keeps the shortcut usable after a
// write that changed nothing (or changed it and back).
std::optional<std::string> NewestVerified(sink::PgConnection& pg, const config::JobSpec& job,
                                          const config::TableSpec& table,
                                          const report::RunRecord& last) {
  if (!last.fingerprint) return std::nullopt;
  const auto skip = sink::LastSkipOf(pg, job.target.schema, table.target_table);
  if (skip && skip->fingerprint && SameTableOf(*skip, job, table) &&
      skip->finished_at > last.finished_at &&
      source::SameSource(*skip->fingerprint, *last.fingerprint)) {
    return skip->fingerprint;
  }
  return last.fingerprint;
}

}  // namespace

SkipDecision ShouldSkip(source::MySqlConnection& mysql, sink::PgConnection& pg,
                        const config::JobSpec& job, const config::TableSpec& table) {
  SkipDecision d;
  const std::string& schema = job.target.schema;
  const auto last = sink::LastLoadOf(pg, schema, table.target_table);
  const bool same_load = last && SameTableOf(*last, job, table);
  const auto taken =
      source::TakeFingerprint(mysql, job.source.database, table,
                              same_load ? NewestVerified(pg, job, table, *last) : std::nullopt);
  if (taken) d.fingerprint = taken->text;
  if (!d.fingerprint) {
    d.reason = "no fingerprint: the source table does not exist";
  } else if (!last) {
    d.reason = "no earlier load of the target recorded";
  } else if (!same_load) {
    d.reason = fmt::format("the target was last loaded by job {} table {} (run {})", last->job,
                           last->table_name, last->run_id);
  } else if (last->status != "ok") {
    d.reason = fmt::format("the last load (run {}) ended {}", last->run_id, last->status);
  } else if (!last->fingerprint) {
    d.reason = fmt::format("the last load (run {}) saved no fingerprint", last->run_id);
  } else if (!source::SameSource(*last->fingerprint, *d.fingerprint)) {
    d.reason = fmt::format("source changed since run {} ({} -> {})", last->run_id,
                           *last->fingerprint, *d.fingerprint);
  } else if (!sink::TableExists(pg, schema, table.target_table)) {
    d.reason = fmt::format("target {}.{} is missing", schema, table.target_table);
  } else {
    d.skip = true;
    d.reason = fmt::format("source unchanged since run {} ({}{})", last->run_id,
                           taken->by_update_time ? "not written since, by UPDATE_TIME: " : "",
                           *d.fingerprint);
  }
  return d;
}

report::TableReport LoadOrSkip(const LoadContext& ctx, const config::TableSpec& table) {
  const config::JobSpec& job = *ctx.job;
  if (!SkipUnchangedOn(job, table)) return LoadTable(ctx, table);

  report::TableReport r;
  r.name = table.name;
  r.started_at = report::NowIso8601();
  report::Stopwatch watch;
  SkipDecision d;
  try {
    // Both connections only for the two look-ups; given back before a load needs the pool.
    auto mysql_slot = ctx.mysql_budget->Acquire(table.name);
    auto mysql = source::Connect(job.source, ctx.env);
    auto pg_slot = ctx.pg_budget->Acquire(table.name);
    auto pg = sink::Connect(job.target, ctx.env, /*apply_session=*/false);
    d = ShouldSkip(mysql, pg, job, table);
  } catch (const std::exception& e) {
    spdlog::warn("{}: skip_unchanged: cannot take the source fingerprint, loading: {}", table.name,
                 e.what());
    return LoadTable(ctx, table);
  }
  if (d.skip && ctx.full) {  // --full loads anyway, and saves the fingerprint for next time
    d.skip = false;
    d.reason = "--full";
  }
  if (!d.skip) {
    spdlog::info("{}: skip_unchanged: loading: {}", table.name, d.reason);
    LoadContext with_fingerprint = ctx;
    with_fingerprint.fingerprint = d.fingerprint;
    return LoadTable(with_fingerprint, table);
  }
  spdlog::info("{}: skipped: {}", table.name, d.reason);
  r.status = report::TableStatus::kSkipped;
  r.skip_reason = d.reason;
  r.fingerprint = d.fingerprint;
  r.avg_chunk_efficiency = 1.0;
  r.seconds = watch.Seconds();
  r.peak_rss_mb = report::PeakRssMb();
  RecordAlone(job, ctx.env, ctx.run_id, table, r);
  if (ctx.display != nullptr) ctx.display->Finish(r);
  return r;
}

}  // namespace etl::pipeline
