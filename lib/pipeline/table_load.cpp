#include "pipeline/table_load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/error_class.h"
#include "pipeline/load_session.h"
#include "pipeline/load_totals.h"
#include "pipeline/load_unit.h"
#include "pipeline/part_runner.h"
#include "pipeline/read_plans.h"
#include "pipeline/retry.h"
#include "pipeline/run_recording.h"
#include "pipeline/table_planner.h"
#include "pipeline/watermark.h"
#include "report/stopwatch.h"
#include "sink/column_drift.h"
#include "sink/pg_quote.h"
#include "sink/post_load.h"
#include "sink/run_history.h"
#include "sink/schema_manager.h"
#include "sink/state_store.h"
#include "sink/target_load.h"
#include "source/table_source.h"
#include "source/table_stats.h"

namespace etl::pipeline {
namespace {

using config::Strategy;

bool Benchmarking(const LoadContext& ctx, const config::TableSpec& table) {
  return ctx.benchmark || table.benchmark.value_or(ctx.job->pipeline.benchmark);
}

report::PhaseTimes Phases(const LoadTotals& t, double total_seconds) {
  return report::PhaseTimes{t.read_seconds, t.process_seconds, t.write_seconds, total_seconds};
}

class TableLoad {
 public:
  TableLoad(const LoadContext& ctx, const config::TableSpec& table, report::TableReport& report)
      : ctx_(ctx), job_(*ctx.job), table_(table), report_(report) {}

  void Run() {
    // A server that is away when the table starts (restarting, failing over) is waited for.
    Retry connect(RetryPolicy::From(job_.pipeline.retry), table_.name + " (connecting)",
                  ctx_.cancellation);
    std::optional<LoadSession> opened;
    try {
      opened.emplace(connect.Run([this](int) {
        LoadSession s = Open(table_.name);
        source::BeginSnapshot(*s.mysql);
        return s;
      }));
    } catch (...) {
      report_.retries = connect.retries();
      throw;
    }
    other_retries_ += connect.retries();
    LoadSession main = std::move(*opened);
    plan_ = PlanTable(job_, table_, *main.mysql, &*main.pg,
                      PlanOverrides{ctx_.strategy, ctx_.full, ctx_.data_only});
    if (plan_.problem.empty() && !plan_.added_columns.empty()) AddNewColumns(main);
    report_.strategy = config::ToString(plan_.decision.strategy);
    report_.strategy_reason = plan_.decision.reason;
    report_.chunking = config::ToString(plan_.chunking.chunking);
    report_.target_variant = sink::ToString(plan_.target_choice.variant);
    if (!plan_.problem.empty()) throw std::runtime_error(plan_.problem);
    spdlog::info("{}", FormatPlanLine(plan_));
    if (ctx_.display != nullptr) {
      ctx_.display->Begin(table_.name, report_.strategy,
                          plan_.incremental ? std::nullopt : std::optional(plan_.rows));
    }

    if (table_.extraction_strategy == config::ExtractionStrategy::kIncremental) {
      // The probe ends the planning snapshot and starts the one the rows are read in.
      const source::Literals literals = KeyLiterals(plan_);
      window_.probe =
          source::ProbeWritersThenSnapshot(*main.mysql, job_.source.database, table_.source_table,
                                           table_.where, plan_.cursor, literals);
      ExplainProbe(table_, window_.probe);
      window_.upto = source::HighMark(*main.mysql, job_.source.database, table_.source_table,
                                      table_.where, plan_.cursor, literals);
    }
    if (plan_.incremental) {
      window_.after = UsableWatermark(plan_, job_, &window_.resume_after_early_stop);
      AdoptPending(plan_, job_, window_);
    }
    if (job_.pipeline.reject_dir.size() > 0 && table_.on_bad_row == config::OnBadRow::kReject) {
      rejects_ = std::make_unique<RejectFile>(job_.pipeline.reject_dir, table_.name);
    }

    const bool parallel = plan_.decision.strategy == Strategy::kParallel;
    parts_ = {KeyPart{}};
    if (parallel) {
      parts_ = PartsBetween(SplitPoints(*main.mysql), plan_.key_min);
    }
    // The first try loads in the snapshot the plan (and the incremental high mark) was made in;
    // a retry opens sessions and a snapshot of its own, with the same plan and window.
    main_.emplace(std::move(main));
    Retry retry(RetryPolicy::From(job_.pipeline.retry), table_.name, ctx_.cancellation);
    table_retry_ = &retry;
    try {
      retry.Run([this](int attempt) { Attempt(attempt); });
    } catch (...) {
      report_.retries = RetriesSoFar();
      table_retry_ = nullptr;
      throw;
    }
    report_.retries = RetriesSoFar();
    table_retry_ = nullptr;
    FillReport();
    sink::RunPostLoad(*main_->pg, table_.post_load);
  }

