#include "pipeline/table_reader.h"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "source/row_reader.h"
#include "source/select_builder.h"

namespace etl::pipeline {
namespace {

std::optional<std::int64_t> ParseKey(std::string_view v) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return out;
}

}  // namespace

TableReader::TableReader(source::MySqlConnection& conn, ReadPlan plan,
                         plan::ChunkSequencer* sequencer)
    : conn_(conn), plan_(std::move(plan)), sequencer_(sequencer) {}

types::RowBatch TableReader::TakeBatch(BoundedQueue<types::RowBatch>& free) {
  // The writer returns emptied batches; reuse one when it is there, else start a new one
  // (only until the pipeline is full: queue capacity + the two in hand).
  if (auto reused = free.TryPop()) {
    reused->Reset(plan_.columns.size());
    return std::move(*reused);
  }
  return types::RowBatch(plan_.columns.size());
}

std::int64_t TableReader::ReadQuery(const std::string& sql, BoundedQueue<ReadItem>& out,
                                    BoundedQueue<types::RowBatch>& free, bool track_max_key,
                                    std::optional<std::int64_t>* max_key,
                                    std::optional<std::vector<std::string>>* last_values,
                                    const std::vector<std::size_t>& value_indexes) {
  spdlog::trace("{}: {}", plan_.label, sql);
  source::RowReader reader(conn_, sql, "reading " + plan_.label);
  ++counters_.queries;
  std::int64_t rows = 0;
  std::optional<ReadItem> pending;  // one item held back so the last one can be marked chunk_end
  for (;;) {
    types::RowBatch batch = TakeBatch(free);
    if (!reader.ReadBatch(batch, kItemRows, kItemBytes)) break;
    rows += static_cast<std::int64_t>(batch.row_count());
    const std::size_t last = batch.row_count() - 1;
    if (track_max_key) {
      const std::size_t k = plan_.key_indexes.at(0);
      for (std::size_t r = 0; r < batch.row_count(); ++r) {
        if (batch.IsNull(r, k)) continue;
        auto key = ParseKey(batch.Field(r, k));
        if (!key) {
          throw std::runtime_error(fmt::format("{}: key {} value '{}' is not an integer",
                                               plan_.label, plan_.key.at(0), batch.Field(r, k)));
        }
        if (!*max_key || *key > **max_key) *max_key = *key;
      }
    }
    if (last_values != nullptr && !value_indexes.empty()) {
      std::vector<std::string> values;
      values.reserve(value_indexes.size());
      for (std::size_t i : value_indexes)
        values.emplace_back(batch.Field(last, i));
      *last_values = std::move(values);
    }
    if (pending && !out.Push(std::move(*pending))) return rows;
    pending.emplace(ReadItem{std::move(batch), false});
  }
  counters_.read_seconds += reader.stats().seconds;
  if (pending) {
    pending->chunk_end = true;
    out.Push(std::move(*pending));
  }
  counters_.rows += rows;
  if (rows > 0) ++counters_.chunks;
  return rows;
}

void TableReader::Run(BoundedQueue<ReadItem>& out, BoundedQueue<types::RowBatch>& free) {
  auto builder = [&] {
    source::SelectBuilder b(plan_.database, plan_.table, plan_.columns);
    b.Literals(plan_.literals).Where(plan_.where);
    if (plan_.after) b.After(plan_.cursor, *plan_.after, plan_.lookback);
    if (plan_.upto) b.AtMost(plan_.cursor, *plan_.upto);
    return b;
  };

  switch (plan_.mode) {
    case ReadPlan::Mode::kStream: {
      // No ORDER BY unless asked for: the whole stream commits at once (its watermark is the
      // high mark), so row order does not matter and the source need not sort.
      auto b = builder();
      if (plan_.ordered && !plan_.key.empty()) b.OrderBy(plan_.key);
      if (plan_.key_lo && plan_.key_hi) {
        b.KeyRange(plan_.key.at(0), *plan_.key_lo, *plan_.key_hi);
      } else if (plan_.key_lo) {
        b.After({plan_.key.at(0)}, {std::to_string(*plan_.key_lo - 1)});
      } else if (plan_.key_hi) {
        b.AtMost({plan_.key.at(0)}, {std::to_string(*plan_.key_hi - 1)});
      }
      ReadQuery(b.Build(), out, free, false, nullptr, nullptr, {});
      break;
    }
    case ReadPlan::Mode::kKeyset: {
      std::optional<std::vector<std::string>> last;
      for (;;) {
        if (out.cancelled()) return;
        auto b = builder();
        if (last) b.After(plan_.key, *last);
        b.OrderBy(plan_.key).Limit(plan_.batch_size);
        const auto rows = ReadQuery(b.Build(), out, free, false, nullptr, &last, plan_.key_indexes);
        if (rows < plan_.batch_size) break;
      }
      break;
    }
    case ReadPlan::Mode::kSequenced: {
      const std::string& key = plan_.key.at(0);
      while (auto request = sequencer_->Next()) {
        if (out.cancelled()) return;
        auto b = builder();
        switch (request->kind) {
          case plan::ChunkRequest::Kind::kRange:
            b.KeyRange(key, request->lo, request->hi);
            if (plan_.ordered) b.OrderBy({key});
            break;
          case plan::ChunkRequest::Kind::kKeyset:
            if (request->after) b.After({key}, {std::to_string(*request->after)});
            if (request->upto) b.AtMost({key}, {std::to_string(*request->upto)});
            b.OrderBy({key}).Limit(request->limit);
            break;
          case plan::ChunkRequest::Kind::kStream:
            if (request->after) b.After({key}, {std::to_string(*request->after)});
            if (request->upto) b.AtMost({key}, {std::to_string(*request->upto)});
            if (plan_.ordered) b.OrderBy({key});
            break;
        }
        std::optional<std::int64_t> max_key;
        const auto rows = ReadQuery(b.Build(), out, free, true, &max_key, nullptr, {});
        const auto fb = sequencer_->Record(*request, rows, max_key);
        if (plan_.log_chunks) {
          spdlog::debug("{}: chunk {} -> {} rows, efficiency {:.1f}%, next size {}", plan_.label,
                        plan::ToString(*request), rows, fb.efficiency * 100, fb.next_size);
        }
        if (fb.detection && plan_.alert_on_sparse) {
          spdlog::warn(
              "{}: sparse key sequence detected at {}: {} chunks in a row below {:.0f}% "
              "efficiency (last {:.2f}%, average so far {:.1f}%); {}",
              plan_.label, plan::ToString(*request), plan_.sparse_limit,
              plan_.sparse_threshold * 100, fb.efficiency * 100, sequencer_->avg_efficiency() * 100,
              fb.stop_early ? "stopping early: the rows read commit with the watermark and the "
                              "next run resumes there"
                            : "reading the rest with keyset chunks");
        }
        if (fb.switched_to_keyset && !fb.detection) {
          spdlog::info("{}: reading the sparse stretch with keyset chunks", plan_.label);
        }
        if (fb.returned_to_range) {
          spdlog::info("{}: keys are dense again; back to range chunks", plan_.label);
        }
        if (fb.stop_early) break;
      }
      break;
    }
  }
  out.Close();
}

}  // namespace etl::pipeline
