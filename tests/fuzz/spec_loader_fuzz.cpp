// libFuzzer target: the job-spec loader (YAML, ${VAR} interpolation, validation, tables_file).
// Input format and invariants: spec_fuzz_input.h. Build and run: docs/hardening.md
// (scripts/build.sh --fuzz; scripts/fuzz.sh [SECONDS]).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "fuzz/spec_fuzz_input.h"

namespace {

const std::string& WorkDir() {
  static const std::string dir = [] {
    std::string templ = (std::filesystem::temp_directory_path() / "etl-fuzz-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      std::perror("spec_loader_fuzz: mkdtemp");
      std::abort();
    }
    return templ;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Job specs are small files; inputs above 64 KiB only slow the search down.
  if (size > 64 * 1024) return -1;
  const std::string problem = etl::fuzzing::LoadFuzzInput(
      std::string_view(reinterpret_cast<const char*>(data), size), WorkDir());
  if (!problem.empty()) {
    std::fprintf(stderr, "spec_loader_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
