#include "pipeline/table_load.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/batch_sink.h"
#include "pipeline/progress_sink.h"
#include "pipeline/pump.h"
#include "pipeline/run_recording.h"
#include "pipeline/table_planner.h"
#include "plan/accumulation_policy.h"
#include "plan/chunk_sequencer.h"
#include "report/stopwatch.h"
#include "sink/index_deferral.h"
#include "sink/pg_quote.h"
#include "sink/run_history.h"
#include "sink/schema_manager.h"
#include "sink/state_store.h"
#include "sink/table_swap.h"
#include "source/mysql_quote.h"
#include "source/table_stats.h"

namespace etl::pipeline {
namespace {

using config::Strategy;

// Everything one table load accumulates, whatever the strategy.
struct LoadTotals {
  std::int64_t rows_read = 0;
  std::int64_t rows_written = 0;
  std::int64_t rows_rejected = 0;
  std::int64_t bytes = 0;
  std::int64_t queries = 0;
  std::int64_t chunks = 0;
  std::int64_t batches = 0;
  double read_seconds = 0;
  double process_seconds = 0;
  double write_seconds = 0;

  void Add(const PumpResult& pump, const SinkCounters& sink) {
    rows_read += pump.reader.rows;
    rows_rejected += pump.rows_rejected;
    queries += pump.reader.queries;
    chunks += pump.reader.chunks;
    read_seconds += pump.reader.read_seconds;
    rows_written += sink.rows_written;
    bytes += sink.bytes;
    batches += sink.batches;
    process_seconds += sink.process_seconds;
    write_seconds += sink.write_seconds;
  }
};

// The pair of connections one reader/writer needs, each holding a pool slot.
struct Session {
  ConnectionBudget::Slot mysql_slot;
  std::optional<source::MySqlConnection> mysql;
  ConnectionBudget::Slot pg_slot;
  std::optional<sink::PgConnection> pg;
};

Session OpenSession(const LoadContext& ctx, const config::TableSpec& table,
                    const std::string& who) {
  Session s;
  s.mysql_slot = ctx.mysql_budget->Acquire(who);
  s.mysql.emplace(source::Connect(ctx.job->source, ctx.env));
  s.pg_slot = ctx.pg_budget->Acquire(who);
  s.pg.emplace(
      sink::Connect(ctx.job->target, ctx.env, table.performance.use_optimized_connections));
  return s;
}

void BeginSnapshot(source::MySqlConnection& mysql) {
  mysql.Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

std::vector<std::size_t> IndexesOf(const std::vector<types::TargetColumn>& columns,
                                   const std::vector<std::string>& names) {
  std::vector<std::size_t> out;
  for (const auto& n : names) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == n) out.push_back(i);
    }
  }
  return out;
}

// The largest cursor value at the start of the run: rows past it wait for the next run.
std::optional<std::vector<std::string>> HighMark(source::MySqlConnection& mysql,
                                                 const config::JobSpec& job,
                                                 const config::TableSpec& table,
                                                 const std::vector<std::string>& cursor) {
  std::string cols;
  std::string order;
  for (const auto& c : cursor) {
    cols += (cols.empty() ? "" : ", ") + source::QuoteIdent(c);
    order += (order.empty() ? "" : ", ") + source::QuoteIdent(c) + " DESC";
  }
  std::string sql = fmt::format("SELECT {} FROM {}", cols,
                                source::QuoteQualified(job.source.database, table.source_table));
  if (table.where) sql += " WHERE (" + *table.where + "\n)";
  sql += " ORDER BY " + order + " LIMIT 1";
  const auto rows = mysql.Query(sql);
  if (rows.empty()) return std::nullopt;
  std::vector<std::string> values;
  for (const auto& v : rows[0]) {
    if (!v) {
      throw std::runtime_error(fmt::format(
          "table {}: an incremental cursor column is NULL in the newest row; incremental "
          "columns must be NOT NULL",
          table.name));
    }
    values.push_back(*v);
  }
  return values;
}

