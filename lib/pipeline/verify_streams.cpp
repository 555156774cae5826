#include "pipeline/verify_streams.h"

#include <exception>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "pipeline/bounded_queue.h"
#include "types/value_converter.h"

namespace etl::pipeline {
namespace {

constexpr std::size_t kBatchRows = 8192;
constexpr std::size_t kBatchBytes = std::size_t{4} << 20;
constexpr std::size_t kQueueBatches = 4;
constexpr std::string_view kBadPrefix =
    "\x01"
    "bad: ";

using Queue = BoundedQueue<types::RowBatch>;

// One side's reader thread, and the comparison's view of its rows.
class Stream {
 public:
  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() {
    Cancel();
    Join();
  }

  template <typename Produce>
  void Start(Produce produce) {
    thread_ = std::thread([this, produce = std::move(produce)]() mutable {
      try {
        produce(queue_);
        queue_.Close();
      } catch (...) {
        error_ = std::current_exception();  // published by Cancel's lock
        queue_.Cancel();
      }
    });
  }

  const types::RowBatch* Next() {
    auto batch = queue_.Pop();
    if (!batch) {
      if (error_) std::rethrow_exception(error_);
      return nullptr;
    }
    current_ = std::move(*batch);
    return &current_;
  }

  void Cancel() { queue_.Cancel(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  Queue queue_{kQueueBatches};
  std::thread thread_;
  std::exception_ptr error_;
  types::RowBatch current_;
};

bool HasCasts(const RowStreamSetup& setup) {
  for (const auto& c : setup.columns) {
    if (c.kind == types::ValueKind::kCast) return true;
  }
  return false;
}

// The batch with every overridden column replaced by PostgreSQL's text of the cast value.
types::RowBatch CastColumns(const types::RowBatch& raw, const RowStreamSetup& setup) {
  const std::size_t rows = raw.row_count();
  std::vector<std::vector<sink::CastValue>> cast(setup.columns.size());
  std::string scratch;
  for (std::size_t c = 0; c < setup.columns.size(); ++c) {
    const auto& column = setup.columns[c];
    if (column.kind != types::ValueKind::kCast) continue;
    std::vector<std::optional<std::string>> texts(rows);
    std::vector<const char*> bad(rows, nullptr);
    for (std::size_t r = 0; r < rows; ++r) {
      if (raw.IsNull(r, c)) continue;
      const auto converted = types::ConvertValue(column, raw.Field(r, c), scratch);
      if (converted.status == types::ConvertStatus::kOk) {
        texts[r] = std::string(converted.value);
      } else if (converted.status == types::ConvertStatus::kBad) {
        bad[r] = converted.reason;
      }
    }
    if (setup.caster == nullptr)
      throw std::logic_error("verify: overridden column without a caster");
    cast[c] = setup.caster->Cast(column.pg_type, texts);
    for (std::size_t r = 0; r < rows; ++r) {
      if (bad[r] != nullptr) cast[c][r] = sink::CastValue{false, std::nullopt, bad[r]};
    }
  }
  types::RowBatch out(raw.column_count());
  out.Reserve(rows, raw.byte_size());
  std::string bad_text;
  for (std::size_t r = 0; r < rows; ++r) {
    out.BeginRow();
    for (std::size_t c = 0; c < raw.column_count(); ++c) {
      if (c < cast.size() && !cast[c].empty()) {
        const sink::CastValue& v = cast[c][r];
        if (!v.ok) {
          bad_text.assign(kBadPrefix);
          bad_text += v.error;
          out.AppendField(bad_text);
        } else if (v.text) {
          out.AppendField(*v.text);
        } else {
          out.AppendNull();
        }
      } else if (raw.IsNull(r, c)) {
        out.AppendNull();
      } else {
        out.AppendField(raw.Field(r, c));
      }
    }
  }
  return out;
}

// Reads the source's rows of `range` batch by batch, casts applied, into `consume`.
template <typename Consume>
void ReadSource(source::SourceTableChecksum& source, const types::KeyRange& range,
                const RowStreamSetup& setup, Consume consume) {
  const bool casts = HasCasts(setup);
  source::RowReader reader = source.OpenRows(range);
  types::RowBatch raw;
  while (reader.ReadBatch(raw, kBatchRows, kBatchBytes)) {
    if (!consume(casts ? CastColumns(raw, setup) : std::move(raw))) return;
    raw = types::RowBatch();
  }
}

template <typename Consume>
void ReadTarget(sink::TargetTableChecksum& target, const types::KeyRange& range, Consume consume) {
  sink::CopyReader reader = target.OpenRows(range);
  types::RowBatch batch;
  while (reader.ReadBatch(batch, kBatchRows)) {
    if (!consume(std::move(batch))) return;
    batch = types::RowBatch();
  }
}

}  // namespace

RowCompareOutcome CompareRows(source::SourceTableChecksum& source,
                              sink::TargetTableChecksum& target, const types::KeyRange& range,
                              const RowStreamSetup& setup) {
  plan::RowDiff diff(setup.compare, setup.key, source.has_watermark(), setup.max_keys);
  Stream from_source;
  Stream from_target;
  from_source.Start([&](Queue& q) {
    ReadSource(source, range, setup, [&q](types::RowBatch b) { return q.Push(std::move(b)); });
  });
  from_target.Start([&](Queue& q) {
    ReadTarget(target, range, [&q](types::RowBatch b) { return q.Push(std::move(b)); });
  });
  try {
    diff.Run([&] { return from_source.Next(); }, [&] { return from_target.Next(); });
  } catch (...) {
    if (setup.kill_source) setup.kill_source();
    from_source.Cancel();
    from_target.Cancel();
    from_source.Join();
    from_target.Join();
    throw;
  }
  from_source.Join();
  from_target.Join();
  return RowCompareOutcome{diff.diff(), diff.source_rows(), diff.target_rows()};
}

RowChecksums ChecksumRows(source::SourceTableChecksum& source, sink::TargetTableChecksum& target,
                          const RowStreamSetup& setup) {
  // One whole-table hash per side; each side reads and hashes on its own thread.
  auto hash_batches = [&setup](bool from_source, auto read) {
    plan::UnorderedChecksum sum;
    read([&](types::RowBatch batch) {
      plan::AddRows(setup.compare, batch, from_source, sum);
      return true;
    });
    return sum;
  };
  auto source_sum = std::async(std::launch::async, [&] {
    return hash_batches(
        true, [&](auto consume) { ReadSource(source, types::KeyRange{}, setup, consume); });
  });
  RowChecksums out;
  try {
    out.target =
        hash_batches(false, [&](auto consume) { ReadTarget(target, types::KeyRange{}, consume); });
  } catch (...) {
    if (setup.kill_source) setup.kill_source();
    try {
      source_sum.get();
    } catch (...) {
      // The target's error is the one reported.
    }
    throw;
  }
  out.source = source_sum.get();
  return out;
}

}  // namespace etl::pipeline