  const LoadTotals& totals() const { return totals_; }

 private:
  // One try of the whole table: Begin, the rows (one stream, or every part with retries of
  // its own), Commit. What a failed try wrote is gone when it returns: one stream's
  // transaction is rolled back (or died with its session), a parallel load's stage is dropped
  // (or dropped by the next Begin). A try that lost its connection while the final COMMIT was on
  // its way is not redone (the load may have committed): it fails with an error saying so.
  void Attempt(int attempt) {
    if (attempt > 1) StartOver();
    if (!main_) {
      main_.emplace(Open(table_.name));
      source::BeginSnapshot(*main_->mysql);
    }
    LoadSession& main = *main_;
    load_ = sink::TargetLoad::Make(LoadSpec(parts_.size()));
    spdlog::debug("{}: target {} ({}), {} part(s)", table_.name,
                  sink::ToString(plan_.target_choice.variant), plan_.target_choice.reason,
                  parts_.size());
    try {
      load_->Begin(*main.pg);
      bool early = false;
      std::optional<std::int64_t> early_key;
      if (parts_.size() == 1) {
        LoadOneStream(main, early, early_key);
      } else {
        // The parts open sessions of their own: give this table's back to the pool meanwhile,
        // so that even pool.size 1 works (the parts then run one after the other).
        main.CloseMySql();
        if (load_->holds_connection()) {
          main.pg_slot = {};  // its transaction holds the target's lock until the commit
        } else {
          main.ClosePg();
        }
        RunParts(Unit(), BaseReadPlan(job_, plan_, window_), parts_, plan_.target_key.at(0),
                 totals_, other_retries_);
        report_.avg_chunk_efficiency = 1.0;
        if (main.pg) {
          main.pg_slot = ctx_.pg_budget->Acquire(table_.name);
        } else {
          ReopenPg(main, job_, ctx_.env, *ctx_.pg_budget, table_.name, Tuned());
        }
      }
      ThrowIfRequested(ctx_.cancellation, table_.name);
      sink::CommitSummary summary;
      try {
        summary = load_->Commit(*main.pg, Record(early, early_key));
      } catch (...) {
        if (!load_->commit_in_doubt()) throw;
        ResolveCommitInDoubt(std::current_exception());  // returns when it committed
        ReopenPg(main, job_, ctx_.env, *ctx_.pg_budget, table_.name, Tuned());
      }
      if (summary.deleted >= 0) {
        spdlog::info("{}: merged into {}: {} rows inserted or changed, {} deleted{}", table_.name,
                     sink::QualifiedName(job_.target.schema, table_.target_table), summary.inserted,
                     summary.deleted,
                     summary.unchanged >= 0
                         ? fmt::format(", {} unchanged (compared with the target's as they came)",
                                       summary.unchanged)
                         : "");
      }
      report_.status = early ? report::TableStatus::kEarlyTerminated : report::TableStatus::kOk;
    } catch (...) {
      if (!main.pg) {  // the parts failed while this table's connection was given back
        try {
          ReopenPg(main, job_, ctx_.env, *ctx_.pg_budget, table_.name, Tuned());
        } catch (const std::exception& e) {
          spdlog::warn("{}: cannot reconnect to clean up: {}", table_.name, e.what());
        }
      }
      load_->Abandon(main.pg ? &*main.pg : nullptr);
      main_.reset();  // a retry starts on fresh sessions
      throw;
    }
  }

  // The table's retries and every part's, up to now.
  std::int64_t RetriesSoFar() const {
    return (table_retry_ != nullptr ? table_retry_->retries() : 0) + other_retries_.load();
  }

