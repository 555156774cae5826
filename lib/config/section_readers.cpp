#include "config/section_readers.h"

#include <algorithm>
#include <cctype>

#include "config/fault_keys.h"
#include "config/identifier_case.h"
#include "config/pg_session_rules.h"
#include "config/session_safety.h"
#include "config/suggest.h"
#include "config/table_pattern.h"

namespace etl::config {
namespace {

const EnumValues<Strategy> kStrategies = {{"auto", Strategy::kAuto},
                                          {"standard", Strategy::kStandard},
                                          {"streaming", Strategy::kStreaming},
                                          {"copy_csv", Strategy::kCopyCsv},
                                          {"parallel", Strategy::kParallel}};
const EnumValues<ExtractionStrategy> kExtractionStrategies = {
    {"full", ExtractionStrategy::kFull}, {"incremental", ExtractionStrategy::kIncremental}};
const EnumValues<CopyFormat> kCopyFormats = {
    {"csv", CopyFormat::kCsv}, {"text", CopyFormat::kText}, {"binary", CopyFormat::kBinary}};
const EnumValues<Chunking> kChunkings = {{"auto", Chunking::kAuto},
                                         {"range", Chunking::kRange},
                                         {"keyset", Chunking::kKeyset},
                                         {"none", Chunking::kNone}};
const EnumValues<OnBadRow> kOnBadRows = {{"fail", OnBadRow::kFail}, {"reject", OnBadRow::kReject}};
const EnumValues<IdentifierCase> kIdentifierCases = {{"preserve", IdentifierCase::kPreserve},
                                                     {"lower", IdentifierCase::kLower}};
const EnumValues<std::string> kMySqlSslModes = {{"disabled", "disabled"},
                                                {"preferred", "preferred"},
                                                {"required", "required"},
                                                {"verify_ca", "verify_ca"},
                                                {"verify_identity", "verify_identity"}};
const EnumValues<std::string> kPgSslModes = {
    {"disable", "disable"}, {"allow", "allow"},         {"prefer", "prefer"},
    {"require", "require"}, {"verify-ca", "verify-ca"}, {"verify-full", "verify-full"}};

const char kInlinePasswordWarning[] =
    "put the secret in the environment and name it with password_env";

// Setting names are pasted into SET statements (quoted), so keep them to what servers use:
// identifiers, optionally dotted for extension settings.
bool IsSettingName(const std::string& name) {
  bool at_part_start = true;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '.') {
      if (at_part_start) return false;
      at_part_start = true;
      continue;
    }
    if (at_part_start ? !(std::isalpha(u) || c == '_') : !(std::isalnum(u) || c == '_')) {
      return false;
    }
    at_part_start = false;
  }
  return !at_part_start;
}

std::optional<Fields> BlockFields(SpecReader& reader, const Field& block,
                                  const std::vector<std::string_view>& known,
                                  const std::vector<std::string_view>& more_known = {}) {
  auto fields = reader.Map(block.value, block.path, block.key_node.Mark());
  std::vector<std::string_view> all = known;
  all.insert(all.end(), more_known.begin(), more_known.end());
  if (fields) reader.CheckKnownKeys(*fields, all);
  return fields;
}

void RequireNonEmpty(SpecReader& reader, const Field* field, const std::string& value) {
  if (field != nullptr && value.empty()) reader.Error(*field, "must not be empty");
}

enum class SessionKind { kMySql, kPostgres };

