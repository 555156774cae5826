#pragma once
// Comparing two streams of canonical rows (verify's row-by-row step), and the order they come in.
//
// Both streams hold the compared columns as their servers print them (source/table_checksum.h,
// sink/table_checksum.h), sorted by key in the order both servers were asked for; each field is
// turned into its canonical text (types::SourceText / TargetText) as it is compared. RowDiff
// walks them like a merge join: a key on both sides is compared column by column (equal
// canonical text, or equal after the client-side form of json and float columns,
// types/canonical_value.h);
// a key only in the source is missing in the target; a key only in the target is extra.
// Memory is one batch per side whatever the table's size.
//
// Key order, per key column, is the one the servers sort by: numbers (integers, numeric,
// year) by value, time intervals by duration, floats by value, everything else bytewise
// (text sorted bytewise by both servers, ISO dates and times, hex bytes, bit digits); NULL
// first. If either stream is found out of that order, the comparison stops with an error
// rather than report rows that are in fact there (std::runtime_error naming the keys).
// A key repeated in the target (a target without a unique key) counts as extra.
//
// With `source_pending_flag`, each source row has one more field after the columns: '1' when
// it is past the incremental watermark (the target is not expected to hold it yet): such rows
// only count as pending, whatever the target has for their key.
//
// AddRows hashes rows in any order (tables without a key): the count and the sum of a
// 64-bit hash of each row's canonical fields, modulo 2^64.
// Pure; one thread per RowDiff.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/verify_result.h"
#include "types/canonical_value.h"
#include "types/row_batch.h"
#include "types/type_mapping.h"

namespace etl::plan {

enum class KeyOrder : unsigned char { kBytes, kNumber, kInterval, kFloat };

KeyOrder KeyOrderFor(const types::TargetColumn& column);

struct CompareColumn {
  std::string name;
  types::FieldForm form;
  types::ClientCanonical canonical = types::ClientCanonical::kNone;
  KeyOrder order = KeyOrder::kBytes;
  bool quote_in_key = true;  // print key values in single quotes ('abc'), numbers bare
};

std::vector<CompareColumn> CompareColumnsFor(const std::vector<types::TargetColumn>& columns);

// Three-way comparison (<0, 0, >0) of two non-NULL canonical key values in `order`.
int CompareKeyValue(KeyOrder order, std::string_view a, std::string_view b);

// The next batch of a stream, or nullptr at its end. The batch stays valid until the next call.
using BatchSource = std::function<const types::RowBatch*()>;

class RowDiff {
 public:
  RowDiff(std::vector<CompareColumn> columns, std::vector<std::size_t> key,
          bool source_pending_flag, std::size_t max_keys);

  // Runs the merge to the end of both streams. Throws std::runtime_error on out-of-order rows.
  void Run(const BatchSource& source, const BatchSource& target);

  const DiffCounts& diff() const { return diff_; }
  std::int64_t source_rows() const { return source_rows_; }
  std::int64_t target_rows() const { return target_rows_; }

  // "id=42" / "(a=1, b='x')" for row `row` of a source (or target) batch.
  std::string KeyText(const types::RowBatch& batch, std::size_t row, bool source);

 private:
  struct Cursor {
    const BatchSource* next = nullptr;
    const types::RowBatch* batch = nullptr;
    std::size_t row = 0;
    std::vector<std::string> previous;  // key fields of the previous row
    std::vector<bool> previous_null;
    bool has_previous = false;
    const char* side = "";
    bool is_source = false;
    std::size_t fields = 0;  // fields per row this side must have
    bool Valid() const { return batch != nullptr && row < batch->row_count(); }
  };

  // The canonical text of field `col` of the cursor's row; nullopt for NULL.
  std::optional<std::string_view> Text(const Cursor& c, std::size_t col, std::string& scratch);
  void Advance(Cursor& c);
  void Load(Cursor& c);
  int CompareKeys(const Cursor& a, const Cursor& b);
  // Checks order against the previous key of that side; true when the key repeats it.
  bool CheckOrder(Cursor& c);
  bool Pending(const Cursor& source) const;
  void CompareRow(const Cursor& source, const Cursor& target);

  std::vector<CompareColumn> columns_;
  std::vector<std::size_t> key_;
  bool pending_flag_;
  DiffCounts diff_;
  std::int64_t source_rows_ = 0;
  std::int64_t target_rows_ = 0;
  std::string scratch_a_;
  std::string scratch_b_;
};

struct UnorderedChecksum {
  std::int64_t rows = 0;
  std::uint64_t sum = 0;
  friend bool operator==(const UnorderedChecksum&, const UnorderedChecksum&) = default;
};

// Adds the rows of a source (or target) batch to `sum`, each field canonicalised first.
void AddRows(const std::vector<CompareColumn>& columns, const types::RowBatch& batch, bool source,
             UnorderedChecksum& sum);

}  // namespace etl::plan
