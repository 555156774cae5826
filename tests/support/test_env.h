#pragma once
// Helpers for tests: running the `etl` binary, and talking to the real test servers through
// the stock `mysql` and `psql` clients (deliberately not through etl's own connection code, so
// a test checks etl's outcome with an independent tool).
//
// Integration tests need the variables `scripts/servers.sh env` prints (ETL_MYSQL_HOST/PORT/
// USER/PASSWORD, ETL_PG_HOST/PORT/USER/PASSWORD/DATABASE); RequireServers() fails the test
// with a clear message when they are missing.

#include <string>
#include <vector>

namespace etl::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// The `etl` binary the tests run: $ETL_TEST_BINARY when set (scripts/sanitize.sh points it at the
// sanitizer build's binary), else the one built with the tests.
std::string EtlBinary();
// Runs `etl` with the arguments (each shell-quoted), extra environment "K=V" entries prepended.
CommandResult RunEtl(const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {});
// `etl run JOB --progress never --report-json <fresh file>` plus `extra`: the exit code, stderr
// and the JSON report's text ("" when none was written).
struct JobRun {
  int exit_code = -1;
  std::string err;
  std::string json;
};
JobRun RunJob(const std::string& job, const std::vector<std::string>& extra = {});
// Runs a shell command line, capturing stdout and stderr.
CommandResult RunShell(const std::string& command_line);
// `s` as one single-quoted shell word.
std::string ShellQuote(const std::string& s);
// The shell command line that runs `etl` with these arguments (for background or concurrent
// runs composed with RunShell).
std::string EtlCommandLine(const std::vector<std::string>& args);
// The shell command line of `psql -XAtq` against ETL_PG_DATABASE (append -c 'SQL').
std::string PsqlCommandLine();
// The shell command line of `mysql --batch --skip-column-names` in `database` ("" for none);
// append -e 'SQL' or feed it statements on stdin.
std::string MySqlCommandLine(const std::string& database = "");

std::string Env(const char* name);  // "" when unset
void RequireServers();              // FAILs the current test when the server variables are unset

// Runs SQL through `mysql` (batch mode, no column names, tab-separated) in `database`
// ("" for none). FAILs the test on a non-zero exit, showing the client's stderr.
std::string MySql(const std::string& sql, const std::string& database = "");
// Runs SQL through `psql -XAtq` against ETL_PG_DATABASE (fields separated by '|').
std::string Psql(const std::string& sql);

// A fresh, empty MySQL database named `name`; ResetPgSchema drops the PostgreSQL schema (etl
// creates it again on its first run).
void ResetMySqlDatabase(const std::string& name);
void ResetPgSchema(const std::string& name);

// Writes `text` to a new file under a per-process temporary directory; returns its path.
std::string WriteTempFile(const std::string& file_name, const std::string& text);

// A job spec header (version, source, target, pipeline) pointing at the test servers, with the
// given MySQL database and PostgreSQL schema; append a `tables:` block to it.
std::string JobHeader(const std::string& mysql_database, const std::string& pg_schema);

std::string Trim(std::string s);

// The whole content of a file ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// The first `"field": <integer>` in a run report's JSON text, or -1 when absent.
long long JsonInt(const std::string& json, const std::string& field);
// The first `"field": "<string>"` (still JSON-escaped), or "<absent>".
std::string JsonString(const std::string& json, const std::string& field);

}  // namespace etl::testing
