// Full reloads of targets someone else created (contract: "Full reloads of an existing target"):
// readers keep reading, nothing outside the target changes, the target keeps what it had,
// partitioned targets load, lock waits are bounded, and zero dates in NOT NULL columns load.
// Every strategy; both the swap (a plain target) and the merge (a target with dependents).
#include <algorithm>
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "support/fault_injection.h"
#include "support/test_env.h"

namespace {

using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::Psql;
using etl::testing::ReadFile;
using etl::testing::RunEtl;
using etl::testing::RunShell;
using etl::testing::Trim;
using etl::testing::WriteTempFile;

const char* const kStrategies[] = {"standard", "streaming", "copy_csv", "parallel"};

std::string Job(const std::string& db, const std::string& schema, const std::string& table_extra,
                const std::string& lock_timeout = "") {
  std::string header = JobHeader(db, schema);
  if (!lock_timeout.empty()) {
    const std::string at = "  sslmode: disable\n";
    header.replace(header.find(at), at.size(), at + "  lock_timeout_s: " + lock_timeout + "\n");
  }
  return WriteTempFile(schema + ".yml",
                       header + "tables:\n  t:\n    batch_size: 5000\n" + table_extra);
}

etl::testing::CommandResult Run(const std::string& job, const std::string& strategy) {
  return RunEtl({"run", job, "--strategy", strategy, "--progress", "never"});
}

std::string PsqlCommand(const std::string& sql) {
  return "PGPASSWORD=\"$ETL_PG_PASSWORD\" PGAPPNAME=dashboard psql -XAtq -h \"$ETL_PG_HOST\" -p "
         "\"$ETL_PG_PORT\" -U \"$ETL_PG_USER\" -d \"$ETL_PG_DATABASE\" -c \"" +
         sql + "\"";
}

// A dashboard: SELECT count(*) in a loop from its own sessions, each query timed, until stopped.
class ReaderLoop {
 public:
  explicit ReaderLoop(const std::string& table)
      : dir_(WriteTempFile("reader-" + std::to_string(++counter_) + ".keep", "")) {
    const std::string script = "while [ ! -e '" + dir_ + ".stop' ]; do s=$(date +%s%N); c=$(" +
                               PsqlCommand("SELECT count(*) FROM " + table) +
                               "); e=$(date +%s%N); echo \"$s $e $c\"; " + "done > '" + dir_ +
                               ".out' 2>&1 & echo $! > '" + dir_ + ".pid'";
    RunShell(script);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  // Stops the loop; returns the counts seen and the longest query in seconds.
  std::pair<std::vector<std::string>, double> Stop() {
    RunShell("touch '" + dir_ + ".stop'; while kill -0 $(cat '" + dir_ +
             ".pid') 2>/dev/null; do sleep 0.05; done");
    std::vector<std::string> counts;
    double longest = 0;
    std::istringstream in(ReadFile(dir_ + ".out"));
    long long s = 0;
    long long e = 0;
    std::string c;
    while (in >> s >> e >> c) {
      counts.push_back(c);
      longest = std::max(longest, static_cast<double>(e - s) / 1e9);
    }
    return {counts, longest};
  }

 private:
  static inline int counter_ = 0;
  std::string dir_;
};

// Source `t`: ids 1..rows, a grouping column and text.
void MakeSource(const std::string& db, int rows) {
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "CREATE TABLE t (id INT PRIMARY KEY, grp INT NOT NULL, s VARCHAR(40)) ENGINE=InnoDB;"
      "INSERT INTO t SELECT seq, seq % 7, MD5(seq) FROM seq_1_to_" +
          std::to_string(rows),
      db);
}

std::string Digest(const std::string& schema) {
  return Trim(
      Psql("SELECT count(*) || ':' || coalesce(md5(string_agg(id || ',' || grp || ',' || "
           "coalesce(s, '-'), ';' ORDER BY id)), '') FROM \"" +
           schema + "\".t"));
}

std::string SourceDigest(const std::string& db) {
  return Trim(
      MySql("SET SESSION group_concat_max_len = 1073741824; SELECT CONCAT(count(*), ':', "
            "COALESCE(MD5(GROUP_CONCAT(CONCAT_WS(',', id, grp, COALESCE(s, '-')) ORDER BY "
            "id SEPARATOR ';')), '')) FROM t",
            db));
}

}  // namespace

