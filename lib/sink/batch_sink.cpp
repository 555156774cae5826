#include "sink/batch_sink.h"

#include <optional>

#include <fmt/format.h>

#include "report/stopwatch.h"
#include "sink/copy_encoder.h"
#include "sink/copy_writer.h"

namespace etl::sink {
namespace {

// Encoded COPY data is handed to libpq in pieces of about this size: large enough to make
// PQputCopyData calls rare, small enough to keep memory flat whatever the batch size.
constexpr std::size_t kCopyFlushBytes = 1 << 20;

std::vector<std::string> ColumnNames(const std::vector<types::TargetColumn>& columns) {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const auto& c : columns)
    names.push_back(c.name);
  return names;
}

class CopySink final : public BatchSink {
 public:
  CopySink(PgConnection& conn, std::string schema, std::string table,
           const std::vector<types::TargetColumn>& columns, config::CopyFormat format, bool freeze)
      : conn_(conn),
        schema_(std::move(schema)),
        table_(std::move(table)),
        column_names_(ColumnNames(columns)),
        encoder_(CopyEncoder::Create(format, columns)) {
    options_ = encoder_->CopyOptions();
    if (freeze) options_ += ", FREEZE";
    buffer_.reserve(kCopyFlushBytes + (64 << 10));
  }

  void Write(const types::RowBatch& batch, std::size_t begin, std::size_t end,
             std::vector<BadValue>& bad) override {
    if (begin >= end) return;
    if (!copy_) {
      report::ScopedTimer t(&counters_.write_seconds);
      copy_.emplace(conn_, schema_, table_, column_names_, options_);
      copy_->Begin();
      ++counters_.statements;
      encoder_->BeginStream(buffer_);
    }
    std::size_t written;
    {
      report::ScopedTimer t(&counters_.process_seconds);
      written = encoder_->EncodeRows(batch, begin, end, buffer_, bad);
    }
    open_rows_ += static_cast<std::int64_t>(written);
    if (buffer_.size() >= kCopyFlushBytes) Flush();
  }

  void FinishBatch() override {
    if (!copy_) return;
    encoder_->EndStream(buffer_);
    Flush();
    {
      report::ScopedTimer t(&counters_.write_seconds);
      copy_->End();
    }
    copy_.reset();
    counters_.rows_written += open_rows_;
    open_rows_ = 0;
    open_bytes_ = 0;
    ++counters_.batches;
  }

  std::int64_t open_batch_rows() const override { return open_rows_; }
  std::int64_t open_batch_bytes() const override {
    return open_bytes_ + static_cast<std::int64_t>(buffer_.size());
  }

  std::string Describe() const override {
    std::string s = fmt::format("COPY ({})", options_);
    if (!encoder_->fallback_reason().empty()) s += " -- " + encoder_->fallback_reason();
    return s;
  }

 private:
  void Flush() {
    if (buffer_.empty()) return;
    report::ScopedTimer t(&counters_.write_seconds);
    copy_->Put(buffer_);
    counters_.bytes += static_cast<std::int64_t>(buffer_.size());
    open_bytes_ += static_cast<std::int64_t>(buffer_.size());
    buffer_.clear();
  }

  PgConnection& conn_;
  std::string schema_;
  std::string table_;
  std::vector<std::string> column_names_;
  std::unique_ptr<CopyEncoder> encoder_;
  std::string options_;
  std::optional<CopyWriter> copy_;
  std::string buffer_;
  std::int64_t open_rows_ = 0;
  std::int64_t open_bytes_ = 0;
};

class InsertSink final : public BatchSink {
 public:
  InsertSink(PgConnection& conn, const std::string& schema, const std::string& table,
             const std::vector<types::TargetColumn>& columns,
             const std::vector<std::string>& conflict_key)
      : writer_(conn, schema, table, columns, conflict_key) {}

  void Write(const types::RowBatch& batch, std::size_t begin, std::size_t end,
             std::vector<BadValue>& bad) override {
    if (begin >= end) return;
    const auto statements_before = writer_.statements();
    std::size_t written;
    {
      report::ScopedTimer t(&counters_.write_seconds);
      written = writer_.Write(batch, begin, end, bad);
    }
    counters_.statements += writer_.statements() - statements_before;
    open_rows_ += static_cast<std::int64_t>(written);
    open_bytes_ += static_cast<std::int64_t>(batch.byte_size());
    counters_.bytes += static_cast<std::int64_t>(batch.byte_size());
  }

  void FinishBatch() override {
    if (open_rows_ == 0) return;
    counters_.rows_written += open_rows_;
    open_rows_ = 0;
    open_bytes_ = 0;
    ++counters_.batches;
  }

  std::int64_t open_batch_rows() const override { return open_rows_; }
  std::int64_t open_batch_bytes() const override { return open_bytes_; }
  std::string Describe() const override {
    return fmt::format("multi-row INSERT ({} rows per statement)", writer_.rows_per_statement());
  }

 private:
  InsertWriter writer_;
  std::int64_t open_rows_ = 0;
  std::int64_t open_bytes_ = 0;
};

}  // namespace

std::unique_ptr<BatchSink> MakeCopySink(PgConnection& conn, const std::string& schema,
                                        const std::string& table,
                                        const std::vector<types::TargetColumn>& columns,
                                        config::CopyFormat format, bool freeze) {
  return std::make_unique<CopySink>(conn, schema, table, columns, format, freeze);
}

std::unique_ptr<BatchSink> MakeInsertSink(PgConnection& conn, const std::string& schema,
                                          const std::string& table,
                                          const std::vector<types::TargetColumn>& columns,
                                          const std::vector<std::string>& conflict_key) {
  return std::make_unique<InsertSink>(conn, schema, table, columns, conflict_key);
}

}  // namespace etl::sink
