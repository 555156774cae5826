#pragma once
// Bad rows: values PostgreSQL cannot hold (a NUL in text, invalid JSON, bytes that are not
// UTF-8, an integer out of range).
//
// With `on_bad_row: fail` the table fails with an error naming the row's key and the column;
// with `reject` each bad row is appended to <reject_dir>/<table>.rejects.jsonl as one JSON
// object {"table","key":{...},"column","reason","row":{...}} and the load goes on.
// Raw bytes that are not valid UTF-8 are written as \u00XX escapes, so the file is valid JSON.

#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "types/row_batch.h"
#include "types/type_mapping.h"

namespace etl::pipeline {

// "id=42" or "a=1, b='x'"; the whole row's first column when the table has no key.
std::string DescribeRowKey(const types::RowBatch& batch, std::size_t row,
                           const std::vector<types::TargetColumn>& columns,
                           const std::vector<std::size_t>& key_indexes);

// The error message for a bad row under on_bad_row: fail.
std::string BadRowError(const std::string& table, const std::string& row_key,
                        const std::string& column, const std::string& reason);

// Appends rejected rows to one file; shared by the workers of a table (thread-safe).
class RejectFile {
 public:
  // Creates the directory when missing and truncates the file (one file per table per run).
  // Throws std::runtime_error naming the path when it cannot be opened.
  RejectFile(const std::string& reject_dir, const std::string& table);

  void Write(const types::RowBatch& batch, std::size_t row,
             const std::vector<types::TargetColumn>& columns,
             const std::vector<std::size_t>& key_indexes, std::size_t bad_column,
             const std::string& reason);

  const std::string& path() const { return path_; }
  std::int64_t count() const;

 private:
  std::string table_;
  std::string path_;
  std::ofstream out_;
  mutable std::mutex mu_;
  std::int64_t count_ = 0;
};

}  // namespace etl::pipeline
