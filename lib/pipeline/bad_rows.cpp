#include "pipeline/bad_rows.h"

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "report/logging.h"

namespace etl::pipeline {
namespace {

std::string ShortValue(std::string_view v) {
  constexpr std::size_t kMax = 64;
  std::string out = report::JsonEscape(v.substr(0, kMax));
  if (v.size() > kMax) out += "...";
  return out;
}

}  // namespace

std::string DescribeRowKey(const types::RowBatch& batch, std::size_t row,
                           const std::vector<types::TargetColumn>& columns,
                           const std::vector<std::size_t>& key_indexes) {
  std::vector<std::size_t> indexes = key_indexes;
  if (indexes.empty() && !columns.empty()) indexes.push_back(0);
  std::string out;
  for (std::size_t i : indexes) {
    if (!out.empty()) out += ", ";
    out += columns[i].name + "=";
    out += batch.IsNull(row, i) ? std::string("NULL") : ShortValue(batch.Field(row, i));
  }
  return out;
}

std::string BadRowError(const std::string& table, const std::string& row_key,
                        const std::string& column, const std::string& reason) {
  return fmt::format(
      "table {}: bad row ({}), column {}: {} (set on_bad_row: reject to load the other rows and "
      "write this one to the reject file)",
      table, row_key, column, reason);
}

RejectFile::RejectFile(const std::string& reject_dir, const std::string& table) : table_(table) {
  std::error_code ec;
  std::filesystem::create_directories(reject_dir, ec);
  path_ = (std::filesystem::path(reject_dir) / (table + ".rejects.jsonl")).string();
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error("cannot open reject file " + path_);
}

void RejectFile::Write(const types::RowBatch& batch, std::size_t row,
                       const std::vector<types::TargetColumn>& columns,
                       const std::vector<std::size_t>& key_indexes, std::size_t bad_column,
                       const std::string& reason) {
  auto field = [&](std::size_t i) {
    return batch.IsNull(row, i) ? std::string("null")
                                : "\"" + report::JsonEscape(batch.Field(row, i)) + "\"";
  };
  std::string line = "{\"table\":\"" + report::JsonEscape(table_) + "\",\"key\":{";
  bool first = true;
  for (std::size_t i : key_indexes) {
    line += (first ? "\"" : ",\"") + report::JsonEscape(columns[i].name) + "\":" + field(i);
    first = false;
  }
  line += "},\"column\":\"" + report::JsonEscape(columns[bad_column].name) + "\",\"reason\":\"" +
          report::JsonEscape(reason) + "\",\"row\":{";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    line += (i == 0 ? "\"" : ",\"") + report::JsonEscape(columns[i].name) + "\":" + field(i);
  }
  line += "}}\n";
  std::lock_guard lock(mu_);
  out_ << line;
  out_.flush();
  ++count_;
}

std::int64_t RejectFile::count() const {
  std::lock_guard lock(mu_);
  return count_;
}

}  // namespace etl::pipeline