void ReadSession(SpecReader& reader, const Fields& parent, SessionKind kind, SessionSettings& out) {
  const Field* block = parent.Find("session");
  if (block == nullptr) return;
  const auto fields = reader.Map(block->value, block->path, block->key_node.Mark());
  if (!fields) return;
  SessionSettings settings;
  for (const Field& f : fields->all()) {
    if (!IsSettingName(f.key)) {
      reader.Error(f.key_node.Mark(), f.path, "'" + f.key + "' is not a valid setting name");
      continue;
    }
    auto value = reader.Text(f, "a scalar value");
    if (!value) continue;
    if (kind == SessionKind::kMySql) {
      if (auto problem = UnsafeMySqlSessionSetting(f.key, *value)) {
        if (problem->in_value) {
          reader.Error(f, std::move(problem->message));
        } else {
          reader.Error(f.key_node.Mark(), f.path, std::move(problem->message));
        }
        continue;
      }
    }
    if (kind == SessionKind::kPostgres) {
      if (auto problem = UnsafePgSessionSetting(f.key)) {
        reader.Error(f.key_node.Mark(), f.path, std::move(*problem));
        continue;
      }
      switch (ClassifyPgSetting(f.key)) {
        case PgSettingScope::kSession:
        case PgSettingScope::kCustom:
          break;
        case PgSettingScope::kServerWide:
          reader.Error(f.key_node.Mark(), f.path,
                       "cannot be set per session (server-wide setting; change postgresql.conf)");
          continue;
        case PgSettingScope::kReadOnly:
          reader.Error(f.key_node.Mark(), f.path,
                       "cannot be set per session (read-only setting, fixed when PostgreSQL was "
                       "built or initialised)");
          continue;
        case PgSettingScope::kUnknown: {
          std::string message = "'" + f.key + "' is not a setting etl knows";
          if (const auto s = SuggestClosest(f.key, PgSessionSettingNames())) {
            message += " (did you mean '" + *s + "'?)";
          }
          message += "; PostgreSQL will reject it if it does not exist";
          reader.Warning(f.key_node.Mark(), f.path, std::move(message));
          break;
        }
      }
    }
    settings.emplace_back(f.key, std::move(*value));
  }
  out = std::move(settings);
}

// The inline password, with a warning unless the value only refers to the environment.
void ReadInlinePassword(SpecReader& reader, const Fields& fields, std::optional<std::string>& out) {
  const Field* field = reader.GetString(fields, "password", out);
  if (field == nullptr) return;
  if (field->value.Scalar().find("${") == std::string::npos) {
    reader.Warning(field->key_node.Mark(), field->path, kInlinePasswordWarning);
  }
}

void ReadPool(SpecReader& reader, const Fields& parent, PoolSpec& out) {
  const Field* block = parent.Find("pool");
  if (block == nullptr) return;
  const auto f = BlockFields(reader, *block, {"size", "timeout_s"});
  if (!f) return;
  reader.GetInt(*f, "size", out.size, Range::AtLeast(1));
  reader.GetInt(*f, "timeout_s", out.timeout_s, Range::GreaterThan(0));
}

void ReadDetection(SpecReader& reader, const Field& block, SparseDetection& out) {
  const auto f = BlockFields(
      reader, block,
      {"enabled", "efficiency_threshold", "min_chunk_size_check", "consecutive_sparse_limit"});
  if (!f) return;
  reader.GetBool(*f, "enabled", out.enabled);
  reader.GetNumber(*f, "efficiency_threshold", out.efficiency_threshold, Range::Exclusive(0, 1));
  reader.GetInt(*f, "min_chunk_size_check", out.min_chunk_size_check, Range::AtLeast(0));
  reader.GetInt(*f, "consecutive_sparse_limit", out.consecutive_sparse_limit, Range::AtLeast(1));
}

void ReadAdaptive(SpecReader& reader, const Field& block, AdaptiveScaling& out) {
  const auto f = BlockFields(reader, block, {"enabled", "max_scale_factor", "max_chunk_size"});
  if (!f) return;
  reader.GetBool(*f, "enabled", out.enabled);
  reader.GetNumber(*f, "max_scale_factor", out.max_scale_factor, Range::AtLeast(1));
  reader.GetInt(*f, "max_chunk_size", out.max_chunk_size, Range::GreaterThan(0));
}

void ReadAccumulation(SpecReader& reader, const Field& block, Accumulation& out,
                      SparseOrigins& origins) {
  const auto f =
      BlockFields(reader, block, {"enabled", "min_batch_size", "max_batch_size", "max_memory_mb"});
  if (!f) return;
  reader.GetBool(*f, "enabled", out.enabled);
  if (const Field* min =
          reader.GetInt(*f, "min_batch_size", out.min_batch_size, Range::GreaterThan(0))) {
    origins.min_batch_size = FieldOrigin{&reader, *min};
  }
  if (const Field* max =
          reader.GetInt(*f, "max_batch_size", out.max_batch_size, Range::GreaterThan(0))) {
    origins.max_batch_size = FieldOrigin{&reader, *max};
  }
  reader.GetInt(*f, "max_memory_mb", out.max_memory_mb, Range::GreaterThan(0));
}

