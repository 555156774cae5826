#include "pipeline/table_verify.h"

#include <algorithm>
#include <climits>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/table_planner.h"
#include "pipeline/verify_streams.h"
#include "report/stopwatch.h"
#include "sink/schema_manager.h"
#include "sink/state_store.h"
#include "sink/table_checksum.h"
#include "sink/value_caster.h"
#include "source/table_checksum.h"
#include "types/canonical_value.h"

namespace etl::pipeline {
namespace {

// Ends both snapshots however the comparison ends.
class Snapshots {
 public:
  Snapshots(source::SourceTableChecksum& source, sink::TargetTableChecksum& target)
      : source_(source), target_(target) {
    source_.BeginSnapshot();
    source_open_ = true;
    try {
      target_.BeginSnapshot();
    } catch (...) {
      source_.EndSnapshot();
      throw;
    }
    target_open_ = true;
  }
  ~Snapshots() {
    if (source_open_) source_.EndSnapshot();
    if (target_open_) target_.EndSnapshot();
  }
  Snapshots(const Snapshots&) = delete;
  Snapshots& operator=(const Snapshots&) = delete;

 private:
  source::SourceTableChecksum& source_;
  sink::TargetTableChecksum& target_;
  bool source_open_ = false;
  bool target_open_ = false;
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The columns that cannot be checksummed server-side ("doc (json), price (float)"), or "".
std::string ClientColumns(const std::vector<types::TargetColumn>& columns) {
  std::vector<std::string> why;
  std::vector<std::string> overridden;
  for (const auto& c : columns) {
    if (types::HasSqlCanonical(c)) continue;
    if (c.kind == types::ValueKind::kCast) {
      overridden.push_back(c.name);
    } else {
      why.push_back(fmt::format("{} ({})", c.name, c.source.data_type));
    }
  }
  if (!overridden.empty()) why.push_back(Join(overridden) + " (column_types)");
  return Join(why);
}

// The saved watermark, when it belongs to the cursor this table has now.
std::vector<std::string> UsableWatermark(const config::JobSpec& job, const config::TableSpec& table,
                                         const TablePlan& plan, sink::PgConnection& pg,
                                         std::vector<std::string>& notes) {
  if (table.extraction_strategy != config::ExtractionStrategy::kIncremental || plan.key.empty()) {
    return {};
  }
  const std::string& schema = job.target.schema;
  if (!sink::TableExists(pg, schema, sink::kStateTableName)) return {};
  const auto state = sink::ReadState(pg, schema, table.target_table, table.name);
  if (!state || !state->watermark || state->watermark->empty()) {
    notes.push_back("incremental table without a saved watermark: every source row is compared");
    return {};
  }
  if (!state->cursor_columns.empty() && state->cursor_columns != plan.cursor) {
    notes.push_back(fmt::format(
        "the saved watermark belongs to cursor ({}), the table's cursor is ({}): every source "
        "row is compared",
        Join(state->cursor_columns), Join(plan.cursor)));
    return {};
  }
  if (state->watermark->size() != plan.cursor.size()) return {};
  notes.push_back(fmt::format(
      "incremental: source rows with ({}) up to the saved watermark [{}] are compared; rows "
      "past it are pending (not loaded yet)",
      Join(plan.cursor), Join(*state->watermark)));
  return *state->watermark;
}

class TableVerifier {
 public:
  TableVerifier(const config::JobSpec& job, const config::TableSpec& table,
                source::MySqlConnection& mysql, sink::PgConnection& pg,
                const config::EnvLookup& env, const VerifySettings& options,
                plan::TableVerifyResult& result)
      : job_(job),
        table_(table),
        mysql_(mysql),
        pg_(pg),
        env_(env),
        options_(options),
        result_(result) {}

