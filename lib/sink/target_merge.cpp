#include "sink/target_merge.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sink/pg_quote.h"
#include "sink/sql_fragments.h"
#include "sink/target_shape.h"

namespace etl::sink {
namespace {

const char* ActionName(char action) {
  switch (action) {
    case 'c':
      return "ON DELETE CASCADE";
    case 'n':
      return "ON DELETE SET NULL";
    case 'd':
      return "ON DELETE SET DEFAULT";
    case 'r':
      return "ON DELETE RESTRICT";
    default:
      return "NO ACTION";
  }
}

class MergeLoad final : public TargetLoad {
 public:
  explicit MergeLoad(TargetLoadSpec spec) : TargetLoad(std::move(spec)) {
    for (const auto& c : spec_.columns)
      names_.push_back(c.name);
  }

  void Begin(PgConnection& conn) override { BeginStaged(conn, /*direct_if_empty=*/false); }

  CommitSummary Commit(PgConnection& conn, const CommitRecord& record) override {
    const std::string stage = OpenStagedApply(conn);
    const std::string target = QualifiedName(spec_.schema, spec_.table);
    conn.Exec("ANALYZE " + stage);
    const TargetShape shape = InspectTarget(conn, spec_.schema, spec_.table, names_, spec_.key);
    const bool keyed = !spec_.key.empty() && shape.has_unique_key;
    if (keyed) CheckReferences(conn, shape, stage);

    CommitSummary summary;
    if (keyed) {
      const bool self_referencing =
          std::any_of(shape.referenced_by.begin(), shape.referenced_by.end(),
                      [](const ForeignKeyIn& fk) { return fk.self; });
      if (!self_referencing) summary.deleted = DeleteMissing(conn, target, stage);
      summary.inserted = Merge(conn, target, stage);  // inserted + updated
      if (self_referencing) summary.deleted = DeleteMissing(conn, target, stage);
    } else {
      if (!shape.referenced_by.empty()) {
        throw PgError(fmt::format(
            "PostgreSQL {}: {} is referenced by foreign key {} of {}.{} but has no primary key "
            "or unique index on the load's key ({}), so its rows cannot be matched; nothing "
            "was changed",
            conn.description(), target, shape.referenced_by[0].name,
            shape.referenced_by[0].child_schema, shape.referenced_by[0].child_table,
            spec_.key.empty() ? "the source has none"
                              : fmt::format("{}", fmt::join(spec_.key, ", "))));
      }
      summary.deleted = conn.Query("DELETE FROM " + target).AffectedRows();
      summary.inserted =
          conn.Query(fmt::format("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {}",
                                 target, QuoteIdentList(names_), QuoteIdentList(names_), stage))
              .AffectedRows();
    }
    if (spec_.parts > 1) conn.Exec("DROP TABLE " + stage);
    spdlog::debug("{}: merged into {}: {} rows inserted or updated, {} deleted", spec_.label,
                  target, summary.inserted, summary.deleted);
    FinishCommit(conn, record);
    return summary;
  }