TEST_CASE("reload target: readers see the old or the new copy and never wait long",
          "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_readers";
  MakeSource(db, 300000);
  struct Case {
    std::string strategy;
    bool dependents;  // a view on the target: merge; otherwise swap
  };
  const std::vector<Case> cases = {{"copy_csv", false},
                                   {"parallel", false},
                                   {"standard", false},
                                   {"copy_csv", true},
                                   {"parallel", true}};
  int round = 0;
  for (const auto& c : cases) {
    const std::string schema = "reload_readers_" + std::to_string(++round);
    etl::testing::ResetPgSchema(schema);
    const std::string job = Job(db, schema, "");
    REQUIRE(Run(job, "copy_csv").exit_code == 0);
    if (c.dependents)
      Psql("CREATE VIEW \"" + schema + "\".t_v AS SELECT id FROM \"" + schema + "\".t");
    const std::string old_count = Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t"));
    MySql("DELETE FROM t WHERE id % 50 = " + std::to_string(round), db);
    const std::string new_count = Trim(MySql("SELECT count(*) FROM t", db));
    REQUIRE(old_count != new_count);

    ReaderLoop reader("\\\"" + schema + "\\\".t");
    const auto r = Run(job, c.strategy);
    const auto [counts, longest] = reader.Stop();
    INFO(c.strategy << (c.dependents ? " with a view (merge)" : " (swap)") << "\n" << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find(c.dependents ? "target exists: merge" : "target exists: swap") !=
          std::string::npos);
    CHECK(counts.size() > 3);
    for (const auto& n : counts) {
      INFO("a reader saw " << n << "; old " << old_count << ", new " << new_count);
      CHECK((n == old_count || n == new_count));
    }
    CHECK(longest <= 2.0);
    CHECK(Digest(schema) == SourceDigest(db));
    WARN(c.strategy << (c.dependents ? " merge" : " swap") << ": longest reader query " << longest
                    << " s over " << counts.size() << " queries");
  }
}

TEST_CASE("reload target: rows of referencing tables are never deleted or changed",
          "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_children";
  for (const std::string strategy : kStrategies) {
    MakeSource(db, 3000);
    const std::string schema = "reload_children_" + strategy;
    etl::testing::ResetPgSchema(schema);
    const std::string job = Job(db, schema, "");
    REQUIRE(Run(job, strategy).exit_code == 0);
    const std::string q = "\"" + schema + "\".";
    Psql("CREATE TABLE " + q + "c_cascade (id int PRIMARY KEY, t_id int REFERENCES " + q +
         "t (id) ON DELETE CASCADE);"
         "CREATE TABLE " +
         q + "c_setnull (id int PRIMARY KEY, t_id int REFERENCES " + q +
         "t (id) ON DELETE SET NULL);"
         "CREATE TABLE " +
         q + "c_noaction (id int PRIMARY KEY, t_id int REFERENCES " + q +
         "t (id));"
         "INSERT INTO " +
         q +
         "c_cascade SELECT g, g FROM generate_series(1, 300) g;"
         "INSERT INTO " +
         q +
         "c_setnull SELECT g, g + 300 FROM generate_series(1, 300) g;"
         "INSERT INTO " +
         q + "c_noaction SELECT g, g + 600 FROM generate_series(1, 300) g;");
    auto children = [&] {
      return Psql("SELECT (SELECT count(*) || '/' || count(t_id) FROM " + q +
                  "c_cascade), (SELECT count(*) || '/' || count(t_id) FROM " + q +
                  "c_setnull), (SELECT count(*) || '/' || count(t_id) FROM " + q + "c_noaction)");
    };
    const std::string all = "300/300|300/300|300/300\n";
    REQUIRE(children() == all);

    // Unreferenced keys go, referenced ones change values: children stay exactly as they were.
    MySql("DELETE FROM t WHERE id > 2500; UPDATE t SET s = 'changed' WHERE id <= 10", db);
    auto r = Run(job, strategy);
    INFO(strategy << "\n" << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("target exists: merge") != std::string::npos);
    CHECK(Digest(schema) == SourceDigest(db));
    CHECK(children() == all);

    // Each kind of child referencing a key the new copy lacks: the table fails naming the
    // constraint, and neither it nor any child changes.
    for (const std::string child : {"c_cascade", "c_setnull", "c_noaction"}) {
      const std::string before = Digest(schema);
      const std::string children_before = children();
      const std::string id = child == "c_cascade" ? "7" : child == "c_setnull" ? "308" : "609";
      MySql("DELETE FROM t WHERE id = " + id, db);
      r = Run(job, strategy);
      INFO(child << "\n" << r.err);
      CHECK(r.exit_code == 1);
      CHECK(r.err.find(child + "_t_id_fkey") != std::string::npos);
      CHECK(r.err.find("(id)=(" + id + ")") != std::string::npos);
      CHECK(Digest(schema) == before);
      CHECK(children() == children_before);
      Psql("UPDATE " + q + child + " SET t_id = NULL WHERE t_id = " + id);
      r = Run(job, strategy);  // once nothing references the key any more, it loads
      CHECK(r.exit_code == 0);
      CHECK(Digest(schema) == SourceDigest(db));
    }
    CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema +
                    "' AND tablename LIKE 'etl_stage%'")) == "0");
  }
}

