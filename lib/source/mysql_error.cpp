#include "source/mysql_error.h"

#include <cppconn/exception.h>

#include "config/disclosure.h"
#include "source/statement_shape.h"

namespace etl::source {

bool MySqlError::IsConnectionError() const {
  switch (code_) {
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
      return true;
    case 2026:  // CR_SSL_CONNECTION_ERROR
      return !connecting_;
    case 0: {
      // Connector-side failures carry no code; only their text says the session is gone.
      const std::string_view text = what();
      if (text.find("Lost connection") != std::string_view::npos ||
          text.find("server has gone away") != std::string_view::npos) {
        return true;
      }
      break;
    }
    default:
      break;
  }
  return sqlstate_.rfind("08", 0) == 0;  // SQLSTATE class 08: connection exception
}

bool MySqlError::IsSerializationFailure() const {
  return code_ == 1213 || sqlstate_ == "40001";  // ER_LOCK_DEADLOCK
}

MySqlError FromConnector(const sql::SQLException& e, std::string_view doing,
                         std::string_view endpoint, std::string_view secret,
                         std::string_view statement, bool connecting) {
  std::string server_message = MaskServerMessage(e.what(), statement, e.getSQLState());
  server_message = config::RedactSecrets(config::RedactSecret(server_message, secret));
  if (server_message.empty()) server_message = "unknown connector error";
  std::string message(doing);
  message += ": ";
  message += server_message;
  message += " (MySQL error " + std::to_string(e.getErrorCode());
  if (!e.getSQLState().empty()) message += ", SQLSTATE " + e.getSQLState();
  message += ") [";
  message += endpoint;
  message += "]";
  if (!statement.empty()) message += "; statement: " + StatementForLog(statement);
  return MySqlError(config::RedactSecrets(message), e.getErrorCode(), e.getSQLState(), connecting);
}

}  // namespace etl::source