  void Run() {
    TablePlan plan = PlanTable(job_, table_, mysql_, nullptr, PlanOverrides{});
    if (plan.columns.empty()) {
      Fail(plan.problem.empty() ? "the source table has no columns" : plan.problem);
      return;
    }
    const std::string& schema = job_.target.schema;
    if (!sink::TableExists(pg_, schema, table_.target_table)) {
      Fail(fmt::format("target table {}.{} does not exist", schema, table_.target_table));
      return;
    }
    std::vector<std::size_t> key;
    for (const auto& k : plan.key) {
      for (std::size_t i = 0; i < plan.columns.size(); ++i) {
        if (plan.columns[i].source.name == k) key.push_back(i);
      }
    }
    source::ChecksumTable source_table{job_.source.database,
                                       table_.source_table,
                                       plan.columns,
                                       key,
                                       table_.where,
                                       plan.cursor,
                                       UsableWatermark(job_, table_, plan, pg_, result_.notes)};
    sink::ChecksumTarget target_table{schema, table_.target_table, plan.columns, key};
    source::SourceTableChecksum source(mysql_, std::move(source_table));
    sink::TargetTableChecksum target(pg_, std::move(target_table));

    setup_.columns = plan.columns;
    setup_.compare = plan::CompareColumnsFor(plan.columns);
    setup_.key = key;
    setup_.max_keys = options_.max_keys;
    result_.diff.max_keys = options_.max_keys;
    const config::SourceSpec* source_spec = &job_.source;
    const config::EnvLookup env = env_;
    const std::uint64_t connection = mysql_.connection_id();
    setup_.kill_source = [source_spec, env, connection] {
      source::KillQuery(*source_spec, env, connection);
    };
    std::optional<sink::PgConnection> cast_connection;
    std::optional<sink::ValueCaster> caster;
    for (const auto& c : plan.columns) {
      if (c.kind != types::ValueKind::kCast || caster) continue;
      cast_connection.emplace(sink::Connect(job_.target, env_, /*apply_session=*/true));
      sink::ApplyCanonicalSession(*cast_connection);
      caster.emplace(*cast_connection);
      setup_.caster = &*caster;
    }

    const std::string client_columns = ClientColumns(plan.columns);
    Snapshots snapshots(source, target);
    if (key.empty()) {
      CompareKeyless(source, target, client_columns);
    } else if (options_.full_scan || !client_columns.empty()) {
      result_.method = options_.full_scan ? "row by row (--full-scan)"
                                          : "row by row in the client; no canonical SQL text for " +
                                                client_columns;
      AddRows(CompareRows(source, target, types::KeyRange{}, setup_), nullptr);
      ++result_.queries;
    } else if (plan.single_integer_key) {
      CompareRanges(source, target, plan);
    } else {
      CompareWhole(source, target, plan);
    }
    if (result_.diff.pending > 0) {
      result_.notes.push_back(
          fmt::format("{} source rows past the watermark are pending", result_.diff.pending));
    }
  }

 private:
  void Fail(std::string why) {
    result_.status = plan::VerifyStatus::kFailed;
    result_.error = std::move(why);
  }

  void AddRows(const RowCompareOutcome& rows, plan::DifferingRange* range) {
    result_.diff.Merge(rows.diff);
    result_.source_rows += rows.source_rows;
    result_.target_rows += rows.target_rows;
    if (range != nullptr) {
      range->changed = rows.diff.changed;
      range->missing = rows.diff.missing;
      range->extra = rows.diff.extra;
    }
  }

  // Both sides' checksums of `ranges`, read on two threads at once.
  std::pair<std::vector<types::RangeChecksum>, std::vector<types::RangeChecksum>> Checksums(
      source::SourceTableChecksum& source, sink::TargetTableChecksum& target,
      const std::vector<types::KeyRange>& ranges) {
    auto from_source = std::async(std::launch::async, [&] {
      std::vector<types::RangeChecksum> out;
      for (const auto& r : ranges)
        out.push_back(source.Checksum(r));
      return out;
    });
    std::vector<types::RangeChecksum> from_target;
    try {
      for (const auto& r : ranges)
        from_target.push_back(target.Checksum(r));
    } catch (...) {
      setup_.kill_source();
      try {
        from_source.get();
      } catch (...) {
        // The target's error is the one reported.
      }
      throw;
    }
    result_.queries += 2 * static_cast<std::int64_t>(ranges.size());
    return {from_source.get(), std::move(from_target)};
  }

  void CompareKeyless(source::SourceTableChecksum& source, sink::TargetTableChecksum& target,
                      const std::string& client_columns) {
    result_.notes.push_back("without a key, rows that differ cannot be named");
    if (client_columns.empty() && !options_.full_scan) {
      result_.method = "no key: one whole-table checksum on each server";
      const auto [s, t] = Checksums(source, target, {types::KeyRange{}});
      result_.source_rows = s[0].rows;
      result_.target_rows = t[0].rows;
      result_.checksum_differs = !(s[0] == t[0]);
      return;
    }
    result_.method = "no key: one whole-table checksum of every row, computed in the client" +
                     (client_columns.empty() ? std::string() : " (" + client_columns + ")");
    const RowChecksums sums = ChecksumRows(source, target, setup_);
    result_.queries += 2;
    result_.source_rows = sums.source.rows;
    result_.target_rows = sums.target.rows;
    result_.checksum_differs = !(sums.source == sums.target);
  }

  void CompareWhole(source::SourceTableChecksum& source, sink::TargetTableChecksum& target,
                    const TablePlan& plan) {
    const auto [s, t] = Checksums(source, target, {types::KeyRange{}});
    result_.method = fmt::format(
        "one whole-table checksum on each server (key {} cannot be cut "
        "into ranges both servers order alike)",
        plan.KeyDescription());
    if (s[0] == t[0]) {
      result_.source_rows = s[0].rows;
      result_.target_rows = t[0].rows;
      return;
    }
    result_.method += ", then row by row";
    AddRows(CompareRows(source, target, types::KeyRange{}, setup_), nullptr);
    result_.queries += 2;
  }