void ReadMonitoring(SpecReader& reader, const Field& block, SparseMonitoring& out) {
  const auto f = BlockFields(
      reader, block,
      {"log_efficiency_metrics", "alert_on_sparse_detection", "track_performance_gains"});
  if (!f) return;
  reader.GetBool(*f, "log_efficiency_metrics", out.log_efficiency_metrics);
  reader.GetBool(*f, "alert_on_sparse_detection", out.alert_on_sparse_detection);
  reader.GetBool(*f, "track_performance_gains", out.track_performance_gains);
}

void ReadTablePerformance(SpecReader& reader, const Field& block, TablePerformance& out) {
  const auto f = BlockFields(reader, block,
                             {"strategy", "parallel_chunks", "copy_format", "chunking",
                              "bulk_insert_buffer", "use_optimized_connections"});
  if (!f) return;
  reader.GetEnum(*f, "strategy", out.strategy, kStrategies);
  reader.GetInt(*f, "parallel_chunks", out.parallel_chunks, Range::Between(1, 16));
  reader.GetEnum(*f, "copy_format", out.copy_format, kCopyFormats);
  reader.GetEnum(*f, "chunking", out.chunking, kChunkings);
  reader.GetByteSize(*f, "bulk_insert_buffer", out.bulk_insert_buffer_bytes, Range::GreaterThan(0));
  reader.GetBool(*f, "use_optimized_connections", out.use_optimized_connections);
}

void ReadColumnTypes(SpecReader& reader, const Field& block,
                     std::map<std::string, std::string>& out) {
  const auto f = reader.Map(block.value, block.path, block.key_node.Mark());
  if (!f) return;
  for (const Field& column : f->all()) {
    auto type = reader.Text(column, "a PostgreSQL type name");
    if (!type) continue;
    if (type->empty()) {
      reader.Error(column, "must not be empty");
      continue;
    }
    out[column.key] = std::move(*type);
  }
}

void RequireNonEmptyItems(SpecReader& reader, const Field* field,
                          const std::vector<std::string>& items) {
  if (field == nullptr) return;
  for (const std::string& item : items) {
    if (item.empty()) {
      reader.Error(*field, "column names must not be empty");
      return;
    }
  }
}

// The per-table keys, shared by `tables:` entries and tables_match.defaults.
const std::vector<std::string_view> kTableKeys = {
    "source_table",        "target_table",        "estimated_size_mb", "batch_size",
    "extraction_strategy", "incremental_columns", "primary_key",       "where",
    "benchmark",           "on_bad_row",          "column_types",      "performance",
    "post_load",           "identifier_case",     "skip_unchanged",    "lookback"};

// What the cross-field checks of a table need to locate their errors.
struct TableKeyFields {
  const Field* extraction = nullptr;
  const Field* cursor = nullptr;
};

// Every per-table key except the names (source_table, target_table); keys not given leave
// `out` as it is, so `out` may come in holding the defaults.
TableKeyFields ReadTableKeys(SpecReader& reader, const Fields& f, TableSpec& out) {
  TableKeyFields keys;
  reader.GetNumber(f, "estimated_size_mb", out.estimated_size_mb, Range::GreaterThan(0));
  reader.GetInt(f, "batch_size", out.batch_size, Range::GreaterThan(0));
  keys.extraction =
      reader.GetEnum(f, "extraction_strategy", out.extraction_strategy, kExtractionStrategies);
  keys.cursor = reader.GetStringList(f, "incremental_columns", out.incremental_columns);
  RequireNonEmptyItems(reader, keys.cursor, out.incremental_columns);
  RequireNonEmptyItems(reader, reader.GetStringList(f, "primary_key", out.primary_key),
                       out.primary_key);
  reader.GetString(f, "where", out.where);
  reader.GetBool(f, "benchmark", out.benchmark);
  reader.GetEnum(f, "on_bad_row", out.on_bad_row, kOnBadRows);
  if (const Field* b = f.Find("column_types")) ReadColumnTypes(reader, *b, out.column_types);
  if (const Field* b = f.Find("performance")) ReadTablePerformance(reader, *b, out.performance);
  reader.GetStringList(f, "post_load", out.post_load);
  reader.GetEnum(f, "identifier_case", out.identifier_case, kIdentifierCases);
  reader.GetBool(f, "skip_unchanged", out.skip_unchanged);
  std::string lookback;
  if (const Field* l = reader.GetString(f, "lookback", lookback)) {
    if (auto parsed = ParseLookback(lookback)) {
      out.lookback = *parsed;
    } else {
      reader.Error(*l,
                   "expected a duration (30s, 5m, 2h, 1d) for a temporal cursor or a count "
                   "(1000) for an integer one, got '" +
                       lookback + "'");
    }
  }
  return keys;
}

