#include "sink/table_ddl.h"

#include <spdlog/spdlog.h>

#include "sink/pg_quote.h"
#include "sink/schema_manager.h"

namespace etl::sink {
namespace {

constexpr int kNameCandidates = 20;
constexpr std::size_t kMaxIdentBytes = 63;

// The first `bytes` bytes of `name`, never cutting a UTF-8 sequence.
std::string TruncateTo(std::string_view name, std::size_t bytes) {
  if (name.size() <= bytes) return std::string(name);
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80)
    --end;
  return std::string(name.substr(0, end));
}

bool RelationExists(PgConnection& conn, std::string_view schema, std::string_view name) {
  return conn.ExecParams(
                 "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
                 "c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
                 {std::string(schema), std::string(name)})
             .rows() > 0;
}

bool IsDuplicateName(const PgError& e) {
  return e.sqlstate() == "42P07" || e.sqlstate() == "23505" || e.sqlstate() == "42710";
}

// Creates `index` under the first free candidate name; returns the name used.
std::string CreateIndex(PgConnection& conn, std::string_view schema, std::string_view table,
                        const types::PgIndex& index) {
  const bool nested = conn.in_transaction();
  for (const std::string& name : IndexNameCandidates(table, index.name, kNameCandidates)) {
    if (RelationExists(conn, schema, name)) continue;
    if (nested) conn.Exec("SAVEPOINT etl_index_name");
    try {
      conn.Exec(CreateIndexSql(schema, table, name, index));
      if (nested) conn.Exec("RELEASE SAVEPOINT etl_index_name");
      return name;
    } catch (const PgError& e) {
      if (!IsDuplicateName(e)) throw;
      // Taken by a transaction that committed meanwhile: try the next candidate.
      if (nested)
        conn.Exec("ROLLBACK TO SAVEPOINT etl_index_name; RELEASE SAVEPOINT etl_index_name");
    }
  }
  throw PgError("no free name for index \"" + index.name + "\" of " + QualifiedName(schema, table) +
                " after " + std::to_string(kNameCandidates) + " candidates");
}

void Comment(PgConnection& conn, const std::string& object, const std::string& text) {
  if (text.empty()) return;
  conn.Exec("COMMENT ON " + object + " IS " + QuoteLiteral(text));
}

std::string ConstraintLabel(std::string_view schema, const ForeignKeyToCreate& k) {
  return QualifiedName(schema, k.table) + " constraint " + QuoteIdent(TruncateIdent(k.key.name));
}

bool ConstraintExists(PgConnection& conn, const std::string& relation, const std::string& name) {
  return conn.ExecParams(
                 "SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass "
                 "AND conname = $2",
                 {relation, name})
             .rows() > 0;
}

}  // namespace

std::string DefaultSql(const types::PgDefault& value) {
  switch (value.kind) {
    case types::PgDefault::Kind::kLiteral:
      return QuoteLiteral(value.literal);
    case types::PgDefault::Kind::kCurrentTimestamp:
      return value.precision ? "CURRENT_TIMESTAMP(" + std::to_string(*value.precision) + ")"
                             : std::string("CURRENT_TIMESTAMP");
    case types::PgDefault::Kind::kCurrentDate:
      return "CURRENT_DATE";
  }
  return "NULL";
}

std::string CreateIndexSql(std::string_view schema, std::string_view table, std::string_view name,
                           const types::PgIndex& index) {
  if (index.columns.empty()) {
    throw std::invalid_argument("index \"" + index.name + "\" has no columns");
  }
  std::string sql = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  sql += QuoteIdent(name) + " ON " + QualifiedName(schema, table);
  if (index.method == types::PgIndex::Method::kFullText) {
    std::string doc;
    for (const auto& c : index.columns) {
      doc += (doc.empty() ? "" : " || ' ' || ") + std::string("coalesce(") + QuoteIdent(c) +
             "::text, '')";
    }
    return sql + " USING gin (to_tsvector('simple'::regconfig, " + doc + "))";
  }
  sql += " (";
  for (std::size_t i = 0; i < index.columns.size(); ++i) {
    if (i != 0) sql += ", ";
    sql += QuoteIdent(index.columns[i]);
    if (i < index.descending.size() && index.descending[i]) sql += " DESC";
  }
  return sql + ")";
}

std::vector<std::string> IndexNameCandidates(std::string_view table, std::string_view wanted,
                                             int n) {
  std::vector<std::string> out;
  out.push_back(TruncateTo(wanted, kMaxIdentBytes));
  const std::string base = std::string(table) + "_" + std::string(wanted);
  out.push_back(TruncateTo(base, kMaxIdentBytes));
  for (int i = 2; static_cast<int>(out.size()) < n; ++i) {
    const std::string suffix = "_" + std::to_string(i);
    out.push_back(TruncateTo(base, kMaxIdentBytes - suffix.size()) + suffix);
  }
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  return out;
}

