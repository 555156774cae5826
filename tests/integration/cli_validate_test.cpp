// `etl validate`, `--help`/`--version` and usage errors, through the real binary.
//
// The job specs live in tests/data/specs/: valid.yml is a valid spec and every broken_*.yml
// breaks it in one place (broken_many.yml in several). Each test asserts the exit code and the
// exact located diagnostic (file:line:col, key path, reason) the contract asks for. None of these
// tests needs the servers: validate never connects, and usage errors are found before connecting.

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/test_env.h"

using etl::testing::CommandResult;
using etl::testing::RunEtl;
using etl::testing::Trim;

namespace {

std::string Spec(const std::string& name) {
  return std::string(ETL_SOURCE_DIR) + "/tests/data/specs/" + name;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s)
    q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `etl` with the environment variables `unset` removed from its environment.
CommandResult RunEtlWithout(const std::vector<std::string>& unset,
                            const std::vector<std::string>& args) {
  std::string cmd = "env";
  for (const auto& name : unset)
    cmd += " -u " + ShellQuote(name);
  cmd += " " + ShellQuote(etl::testing::EtlBinary());
  for (const auto& a : args)
    cmd += " " + ShellQuote(a);
  return etl::testing::RunShell(cmd);
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Number of stderr lines that are located diagnostics ("<file>:<line>:<col>: error|warning: ").
int CountDiagnostics(const std::string& err, const std::string& severity) {
  static const std::regex kDiag(R"(^.+:\d+:\d+: (error|warning): .*$)");
  int n = 0;
  for (const auto& line : Lines(err)) {
    std::smatch m;
    if (std::regex_match(line, m, kDiag) && m[1] == severity) ++n;
  }
  return n;
}

// Runs `etl validate <spec>` and checks that it is rejected as an invalid spec (exit 2).
CommandResult ValidateRejected(const std::string& spec,
                               const std::vector<std::string>& unset_env = {}) {
  CommandResult r = RunEtlWithout(unset_env, {"validate", spec});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 2);
  // Nothing claims success on stdout.
  CHECK_FALSE(Contains(r.out, "OK"));
  return r;
}

}  // namespace

TEST_CASE("cli validate: the demo job is valid", "[cli][validate]") {
  const std::string demo = std::string(ETL_SOURCE_DIR) + "/jobs/demo.yml";
  const CommandResult r = RunEtl({"validate", demo});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, demo + ": OK ("));
  CHECK(CountDiagnostics(r.err, "error") == 0);
}

TEST_CASE("cli validate: a valid spec passes offline, without the passwords", "[cli][validate]") {
  // valid.yml points at 127.0.0.1:3306/5432 where nothing need listen, and the password
  // variables it names are removed from the environment: validate neither connects nor reads them.
  const CommandResult r =
      RunEtlWithout({"ETL_MYSQL_PASSWORD", "ETL_PG_PASSWORD"}, {"validate", Spec("valid.yml")});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Trim(r.out) == Spec("valid.yml") + ": OK (2 tables)");
  CHECK(CountDiagnostics(r.err, "error") == 0);
  CHECK(CountDiagnostics(r.err, "warning") == 0);
}

TEST_CASE("cli validate: a tables_file spec is valid", "[cli][validate]") {
  const CommandResult r = RunEtl({"validate", Spec("valid_tables_file_job.yml")});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Trim(r.out) == Spec("valid_tables_file_job.yml") + ": OK (2 tables)");
}

TEST_CASE("cli usage: --version, --help and subcommand --help", "[cli][usage]") {
  SECTION("--version prints the version and exits 0") {
    const CommandResult r = RunEtl({"--version"});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(std::regex_match(r.out, std::regex(R"(etl \d+\.\d+\.\d+\S*\n)")));
  }
  SECTION("--help lists the subcommands and exits 0") {
    const CommandResult r = RunEtl({"--help"});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Contains(r.out, "Usage:"));
    for (const char* sub : {"validate", "plan", "run"}) {
      CAPTURE(sub);
      CHECK(std::regex_search(r.out, std::regex(std::string("\\n\\s+") + sub + "\\s")));
    }
  }
  SECTION("run --help lists run's options and exits 0") {
    const CommandResult r = RunEtl({"run", "--help"});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);
    for (const char* opt : {"--table", "--full", "--strategy", "--dry-run", "--report-json",
                            "--benchmark", "--progress"}) {
      CAPTURE(opt);
      CHECK(Contains(r.out, opt));
    }
  }
  SECTION("validate --help and plan --help exit 0") {
    for (const char* sub : {"validate", "plan"}) {
      CAPTURE(sub);
      const CommandResult r = RunEtl({sub, "--help"});
      INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
      CHECK(r.exit_code == 0);
      CHECK(Contains(r.out, std::string("Usage: etl ") + sub));
    }
  }
}

