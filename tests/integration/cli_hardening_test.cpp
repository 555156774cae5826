// Hardening end to end (docs/hardening.md): column_types cannot smuggle SQL into DDL, a table key
// cannot move its reject file out of reject_dir, and neither passwords (of any length) nor row
// values reach stderr or the run report at the default log level.

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "support/test_env.h"

namespace {

namespace fs = std::filesystem;
using etl::testing::Env;
using etl::testing::JobHeader;
using etl::testing::JsonString;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

unsigned Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// `token` appears as a word of its own (what a leaked short password would look like).
bool HasToken(const std::string& text, const std::string& token) {
  return std::regex_search(text, std::regex("(^|[^A-Za-z0-9_])" + token + "([^A-Za-z0-9_]|$)"));
}

// A job whose sides log in as the given users, with passwords from the given variables.
std::string JobAs(const std::string& db, const std::string& schema, const std::string& my_user,
                  const std::string& my_pw_env, const std::string& pg_user,
                  const std::string& pg_pw_env) {
  std::string job = JobHeader(db, schema);
  job = std::regex_replace(job, std::regex("user: \\$\\{ETL_MYSQL_USER\\}"), "user: " + my_user);
  job = std::regex_replace(job, std::regex("password_env: ETL_MYSQL_PASSWORD"),
                           "password_env: " + my_pw_env);
  job = std::regex_replace(job, std::regex("user: \\$\\{ETL_PG_USER\\}"),
                           "user: \"" + pg_user + "\"");
  job = std::regex_replace(job, std::regex("password_env: ETL_PG_PASSWORD"),
                           "password_env: " + pg_pw_env);
  return job + "tables:\n  t:\n    batch_size: 100\n";
}

}  // namespace

TEST_CASE("hardening: a column_types value carrying SQL is refused and creates nothing",
          "[cli][hardening]") {
  const std::string db = "thard_types";
  ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id int PRIMARY KEY, v int, s varchar(10), at datetime(3), doc longtext, "
      "n int); INSERT INTO t VALUES (1, 1, 'ok', '2024-01-02 03:04:05.678', '{\"a\": 1}', 5)",
      db);
  const std::string schema = "thard_types";
  ResetPgSchema(schema);
  Psql("CREATE SCHEMA " + schema + "; CREATE TABLE " + schema +
       ".other (id int PRIMARY KEY); INSERT INTO " + schema + ".other VALUES (1)");
  const std::string bad = "int REFERENCES " + schema + ".other (id)";
  const std::string job = WriteTempFile(
      schema + ".yml", JobHeader(db, schema) + "tables:\n  t:\n    batch_size: 100\n" +
                           "    column_types: {v: \"" + bad + "\"}\n");

  auto r = RunEtl({"plan", job});
  INFO("plan stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("column_types.v: \"" + bad + "\" is not a PostgreSQL type name") !=
        std::string::npos);
  CHECK(r.out.find("table t") != std::string::npos);

  const std::string report = job + ".report.json";
  r = RunEtl({"run", job, "--progress", "never", "--report-json", report});
  INFO("run stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(JsonString(ReadFile(report), "error").find("is not a PostgreSQL type name") !=
        std::string::npos);
  CHECK(Trim(Psql("SELECT count(*) FROM pg_class WHERE relname = 't' AND relnamespace = '" +
                  schema + "'::regnamespace")) == "0");
  CHECK(Trim(Psql("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = '" +
                  schema + "'::regnamespace")) == "0");

  // Real type names in any spelling load, created in PostgreSQL's own spelling; a domain and an
  // enum the user created are types too.
  Psql("CREATE DOMAIN " + schema + ".positive AS integer CHECK (VALUE > 0); CREATE TYPE " + schema +
       ".mood AS ENUM ('ok', 'sad')");
  const std::string good = WriteTempFile(
      schema + "_good.yml", JobHeader(db, schema) + "tables:\n  t:\n    batch_size: 100\n" +
                                "    column_types: {v: \"NUMERIC( 12 , 2 )\", s: " + schema +
                                ".mood, at: " + "\"timestamp(3) with time zone\", doc: jsonb, n: " +
                                schema + ".positive}\n");
  r = RunEtl({"run", good, "--progress", "never"});
  INFO("good run stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Psql("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY "
             "attnum) FROM pg_attribute WHERE attrelid = '" +
             schema + ".t'::regclass AND attnum > 0") ==
        "id integer, v numeric(12,2), s " + schema +
            ".mood, at timestamp(3) with time zone, "
            "doc jsonb, n " +
            schema + ".positive\n");
  CHECK(Trim(Psql("SELECT v || ' ' || s || ' ' || (doc->>'a') || ' ' || n FROM " + schema +
                  ".t")) == "1.00 ok 1 5");
}