TEST_CASE("reload target: grants, comments, indexes, views and the target's own columns stay",
          "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_keeps";
  Psql("DO $$ BEGIN CREATE ROLE etl_bi_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  for (const std::string strategy : kStrategies) {
    MakeSource(db, 2000);
    const std::string schema = "reload_keeps_" + strategy;
    etl::testing::ResetPgSchema(schema);
    const std::string q = "\"" + schema + "\".";
    // A DBA's table: created before etl ever ran, with its own column and everything around it.
    Psql("CREATE SCHEMA \"" + schema +
         "\";"
         "CREATE TABLE " +
         q +
         "t (id int PRIMARY KEY, grp int NOT NULL, s varchar(40), "
         "loaded_by text DEFAULT 'etl');"
         "COMMENT ON TABLE " +
         q +
         "t IS 'owned by the BI team';"
         "COMMENT ON COLUMN " +
         q +
         "t.s IS 'a hash';"
         "CREATE INDEX t_grp_idx ON " +
         q +
         "t (grp);"
         "GRANT SELECT ON " +
         q +
         "t TO etl_bi_reader;"
         "GRANT SELECT (s) ON " +
         q +
         "t TO PUBLIC;"
         "CREATE VIEW " +
         q + "t_by_grp AS SELECT grp, count(*) AS n FROM " + q +
         "t GROUP BY grp;"
         "GRANT SELECT ON " +
         q + "t_by_grp TO etl_bi_reader;");
    const std::string job = Job(db, schema, "");
    const std::string keeps =
        "SELECT obj_description('" + schema + ".t'::regclass, 'pg_class'), col_description('" +
        schema + ".t'::regclass, 3), (SELECT relacl::text FROM pg_class WHERE oid = '" + schema +
        ".t'::regclass), (SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
        "WHERE schemaname = '" +
        schema +
        "' AND tablename = 't'), has_table_privilege("
        "'etl_bi_reader', '" +
        schema + ".t_by_grp', 'SELECT'), has_column_privilege('public', '" + schema +
        ".t', 's', 'SELECT')";
    const std::string before = Psql(keeps);
    for (int run = 0; run < 2; ++run) {
      auto r = Run(job, strategy);
      INFO(strategy << " run " << run << "\n" << r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(Psql(keeps) == before);
      CHECK(Digest(schema) == SourceDigest(db));
      CHECK(Trim(Psql("SELECT sum(n) FROM " + q + "t_by_grp")) ==
            Trim(MySql("SELECT count(*) FROM t", db)));
      if (run == 0) {
        CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t WHERE loaded_by = 'etl'")) == "2000");
        Psql("UPDATE " + q + "t SET loaded_by = 'kept' WHERE id <= 100");
        MySql("UPDATE t SET s = 'changed' WHERE id <= 50; INSERT INTO t VALUES (5000, 1, 'new')",
              db);
      }
    }
    // The target's own column keeps its values for keys still in the source; new rows get its
    // default.
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t WHERE loaded_by = 'kept'")) == "100");
    CHECK(Trim(Psql("SELECT loaded_by FROM " + q + "t WHERE id = 5000")) == "etl");
  }
}

TEST_CASE("reload target: a partitioned target loads with every strategy", "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_partitioned";
  for (const std::string strategy : kStrategies) {
    MakeSource(db, 3000);
    const std::string schema = "reload_part_" + strategy;
    etl::testing::ResetPgSchema(schema);
    const std::string q = "\"" + schema + "\".";
    Psql("CREATE SCHEMA \"" + schema +
         "\";"
         "CREATE TABLE " +
         q +
         "t (id int, grp int NOT NULL, s varchar(40), PRIMARY KEY (id)) "
         "PARTITION BY RANGE (id);"
         "CREATE TABLE " +
         q + "t_low PARTITION OF " + q +
         "t FOR VALUES FROM (MINVALUE) TO (1500);"
         "CREATE TABLE " +
         q + "t_high PARTITION OF " + q + "t FOR VALUES FROM (1500) TO (MAXVALUE);");
    const std::string job = Job(db, schema, "");
    for (int run = 0; run < 2; ++run) {
      auto r = Run(job, strategy);
      INFO(strategy << " run " << run << "\n" << r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(Digest(schema) == SourceDigest(db));
      CHECK(Trim(Psql("SELECT (SELECT count(*) FROM " + q +
                      "t_low) || '/' || (SELECT count(*) "
                      "FROM " +
                      q + "t_high)")) ==
            Trim(MySql("SELECT CONCAT(SUM(id < 1500), '/', SUM(id >= 1500)) FROM t", db)));
      MySql("DELETE FROM t WHERE id % 10 = 3; UPDATE t SET grp = grp + 1 WHERE id < 20", db);
    }
  }
}

TEST_CASE(
    "reload target: a session holding the table makes the load wait a bounded time and "
    "name it",
    "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_locked";
  MakeSource(db, 2000);
  struct Case {
    std::string name;
    std::string prepare;  // makes the target plain (swap) or gives it a view (merge)
    std::string lock;     // what the blocking session holds
  };
  const std::vector<Case> cases = {
      {"swap", "", "SELECT count(*) FROM t"},
      {"merge", "CREATE VIEW t_v AS SELECT id FROM t", "LOCK TABLE t IN SHARE MODE"}};
  for (const auto& c : cases) {
    const std::string schema = "reload_locked_" + c.name;
    etl::testing::ResetPgSchema(schema);
    const std::string job = Job(db, schema, "", "2");
    REQUIRE(Run(job, "copy_csv").exit_code == 0);
    if (!c.prepare.empty()) Psql("SET search_path = \"" + schema + "\"; " + c.prepare);
    const std::string before = Digest(schema);
    MySql("DELETE FROM t WHERE id < 100", db);
    // A long-running reader: holds its lock in an open transaction for 20 s.
    RunShell(PsqlCommand("SET search_path = " + schema + "; BEGIN; " + c.lock +
                         "; SELECT pg_sleep(20); COMMIT") +
             " >/dev/null 2>&1 &");
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    const auto start = std::chrono::steady_clock::now();
    auto r = Run(job, "copy_csv");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Psql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
        "'dashboard' AND pid <> pg_backend_pid()");
    INFO(c.name << "\n" << r.err);
    CHECK(r.exit_code == 1);
    CHECK(seconds < 10);
    CHECK(r.err.find("within target.lock_timeout_s = 2 s") != std::string::npos);
    CHECK(r.err.find("application dashboard") != std::string::npos);
    CHECK(Digest(schema) == before);
    // Once the reader is gone the next run loads.
    r = Run(job, "copy_csv");
    CHECK(r.exit_code == 0);
    CHECK(Digest(schema) == SourceDigest(db));
  }
}

TEST_CASE("reload target: zero dates in NOT NULL columns load with every strategy",
          "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_zero_dates";
  etl::testing::ResetMySqlDatabase(db);
  MySql(
      "SET SESSION sql_mode = '';"
      "CREATE TABLE t (id INT PRIMARY KEY, d DATE NOT NULL DEFAULT '0000-00-00', "
      "ts DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00');"
      "INSERT INTO t SELECT seq, '2024-01-02', '2024-01-02 03:04:05' FROM seq_1_to_3000;"
      "UPDATE t SET d = '0000-00-00' WHERE id = 7; UPDATE t SET ts = '0000-00-00 00:00:00' "
      "WHERE id = 8;",
      db);
  for (const std::string strategy : kStrategies) {
    const std::string schema = "reload_zero_" + strategy;
    etl::testing::ResetPgSchema(schema);
    const std::string q = "\"" + schema + "\".";
    // Created by etl: the columns are nullable and the zero dates arrive as NULL.
    auto r = Run(Job(db, schema, ""), strategy);
    INFO(strategy << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Trim(Psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM " + q +
                    "t WHERE d IS NULL OR ts IS NULL")) == "7,8");
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t")) == "3000");
    CHECK(Trim(Psql("SELECT string_agg(is_nullable, ',' ORDER BY column_name) FROM "
                    "information_schema.columns WHERE table_schema = '" +
                    schema + "' AND table_name = 't' AND column_name IN ('d', 'ts')")) ==
          "YES,YES");

    // A target whose column is NOT NULL: a bad row naming key and column...
    Psql("DELETE FROM " + q + "t WHERE id IN (7, 8); ALTER TABLE " + q +
         "t ALTER COLUMN d SET NOT NULL, ALTER COLUMN ts SET NOT NULL");
    r = Run(Job(db, schema, ""), strategy);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("bad row (id=7), column d") != std::string::npos);
    CHECK(r.err.find("zero date") != std::string::npos);
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t")) == "2998");
    // ...that on_bad_row: reject routes to the reject file while the rest loads.
    r = Run(Job(db, schema, "    on_bad_row: reject\n"), strategy);
    CHECK(r.exit_code == 0);
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t")) == "2998");
    CHECK(r.err.find("2 bad rows written to") != std::string::npos);
  }
}