std::string UpsertFromStage(const std::string& schema, const std::string& target,
                            const std::string& stage_qualified,
                            const std::vector<types::TargetColumn>& columns,
                            const std::vector<std::string>& key,
                            const std::vector<std::string>& cursor) {
  std::vector<std::string> names;
  for (const auto& c : columns)
    names.push_back(c.name);
  std::string set;
  for (const auto& c : columns) {
    if (std::find(key.begin(), key.end(), c.name) != key.end()) continue;
    set += (set.empty() ? "" : ", ") + sink::QuoteIdent(c.name) + " = EXCLUDED." +
           sink::QuoteIdent(c.name);
  }
  // DISTINCT ON keeps one row per key (the newest by cursor) so the upsert never touches a row
  // twice in one statement.
  std::string order = sink::QuoteIdentList(key);
  for (const auto& c : cursor) {
    if (std::find(key.begin(), key.end(), c) == key.end()) {
      order += ", " + sink::QuoteIdent(c) + " DESC";
    }
  }
  return fmt::format(
      "INSERT INTO {} ({}) SELECT DISTINCT ON ({}) {} FROM {} ORDER BY {} ON CONFLICT ({}) {}",
      sink::QualifiedName(schema, target), sink::QuoteIdentList(names), sink::QuoteIdentList(key),
      sink::QuoteIdentList(names), stage_qualified, order, sink::QuoteIdentList(key),
      set.empty() ? "DO NOTHING" : "DO UPDATE SET " + set);
}

// An integer key value from a watermark or high mark; the whole text must be the number.
std::int64_t KeyValue(const std::string& text, const char* what) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::runtime_error(fmt::format("{} '{}' is not an integer key value", what, text));
  }
  return v;
}

bool Benchmarking(const LoadContext& ctx, const config::TableSpec& table) {
  return ctx.benchmark || table.benchmark.value_or(ctx.job->pipeline.benchmark);
}

report::PhaseTimes Phases(const LoadTotals& t, double seconds) {
  return report::PhaseTimes{t.read_seconds, t.process_seconds, t.write_seconds, seconds};
}

class TableLoad {
 public:
  TableLoad(const LoadContext& ctx, const config::TableSpec& table, report::TableReport& report)
      : ctx_(ctx),
        job_(*ctx.job),
        table_(table),
        report_(report),
        label_(fmt::format("{}.{}", job_.source.database, table.source_table)) {}

  void Run() {
    Session main = OpenSession(ctx_, table_, table_.name);
    auto& mysql = *main.mysql;
    auto& pg = *main.pg;

    BeginSnapshot(mysql);
    plan_ = PlanTable(job_, table_, mysql, &pg, PlanOverrides{ctx_.strategy, ctx_.full});
    report_.strategy = config::ToString(plan_.decision.strategy);
    report_.strategy_reason = plan_.decision.reason;
    report_.chunking = config::ToString(plan_.chunking.chunking);
    if (!plan_.problem.empty()) throw std::runtime_error(plan_.problem);
    spdlog::info("{}", FormatPlanLine(plan_));
    if (ctx_.display != nullptr) {
      ctx_.display->Begin(table_.name, report_.strategy,
                          plan_.incremental ? std::nullopt : std::optional(plan_.rows));
    }

    const bool tracks_watermark =
        table_.extraction_strategy == config::ExtractionStrategy::kIncremental;
    if (tracks_watermark) high_mark_ = HighMark(mysql, job_, table_, plan_.cursor);
    if (plan_.incremental) UseSavedWatermark();
    key_indexes_ = IndexesOf(plan_.columns, plan_.key);

    if (job_.pipeline.reject_dir.size() > 0 && table_.on_bad_row == config::OnBadRow::kReject) {
      rejects_ = std::make_unique<RejectFile>(job_.pipeline.reject_dir, table_.name);
    }

    if (plan_.decision.strategy == Strategy::kParallel) {
      const auto parts = Parts(mysql);
      main.mysql.reset();  // workers open their own; keep the pool slot count honest
      main.mysql_slot = {};
      LoadParallel(main, parts);
    } else {
      LoadSingle(mysql, pg);
    }
    CopyTotals(report_);
    if (rejects_ && rejects_->count() > 0) {
      spdlog::warn("{}: {} bad rows written to {}", table_.name, rejects_->count(),
                   rejects_->path());
    }
    RunPostLoad(*main.pg);  // LoadParallel may have replaced the session
  }

  const LoadTotals& totals() const { return totals_; }

 private:
  void CopyTotals(report::TableReport& r) const {
    r.rows_read = totals_.rows_read;
    r.rows_written = totals_.rows_written;
    r.rows_rejected = totals_.rows_rejected;
    r.bytes = totals_.bytes;
    r.queries = totals_.queries;
    r.chunks = totals_.chunks;
    r.batches = totals_.batches;
  }

