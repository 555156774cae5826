#include "source/key_choice.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace etl::source {
namespace {

std::vector<std::string> Names(const types::SourceIndex& idx) {
  std::vector<std::string> out;
  for (const auto& part : idx.columns)
    out.push_back(part.name.empty() ? "(expression)" : part.name);
  return out;
}

std::set<std::string> AsSet(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

// "PRIMARY (id), uk_email (email)" -- the unique keys a user could name.
std::string UniqueKeys(const SourceTable& t) {
  std::vector<std::string> keys;
  if (!t.primary_key.empty())
    keys.push_back(fmt::format("PRIMARY ({})", fmt::join(t.primary_key, ", ")));
  for (const auto& idx : t.indexes) {
    if (idx.IdentifiesRows())
      keys.push_back(fmt::format("{} ({})", idx.name, fmt::join(Names(idx), ", ")));
  }
  return keys.empty() ? "none" : fmt::format("{}", fmt::join(keys, ", "));
}

}  // namespace

KeyChoice ChooseKey(const SourceTable& table, const std::vector<std::string>& override_columns) {
  KeyChoice out;
  const std::string name = table.database + "." + table.table;
  if (override_columns.empty()) {
    if (!table.primary_key.empty()) {
      out.columns = table.primary_key;
      out.index = "PRIMARY";
      out.description = "primary key";
      return out;
    }
    const types::SourceIndex* best = nullptr;
    for (const auto& idx : table.indexes) {
      if (!idx.IdentifiesRows()) continue;
      if (best == nullptr || idx.columns.size() < best->columns.size() ||
          (idx.columns.size() == best->columns.size() && idx.name < best->name)) {
        best = &idx;
      }
    }
    if (best != nullptr) {
      out.columns = Names(*best);
      out.index = best->name;
      out.description = fmt::format("unique index {} (no primary key)", best->name);
    }
    return out;
  }

  for (const auto& c : override_columns) {
    if (table.FindColumn(c) == nullptr) {
      out.problem = fmt::format("primary_key column {} does not exist in {}", c, name);
      return out;
    }
  }
  const auto wanted = AsSet(override_columns);
  const std::string listed = fmt::format("{}", fmt::join(override_columns, ", "));
  if (wanted.size() != override_columns.size()) {
    out.problem = fmt::format("primary_key ({}) names a column twice", listed);
    return out;
  }
  if (!table.primary_key.empty() && AsSet(table.primary_key) == wanted) {
    out.columns = override_columns;
    out.index = "PRIMARY";
    out.description = "primary_key, the primary key";
    return out;
  }
  std::string near_miss;
  for (const auto& idx : table.indexes) {
    if (!idx.unique || AsSet(Names(idx)) != wanted) continue;
    if (idx.IdentifiesRows()) {
      out.columns = override_columns;
      out.index = idx.name;
      out.description = fmt::format("primary_key, unique index {}", idx.name);
      return out;
    }
    for (const auto& part : idx.columns) {
      if (part.prefix) {
        near_miss =
            fmt::format(" (unique index {} covers only a prefix of {})", idx.name, part.name);
      } else if (part.nullable) {
        near_miss = fmt::format(" (unique index {} matches, but column {} allows NULL)", idx.name,
                                part.name);
      }
    }
  }
  out.problem = fmt::format(
      "primary_key ({}) is not a unique key of {}{}: no PRIMARY KEY or UNIQUE index on exactly "
      "those NOT NULL columns, so keyset reads could skip rows and upserts could merge distinct "
      "rows; name the columns of one of its unique keys: {}",
      listed, name, near_miss, UniqueKeys(table));
  return out;
}

}  // namespace etl::source
