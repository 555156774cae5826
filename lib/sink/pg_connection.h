#pragma once
// A PostgreSQL connection (libpq) and its results, as move-only RAII objects.
//
// PgConnection owns one PGconn (PQfinish on destruction); PgResult owns one PGresult (PQclear).
// Neither is copyable; both are movable, and a moved-from object is empty.
//
// Errors: every failure throws PgError. Its what() names the server (host:port/database), the
// SQLSTATE, the server's own message with DETAIL/HINT/CONTEXT when present, and the first 200
// characters of the statement's shape. It never contains a password (any registered secret is
// masked, config/disclosure.h; Connect() also scrubs its own from libpq's message whatever its
// length), nor, below --log-level trace, values: the statement is shown by its shape and the
// row values PostgreSQL quotes back are masked (sink/statement_shape.h). Connect() logs the
// connection parameters at debug level, without the password.
//
// Threads: a PgConnection is used by one thread at a time (libpq's rule); different connections
// may be used from different threads.
//
// Server NOTICEs (e.g. "schema ... already exists, skipping") go to the debug log, not stderr.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "config/job_loader.h"
#include "config/job_spec.h"

namespace etl::sink {

class PgError : public std::runtime_error {
 public:
  explicit PgError(const std::string& message, std::string sqlstate = "")
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  // Five-character SQLSTATE ("23505"), or "" when the failure did not come from the server
  // (e.g. the connection could not be opened or was lost).
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* result) : result_(result) {}
  ~PgResult() { Reset(); }
  PgResult(PgResult&& other) noexcept : result_(other.release()) {}
  PgResult& operator=(PgResult&& other) noexcept {
    if (this != &other) {
      Reset();
      result_ = other.release();
    }
    return *this;
  }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  explicit operator bool() const { return result_ != nullptr; }
  PGresult* get() const { return result_; }
  PGresult* release() {
    PGresult* r = result_;
    result_ = nullptr;
    return r;
  }
  ExecStatusType status() const { return PQresultStatus(result_); }

  int rows() const { return PQntuples(result_); }
  int columns() const { return PQnfields(result_); }
  bool IsNull(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }
  // The value in text form ("" for NULL; check IsNull). Valid while this PgResult lives.
  std::string_view Value(int row, int col) const {
    return std::string_view(PQgetvalue(result_, row, col),
                            static_cast<std::size_t>(PQgetlength(result_, row, col)));
  }
  std::string String(int row, int col) const { return std::string(Value(row, col)); }
  // Rows affected by INSERT/UPDATE/DELETE/COPY (PQcmdTuples), 0 when not applicable.
  std::int64_t AffectedRows() const;

 private:
  void Reset() {
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
  }
  PGresult* result_ = nullptr;
};

// A text-format query parameter; std::nullopt is SQL NULL.
using PgParam = std::optional<std::string>;

class PgConnection {
 public:
  PgConnection() = default;
  // Takes ownership of an open connection. `description` ("host:port/db") prefixes errors.
  PgConnection(PGconn* conn, std::string description);
  ~PgConnection();
  PgConnection(PgConnection&& other) noexcept;
  PgConnection& operator=(PgConnection&& other) noexcept;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  explicit operator bool() const { return conn_ != nullptr; }
  PGconn* get() const { return conn_; }
  const std::string& description() const { return description_; }
  int server_version() const { return PQserverVersion(conn_); }  // e.g. 150004
  bool in_transaction() const;  // inside BEGIN (including a failed one)

  // Runs one or more statements without parameters; throws PgError on failure.
  void Exec(std::string_view sql);
  // Runs `sql` and returns its result (rows or command status); throws PgError on failure.
  PgResult Query(std::string_view sql);
  // Runs one statement with $1.. parameters in text format; throws PgError on failure.
  PgResult ExecParams(std::string_view sql, const std::vector<PgParam>& params);

  // Turns a result libpq handed back for `statement` into a PgResult, or throws PgError when
  // it is an error (or null: the connection failed). For callers using libpq directly.
  PgResult Check(PGresult* raw, std::string_view statement) const;
  // The PgError for the connection's current error message (no result available).
  PgError ConnectionError(std::string_view what) const;

 private:
  PGconn* conn_ = nullptr;
  std::string description_;
};

// BEGIN on construction; ROLLBACK on destruction unless Commit() ran. The destructor never
// throws (a rollback failure on a broken connection is logged and ignored).
// REQUIRES: the connection outlives the Transaction and is not already in a transaction.
class Transaction {
 public:
  explicit Transaction(PgConnection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit();
  void Rollback();  // explicit rollback; no-op when already finished
  bool active() const { return active_; }

 private:
  PgConnection& conn_;
  bool active_ = false;
};

// Opens a connection to the target: host, port, user, password (config::ResolvePassword),
// dbname, sslmode, application_name=etl, connect_timeout=10, client_encoding=UTF8.
// With `apply_session`, then applies every target.session setting in order (as SET would,
// via set_config so the value is never spliced into SQL); a setting name must match
// [A-Za-z0-9_.]+ or PgError is thrown naming it.
// Throws PgError (server message, host:port/db, user; never the password), or
// std::runtime_error from ResolvePassword when the password variable is unset.
PgConnection Connect(const config::TargetSpec& target, const config::EnvLookup& env,
                     bool apply_session);

// Applies `SET name = value` for each setting (see Connect). Throws PgError naming the setting.
void ApplySessionSettings(PgConnection& conn, const config::SessionSettings& settings);

}  // namespace etl::sink
