#include "sink/target_merge.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sink/copy_encoder.h"
#include "sink/lock_wait.h"
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

  void Begin(PgConnection& conn) override {
    BeginStaged(conn, /*direct_if_empty=*/false);
    const std::string why_not = WhyNotCompare(conn);
    if (!why_not.empty()) {
      spdlog::debug("{}: every row is staged and compared at the commit: {}", spec_.label, why_not);
      return;
    }
    compare_ = true;
    deleted_keys_ = NewStageName(spec_.table);
    types::TargetColumn key;
    key.name = spec_.key.at(0);
    key.pg_type = "bigint";
    key.kind = key.source_kind = types::ValueKind::kInt64;
    key.nullable = false;
    if (spec_.parts == 1) {
      CreateStage(conn, StageKind::kTemporary, "", deleted_keys_, {key});
    } else {
      CreateStage(conn, StageKind::kUnlogged, spec_.schema, deleted_keys_, {key});
      MarkStage(conn, spec_.schema, deleted_keys_, spec_.table, spec_.run_id);
      FinalTransaction(conn);  // held until Commit: the lock below lasts the whole load
    }
    // Other writers wait until the commit (readers go on): a row they changed after the
    // comparison read it would otherwise keep their value instead of the source's.
    AcquireTableLock(conn, spec_.schema, spec_.table, "SHARE ROW EXCLUSIVE", spec_.lock_timeout);
  }

  bool compares_with_target() const override { return compare_; }

  CommitSummary Commit(PgConnection& conn, const CommitRecord& record) override {
    const std::string stage = OpenStagedApply(conn);
    const std::string target = QualifiedName(spec_.schema, spec_.table);
    conn.Exec("ANALYZE " + stage);
    CommitSummary summary;
    if (compare_) {
      // Only the staged rows differ from the target's; the keys to delete were recorded. The
      // shape is Begin's: the lock held since then keeps foreign keys from being added.
      const std::string keys =
          QualifiedName(spec_.parts == 1 ? "pg_temp" : spec_.schema, deleted_keys_);
      conn.Exec("ANALYZE " + keys);
      CheckDeletedKeys(conn, begin_shape_, keys);
      summary.deleted =
          conn.Query(fmt::format("DELETE FROM {} t USING {} d WHERE t.{} = d.{}", target, keys,
                                 QuoteIdent(spec_.key[0]), QuoteIdent(spec_.key[0])))
              .AffectedRows();
      summary.inserted = Merge(conn, target, stage);
      summary.unchanged = comparison_.unchanged.load();
      if (spec_.parts > 1) conn.Exec("DROP TABLE " + stage + ", " + keys);
      spdlog::debug("{}: merged into {}: {} rows inserted or updated, {} deleted, {} unchanged",
                    spec_.label, target, summary.inserted, summary.deleted, summary.unchanged);
      FinishCommit(conn, record);
      return summary;
    }
    const TargetShape shape = InspectTarget(conn, spec_.schema, spec_.table, names_, spec_.key);
    const bool keyed = !spec_.key.empty() && shape.has_unique_key;
    if (keyed) CheckReferences(conn, shape, stage);

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
      FailIfReferenced(conn, fk, sql);
    }
  }

  // The same check when the comparison recorded the keys to delete: a child row referencing
  // one of them fails the table. REQUIRES: every foreign key in references the load's key.
  void CheckDeletedKeys(PgConnection& conn, const TargetShape& shape, const std::string& keys) {
    for (const ForeignKeyIn& fk : shape.referenced_by) {
      const std::string& column = fk.child_columns.at(0);
      FailIfReferenced(
          conn, fk,
          fmt::format("SELECT c.{} FROM {} c JOIN {} d ON d.{} = c.{} LIMIT 1", QuoteIdent(column),
                      QualifiedName(fk.child_schema, fk.child_table), keys,
                      QuoteIdent(spec_.key[0]), QuoteIdent(column)));
    }
  }

  // Runs `sql` (the referencing columns of a child row whose key leaves) and throws naming the
  // foreign key when it finds one.
  void FailIfReferenced(PgConnection& conn, const ForeignKeyIn& fk, const std::string& sql) {
    PgResult r = conn.Query(sql);
    if (r.rows() == 0) return;
    std::string values;
    for (int c = 0; c < r.columns(); ++c)
      values += (c == 0 ? "" : ", ") + r.String(0, c);
    throw PgError(
        fmt::format(
            "PostgreSQL {}: the new copy of {} lacks ({})=({}), which rows of {} still reference "
            "through foreign key {} ({}); etl never deletes or changes rows of another table, so "
            "{} was left as it was",
            conn.description(), QualifiedName(spec_.schema, spec_.table),
            fmt::join(fk.referenced_columns, ", "), values,
            QualifiedName(fk.child_schema, fk.child_table), QuoteIdent(fk.name),
            ActionName(fk.on_delete), QualifiedName(spec_.schema, spec_.table)),
        "23503");
  }

  // Why the rows cannot be compared with the target's as they stream ("" when they can): the
  // comparison needs one integer key the target is unique on (the rows are matched by it, in
  // order), the binary format for every column (rows are compared as COPY BINARY bytes), the
  // target's column types those of the stage (so equal bytes are equal values), and foreign
  // keys in that reference that key only (the keys that leave are all it can check).
  // Keeps the target's shape in begin_shape_ once it has read it.
  std::string WhyNotCompare(PgConnection& conn) {
    if (spec_.key.size() != 1) return "the key is not a single column";
    const auto key = std::find_if(spec_.columns.begin(), spec_.columns.end(),
                                  [&](const auto& c) { return c.name == spec_.key[0]; });
    if (key == spec_.columns.end()) return "the key is not a loaded column";
    if (key->kind != types::ValueKind::kInt16 && key->kind != types::ValueKind::kInt32 &&
        key->kind != types::ValueKind::kInt64) {
      return "the key is not an integer";
    }
    const auto encoder = CopyEncoder::Create(config::CopyFormat::kBinary, spec_.columns);
    if (encoder->format() != config::CopyFormat::kBinary) return encoder->fallback_reason();
    begin_shape_ = InspectTarget(conn, spec_.schema, spec_.table, names_, spec_.key);
    if (!begin_shape_.has_unique_key) return "the target has no unique index on the key";
    for (const ForeignKeyIn& fk : begin_shape_.referenced_by) {
      if (fk.self) return "the target references itself";
      if (fk.referenced_columns != spec_.key) {
        return "foreign key " + fk.name + " references other columns than the key";
      }
    }
    const std::string stage = spec_.parts == 1 ? QualifiedName("pg_temp", temp_stage_)
                                               : QualifiedName(spec_.schema, stage_);
    // The same type, whatever its modifier (timestamp vs timestamp(0), numeric vs numeric(12,2):
    // the target holds a value its modifier allows, so when its bytes equal the new value's,
    // storing the new value changes nothing), or text and varchar (the same bytes).
    PgResult r = conn.ExecParams(
        "SELECT count(*) FILTER (WHERE t.atttypid = s.atttypid OR (t.atttypid IN "
        "('text'::regtype, 'varchar'::regtype) AND s.atttypid IN ('text'::regtype, "
        "'varchar'::regtype))) FROM pg_attribute s JOIN pg_attribute t ON t.attrelid = "
        "$1::regclass AND t.attname = s.attname AND NOT t.attisdropped WHERE s.attrelid = "
        "$2::regclass AND s.attnum > 0 AND NOT s.attisdropped",
        {QualifiedName(spec_.schema, spec_.table), stage});
    if (r.String(0, 0) != std::to_string(spec_.columns.size())) {
      return "a target column's type differs from the load's";
    }
    return "";
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
  bool compare_ = false;
  TargetShape begin_shape_;  // read by Begin (WhyNotCompare); used by a comparing Commit
};

}  // namespace

std::unique_ptr<TargetLoad> MakeMergeLoad(TargetLoadSpec spec) {
  return std::make_unique<MergeLoad>(std::move(spec));
}

}  // namespace etl::sink
