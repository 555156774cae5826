#pragma once
// RowBatch: a block of rows as raw field bytes, the unit that flows source -> pipeline -> sink.
//
// Fields are stored back to back in one arena with a (offset, length) cell per field, so a
// batch costs two allocations however many rows it holds, and Clear() keeps both allocations
// for the next batch (readers reuse batches; nothing is allocated per row in steady state).
// Values are the bytes MySQL's text protocol sends (see types/value_converter.h for what each
// column kind looks like); NULL is a cell with length kNull.
//
// REQUIRES: rows are appended with BeginRow() followed by exactly column_count() Append*()
// calls. Views returned by Field() are invalidated by the next append or Clear().

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace etl::types {

class RowBatch {
 public:
  static constexpr std::int64_t kNull = -1;

  explicit RowBatch(std::size_t column_count = 0) : columns_(column_count) {}

  void Reset(std::size_t column_count) {
    columns_ = column_count;
    Clear();
  }
  void Clear() {
    arena_.clear();
    cells_.clear();
    rows_ = 0;
  }
  void Reserve(std::size_t rows, std::size_t bytes) {
    cells_.reserve(rows * columns_);
    arena_.reserve(bytes);
  }

  void BeginRow() { ++rows_; }
  void AppendField(const char* data, std::size_t length) {
    cells_.push_back(
        Cell{static_cast<std::int64_t>(arena_.size()), static_cast<std::int64_t>(length)});
    arena_.append(data, length);
  }
  void AppendField(std::string_view v) { AppendField(v.data(), v.size()); }
  void AppendNull() { cells_.push_back(Cell{0, kNull}); }

  std::size_t column_count() const { return columns_; }
  std::size_t row_count() const { return rows_; }
  std::size_t byte_size() const { return arena_.size() + cells_.size() * sizeof(Cell); }
  bool empty() const { return rows_ == 0; }

  bool IsNull(std::size_t row, std::size_t col) const {
    return cells_[row * columns_ + col].length == kNull;
  }
  // The field's bytes; empty for NULL (check IsNull to tell NULL from '').
  std::string_view Field(std::size_t row, std::size_t col) const {
    const Cell& c = cells_[row * columns_ + col];
    if (c.length == kNull) return {};
    return std::string_view(arena_.data() + c.offset, static_cast<std::size_t>(c.length));
  }

 private:
  struct Cell {
    std::int64_t offset;
    std::int64_t length;
  };
  std::size_t columns_;
  std::size_t rows_ = 0;
  std::string arena_;
  std::vector<Cell> cells_;
};

}  // namespace etl::types