  // Issue 10: the run-history row (and NOTIFY) inside the table's final transaction.
  void RecordCommit(sink::PgConnection& pg, bool early) {
    report::TableReport r = report_;
    r.status = early ? report::TableStatus::kEarlyTerminated : report::TableStatus::kOk;
    CopyTotals(r);
    r.seconds = watch_.Seconds();
    r.peak_rss_mb = report::PeakRssMb();
    if (Benchmarking(ctx_, table_)) r.phases = Phases(totals_, r.seconds);
    RecordCommitted(pg, job_, ctx_.run_id, table_, r);
  }

  ReadPlan BaseReadPlan() const {
    ReadPlan rp;
    rp.database = job_.source.database;
    rp.table = table_.source_table;
    rp.label = label_;
    for (const auto& c : plan_.columns)
      rp.columns.push_back(c.name);
    rp.where = table_.where;
    rp.key = plan_.key;
    rp.key_indexes = key_indexes_;
    rp.batch_size = table_.batch_size;
    rp.log_chunks = job_.sparse.enabled && job_.sparse.monitoring.log_efficiency_metrics;
    rp.alert_on_sparse = job_.sparse.enabled && job_.sparse.monitoring.alert_on_sparse_detection;
    rp.sparse_threshold = job_.sparse.detection.efficiency_threshold;
    rp.sparse_limit = job_.sparse.detection.consecutive_sparse_limit;
    if (plan_.incremental) {
      rp.cursor = plan_.cursor;
      rp.after = watermark_;
      rp.upto = high_mark_;
    }
    return rp;
  }

  // Single integer key that is also the whole cursor: the sequencer can chunk, adapt and stop
  // early. Otherwise generic keyset pages or one stream.
  bool Sequenced() const {
    if (!plan_.single_integer_key) return false;
    if (plan_.chunking.chunking == config::Chunking::kNone) return false;
    if (plan_.incremental) return plan_.cursor.size() == 1 && plan_.cursor[0] == plan_.key[0];
    return true;
  }

  std::unique_ptr<plan::AccumulationPolicy> MakeAccumulation() const {
    if (!job_.sparse.accumulation_on()) return nullptr;
    config::Accumulation acc = job_.sparse.accumulation;
    // bulk_insert_buffer caps the bytes of one write batch too.
    const std::int64_t cap_mb =
        std::max<std::int64_t>(1, table_.performance.bulk_insert_buffer_bytes / (1024 * 1024));
    acc.max_memory_mb = std::min(acc.max_memory_mb, cap_mb);
    return std::make_unique<plan::AccumulationPolicy>(acc, true);
  }

  std::unique_ptr<BatchSink> MakeSink(sink::PgConnection& pg, const std::string& schema,
                                      const std::string& table, bool freeze) const {
    const Strategy s = plan_.decision.strategy;
    if (s == Strategy::kCopyCsv || s == Strategy::kParallel) {
      return MakeCopySink(pg, schema, table, plan_.columns, table_.performance.copy_format, freeze);
    }
    return MakeInsertSink(pg, schema, table, plan_.columns, {});
  }

  BadRowPolicy BadRows() const {
    BadRowPolicy b;
    b.mode = table_.on_bad_row;
    b.table = table_.name;
    b.columns = &plan_.columns;
    b.key_indexes = key_indexes_;
    b.rejects = rejects_.get();
    return b;
  }

  // Incremental rows are upserted by key: an existing target needs a primary key or unique
  // index on exactly those columns. Checked before anything is read.
  void RequireUpsertKey(sink::PgConnection& pg) const {
    const std::string& schema = job_.target.schema;
    const std::string& target = table_.target_table;
    if (sink::HasPrimaryKeyOrUnique(pg, schema, target, plan_.key)) return;
    throw std::runtime_error(fmt::format(
        "target {}.{} has no primary key or unique index on ({}), which incremental upserts need",
        schema, target, fmt::join(plan_.key, ", ")));
  }

