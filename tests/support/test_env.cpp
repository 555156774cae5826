#include "support/test_env.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace etl::testing {
namespace {

std::filesystem::path TempDir() {
  static const std::filesystem::path dir = [] {
    auto base = std::filesystem::temp_directory_path() / ("etl-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(base);
    return base;
  }();
  return dir;
}

}  // namespace

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

std::string EtlCommandLine(const std::vector<std::string>& args) {
  std::string cmd = ShellQuote(ETL_BINARY);
  for (const auto& a : args)
    cmd += " " + ShellQuote(a);
  return cmd;
}

std::string PsqlCommandLine() {
  return "PGPASSWORD=" + ShellQuote(Env("ETL_PG_PASSWORD")) + " psql -XAtq -h " +
         ShellQuote(Env("ETL_PG_HOST")) + " -p " + ShellQuote(Env("ETL_PG_PORT")) + " -U " +
         ShellQuote(Env("ETL_PG_USER")) + " -d " + ShellQuote(Env("ETL_PG_DATABASE"));
}

std::string MySqlCommandLine(const std::string& database) {
  return "MYSQL_PWD=" + ShellQuote(Env("ETL_MYSQL_PASSWORD")) +
         " mysql --batch --skip-column-names --default-character-set=utf8mb4 --protocol=TCP -h " +
         ShellQuote(Env("ETL_MYSQL_HOST")) + " -P " + ShellQuote(Env("ETL_MYSQL_PORT")) + " -u " +
         ShellQuote(Env("ETL_MYSQL_USER")) +
         (database.empty() ? "" : " -D " + ShellQuote(database));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

JobRun RunJob(const std::string& job, const std::vector<std::string>& extra) {
  static std::atomic<int> n{0};
  const std::string report = job + "." + std::to_string(++n) + ".report.json";
  std::vector<std::string> args = {"run", job, "--progress", "never", "--report-json", report};
  args.insert(args.end(), extra.begin(), extra.end());
  const CommandResult r = RunEtl(args);
  return {r.exit_code, r.err, ReadFile(report)};
}

long long JsonInt(const std::string& json, const std::string& field) {
  std::smatch m;
  if (std::regex_search(json, m, std::regex("\"" + field + "\"\\s*:\\s*(-?[0-9]+)"))) {
    return std::stoll(m[1].str());
  }
  return -1;
}

std::string JsonString(const std::string& json, const std::string& field) {
  std::smatch m;
  if (std::regex_search(json, m,
                        std::regex("\"" + field + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\""))) {
    return m[1].str();
  }
  return "<absent>";
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

CommandResult RunShell(const std::string& command_line) {
  static int counter = 0;
  const auto base = TempDir() / ("cmd-" + std::to_string(++counter));
  const std::string out_path = base.string() + ".out";
  const std::string err_path = base.string() + ".err";
  const std::string full = "(" + command_line + ") >" + ShellQuote(out_path) + " 2>" +
                           ShellQuote(err_path) + " </dev/null";
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

std::string EtlBinary() {
  const char* other = std::getenv("ETL_TEST_BINARY");
  return other != nullptr && *other != '\0' ? std::string(other) : std::string(ETL_BINARY);
}

CommandResult RunEtl(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::string cmd;
  for (const auto& e : env)
    cmd += ShellQuote(e) + " ";
  cmd += ShellQuote(EtlBinary());
  for (const auto& a : args)
    cmd += " " + ShellQuote(a);
  if (!env.empty()) cmd = "env " + cmd;
  return RunShell(cmd);
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

void RequireServers() {
  for (const char* v : {"ETL_MYSQL_HOST", "ETL_MYSQL_PORT", "ETL_MYSQL_USER", "ETL_PG_HOST",
                        "ETL_PG_PORT", "ETL_PG_USER", "ETL_PG_DATABASE"}) {
    if (Env(v).empty()) {
      FAIL(
          "integration tests need the test servers: run `eval \"$(scripts/servers.sh env)\"` "
          "(or scripts/test.sh); "
          << v << " is not set");
    }
  }
}

std::string MySql(const std::string& sql, const std::string& database) {
  RequireServers();
  const std::string cmd = MySqlCommandLine(database) + " -e " + ShellQuote(sql);
  CommandResult r = RunShell(cmd);
  INFO("mysql: " << sql.substr(0, 500) << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string Psql(const std::string& sql) {
  RequireServers();
  const std::string cmd = "PGPASSWORD=" + ShellQuote(Env("ETL_PG_PASSWORD")) +
                          " psql -XAtq -v ON_ERROR_STOP=1 -h " + ShellQuote(Env("ETL_PG_HOST")) +
                          " -p " + ShellQuote(Env("ETL_PG_PORT")) + " -U " +
                          ShellQuote(Env("ETL_PG_USER")) + " -d " +
                          ShellQuote(Env("ETL_PG_DATABASE")) + " -c " + ShellQuote(sql);
  CommandResult r = RunShell(cmd);
  INFO("psql: " << sql.substr(0, 500) << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void ResetMySqlDatabase(const std::string& name) {
  MySql("DROP DATABASE IF EXISTS `" + name + "`; CREATE DATABASE `" + name +
        "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
}

void ResetPgSchema(const std::string& name) {
  Psql("DROP SCHEMA IF EXISTS \"" + name + "\" CASCADE");
}

std::string WriteTempFile(const std::string& file_name, const std::string& text) {
  const auto path = TempDir() / file_name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path.string();
}

std::string JobHeader(const std::string& mysql_database, const std::string& pg_schema) {
  std::ostringstream y;
  y << "version: 1\n"
    << "source:\n"
    << "  host: ${ETL_MYSQL_HOST}\n"
    << "  port: ${ETL_MYSQL_PORT}\n"
    << "  user: ${ETL_MYSQL_USER}\n"
    << "  password_env: ETL_MYSQL_PASSWORD\n"
    << "  database: " << mysql_database << "\n"
    << "  ssl_mode: disabled\n"
    << "target:\n"
    << "  host: ${ETL_PG_HOST}\n"
    << "  port: ${ETL_PG_PORT}\n"
    << "  user: ${ETL_PG_USER}\n"
    << "  password_env: ETL_PG_PASSWORD\n"
    << "  database: ${ETL_PG_DATABASE}\n"
    << "  schema: " << pg_schema << "\n"
    << "  sslmode: disable\n"
    << "pipeline:\n"
    << "  reject_dir: " << (TempDir() / "rejects").string() << "\n";
  return y.str();
}

}  // namespace etl::testing
