#include "sink/target_load.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sink/changed_rows_sink.h"
#include "sink/lock_wait.h"
#include "sink/pg_quote.h"
#include "sink/state_store.h"
#include "sink/table_ddl.h"
#include "sink/target_create.h"
#include "sink/target_merge.h"
#include "sink/target_swap.h"
#include "sink/target_upsert.h"

namespace etl::sink {

PartWriter::PartWriter(std::unique_ptr<BatchSink> sink, std::unique_ptr<Transaction> tx,
                       ChangedRowsSink* changed, ComparisonTotals* totals)
    : sink_(std::move(sink)), tx_(std::move(tx)), changed_(changed), totals_(totals) {}

PartWriter::~PartWriter() = default;

void PartWriter::Finish() {
  if (changed_ != nullptr) changed_->EndOfRows();
  if (sink_->open_batch_rows() > 0) sink_->FinishBatch();
  if (tx_) {
    commit_in_doubt_ = true;
    tx_->Commit();
    commit_in_doubt_ = false;
  }
  tx_.reset();
  if (changed_ != nullptr && totals_ != nullptr) {
    totals_->unchanged += changed_->unchanged();
    totals_->deleted += changed_->deleted();
  }
}

TargetLoad::~TargetLoad() = default;

std::unique_ptr<TargetLoad> TargetLoad::Make(TargetLoadSpec spec) {
  if (spec.parts == 0) throw std::invalid_argument("a target load needs at least one part");
  switch (spec.variant) {
    case TargetVariant::kCreate:
      return MakeCreateLoad(std::move(spec));
    case TargetVariant::kSwap:
      return MakeSwapLoad(std::move(spec));
    case TargetVariant::kMerge:
      return MakeMergeLoad(std::move(spec));
    case TargetVariant::kUpsert:
      return MakeUpsertLoad(std::move(spec));
  }
  throw std::invalid_argument("unknown target variant");
}

void TargetLoad::OpenLoadTransaction(PgConnection& conn) {
  tx_ = std::make_unique<Transaction>(conn);
  SetLockTimeout(conn, spec_.lock_timeout);
}

void TargetLoad::CreateSharedStage(PgConnection& conn, StageKind kind,
                                   const std::function<void(const std::string&)>& create) {
  DropLeftoverStages(conn, spec_.schema, spec_.table);
  stage_ = NewStageName(spec_.table);
  if (create) {
    create(stage_);
  } else {
    CreateStage(conn, kind, spec_.schema, stage_, spec_.columns);
  }
  MarkStage(conn, spec_.schema, stage_, spec_.table, spec_.run_id);
}

std::unique_ptr<PartWriter> TargetLoad::OpenPart(std::size_t index, PgConnection& conn,
                                                 const PartOptions& options) {
  std::unique_ptr<Transaction> tx;
  if (spec_.parts > 1) tx = std::make_unique<Transaction>(conn);
  const std::string& schema = spec_.parts == 1 ? write_schema_ : spec_.schema;
  const std::string& table = spec_.parts == 1 ? write_table_ : stage_;
  std::unique_ptr<BatchSink> sink;
  if (spec_.writer == WriterKind::kCopy) {
    sink = MakeCopySink(conn, schema, table, spec_.columns, spec_.copy_format,
                        spec_.parts == 1 && freeze_);
  } else {
    sink = MakeInsertSink(conn, schema, table, spec_.columns, {});
  }
  if (!compares_with_target()) return std::make_unique<PartWriter>(std::move(sink), std::move(tx));
  if (options.target_reader == nullptr) {
    throw std::invalid_argument(spec_.label + ": a comparing merge needs a target reader");
  }
  std::vector<std::string> names;
  for (const auto& c : spec_.columns)
    names.push_back(c.name);
  const auto key = static_cast<std::size_t>(std::find(names.begin(), names.end(), spec_.key.at(0)) -
                                            names.begin());
  auto target = std::make_unique<TargetRowStream>(
      *options.target_reader, spec_.schema, spec_.table, names, key, options.range,
      fmt::format("{} part {}: reading the target", spec_.label, index + 1));
  DeletedKeysTable deleted{spec_.parts == 1 ? "pg_temp" : spec_.schema, deleted_keys_,
                           spec_.key.at(0)};
  auto changed =
      std::make_unique<ChangedRowsSink>(conn, std::move(sink), std::move(target), spec_.columns,
                                        key, std::move(deleted), spec_.label);
  ChangedRowsSink* raw = changed.get();
  return std::make_unique<PartWriter>(std::move(changed), std::move(tx), raw, &comparison_);
}

Transaction& TargetLoad::FinalTransaction(PgConnection& conn) {
  if (!tx_) {
    tx_ = std::make_unique<Transaction>(conn);
    SetLockTimeout(conn, spec_.lock_timeout);
  }
  return *tx_;
}

void TargetLoad::FinishCommit(PgConnection& conn, const CommitRecord& record) {
  AdvanceIdentity(conn, spec_.schema, spec_.table);
  if (record.state) {
    WriteState(conn, spec_.schema, *record.state);
  }
  for (const auto& hook : record.in_transaction)
    hook(conn);
  // The id to ask pg_xact_status about should the COMMIT's answer be lost.
  commit_xid_ = conn.Query("SELECT pg_current_xact_id()::text").String(0, 0);
  commit_in_doubt_ = true;
  tx_->Commit();
  Committed();
}

void TargetLoad::Committed() {
  commit_in_doubt_ = false;
  tx_.reset();     // over: its COMMIT went through (nothing is rolled back)
  stage_.clear();  // renamed into place, or dropped inside the committed transaction
  deleted_keys_.clear();
}

void TargetLoad::BeginStaged(PgConnection& conn, bool direct_if_empty) {
  if (spec_.parts > 1) {
    CreateSharedStage(conn, StageKind::kUnlogged);
    return;
  }
  OpenLoadTransaction(conn);
  AcquireTableLock(conn, spec_.schema, spec_.table, "ROW EXCLUSIVE", spec_.lock_timeout);
  if (direct_if_empty &&
      conn.Query("SELECT 1 FROM " + QualifiedName(spec_.schema, spec_.table) + " LIMIT 1").rows() ==
          0) {
    write_schema_ = spec_.schema;
    write_table_ = spec_.table;
    return;
  }
  temp_stage_ = NewStageName(spec_.table);
  CreateStage(conn, StageKind::kTemporary, "", temp_stage_, spec_.columns);
  write_schema_ = "pg_temp";
  write_table_ = temp_stage_;
  freeze_ = true;  // created in this transaction
}

std::string TargetLoad::OpenStagedApply(PgConnection& conn) {
  FinalTransaction(conn);
  // Measured (scripts/bench.sh existing-target, 2M rows): the MERGE's hash of the target needs
  // ~110 MB; with the default 4 MB it spills into 16 batches and takes 1.6x as long.
  conn.Exec(
      "SELECT set_config('work_mem', '256MB', true) FROM pg_settings WHERE name = 'work_mem' "
      "AND source <> 'session' AND setting::bigint < 262144");
  if (spec_.parts > 1) {
    AcquireTableLock(conn, spec_.schema, spec_.table, "ROW EXCLUSIVE", spec_.lock_timeout);
    return QualifiedName(spec_.schema, stage_);
  }
  return temp_stage_.empty() ? "" : QualifiedName("pg_temp", temp_stage_);
}

void TargetLoad::Abandon(PgConnection* conn) noexcept {
  tx_.reset();  // rolls the load's (or the final) transaction back
  if (stage_.empty() || conn == nullptr || PQstatus(conn->get()) != CONNECTION_OK) return;
  try {
    if (conn->in_transaction()) conn->Exec("ROLLBACK");
    conn->Exec("DROP TABLE IF EXISTS " + QualifiedName(spec_.schema, stage_));
    stage_.clear();
    if (!deleted_keys_.empty() && spec_.parts > 1) {
      conn->Exec("DROP TABLE IF EXISTS " + QualifiedName(spec_.schema, deleted_keys_));
    }
  } catch (const std::exception& e) {
    spdlog::warn("{}: could not drop the stage {}: {} (the next load of {} drops it)", spec_.label,
                 stage_, e.what(), spec_.table);
  }
}

InDoubtResolution TargetLoad::ResolveInDoubtCommit(PgConnection& fresh,
                                                   std::chrono::milliseconds wait) {
  InDoubtResolution out;
  out.xid = commit_xid_;
  if (commit_xid_.empty()) {
    out.detail = "its transaction id was not read";
    return out;
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    PgResult r = fresh.ExecParams("SELECT pg_xact_status($1::xid8)", {commit_xid_});
    const std::string status = r.IsNull(0, 0) ? "" : r.String(0, 0);
    if (status == "committed") {
      out.outcome = CommitOutcome::kCommitted;
      Committed();
      return out;
    }
    if (status == "aborted") {
      out.outcome = CommitOutcome::kRolledBack;
      commit_in_doubt_ = false;
      return out;
    }
    out.detail = status.empty() ? "PostgreSQL no longer knows transaction " + commit_xid_
                                : "transaction " + commit_xid_ + " still " + status;
    if (std::chrono::steady_clock::now() >= deadline) return out;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void TargetLoad::DiscardPartRows(PgConnection& conn, const std::string& key_column,
                                 std::optional<std::int64_t> lo, std::optional<std::int64_t> hi) {
  if (stage_.empty()) throw PgError(spec_.label + ": no stage to discard a part's rows from");
  std::string sql = "DELETE FROM " + QualifiedName(spec_.schema, stage_);
  const std::string column = QuoteIdent(key_column);
  std::string where;
  if (lo) where = column + " >= " + std::to_string(*lo);
  if (hi) where += (where.empty() ? "" : " AND ") + column + " < " + std::to_string(*hi);
  if (!where.empty()) sql += " WHERE " + where;
  conn.Exec(sql);
  if (!deleted_keys_.empty()) {
    std::string keys = "DELETE FROM " + QualifiedName(spec_.schema, deleted_keys_);
    if (!where.empty()) keys += " WHERE " + where;
    conn.Exec(keys);
  }
}

std::string TargetLoad::Destination() const {
  if (spec_.parts > 1) return QualifiedName(spec_.schema, stage_);
  return QualifiedName(write_schema_, write_table_);
}

}  // namespace etl::sink