TEST_CASE("cli usage: usage errors exit 2", "[cli][usage]") {
  const std::string valid = Spec("valid.yml");

  SECTION("no subcommand") {
    const CommandResult r = RunEtl({});
    INFO("stderr:\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(Contains(r.err, "subcommand"));
  }
  SECTION("an unknown option is named") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--bogus", "validate", valid},
          std::vector<std::string>{"validate", "--bogus", valid},
          std::vector<std::string>{"run", valid, "--no-such-option"}}) {
      CAPTURE(args);
      const CommandResult r = RunEtl(args);
      INFO("stderr:\n" << r.err);
      CHECK(r.exit_code == 2);
      CHECK(Contains(r.err, args[0] == "run" ? "--no-such-option" : "--bogus"));
    }
  }
  SECTION("a missing JOB argument") {
    const CommandResult r = RunEtl({"plan"});
    INFO("stderr:\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(Contains(r.err, "JOB"));
  }
  SECTION("--table with an unknown table names it (plan and run)") {
    for (const char* sub : {"plan", "run"}) {
      CAPTURE(sub);
      const CommandResult r = RunEtl({sub, valid, "--table", "orders", "--table", "nosuch"});
      INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
      CHECK(r.exit_code == 2);
      CHECK(Contains(r.err, "nosuch"));
      CHECK_FALSE(Contains(r.err, "--table orders"));  // the known table is not blamed
    }
  }
  SECTION("--strategy with an unknown strategy") {
    const CommandResult r = RunEtl({"run", valid, "--strategy", "bogus"});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(Contains(r.err, "--strategy"));
    CHECK(Contains(r.err, "bogus"));
  }
  SECTION("--progress and --log-level values are checked") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"run", valid, "--progress", "sometimes"},
          std::vector<std::string>{"--log-level", "loud", "validate", valid}}) {
      CAPTURE(args);
      const CommandResult r = RunEtl(args);
      INFO("stderr:\n" << r.err);
      CHECK(r.exit_code == 2);
      CHECK(Contains(r.err, args[0] == "run" ? "sometimes" : "loud"));
    }
  }
  SECTION("a job file that does not exist") {
    const std::string missing = Spec("no_such_job.yml");
    const CommandResult r = RunEtl({"validate", missing});
    INFO("stderr:\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(Contains(r.err, missing));
  }
}

TEST_CASE("cli usage: an unknown subcommand exits 2 and is named", "[cli][usage]") {
  const std::string valid = Spec("valid.yml");
  const CommandResult r = RunEtl({"valdate", valid});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  // A user who typed `etl valdate` must learn what was wrong with it.
  CHECK(Contains(r.err, "valdate"));
}

TEST_CASE("cli usage: --strategy takes a strategy name, not an internal number", "[cli][usage]") {
  // CLI11's CheckedTransformer also accepts the mapped values (1..4): `--strategy 3` must not
  // silently mean parallel.
  const std::string valid = Spec("valid.yml");
  const CommandResult r = RunEtl({"run", valid, "--strategy", "3", "--dry-run"});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "--strategy"));
}

TEST_CASE("cli validate: a misspelt key is located, with a suggestion", "[cli][validate]") {
  const std::string spec = Spec("broken_typo_key.yml");
  const CommandResult r = ValidateRejected(spec);
  CHECK(Contains(r.err, spec +
                            ":19:5: error: tables.customers.primary_kee: unknown key 'primary_kee' "
                            "(did you mean 'primary_key'?)"));
  CHECK(CountDiagnostics(r.err, "error") == 1);
  CHECK(Contains(r.err, spec + ": 1 error"));
}

