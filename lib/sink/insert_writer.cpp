#include "sink/insert_writer.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include <spdlog/spdlog.h>

#include "sink/pg_quote.h"
#include "sink/sql_fragments.h"
#include "types/value_converter.h"

namespace etl::sink {
namespace {

std::string NextStatementName() {
  static std::atomic<std::uint64_t> counter{0};
  return "etl_insert_" + std::to_string(++counter);
}

bool IsBinaryKind(types::ValueKind k) {
  return k == types::ValueKind::kBytea || k == types::ValueKind::kGeometry;
}

}  // namespace

InsertWriter::InsertWriter(PgConnection& conn, std::string_view schema, std::string_view table,
                           std::vector<types::TargetColumn> columns,
                           std::vector<std::string> conflict_key, std::size_t max_params)
    : conn_(conn), table_label_(QualifiedName(schema, table)), columns_(std::move(columns)) {
  if (columns_.empty()) throw std::invalid_argument("InsertWriter needs at least one column");
  max_params = std::min(max_params, kMaxParams);
  max_rows_ = max_params / columns_.size();
  if (max_rows_ == 0) {
    throw std::invalid_argument("table " + table_label_ + " has more columns (" +
                                std::to_string(columns_.size()) +
                                ") than one INSERT can carry parameters");
  }
  std::vector<std::string> names;
  for (const auto& c : columns_) {
    names.push_back(c.name);
    column_formats_.push_back(IsBinaryKind(c.kind) ? 1 : 0);
  }
  insert_head_ = "INSERT INTO " + table_label_ + " (" + QuoteIdentList(names) +
                 ") OVERRIDING SYSTEM VALUE VALUES ";
  if (!conflict_key.empty()) {
    for (const auto& k : conflict_key) {
      if (std::find(names.begin(), names.end(), k) == names.end()) {
        throw std::invalid_argument("upsert key column \"" + k + "\" is not a column of " +
                                    table_label_);
      }
    }
    conflict_tail_ = OnConflictUpdate(names, conflict_key);
  }
}

InsertWriter::~InsertWriter() {
  Deallocate();
}

void InsertWriter::Deallocate() noexcept {
  if (!prepared_) return;
  prepared_ = false;
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) return;
  // Best effort: in a failed transaction DEALLOCATE would fail too; the statement then lives
  // until the connection closes (names are never reused).
  const PGTransactionStatusType ts = PQtransactionStatus(conn_.get());
  if (ts != PQTRANS_IDLE && ts != PQTRANS_INTRANS) return;
  const std::string sql = "DEALLOCATE " + QuoteIdent(prepared_name_);
  PQclear(PQexec(conn_.get(), sql.c_str()));
}

std::string InsertWriter::StatementFor(std::size_t rows) const {
  std::string sql = insert_head_;
  const std::size_t ncols = columns_.size();
  sql.reserve(sql.size() + rows * ncols * 8 + conflict_tail_.size());
  std::size_t p = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t c = 0; c < ncols; ++c) {
      if (c != 0) sql += ", ";
      sql += '$';
      sql += std::to_string(p++);
    }
    sql += ')';
  }
  sql += conflict_tail_;
  return sql;
}

bool InsertWriter::AppendRow(const types::RowBatch& batch, std::size_t row,
                             std::vector<BadValue>& bad) {
  const std::size_t arena_mark = arena_.size();
  const std::size_t param_mark = offsets_.size();
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const bool null = batch.IsNull(row, c);
    const types::Converted v =
        null ? types::Converted{types::ConvertStatus::kNull, {}, ""}
             : types::ConvertValue(columns_[c], batch.Field(row, c), scratch_);
    const char* reason = nullptr;
    if (v.status == types::ConvertStatus::kBad) {
      reason = v.reason;
    } else if (v.status == types::ConvertStatus::kNull && !columns_[c].nullable) {
      reason = null ? kNullInNotNull : kZeroDateInNotNull;
    } else if (v.status == types::ConvertStatus::kOk && column_formats_[c] == 0 &&
               std::memchr(v.value.data(), '\0', v.value.size()) != nullptr) {
      reason = "value contains a NUL byte";
    }
    if (reason != nullptr) {
      arena_.resize(arena_mark);
      offsets_.resize(param_mark);
      lengths_.resize(param_mark);
      bad.push_back(BadValue{row, c, columns_[c].name, reason});
      return false;
    }
    if (v.status == types::ConvertStatus::kNull) {
      offsets_.push_back(-1);
      lengths_.push_back(0);
      continue;
    }
    offsets_.push_back(static_cast<std::ptrdiff_t>(arena_.size()));
    lengths_.push_back(static_cast<int>(v.value.size()));
    arena_.append(v.value);
    arena_.push_back('\0');  // text parameters are read as C strings
  }
  return true;
}

