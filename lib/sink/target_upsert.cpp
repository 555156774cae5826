#include "sink/target_upsert.h"

#include <fmt/format.h>

#include "sink/lock_wait.h"
#include "sink/pg_quote.h"
#include "sink/sql_fragments.h"

namespace etl::sink {
namespace {

class UpsertLoad final : public TargetLoad {
 public:
  explicit UpsertLoad(TargetLoadSpec spec) : TargetLoad(std::move(spec)) {}

  void Begin(PgConnection& conn) override {
    if (spec_.parts > 1) {
      CreateSharedStage(conn, StageKind::kUnlogged);
      return;
    }
    OpenLoadTransaction(conn);
    AcquireTableLock(conn, spec_.schema, spec_.table, "ROW EXCLUSIVE", spec_.lock_timeout);
    const bool empty =
        conn.Query("SELECT 1 FROM " + QualifiedName(spec_.schema, spec_.table) + " LIMIT 1")
            .rows() == 0;
    if (empty) {
      write_schema_ = spec_.schema;
      write_table_ = spec_.table;
      return;
    }
    temp_stage_ = NewStageName(spec_.table);
    CreateStage(conn, StageKind::kTemporary, "", temp_stage_, spec_.columns);
    write_schema_ = "pg_temp";
    write_table_ = temp_stage_;
    freeze_ = true;
  }

  CommitSummary Commit(PgConnection& conn, const CommitRecord& record) override {
    FinalTransaction(conn);
    CommitSummary summary;
    const bool staged = spec_.parts > 1 || !temp_stage_.empty();
    if (spec_.parts > 1) {
      AcquireTableLock(conn, spec_.schema, spec_.table, "ROW EXCLUSIVE", spec_.lock_timeout);
    }
    if (staged) {
      const std::string stage = spec_.parts > 1 ? QualifiedName(spec_.schema, stage_)
                                                : QualifiedName("pg_temp", temp_stage_);
      summary.inserted = conn.Query(UpsertSql(stage)).AffectedRows();
      if (spec_.parts > 1) conn.Exec("DROP TABLE " + stage);
    }
    FinishCommit(conn, record);
    return summary;
  }

 private:
  std::string UpsertSql(const std::string& stage) const {
    std::vector<std::string> names;
    for (const auto& c : spec_.columns)
      names.push_back(c.name);
    return fmt::format("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {}{}",
                       QualifiedName(spec_.schema, spec_.table), QuoteIdentList(names),
                       QuoteIdentList(names), stage, OnConflictUpdate(names, spec_.key));
  }

  std::string temp_stage_;  // N = 1 into a non-empty target
};

}  // namespace

std::unique_ptr<TargetLoad> MakeUpsertLoad(TargetLoadSpec spec) {
  return std::make_unique<UpsertLoad>(std::move(spec));
}

}  // namespace etl::sink