TEST_CASE("hardening: a ../ table key writes its reject file inside reject_dir, mode 0600",
          "[cli][hardening]") {
  const std::string db = "thard_rejects";
  ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id int PRIMARY KEY, doc longtext); INSERT INTO t VALUES (1, '{}'), "
      "(2, '{bad json row-value-xyz'), (3, '[]')",
      db);
  const std::string schema = "thard_rejects";
  ResetPgSchema(schema);
  const fs::path base =
      fs::path(WriteTempFile("thard_rejects.marker", "")).parent_path() / "thard_rejects";
  fs::remove_all(base);
  const fs::path reject_dir = base / "a" / "rejects";  // missing, two levels below base
  std::string header = JobHeader(db, schema);
  header = std::regex_replace(header, std::regex("reject_dir: .*"),
                              "reject_dir: " + reject_dir.string());
  const std::string job = WriteTempFile(
      schema + ".yml", header +
                           "tables:\n  \"../../escaped\":\n    source_table: t\n"
                           "    target_table: escaped\n    batch_size: 100\n"
                           "    column_types: {doc: jsonb}\n    on_bad_row: reject\n");
  const std::string report = job + ".report.json";
  auto r = RunEtl({"run", job, "--progress", "never", "--report-json", report});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Trim(Psql("SELECT count(*) FROM " + schema + ".escaped")) == "2");

  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(base)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  REQUIRE(files.size() == 1);  // nothing escaped to base/escaped.rejects.jsonl or above
  CHECK(files[0].parent_path() == reject_dir);
  CHECK(files[0].filename().string().ends_with(".rejects.jsonl"));
  CHECK(files[0].filename().string().find("..") == std::string::npos);
  CHECK(Mode(files[0].string()) == 0600);
  CHECK(Mode(reject_dir.string()) == 0700);
  CHECK_FALSE(fs::exists(base / "escaped.rejects.jsonl"));
  CHECK_FALSE(fs::exists(fs::path(reject_dir).parent_path().parent_path().parent_path() /
                         "escaped.rejects.jsonl"));
  // The reject line is the one place the row's values are written.
  CHECK(ReadFile(files[0].string()).find("row-value-xyz") != std::string::npos);
  CHECK(r.err.find("row-value-xyz") == std::string::npos);
  CHECK(ReadFile(report).find("row-value-xyz") == std::string::npos);
  fs::remove_all(base);
}

TEST_CASE("hardening: 1- and 2-character passwords never reach stderr or the report",
          "[cli][hardening]") {
  const std::string db = "thard_pw";
  ResetMySqlDatabase(db);
  MySql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)", db);
  const std::string schema = "thard_pw";
  ResetPgSchema(schema);
  // Throwaway logins. Where a user is named like its password, every message that names the
  // user would show the password: exactly what must be masked.
  Psql(
      "DROP ROLE IF EXISTS \"Q\"; DROP ROLE IF EXISTS \"Zk\"; DROP ROLE IF EXISTS etl_pw1; "
      "DROP ROLE IF EXISTS etl_pw2; "
      "CREATE ROLE \"Q\" NOLOGIN PASSWORD 'Q'; CREATE ROLE \"Zk\" NOLOGIN PASSWORD 'Zk'; "
      "CREATE ROLE etl_pw1 LOGIN SUPERUSER PASSWORD 'Q'; "
      "CREATE ROLE etl_pw2 LOGIN SUPERUSER PASSWORD 'Zk'");
  MySql(
      "DROP USER IF EXISTS 'Q'@'%', 'Zk'@'%', 'etl_pw1'@'%', 'etl_pw2'@'%'; "
      "CREATE USER 'Q'@'%' IDENTIFIED BY 'Q'; CREATE USER 'Zk'@'%' IDENTIFIED BY 'Zk'; "
      "CREATE USER 'etl_pw1'@'%' IDENTIFIED BY 'Q'; CREATE USER 'etl_pw2'@'%' IDENTIFIED BY 'Zk'; "
      "GRANT SELECT ON thard_pw.* TO 'etl_pw1'@'%', 'etl_pw2'@'%'");
  const std::vector<std::string> env = {"PW_Q=Q", "PW_ZK=Zk"};
  const std::string etl_user = Env("ETL_MYSQL_USER");

  struct Case {
    std::string what, my_user, my_env, pg_user, pg_env, expect;
    int exit_code;
  };
  const std::vector<Case> cases = {
      // Both short passwords, correct, at debug level: the connection lines name no password.
      {"both sides log in", "etl_pw2", "PW_ZK", "etl_pw1", "PW_Q", "", 0},
      {"target user Q", etl_user, "ETL_MYSQL_PASSWORD", "Q", "PW_Q", "not permitted to log in", 1},
      {"target user Zk", etl_user, "ETL_MYSQL_PASSWORD", "Zk", "PW_ZK", "not permitted to log in",
       1},
      {"source user Q", "Q", "PW_Q", Env("ETL_PG_USER"), "ETL_PG_PASSWORD", "Access denied", 1},
      {"source user Zk", "Zk", "PW_ZK", Env("ETL_PG_USER"), "ETL_PG_PASSWORD", "Access denied", 1},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const std::string job = WriteTempFile(
        schema + "_pw.yml", JobAs(db, schema, c.my_user, c.my_env, c.pg_user, c.pg_env));
    const std::string report = job + ".report.json";
    auto r = RunEtl(
        {"run", job, "--progress", "never", "--log-level", "debug", "--report-json", report}, env);
    const std::string json = ReadFile(report);
    INFO("stdout: " << r.out << "\nstderr: " << r.err << "\nreport: " << json);
    CHECK(r.exit_code == c.exit_code);
    if (!c.expect.empty()) {
      CHECK(r.err.find(c.expect) != std::string::npos);
      CHECK(r.err.find("***") != std::string::npos);  // the user name, which is the password
    } else {
      CHECK(r.err.find("password from $PW_Q") != std::string::npos);
      CHECK(r.err.find("password from $PW_ZK") != std::string::npos);
    }
    for (const std::string pw : {"Q", "Zk"}) {
      CHECK_FALSE(HasToken(r.err, pw));
      CHECK_FALSE(HasToken(r.out, pw));
      CHECK_FALSE(HasToken(json, pw));
    }
  }
  ResetPgSchema(schema);  // owned by etl_pw1 now
  Psql("DROP ROLE \"Q\"; DROP ROLE \"Zk\"; DROP ROLE etl_pw1; DROP ROLE etl_pw2");
  MySql("DROP USER 'Q'@'%', 'Zk'@'%', 'etl_pw1'@'%', 'etl_pw2'@'%'");
}