  // Before a retry: forget what the failed try counted (its rows are gone).
  void StartOver() {
    totals_ = LoadTotals{};
    if (rejects_) rejects_ = std::make_unique<RejectFile>(job_.pipeline.reject_dir, table_.name);
  }

  // The final COMMIT was sent and its answer lost: the table may be loaded or not. It is never
  // simply redone (a created or swapped target would be built again from a source that moved
  // on, and the history would say two loads): a fresh session asks PostgreSQL how the
  // transaction ended (sink::TargetLoad::ResolveInDoubtCommit), for up to kInDoubtWait.
  // Committed: returns (the load is complete). Rolled back: rethrows the lost connection, which
  // is then retried like one before COMMIT. Unknown: throws, naming the transaction.
  void ResolveCommitInDoubt(const std::exception_ptr& error) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    if (Classify(error) != ErrorClass::kConnectionLost) std::rethrow_exception(error);
    constexpr auto kInDoubtWait = std::chrono::seconds(30);
    const auto deadline = std::chrono::steady_clock::now() + kInDoubtWait;
    sink::InDoubtResolution resolution;
    for (;;) {  // the server may be restarting: keep asking until the deadline
      try {
        sink::PgConnection fresh = sink::Connect(job_.target, ctx_.env, /*apply_session=*/false);
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        resolution =
            load_->ResolveInDoubtCommit(fresh, std::max(left, std::chrono::milliseconds(0)));
        break;
      } catch (const std::exception& e) {
        resolution.detail = e.what();
        if (std::chrono::steady_clock::now() >= deadline || Requested(ctx_.cancellation)) {
          break;
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
    }
    switch (resolution.outcome) {
      case sink::CommitOutcome::kCommitted:
        spdlog::warn(
            "{}: the connection was lost while COMMIT was on its way ({}), but PostgreSQL reports "
            "transaction {} committed: the load is complete",
            table_.name, what, resolution.xid);
        return;
      case sink::CommitOutcome::kRolledBack:
        spdlog::warn(
            "{}: the connection was lost while COMMIT was on its way ({}); PostgreSQL reports "
            "transaction {} rolled back, so the target is as it was",
            table_.name, what, resolution.xid);
        std::rethrow_exception(error);
      case sink::CommitOutcome::kUnknown:
        break;
    }
    throw std::runtime_error(fmt::format(
        "{}: the connection was lost while COMMIT was on its way ({}); whether the load "
        "committed is unknown ({}), so it is not retried: see {}.etl_runs for run {}{}",
        table_.name, what, resolution.detail, job_.target.schema, ctx_.run_id,
        resolution.xid.empty() ? ""
                               : fmt::format(", or SELECT pg_xact_status('{}')", resolution.xid)));
  }

  bool Tuned() const { return table_.performance.use_optimized_connections; }

  // Schema drift: columns new at the source are added to the target (nullable; committed on
  // their own, sink/column_drift.h), then the table is planned again against the new target.
  void AddNewColumns(LoadSession& main) {
    for (const auto& c : plan_.added_columns) {
      spdlog::warn(
          "{}: column {} is new in the source table {}.{}: adding it to {} as {} (nullable){}",
          table_.name, c.source.name, job_.source.database, table_.source_table,
          sink::QualifiedName(job_.target.schema, table_.target_table), c.pg_type,
          plan_.incremental ? "; rows loaded before keep NULL in it until they change "
                              "(a --full reload fills it)"
                            : "");
    }
    sink::AddColumns(
        *main.pg, job_.target.schema, table_.target_table, plan_.added_columns,
        std::chrono::milliseconds(static_cast<std::int64_t>(job_.target.lock_timeout_s * 1000.0)));
    plan_ = PlanTable(job_, table_, *main.mysql, &*main.pg,
                      PlanOverrides{ctx_.strategy, ctx_.full, ctx_.data_only});
  }

  // Parallel parts' split points (source/table_stats.h): one walk over the key's index from the
  // row total the plan has (no COUNT first), or none when the rows fill the key's range; for an
  // incremental run on its key, only over the window past the watermark. A delta on another
  // cursor is split by the table's key range (its rows follow the cursor, not the key): balanced
  // for the table, not for the delta.
  std::vector<std::int64_t> SplitPoints(source::MySqlConnection& mysql) const {
    source::SplitOptions range;
    const bool key_window =
        plan_.incremental && plan_.cursor.size() == 1 && plan_.cursor[0] == plan_.key[0];
    if (key_window) {
      if (window_.after) range.lo = std::stoll(window_.after->at(0)) + 1;
      if (window_.upto) range.hi = std::stoll(window_.upto->at(0));
    }
    if (!range.lo) range.lo = plan_.key_min;  // the measured range bounds the rest
    if (!range.hi) range.hi = plan_.key_max;
    if (plan_.rows_counted) {
      range.total = plan_.rows;  // exactly these rows
    } else if (plan_.rows_delta && !key_window) {
      range.total = plan_.table_rows_estimate;
    } else if (!plan_.rows_delta && !table_.where) {
      range.total = plan_.rows;  // the whole table: its statistics
    }  // else counted by KeySplitPoints, over the window (or the filter) only
    return source::KeySplitPoints(mysql, job_.source.database, table_.source_table, plan_.key[0],
                                  table_.where, table_.performance.parallel_chunks, range);
  }

  LoadSession Open(const std::string& who) {
    return OpenLoadSession(job_, ctx_.env, *ctx_.mysql_budget, *ctx_.pg_budget, who, Tuned());
  }

  sink::TargetLoadSpec LoadSpec(std::size_t parts) const {
    sink::TargetLoadSpec s;
    s.schema = job_.target.schema;
    s.table = table_.target_table;
    s.columns = plan_.columns;
    s.key = plan_.target_key;
    s.definition = plan_.definition;
    s.variant = plan_.target_choice.variant;
    s.parts = parts;
    const Strategy strategy = plan_.decision.strategy;
    s.writer = strategy == Strategy::kCopyCsv || strategy == Strategy::kParallel
                   ? sink::WriterKind::kCopy
                   : sink::WriterKind::kInsert;
    s.copy_format = table_.performance.copy_format;
    s.lock_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(job_.target.lock_timeout_s * 1000.0));
    s.label = table_.name;
    s.run_id = ctx_.run_id;
    return s;
  }