TEST_CASE("cli validate: an unknown strategy lists the allowed values", "[cli][validate]") {
  const std::string spec = Spec("broken_strategy.yml");
  const CommandResult r = ValidateRejected(spec);
  CHECK(Contains(r.err, spec + ":15:17: error: tables.orders.performance.strategy: "));
  CHECK(Contains(r.err, "auto|standard|streaming|copy_csv|parallel"));
  CHECK(Contains(r.err, "'paralel'"));
  CHECK(Contains(r.err, "did you mean 'parallel'?"));
  CHECK(CountDiagnostics(r.err, "error") == 1);
}

TEST_CASE("cli validate: parallel_chunks out of 1..16", "[cli][validate]") {
  const std::string spec = Spec("broken_parallel_chunks.yml");
  const CommandResult r = ValidateRejected(spec);
  CHECK(Contains(r.err, spec + ":16:24: error: tables.orders.performance.parallel_chunks: must be "
                               "between 1 and 16, got 32"));
  CHECK(CountDiagnostics(r.err, "error") == 1);
}

TEST_CASE("cli validate: incremental without incremental_columns", "[cli][validate]") {
  const std::string spec = Spec("broken_incremental.yml");
  const CommandResult r = ValidateRejected(spec);
  CHECK(Contains(r.err, spec + ":14:26: error: tables.orders.extraction_strategy: "));
  CHECK(Contains(r.err, "incremental needs incremental_columns"));
  CHECK(CountDiagnostics(r.err, "error") == 1);
}

TEST_CASE("cli validate: a server-wide setting in target.session", "[cli][validate]") {
  const std::string spec = Spec("broken_wal_buffers.yml");
  const CommandResult r = ValidateRejected(spec);
  CHECK(Contains(r.err,
                 spec + ":13:5: error: target.session.wal_buffers: cannot be set per session"));
  CHECK_FALSE(Contains(r.err, "work_mem"));  // the allowed setting next to it is fine
  CHECK(CountDiagnostics(r.err, "error") == 1);
}

TEST_CASE("cli validate: an unset ${VAR} is named", "[cli][validate]") {
  const std::string spec = Spec("broken_unset_var.yml");
  const std::string var = "ETL_CLI_TEST_UNSET_USER";
  SECTION("unset: error at the value, naming the variable") {
    // ETL_CLI_TEST_HOST has a default and may stay unset; the user variable has none.
    const CommandResult r = ValidateRejected(spec, {var, "ETL_CLI_TEST_HOST"});
    CHECK(Contains(
        r.err, spec + ":5:9: error: source.user: environment variable '" + var + "' is not set"));
    CHECK_FALSE(Contains(r.err, "ETL_CLI_TEST_HOST"));
    CHECK_FALSE(Contains(r.err, "127.0.0.1"));  // a default's value is never shown
    CHECK(CountDiagnostics(r.err, "error") == 1);
  }
  SECTION("set: the same spec is valid") {
    const CommandResult r = RunEtl({"validate", spec}, {var + "=someone"});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.exit_code == 0);
    CHECK(Contains(r.out, spec + ": OK (1 table)"));
    CHECK_FALSE(Contains(r.out + r.err, "someone"));
  }
}

