#include "source/mysql_connection.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <spdlog/spdlog.h>

#include "source/mysql_error.h"
#include "source/mysql_quote.h"
#include "source/statement_shape.h"

namespace etl::source {
namespace {

// The connector's driver singleton is created lazily and is not safe to create from two threads
// at once; Connect() also serialises connector setup, which is cheap next to the network.
std::mutex& DriverMutex() {
  static std::mutex m;
  return m;
}

int SslModeValue(const std::string& mode) {
  if (mode == "disabled") return sql::SSL_MODE_DISABLED;
  if (mode == "preferred") return sql::SSL_MODE_PREFERRED;
  if (mode == "required") return sql::SSL_MODE_REQUIRED;
  if (mode == "verify_ca") return sql::SSL_MODE_VERIFY_CA;
  if (mode == "verify_identity") return sql::SSL_MODE_VERIFY_IDENTITY;
  throw std::invalid_argument("unknown source ssl_mode '" + mode + "'");
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool SpecSets(const config::SessionSettings& session, const std::string& name) {
  return std::any_of(session.begin(), session.end(),
                     [&](const auto& kv) { return Lower(kv.first) == name; });
}

}  // namespace

MySqlConnection::MySqlConnection(std::unique_ptr<sql::Connection> connection, std::string endpoint)
    : connection_(std::move(connection)), endpoint_(std::move(endpoint)) {}

MySqlConnection::~MySqlConnection() {
  if (!connection_) return;
  try {
    connection_->close();
  } catch (const sql::SQLException&) {
    // Closing a connection the server already dropped: nothing left to release.
  }
}

MySqlConnection::MySqlConnection(MySqlConnection&&) noexcept = default;
MySqlConnection& MySqlConnection::operator=(MySqlConnection&&) noexcept = default;

sql::Connection& MySqlConnection::native() {
  if (!connection_) throw std::logic_error("MySqlConnection used after move");
  return *connection_;
}

void MySqlConnection::Exec(const std::string& sql) {
  try {
    std::unique_ptr<sql::Statement> stmt(native().createStatement());
    stmt->execute(sql);
    // Drain any result the statement produced so the session is free for the next one.
    while (true) {
      std::unique_ptr<sql::ResultSet> rs(stmt->getResultSet());
      if (!stmt->getMoreResults()) break;
    }
  } catch (const sql::SQLException& e) {
    throw FromConnector(e, "running a statement", endpoint_, {}, sql);
  }
}

std::vector<MySqlRow> MySqlConnection::Query(const std::string& sql) {
  try {
    std::unique_ptr<sql::Statement> stmt(native().createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql));
    const auto columns = rs->getMetaData()->getColumnCount();
    std::vector<MySqlRow> rows;
    while (rs->next()) {
      MySqlRow row;
      row.reserve(columns);
      for (unsigned int i = 1; i <= columns; ++i) {
        if (rs->isNull(i)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(rs->getString(i).asStdString());
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  } catch (const sql::SQLException& e) {
    throw FromConnector(e, "running a statement", endpoint_, {}, sql);
  }
}

std::optional<std::string> MySqlConnection::QueryScalar(const std::string& sql) {
  auto rows = Query(sql);
  if (rows.empty() || rows.front().empty()) return std::nullopt;
  return std::move(rows.front().front());
}

void MySqlConnection::SetReadOnly() {
  Exec("SET SESSION TRANSACTION READ ONLY");
}

const std::string& MySqlConnection::server_version() {
  if (server_version_.empty()) server_version_ = QueryScalar("SELECT VERSION()").value_or("");
  return server_version_;
}

MySqlConnection Connect(const config::SourceSpec& source, const config::EnvLookup& env,
                        const ConnectOptions& options) {
  const std::string endpoint =
      source.host + ":" + std::to_string(source.port) + "/" + source.database;
  const std::string password = config::ResolvePassword(source.password, source.password_env, env);

  sql::ConnectOptionsMap props;
  props["hostName"] = sql::SQLString("tcp://" + source.host + ":" + std::to_string(source.port));
  props["userName"] = sql::SQLString(source.user);
  props["password"] = sql::SQLString(password);
  if (!source.database.empty()) props["schema"] = sql::SQLString(source.database);
  props["OPT_RECONNECT"] = false;
  props["OPT_CONNECT_TIMEOUT"] = options.connect_timeout_s;
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  // Connector/C++ 1.1.12 over libmariadb (Debian) accepts OPT_SSL_MODE but ignores it (the
  // MariaDB client library has no such option; measured). What libmariadb honours:
  // sslEnforce asks for TLS and falls back to plain text when the server offers none, and
  // sslVerify demands TLS and checks the server certificate and host name. `required` and the
  // verify modes are additionally checked after connecting (Ssl_cipher must be set).
  const int ssl_mode = SslModeValue(source.ssl_mode);
  props["OPT_SSL_MODE"] = ssl_mode;
  if (ssl_mode >= sql::SSL_MODE_PREFERRED) props["sslEnforce"] = true;
  if (ssl_mode >= sql::SSL_MODE_VERIFY_CA) props["sslVerify"] = true;

  spdlog::debug(
      "connecting to MySQL: host={} port={} user={} database={} ssl_mode={} (password {})",
      source.host, source.port, source.user, source.database, source.ssl_mode,
      password.empty()  ? "none"
      : source.password ? "inline"
                        : "from $" + source.password_env);
  std::unique_ptr<sql::Connection> raw;
  try {
    std::lock_guard<std::mutex> lock(DriverMutex());
    sql::Driver* driver = get_driver_instance();
    raw.reset(driver->connect(props));
  } catch (const sql::SQLException& e) {
    throw FromConnector(e, "connecting to MySQL as user '" + source.user + "'", endpoint, password);
  }
  if (!raw)
    throw MySqlError("connecting to MySQL: the connector returned no connection [" + endpoint + "]",
                     0, "");
  MySqlConnection conn(std::move(raw), endpoint);
  if (ssl_mode >= sql::SSL_MODE_REQUIRED) {
    const auto status = conn.Query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    if (status.empty() || status[0].size() < 2 || status[0][1].value_or("").empty()) {
      throw MySqlError("connecting to MySQL: ssl_mode is " + source.ssl_mode +
                           " but the connection is not encrypted (the server offers no TLS) [" +
                           endpoint + "]",
                       2026, "HY000");
    }
  }

  conn.Exec("SET NAMES utf8mb4");
  const config::SessionSettings defaults = {
      {"time_zone", "+00:00"}, {"net_write_timeout", "600"}, {"sql_mode", ""}};
  std::vector<std::pair<std::string, std::string>> settings;
  for (const auto& kv : defaults) {
    if (!SpecSets(source.session, kv.first)) settings.push_back(kv);
  }
  for (const auto& kv : source.session)
    settings.push_back(kv);
  for (const auto& [name, value] : settings) {
    if (!IsVariableName(name)) {
      throw MySqlError("source session setting '" + name +
                           "' is not a valid MySQL variable name [" + endpoint + "]",
                       0, "");
    }
    conn.Exec("SET SESSION " + name + " = " +
              (IsNumericLiteral(value) ? value : QuoteString(value)));
  }
  conn.set_connection_id(std::stoull(conn.QueryScalar("SELECT CONNECTION_ID()").value_or("0")));
  return conn;
}

void KillQuery(const config::SourceSpec& source, const config::EnvLookup& env,
               std::uint64_t connection_id) noexcept {
  if (connection_id == 0) return;
  try {
    MySqlConnection killer = Connect(source, env);
    killer.Exec("KILL QUERY " + std::to_string(connection_id));
    spdlog::debug("stopped the source statement of MySQL session {}", connection_id);
  } catch (const std::exception& e) {
    // 1094 "Unknown thread id": the session already ended, nothing to stop.
    spdlog::debug("KILL QUERY {} on {}:{}: {}", connection_id, source.host, source.port, e.what());
  }
}

}  // namespace etl::source
