#include "sink/target_swap.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sink/lock_wait.h"
#include "sink/pg_quote.h"
#include "sink/target_shape.h"

namespace etl::sink {
namespace {

// An index or key constraint of the target, rebuilt on the clone under a temporary name.
struct IndexClone {
  std::string original;  // the index's (or the constraint's) name on the target
  std::string temporary;
  bool constraint = false;
  std::string build;  // the statement that builds it on the clone
  std::optional<std::string> comment;
};

constexpr const char* kIndexesSql = R"SQL(
SELECT ic.relname, co.conname, pg_catalog.pg_get_constraintdef(co.oid),
       pg_catalog.pg_get_indexdef(i.indexrelid),
       quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(ic.relname),
       i.indisunique, pg_catalog.obj_description(i.indexrelid, 'pg_class'),
       pg_catalog.obj_description(co.oid, 'pg_constraint')
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_constraint co ON co.conindid = i.indexrelid AND co.conrelid = i.indrelid
  AND co.contype IN ('p', 'u', 'x')
WHERE n.nspname = $1 AND c.relname = $2
ORDER BY co.contype = 'p' DESC NULLS LAST, ic.relname
)SQL";

std::optional<std::string> OptionalText(const PgResult& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return r.String(row, col);
}

class SwapLoad final : public TargetLoad {
 public:
  explicit SwapLoad(TargetLoadSpec spec) : TargetLoad(std::move(spec)) {}

  void Begin(PgConnection& conn) override {
    if (spec_.parts > 1) {
      CreateSharedStage(conn, StageKind::kRegular,
                        [&](const std::string& stage) { CreateClone(conn, stage); });
      return;
    }
    OpenLoadTransaction(conn);
    stage_ = NewStageName(spec_.table);
    CreateClone(conn, stage_);
    write_schema_ = spec_.schema;
    write_table_ = stage_;
    freeze_ = true;  // created in this transaction
  }

  CommitSummary Commit(PgConnection& conn, const CommitRecord& record) override {
    FinalTransaction(conn);
    const std::string target = QualifiedName(spec_.schema, spec_.table);
    const std::string clone = QualifiedName(spec_.schema, stage_);
    const std::vector<IndexClone> indexes = PlanIndexes(conn);
    for (const auto& ix : indexes)
      conn.Exec(ix.build);

    AcquireTableLock(conn, spec_.schema, spec_.table, "ACCESS EXCLUSIVE", spec_.lock_timeout);
    std::vector<std::string> names;
    for (const auto& c : spec_.columns)
      names.push_back(c.name);
    const TargetShape now = InspectTarget(conn, spec_.schema, spec_.table, names, spec_.key);
    if (!now.swap_blockers.empty()) {
      throw PgError(fmt::format(
          "PostgreSQL {}: {} changed while etl loaded it ({}); nothing was changed, and the "
          "next run keeps what it has by merging",
          conn.description(), target, now.swap_blockers.front()));
    }
    CopyPrivileges(conn, clone);
    const auto identities = IdentityProgress(conn, target);
    conn.Exec("DROP TABLE " + target);
    conn.Exec("ALTER TABLE " + clone + " RENAME TO " + QuoteIdent(spec_.table));
    conn.Exec("COMMENT ON TABLE " + target + " IS " +
              (table_comment_ ? QuoteLiteral(*table_comment_) : std::string("NULL")));
    for (const auto& ix : indexes) {
      if (ix.constraint) {
        conn.Exec(fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", target,
                              QuoteIdent(ix.temporary), QuoteIdent(ix.original)));
      } else {
        conn.Exec(fmt::format("ALTER INDEX {} RENAME TO {}",
                              QualifiedName(spec_.schema, ix.temporary), QuoteIdent(ix.original)));
      }
      if (ix.comment) {
        conn.Exec(fmt::format("COMMENT ON {} {} IS {}", ix.constraint ? "CONSTRAINT" : "INDEX",
                              ix.constraint ? QuoteIdent(ix.original) + " ON " + target
                                            : QualifiedName(spec_.schema, ix.original),
                              QuoteLiteral(*ix.comment)));
      }
    }
    RenameIdentitySequences(conn, spec_.schema, spec_.table);
    for (const auto& [column, last] : identities)
      ContinueIdentity(conn, target, column, last);
    FinishCommit(conn, record);
    return {};
  }

