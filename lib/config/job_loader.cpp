#include "config/job_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include <yaml-cpp/yaml.h>

#include "config/disclosure.h"
#include "config/schema_options_reader.h"
#include "config/section_readers.h"
#include "config/spec_reader.h"

namespace etl::config {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string_view> kTopLevelKeys = {"version",
                                                     "source",
                                                     "target",
                                                     "pipeline",
                                                     "performance_rules",
                                                     "sparse_sequence_optimization",
                                                     "identifier_case",
                                                     "tables_match",
                                                     "tables",
                                                     "tables_file",
                                                     "schema"};

// Job and tables files are small text files; anything bigger is not one.
constexpr std::uintmax_t kMaxSpecFileBytes = 16 * 1024 * 1024;

// Reads a whole file; nullopt with `error` set to the system's reason when it cannot. Only a
// regular file of at most kMaxSpecFileBytes is read: `tables_file: /dev/zero` (or a FIFO) must
// not hang or exhaust memory.
std::optional<std::string> ReadFile(const std::string& path, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = "is a directory";
    return std::nullopt;
  }
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    error = "is not a regular file";
    return std::nullopt;
  }
  if (const auto size = fs::file_size(path, ec); !ec && size > kMaxSpecFileBytes) {
    error = "is larger than 16 MiB";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  return text.str();
}

// Parses YAML text; a syntax error becomes one located diagnostic.
std::optional<YAML::Node> ParseYaml(const std::string& text, SpecReader& reader) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    reader.Error(e.mark, "", "YAML syntax error: " + e.msg);
  }
  return std::nullopt;
}

// The root of a document as Fields; an empty document is an empty mapping.
std::optional<Fields> RootFields(SpecReader& reader, const YAML::Node& root) {
  const YAML::Node map = root.IsNull() ? YAML::Node(YAML::NodeType::Map) : root;
  YAML::Mark start;
  start.line = 0;
  start.column = 0;
  return reader.Map(map, "", start);
}

class JobLoader {
 public:
  JobLoader(std::string path, const EnvLookup& env)
      : path_(std::move(path)), env_(env), job_reader_(path_, env_, diagnostics_) {}

  LoadResult Load(const std::string& text) {
    try {
      std::optional<JobSpec> spec = Read(text);
      LoadResult result;
      SortDiagnostics();
      if (spec && !HasErrors(diagnostics_)) result.spec = std::move(spec);
      result.diagnostics = std::move(diagnostics_);
      return result;
    } catch (const std::exception& e) {
      return Internal(e.what());
    } catch (...) {
      return Internal("unknown exception");
    }
  }

 private:
  std::optional<JobSpec> Read(const std::string& text) {
    const auto root = ParseYaml(text, job_reader_);
    if (!root) return std::nullopt;
    const auto fields = RootFields(job_reader_, *root);
    if (!fields) return std::nullopt;
    SpecReader& r = job_reader_;
    r.CheckKnownKeys(*fields, kTopLevelKeys);

    JobSpec spec;
    spec.path = path_;
    spec.name = fs::path(path_).stem().string();

    if (r.Require(*fields, "version")) {
      int version = 0;
      if (const Field* v = r.GetInt(*fields, "version", version, Range::Any())) {
        if (version != 1) {
          r.Error(*v,
                  "unsupported version " + std::to_string(version) + " (this etl reads version 1)");
        }
      }
    }
    if (r.Require(*fields, "source")) ReadSource(r, *fields->Find("source"), spec.source);
    if (r.Require(*fields, "target")) ReadTarget(r, *fields->Find("target"), spec.target);
    if (const Field* b = fields->Find("pipeline")) ReadPipeline(r, *b, spec.pipeline);
    if (const Field* b = fields->Find("schema")) ReadSchemaOptions(r, *b, spec.schema);

    // identifier_case and tables_match.defaults first: every table entry starts from them.
    ReadIdentifierCase(r, *fields, spec.identifier_case);
    defaults_.identifier_case = spec.identifier_case;
    if (const Field* b = fields->Find("tables_match")) {
      TableMatchSpec match;
      match.defaults = defaults_;
      ReadTablesMatch(r, *b, spec.source.database, match);
      defaults_ = match.defaults;
      defaults_.location.clear();
      batch_size_defaulted_ = defaults_.batch_size > 0;
      spec.tables_match = std::move(match);
    }

    const Field* tables = fields->Find("tables");
    const Field* tables_file = fields->Find("tables_file");
    if (tables != nullptr && tables_file != nullptr) {
      r.Error(tables_file->key_node.Mark(), tables_file->path,
              "give either tables or tables_file, not both");
    } else if (tables != nullptr) {
      ReadTables(r, *tables, spec);
    } else if (tables_file != nullptr) {
      ReadTablesFile(*tables_file, spec);
    } else if (!spec.tables_match) {
      r.Error(fields->mark(), "tables",
              "missing required key 'tables' (or 'tables_file' or 'tables_match')");
    }

    // The job file's own blocks come after the tables file's, so they override key by key.
    if (const Field* b = fields->Find("performance_rules")) {
      ReadPerformanceRules(r, *b, spec.performance_rules);
    }
    if (const Field* b = fields->Find("sparse_sequence_optimization")) {
      ReadSparse(r, *b, spec.sparse, sparse_origins_);
    }
    CheckBatchSizes(spec);
    return spec;
  }

