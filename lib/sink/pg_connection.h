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
//
// Never hanging (target.connect_timeout_s = T, 10 by default). The bounds, measured against a
// server stopped with SIGSTOP (whose kernel still completes TCP handshakes, ACKs what it
// receives and answers keepalives, so TCP alone never notices):
//   connecting                    fails after T (libpq connect_timeout; libpq treats T < 2 as 2)
//   sending (COPY data, a query)  the socket is closed by the kernel once what was sent stays
//                                 unacknowledged, or the server's receive window stays closed,
//                                 for 6T (TCP_USER_TIMEOUT, libpq tcp_user_timeout)
//   a peer that vanished          keepalives after 3T idle, every T, 3 probes: closed after 6T
//   waiting for a result          every statement run through this class (Exec, Query,
//                                 ExecParams, AwaitResult) waits on the socket itself; after 3T
//                                 without a byte from the server it asks whether the server
//                                 still answers a new connection (PQping, bounded by T). When it
//                                 does not, the session's socket is closed and PgError with
//                                 connection_lost() is thrown: about 4T after the server
//                                 stopped. A server that answers the probe (a long CREATE INDEX)
//                                 is waited for as long as it takes.
// PQexec/PQgetResult called directly on get() wait without these bounds (only the TCP ones).
//
// Cancelling: canceller() may be called from any thread (see PgCanceller); once it was asked to
// cancel, a wait that the server does not end within kCancelGrace (2 s) closes the socket.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
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
  explicit PgError(const std::string& message, std::string sqlstate = "",
                   bool connection_lost = false)
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        connection_lost_(connection_lost) {}
  // Five-character SQLSTATE ("23505"), or "" when the failure did not come from the server
  // (e.g. the connection could not be opened or was lost).
  const std::string& sqlstate() const { return sqlstate_; }
  // The session is unusable (libpq CONNECTION_BAD after the failure: the server closed it, the
  // socket failed, or this class closed it because the server stopped answering), or it could
  // not be opened because the server did not answer or did not accept connections at the time
  // (not: wrong password, unknown database, pg_hba refusal, TLS verification failure).
  bool connection_lost() const { return connection_lost_; }

  // connection_lost(), or a SQLSTATE saying the server ended or refused the session: class 08
  // (connection exception), 57P01 admin_shutdown (pg_terminate_backend, fast shutdown), 57P02
  // crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down, recovering). A new
  // connection may succeed.
  bool IsConnectionError() const;
  // 40001 serialization_failure or 40P01 deadlock_detected: the server rolled the transaction
  // back and running it again is safe. The session stays usable.
  bool IsSerializationFailure() const;

 private:
  std::string sqlstate_;
  bool connection_lost_ = false;
};

// Asks the server to cancel whatever statement one connection runs (PQcancel), from any
// thread, at any time, as often as wanted; shared by the connection and whoever may cancel it,
// so it stays valid if the connection goes first. Cancel() never blocks: PQcancel waits until
// the server closes its request connection, which a stopped server never does, so the request
// is sent from a short-lived detached thread. A cancelled statement fails with SQLSTATE 57014
// (or, past the grace period, with connection_lost()).
class PgCanceller : public std::enable_shared_from_this<PgCanceller> {
 public:
  explicit PgCanceller(PGcancel* cancel) : cancel_(cancel) {}
  ~PgCanceller();
  PgCanceller(const PgCanceller&) = delete;
  PgCanceller& operator=(const PgCanceller&) = delete;

  void Cancel() noexcept;
  bool requested() const { return requested_at_ns_.load() != 0; }
  // When Cancel() was first called; only meaningful when requested().
  std::chrono::steady_clock::time_point requested_at() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(requested_at_ns_.load()));
  }

 private:
  PGcancel* cancel_;
  std::atomic<std::chrono::steady_clock::rep> requested_at_ns_{0};
};

// How a connection checks, while it waits, that its server still answers (see the top).
struct PgLiveness {
  std::vector<std::pair<std::string, std::string>> ping_params;  // PQpingParams keywords
  int connect_timeout_s = 10;
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
  // Cancels this connection's statements from any thread (null for an empty connection).
  const std::shared_ptr<PgCanceller>& canceller() const { return canceller_; }
  void set_liveness(PgLiveness liveness) { liveness_ = std::move(liveness); }
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
  // For callers that sent a statement themselves (PQsendQuery..., PQputCopyEnd): waits within
  // the bounds above until the server has answered, then returns the result as Query would
  // (the last result, or the first error thrown as PgError; a COPY IN/OUT result is returned at
  // once, leaving the connection in COPY state).
  PgResult AwaitResult(std::string_view statement);
  // The PgError for the connection's current error message (no result available).
  PgError ConnectionError(std::string_view what) const;

 private:
  // Waits until a result is ready without blocking in libpq (see the top for the bounds).
  void WaitWhileBusy(std::string_view statement);
  // Closes the socket so that libpq, and the server, see the session end at once.
  void Sever() noexcept;

  PGconn* conn_ = nullptr;
  std::string description_;
  std::shared_ptr<PgCanceller> canceller_;
  std::optional<PgLiveness> liveness_;
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
// dbname, sslmode with sslrootcert/sslcert/sslkey when given, application_name=etl,
// connect_timeout, keepalives and tcp_user_timeout from target.connect_timeout_s (see the top),
// client_encoding=UTF8. A failure to connect is connection_lost() when the server did not
// answer in time, or answered that it does not accept connections now; when it answered and
// refused (credentials, database, pg_hba, TLS verification) it is not.
// With `apply_session`, then applies every target.session setting in order (as SET would,
// via set_config so the value is never spliced into SQL); a setting name must match
// [A-Za-z0-9_.]+ or PgError is thrown naming it.
// Throws PgError (server message, host:port/db, user; never the password), or
// std::runtime_error from ResolvePassword when the password variable is unset.
PgConnection Connect(const config::TargetSpec& target, const config::EnvLookup& env,
                     bool apply_session);

// The hard stop of a run that must end now (pipeline/job_runner.h, after a signal, once the
// loads had their chance to stop by themselves): cancels the statement of every PgConnection
// open in this process and closes its socket, so each server rolls back that session's
// transaction and releases its locks (the job lock included) at once, and makes every later Connect
// fail with PgError (SQLSTATE 57014) naming `reason`. The owners see their next or current
// statement fail with connection_lost(). Never blocks; any thread.
void StopAllSessions(const std::string& reason) noexcept;
// Lets Connect open sessions again after StopAllSessions (for tests).
void AcceptNewSessions() noexcept;

// Applies `SET name = value` for each setting (see Connect). Throws PgError naming the setting.
void ApplySessionSettings(PgConnection& conn, const config::SessionSettings& settings);

}  // namespace etl::sink