TEST_CASE("cli validate: a YAML syntax error is located", "[cli][validate]") {
  const std::string spec = Spec("broken_yaml_syntax.yml");
  const CommandResult r = ValidateRejected(spec);
  // The unclosed `[` opens on line 13; the parser notices on line 13 or 14.
  const std::regex located(
      std::regex_replace(spec, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      R"(:1[34]:\d+: error: (.*: )?YAML syntax error)");
  CHECK(std::regex_search(r.err, located));
  // One located error and nothing else for that file (no follow-up noise about missing keys).
  CHECK(CountDiagnostics(r.err, "error") == 1);
}

TEST_CASE("cli validate: min_batch_size above max_batch_size", "[cli][validate]") {
  const std::string spec = Spec("broken_batch_sizes.yml");
  const CommandResult r = ValidateRejected(spec);
  CHECK(Contains(r.err, "min_batch_size (300000) must not exceed max_batch_size (200000)"));
  // Located at one of the two keys (lines 13 and 14), with its full key path.
  bool located = false;
  for (const auto& line : Lines(r.err)) {
    located = located ||
              Contains(line, spec + ":13:5: error: sparse_sequence_optimization.accumulation.") ||
              Contains(line, spec + ":13:21: error: sparse_sequence_optimization.accumulation.") ||
              Contains(line, spec + ":14:5: error: sparse_sequence_optimization.accumulation.") ||
              Contains(line, spec + ":14:21: error: sparse_sequence_optimization.accumulation.");
  }
  INFO("stderr:\n" << r.err);
  CHECK(located);
  CHECK(CountDiagnostics(r.err, "error") == 1);
}

TEST_CASE("cli validate: several errors are all reported in one run, in file order",
          "[cli][validate]") {
  const std::string spec = Spec("broken_many.yml");
  const CommandResult r = ValidateRejected(spec);
  const std::vector<std::string> expected = {
      spec + ":5:3: warning: source.password: ",
      spec + ":11:5: error: target.session.wal_buffers: cannot be set per session",
      spec + ":13:3: error: tables.orders.batch_size: missing required key 'batch_size'",
      spec +
          ":14:5: error: tables.orders.batch_sise: unknown key 'batch_sise' (did you mean "
          "'batch_size'?)",
      spec +
          ":15:26: error: tables.orders.extraction_strategy: incremental needs "
          "incremental_columns",
      spec + ":17:17: error: tables.orders.performance.strategy: ",
      spec +
          ":18:24: error: tables.orders.performance.parallel_chunks: must be between 1 and 16, "
          "got 32",
  };
  std::size_t from = 0;
  for (const auto& e : expected) {
    CAPTURE(e);
    const std::size_t at = r.err.find(e, from);
    CHECK(at != std::string::npos);
    if (at != std::string::npos) from = at;
  }
  CHECK(CountDiagnostics(r.err, "error") == 6);
  CHECK(CountDiagnostics(r.err, "warning") == 1);
  CHECK(Contains(r.err, spec + ": 6 errors"));
  CHECK_FALSE(Contains(r.out + r.err, "hunter2-inline-secret"));
}

TEST_CASE("cli validate: an error in a tables_file is located in that file", "[cli][validate]") {
  const std::string job = Spec("broken_tables_file_job.yml");
  const std::string tables = Spec("broken_tables_file_tables.yml");
  const CommandResult r = ValidateRejected(job);
  // The position is in the tables file, and the key path is that file's own path.
  CHECK(Contains(r.err, tables + ":9:18: error: customers.performance.copy_format: expected one of "
                                 "csv|text|binary, got 'cvs'"));
  CHECK(CountDiagnostics(r.err, "error") == 1);
  CHECK_FALSE(std::regex_search(r.err, std::regex(R"(broken_tables_file_job\.yml:\d+:\d+:)")));
}

TEST_CASE("cli validate: an unreadable tables_file is located at tables_file in the job",
          "[cli][validate]") {
  const std::string job = etl::testing::WriteTempFile(
      "cli_validate_missing_tables_file.yml",
      "version: 1\n"
      "source: {user: etl, password_env: ETL_MYSQL_PASSWORD, database: shop}\n"
      "target: {database: analytics, password_env: ETL_PG_PASSWORD}\n"
      "tables_file: no_such_tables.yml\n");
  const CommandResult r = ValidateRejected(job);
  CHECK(Contains(r.err, job + ":4:14: error: tables_file: "));
  CHECK(Contains(r.err, "no_such_tables.yml"));
}

TEST_CASE("cli validate: an inline password is a warning and is never printed", "[cli][validate]") {
  const std::string spec = Spec("inline_password.yml");
  const CommandResult r = RunEtl({"validate", spec});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, spec + ": OK (1 table)"));
  CHECK(Contains(r.err, spec + ":5:3: warning: source.password: "));
  CHECK(Contains(r.err, "password_env"));
  CHECK(CountDiagnostics(r.err, "warning") == 1);
  CHECK(CountDiagnostics(r.err, "error") == 0);
  CHECK_FALSE(Contains(r.out + r.err, "s3cr3t-Inline-Value"));
}

TEST_CASE("cli usage: run with an invalid spec exits 2 and still writes a failed report",
          "[cli][validate]") {
  const std::string report = etl::testing::WriteTempFile("invalid-spec-report.json", "");
  auto r = RunEtl({"run", Spec("broken_strategy.yml"), "--report-json", report});
  CHECK(r.exit_code == 2);
  const std::string json = etl::testing::ReadFile(report);
  CHECK(etl::testing::JsonString(json, "status") == "failed");
  CHECK(etl::testing::JsonString(json, "error").find("invalid job spec") != std::string::npos);
}
