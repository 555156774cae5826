// Progress you can watch, in a real terminal: `etl run` inside tmux draws one live line per active
// table (bar, percent of the estimated rows, rows/s, elapsed, ETA, strategy) redrawn in place, and
// the final screen has the finished-table lines and the summary, with no live line left. Off a
// terminal, `--progress always` gives plain log lines on stderr and stdout keeps only the summary.
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "support/test_env.h"

namespace {

using etl::testing::Env;
using etl::testing::JobHeader;
using etl::testing::MySql;
using etl::testing::ResetMySqlDatabase;
using etl::testing::ResetPgSchema;
using etl::testing::RunEtl;
using etl::testing::RunShell;
using etl::testing::WriteTempFile;

constexpr const char* kDb = "tprogress";

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// `big` takes a few seconds (400,000 rows, and its filter sleeps 5 ms on every 1000th row, so the
// load lasts about 2 s however fast the rest has become), long enough for the pump to report
// rows to the display; `inc` is incremental, so it has no row estimate (no percent, no ETA).
std::string MakeJob(const std::string& schema) {
  ResetMySqlDatabase(kDb);
  MySql(
      "CREATE TABLE big (id int PRIMARY KEY, v varchar(40), n int) ENGINE=InnoDB;"
      " INSERT INTO big SELECT seq, CONCAT('value ', seq), seq * 3 FROM seq_1_to_400000;"
      " CREATE TABLE inc (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB;"
      " INSERT INTO inc SELECT seq, 'x' FROM seq_1_to_1000",
      kDb);
  ResetPgSchema(schema);
  return WriteTempFile(schema + ".yml", JobHeader(kDb, schema) +
                                            "tables:\n"
                                            "  big:\n"
                                            "    batch_size: 2000\n"
                                            "    where: \"id % 1000 <> 0 OR SLEEP(0.005) = 0\"\n"
                                            "    performance: {strategy: standard}\n"
                                            "  inc:\n"
                                            "    batch_size: 500\n"
                                            "    extraction_strategy: incremental\n"
                                            "    incremental_columns: [id]\n");
}

// A tmux server of this test process only, so nothing else's sessions are touched.
struct Tmux {
  std::string socket = "etl-test-" + std::to_string(::getpid());
  std::string Cmd(const std::string& args) const { return "tmux -L " + socket + " " + args; }
  ~Tmux() { RunShell(Cmd("kill-server")); }
};

// The total is the plan's row figure: InnoDB's statistics (TABLE_ROWS), about 400,000.
const std::regex kLiveBig(
    R"(^big +\[[=> ]{20}\] +([0-9]+)% +([0-9,]+)/[0-9]{3},[0-9]{3} rows +([0-9,]+) rows/s +elapsed [0-9]+:[0-9]{2} +ETA ([0-9]+:[0-9]{2}|--:--) +standard *$)");

}  // namespace

TEST_CASE("progress: live lines redrawn in place in a real terminal, then the summary",
          "[cli][progress]") {
  etl::testing::RequireServers();
  const std::string job = MakeJob("tprogress_live");
  Tmux tmux;
  std::string env = "env";
  for (const char* v :
       {"ETL_MYSQL_HOST", "ETL_MYSQL_PORT", "ETL_MYSQL_USER", "ETL_MYSQL_PASSWORD", "ETL_PG_HOST",
        "ETL_PG_PORT", "ETL_PG_USER", "ETL_PG_PASSWORD", "ETL_PG_DATABASE"}) {
    env += " " + std::string(v) + "=" + Quote(Env(v));
  }
  const std::string command = env + " " + Quote(ETL_BINARY) + " run " + Quote(job) +
                              " --log-level warn; echo ETL_EXIT=$?; sleep 120";
  const auto started = RunShell(tmux.Cmd("new-session -d -x 160 -y 50 " + Quote(command)));
  REQUIRE(started.exit_code == 0);

  // Watch the screen until the run ends.
  std::set<std::string> live_lines;
  std::string screen;
  for (int i = 0; i < 600; ++i) {
    screen = RunShell(tmux.Cmd("capture-pane -p")).out;
    std::size_t pos = 0;
    while (pos < screen.size()) {
      const std::size_t end = screen.find('\n', pos);
      const std::string line = screen.substr(pos, end == std::string::npos ? end : end - pos);
      if (std::regex_match(line, kLiveBig)) live_lines.insert(line);
      if (end == std::string::npos) break;
      pos = end + 1;
    }
    if (screen.find("ETL_EXIT=") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO("final screen:\n" << screen);
  REQUIRE(screen.find("ETL_EXIT=0") != std::string::npos);

  // The live line had its shape, and showed rows written while the table loaded.
  INFO("live lines seen: " << live_lines.size());
  REQUIRE_FALSE(live_lines.empty());
  bool saw_rows = false;
  for (const auto& line : live_lines) {
    std::smatch m;
    std::regex_match(line, m, kLiveBig);
    if (m[2].str() != "0" && m[3].str() != "0") saw_rows = true;
    CHECK(std::stoi(m[1].str()) < 100);  // never 100% before it is done
  }
  CHECK(saw_rows);

  // The final screen: a line per finished table, the summary, no live line left over.
  CHECK(std::regex_search(
      screen, std::regex(R"(ok big: 400,000 rows in [0-9.]+ s \([0-9,]+ rows/s\), standard)")));
  CHECK(std::regex_search(screen, std::regex(R"(ok inc: 1,000 rows in)")));
  CHECK(std::regex_search(screen, std::regex(R"(\ntable +status +strategy +rows +seconds)")));
  CHECK(screen.find("job tprogress_live: ok") != std::string::npos);
  CHECK(screen.find("rows/s  elapsed") == std::string::npos);
}

TEST_CASE("progress: plain lines on stderr off a terminal, stdout keeps only the summary",
          "[cli][progress]") {
  etl::testing::RequireServers();
  // Small pages make big take about 3 s, past the 2 s after which its plain line is due.
  const std::string job =
      WriteTempFile("tprogress_plain2.yml",
                    std::regex_replace(etl::testing::ReadFile(MakeJob("tprogress_plain")),
                                       std::regex("batch_size: 2000"), "batch_size: 250"));
  const std::string report = job + ".json";
  auto r = RunEtl({"run", job, "--progress", "always", "--report-json", report});
  const auto doc = nlohmann::json::parse(etl::testing::ReadFile(report));
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  int long_tables = 0;
  for (const auto& t : doc["tables"]) {
    const std::string name = t["name"];
    if (name == "inc" || t["seconds"].get<double>() < 2.3) continue;
    ++long_tables;  // loaded for over 2 s: its plain line was due
    INFO(name);
    CHECK(std::regex_search(
        r.err, std::regex("info  " + name +
                          R"(: [0-9]+ rows written \([0-9]+ rows/s\), [0-9]+% of ~[0-9]{6}, )"
                          R"(elapsed [0-9]+:[0-9]{2}, ETA ([0-9]+:[0-9]{2}|--:--), standard)")));
  }
  if (long_tables == 0) WARN("no table loaded for 2 s: no plain line was due");
  CHECK(r.err.find("\x1b[") == std::string::npos);  // no terminal control codes
  CHECK(r.out.rfind("table ", 0) == 0);
  CHECK(r.out.find("rows written") == std::string::npos);
  CHECK(r.out.find("job tprogress_plain2: ok") != std::string::npos);

  // auto, off a terminal: no progress at all.
  auto quiet = RunEtl({"run", job, "--progress", "auto", "--table", "inc", "--full"});
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.err.find("rows written") == std::string::npos);
}