TEST_CASE("hardening: row and filter values stay out of stderr and the report below trace",
          "[cli][hardening]") {
  const std::string db = "thard_values";
  ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id int PRIMARY KEY, v varchar(40)); INSERT INTO t VALUES (1, 'fine'), "
      "(2, 'forbidden-row-value')",
      db);
  const std::string schema = "thard_values";
  ResetPgSchema(schema);
  // A target someone else created, with a rule the source breaks: PostgreSQL's error quotes the
  // failing row back ("Failing row contains (...)").
  Psql("CREATE SCHEMA " + schema + "; CREATE TABLE " + schema +
       ".t (id int PRIMARY KEY, v varchar(40) CONSTRAINT v_allowed CHECK (v <> "
       "'forbidden-row-value'))");
  const std::string row_job = WriteTempFile(
      schema + "_row.yml", JobHeader(db, schema) + "tables:\n  t:\n    batch_size: 100\n");
  // A filter with a literal and a mistake: MySQL's error would quote the statement.
  const std::string where_job =
      WriteTempFile(schema + "_where.yml",
                    JobHeader(db, schema) + "tables:\n  t:\n    batch_size: 100\n" +
                        "    where: \"v <> 'filter-secret-value' AND no_such_column = 1\"\n");

  for (const std::string level : {"info", "trace"}) {
    INFO("log level " << level);
    const bool trace = level == "trace";
    std::string report = row_job + ".report.json";
    auto r = RunEtl(
        {"run", row_job, "--progress", "never", "--log-level", level, "--report-json", report});
    std::string json = ReadFile(report);
    INFO("row job stderr: " << r.err << "\nreport: " << json);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("v_allowed") != std::string::npos);
    CHECK((r.err.find("forbidden-row-value") != std::string::npos) == trace);
    CHECK((json.find("forbidden-row-value") != std::string::npos) == trace);
    CHECK((r.out.find("forbidden-row-value") != std::string::npos) == trace);

    report = where_job + ".report.json";
    r = RunEtl(
        {"run", where_job, "--progress", "never", "--log-level", level, "--report-json", report});
    json = ReadFile(report);
    INFO("where job stderr: " << r.err << "\nreport: " << json);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no_such_column") != std::string::npos);
    CHECK((r.err.find("filter-secret-value") != std::string::npos) == trace);
    CHECK((json.find("filter-secret-value") != std::string::npos) == trace);
    if (!trace) CHECK(json.find("v <> ? AND no_such_column = ?") != std::string::npos);
  }
}