// An incremental table needs cursor columns (given here or inherited from the defaults, which
// report their own gap).
void CheckCursor(SpecReader& reader, const Fields& f, const TableKeyFields& keys,
                 const TableSpec& out) {
  if (out.extraction_strategy != ExtractionStrategy::kIncremental ||
      !out.incremental_columns.empty()) {
    return;
  }
  if (keys.cursor != nullptr) {
    reader.Error(*keys.cursor, "an incremental load needs at least one cursor column");
  } else if (keys.extraction != nullptr && f.Find("incremental_columns") == nullptr) {
    reader.Error(*keys.extraction,
                 "incremental needs incremental_columns (the cursor columns, e.g. "
                 "[updated_at])");
  }
}

// Returns whether the block gives a batch_size (valid or not: a bad one is reported as such).
bool ReadTableDefaults(SpecReader& reader, const Field& block, TableSpec& out) {
  out.location = reader.LocationOf(block.key_node.Mark());
  const auto f = BlockFields(reader, block, kTableKeys);
  if (!f) return false;
  if (const Field* s = f->Find("source_table")) {
    reader.Error(s->key_node.Mark(), s->path,
                 "cannot be a default (each matched table is read from the source table of its "
                 "own name); give it on a tables: entry");
  }
  if (const Field* t = f->Find("target_table")) {
    reader.Error(t->key_node.Mark(), t->path,
                 "cannot be a default (every matched table would load the same target table); "
                 "give it on a tables: entry");
  }
  const TableKeyFields keys = ReadTableKeys(reader, *f, out);
  CheckCursor(reader, *f, keys, out);
  return f->Find("batch_size") != nullptr;
}

// The globs of tables_match.include / exclude (a single scalar is a one-item list), each
// checked and located. Returns false when the field is not a list of strings.
bool ReadPatterns(SpecReader& reader, const Field& field, const std::string& source_database,
                  std::vector<TablePattern>& out) {
  std::vector<Field> items;
  if (field.value.IsScalar()) {
    items.push_back(Field{field.key, field.key_node, field.value, field.path});
  } else if (field.value.IsSequence()) {
    std::size_t index = 0;
    for (const YAML::Node& item : field.value) {
      items.push_back(
          Field{field.key, field.key_node, item, field.path + "[" + std::to_string(index++) + "]"});
    }
  } else {
    reader.Error(field, "expected a list of patterns, got " + DescribeNode(field.value));
    return false;
  }
  out.clear();
  for (const Field& item : items) {
    auto glob = reader.Text(item, "a pattern");
    if (!glob) continue;
    const std::string shown = SpecReader::Shown(item, *glob);  // never a value from the env
    if (const std::string problem = GlobProblem(*glob); !problem.empty()) {
      reader.Error(item, "pattern " + shown + ": " + problem);
      continue;
    }
    const YAML::Mark at = item.value.Mark().is_null() ? item.key_node.Mark() : item.value.Mark();
    if (std::any_of(out.begin(), out.end(),
                    [&](const TablePattern& p) { return p.glob == *glob; })) {
      reader.Warning(at, item.path, "pattern " + shown + " is listed twice");
      continue;
    }
    if (!source_database.empty() && glob->rfind(source_database + ".", 0) == 0) {
      reader.Warning(at, item.path,
                     "patterns match table names within source.database, not '" + source_database +
                         ".<table>': " + shown + " matches only tables whose name starts with '" +
                         source_database + ".'");
    }
    out.push_back(TablePattern{std::move(*glob), reader.LocationOf(at)});
  }
  return true;
}

