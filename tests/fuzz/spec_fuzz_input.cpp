#include "fuzz/spec_fuzz_input.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "config/interpolation.h"

namespace etl::fuzzing {
namespace {

// A password value no spec text can produce by accident; diagnostics must never show it.
constexpr std::string_view kSecret = "fuzz-secret-Q7z";

const std::map<std::string, std::string>& Variables() {
  static const std::map<std::string, std::string> vars = {
      {"ETL_MYSQL_PASSWORD", std::string(kSecret)},
      {"ETL_PG_PASSWORD", std::string(kSecret)},
      {"FUZZ_HOST", "127.0.0.1"},
      {"FUZZ_PORT", "5432"},
      {"FUZZ_EMPTY", ""},
      {"FUZZ_NUMBER", "1000"},
      {"FUZZ_YAML", "{a: [1, 2]}"},
      {"FUZZ_DOLLAR", "${FUZZ_HOST}"},
  };
  return vars;
}

}  // namespace

config::EnvLookup FuzzEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const auto it = Variables().find(name);
    if (it == Variables().end()) return std::nullopt;
    return it->second;
  };
}

std::string LoadFuzzInput(std::string_view data, const std::string& dir) {
  std::string_view job = data;
  const std::filesystem::path tables_path = std::filesystem::path(dir) / "tables.yml";
  std::error_code ec;
  std::filesystem::remove(tables_path, ec);
  if (const auto at = data.find(kTablesFileMarker); at != std::string_view::npos) {
    job = data.substr(0, at);
    const std::string_view tables = data.substr(at + kTablesFileMarker.size());
    std::ofstream out(tables_path, std::ios::binary | std::ios::trunc);
    out.write(tables.data(), static_cast<std::streamsize>(tables.size()));
  }
  const auto env = FuzzEnvironment();

  // Interpolation on its own, over the whole text (the loader applies it to scalars only).
  const config::Interpolated direct = config::InterpolateEnv(job, env);
  if (direct.errors.empty() && direct.value.size() > job.size() * 64 + 1024) {
    return "interpolation grew the text beyond what the variables can explain";
  }

  config::LoadResult result;
  try {
    result = config::LoadJobSpecFromString(std::string(job), dir + "/job.yml", env);
  } catch (const std::exception& e) {
    return std::string("LoadJobSpecFromString threw: ") + e.what();
  } catch (...) {
    return "LoadJobSpecFromString threw a non-exception";
  }
  bool any_error = false;
  for (const auto& d : result.diagnostics) {
    if (d.message.empty()) return "a diagnostic without a message at " + d.ToString();
    // The loader's own catch-all: no position, no key path (a key echoed in a message has one).
    if (d.line == 0 && d.key_path.empty() &&
        d.message.starts_with("internal error while reading the job spec")) {
      return "an exception escaped a reader: " + d.ToString();
    }
    // Shown although the input never spelled it: it came from the environment.
    if (d.ToString().find(kSecret) != std::string::npos &&
        data.find(kSecret) == std::string_view::npos) {
      return "a diagnostic shows a password: " + d.ToString();
    }
    if (d.severity == config::Severity::kError) any_error = true;
  }
  if (result.ok()) {
    if (any_error) return "a spec loaded although a diagnostic is an error";
    // tables_match alone is a whole-database copy: its tables are listed at plan time.
    if (result.spec->tables.empty() && !result.spec->tables_match) {
      return "a spec loaded without tables";
    }
  } else if (!any_error) {
    return "a spec was refused without an error diagnostic";
  }
  return "";
}

}  // namespace etl::fuzzing
