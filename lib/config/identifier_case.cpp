#include "config/identifier_case.h"

#include <map>

namespace etl::config {

std::string FoldIdentifier(std::string_view name, IdentifierCase rule) {
  std::string out(name);
  if (rule == IdentifierCase::kLower) {
    // ASCII only, byte by byte: UTF-8 continuation and lead bytes are >= 0x80 and untouched.
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string ColumnFoldProblem(const std::vector<std::string>& source_columns, IdentifierCase rule,
                              std::string_view table_label) {
  std::map<std::string, const std::string*> seen;  // folded name -> first source column
  for (const std::string& column : source_columns) {
    const auto [it, inserted] = seen.try_emplace(FoldIdentifier(column, rule), &column);
    if (inserted) continue;
    return "columns " + *it->second + " and " + column + " of " + std::string(table_label) +
           " both become column " + it->first + " (identifier_case: " + ToString(rule) +
           "); keep their case with identifier_case: preserve for this table";
  }
  return "";
}

std::string DescribeOrigin(const TableSpec& table) {
  if (!table.matched_by.empty()) return "tables_match.include '" + table.matched_by + "'";
  return "tables." + table.name;
}

std::vector<std::string> TargetTableCollisions(const std::vector<TableSpec>& tables,
                                               std::string_view schema) {
  std::map<std::string, const TableSpec*> owners;  // target table -> first table loading it
  std::vector<std::string> problems;
  for (const TableSpec& table : tables) {
    const auto [it, inserted] = owners.try_emplace(table.target_table, &table);
    if (inserted) continue;
    const TableSpec& first = *it->second;
    auto describe = [](const TableSpec& t) {
      std::string text = t.source_table + " (" + DescribeOrigin(t);
      if (t.target_table_given) text += ", target_table " + t.target_table;
      return text + ")";
    };
    std::string fold;  // which names identifier_case changed
    for (const TableSpec* t : {&first, &table}) {
      if (t->target_table_given || t->target_table == t->name) continue;
      fold += (fold.empty()
                   ? " (identifier_case " + std::string(ToString(t->identifier_case)) + " folds "
                   : ", ") +
              t->name + " to " + t->target_table;
    }
    problems.push_back("source tables " + describe(first) + " and " + describe(table) +
                       " both load target table " + std::string(schema) + "." + table.target_table +
                       (fold.empty() ? "" : fold + ")") +
                       "; exclude one (tables_match.exclude) or give one a target_table under "
                       "tables:");
  }
  return problems;
}

}  // namespace etl::config