// pipeline.notify: a channel a listener can name in LISTEN, so an identifier of at most 63 bytes
// (longer ones would be truncated by PostgreSQL and never match).
void ReadNotifyChannel(SpecReader& reader, const Fields& fields, std::string& out) {
  std::string channel;
  const Field* field = reader.GetString(fields, "notify", channel);
  if (field == nullptr) return;
  bool ok = !channel.empty() && channel.size() <= 63 &&
            (std::isalpha(static_cast<unsigned char>(channel[0])) || channel[0] == '_');
  for (const char c : channel)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ok) {
    reader.Error(*field,
                 "expected a channel name: letters, digits and _, not starting with a digit, at "
                 "most 63 characters, got '" +
                     channel + "'");
    return;
  }
  bool upper = false;
  for (const char c : channel)
    upper = upper || std::isupper(static_cast<unsigned char>(c));
  if (upper) {
    reader.Warning(field->key_node.Mark(), field->path,
                   "'" + channel + "' has capitals: listeners must write LISTEN \"" + channel +
                       "\" (double-quoted), since PostgreSQL folds unquoted names to lower case");
  }
  out = std::move(channel);
}

}  // namespace

void ReadSource(SpecReader& reader, const Field& block, SourceSpec& out) {
  const auto f = BlockFields(
      reader, block,
      {"host", "port", "user", "password_env", "password", "database", "ssl_mode", "session"},
      kSourceFaultKeys);
  if (!f) return;
  RequireNonEmpty(reader, reader.GetString(*f, "host", out.host), out.host);
  reader.GetInt(*f, "port", out.port, Range::Between(1, 65535));
  if (reader.Require(*f, "user"))
    RequireNonEmpty(reader, reader.GetString(*f, "user", out.user), out.user);
  reader.GetString(*f, "password_env", out.password_env);
  ReadInlinePassword(reader, *f, out.password);
  if (reader.Require(*f, "database")) {
    RequireNonEmpty(reader, reader.GetString(*f, "database", out.database), out.database);
  }
  reader.GetEnum(*f, "ssl_mode", out.ssl_mode, kMySqlSslModes);
  ReadSession(reader, *f, SessionKind::kMySql, out.session);
  ReadSourceFaultKeys(reader, *f, out);
}

void ReadTarget(SpecReader& reader, const Field& block, TargetSpec& out) {
  const auto f = BlockFields(reader, block,
                             {"host", "port", "user", "password_env", "password", "database",
                              "schema", "sslmode", "session", "lock_timeout_s"},
                             kTargetFaultKeys);
  if (!f) return;
  RequireNonEmpty(reader, reader.GetString(*f, "host", out.host), out.host);
  reader.GetInt(*f, "port", out.port, Range::Between(1, 65535));
  reader.GetNumber(*f, "lock_timeout_s", out.lock_timeout_s, Range::GreaterThan(0));
  reader.GetString(*f, "user", out.user);
  reader.GetString(*f, "password_env", out.password_env);
  ReadInlinePassword(reader, *f, out.password);
  if (reader.Require(*f, "database")) {
    RequireNonEmpty(reader, reader.GetString(*f, "database", out.database), out.database);
  }
  RequireNonEmpty(reader, reader.GetString(*f, "schema", out.schema), out.schema);
  reader.GetEnum(*f, "sslmode", out.sslmode, kPgSslModes);
  ReadSession(reader, *f, SessionKind::kPostgres, out.session);
  ReadTargetFaultKeys(reader, *f, out);
}

void ReadPipeline(SpecReader& reader, const Field& block, PipelineSpec& out) {
  const auto f = BlockFields(reader, block,
                             {"enable_optimizations", "benchmark", "parallel_tables", "reject_dir",
                              "pool", "table_lock_wait_s", "notify", "skip_unchanged"},
                             kPipelineFaultKeys);
  if (!f) return;
  reader.GetBool(*f, "enable_optimizations", out.enable_optimizations);
  reader.GetBool(*f, "benchmark", out.benchmark);
  reader.GetInt(*f, "parallel_tables", out.parallel_tables, Range::AtLeast(1));
  RequireNonEmpty(reader, reader.GetString(*f, "reject_dir", out.reject_dir), out.reject_dir);
  ReadPool(reader, *f, out.pool);
  reader.GetInt(*f, "table_lock_wait_s", out.table_lock_wait_s, Range::AtLeast(0));
  ReadNotifyChannel(reader, *f, out.notify);
  reader.GetBool(*f, "skip_unchanged", out.skip_unchanged);
  ReadPipelineFaultKeys(reader, *f, out);
}