  // The tables of a `tables:` mapping (in the job file) or of a tables file's root.
  void ReadTableEntries(SpecReader& reader, const std::vector<const Field*>& entries,
                        JobSpec& spec) {
    for (const Field* entry : entries) {
      TableSpec table = defaults_;
      Field target_origin;
      ReadTable(reader, *entry, table, target_origin, batch_size_defaulted_);
      const auto [it, inserted] =
          targets_.try_emplace(table.target_table, table.name + "' at " + table.location);
      if (!inserted && !table.target_table.empty()) {
        std::string message =
            "target table '" + table.target_table + "' is already loaded by table '" + it->second;
        if (!table.target_table_given && table.target_table != table.name) {
          message += std::string(" (identifier_case: ") + ToString(table.identifier_case) +
                     " folds '" + table.name + "' to '" + table.target_table + "')";
        }
        reader.Error(target_origin.path == entry->path ? target_origin.key_node.Mark()
                                                       : target_origin.value.Mark(),
                     entry->path + ".target_table", std::move(message));
      }
      spec.tables.push_back(std::move(table));
    }
  }

  void ReadTables(SpecReader& reader, const Field& block, JobSpec& spec) {
    const auto fields = reader.Map(block.value, block.path, block.key_node.Mark());
    if (!fields) return;
    if (fields->all().empty()) {
      if (!spec.tables_match) reader.Error(block.key_node.Mark(), block.path, "lists no tables");
      return;
    }
    std::vector<const Field*> entries;
    for (const Field& f : fields->all())
      entries.push_back(&f);
    ReadTableEntries(reader, entries, spec);
  }

  void ReadTablesFile(const Field& field, JobSpec& spec) {
    const auto text_value = job_reader_.Text(field, "a file name");
    if (!text_value) return;
    if (text_value->empty()) {
      job_reader_.Error(field, "must not be empty");
      return;
    }
    auto resolve = [&](const std::string& name) {
      fs::path p(name);
      if (p.is_relative()) p = fs::path(path_).parent_path() / p;
      return p.string();
    };
    const std::string tables_name = resolve(*text_value);
    // Messages name the file as written when ${VAR} interpolation changed the name: the
    // substituted value may be a secret. (Diagnostics in the file are prefixed with it too.)
    const std::string& written = field.value.Scalar();
    const bool interpolated = written != *text_value;
    const std::string shown_name = interpolated ? resolve(written) : tables_name;

    std::string error;
    const auto text = ReadFile(tables_name, error);
    if (!text) {
      job_reader_.Error(field, "cannot read tables file '" + shown_name + "'" +
                                   (interpolated ? " (value from the environment not shown)" : "") +
                                   ": " + error);
      return;
    }
    tables_reader_.emplace(shown_name, env_, diagnostics_);
    SpecReader& r = *tables_reader_;
    const auto root = ParseYaml(*text, r);
    if (!root) return;
    const auto fields = RootFields(r, *root);
    if (!fields) return;

    std::vector<const Field*> entries;
    for (const Field& f : fields->all()) {
      if (f.key == "performance_rules") {
        ReadPerformanceRules(r, f, spec.performance_rules);
      } else if (f.key == "sparse_sequence_optimization") {
        ReadSparse(r, f, spec.sparse, sparse_origins_);
      } else {
        entries.push_back(&f);
      }
    }
    if (entries.empty()) {
      if (!spec.tables_match) r.Error(fields->mark(), "", "the tables file lists no tables");
      return;
    }
    ReadTableEntries(r, entries, spec);
  }

