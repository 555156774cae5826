#include "config/section_readers.h"

#include <cctype>

#include "config/fault_keys.h"
#include "config/pg_session_rules.h"
#include "config/suggest.h"

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
    if (kind == SessionKind::kPostgres) {
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
                              "schema", "sslmode", "session"},
                             kTargetFaultKeys);
  if (!f) return;
  RequireNonEmpty(reader, reader.GetString(*f, "host", out.host), out.host);
  reader.GetInt(*f, "port", out.port, Range::Between(1, 65535));
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
  const auto f = BlockFields(
      reader, block, {"enable_optimizations", "benchmark", "parallel_tables", "reject_dir", "pool"},
      kPipelineFaultKeys);
  if (!f) return;
  reader.GetBool(*f, "enable_optimizations", out.enable_optimizations);
  reader.GetBool(*f, "benchmark", out.benchmark);
  reader.GetInt(*f, "parallel_tables", out.parallel_tables, Range::AtLeast(1));
  RequireNonEmpty(reader, reader.GetString(*f, "reject_dir", out.reject_dir), out.reject_dir);
  ReadPool(reader, *f, out.pool);
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

void ReadTable(SpecReader& reader, const Field& block, TableSpec& out, Field& target_origin) {
  out.name = block.key;
  out.source_table = block.key;
  out.target_table = block.key;
  out.location = reader.LocationOf(block.key_node.Mark());
  target_origin = block;
  if (block.key.empty()) reader.Error(block.key_node.Mark(), block.path, "table name is empty");
  const auto f =
      BlockFields(reader, block,
                  {"source_table", "target_table", "estimated_size_mb", "batch_size",
                   "extraction_strategy", "incremental_columns", "primary_key", "where",
                   "benchmark", "on_bad_row", "column_types", "performance", "post_load"});
  if (!f) return;
  RequireNonEmpty(reader, reader.GetString(*f, "source_table", out.source_table), out.source_table);
  if (const Field* t = reader.GetString(*f, "target_table", out.target_table)) {
    RequireNonEmpty(reader, t, out.target_table);
    target_origin = *t;
  }
  reader.GetNumber(*f, "estimated_size_mb", out.estimated_size_mb, Range::GreaterThan(0));
  if (reader.Require(*f, "batch_size")) {
    reader.GetInt(*f, "batch_size", out.batch_size, Range::GreaterThan(0));
  }
  const Field* extraction =
      reader.GetEnum(*f, "extraction_strategy", out.extraction_strategy, kExtractionStrategies);
  const Field* cursor = reader.GetStringList(*f, "incremental_columns", out.incremental_columns);
  RequireNonEmptyItems(reader, cursor, out.incremental_columns);
  RequireNonEmptyItems(reader, reader.GetStringList(*f, "primary_key", out.primary_key),
                       out.primary_key);
  reader.GetString(*f, "where", out.where);
  reader.GetBool(*f, "benchmark", out.benchmark);
  reader.GetEnum(*f, "on_bad_row", out.on_bad_row, kOnBadRows);
  if (const Field* b = f->Find("column_types")) ReadColumnTypes(reader, *b, out.column_types);
  if (const Field* b = f->Find("performance")) ReadTablePerformance(reader, *b, out.performance);
  reader.GetStringList(*f, "post_load", out.post_load);

  if (extraction != nullptr && out.extraction_strategy == ExtractionStrategy::kIncremental &&
      out.incremental_columns.empty()) {
    if (cursor != nullptr) {
      reader.Error(*cursor, "an incremental load needs at least one cursor column");
    } else if (f->Find("incremental_columns") == nullptr) {
      reader.Error(*extraction,
                   "incremental needs incremental_columns (the cursor columns, e.g. "
                   "[updated_at])");
    }
  }
}

}  // namespace etl::config
