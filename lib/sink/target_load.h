#pragma once
// TargetLoad: every PostgreSQL statement of one table load, behind one small interface.
//
//   auto load = TargetLoad::Make(spec);            // variant chosen by plan/target_variant.h
//   load->Begin(conn);                              // prepare the target or a stage
//   auto part = load->OpenPart(i, part_conn, opts); // a writer per part (N = 1: the same conn)
//   ... the pipeline writes rows into part->sink(), then part->Finish() ...
//   load->Commit(conn, record);                     // rows, state and hooks in ONE transaction
//
// The variants (one file each, with its locking and visibility at the top):
//   create  (target_create.h)  the target does not exist: it is created and filled in one
//                              transaction (N = 1), or a stage is filled and renamed into place.
//   swap    (target_swap.h)    the target exists and a faithful clone loses nothing: a clone is
//                              filled and swapped in; readers are blocked only for the rename.
//   merge   (target_merge.h)   the target exists and has what a swap would lose (dependent views,
//                              foreign keys, triggers, partitions, columns of its own, ...): the
//                              differences are applied by key; readers are never blocked. With
//                              a single integer key the new rows are compared with the target's
//                              as they stream (compares_with_target()), and only the rows that
//                              differ are staged (sink/changed_rows_sink.h).
//   upsert  (target_upsert.h)  incremental loads: rows are upserted by key.
// What they share:
//   - N = 1 (one stream): the whole load is ONE transaction on Begin's connection, kept open
//     until Commit; a failure or a kill anywhere rolls everything back and leaves nothing behind.
//   - N > 1 (parallel parts): Begin creates a stage table (committed, so the parts' own
//     connections see it); each part writes into it in its own transaction, committed by
//     PartWriter::Finish (a failed part rolls back only its own rows: it can be redone alone);
//     Commit makes the stage's rows the target's in one transaction. A stage is named
//     etl_stage_<random>_<target> (created with CREATE TABLE, never IF NOT EXISTS, so it cannot
//     take over a user's table) and commented "etl stage for <target>"; Abandon drops it, and
//     a later Begin for the same target drops stages that a killed run left behind.
//   - Every lock on the target is taken with sink/lock_wait.h: bounded by lock_timeout, and
//     (ACCESS EXCLUSIVE) asked for in slices so the target's readers are never held up for
//     more than about a second.
//   - Nothing outside the target is changed: no TRUNCATE, no CASCADE, never a row of another
//     table (merge checks the foreign keys that reference the target before it deletes).
//   - Commit advances the target's identity sequences past the copied maximum
//     (sink/table_ddl.h AdvanceIdentity), writes the state row (`<schema>.etl_state`) and runs
//     `record.in_transaction` (history row, NOTIFY, ...) inside the same transaction, then
//     commits.
//
// Threads: Begin/Commit/Abandon on one thread; OpenPart may be called from the part threads
// (each with its own connection). Errors: PgError (LockTimeout for lock waits) with context.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/job_spec.h"
#include "sink/batch_sink.h"
#include "sink/pg_connection.h"
#include "sink/stage_table.h"
#include "sink/state_store.h"
#include "sink/target_row_stream.h"
#include "sink/target_variant.h"
#include "types/table_definition.h"
#include "types/type_mapping.h"

