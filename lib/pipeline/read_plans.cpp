#include "pipeline/read_plans.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace etl::pipeline {
namespace {

std::vector<std::size_t> IndexesOf(const std::vector<types::TargetColumn>& columns,
                                   const std::vector<std::string>& names) {
  std::vector<std::size_t> out;
  for (const auto& n : names) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].source.name == n) out.push_back(i);
    }
  }
  return out;
}

// An integer key value from a watermark or high mark; the whole text must be the number.
std::int64_t KeyValue(const std::string& text, const char* what) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::runtime_error(fmt::format("{} '{}' is not an integer key value", what, text));
  }
  return v;
}

// A single integer key that is also the whole cursor: the sequencer can chunk, adapt and stop
// early.
bool Sequenced(const TablePlan& plan) {
  if (!plan.single_integer_key) return false;
  if (plan.chunking.chunking == config::Chunking::kNone) return false;
  if (plan.incremental) return plan.cursor.size() == 1 && plan.cursor[0] == plan.key[0];
  return true;
}

}  // namespace

std::string KeyPart::Describe() const {
  return fmt::format("[{}, {})", lo ? std::to_string(*lo) : "-inf",
                     hi ? std::to_string(*hi) : "+inf");
}

std::vector<KeyPart> PartsBetween(const std::vector<std::int64_t>& split_points,
                                  std::optional<std::int64_t> key_min) {
  std::vector<std::int64_t> splits;
  if (key_min) {
    for (auto s : split_points) {
      if (s > *key_min && (splits.empty() || s > splits.back())) splits.push_back(s);
    }
  }
  std::vector<KeyPart> parts(splits.size() + 1);
  for (std::size_t i = 0; i < splits.size(); ++i) {
    parts[i].hi = splits[i];
    parts[i + 1].lo = splits[i];
  }
  return parts;
}

ReadPlan BaseReadPlan(const config::JobSpec& job, const TablePlan& plan,
                      const IncrementalWindow& window) {
  const config::TableSpec& table = *plan.spec;
  ReadPlan rp;
  rp.database = job.source.database;
  rp.table = table.source_table;
  rp.label = fmt::format("{}.{}", job.source.database, table.source_table);
  for (const auto& c : plan.columns)
    rp.columns.push_back(c.source.name);
  rp.where = table.where;
  rp.key = plan.key;
  rp.key_indexes = IndexesOf(plan.columns, plan.key);
  rp.batch_size = table.batch_size;
  rp.log_chunks = job.sparse.enabled && job.sparse.monitoring.log_efficiency_metrics;
  rp.alert_on_sparse = job.sparse.enabled && job.sparse.monitoring.alert_on_sparse_detection;
  rp.sparse_threshold = job.sparse.detection.efficiency_threshold;
  rp.sparse_limit = job.sparse.detection.consecutive_sparse_limit;
  rp.literals = KeyLiterals(plan);
  if (plan.incremental) {
    rp.cursor = plan.cursor;
    rp.after = window.after;
    rp.upto = window.upto;
    rp.lookback = LookbackOf(plan);  // checked on every run, used once there is a watermark
  }
  return rp;
}

SingleStreamRead PlanSingleStream(const config::JobSpec& job, const TablePlan& plan,
                                  const IncrementalWindow& window) {
  const config::TableSpec& table = *plan.spec;
  SingleStreamRead out;
  out.read = BaseReadPlan(job, plan, window);
  if (Sequenced(plan)) {
    out.read.mode = ReadPlan::Mode::kSequenced;
    plan::ChunkSequencerOptions o;
    o.chunking = plan.chunking.chunking;
    o.batch_size = table.batch_size;
    o.sparse = job.sparse;
    o.incremental = plan.incremental;
    o.resume_after_early_stop = window.resume_after_early_stop;
    o.keys.key_min = plan.key_min;
    o.keys.key_max = plan.key_max;
    if (plan.incremental) {
      if (window.after) {
        o.keys.start_after =
            KeyValue(window.after->at(0), "saved watermark") - out.read.lookback.count;
      }
      if (window.upto) o.keys.key_max = KeyValue(window.upto->at(0), "high mark");
      out.read.after.reset();  // the sequencer's bounds say the same, as integers
      out.read.upto.reset();
    }
    out.sequencer.emplace(o);
  } else if (!plan.key.empty() && plan.chunking.chunking != config::Chunking::kNone &&
             !plan.incremental) {
    out.read.mode = ReadPlan::Mode::kKeyset;
  } else {
    out.read.mode = ReadPlan::Mode::kStream;
  }
  return out;
}

ReadPlan PlanPart(const ReadPlan& base, const KeyPart& part) {
  ReadPlan rp = base;
  rp.mode = ReadPlan::Mode::kStream;
  rp.label = fmt::format("{} {}", base.label, part.Describe());
  rp.key_lo = part.lo;
  rp.key_hi = part.hi;
  return rp;
}

std::unique_ptr<plan::AccumulationPolicy> MakeAccumulation(const config::JobSpec& job,
                                                           const config::TableSpec& table) {
  if (!job.sparse.accumulation_on()) return nullptr;
  config::Accumulation acc = job.sparse.accumulation;
  const std::int64_t cap_mb =
      std::max<std::int64_t>(1, table.performance.bulk_insert_buffer_bytes / (1024 * 1024));
  acc.max_memory_mb = std::min(acc.max_memory_mb, cap_mb);
  return std::make_unique<plan::AccumulationPolicy>(acc, true);
}

}  // namespace etl::pipeline