  // The saved watermark applies only to the same cursor and to the table it was saved with.
  void UseSavedWatermark() {
    if (!plan_.target.watermark) return;
    if (!plan_.target.table_exists) {
      // Someone dropped the target: reading from the old watermark would rebuild it with only
      // the newest rows. Load everything into the new table instead.
      spdlog::warn("{}: target {}.{} is missing; ignoring the saved watermark and loading all rows",
                   table_.name, job_.target.schema, table_.target_table);
      return;
    }
    const auto& saved_cursor = plan_.target.cursor_columns;
    const bool same_cursor = saved_cursor.empty()
                                 ? plan_.target.watermark->size() == plan_.cursor.size()
                                 : saved_cursor == plan_.cursor;
    if (!same_cursor) {
      throw std::runtime_error(fmt::format(
          "the saved watermark [{}] belongs to cursor ({}), but the cursor is now ({}): "
          "incremental_columns or the key changed; run once with --full to reload and reset it",
          fmt::join(*plan_.target.watermark, ", "), fmt::join(saved_cursor, ", "),
          fmt::join(plan_.cursor, ", ")));
    }
    watermark_ = plan_.target.watermark;
    resume_ = plan_.target.last_status == "early_terminated";
  }

  CancelSource CancelFor(const source::MySqlConnection& mysql) const {
    const config::SourceSpec* source = &job_.source;
    const config::EnvLookup env = ctx_.env;
    const std::uint64_t id = mysql.connection_id();
    return [source, env, id] { source::KillQuery(*source, env, id); };
  }

  ProgressCallback Progress(std::size_t part = 0) const {
    if (ctx_.display == nullptr) return {};
    return [display = ctx_.display, name = table_.name, part](std::int64_t rows) {
      display->Update(name, part, rows);
    };
  }

  void LoadSingle(source::MySqlConnection& mysql, sink::PgConnection& pg) {
    const std::string& schema = job_.target.schema;
    const std::string& target = table_.target_table;
    ReadPlan rp = BaseReadPlan();
    std::optional<plan::ChunkSequencer> sequencer;
    if (Sequenced()) {
      rp.mode = ReadPlan::Mode::kSequenced;
      plan::ChunkSequencerOptions o;
      o.chunking = plan_.chunking.chunking;
      o.batch_size = table_.batch_size;
      o.sparse = job_.sparse;
      o.incremental = plan_.incremental;
      o.resume_after_early_stop = resume_;
      o.keys.key_min = plan_.key_min;
      o.keys.key_max = plan_.key_max;
      if (plan_.incremental) {
        if (watermark_) o.keys.start_after = KeyValue(watermark_->at(0), "saved watermark");
        if (high_mark_) o.keys.key_max = KeyValue(high_mark_->at(0), "high mark");
        rp.after.reset();  // the sequencer's bounds say the same, as integers
        rp.upto.reset();
      }
      sequencer.emplace(o);
    } else if (!plan_.key.empty() && plan_.chunking.chunking != config::Chunking::kNone &&
               !plan_.incremental) {
      rp.mode = ReadPlan::Mode::kKeyset;
    } else {
      rp.mode = ReadPlan::Mode::kStream;
    }

    sink::Transaction tx(pg);
    bool created = false;
    if (!plan_.target.table_exists) {
      sink::CreateTable(pg, schema, target, plan_.columns);
      created = true;
    }
    std::string write_schema = schema;
    std::string write_table = target;
    bool freeze = created;  // a table created in this transaction may take COPY FREEZE
    bool staged = false;
    std::vector<std::string> rebuild_indexes;
    if (!plan_.incremental) {
      if (!created) {
        pg.Exec("TRUNCATE " + sink::QualifiedName(schema, target));
        rebuild_indexes = sink::DropIndexesForLoad(pg, schema, target);
      }
      freeze = true;  // created or truncated in this transaction: COPY may FREEZE
    } else if (!created) {
      RequireUpsertKey(pg);
      write_schema = "pg_temp";
      write_table = sink::TruncateIdent("etl_stage_" + target);
      pg.Exec(fmt::format("CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP",
                          sink::QuoteIdent(write_table), sink::QualifiedName(schema, target)));
      staged = true;
    }

    auto sink = WithProgress(MakeSink(pg, write_schema, write_table, freeze), Progress());
    spdlog::debug("{}: writing with {}", table_.name, sink->Describe());
    auto accumulation = MakeAccumulation();
    const PumpResult pump = Pump(mysql, rp, sequencer ? &*sequencer : nullptr, *sink,
                                 accumulation.get(), BadRows(), Progress(), CancelFor(mysql));
    totals_.Add(pump, sink->counters());
    sink.reset();

    if (staged) {
      pg.Exec(UpsertFromStage(schema, target, sink::QuoteIdent(write_table), plan_.columns,
                              plan_.key, plan_.cursor));
    }
    if (created && !plan_.key.empty()) sink::AddPrimaryKey(pg, schema, target, plan_.key);
    for (const auto& sql : rebuild_indexes)
      pg.Exec(sql);

    const bool early = sequencer && sequencer->early_terminated();
    SaveState(pg, early, sequencer ? sequencer->watermark() : std::nullopt);
    RecordCommit(pg, early);
    tx.Commit();
    FillSequencerMetrics(sequencer ? &*sequencer : nullptr, early);
  }

