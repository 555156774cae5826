#include "config/spec_reader.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "config/interpolation.h"
#include "config/size_parse.h"
#include "config/suggest.h"

namespace etl::config {
namespace {

bool HasPosition(const YAML::Mark& mark) {
  return mark.line >= 0 && mark.column >= 0;
}

// A node's own mark, falling back to another when the node has none. An empty value's mark
// is where the next token starts (often the next line), so nulls use the fallback too.
YAML::Mark MarkOr(const YAML::Node& node, const YAML::Mark& fallback) {
  const YAML::Mark mark = node.Mark();
  return HasPosition(mark) && !node.IsNull() ? mark : fallback;
}

std::string FormatNumber(double v) {
  return fmt::format("{}", v);
}

std::string JoinPath(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

bool ParseBool(const std::string& text, bool& out) {
  if (text == "true" || text == "True" || text == "TRUE") {
    out = true;
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    out = false;
    return true;
  }
  return false;
}

}  // namespace

std::string DescribeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

const Field* Fields::Find(std::string_view key) const {
  for (const Field& f : fields_) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

bool Range::Contains(double v) const {
  if (min && (min_exclusive ? v <= *min : v < *min)) return false;
  if (max && (max_exclusive ? v >= *max : v > *max)) return false;
  return true;
}

std::string Range::Describe() const {
  if (min && max && !min_exclusive && !max_exclusive) {
    return "must be between " + FormatNumber(*min) + " and " + FormatNumber(*max);
  }
  std::string out = "must be";
  if (min) {
    out += min_exclusive ? " greater than " : " at least ";
    out += FormatNumber(*min);
  }
  if (max) {
    if (min) out += " and";
    out += max_exclusive ? " less than " : " at most ";
    out += FormatNumber(*max);
  }
  return out;
}

SpecReader::SpecReader(std::string file, const EnvLookup& env, std::vector<Diagnostic>& diagnostics)
    : file_(std::move(file)), env_(env), diagnostics_(diagnostics) {}

void SpecReader::Add(Severity severity, const YAML::Mark& mark, const std::string& path,
                     std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.file = file_;
  if (HasPosition(mark)) {
    d.line = mark.line + 1;
    d.column = mark.column + 1;
  } else {
    d.line = 1;
    d.column = 1;
  }
  d.key_path = path;
  d.message = std::move(message);
  diagnostics_.push_back(std::move(d));
}

void SpecReader::Error(const YAML::Mark& mark, const std::string& path, std::string message) {
  Add(Severity::kError, mark, path, std::move(message));
}

void SpecReader::Warning(const YAML::Mark& mark, const std::string& path, std::string message) {
  Add(Severity::kWarning, mark, path, std::move(message));
}

void SpecReader::Error(const Field& field, std::string message) {
  Error(MarkOr(field.value, field.key_node.Mark()), field.path, std::move(message));
}

std::string SpecReader::LocationOf(const YAML::Mark& mark) const {
  if (!HasPosition(mark)) return file_;
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::optional<Fields> SpecReader::Map(const YAML::Node& node, const std::string& path,
                                      const YAML::Mark& holder) {
  if (!node.IsMap()) {
    Error(MarkOr(node, holder), path, "expected a mapping, got " + DescribeNode(node));
    return std::nullopt;
  }
  Fields fields;
  fields.path_ = path;
  fields.mark_ = holder;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      Error(MarkOr(key, holder), path, "keys must be plain names, got " + DescribeNode(key));
      continue;
    }
    Field field{key.Scalar(), key, it->second, JoinPath(path, key.Scalar())};
    if (const Field* first = fields.Find(field.key)) {
      Error(MarkOr(key, holder), field.path,
            "duplicate key (first given at " + LocationOf(first->key_node.Mark()) + ")");
      continue;
    }
    fields.fields_.push_back(std::move(field));
  }
  return fields;
}

void SpecReader::CheckKnownKeys(const Fields& fields, const std::vector<std::string_view>& known) {
  for (const Field& f : fields.all()) {
    bool is_known = false;
    for (const std::string_view k : known)
      is_known = is_known || f.key == k;
    if (is_known) continue;
    std::string message = "unknown key '" + f.key + "'";
    if (const auto suggestion = SuggestClosest(f.key, known)) {
      message += " (did you mean '" + *suggestion + "'?)";
    }
    Error(f.key_node.Mark(), f.path, std::move(message));
  }
}

bool SpecReader::Require(const Fields& fields, std::string_view key) {
  if (fields.Find(key) != nullptr) return true;
  Error(fields.mark(), JoinPath(fields.path(), key),
        "missing required key '" + std::string(key) + "'");
  return false;
}

std::optional<std::string> SpecReader::Text(const Field& field, std::string_view expected) {
  if (!field.value.IsScalar()) {
    Error(field, "expected " + std::string(expected) + ", got " + DescribeNode(field.value));
    return std::nullopt;
  }
  Interpolated result = InterpolateEnv(field.value.Scalar(), env_);
  if (!result.errors.empty()) {
    for (std::string& e : result.errors)
      Error(field, std::move(e));
    return std::nullopt;
  }
  return std::move(result.value);
}

const Field* SpecReader::GetString(const Fields& f, std::string_view key, std::string& out) {
  const Field* field = f.Find(key);
  if (field == nullptr) return nullptr;
  auto text = Text(*field);
  if (!text) return nullptr;
  out = std::move(*text);
  return field;
}

const Field* SpecReader::GetString(const Fields& f, std::string_view key,
                                   std::optional<std::string>& out) {
  std::string value;
  const Field* field = GetString(f, key, value);
  if (field != nullptr) out = std::move(value);
  return field;
}

const Field* SpecReader::GetBool(const Fields& f, std::string_view key, bool& out) {
  const Field* field = f.Find(key);
  if (field == nullptr) return nullptr;
  const auto text = Text(*field, "true or false");
  if (!text) return nullptr;
  if (!ParseBool(*text, out)) {
    Error(*field, "expected true or false, got " + Shown(*field, *text));
    return nullptr;
  }
  return field;
}

const Field* SpecReader::GetBool(const Fields& f, std::string_view key, std::optional<bool>& out) {
  bool value = false;
  const Field* field = GetBool(f, key, value);
  if (field != nullptr) out = value;
  return field;
}

std::optional<std::int64_t> SpecReader::ParseInt(const Field& field, Range range) {
  const auto text = Text(field, "an integer");
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  const auto [stop, ec] = std::from_chars(begin, end, value);
  if (text->empty() || ec != std::errc() || stop != end) {
    Error(field, "expected an integer, got " + Shown(field, *text));
    return std::nullopt;
  }
  if (!range.Contains(static_cast<double>(value))) {
    Error(field, range.Describe() + ", got " + Shown(field, *text, false));
    return std::nullopt;
  }
  return value;
}

const Field* SpecReader::GetInt(const Fields& f, std::string_view key, std::int64_t& out,
                                Range range) {
  const Field* field = f.Find(key);
  if (field == nullptr) return nullptr;
  const auto value = ParseInt(*field, range);
  if (!value) return nullptr;
  out = *value;
  return field;
}

const Field* SpecReader::GetInt(const Fields& f, std::string_view key, int& out, Range range) {
  std::int64_t value = 0;
  const Field* field = GetInt(f, key, value, range);
  if (field == nullptr) return nullptr;
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    Error(*field, "is too large, got " + std::to_string(value));
    return nullptr;
  }
  out = static_cast<int>(value);
  return field;
}

const Field* SpecReader::GetNumber(const Fields& f, std::string_view key, double& out,
                                   Range range) {
  const Field* field = f.Find(key);
  if (field == nullptr) return nullptr;
  const auto text = Text(*field, "a number");
  if (!text) return nullptr;
  double value = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  const auto [stop, ec] = std::from_chars(begin, end, value);
  if (text->empty() || ec != std::errc() || stop != end || !std::isfinite(value)) {
    Error(*field, "expected a number, got " + Shown(*field, *text));
    return nullptr;
  }
  if (!range.Contains(value)) {
    Error(*field, range.Describe() + ", got " + Shown(*field, *text, false));
    return nullptr;
  }
  out = value;
  return field;
}

const Field* SpecReader::GetNumber(const Fields& f, std::string_view key,
                                   std::optional<double>& out, Range range) {
  double value = 0;
  const Field* field = GetNumber(f, key, value, range);
  if (field != nullptr) out = value;
  return field;
}

const Field* SpecReader::GetByteSize(const Fields& f, std::string_view key, std::int64_t& out,
                                     Range range) {
  const Field* field = f.Find(key);
  if (field == nullptr) return nullptr;
  const auto text = Text(*field, "a size");
  if (!text) return nullptr;
  const auto bytes = ParseByteSize(*text);
  if (!bytes) {
    Error(*field, "expected a size such as 256MB, 1GB, 512kB or a number of bytes, got " +
                      Shown(*field, *text));
    return nullptr;
  }
  if (!range.Contains(static_cast<double>(*bytes))) {
    Error(*field, range.Describe() + " bytes, got " + Shown(*field, *text, false));
    return nullptr;
  }
  out = *bytes;
  return field;
}

const Field* SpecReader::GetStringList(const Fields& f, std::string_view key,
                                       std::vector<std::string>& out) {
  const Field* field = f.Find(key);
  if (field == nullptr) return nullptr;
  if (field->value.IsScalar()) {
    auto text = Text(*field);
    if (!text) return nullptr;
    out = {std::move(*text)};
    return field;
  }
  if (!field->value.IsSequence()) {
    Error(*field, "expected a list of strings, got " + DescribeNode(field->value));
    return nullptr;
  }
  std::vector<std::string> items;
  bool ok = true;
  std::size_t index = 0;
  for (const YAML::Node& item : field->value) {
    const Field element{field->key, field->key_node, item,
                        field->path + "[" + std::to_string(index++) + "]"};
    auto text = Text(element);
    if (text) {
      items.push_back(std::move(*text));
    } else {
      ok = false;
    }
  }
  if (!ok) return nullptr;
  out = std::move(items);
  return field;
}

std::string SpecReader::Shown(const Field& field, const std::string& text, bool quote) {
  const std::string& written = field.value.Scalar();
  if (written == text) return quote ? "'" + text + "'" : text;
  return "'" + written + "' (value from the environment not shown)";
}

void SpecReader::ReportBadEnum(const Field& field, const std::string& text,
                               const std::vector<std::string_view>& names) {
  std::string message = "expected one of ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    message += (i == 0 ? "" : "|") + std::string(names[i]);
  }
  message += ", got " + Shown(field, text);
  if (const auto suggestion = SuggestClosest(text, names);
      suggestion && field.value.Scalar() == text) {
    message += " (did you mean '" + *suggestion + "'?)";
  }
  Error(field, std::move(message));
}

}  // namespace etl::config
