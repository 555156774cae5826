#include "sink/changed_rows_sink.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "report/stopwatch.h"
#include "sink/copy_binary_values.h"
#include "sink/copy_writer.h"

namespace etl::sink {

ChangedRowsSink::ChangedRowsSink(PgConnection& conn, std::unique_ptr<BatchSink> stage,
                                 std::unique_ptr<TargetRowStream> target,
                                 const std::vector<types::TargetColumn>& columns,
                                 std::size_t key_index, DeletedKeysTable deleted_keys,
                                 std::string label)
    : conn_(conn),
      stage_(std::move(stage)),
      target_(std::move(target)),
      encoder_(CopyEncoder::Create(config::CopyFormat::kBinary, columns, TextChecks::kTrustText)),
      key_index_(key_index),
      deleted_keys_(std::move(deleted_keys)),
      label_(std::move(label)) {
  if (encoder_->format() != config::CopyFormat::kBinary) {
    throw std::invalid_argument(label_ + ": rows cannot be compared with the target in binary: " +
                                encoder_->fallback_reason());
  }
  target_->Next();
}

ChangedRowsSink::~ChangedRowsSink() = default;

void ChangedRowsSink::Write(const types::RowBatch& batch, std::size_t begin, std::size_t end,
                            std::vector<BadValue>& bad) {
  if (begin >= end) return;
  {
    report::ScopedTimer t(&compare_seconds_);
    encoded_.clear();
    encode_bad_.clear();
    encoder_->EncodeRows(batch, begin, end, encoded_, encode_bad_);
  }
  matched_.clear();
  std::size_t pos = 0;
  std::size_t next_bad = 0;
  std::size_t run = end;  // first row of the rows to forward, `end` when none
  for (std::size_t r = begin; r < end; ++r) {
    const std::string_view field = batch.Field(r, key_index_);
    std::int64_t key = 0;
    const auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), key);
    if (batch.IsNull(r, key_index_) || ec != std::errc() || p != field.data() + field.size()) {
      throw std::runtime_error(fmt::format("{}: key value '{}' is not an integer", label_, field));
    }
    if (has_previous_ && key <= previous_key_) {
      throw std::runtime_error(fmt::format(
          "{}: rows arrived out of key order ({} after {}), so they cannot be compared with the "
          "target; nothing was merged",
          label_, key, previous_key_));
    }
    has_previous_ = true;
    previous_key_ = key;
    while (target_->valid() && target_->key() < key) {
      pending_deletes_.push_back(target_->key());
      target_->Next();
    }
    const bool target_has = target_->valid() && target_->key() == key;
    bool same = false;
    const bool encoded = !(next_bad < encode_bad_.size() && encode_bad_[next_bad].row == r);
    if (encoded) {
      const std::size_t length = BinaryRowLength(std::string_view(encoded_).substr(pos));
      same = target_has && target_->row() == std::string_view(encoded_).substr(pos, length);
      pos += length;
    } else {
      while (next_bad < encode_bad_.size() && encode_bad_[next_bad].row == r)
        ++next_bad;
    }
    if (target_has) target_->Next();
    if (same) {
      ++unchanged_;
      if (run != end) {
        Forward(batch, run, r, bad);
        run = end;
      }
      continue;
    }
    if (run == end) run = r;
    if (target_has) matched_.emplace_back(r, key);
  }
  if (run != end) Forward(batch, run, end, bad);
  Refresh();
}

void ChangedRowsSink::Forward(const types::RowBatch& batch, std::size_t begin, std::size_t end,
                              std::vector<BadValue>& bad) {
  stage_bad_.clear();
  stage_->Write(batch, begin, end, stage_bad_);
  for (const BadValue& b : stage_bad_) {
    // A refused row whose key the target has: the target's old row goes, as in a full reload.
    auto it = std::find_if(matched_.begin(), matched_.end(),
                           [&](const auto& m) { return m.first == b.row; });
    if (it != matched_.end()) pending_deletes_.push_back(it->second);
    bad.push_back(b);
  }
}

void ChangedRowsSink::EndOfRows() {
  while (target_->valid()) {
    pending_deletes_.push_back(target_->key());
    target_->Next();
  }
}

void ChangedRowsSink::FinishBatch() {
  stage_->FinishBatch();
  WriteDeletedKeys();
  Refresh();
}

void ChangedRowsSink::WriteDeletedKeys() {
  if (pending_deletes_.empty()) return;
  // The row keys are unique, so a key is recorded once; duplicates would only delete twice.
  std::string data;
  data.reserve(copy_binary::kCopyHeaderSize + pending_deletes_.size() * 14 + 2);
  copy_binary::PutCopyHeader(data);
  for (std::int64_t k : pending_deletes_) {
    copy_binary::PutInt16(data, 1);
    copy_binary::PutInt32(data, 8);
    copy_binary::PutInt64(data, k);
  }
  copy_binary::PutCopyTrailer(data);
  CopyWriter copy(conn_, deleted_keys_.schema, deleted_keys_.table, {deleted_keys_.column},
                  "FORMAT binary");
  copy.Begin();
  copy.Put(data);
  copy.End();
  deleted_ += static_cast<std::int64_t>(pending_deletes_.size());
  pending_deletes_.clear();
}

std::int64_t ChangedRowsSink::open_batch_rows() const {
  return stage_->open_batch_rows() + static_cast<std::int64_t>(pending_deletes_.size());
}

std::int64_t ChangedRowsSink::open_batch_bytes() const {
  return stage_->open_batch_bytes();
}

std::string ChangedRowsSink::Describe() const {
  return stage_->Describe() + " of the rows that differ from the target's";
}

void ChangedRowsSink::Refresh() {
  const SinkCounters& s = stage_->counters();
  counters_ = s;
  counters_.rows_written = s.rows_written + unchanged_;
  counters_.process_seconds = s.process_seconds + compare_seconds_;
}

}  // namespace etl::sink