 private:
  // Fails, before anything changes, when a row of another table references a key the new copy
  // lacks (step 1 in the header). REQUIRES: the load has a key the target is unique on.
  void CheckReferences(PgConnection& conn, const TargetShape& shape, const std::string& stage) {
    for (const ForeignKeyIn& fk : shape.referenced_by) {
      if (fk.self) continue;  // the new rows reference only each other
      const std::string child = QualifiedName(fk.child_schema, fk.child_table);
      const bool in_stage = std::all_of(
          fk.referenced_columns.begin(), fk.referenced_columns.end(), [&](const std::string& c) {
            return std::find(names_.begin(), names_.end(), c) != names_.end();
          });
      std::string not_null;
      for (const auto& c : fk.child_columns)
        not_null += " AND c." + QuoteIdent(c) + " IS NOT NULL";
      std::string match;
      for (std::size_t i = 0; i < fk.child_columns.size(); ++i) {
        match += (i == 0 ? "" : " AND ") + std::string("s.") +
                 QuoteIdent(fk.referenced_columns[i]) + " = c." + QuoteIdent(fk.child_columns[i]);
      }
      std::string sql;
      if (in_stage) {
        sql = fmt::format(
            "SELECT {} FROM {} c WHERE true{} AND NOT EXISTS (SELECT 1 FROM {} s WHERE {}) LIMIT 1",
            PrefixedColumns(fk.child_columns, "c"), child, not_null, stage, match);
      } else {
        // The referenced columns are (partly) the target's own: rows whose key leaves lose them.
        std::string tmatch;
        for (std::size_t i = 0; i < fk.child_columns.size(); ++i) {
          tmatch += (i == 0 ? "" : " AND ") + std::string("t.") +
                    QuoteIdent(fk.referenced_columns[i]) + " = c." +
                    QuoteIdent(fk.child_columns[i]);
        }
        sql = fmt::format(
            "SELECT {} FROM {} c JOIN {} t ON {} WHERE true{} AND NOT EXISTS (SELECT 1 FROM {} s "
            "WHERE {}) LIMIT 1",
            PrefixedColumns(fk.child_columns, "c"), child, QualifiedName(spec_.schema, spec_.table),
            tmatch, not_null, stage, ColumnsEqual(spec_.key, "s", "t"));
      }
      PgResult r = conn.Query(sql);
      if (r.rows() == 0) continue;
      std::string values;
      for (int c = 0; c < r.columns(); ++c)
        values += (c == 0 ? "" : ", ") + r.String(0, c);
      throw PgError(
          fmt::format(
              "PostgreSQL {}: the new copy of {} lacks ({})=({}), which rows of {} still reference "
              "through foreign key {} ({}); etl never deletes or changes rows of another table, so "
              "{} was left as it was",
              conn.description(), QualifiedName(spec_.schema, spec_.table),
              fmt::join(fk.referenced_columns, ", "), values, child, QuoteIdent(fk.name),
              ActionName(fk.on_delete), QualifiedName(spec_.schema, spec_.table)),
          "23503");
    }
  }

  std::int64_t DeleteMissing(PgConnection& conn, const std::string& target,
                             const std::string& stage) {
    return conn
        .Query(fmt::format("DELETE FROM {} t WHERE NOT EXISTS (SELECT 1 FROM {} s WHERE {})",
                           target, stage, ColumnsEqual(spec_.key, "s", "t")))
        .AffectedRows();
  }

  std::int64_t Merge(PgConnection& conn, const std::string& target, const std::string& stage) {
    std::vector<std::string> values;
    for (const auto& n : names_) {
      if (std::find(spec_.key.begin(), spec_.key.end(), n) == spec_.key.end()) values.push_back(n);
    }
    std::string sql = fmt::format("MERGE INTO {} t USING {} s ON {}", target, stage,
                                  ColumnsEqual(spec_.key, "t", "s"));
    if (!values.empty()) {
      std::string set;
      for (const auto& v : values)
        set += (set.empty() ? "" : ", ") + QuoteIdent(v) + " = s." + QuoteIdent(v);
      sql += fmt::format(" WHEN MATCHED AND ROW({}) IS DISTINCT FROM ROW({}) THEN UPDATE SET {}",
                         PrefixedColumns(values, "t"), PrefixedColumns(values, "s"), set);
    }
    sql += fmt::format(" WHEN NOT MATCHED THEN INSERT ({}) OVERRIDING SYSTEM VALUE VALUES ({})",
                       QuoteIdentList(names_), PrefixedColumns(names_, "s"));
    return conn.Query(sql).AffectedRows();
  }

  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<TargetLoad> MakeMergeLoad(TargetLoadSpec spec) {
  return std::make_unique<MergeLoad>(std::move(spec));
}

}  // namespace etl::sink