FinishedTable FinishCreatedTable(PgConnection& conn, std::string_view schema,
                                 std::string_view table, const types::TableDefinition& definition) {
  const std::string rel = QualifiedName(schema, table);
  for (const auto& note : definition.notes)
    spdlog::warn("{}: {}", rel, note);
  if (!definition.zero_date_nullable.empty()) {
    spdlog::info("{}: created nullable (NOT NULL in MySQL; zero dates load as NULL): {}", rel,
                 QuoteIdentList(definition.zero_date_nullable));
  }

  FinishedTable out;
  // Unnamed: PostgreSQL names it <table>_pkey and picks a free variant itself.
  if (!definition.primary_key.empty()) AddPrimaryKey(conn, schema, table, definition.primary_key);
  for (const auto& index : definition.indexes) {
    const std::string name = CreateIndex(conn, schema, table, index);
    out.indexes.push_back(name);
    if (name != index.name) {
      out.renamed.push_back(index.name + " -> " + name);
      spdlog::info("{}: index {} is named {} (the schema already has a relation {})", rel,
                   QuoteIdent(index.name), QuoteIdent(name), QuoteIdent(index.name));
    }
  }
  Comment(conn, "TABLE " + rel, definition.comment);
  for (const auto& c : definition.columns) {
    Comment(conn, "COLUMN " + rel + "." + QuoteIdent(c.name), c.comment);
  }
  return out;
}

int AdvanceIdentity(PgConnection& conn, std::string_view schema, std::string_view table) {
  const std::string rel = QualifiedName(schema, table);
  const PgResult seqs = conn.ExecParams(
      "SELECT a.attname, s.seq::text, pg_catalog.has_sequence_privilege(s.seq, 'UPDATE'), "
      "q.seqincrement > 0 "
      "FROM pg_catalog.pg_attribute a "
      "CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_serial_sequence($1, a.attname)::regclass "
      "AS seq) s "
      "JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.seq "
      "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {rel});
  int advanced = 0;
  for (int i = 0; i < seqs.rows(); ++i) {
    const std::string column = seqs.String(i, 0);
    const std::string sequence = seqs.String(i, 1);
    if (seqs.Value(i, 3) != "t") continue;  // descending: whoever made it knows why
    if (seqs.Value(i, 2) != "t") {
      spdlog::warn("{}: sequence {} of column {} not advanced: no UPDATE privilege on it", rel,
                   sequence, QuoteIdent(column));
      continue;
    }
    // Next value: one past the larger of the column's maximum and what the sequence already
    // handed out; the sequence's minimum when both are absent (empty table, unused sequence).
    conn.ExecParams(
        "SELECT pg_catalog.setval(q.seqrelid, GREATEST(m.top, q.seqmin), "
        "COALESCE(m.top >= q.seqmin, false)) "
        "FROM pg_catalog.pg_sequence q, "
        "(SELECT GREATEST(max(" +
            QuoteIdent(column) +
            ")::bigint, pg_catalog.pg_sequence_last_value($1::regclass)) "
            "AS top FROM " +
            rel + ") m WHERE q.seqrelid = $1::regclass",
        {sequence});
    ++advanced;
  }
  return advanced;
}

ForeignKeyOutcome CreateForeignKeys(PgConnection& conn, std::string_view schema,
                                    const std::vector<ForeignKeyToCreate>& keys) {
  ForeignKeyOutcome out;
  std::vector<const ForeignKeyToCreate*> added;
  for (const auto& k : keys) {
    const std::string label = ConstraintLabel(schema, k);
    const std::string name = TruncateIdent(k.key.name);
    const std::string child = QualifiedName(schema, k.table);
    const std::string parent = QualifiedName(schema, k.referenced_table);
    try {
      if (!TableExists(conn, schema, k.table)) continue;  // the table failed; nothing to key
      if (ConstraintExists(conn, child, name)) continue;  // created by an earlier run, or by hand
      if (!TableExists(conn, schema, k.referenced_table)) {
        out.skipped.push_back(label + " skipped: the referenced table " + parent +
                              " does not exist in the target");
        continue;
      }
      if (!HasPrimaryKeyOrUnique(conn, schema, k.referenced_table, k.key.referenced_columns)) {
        out.skipped.push_back(label + " skipped: " + parent + " has no primary key or unique " +
                              "index on (" + QuoteIdentList(k.key.referenced_columns) +
                              "), which PostgreSQL needs for a foreign key");
        continue;
      }
      Transaction tx(conn);
      conn.Exec("ALTER TABLE " + child + " ADD CONSTRAINT " + QuoteIdent(name) + " FOREIGN KEY (" +
                QuoteIdentList(k.key.columns) + ") REFERENCES " + parent + " (" +
                QuoteIdentList(k.key.referenced_columns) + ") ON DELETE " +
                types::ToSql(k.key.on_delete) + " ON UPDATE " + types::ToSql(k.key.on_update) +
                " NOT VALID");
      tx.Commit();
      added.push_back(&k);
    } catch (const PgError& e) {
      out.skipped.push_back(label + " not created: " + e.what());
    }
  }
  for (const ForeignKeyToCreate* k : added) {
    const std::string label = ConstraintLabel(schema, *k);
    const std::string name = QuoteIdent(TruncateIdent(k->key.name));
    const std::string child = QualifiedName(schema, k->table);
    try {
      Transaction tx(conn);
      conn.Exec("ALTER TABLE " + child + " VALIDATE CONSTRAINT " + name);
      tx.Commit();
      out.created.push_back(std::string(schema) + "." + k->table + "." +
                            TruncateIdent(k->key.name));
    } catch (const PgError& e) {
      std::string dropped = "the constraint was dropped";
      try {
        Transaction tx(conn);
        conn.Exec("ALTER TABLE " + child + " DROP CONSTRAINT " + name);
        tx.Commit();
      } catch (const PgError& drop_error) {
        dropped = std::string("dropping the constraint failed too: ") + drop_error.what();
      }
      out.failures.push_back(
          "foreign key " + label + " -> " + QualifiedName(schema, k->referenced_table) +
          ": the loaded rows break it (" + dropped + "; the data stays loaded): " + e.what());
    }
  }
  return out;
}

}  // namespace etl::sink
