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
  MySqlError(const std::string& message, int code, std::string sqlstate)
      : std::runtime_error(message), code_(code), sqlstate_(std::move(sqlstate)) {}

  int code() const { return code_; }                         // 0 when not from the server
  const std::string& sqlstate() const { return sqlstate_; }  // "" when unknown

  // The connection itself is gone (server went away, lost during query, cannot connect):
  // retrying on a new connection may succeed. Query errors (syntax, missing table) are not.
  bool IsConnectionError() const;

 private:
  int code_;
  std::string sqlstate_;
};

// Builds the error for a connector exception. `doing` says what was being done ("reading
// shop.orders"), `endpoint` is "host:port/database". Occurrences of `secret` (when non-empty)
// and of every registered secret in the connector's message are replaced by "***". With a
// `statement`, the message names it ("; statement: <StatementForLog>") and the server's message
// is masked with MaskServerMessage.
MySqlError FromConnector(const sql::SQLException& e, std::string_view doing,
                         std::string_view endpoint, std::string_view secret = {},
                         std::string_view statement = {});

}  // namespace etl::source