TEST_CASE("reload target: a load whose target lock was lost never commits", "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_lock_lost";
  MakeSource(db, 200000);
  const std::string schema = "reload_lock_lost";
  etl::testing::ResetPgSchema(schema);
  const std::string job = Job(db, schema, "");
  REQUIRE(Run(job, "copy_csv").exit_code == 0);
  const std::string before = Digest(schema);
  MySql("DELETE FROM t WHERE id % 3 = 0", db);
  // A reader keeps the swap waiting for its lock for 4 s; meanwhile the load's lock session
  // (named "etl <run id> <pid>@<host>") is ended.
  RunShell(PsqlCommand("SET search_path = " + schema +
                       "; BEGIN; SELECT count(*) FROM t; SELECT pg_sleep(4); COMMIT") +
           " >/dev/null 2>&1 &");
  RunShell("(sleep 1.5; " +
           PsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                       "application_name LIKE 'etl % %@%'") +
           ") >/dev/null 2>&1 &");
  const auto r = Run(job, "copy_csv");
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("lost the lock on target " + schema + ".t") != std::string::npos);
  CHECK(Digest(schema) == before);
}

TEST_CASE("reload target: a merge writes only the rows that changed, for every strategy",
          "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_changed_only";
  for (const std::string strategy : kStrategies) {
    // The shapes users have: an enum, json, a decimal, a datetime with a fraction, a float.
    etl::testing::ResetMySqlDatabase(db);
    MySql(
        "CREATE TABLE t (id INT PRIMARY KEY, grp INT NOT NULL, s VARCHAR(40), "
        "e ENUM('a','b','c') NOT NULL, j JSON, d DECIMAL(12,2), ts DATETIME(3), f FLOAT);"
        "INSERT INTO t SELECT seq, seq % 7, MD5(seq), ELT(1 + seq % 3, 'a', 'b', 'c'), "
        "JSON_OBJECT('k', seq, 'name', MD5(seq)), seq / 100, '2024-01-01' + INTERVAL seq "
        "SECOND + INTERVAL seq % 1000 * 1000 MICROSECOND, seq / 3 FROM seq_1_to_3000",
        db);
    const std::string schema = "reload_changed_only_" + strategy;
    etl::testing::ResetPgSchema(schema);
    const std::string q = "\"" + schema + "\".";
    const std::string job = Job(db, schema, "");
    REQUIRE(Run(job, strategy).exit_code == 0);
    Psql("CREATE VIEW " + q + "t_view AS SELECT id, s FROM " + q + "t");  // a merge from now on
    const std::string versions =
        "SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM " + q + "t WHERE id IN ";
    const std::string before = Psql(versions + "(1, 2999)");
    const std::string changing = Psql(versions + "(10, 11)");

    // Nothing changed at the source: nothing is written.
    auto r = Run(job, strategy);
    INFO(strategy << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("target exists: merge") != std::string::npos);
    CHECK(r.err.find("0 rows inserted or changed, 0 deleted, 3000 unchanged") != std::string::npos);
    CHECK(Psql(versions + "(1, 2999)") == before);
    CHECK(Psql(versions + "(10, 11)") == changing);

    // 5 changed (one column each of several kinds), 3 deleted, 4 new: exactly those are written.
    MySql(
        "UPDATE t SET s = 'changed' WHERE id = 10; UPDATE t SET e = IF(e = 'a', 'b', 'a') WHERE "
        "id = 11; UPDATE t SET j = JSON_OBJECT('k', -1) WHERE id = 12; UPDATE t SET d = d + 0.01 "
        "WHERE id = 13; UPDATE t SET ts = ts + INTERVAL 1 SECOND WHERE id = 14;"
        "DELETE FROM t WHERE id IN (100, 101, 2000);"
        "INSERT INTO t (id, grp, e) VALUES (0, 1, 'a'), (1500000, 2, 'b'), (3001, 3, 'c'), "
        "(5000, 4, 'a')",
        db);
    r = Run(job, strategy);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("9 rows inserted or changed, 3 deleted, 2992 unchanged") != std::string::npos);
    CHECK(Psql(versions + "(1, 2999)") == before);   // untouched rows were not rewritten
    CHECK(Psql(versions + "(10, 11)") != changing);  // changed ones were
    CHECK(Digest(schema) == SourceDigest(db));
    const auto verify = RunEtl({"verify", job});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t_view")) == "3001");
    CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema +
                    "' AND tablename LIKE 'etl_stage%'")) == "0");

    // A changed row PostgreSQL cannot hold (NUL in text) is a bad row even though the
    // comparison copies text unchecked; rejected, its old row leaves, as in any full reload.
    MySql("UPDATE t SET s = CONCAT('a', CHAR(0), 'b') WHERE id = 15", db);
    r = Run(Job(db, schema, "    on_bad_row: reject\n"), strategy);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("1 bad row written to") != std::string::npos);
    CHECK(r.err.find("0 rows inserted or changed, 1 deleted, 3000 unchanged") != std::string::npos);
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t WHERE id = 15")) == "0");
    CHECK(Psql(versions + "(1, 2999)") == before);
  }
}

