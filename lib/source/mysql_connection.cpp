#include "source/mysql_connection.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
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

// Every open session of the process that StopAllSessions would end: its server id and how to
// end it (a KILL from a new session, which needs the spec and environment it was opened with).
struct OpenSessions {
  std::mutex mutex;
  std::map<std::uint64_t, std::function<void()>> kill;
  std::string stopping;  // the reason, once StopAllSessions ran
};

OpenSessions& Open() {
  static OpenSessions open;
  return open;
}

void Forget(std::uint64_t connection_id) {
  if (connection_id == 0) return;
  std::lock_guard lock(Open().mutex);
  Open().kill.erase(connection_id);
}

}  // namespace

MySqlConnection::MySqlConnection(std::unique_ptr<sql::Connection> connection, std::string endpoint)
    : connection_(std::move(connection)), endpoint_(std::move(endpoint)) {}

MySqlConnection::~MySqlConnection() {
  Close();
}

void MySqlConnection::Close() noexcept {
  if (!connection_) return;
  Forget(connection_id_);
  try {
    connection_->close();
  } catch (const sql::SQLException&) {
    // Closing a connection the server already dropped: nothing left to release.
  }
  connection_.reset();
}

MySqlConnection::MySqlConnection(MySqlConnection&& other) noexcept
    : connection_(std::move(other.connection_)),
      endpoint_(std::move(other.endpoint_)),
      server_version_(std::move(other.server_version_)),
      connection_id_(std::exchange(other.connection_id_, 0)),
      encrypted_(other.encrypted_) {}

MySqlConnection& MySqlConnection::operator=(MySqlConnection&& other) noexcept {
  if (this != &other) {
    Close();
    connection_ = std::move(other.connection_);
    endpoint_ = std::move(other.endpoint_);
    server_version_ = std::move(other.server_version_);
    connection_id_ = std::exchange(other.connection_id_, 0);
    encrypted_ = other.encrypted_;
  }
  return *this;
}

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

void MySqlConnection::ConfirmStreamEnded(const std::string& context) {
  if (!encrypted_) return;
  try {
    QueryScalar("SELECT 1");
  } catch (const MySqlError& e) {
    throw MySqlError(context +
                         ": Lost connection to server during query: the encrypted result "
                         "stream ended without the server's end of result (" +
                         e.what() + ")",
                     2013, "HY000");
  }
}

const std::string& MySqlConnection::server_version() {
  if (server_version_.empty()) server_version_ = QueryScalar("SELECT VERSION()").value_or("");
  return server_version_;
}