  BadRowPolicy BadRows() const {
    BadRowPolicy b;
    b.mode = table_.on_bad_row;
    b.table = table_.name;
    b.columns = &plan_.columns;
    b.rejects = rejects_.get();
    return b;
  }

  // What the table's reader/writer units share (pipeline/load_unit.h).
  LoadUnitContext Unit() const {
    LoadUnitContext u;
    u.ctx = &ctx_;
    u.table = &table_;
    u.load = load_.get();
    u.bad_rows = BadRows();
    return u;
  }

  // One reader on this table's session, writing inside the load's transaction.
  void LoadOneStream(LoadSession& main, bool& early, std::optional<std::int64_t>& early_key) {
    SingleStreamRead read = PlanSingleStream(job_, plan_, window_);
    plan::ChunkSequencer* sequencer = read.sequencer ? &*read.sequencer : nullptr;
    const LoadUnitResult r =
        RunLoadUnit(Unit(), main, read.read, sequencer, 0, {}, ctx_.cancellation);
    totals_.Add(r.pump, r.counters);
    if (sequencer != nullptr) {
      early = sequencer->early_terminated();
      if (early) early_key = sequencer->watermark();
      report_.avg_chunk_efficiency = sequencer->avg_efficiency();
      report_.sparse_detections = sequencer->sparse_detections();
      report_.queries_saved =
          job_.sparse.monitoring.track_performance_gains ? sequencer->queries_saved_vs_fixed() : 0;
    } else {
      report_.avg_chunk_efficiency = 1.0;
    }
  }