TEST_CASE("reload target: other writers of the target wait for a comparing merge's commit",
          "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_writer";
  const std::string schema = "reload_writer";
  MakeSource(db, 20000);
  etl::testing::ResetPgSchema(schema);
  const std::string job = Job(db, schema, "");
  REQUIRE(Run(job, "copy_csv").exit_code == 0);
  const std::string q = "\\\"" + schema + "\\\".";
  MySql("UPDATE t SET s = 'from the source' WHERE id = 1", db);
  auto poll = [](const std::string& sql) {
    const auto start = std::chrono::steady_clock::now();
    while (etl::testing::SecondsSince(start) < 30) {
      if (Trim(Psql(sql)) == "1") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  // The reload's update of row 1 takes 3 s (a user's trigger), so the load holds its lock on
  // the target for at least that long, deterministically.
  Psql("CREATE FUNCTION \"" + schema +
       "\".slow_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id = 1 THEN PERFORM "
       "pg_sleep(3); END IF; RETURN NEW; END $$; CREATE TRIGGER slow BEFORE UPDATE ON \"" +
       schema + "\".t FOR EACH ROW EXECUTE FUNCTION \"" + schema + "\".slow_row()");
  auto as = [](const std::string& app, const std::string& sql) {
    std::string c = PsqlCommand(sql);
    c.replace(c.find("PGAPPNAME=dashboard"), 19, "PGAPPNAME=" + app);
    return c;
  };
  etl::testing::EtlProcess etl(
      {"run", job, "--strategy", "parallel", "--progress", "never", "--log-level", "debug"});
  REQUIRE(
      poll("SELECT (count(*) > 0)::int FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
           "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" +
           schema + "' AND c.relname = 't' AND l.mode <> 'AccessShareLock' AND l.granted"));
  const std::string done = WriteTempFile("reload-writer.done", "");
  RunShell("(" + as("writer", "UPDATE " + q + "t SET s = 'from a writer' WHERE id = 2") +
           "; echo ok > '" + done + "') >/dev/null 2>&1 &");
  // The writer waits for the lock while the load runs (readers would not).
  CHECK(
      poll("SELECT (count(*) > 0)::int FROM pg_stat_activity WHERE application_name = 'writer' AND "
           "wait_event_type = 'Lock'"));
  CHECK(Trim(Psql("SELECT count(*) FROM \"" + schema + "\".t")) == "20000");
  const auto r = etl.Wait(std::chrono::seconds(60));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("compared with the target's") != std::string::npos);
  const auto start = std::chrono::steady_clock::now();
  while (ReadFile(done).empty() && etl::testing::SecondsSince(start) < 30)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // The writer's change came after the reload's, so it stays; the reload's is there too.
  CHECK(Trim(Psql("SELECT s FROM \"" + schema + "\".t WHERE id = 2")) == "from a writer");
  CHECK(Trim(Psql("SELECT s FROM \"" + schema + "\".t WHERE id = 1")) == "from the source");
}

// A busy source: a writer updates, deletes and inserts rows all through the reload, and a
// transaction holds an uncommitted update. The comparing merge must not lose, duplicate or
// rewrite a row nobody touched, must hold only values the source really had (never the
// uncommitted one), and the next run must catch up exactly.
TEST_CASE("reload target: a comparing merge of a busy source loses nothing and catches up",
          "[cli][reload]") {
  etl::testing::RequireServers();
  const std::string db = "reload_busy_source";
  const int rows = 50000;
  for (const std::string strategy : kStrategies) {
    INFO(strategy);
    MakeSource(db, rows);
    const std::string schema = "reload_busy_" + strategy;
    etl::testing::ResetPgSchema(schema);
    const std::string q = "\"" + schema + "\".";
    const std::string job = Job(db, schema, "");
    REQUIRE(Run(job, "copy_csv").exit_code == 0);
    Psql("CREATE VIEW " + q + "t_view AS SELECT id, s FROM " + q + "t");  // a merge from now on
    Psql("DROP SCHEMA IF EXISTS \"" + schema + "_check\" CASCADE; CREATE SCHEMA \"" + schema +
         "_check\"; CREATE TABLE \"" + schema +
         "_check\".before AS SELECT id, s, xmin::text AS x " + "FROM " + q + "t");

    // The writer touches ids that are multiples of 10 (updates), ids ending in 05 (deletes) and
    // ids above `rows` (inserts), in autocommit statements from one client after another, until
    // told to stop.
    const std::string base = WriteTempFile("busy-" + strategy + ".keep", "");
    struct StopOnExit {  // the background sessions end even when a REQUIRE below fails
      std::string base;
      ~StopOnExit() { RunShell("touch '" + base + ".stop' '" + base + ".release'"); }
    } stop_on_exit{base};
    const std::string writer =
        "k=0; while [ ! -e '" + base + ".stop' ]; do k=$((k+1)); " +
        etl::testing::MySqlCommandLine(db) +
        " -e \"UPDATE t SET s = CONCAT('w', $k) WHERE id = $(( (k * 37 % 4999 + 1) * 10 ));"
        " INSERT INTO t VALUES (" +
        std::to_string(rows) +
        " + $k, $k % 7, CONCAT('new', $k));"
        " DELETE FROM t WHERE id = $(( (k % 500) * 100 + 5 ));\" >> '" +
        base + ".writer.log' 2>&1 || break; echo $k > '" + base + ".writes'; done; echo done > '" +
        base + ".writer.done'";
    // The transaction in flight: row 7 updated, not committed until the test releases it; the
    // client prints "open" once the update ran.
    const std::string in_flight =
        "(echo \"START TRANSACTION; UPDATE t SET s = 'in flight' WHERE id = 7; SELECT 'open';\"; "
        "while [ ! -e '" +
        base + ".release' ]; do sleep 0.05; done; echo 'COMMIT;') | " +
        etl::testing::MySqlCommandLine(db) + " --unbuffered > '" + base +
        ".flight.log' 2>&1; echo done > '" + base + ".flight.done'";
    RunShell("(" + writer + ") >/dev/null 2>&1 & (" + in_flight + ") >/dev/null 2>&1 &");
    auto wait_for = [](const std::function<bool()>& ok) {
      const auto start = std::chrono::steady_clock::now();
      while (etl::testing::SecondsSince(start) < 30) {
        if (ok()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      return false;
    };
    REQUIRE(wait_for([&] {
      return Trim(ReadFile(base + ".flight.log")) == "open" && !ReadFile(base + ".writes").empty();
    }));

    auto r = Run(job, strategy);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("compared with the target's") != std::string::npos);
    const std::string check = "\"" + schema + "_check\".before";
    const std::string untouched = "b.id % 10 <> 0 AND b.id % 100 <> 5 AND b.id <> 7";
    // No row nobody touched was lost, changed or even rewritten.
    CHECK(Trim(Psql("SELECT count(*) FROM " + check + " b LEFT JOIN " + q +
                    "t t ON t.id = b.id WHERE " + untouched +
                    " AND (t.id IS NULL OR t.s IS DISTINCT FROM b.s OR t.xmin::text <> b.x)")) ==
          "0");
    // Every touched row holds a value the source had: its old one or a writer's.
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t t LEFT JOIN " + check +
                    " b ON b.id = t.id WHERE t.id % 10 = 0 AND t.id <= " + std::to_string(rows) +
                    " AND t.s IS DISTINCT FROM b.s AND t.s NOT LIKE 'w%'")) == "0");
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t WHERE id > " + std::to_string(rows) +
                    " AND s <> 'new' || (id - " + std::to_string(rows) + ")")) == "0");
    CHECK(Trim(Psql("SELECT count(*) FROM " + q + "t t JOIN " + check +
                    " b USING (id) WHERE id % 100 = 5 AND t.s IS DISTINCT FROM b.s")) == "0");
    // The uncommitted update was not read.
    CHECK(Trim(Psql("SELECT s FROM " + q + "t WHERE id = 7")) ==
          Trim(Psql("SELECT s FROM " + check + " WHERE id = 7")));
    CHECK(Trim(Psql("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema +
                    "' AND tablename LIKE 'etl_stage%'")) == "0");

    // The writer stops, the transaction commits: the next run brings the target level.
    RunShell("touch '" + base + ".stop' '" + base + ".release'");
    REQUIRE(wait_for([&] {
      return !ReadFile(base + ".writer.done").empty() && !ReadFile(base + ".flight.done").empty();
    }));
    CHECK(ReadFile(base + ".writer.log").empty());  // every statement of the writer succeeded
    CHECK(Trim(ReadFile(base + ".flight.log")) == "open");
    r = Run(job, strategy);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Digest(schema) == SourceDigest(db));
    CHECK(Trim(Psql("SELECT s FROM " + q + "t WHERE id = 7")) == "in flight");
    r = Run(job, strategy);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("0 rows inserted or changed, 0 deleted") != std::string::npos);
    Psql("DROP SCHEMA \"" + schema + "_check\" CASCADE");
  }
}
