#include "pipeline/watermark.h"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace etl::pipeline {
namespace {

bool IsTemporal(const std::string& t) {
  return t == "date" || t == "datetime" || t == "timestamp";
}

std::optional<std::int64_t> IntegerOf(const std::string& text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::vector<std::string>> UsableWatermark(const TablePlan& plan,
                                                        const config::JobSpec& job,
                                                        bool* resume_after_early_stop) {
  *resume_after_early_stop = false;
  if (!plan.target.watermark) return std::nullopt;
  const config::TableSpec& table = *plan.spec;
  if (!plan.target.table_exists) {
    spdlog::warn("{}: target {}.{} is missing; ignoring the saved watermark and loading all rows",
                 table.name, job.target.schema, table.target_table);
    return std::nullopt;
  }
  const std::string source_table = job.source.database + "." + table.source_table;
  const TargetState& saved = plan.target;
  if (saved.job.empty()) {
    spdlog::info("{}: adopting the watermark saved in {}.etl_state before it recorded its job",
                 table.name, job.target.schema);
  } else if (saved.job != job.name || saved.source_table != source_table) {
    throw std::runtime_error(fmt::format(
        "the saved watermark of target {}.{} was saved by job '{}' loading {}; this job '{}' "
        "loads {} into it: a target table keeps the state of one job and source table. Give "
        "this table its own target_table, or run once with --full to take the target over "
        "(reloads it and resets its watermark)",
        job.target.schema, table.target_table, saved.job, saved.source_table, job.name,
        source_table));
  }
  const auto& saved_cursor = saved.cursor_columns;
  const bool same_cursor = saved_cursor.empty() ? saved.watermark->size() == plan.cursor.size()
                                                : saved_cursor == plan.cursor;
  if (!same_cursor) {
    throw std::runtime_error(fmt::format(
        "the saved watermark [{}] belongs to cursor ({}), but the cursor is now ({}): "
        "incremental_columns or the key changed; run once with --full to reload and reset it",
        fmt::join(*saved.watermark, ", "), fmt::join(saved_cursor, ", "),
        fmt::join(plan.cursor, ", ")));
  }
  *resume_after_early_stop = saved.last_status == "early_terminated";
  return saved.watermark;
}

void AdoptPending(const TablePlan& plan, const config::JobSpec& job, IncrementalWindow& window) {
  const TargetState& saved = plan.target;
  if (!plan.incremental || !saved.table_exists || !saved.pending || saved.pending_at <= 0) return;
  if (saved.job != job.name ||
      saved.source_table != job.source.database + "." + plan.spec->source_table ||
      saved.cursor_columns != plan.cursor || saved.pending->size() != plan.cursor.size()) {
    return;
  }
  window.pending = saved.pending;
  window.pending_at = saved.pending_at;
}

std::vector<std::string> WatermarkToSave(const IncrementalWindow& window, bool early,
                                         std::optional<std::int64_t> early_stop_key) {
  using Outcome = source::WriterProbe::Outcome;
  std::optional<std::vector<std::string>> limit;
  switch (window.probe.outcome) {
    case Outcome::kClear:
      limit = window.probe.mark;
      break;
    case Outcome::kHeld:
      limit = window.after;
      // Every writer open now started after the previous run read `pending` (whole seconds,
      // strictly later): none of them holds a row at or below it.
      if (window.pending && window.pending_at > 0 &&
          window.probe.oldest_writer_since > window.pending_at) {
        limit = window.pending;
      }
      break;
    case Outcome::kUnknown:
      limit = window.upto;
      break;
  }
  if (!limit) limit = window.after;  // nothing in the source: keep where we were
  if (early && early_stop_key) {
    // A sparse early stop: the last key read, but never past what the probe allows.
    if (!limit || limit->empty()) return {};
    const auto cap = IntegerOf(limit->at(0));
    if (!cap || *early_stop_key <= *cap) return {std::to_string(*early_stop_key)};
    return *limit;
  }
  return limit.value_or(std::vector<std::string>{});
}

void ExplainProbe(const config::TableSpec& table, const source::WriterProbe& probe) {
  using Outcome = source::WriterProbe::Outcome;
  if (probe.outcome == Outcome::kHeld) {
    spdlog::info(
        "{}: {} was open when the high mark was taken: the watermark stays where it was, so the "
        "next run reads this window again and gets the rows it commits",
        table.name, probe.detail);
  } else if (probe.outcome == Outcome::kUnknown) {
    spdlog::warn(
        "{}: cannot tell whether a transaction still open will commit rows below the high mark "
        "({}); only lookback ({}) protects late commits. Grant LOCK TABLES or PROCESS on the "
        "source to have the watermark held behind open transactions",
        table.name, probe.detail, table.lookback.given ? table.lookback.text : "none");
  }
}

source::Lookback LookbackOf(const TablePlan& plan) {
  const config::Lookback& given = plan.spec->lookback;
  if (!given.given || plan.cursor.empty()) return {};
  const auto* column = plan.source.FindColumn(plan.cursor[0]);
  const std::string type = column != nullptr ? column->data_type : "";
  const source::ValueLiteral literal = source::LiteralFor(type);
  if (given.count > 0 && literal != source::ValueLiteral::kNumber) {
    throw std::runtime_error(fmt::format(
        "lookback {} is a count, but the first cursor column {} is {}: give a duration (5m) "
        "for a date or time cursor",
        given.text, plan.cursor[0], type));
  }
  if (given.seconds > 0 && !IsTemporal(type)) {
    throw std::runtime_error(
        fmt::format("lookback {} is a duration, but the first cursor column {} is {}: give a "
                    "count (1000) for a numeric cursor",
                    given.text, plan.cursor[0], type));
  }
  return source::Lookback{given.seconds, given.count};
}

source::Literals KeyLiterals(const TablePlan& plan) {
  source::Literals out;
  auto add = [&](const std::string& name) {
    if (const auto* c = plan.source.FindColumn(name)) out[name] = source::LiteralFor(c->data_type);
  };
  for (const auto& k : plan.key)
    add(k);
  for (const auto& c : plan.cursor)
    add(c);
  return out;
}

}  // namespace etl::pipeline