  void CompareRanges(source::SourceTableChecksum& source, sink::TargetTableChecksum& target,
                     const TablePlan& plan) {
    std::optional<std::pair<std::int64_t, std::int64_t>> source_bounds, target_bounds;
    {
      auto s = std::async(std::launch::async, [&] { return source.KeyBounds(); });
      target_bounds = target.KeyBounds();
      source_bounds = s.get();
      result_.queries += 2;
    }
    const plan::KeyBounds span = plan::CombinedBounds(source_bounds, target_bounds);
    std::vector<types::KeyRange> level = plan::InitialRanges(span, plan.rows, options_.ranges);
    const std::string key_name = plan.key[0];
    result_.method = fmt::format("checksums of {} key range{} of {} on each server", level.size(),
                                 level.size() == 1 ? "" : "s", key_name);
    bool first_level = true;
    std::int64_t narrowed = 0;
    std::vector<std::pair<types::KeyRange, plan::DifferingRange>> leaves;
    while (!level.empty()) {
      const auto [from_source, from_target] = Checksums(source, target, level);
      std::vector<types::KeyRange> next;
      for (std::size_t i = 0; i < level.size(); ++i) {
        const auto& s = from_source[i];
        const auto& t = from_target[i];
        if (first_level) {
          result_.source_rows += s.rows;
          result_.target_rows += t.rows;
        }
        switch (plan::Judge(level[i], span, s, t, options_.ranges)) {
          case plan::RangeVerdict::kEqual:
            break;
          case plan::RangeVerdict::kSplit: {
            std::vector<types::KeyRange> parts;
            if (plan::SplitByRows(s, options_.ranges)) {
              parts = plan::SplitAt(level[i],
                                    source.SplitPoints(level[i], options_.ranges.split_parts));
              ++result_.queries;
            }
            if (parts.size() < 2) {
              parts = plan::SplitRange(level[i], span, options_.ranges.split_parts);
            }
            next.insert(next.end(), parts.begin(), parts.end());
            ++narrowed;
            break;
          }
          case plan::RangeVerdict::kCompareRows: {
            plan::DifferingRange d;
            d.description = key_name + " in " + types::Describe(level[i]);
            d.source_rows = s.rows;
            d.target_rows = t.rows;
            leaves.emplace_back(level[i], std::move(d));
            break;
          }
        }
      }
      first_level = false;
      level = std::move(next);
    }
    // Counts come from the first level's checksums (rows past a watermark excluded on the
    // source); the row comparisons below only add the differences they find.
    const std::int64_t source_rows = result_.source_rows;
    const std::int64_t target_rows = result_.target_rows;
    std::sort(leaves.begin(), leaves.end(), [](const auto& a, const auto& b) {
      return a.first.lo.value_or(INT64_MIN) < b.first.lo.value_or(INT64_MIN);
    });
    for (auto& [range, description] : leaves) {
      AddRows(CompareRows(source, target, range, setup_), &description);
      result_.queries += 2;
      if (description.changed + description.missing + description.extra == 0) continue;
      ++result_.differing_ranges;
      if (result_.ranges.size() < options_.max_keys) result_.ranges.push_back(description);
    }
    result_.source_rows = source_rows;
    result_.target_rows = target_rows;
    if (narrowed > 0 || !leaves.empty()) {
      result_.method +=
          fmt::format("; {} narrowed, {} compared row by row", narrowed, leaves.size());
    }
  }

  const config::JobSpec& job_;
  const config::TableSpec& table_;
  source::MySqlConnection& mysql_;
  sink::PgConnection& pg_;
  const config::EnvLookup& env_;
  const VerifySettings& options_;
  plan::TableVerifyResult& result_;
  RowStreamSetup setup_;
};

}  // namespace

plan::TableVerifyResult VerifyTable(const config::JobSpec& job, const config::TableSpec& table,
                                    source::MySqlConnection& mysql, sink::PgConnection& pg,
                                    const config::EnvLookup& env, const VerifySettings& options) {
  plan::TableVerifyResult result;
  result.table = table.name;
  report::Stopwatch watch;
  try {
    TableVerifier(job, table, mysql, pg, env, options, result).Run();
  } catch (const std::exception& e) {
    result.status = plan::VerifyStatus::kFailed;
    result.error = e.what();
  }
  result.Settle();
  result.seconds = watch.Seconds();
  spdlog::debug("verify {}: {} ({} statements, {:.2f} s)", table.name,
                plan::ToString(result.status), result.queries, result.seconds);
  return result;
}

}  // namespace etl::pipeline