  void SaveState(sink::PgConnection& pg, bool early, std::optional<std::int64_t> seq_watermark) {
    const std::string status = early ? "early_terminated" : "ok";
    std::vector<std::string> wm;
    if (table_.extraction_strategy == config::ExtractionStrategy::kIncremental) {
      if (early && seq_watermark) {
        wm = {std::to_string(*seq_watermark)};
      } else if (high_mark_) {
        wm = *high_mark_;
      } else if (watermark_) {
        wm = *watermark_;  // nothing in the source: keep where we were
      }
      if (!wm.empty()) report_.watermark = sink::JsonStringArray(wm);
    }
    sink::WriteWatermark(pg, job_.target.schema, table_.name, wm, status, totals_.rows_written,
                         wm.empty() ? std::vector<std::string>{} : plan_.cursor);
  }

  void FillSequencerMetrics(const plan::ChunkSequencer* seq, bool early) {
    report_.status = early ? report::TableStatus::kEarlyTerminated : report::TableStatus::kOk;
    if (seq != nullptr) {
      report_.avg_chunk_efficiency = seq->avg_efficiency();
      report_.sparse_detections = seq->sparse_detections();
      report_.queries_saved =
          job_.sparse.monitoring.track_performance_gains ? seq->queries_saved_vs_fixed() : 0;
    } else {
      report_.avg_chunk_efficiency = 1.0;
    }
  }

  // A part of a parallel load: keys in [lo, hi); the first part has no lower bound and the last
  // none above, so no key is left out whatever the extremes (INT64_MAX included).
  struct KeyPart {
    std::optional<std::int64_t> lo;
    std::optional<std::int64_t> hi;
    std::string Describe() const {
      return fmt::format("[{}, {})", lo ? std::to_string(*lo) : "-inf",
                         hi ? std::to_string(*hi) : "+inf");
    }
  };

  // Split points come from the key's index (equal row counts, whatever the distribution), read
  // in the plan's snapshot.
  std::vector<KeyPart> Parts(source::MySqlConnection& mysql) const {
    std::vector<std::int64_t> splits;
    if (plan_.key_min) {
      for (auto s :
           source::KeySplitPoints(mysql, job_.source.database, table_.source_table, plan_.key[0],
                                  table_.where, table_.performance.parallel_chunks)) {
        if (s > *plan_.key_min && (splits.empty() || s > splits.back())) splits.push_back(s);
      }
    }
    std::vector<KeyPart> parts(splits.size() + 1);
    for (std::size_t i = 0; i < splits.size(); ++i) {
      parts[i].hi = splits[i];
      parts[i + 1].lo = splits[i];
    }
    return parts;
  }