namespace etl::sink {

enum class WriterKind { kCopy, kInsert };

struct TargetLoadSpec {
  std::string schema;
  std::string table;
  std::vector<types::TargetColumn> columns;  // what the writers send, with the target's names
  std::vector<std::string> key;  // created: the primary key; merge/upsert: the match key
  // What a created target carries besides its columns (defaults, identity, indexes, comments;
  // types/table_definition.h). Used by `create` only.
  types::TableDefinition definition;
  TargetVariant variant = TargetVariant::kCreate;
  std::size_t parts = 1;
  WriterKind writer = WriterKind::kCopy;
  config::CopyFormat copy_format = config::CopyFormat::kBinary;
  std::chrono::milliseconds lock_timeout{10000};  // target.lock_timeout_s
  std::string label;                              // the table's name in the job, for messages
  std::string run_id;                             // in the stage's comment
};

// The state row written with the rows (sink/state_store.h).
using StateUpdate = StateWrite;

struct CommitRecord {
  std::optional<StateUpdate> state;
  // Statements of other concerns that must commit with the rows (run history, NOTIFY, ...),
  // run in order inside the final transaction, after the rows and the state.
  std::vector<std::function<void(PgConnection&)>> in_transaction;
};

// What Commit did to the target (for logs and the report).
struct CommitSummary {
  std::int64_t inserted = -1;  // -1: not counted by this variant
  std::int64_t updated = -1;
  std::int64_t deleted = -1;
  std::int64_t unchanged = -1;  // rows compared equal to the target's and not written
};

// What one part covers, and where a merge that compares reads the target's rows.
struct PartOptions {
  KeyRange range;  // the part's key range (N = 1: everything)
  // REQUIRED when compares_with_target(): a connection of its own, outside any transaction,
  // that reads nothing else until the part's writer is finished or gone.
  PgConnection* target_reader = nullptr;
};

// Rows the comparing parts found unchanged, and target keys they recorded as deleted (summed
// over the parts whose writes committed).
struct ComparisonTotals {
  std::atomic<std::int64_t> unchanged{0};
  std::atomic<std::int64_t> deleted{0};
};

class ChangedRowsSink;

// One part's writer. Rows go into sink(); Finish() closes the part (N > 1: commits its
// transaction). Destroyed without Finish: its rows are rolled back.
class PartWriter {
 public:
  // `changed`: the comparing sink inside `sink` (or null); its counts go to `totals` on Finish.
  PartWriter(std::unique_ptr<BatchSink> sink, std::unique_ptr<Transaction> tx,
             ChangedRowsSink* changed = nullptr, ComparisonTotals* totals = nullptr);
  ~PartWriter();
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;

  BatchSink& sink() { return *sink_; }
  void Finish();
  // True when Finish sent the part's COMMIT and it did not come back (the connection was lost
  // meanwhile): whether the part's rows are in the stage is unknown (see DiscardPartRows).
  bool commit_in_doubt() const { return commit_in_doubt_; }

 private:
  bool commit_in_doubt_ = false;
  std::unique_ptr<BatchSink> sink_;
  std::unique_ptr<Transaction> tx_;  // null for N = 1 (the load's transaction owns the rows)
  ChangedRowsSink* changed_ = nullptr;
  ComparisonTotals* totals_ = nullptr;
};

// How a final COMMIT whose answer was lost ended (TargetLoad::ResolveInDoubtCommit).
enum class CommitOutcome {
  kCommitted,   // the load is complete: rows, state and history row committed together
  kRolledBack,  // nothing of the final transaction committed: the target is as it was
  kUnknown,     // still in progress after the wait, or PostgreSQL cannot tell any more
};
struct InDoubtResolution {
  CommitOutcome outcome = CommitOutcome::kUnknown;
  std::string xid;     // the final transaction's id ("" when it was not read)
  std::string detail;  // for kUnknown: why
};

class TargetLoad {
 public:
  static std::unique_ptr<TargetLoad> Make(TargetLoadSpec spec);
  virtual ~TargetLoad();
  TargetLoad(const TargetLoad&) = delete;
  TargetLoad& operator=(const TargetLoad&) = delete;