  // The state row that commits with the rows.
  sink::CommitRecord Record(bool early, std::optional<std::int64_t> early_key) {
    sink::CommitRecord record;
    sink::StateUpdate state;
    state.target_table = table_.target_table;
    state.legacy_name = table_.name;
    state.job = job_.name;
    state.source_table = job_.source.database + "." + table_.source_table;
    state.pending = window_.probe.newest.value_or(std::vector<std::string>{});
    state.pending_at = window_.probe.newest_at;
    for (const auto& c : plan_.columns)
      state.loaded_columns.push_back(c.name);
    state.status = early ? "early_terminated" : "ok";
    state.rows = totals_.rows_written;
    if (table_.extraction_strategy == config::ExtractionStrategy::kIncremental) {
      state.watermark = WatermarkToSave(window_, early, early_key);
      state.cursor_columns = plan_.cursor;
      if (!state.watermark.empty()) report_.watermark = sink::JsonStringArray(state.watermark);
    }
    record.state = std::move(state);
    // The run history row (and the NOTIFY) commit with the rows (pipeline/run_recording.h).
    report::TableReport snapshot = report_;
    snapshot.status = early ? report::TableStatus::kEarlyTerminated : report::TableStatus::kOk;
    FillCounters(snapshot);
    snapshot.retries = RetriesSoFar();
    snapshot.seconds = watch_.Seconds();
    snapshot.peak_rss_mb = report::PeakRssMb();
    if (Benchmarking(ctx_, table_)) snapshot.phases = Phases(totals_, snapshot.seconds);
    record.in_transaction.push_back([this, snapshot](sink::PgConnection& pg) {
      RecordCommitted(pg, job_, ctx_.run_id, table_, snapshot);
    });
    if (ctx_.lock_held) {
      // A lock whose connection dropped may already be another runner's: never commit then.
      auto held = ctx_.lock_held;
      const std::string target = job_.target.schema + "." + table_.target_table;
      record.in_transaction.push_back([held, target](sink::PgConnection&) {
        if (!held()) {
          throw std::runtime_error("lost the lock on target " + target +
                                   " (its connection dropped); rolled back, since another runner "
                                   "may be loading it now");
        }
      });
    }
    return record;
  }

  void FillCounters(report::TableReport& r) const {
    r.rows_read = totals_.rows_read;
    r.rows_written = totals_.rows_written;
    r.rows_rejected = totals_.rows_rejected;
    r.bytes = totals_.bytes;
    r.queries = totals_.queries;
    r.chunks = totals_.chunks;
    r.batches = totals_.batches;
  }

  void FillReport() {
    FillCounters(report_);
    if (rejects_ && rejects_->count() > 0) {
      spdlog::warn("{}: {} bad row{} written to {}", table_.name, rejects_->count(),
                   rejects_->count() == 1 ? "" : "s", rejects_->path());
    }
  }

  const LoadContext& ctx_;
  const config::JobSpec& job_;
  const config::TableSpec& table_;
  report::TableReport& report_;
  TablePlan plan_;
  IncrementalWindow window_;
  std::unique_ptr<RejectFile> rejects_;
  std::vector<KeyPart> parts_;
  std::optional<LoadSession> main_;  // the table's session (while it is open)
  std::unique_ptr<sink::TargetLoad> load_;
  LoadTotals totals_;
  // Retries outside the table's own Retry: every part's (over every try of the table), and
  // connecting at the start.
  std::atomic<int> other_retries_{0};
  const Retry* table_retry_ = nullptr;  // while Run retries the table
  report::Stopwatch watch_;
};

}  // namespace

void PrepareTarget(const config::JobSpec& job, const config::EnvLookup& env) {
  sink::PgConnection pg = sink::Connect(job.target, env, /*apply_session=*/false);
  sink::EnsureSchema(pg, job.target.schema);
  sink::EnsureStateTable(pg, job.target.schema);
  sink::EnsureRunsTable(pg, job.target.schema);
}

report::TableReport LoadTable(const LoadContext& ctx, const config::TableSpec& table) {
  report::TableReport r;
  r.name = table.name;
  r.started_at = report::NowIso8601();
  r.fingerprint = ctx.fingerprint;
  report::Stopwatch watch;
  TableLoad load(ctx, table, r);
  try {
    load.Run();
  } catch (const std::exception& e) {
    r.status = report::TableStatus::kFailed;
    r.error = e.what();
    r.watermark.reset();
    spdlog::error("{}: failed: {}", table.name, e.what());
  }
  r.seconds = watch.Seconds();
  r.peak_rss_mb = report::PeakRssMb();
  if (Benchmarking(ctx, table)) r.phases = Phases(load.totals(), r.seconds);
  if (r.status == report::TableStatus::kFailed || r.status == report::TableStatus::kCancelled) {
    RecordAlone(*ctx.job, ctx.env, ctx.run_id, table, r);  // after the rollback
  }
  if (ctx.display != nullptr) ctx.display->Finish(r);
  return r;
}

}  // namespace etl::pipeline
