#include "sink/target_upsert.h"

#include <fmt/format.h>

#include "sink/pg_quote.h"
#include "sink/sql_fragments.h"

namespace etl::sink {
namespace {

class UpsertLoad final : public TargetLoad {
 public:
  explicit UpsertLoad(TargetLoadSpec spec) : TargetLoad(std::move(spec)) {}

  void Begin(PgConnection& conn) override { BeginStaged(conn, /*direct_if_empty=*/true); }

  CommitSummary Commit(PgConnection& conn, const CommitRecord& record) override {
    CommitSummary summary;
    const std::string stage = OpenStagedApply(conn);
    if (!stage.empty()) {
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
};

}  // namespace

std::unique_ptr<TargetLoad> MakeUpsertLoad(TargetLoadSpec spec) {
  return std::make_unique<UpsertLoad>(std::move(spec));
}

}  // namespace etl::sink
