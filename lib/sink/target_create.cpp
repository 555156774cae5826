#include "sink/target_create.h"

#include "sink/lock_wait.h"
#include "sink/pg_quote.h"
#include "sink/schema_manager.h"
#include "sink/table_ddl.h"

namespace etl::sink {
namespace {

class CreateLoad final : public TargetLoad {
 public:
  explicit CreateLoad(TargetLoadSpec spec) : TargetLoad(std::move(spec)) {}

  void Begin(PgConnection& conn) override {
    if (spec_.parts > 1) {
      CreateSharedStage(conn, StageKind::kRegular, [&](const std::string& stage) {
        CreateStage(conn, StageKind::kRegular, spec_.schema, stage, spec_.columns,
                    &spec_.definition);
      });
      return;
    }
    OpenLoadTransaction(conn);
    CreateTable(conn, spec_.schema, spec_.table, spec_.columns, &spec_.definition);
    write_schema_ = spec_.schema;
    write_table_ = spec_.table;
    freeze_ = true;  // created in this transaction
  }

  CommitSummary Commit(PgConnection& conn, const CommitRecord& record) override {
    FinalTransaction(conn);
    if (spec_.parts > 1) {
      if (TableExists(conn, spec_.schema, spec_.table)) {
        throw PgError("PostgreSQL " + conn.description() + ": " +
                      QualifiedName(spec_.schema, spec_.table) +
                      " was created by someone else while etl loaded it; it was left as it is");
      }
      conn.Exec("ALTER TABLE " + QualifiedName(spec_.schema, stage_) + " RENAME TO " +
                QuoteIdent(spec_.table));
      conn.Exec("COMMENT ON TABLE " + QualifiedName(spec_.schema, spec_.table) + " IS NULL");
      RenameIdentitySequences(conn, spec_.schema, spec_.table);
    }
    FinishCreatedTable(conn, spec_.schema, spec_.table, spec_.definition);
    FinishCommit(conn, record);
    return {};
  }
};

}  // namespace

std::unique_ptr<TargetLoad> MakeCreateLoad(TargetLoadSpec spec) {
  return std::make_unique<CreateLoad>(std::move(spec));
}

}  // namespace etl::sink