  void CheckBatchSizes(const JobSpec& spec) {
    const Accumulation& a = spec.sparse.accumulation;
    if (a.min_batch_size <= a.max_batch_size) return;
    // Report where the later-read of the two was written (or the one that was written at all).
    const std::optional<FieldOrigin>& at = sparse_origins_.max_batch_size
                                               ? sparse_origins_.max_batch_size
                                               : sparse_origins_.min_batch_size;
    const std::string message = "min_batch_size (" + std::to_string(a.min_batch_size) +
                                ") must not exceed max_batch_size (" +
                                std::to_string(a.max_batch_size) + ")";
    if (at) {
      at->reader->Error(at->field, message);
    } else {
      job_reader_.Error(YAML::Mark(), "sparse_sequence_optimization.accumulation", message);
    }
  }

  void SortDiagnostics() {
    // The job file first, then other files; within a file by position.
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [this](const Diagnostic& a, const Diagnostic& b) {
                       const bool a_other = a.file != path_;
                       const bool b_other = b.file != path_;
                       return std::tie(a_other, a.file, a.line, a.column) <
                              std::tie(b_other, b.file, b.line, b.column);
                     });
  }

  LoadResult Internal(const std::string& what) {
    LoadResult result;
    result.diagnostics = std::move(diagnostics_);
    Diagnostic d;
    d.file = path_;
    d.message = "internal error while reading the job spec: " + what;
    result.diagnostics.push_back(std::move(d));
    return result;
  }

  std::string path_;
  const EnvLookup& env_;
  std::vector<Diagnostic> diagnostics_;
  SpecReader job_reader_;
  std::optional<SpecReader> tables_reader_;
  SparseOrigins sparse_origins_;
  std::map<std::string, std::string> targets_;  // target table -> "name' at file:line:col"
  TableSpec defaults_;  // what every table entry starts from (tables_match.defaults)
  bool batch_size_defaulted_ = false;
};

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

LoadResult LoadJobSpecFromString(const std::string& yaml_text, const std::string& path,
                                 const EnvLookup& env) {
  JobLoader loader(path, env);
  return loader.Load(yaml_text);
}

LoadResult LoadJobSpec(const std::string& path, const EnvLookup& env) {
  std::string error;
  const auto text = ReadFile(path, error);
  if (!text) {
    LoadResult result;
    Diagnostic d;
    d.file = path;
    d.message = "cannot read job file: " + error;
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  return LoadJobSpecFromString(*text, path, env);
}

std::string ResolvePassword(const std::optional<std::string>& inline_password,
                            const std::string& password_env, const EnvLookup& env) {
  // Every password resolved is a secret that logs and reports must not show (disclosure.h).
  if (inline_password) {
    RegisterSecret(*inline_password);
    return *inline_password;
  }
  if (password_env.empty()) return "";
  const std::optional<std::string> value = env ? env(password_env) : std::nullopt;
  if (!value) {
    throw std::runtime_error("environment variable '" + password_env +
                             "' (named by password_env) is not set");
  }
  RegisterSecret(*value);
  return *value;
}

}  // namespace etl::config
