#pragma once
// MySqlConnection: one open session to the MySQL/MariaDB source, set up for extraction.
//
// Connect() opens the session and prepares it so that the bytes the text protocol sends are
// the ones types/value_converter.h expects:
//   SET NAMES utf8mb4                      text arrives as UTF-8 (4-byte characters included)
//   SET SESSION time_zone = '+00:00'       TIMESTAMP values are read in UTC
//   SET SESSION net_write_timeout = 600    a slow consumer does not break an unbuffered stream
//   SET SESSION sql_mode = ''              no NO_BACKSLASH_ESCAPES / ANSI_QUOTES surprises for the
//                                          SQL this layer builds; zero dates read and compare
//                                          without errors ('0000-00-00' arrives as such)
// and then every `source.session` entry as `SET SESSION name = value`, in spec order (a default
// above is skipped when the spec sets the same variable). Names must be [A-Za-z_][A-Za-z0-9_]*;
// values are sent unquoted when numeric, else as quoted string literals. REQUIRES: a session
// sql_mode given by the spec must not contain NO_BACKSLASH_ESCAPES (source/mysql_quote.h).
//
// Timeouts (source.connect_timeout_s, source.read_timeout_s): connecting, including the wait for
// the server's greeting, gives up after connect_timeout_s; any single wait for data from the
// server (a statement's first row, the next packet of a stream) or to send to it gives up after
// read_timeout_s with MySQL error 2013 "Lost connection" (IsConnectionError: retryable), so a
// server that stops answering never hangs a run.
//
// TLS (source.ssl_mode, ssl_ca, ssl_cert, ssl_key): disabled -> plain text; preferred -> TLS
// when the server offers it; required -> TLS or Connect fails; verify_ca -> as required, and
// the server's certificate must chain to ssl_ca (host name not checked); verify_identity -> as
// verify_ca and the certificate must name the host connected to. ssl_cert/ssl_key are sent when
// the server asks for a client certificate (every mode but disabled). The connector cannot
// enforce `required` and `verify_ca` itself (see mysql_connection.cpp): Connect checks
// Ssl_cipher after connecting for those two.
// Auto-reconnect is off: a lost connection is an error (MySqlError::IsConnectionError), never a
// silent new session without the settings above.
//
// Errors are MySqlError (source/mysql_error.h) carrying the server's message, error code,
// SQLSTATE, host:port/database and the statement's shape; never a password, and values only at
// --log-level trace. Connect() logs its parameters at debug level, without the password.
//
// Thread safety: a MySqlConnection is used by one thread at a time. Connect() may be called
// from several threads at once. While a RowReader (source/row_reader.h) streams from a
// connection, no other statement may run on that connection.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/job_loader.h"
#include "config/job_spec.h"

namespace sql {
class Connection;
}

namespace etl::source {

// One row of a buffered metadata query; std::nullopt is SQL NULL.
using MySqlRow = std::vector<std::optional<std::string>>;

class MySqlConnection {
 public:
  // Takes ownership of an open connector session. `endpoint` is "host:port/database".
  MySqlConnection(std::unique_ptr<sql::Connection> connection, std::string endpoint);
  ~MySqlConnection();
  MySqlConnection(MySqlConnection&&) noexcept;
  MySqlConnection& operator=(MySqlConnection&&) noexcept;
  MySqlConnection(const MySqlConnection&) = delete;
  MySqlConnection& operator=(const MySqlConnection&) = delete;

  // Runs a statement that returns no rows.
  void Exec(const std::string& sql);
  // First column of the first row; std::nullopt when there is no row or the value is NULL.
  std::optional<std::string> QueryScalar(const std::string& sql);
  // All rows, buffered in memory: for metadata and other small results only.
  std::vector<MySqlRow> Query(const std::string& sql);

  // SET SESSION TRANSACTION READ ONLY: later transactions on this session cannot write
  // (used by `plan`, which must write nothing).
  void SetReadOnly();

  // The server's VERSION() string, e.g. "10.11.6-MariaDB-0+deb12u1" (queried once, cached).
  const std::string& server_version();
  bool is_mariadb() { return server_version().find("MariaDB") != std::string::npos; }

  const std::string& endpoint() const { return endpoint_; }
  // The server's id of this session (CONNECTION_ID(), read by Connect): what KillQuery needs.
  std::uint64_t connection_id() const { return connection_id_; }
  void set_connection_id(std::uint64_t id) { connection_id_ = id; }
  // Whether the session is encrypted (TLS), as the server reported it when connecting.
  bool encrypted() const { return encrypted_; }
  void set_encrypted(bool encrypted) { encrypted_ = encrypted; }

  // Called when an unbuffered result stream reports its end. Over TLS, Connector/C++ 1.1 with
  // libmariadb reports a stream that broke (the session killed, a read timeout) as a normal end
  // of the result, silently (measured: next() returns false after part of the rows, no error;
  // in plain text the same faults throw 2013). So on an encrypted session the end is confirmed
  // with a round trip (SELECT 1): a session that is gone throws MySqlError 2013 (a connection
  // error) naming `context`, instead of the rest of the rows being lost without a word. A
  // no-op in plain text.
  void ConfirmStreamEnded(const std::string& context);
  // The connector session, for source/ classes that run their own statements.
  // REQUIRES: the connection is open (not moved from).
  sql::Connection& native();

 private:
  void Close() noexcept;

  std::unique_ptr<sql::Connection> connection_;
  std::string endpoint_;
  std::string server_version_;
  std::uint64_t connection_id_ = 0;
  bool encrypted_ = false;
};

// Opens a session to `source` (password via config::ResolvePassword) and applies the session
// settings described above. Throws MySqlError; std::runtime_error from ResolvePassword when
// the password variable is unset.
MySqlConnection Connect(const config::SourceSpec& source, const config::EnvLookup& env);

// The hard stop of a run that must end now (see sink::StopAllSessions, its PostgreSQL twin):
// ends every MySqlConnection open in this process (KILL CONNECTION, each from a new session on
// a detached thread, so that a server that stopped answering delays nothing here), and makes
// every later Connect fail with MySqlError (1317, SQLSTATE 70100) naming `reason`. The owners
// see their current or next statement fail with a lost connection. Never blocks; any thread.
void StopAllSessions(const std::string& reason) noexcept;
// Lets Connect open sessions again after StopAllSessions (for tests).
void AcceptNewSessions() noexcept;

// Interrupts the statement session `connection_id` is running (KILL QUERY, from a new session
// of its own), so a reader streaming a large unbuffered result stops at once instead of
// draining it; the reader then sees an "interrupted" error. A no-op when the session runs
// nothing. Never throws: a failure is logged (the reader will still finish, only later).
void KillQuery(const config::SourceSpec& source, const config::EnvLookup& env,
               std::uint64_t connection_id) noexcept;

}  // namespace etl::source