void InsertWriter::Flush() {
  if (pending_rows_ == 0) return;
  const std::size_t nparams = offsets_.size();
  values_.resize(nparams);
  for (std::size_t i = 0; i < nparams; ++i) {
    values_[i] = offsets_[i] < 0 ? nullptr : arena_.data() + offsets_[i];
  }
  if (formats_.size() < nparams) {
    const std::size_t start = formats_.size();
    formats_.resize(nparams);
    for (std::size_t i = start; i < nparams; ++i) {
      formats_[i] = column_formats_[i % columns_.size()];
    }
  }
  const int n = static_cast<int>(nparams);
  PgResult result;
  if (pending_rows_ == full_rows_) {
    if (!prepared_) {
      prepared_name_ = NextStatementName();
      const std::string sql = StatementFor(full_rows_);
      // Sent and awaited through PgConnection: a server that stops answering cannot hang here.
      if (PQsendPrepare(conn_.get(), prepared_name_.c_str(), sql.c_str(), n, nullptr) == 0) {
        conn_.Check(nullptr, sql);
      }
      conn_.AwaitResult(sql);
      prepared_ = true;
      prepared_label_ =
          insert_head_ + "... (" + std::to_string(full_rows_) + " rows)" + conflict_tail_;
    }
    if (PQsendQueryPrepared(conn_.get(), prepared_name_.c_str(), n, values_.data(), lengths_.data(),
                            formats_.data(), 0) == 0) {
      conn_.Check(nullptr, prepared_label_);
    }
    result = conn_.AwaitResult(prepared_label_);
  } else {
    const std::string sql = StatementFor(pending_rows_);
    if (PQsendQueryParams(conn_.get(), sql.c_str(), n, nullptr, values_.data(), lengths_.data(),
                          formats_.data(), 0) == 0) {
      conn_.Check(nullptr, sql);
    }
    result = conn_.AwaitResult(sql);
  }
  ++statements_;
  rows_written_ += static_cast<std::int64_t>(pending_rows_);
  rows_affected_ += result.AffectedRows();
  pending_rows_ = 0;
  arena_.clear();
  offsets_.clear();
  lengths_.clear();
}

std::size_t InsertWriter::Write(const types::RowBatch& batch, std::vector<BadValue>& bad) {
  return Write(batch, 0, batch.row_count(), bad);
}

std::size_t InsertWriter::Write(const types::RowBatch& batch, std::size_t begin, std::size_t end,
                                std::vector<BadValue>& bad) {
  if (batch.column_count() != columns_.size()) {
    throw std::invalid_argument("batch for " + table_label_ + " has " +
                                std::to_string(batch.column_count()) + " columns, expected " +
                                std::to_string(columns_.size()));
  }
  end = std::min(end, batch.row_count());
  if (begin >= end) return 0;
  // The full-size statement grows with the largest batch seen (up to the parameter limit), so
  // a small first batch does not condemn the table to small statements.
  if (const std::size_t wanted = std::min(max_rows_, end - begin); wanted > full_rows_) {
    Deallocate();
    full_rows_ = wanted;
    offsets_.reserve(full_rows_ * columns_.size());
    lengths_.reserve(full_rows_ * columns_.size());
    arena_.reserve(std::min<std::size_t>(batch.byte_size(), 64u << 20));
  }
  std::size_t sent = 0;
  for (std::size_t r = begin; r < end; ++r) {
    if (!AppendRow(batch, r, bad)) continue;
    ++sent;
    if (++pending_rows_ == full_rows_) Flush();
  }
  Flush();
  return sent;
}

}  // namespace etl::sink