  // REQUIRES: `conn` is not in a transaction; no other etl run loads this target (the caller
  // holds the target's table lock). For N = 1 `conn` must stay open until Commit/Abandon.
  virtual void Begin(PgConnection& conn) = 0;
  // REQUIRES: Begin has run. N = 1: `conn` is Begin's connection. N > 1: a connection of the
  // part's own, outside any transaction, kept open until the PartWriter is finished or gone.
  std::unique_ptr<PartWriter> OpenPart(std::size_t index, PgConnection& conn,
                                       const PartOptions& options = {});
  // Known after Begin: the parts' writers compare the new rows with the target's, so each
  // needs PartOptions::target_reader, and the rows must reach them in ascending order of the
  // key (the single integer column key_column()).
  virtual bool compares_with_target() const { return false; }
  // Known after Begin: N > 1 and Begin's connection holds a transaction (a lock on the target)
  // until Commit or Abandon, so the caller must keep that connection open and pass it to
  // Commit (it may give its pool slot back meanwhile).
  bool holds_connection() const { return spec_.parts > 1 && tx_ != nullptr; }
  // REQUIRES: every part finished. N = 1: Begin's connection; N > 1: any connection outside a
  // transaction. Throws (and leaves the target as it was) when anything fails.
  virtual CommitSummary Commit(PgConnection& conn, const CommitRecord& record) = 0;
  // After a failure: N = 1 rolls the load's transaction back; N > 1 drops the stage when
  // `conn` is usable (else the next load of the target does). Never throws.
  void Abandon(PgConnection* conn) noexcept;
  // True when Commit sent the final COMMIT and it did not come back (the connection was lost
  // meanwhile): whether the load committed is unknown, so it must not simply be redone.
  bool commit_in_doubt() const { return commit_in_doubt_; }
  // REQUIRES: commit_in_doubt(); `fresh` is a new connection outside a transaction. Asks
  // PostgreSQL how the final transaction ended (pg_xact_status of its id, read just before the
  // COMMIT was sent), waiting up to `wait` while it is still in progress (its backend may still
  // be finishing the COMMIT, or waiting for a synchronous standby). kCommitted: this load is
  // finished (Abandon is not needed); kRolledBack: commit_in_doubt() is false again and the
  // load is abandoned and redone like any connection lost before COMMIT. Throws PgError when
  // `fresh` fails.
  InDoubtResolution ResolveInDoubtCommit(PgConnection& fresh, std::chrono::milliseconds wait);
  // N > 1: deletes from the stage, autocommit, the rows whose `key_column` (the target's name of
  // the single integer key the parts were split by) lies in [lo, hi) (an unset bound: no
  // bound): what a part whose commit was in doubt may have left there, before it is redone.
  // REQUIRES: Begin has run; `conn` outside a transaction. Throws PgError.
  void DiscardPartRows(PgConnection& conn, const std::string& key_column,
                       std::optional<std::int64_t> lo, std::optional<std::int64_t> hi);

  const TargetLoadSpec& spec() const { return spec_; }
  // Where the parts' rows go, for logs: "\"s\".\"t\"", a stage, or "pg_temp".stage.
  std::string Destination() const;

 protected:
  explicit TargetLoad(TargetLoadSpec spec) : spec_(std::move(spec)) {}

  // N = 1: opens the load's transaction (bounded lock waits) on `conn`.
  void OpenLoadTransaction(PgConnection& conn);
  // N > 1: drops leftover stages of the target and creates a marked stage of `kind`, outside
  // any transaction (so the parts see it). `create` replaces CreateStage when given (swap).
  void CreateSharedStage(PgConnection& conn, StageKind kind,
                         const std::function<void(const std::string& stage)>& create = {});
  // The transaction Commit works in: the load's (N = 1) or a new one on `conn` (N > 1).
  Transaction& FinalTransaction(PgConnection& conn);
  // The state row and the hooks, then COMMIT of the final transaction.
  void FinishCommit(PgConnection& conn, const CommitRecord& record);
  // After the final transaction committed (its answer received, or confirmed by
  // ResolveInDoubtCommit): nothing is left to roll back or drop.
  void Committed();

  // For the variants that apply a stage's rows to an existing target (merge, upsert). Begin:
  // N > 1 creates an unlogged shared stage; N = 1 opens the load's transaction, locks the target
  // ROW EXCLUSIVE (bounded) and creates a temporary stage -- or, when `direct_if_empty` and the
  // target holds no row, writes straight into the target. OpenStagedApply (in Commit): the final
  // transaction and (N > 1) its ROW EXCLUSIVE lock, with work_mem raised for that transaction
  // (to 256 MB: the apply's hash joins of stage and target then stay in memory) unless the
  // session already has more or target.session set it; returns the stage's qualified name, or
  // "" when the rows went straight into the target.
  void BeginStaged(PgConnection& conn, bool direct_if_empty);
  std::string OpenStagedApply(PgConnection& conn);

  TargetLoadSpec spec_;
  // Where one stream's rows go (N = 1), and whether that table was created in the load's
  // transaction (COPY may then FREEZE). N > 1 parts always write into stage_.
  std::string write_schema_;
  std::string write_table_;
  bool freeze_ = false;
  std::string stage_;       // the stage in the target's schema, "" when none
  std::string temp_stage_;  // BeginStaged, N = 1: the temporary stage, "" when none
  // A merge that compares: the table of target keys to delete (one bigint column named as the
  // key): unlogged in the target's schema for N > 1 (dropped like the stage), else temporary.
  std::string deleted_keys_;
  ComparisonTotals comparison_;
  std::unique_ptr<Transaction> tx_;  // the load's transaction (N = 1) or the final one
  bool commit_in_doubt_ = false;
  std::string commit_xid_;  // the final transaction's id, read before its COMMIT
};

}  // namespace etl::sink
