#pragma once
// Bad rows: values PostgreSQL cannot hold (a NUL in text, invalid JSON, bytes that are not
// UTF-8, an integer out of range).
//
// With `on_bad_row: fail` the table fails with an error naming the row's key and the column;
// with `reject` each bad row is appended to <reject_dir>/<safe table key>.rejects.jsonl as one
// JSON object {"table","key":{...},"column","reason","row":{...}} and the load goes on.
// Raw bytes that are not valid UTF-8 are written as \u00XX escapes, so the file is valid JSON.
//
// Disclosure (docs/hardening.md): the reject file is the one place where row values are
// written. The bad-row error names the row by its key (the key columns and their values: the
// row's identity, which the contract requires so the row can be found) and the column, never
// the bad value or other columns. The reason is a fixed text ("invalid JSON: ..."), not data.
//
// Reject files hold whole rows, so they are private: the file is created with mode 0600 (an
// existing one is truncated and set to 0600; a symbolic link in its place is refused), and
// reject_dir, when missing, is created with mode 0700 (an existing directory keeps its mode).
// The file name comes from RejectFileName, so a table key such as "../../x" cannot leave
// reject_dir.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "types/row_batch.h"
#include "types/type_mapping.h"

namespace etl::pipeline {

// "id=42" or "a=1, b=x" (values cut to 64 bytes). A table without a key has no identity to
// show: its first column's value is shown only at --log-level trace (config::ShowValues()).
std::string DescribeRowKey(const types::RowBatch& batch, std::size_t row,
                           const std::vector<types::TargetColumn>& columns,
                           const std::vector<std::size_t>& key_indexes);

// The error message for a bad row under on_bad_row: fail.
std::string BadRowError(const std::string& table, const std::string& row_key,
                        const std::string& column, const std::string& reason);

// The reject file's name for a table key: "<key>.rejects.jsonl" when the key is a safe file
// name (letters, digits, '_', '-', '.'; no leading dot, no "..", at most 100 bytes). Otherwise
// every other byte becomes '_' (a leading dot and every dot of ".." too), the result is
// cut to 100 bytes, and "-" + 12 hex digits of a hash of the whole key are appended, so two
// keys that differ only in unsafe bytes get different names, the same on every run.
// E.g. "../../escaped" -> "______escaped-<hash>.rejects.jsonl".
std::string RejectFileName(const std::string& table_key);

// Appends rejected rows to one file; shared by the workers of a table (thread-safe).
class RejectFile {
 public:
  // Creates the directory (0700) when missing and creates or truncates the file (0600; one file
  // per table per run). Throws std::runtime_error naming the path and the system's reason when
  // either fails.
  RejectFile(const std::string& reject_dir, const std::string& table);
  ~RejectFile();
  RejectFile(const RejectFile&) = delete;
  RejectFile& operator=(const RejectFile&) = delete;

  void Write(const types::RowBatch& batch, std::size_t row,
             const std::vector<types::TargetColumn>& columns,
             const std::vector<std::size_t>& key_indexes, std::size_t bad_column,
             const std::string& reason);

  const std::string& path() const { return path_; }
  std::int64_t count() const;

  // A file of its own for one try of part `index` of a parallel load: "<path>.part-<index>"
  // (private like the table's), truncated when the part's next try opens it again. Keep()
  // appends its lines to the table's file once the part's rows have committed, and removes it;
  // otherwise the destructor removes it, so a part that is redone never writes its rejected
  // rows twice.
  static std::unique_ptr<RejectFile> ForPart(RejectFile& table_file, std::size_t index);
  void Keep();

 private:
  RejectFile(std::string table, std::string path, RejectFile* keep_into);
  void Append(std::string_view lines, std::int64_t rows);               // thread-safe
  void AppendFile(int fd, const std::string& path, std::int64_t rows);  // thread-safe
  void WriteAll(std::string_view data);                                 // REQUIRES: mu_ held

  std::string table_;
  std::string path_;
  int fd_ = -1;
  mutable std::mutex mu_;
  std::int64_t count_ = 0;
  RejectFile* keep_into_ = nullptr;  // ForPart: the table's file
};

}  // namespace etl::pipeline