namespace {

// TLS (measured with Connector/C++ 1.1.12 over libmariadb 3.3, MariaDB 10.11, with and without
// a TLS server): the connector passes OPT_SSL_MODE on, but libmariadb has no such option and
// ignores it, so each mode is built from what libmariadb does honour:
//   sslEnforce   use TLS when the server offers it, else plain text (never fails)
//   sslCA        verify the server's certificate chain against this CA whenever TLS is used,
//                host name not checked; still plain text against a server without TLS
//   sslVerify    TLS required ("SSL is required, but the server does not support it"), chain
//                and host name verified
// libmariadb's only switch that refuses plain text is sslVerify, and it also checks the host
// name, which `required` and `verify_ca` must not. Those two modes are therefore checked after
// connecting: the session must be encrypted (Ssl_cipher set), else Connect fails. verify_identity
// needs no such check.
void SetTlsProperties(const config::SourceSpec& source, int ssl_mode,
                      sql::ConnectOptionsMap& props) {
  if (ssl_mode == sql::SSL_MODE_DISABLED) return;
  props["sslEnforce"] = true;
  if (!source.ssl_cert.empty()) props["sslCert"] = sql::SQLString(source.ssl_cert);
  if (!source.ssl_key.empty()) props["sslKey"] = sql::SQLString(source.ssl_key);
  // A CA in preferred/required mode would make libmariadb verify the chain, which those modes
  // promise not to do (as with the MySQL client, a CA matters only to the verify modes).
  if (ssl_mode >= sql::SSL_MODE_VERIFY_CA && !source.ssl_ca.empty()) {
    props["sslCA"] = sql::SQLString(source.ssl_ca);
  }
  if (ssl_mode == sql::SSL_MODE_VERIFY_IDENTITY) props["sslVerify"] = true;
}

bool IsEncrypted(MySqlConnection& conn) {
  const auto status = conn.Query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  return !status.empty() && status[0].size() >= 2 && !status[0][1].value_or("").empty();
}

// `required` and `verify_ca`: see SetTlsProperties.
void RequireEncrypted(MySqlConnection& conn, const config::SourceSpec& source) {
  if (conn.encrypted()) return;
  throw MySqlError("connecting to MySQL: ssl_mode is " + source.ssl_mode +
                       " but the connection is not encrypted (the server offers no TLS) [" +
                       conn.endpoint() + "]",
                   2026, "HY000", /*connecting=*/true);
}

// Opens and prepares a session (everything Connect does but the bookkeeping of open sessions).
MySqlConnection OpenSession(const config::SourceSpec& source, const config::EnvLookup& env) {
  const std::string endpoint =
      source.host + ":" + std::to_string(source.port) + "/" + source.database;
  const std::string password = config::ResolvePassword(source.password, source.password_env, env);

  sql::ConnectOptionsMap props;
  props["hostName"] = sql::SQLString("tcp://" + source.host + ":" + std::to_string(source.port));
  props["userName"] = sql::SQLString(source.user);
  props["password"] = sql::SQLString(password);
  if (!source.database.empty()) props["schema"] = sql::SQLString(source.database);
  props["OPT_RECONNECT"] = false;
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  // Measured over libmariadb: the connect timeout also bounds the wait for the server's
  // greeting (a stopped server accepts the TCP connection but never greets), and the read
  // timeout bounds every single wait for data, once (libmysqlclient would retry a read twice).
  props["OPT_CONNECT_TIMEOUT"] = source.connect_timeout_s;
  props["OPT_READ_TIMEOUT"] = source.read_timeout_s;
  props["OPT_WRITE_TIMEOUT"] = source.read_timeout_s;
  const int ssl_mode = SslModeValue(source.ssl_mode);
  if (ssl_mode == sql::SSL_MODE_VERIFY_CA && source.ssl_ca.empty()) {
    // Without a CA the connector would check no certificate at all (config validates this too).
    throw MySqlError("connecting to MySQL: ssl_mode verify_ca needs ssl_ca [" + endpoint + "]",
                     2026, "HY000", /*connecting=*/true);
  }
  SetTlsProperties(source, ssl_mode, props);

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
    throw FromConnector(e, "connecting to MySQL as user '" + source.user + "'", endpoint, password,
                        {}, /*connecting=*/true);
  }
  if (!raw)
    throw MySqlError("connecting to MySQL: the connector returned no connection [" + endpoint + "]",
                     0, "");
  MySqlConnection conn(std::move(raw), endpoint);
  conn.set_encrypted(ssl_mode != sql::SSL_MODE_DISABLED && IsEncrypted(conn));
  if (ssl_mode == sql::SSL_MODE_REQUIRED || ssl_mode == sql::SSL_MODE_VERIFY_CA) {
    RequireEncrypted(conn, source);
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

}  // namespace

MySqlConnection Connect(const config::SourceSpec& source, const config::EnvLookup& env) {
  {
    std::lock_guard lock(Open().mutex);
    if (!Open().stopping.empty()) {
      throw MySqlError("not connecting to MySQL " + source.host + ":" +
                           std::to_string(source.port) + "/" + source.database + ": " +
                           Open().stopping,
                       1317, "70100");
    }
  }
  MySqlConnection conn = OpenSession(source, env);
  const std::uint64_t id = conn.connection_id();
  std::lock_guard lock(Open().mutex);
  Open().kill[id] = [source, env, id] {
    try {
      MySqlConnection killer = OpenSession(source, env);
      killer.Exec("KILL CONNECTION " + std::to_string(id));
    } catch (const std::exception& e) {
      // 1094 "Unknown thread id": the session ended by itself meanwhile.
      spdlog::debug("KILL CONNECTION {} on {}:{}: {}", id, source.host, source.port, e.what());
    }
  };
  return conn;
}

void StopAllSessions(const std::string& reason) noexcept {
  std::lock_guard lock(Open().mutex);
  Open().stopping = reason.empty() ? std::string("etl is stopping") : reason;
  for (const auto& [id, kill] : Open().kill) {
    try {
      std::thread(kill).detach();
    } catch (const std::exception& e) {
      spdlog::warn("could not end MySQL session {}: {}", id, e.what());
    }
  }
  if (!Open().kill.empty()) {
    spdlog::warn("ending {} MySQL session(s): {}", Open().kill.size(), Open().stopping);
  }
}

void AcceptNewSessions() noexcept {
  std::lock_guard lock(Open().mutex);
  Open().stopping.clear();
}

void KillQuery(const config::SourceSpec& source, const config::EnvLookup& env,
               std::uint64_t connection_id) noexcept {
  if (connection_id == 0) return;
  try {
    MySqlConnection killer = OpenSession(source, env);
    killer.Exec("KILL QUERY " + std::to_string(connection_id));
    spdlog::debug("stopped the source statement of MySQL session {}", connection_id);
  } catch (const std::exception& e) {
    // 1094 "Unknown thread id": the session already ended, nothing to stop.
    spdlog::debug("KILL QUERY {} on {}:{}: {}", connection_id, source.host, source.port, e.what());
  }
}

}  // namespace etl::source