 private:
  // Identity columns of the target and how far their sequences got: the clone's sequences are
  // new and must not hand out values the old ones already did.
  static std::vector<std::pair<std::string, std::string>> IdentityProgress(
      PgConnection& conn, const std::string& target) {
    PgResult r = conn.ExecParams(
        "SELECT a.attname, coalesce(pg_catalog.pg_sequence_last_value("
        "pg_catalog.pg_get_serial_sequence($1, a.attname)), 0) FROM pg_catalog.pg_attribute a "
        "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.attidentity <> ''",
        {target});
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < r.rows(); ++i)
      out.emplace_back(r.String(i, 0), r.String(i, 1));
    return out;
  }

  static void ContinueIdentity(PgConnection& conn, const std::string& target,
                               const std::string& column, const std::string& old_last) {
    conn.ExecParams(
        "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence($1, $2), v::bigint) FROM "
        "(SELECT "
        "greatest($3::numeric, coalesce(max(" +
            QuoteIdent(column) + ")::numeric, 0)) AS v FROM " + target + ") m WHERE v > 0",
        {target, column, old_last});
  }

  void CreateClone(PgConnection& conn, const std::string& stage) {
    const std::string target = QualifiedName(spec_.schema, spec_.table);
    conn.Exec(fmt::format(
        "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED "
        "INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS INCLUDING COMPRESSION)",
        QualifiedName(spec_.schema, stage), target));
    PgResult r = conn.ExecParams(
        "SELECT split_part(o, '=', 1), substr(o, length(split_part(o, '=', 1)) + 2), "
        "pg_catalog.obj_description(c.oid, 'pg_class') "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN LATERAL unnest(c.reloptions) AS o ON true "
        "WHERE n.nspname = $1 AND c.relname = $2",
        {spec_.schema, spec_.table});
    std::string options;
    for (int i = 0; i < r.rows(); ++i) {
      if (i == 0) table_comment_ = OptionalText(r, 0, 2);
      if (r.IsNull(i, 0)) continue;
      const std::string name = r.String(i, 0);
      const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || c == '_' || c == '.' || (c >= '0' && c <= '9');
      });
      if (!plain) throw PgError("unexpected storage parameter name on " + target + ": " + name);
      options += (options.empty() ? "" : ", ") + name + " = " + QuoteLiteral(r.String(i, 1));
    }
    if (!options.empty()) {
      conn.Exec("ALTER TABLE " + QualifiedName(spec_.schema, stage) + " SET (" + options + ")");
    }
  }

  // The statements that rebuild the target's keys and indexes on the clone.
  std::vector<IndexClone> PlanIndexes(PgConnection& conn) const {
    PgResult r = conn.ExecParams(kIndexesSql, {spec_.schema, spec_.table});
    const std::string clone = QualifiedName(spec_.schema, stage_);
    const std::string prefix = stage_.substr(0, std::min<std::size_t>(stage_.size(), 22));
    std::vector<IndexClone> out;
    for (int i = 0; i < r.rows(); ++i) {
      IndexClone ix;
      ix.temporary = fmt::format("{}_{}", prefix, i + 1);
      ix.constraint = !r.IsNull(i, 1);
      if (ix.constraint) {
        ix.original = r.String(i, 1);
        ix.build = fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", clone,
                               QuoteIdent(ix.temporary), r.Value(i, 2));
        ix.comment = OptionalText(r, i, 8);
      } else {
        ix.original = r.String(i, 0);
        const std::string def = r.String(i, 3);
        const bool unique = r.Value(i, 6) == "t";
        const std::string head = std::string(unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") +
                                 r.String(i, 5) + " ON " + r.String(i, 4) + " USING ";
        if (!def.starts_with(head)) {
          throw PgError("cannot rebuild index " + ix.original + " of " +
                        QualifiedName(spec_.schema, spec_.table) + " on its clone: " + def);
        }
        ix.build = std::string(unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") +
                   QuoteIdent(ix.temporary) + " ON " + clone + " USING " + def.substr(head.size());
        ix.comment = OptionalText(r, i, 7);
      }
      out.push_back(std::move(ix));
    }
    return out;
  }

  // GRANTs on the clone that reproduce the target's table and column privileges.
  void CopyPrivileges(PgConnection& conn, const std::string& clone) const {
    static constexpr std::array<std::string_view, 8> kPrivileges = {
        "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"};
    auto privilege = [&](std::string_view p) {
      if (std::find(kPrivileges.begin(), kPrivileges.end(), p) == kPrivileges.end()) {
        throw PgError("unexpected privilege " + std::string(p) + " on " +
                      QualifiedName(spec_.schema, spec_.table));
      }
      return std::string(p);
    };
    auto grantee = [](const PgResult& r, int i, int col) {
      return r.IsNull(i, col) ? std::string("PUBLIC") : QuoteIdent(r.Value(i, col));
    };
    PgResult acl = conn.ExecParams(
        "SELECT c.relacl IS NULL, CASE WHEN a.grantee <> 0 THEN "
        "pg_catalog.pg_get_userbyid(a.grantee) END, a.privilege_type, a.is_grantable "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN LATERAL aclexplode(c.relacl) AS a ON true "
        "WHERE n.nspname = $1 AND c.relname = $2",
        {spec_.schema, spec_.table});
    if (acl.rows() > 0 && acl.Value(0, 0) == "f") {
      // An explicit ACL replaces the owner's defaults: start from nothing, as the target did.
      conn.Exec("REVOKE ALL ON TABLE " + clone + " FROM CURRENT_USER");
      for (int i = 0; i < acl.rows(); ++i) {
        if (acl.IsNull(i, 2)) continue;
        conn.Exec(fmt::format("GRANT {} ON TABLE {} TO {}{}", privilege(acl.Value(i, 2)), clone,
                              grantee(acl, i, 1),
                              acl.Value(i, 3) == "t" ? " WITH GRANT OPTION" : ""));
      }
    }
    PgResult columns = conn.ExecParams(
        "SELECT a.attname, CASE WHEN x.grantee <> 0 THEN pg_catalog.pg_get_userbyid(x.grantee) "
        "END, x.privilege_type, x.is_grantable "
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, aclexplode(a.attacl) AS x "
        "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.attacl IS NOT NULL",
        {spec_.schema, spec_.table});
    for (int i = 0; i < columns.rows(); ++i) {
      conn.Exec(fmt::format("GRANT {} ({}) ON TABLE {} TO {}{}", privilege(columns.Value(i, 2)),
                            QuoteIdent(columns.Value(i, 0)), clone, grantee(columns, i, 1),
                            columns.Value(i, 3) == "t" ? " WITH GRANT OPTION" : ""));
    }
  }

  std::optional<std::string> table_comment_;
};

}  // namespace

std::unique_ptr<TargetLoad> MakeSwapLoad(TargetLoadSpec spec) {
  return std::make_unique<SwapLoad>(std::move(spec));
}

}  // namespace etl::sink
