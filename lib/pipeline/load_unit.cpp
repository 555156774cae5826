#include "pipeline/load_unit.h"

#include <spdlog/spdlog.h>

#include "pipeline/cancel_hooks.h"
#include "pipeline/read_plans.h"
#include "sink/pg_connection.h"
#include "source/table_source.h"

namespace etl::pipeline {
namespace {

CancelSource KillQueryOf(const LoadContext& ctx, const source::MySqlConnection& mysql) {
  const config::SourceSpec* source = &ctx.job->source;
  const config::EnvLookup env = ctx.env;
  const std::uint64_t id = mysql.connection_id();
  return [source, env, id] { source::KillQuery(*source, env, id); };
}

// The rows written so far by part `part`, for the progress display.
ProgressCallback ProgressOf(const LoadContext& ctx, const std::string& table, std::size_t part) {
  if (ctx.display == nullptr) return {};
  report::Progress* display = ctx.display;
  return [display, table, part](std::int64_t rows) { display->Update(table, part, rows); };
}

}  // namespace

LoadUnitResult RunLoadUnit(const LoadUnitContext& unit, LoadSession& session, ReadPlan read,
                           plan::ChunkSequencer* sequencer, std::size_t index, sink::KeyRange range,
                           Cancellation* cancellation, bool* commit_in_doubt) {
  const LoadContext& ctx = *unit.ctx;
  const config::JobSpec& job = *ctx.job;
  // A merge that compares the rows with the target's (sink/changed_rows_sink.h) reads the
  // target's rows of the range on a connection of its own (outside pipeline.pool: it only
  // reads, and only while this unit runs), and needs the rows in key order.
  std::optional<sink::PgConnection> target_reader;
  sink::PartOptions options;
  options.range = range;
  if (unit.load->compares_with_target()) {
    read.ordered = true;
    target_reader.emplace(sink::Connect(job.target, ctx.env, /*apply_session=*/false));
    options.target_reader = &*target_reader;
  }
  auto part = unit.load->OpenPart(index, *session.pg, options);
  if (index == 0) {
    spdlog::debug("{}: writing into {} with {}", unit.table->name, unit.load->Destination(),
                  part->sink().Describe());
  }
  auto accumulation = MakeAccumulation(job, *unit.table);
  BadRowPolicy bad_rows = unit.bad_rows;
  bad_rows.key_indexes = read.key_indexes;
  LoadUnitResult result;
  {
    auto stop_pg = CancelStatements(cancellation, *session.pg);
    auto stop_reader = target_reader ? CancelStatements(cancellation, *target_reader)
                                     : Cancellation::Registration{};
    auto stop_mysql = CancelStatements(cancellation, *session.mysql, job.source, ctx.env);
    result.pump = Pump(*session.mysql, read, sequencer, part->sink(), accumulation.get(), bad_rows,
                       ProgressOf(ctx, unit.table->name, index), KillQueryOf(ctx, *session.mysql),
                       cancellation);
  }
  try {
    part->Finish();
  } catch (...) {
    if (commit_in_doubt != nullptr) *commit_in_doubt = part->commit_in_doubt();
    throw;
  }
  result.counters = part->sink().counters();
  return result;
}

}  // namespace etl::pipeline
