#pragma once
// Reads typed values out of a parsed YAML document, collecting located diagnostics.
//
// A SpecReader belongs to one file. Map() turns a YAML mapping into Fields (its keys in
// document order, with duplicate and non-string keys reported). Each Get*() then reads one
// optional key: when the key is absent the output is left alone (it keeps its default); when it
// is present but wrong (type, enumeration, range, ${VAR}) exactly one Diagnostic is added, the
// output is left alone and nullptr is returned; on success the Field read is returned, so
// callers can locate cross-field errors at it. Strings are ${VAR}-interpolated before typing.
// Messages never include the value of a field named `password`.
//
// REQUIRES: the EnvLookup and the diagnostics vector outlive the reader.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/diagnostic.h"
#include "config/job_loader.h"

namespace etl::config {

// One `key: value` of a YAML mapping.
struct Field {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  std::string path;  // full key path, e.g. "tables.orders.batch_size"
};

// The keys of one YAML mapping, in document order (the first of duplicated keys wins).
class Fields {
 public:
  const Field* Find(std::string_view key) const;
  const std::vector<Field>& all() const { return fields_; }
  const std::string& path() const { return path_; }
  // Where a missing key is reported: the key that holds this mapping (or the document start).
  const YAML::Mark& mark() const { return mark_; }

 private:
  friend class SpecReader;
  std::string path_;
  YAML::Mark mark_;
  std::vector<Field> fields_;
};

// An allowed interval of numbers; unset ends are unbounded.
struct Range {
  std::optional<double> min;
  bool min_exclusive = false;
  std::optional<double> max;
  bool max_exclusive = false;

  static Range Any() { return {}; }
  static Range AtLeast(double v) { return {v, false, std::nullopt, false}; }
  static Range GreaterThan(double v) { return {v, true, std::nullopt, false}; }
  static Range Between(double lo, double hi) { return {lo, false, hi, false}; }
  static Range Exclusive(double lo, double hi) { return {lo, true, hi, true}; }

  bool Contains(double v) const;
  std::string Describe() const;  // e.g. "must be between 1 and 16"
};

// Accepted spellings of an enumeration, in the order they are listed in messages.
template <typename T>
using EnumValues = std::vector<std::pair<std::string_view, T>>;

class SpecReader {
 public:
  SpecReader(std::string file, const EnvLookup& env, std::vector<Diagnostic>& diagnostics);

  const std::string& file() const { return file_; }

  void Error(const YAML::Mark& mark, const std::string& path, std::string message);
  void Warning(const YAML::Mark& mark, const std::string& path, std::string message);
  // Located at the field's value (or its key when the value has no position).
  void Error(const Field& field, std::string message);
  std::string LocationOf(const YAML::Mark& mark) const;  // "file:line:col"

  // The mapping `node`, or nullopt (and an error) when it is something else. `holder` is where
  // the mapping's own key sits; it locates "missing required key" errors.
  std::optional<Fields> Map(const YAML::Node& node, const std::string& path,
                            const YAML::Mark& holder);
  // Reports each key not in `known`, suggesting the closest known key.
  void CheckKnownKeys(const Fields& fields, const std::vector<std::string_view>& known);
  // Reports `key` missing from `fields`; returns whether it is present.
  bool Require(const Fields& fields, std::string_view key);

  // The interpolated text of a scalar field; nullopt (and an error) for lists, mappings, nulls
  // and bad ${VAR} references.
  std::optional<std::string> Text(const Field& field, std::string_view expected = "a string");

  const Field* GetString(const Fields& f, std::string_view key, std::string& out);
  const Field* GetString(const Fields& f, std::string_view key, std::optional<std::string>& out);
  const Field* GetBool(const Fields& f, std::string_view key, bool& out);
  const Field* GetBool(const Fields& f, std::string_view key, std::optional<bool>& out);
  const Field* GetInt(const Fields& f, std::string_view key, std::int64_t& out, Range range);
  const Field* GetInt(const Fields& f, std::string_view key, int& out, Range range);
  const Field* GetNumber(const Fields& f, std::string_view key, double& out, Range range);
  const Field* GetNumber(const Fields& f, std::string_view key, std::optional<double>& out,
                         Range range);
  const Field* GetByteSize(const Fields& f, std::string_view key, std::int64_t& out, Range range);
  // A list of strings; a single scalar is accepted as a one-item list.
  const Field* GetStringList(const Fields& f, std::string_view key, std::vector<std::string>& out);

  template <typename T>
  const Field* GetEnum(const Fields& f, std::string_view key, T& out, const EnumValues<T>& values) {
    const Field* field = f.Find(key);
    if (field == nullptr) return nullptr;
    const std::optional<std::string> text = Text(*field);
    if (!text) return nullptr;
    std::vector<std::string_view> names;
    for (const auto& [name, value] : values) {
      if (*text == name) {
        out = value;
        return field;
      }
      names.push_back(name);
    }
    ReportBadEnum(*field, *text, names);
    return nullptr;
  }

  // `text` (the value after ${VAR} interpolation) quoted for a message; when interpolation
  // changed it, the scalar as written instead: a substituted value may be a secret. Every
  // message that echoes a value read through Text() shows it through this.
  static std::string Shown(const Field& field, const std::string& text, bool quote = true);

 private:
  void Add(Severity severity, const YAML::Mark& mark, const std::string& path, std::string message);
  void ReportBadEnum(const Field& field, const std::string& text,
                     const std::vector<std::string_view>& names);
  std::optional<std::int64_t> ParseInt(const Field& field, Range range);

  std::string file_;
  const EnvLookup& env_;
  std::vector<Diagnostic>& diagnostics_;
};

// A short description of a YAML node for "expected X, got Y" messages.
std::string DescribeNode(const YAML::Node& node);

}  // namespace etl::config