  // REQUIRES: `main` holds the table's PostgreSQL session and no MySQL session. The PostgreSQL
  // session is given back to the pool while the parts run (so a small pool cannot starve them)
  // and taken again for the swap.
  void LoadParallel(Session& main, const std::vector<KeyPart>& parts) {
    const std::string& schema = job_.target.schema;
    const std::string& target = table_.target_table;
    const std::string stage = sink::StagingTableName(target);
    if (plan_.incremental && plan_.target.table_exists) RequireUpsertKey(*main.pg);
    sink::CreateStagingTable(*main.pg, schema, target, stage, plan_.columns);
    main.pg.reset();
    main.pg_slot = {};

    std::vector<std::exception_ptr> errors(parts.size());
    std::mutex totals_mu;
    {
      std::vector<std::jthread> workers;  // joined when the scope ends, also on an exception
      for (std::size_t i = 0; i < parts.size(); ++i) {
        workers.emplace_back([&, i] {
          try {
            LoadPart(parts[i], i, parts.size(), stage, totals_mu);
          } catch (...) {
            errors[i] = std::current_exception();
          }
        });
      }
    }

    main.pg_slot = ctx_.pg_budget->Acquire(table_.name);
    main.pg.emplace(
        sink::Connect(job_.target, ctx_.env, table_.performance.use_optimized_connections));
    sink::PgConnection& pg = *main.pg;
    for (auto& e : errors) {
      if (e) {
        try {
          pg.Exec("DROP TABLE IF EXISTS " + sink::QualifiedName(schema, stage));
        } catch (const std::exception& drop_error) {
          spdlog::warn("{}: could not drop {}: {}", table_.name, stage, drop_error.what());
        }
        std::rethrow_exception(e);
      }
    }

    if (!plan_.incremental) {
      // The key is built after the parts are in: one sorted index build beats maintaining the
      // index row by row (measured with scripts/bench.sh: ~0.4 s faster on 2M rows).
      if (!plan_.key.empty()) sink::AddPrimaryKey(pg, schema, stage, plan_.key);
      // The state row commits in the swap's own transaction: data and watermark together.
      const auto method = sink::SwapIn(pg, schema, target, stage, [&] {
        SaveState(pg, false, std::nullopt);
        RecordCommit(pg, false);
      });
      spdlog::debug("{}: staged parts swapped in ({})", table_.name, sink::ToString(method));
    } else {
      sink::Transaction tx(pg);
      if (!plan_.target.table_exists) {
        sink::CreateTable(pg, schema, target, plan_.columns);
        sink::AddPrimaryKey(pg, schema, target, plan_.key);
      }
      pg.Exec(UpsertFromStage(schema, target, sink::QualifiedName(schema, stage), plan_.columns,
                              plan_.key, plan_.cursor));
      pg.Exec("DROP TABLE " + sink::QualifiedName(schema, stage));
      SaveState(pg, false, std::nullopt);
      RecordCommit(pg, false);
      tx.Commit();
    }
    report_.status = report::TableStatus::kOk;
    report_.avg_chunk_efficiency = 1.0;
  }

  // One part of a parallel load: its own MySQL snapshot and PostgreSQL transaction, COPY into
  // the staging table.
  void LoadPart(const KeyPart& part, std::size_t index, std::size_t count, const std::string& stage,
                std::mutex& totals_mu) {
    Session s =
        OpenSession(ctx_, table_, fmt::format("{} part {}/{}", table_.name, index + 1, count));
    BeginSnapshot(*s.mysql);
    ReadPlan rp = BaseReadPlan();
    rp.mode = ReadPlan::Mode::kStream;
    rp.label = fmt::format("{} {}", label_, part.Describe());
    rp.key_lo = part.lo;
    rp.key_hi = part.hi;
    sink::Transaction tx(*s.pg);
    auto sink = WithProgress(MakeSink(*s.pg, job_.target.schema, stage, false), Progress(index));
    auto accumulation = MakeAccumulation();
    const PumpResult pump = Pump(*s.mysql, rp, nullptr, *sink, accumulation.get(), BadRows(),
                                 Progress(index), CancelFor(*s.mysql));
    tx.Commit();
    spdlog::info("{}: part {}/{} key range {}: {} rows", table_.name, index + 1, count,
                 part.Describe(), sink->counters().rows_written);
    std::lock_guard lock(totals_mu);
    totals_.Add(pump, sink->counters());
  }

  void RunPostLoad(sink::PgConnection& pg) {
    for (std::size_t i = 0; i < table_.post_load.size(); ++i) {
      try {
        pg.Exec(table_.post_load[i]);
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format(
            "post_load[{}] failed after the table's data committed (the data stays): {}", i,
            e.what()));
      }
    }
  }

  const LoadContext& ctx_;
  const config::JobSpec& job_;
  const config::TableSpec& table_;
  report::TableReport& report_;
  std::string label_;
  TablePlan plan_;
  std::vector<std::size_t> key_indexes_;
  std::optional<std::vector<std::string>> watermark_;
  std::optional<std::vector<std::string>> high_mark_;
  bool resume_ = false;
  std::unique_ptr<RejectFile> rejects_;
  LoadTotals totals_;
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
    RecordAlone(*ctx.job, ctx.env, ctx.run_id, table, r);  // issue 10: after the rollback
  }
  if (ctx.display != nullptr) ctx.display->Finish(r);
  return r;
}

}  // namespace etl::pipeline
