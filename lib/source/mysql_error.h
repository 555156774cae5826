#pragma once
// MySqlError: every failure that comes from MySQL/MariaDB or from the connector.
//
// what() reads "<what was being done>: <the server's own message> (MySQL error <code>,
// SQLSTATE <state>) [<host>:<port>/<database>]", e.g.
//   "connecting: Access denied for user 'etl'@'localhost' (using password: YES)
//    (MySQL error 1045, SQLSTATE 28000) [127.0.0.1:3306/shop]".
// It never contains a password: the connection layer never puts one in the context, and
// FromConnector() masks every registered secret (config/disclosure.h) and the one it is given
// should the connector ever echo them, whatever their length. Nor does it show values: a
// statement appears by its shape, and values the server quotes are masked
// (source/statement_shape.h), except at --log-level trace.

#include <stdexcept>
#include <string>
#include <string_view>

namespace sql {
class SQLException;
}

namespace etl::source {

class MySqlError : public std::runtime_error {
 public:
  // `connecting`: the failure happened while the session was being opened (a TLS error then
  // is a handshake or certificate problem, never retried; on an open session it means the
  // encrypted stream broke).
  MySqlError(const std::string& message, int code, std::string sqlstate, bool connecting = false)
      : std::runtime_error(message),
        code_(code),
        sqlstate_(std::move(sqlstate)),
        connecting_(connecting) {}

  int code() const { return code_; }                         // 0 when not from the server
  const std::string& sqlstate() const { return sqlstate_; }  // "" when unknown

  // The connection itself is gone or could not be made because the server is away: server
  // gone or lost mid-query (2006, 2013, 2055: also what a read timeout gives), cannot connect
  // (2002, 2003), server shutting down (1053), the session killed by KILL (1927 from MariaDB,
  // 4031 from MySQL's idle disconnect), a TLS error (2026) on a session that was open (what a
  // KILL or a dropped link gives when the session is encrypted: "unexpected eof while
  // reading"), any SQLSTATE of class 08, and connector errors without a code that say "Lost
  // connection" / "gone away". The session is unusable; a new connection may succeed.
  // Everything else is not: access denied (1045, SQLSTATE 28000), unknown database, syntax
  // errors, a statement stopped by KILL QUERY (1317: that is how etl cancels its own
  // statements), TLS failures while connecting (2026: handshake, certificate, host name).
  bool IsConnectionError() const;
  // A deadlock or serialization failure (1213, SQLSTATE 40001): the transaction was rolled back
  // by the server and running it again is safe. The session stays usable.
  bool IsSerializationFailure() const;

 private:
  int code_;
  std::string sqlstate_;
  bool connecting_ = false;
};

// Builds the error for a connector exception. `doing` says what was being done ("reading
// shop.orders"), `endpoint` is "host:port/database". Occurrences of `secret` (when non-empty)
// and of every registered secret in the connector's message are replaced by "***". With a
// `statement`, the message names it ("; statement: <StatementForLog>") and the server's message
// is masked with MaskServerMessage. `connecting`: see MySqlError.
MySqlError FromConnector(const sql::SQLException& e, std::string_view doing,
                         std::string_view endpoint, std::string_view secret = {},
                         std::string_view statement = {}, bool connecting = false);

}  // namespace etl::source