void ReadPerformanceRules(SpecReader& reader, const Field& block, PerformanceRules& out) {
  const auto f =
      BlockFields(reader, block,
                  {"copy_csv_threshold_mb", "streaming_threshold_mb", "parallel_threshold_rows"});
  if (!f) return;
  reader.GetNumber(*f, "copy_csv_threshold_mb", out.copy_csv_threshold_mb, Range::GreaterThan(0));
  reader.GetNumber(*f, "streaming_threshold_mb", out.streaming_threshold_mb, Range::GreaterThan(0));
  reader.GetInt(*f, "parallel_threshold_rows", out.parallel_threshold_rows, Range::GreaterThan(0));
}

void ReadSparse(SpecReader& reader, const Field& block, SparseSequenceOptimization& out,
                SparseOrigins& origins) {
  const auto f = BlockFields(
      reader, block, {"enabled", "detection", "adaptive_scaling", "accumulation", "monitoring"});
  if (!f) return;
  reader.GetBool(*f, "enabled", out.enabled);
  if (const Field* b = f->Find("detection")) ReadDetection(reader, *b, out.detection);
  if (const Field* b = f->Find("adaptive_scaling")) ReadAdaptive(reader, *b, out.adaptive_scaling);
  if (const Field* b = f->Find("accumulation")) {
    ReadAccumulation(reader, *b, out.accumulation, origins);
  }
  if (const Field* b = f->Find("monitoring")) ReadMonitoring(reader, *b, out.monitoring);
}

void ReadIdentifierCase(SpecReader& reader, const Fields& fields, IdentifierCase& out) {
  reader.GetEnum(fields, "identifier_case", out, kIdentifierCases);
}

void ReadTable(SpecReader& reader, const Field& block, TableSpec& out, Field& target_origin,
               bool batch_size_defaulted) {
  out.name = block.key;
  out.source_table = block.key;
  out.target_table = block.key;
  out.target_table_given = false;
  out.matched_by.clear();
  out.location = reader.LocationOf(block.key_node.Mark());
  target_origin = block;
  if (block.key.empty()) reader.Error(block.key_node.Mark(), block.path, "table name is empty");
  const auto f = BlockFields(reader, block, kTableKeys);
  if (!f) {
    out.target_table = FoldIdentifier(block.key, out.identifier_case);
    return;
  }
  RequireNonEmpty(reader, reader.GetString(*f, "source_table", out.source_table), out.source_table);
  if (const Field* t = reader.GetString(*f, "target_table", out.target_table)) {
    RequireNonEmpty(reader, t, out.target_table);
    target_origin = *t;
    out.target_table_given = true;
  }
  if (!batch_size_defaulted) reader.Require(*f, "batch_size");
  const TableKeyFields keys = ReadTableKeys(reader, *f, out);
  if (!out.target_table_given) out.target_table = FoldIdentifier(block.key, out.identifier_case);
  CheckCursor(reader, *f, keys, out);
}

void ReadTablesMatch(SpecReader& reader, const Field& block, const std::string& source_database,
                     TableMatchSpec& out) {
  out.location = reader.LocationOf(block.key_node.Mark());
  const auto f = BlockFields(reader, block, {"include", "exclude", "defaults"});
  if (!f) return;
  if (const Field* include = f->Find("include")) {
    const bool read = ReadPatterns(reader, *include, source_database, out.include);
    if (read && include->value.IsSequence() && include->value.size() == 0) {
      reader.Error(*include, "lists no patterns (leave include out to match every table)");
    }
  } else {
    out.include = {TablePattern{"*", out.location}};
  }
  if (const Field* exclude = f->Find("exclude")) {
    ReadPatterns(reader, *exclude, source_database, out.exclude);
  }
  const Field* defaults = f->Find("defaults");
  const bool batch_size_given =
      defaults != nullptr && ReadTableDefaults(reader, *defaults, out.defaults);
  if (!batch_size_given) {
    const std::string message =
        "missing required key 'batch_size' in tables_match.defaults (the tables it matches "
        "need one)";
    if (defaults != nullptr) {
      reader.Error(defaults->key_node.Mark(), defaults->path, message);
    } else {
      reader.Error(block.key_node.Mark(), block.path, message);
    }
  }
}

}  // namespace etl::config
