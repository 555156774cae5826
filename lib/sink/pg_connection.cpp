#include "sink/pg_connection.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "config/disclosure.h"
#include "sink/pg_liveness.h"
#include "sink/statement_shape.h"

namespace etl::sink {
namespace {

constexpr std::size_t kStatementExcerpt = 200;
// How often a waiting statement looks at cancellation and silence.
constexpr int kWaitSliceMs = 200;
// How long a cancelled statement may take to stop before its session is closed.
constexpr std::chrono::seconds kCancelGrace{2};
// Multiples of target.connect_timeout_s (see pg_connection.h).
constexpr int kSilenceBeforeProbe = 3;
constexpr int kUnacknowledgedSend = 6;
constexpr int kKeepaliveIdle = 3;
constexpr int kKeepaliveCount = 3;

// Every open session of the process (see StopAllSessions). Keyed by PGconn, which moves of a
// PgConnection keep; an entry is removed before PQfinish closes its socket, so a socket shut
// down here is always one libpq still owns.
struct OpenSessions {
  std::mutex mutex;
  std::unordered_map<PGconn*, std::shared_ptr<PgCanceller>> sessions;
  std::string stopping;  // the reason, once StopAllSessions ran
};

OpenSessions& Open() {
  static OpenSessions open;
  return open;
}

void Track(PGconn* conn, std::shared_ptr<PgCanceller> canceller) {
  std::lock_guard lock(Open().mutex);
  Open().sessions.emplace(conn, std::move(canceller));
}

void Finish(PGconn* conn) {
  if (conn == nullptr) return;
  {
    std::lock_guard lock(Open().mutex);
    Open().sessions.erase(conn);
  }
  PQfinish(conn);
}

bool IsError(ExecStatusType s) {
  return s == PGRES_FATAL_ERROR || s == PGRES_BAD_RESPONSE || s == PGRES_NONFATAL_ERROR;
}

bool IsCopyState(ExecStatusType s) {
  return s == PGRES_COPY_IN || s == PGRES_COPY_OUT || s == PGRES_COPY_BOTH;
}

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

// The statement as errors show it: its shape unless --log-level trace (statement_shape.h).
std::string Excerpt(std::string_view sql) {
  const std::string shown = StatementForLog(sql);
  if (shown.size() <= kStatementExcerpt) return shown;
  return shown.substr(0, kStatementExcerpt) + "...";
}

std::string ErrorField(const PGresult* r, int field) {
  const char* v = PQresultErrorField(r, field);
  return v == nullptr ? std::string() : TrimRight(v);
}

void AppendField(std::string& out, const std::string& value, const char* label) {
  if (value.empty()) return;
  out += "; ";
  out += label;
  out += ": ";
  out += value;
}

void LogNotice(void* /*arg*/, const char* message) {
  spdlog::debug("PostgreSQL notice: {}", TrimRight(message ? message : ""));
}

bool IsValidSettingName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return name.front() != '.' && name.back() != '.';
}

}  // namespace

bool PgError::IsConnectionError() const {
  if (connection_lost_) return true;
  if (sqlstate_.rfind("08", 0) == 0) return true;  // class 08: connection exception
  return sqlstate_ == "57P01" || sqlstate_ == "57P02" || sqlstate_ == "57P03";
}

bool PgError::IsSerializationFailure() const {
  return sqlstate_ == "40001" || sqlstate_ == "40P01";
}

PgCanceller::~PgCanceller() {
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
}

void PgCanceller::Cancel() noexcept {
  std::chrono::steady_clock::rep unset = 0;
  requested_at_ns_.compare_exchange_strong(
      unset, std::chrono::steady_clock::now().time_since_epoch().count());
  if (cancel_ == nullptr) return;
  try {
    std::thread([self = shared_from_this()] {
      char error[256] = {0};
      if (PQcancel(self->cancel_, error, sizeof error) == 0) {
        spdlog::debug("PostgreSQL cancel request failed: {}", TrimRight(error));
      }
    }).detach();
  } catch (const std::exception& e) {
    spdlog::warn("could not send a PostgreSQL cancel request: {}", e.what());
  }
}

std::int64_t PgResult::AffectedRows() const {
  if (result_ == nullptr) return 0;
  const char* s = PQcmdTuples(result_);
  std::int64_t n = 0;
  if (s != nullptr && *s != '\0') std::from_chars(s, s + std::char_traits<char>::length(s), n);
  return n;
}

PgConnection::PgConnection(PGconn* conn, std::string description)
    : conn_(conn), description_(std::move(description)) {
  if (conn_ == nullptr) return;
  PQsetNoticeProcessor(conn_, &LogNotice, nullptr);
  canceller_ = std::make_shared<PgCanceller>(PQgetCancel(conn_));
  Track(conn_, canceller_);
}

PgConnection::~PgConnection() {
  Finish(conn_);
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      description_(std::move(other.description_)),
      canceller_(std::move(other.canceller_)),
      liveness_(std::exchange(other.liveness_, std::nullopt)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    Finish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    description_ = std::move(other.description_);
    canceller_ = std::move(other.canceller_);
    liveness_ = std::exchange(other.liveness_, std::nullopt);
  }
  return *this;
}

bool PgConnection::in_transaction() const {
  const PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

PgError PgConnection::ConnectionError(std::string_view what) const {
  std::string msg = "PostgreSQL " + description_ + ": " + std::string(what);
  const char* err = conn_ ? PQerrorMessage(conn_) : nullptr;
  if (err != nullptr && *err != '\0') msg += ": " + TrimRight(err);
  return PgError(config::RedactSecrets(msg), "",
                 conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD);
}

PgResult PgConnection::Check(PGresult* raw, std::string_view statement) const {
  PgResult result(raw);
  if (!result) {
    throw ConnectionError("no result (connection lost?) for statement: " + Excerpt(statement));
  }
  switch (result.status()) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_EMPTY_QUERY:
    case PGRES_SINGLE_TUPLE:
    case PGRES_PIPELINE_SYNC:
      return result;
    default:
      break;
  }
  const std::string state = ErrorField(result.get(), PG_DIAG_SQLSTATE);
  ErrorFields fields;
  fields.primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY) != nullptr
                       ? ErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY)
                       : TrimRight(PQresultErrorMessage(result.get()));
  fields.detail = ErrorField(result.get(), PG_DIAG_MESSAGE_DETAIL);
  fields.hint = ErrorField(result.get(), PG_DIAG_MESSAGE_HINT);
  fields.context = ErrorField(result.get(), PG_DIAG_CONTEXT);
  MaskErrorFields(fields, state);  // row values the server quotes back (statement_shape.h)
  std::string msg = "PostgreSQL " + description_ + ": " + fields.primary;
  if (!state.empty()) msg += " [SQLSTATE " + state + "]";
  AppendField(msg, fields.detail, "DETAIL");
  AppendField(msg, fields.hint, "HINT");
  AppendField(msg, fields.context, "CONTEXT");
  if (!statement.empty()) msg += "; statement: " + Excerpt(statement);
  throw PgError(config::RedactSecrets(msg), state, PQstatus(conn_) == CONNECTION_BAD);
}

void PgConnection::Sever() noexcept {
  const int fd = PQsocket(conn_);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  // Let libpq read the end of the stream now: the connection turns CONNECTION_BAD, so a
  // Transaction's ROLLBACK does not try to talk to it.
  PQconsumeInput(conn_);
  while (PGresult* r = PQgetResult(conn_))
    PQclear(r);
}

void PgConnection::WaitWhileBusy(std::string_view statement) {
  using Clock = std::chrono::steady_clock;
  auto last_heard = Clock::now();
  while (PQisBusy(conn_) != 0) {
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    if (pfd.fd < 0) return;  // no connection: PQgetResult reports why
    const int ready = ::poll(&pfd, 1, kWaitSliceMs);
    if (ready > 0 || (ready < 0 && errno != EINTR)) {
      if (PQconsumeInput(conn_) == 0) return;  // the connection failed: PQgetResult says how
      last_heard = Clock::now();
      continue;
    }
    const auto now = Clock::now();
    if (canceller_ && canceller_->requested() && now - canceller_->requested_at() > kCancelGrace) {
      Sever();
      throw PgError(fmt::format("PostgreSQL {}: the statement did not stop within {} s of being "
                                "cancelled; its session was closed (statement: {})",
                                description_, kCancelGrace.count(), Excerpt(statement)),
                    "57014", true);
    }
    if (!liveness_) continue;
    const auto silence = std::chrono::seconds(kSilenceBeforeProbe * liveness_->connect_timeout_s);
    if (now - last_heard < silence) continue;
    if (PingServer(*liveness_) == PgServerState::kSilent) {
      const double waited = std::chrono::duration<double>(Clock::now() - last_heard).count();
      Sever();
      throw PgError(
          fmt::format("PostgreSQL {}: the server has sent nothing for {:.0f} s and does "
                      "not answer a new connection within {} s (target.connect_timeout_s)"
                      "; its session was closed (statement: {})",
                      description_, waited, liveness_->connect_timeout_s, Excerpt(statement)),
          "", true);
    }
    last_heard = Clock::now();  // it answers: a long statement; ask again after another silence
  }
}

PgResult PgConnection::AwaitResult(std::string_view statement) {
  PgResult last;
  PgResult error;
  for (;;) {
    WaitWhileBusy(statement);
    PgResult r(PQgetResult(conn_));
    if (!r) break;
    if (IsCopyState(r.status())) return r;  // the caller goes on with the COPY
    if (IsError(r.status())) {
      if (!error) error = std::move(r);
    } else {
      last = std::move(r);
    }
    if (PQstatus(conn_) == CONNECTION_BAD) break;
  }
  if (error) return Check(error.release(), statement);  // throws
  return Check(last.release(), statement);
}

void PgConnection::Exec(std::string_view sql) {
  Query(sql);
}

PgResult PgConnection::Query(std::string_view sql) {
  const std::string text(sql);  // libpq needs a NUL-terminated string
  if (PQsendQuery(conn_, text.c_str()) == 0) return Check(nullptr, sql);
  return AwaitResult(sql);
}

PgResult PgConnection::ExecParams(std::string_view sql, const std::vector<PgParam>& params) {
  const std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  if (PQsendQueryParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                        values.data(), nullptr, nullptr, 0) == 0) {
    return Check(nullptr, sql);
  }
  return AwaitResult(sql);
}

Transaction::Transaction(PgConnection& conn) : conn_(conn) {
  conn_.Exec("BEGIN");
  active_ = true;
}

Transaction::~Transaction() {
  if (!active_) return;
  try {
    Rollback();
  } catch (const std::exception& e) {
    spdlog::warn("rollback failed: {}", e.what());
  }
}

void Transaction::Commit() {
  if (!active_) throw PgError("PostgreSQL " + conn_.description() + ": no transaction to commit");
  active_ = false;  // whatever COMMIT does, the transaction is over
  PgResult r = conn_.Query("COMMIT");
  // COMMIT of a failed transaction "succeeds" with the tag ROLLBACK: report it as a failure.
  if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
    throw PgError("PostgreSQL " + conn_.description() +
                      ": COMMIT rolled back: the transaction had failed earlier",
                  "25P02");
  }
}

void Transaction::Rollback() {
  if (!active_) return;
  active_ = false;
  if (PQstatus(conn_.get()) != CONNECTION_OK) return;  // the server already dropped it
  conn_.Exec("ROLLBACK");
}

void ApplySessionSettings(PgConnection& conn, const config::SessionSettings& settings) {
  for (const auto& [name, value] : settings) {
    if (!IsValidSettingName(name)) {
      throw PgError("target.session." + name +
                    ": not a valid PostgreSQL setting name (expected letters, digits, _ and .)");
    }
    try {
      // set_config(name, value, false) is SET name = value, with both passed as parameters.
      conn.ExecParams("SELECT pg_catalog.set_config($1, $2, false)", {name, value});
    } catch (const PgError& e) {
      throw PgError("target.session." + name + ": " + e.what(), e.sqlstate(), e.connection_lost());
    }
  }
}

void StopAllSessions(const std::string& reason) noexcept {
  std::lock_guard lock(Open().mutex);
  Open().stopping = reason.empty() ? std::string("etl is stopping") : reason;
  for (const auto& [conn, canceller] : Open().sessions) {
    // The cancel stops a statement the server is busy with (a backend does not notice a closed
    // socket until it reads from it); closing the socket ends the session and its transaction.
    canceller->Cancel();
    const int fd = PQsocket(conn);
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }
  if (!Open().sessions.empty()) {
    spdlog::warn("closed {} PostgreSQL session(s): {}", Open().sessions.size(), Open().stopping);
  }
}

void AcceptNewSessions() noexcept {
  std::lock_guard lock(Open().mutex);
  Open().stopping.clear();
}

PgConnection Connect(const config::TargetSpec& target, const config::EnvLookup& env,
                     bool apply_session) {
  {
    std::lock_guard lock(Open().mutex);
    if (!Open().stopping.empty()) {
      throw PgError("not connecting to PostgreSQL " + target.host + ":" +
                        std::to_string(target.port) + "/" + target.database + ": " +
                        Open().stopping,
                    "57014");
    }
  }
  const std::string password = config::ResolvePassword(target.password, target.password_env, env);
  const std::string port = std::to_string(target.port);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    keys.push_back(k);
    values.push_back(v.c_str());
  };
  const int t = target.connect_timeout_s;
  const std::string app = "etl";
  const std::string timeout = std::to_string(t);
  const std::string encoding = "UTF8";
  const std::string on = "1";
  const std::string idle = std::to_string(kKeepaliveIdle * t);
  const std::string count = std::to_string(kKeepaliveCount);
  const std::string user_timeout_ms = std::to_string(kUnacknowledgedSend * t * 1000);
  add("host", target.host);
  add("port", port);
  add("user", target.user);
  add("password", password);
  add("dbname", target.database);
  add("sslmode", target.sslmode);
  add("sslrootcert", target.sslrootcert);
  add("sslcert", target.sslcert);
  add("sslkey", target.sslkey);
  add("application_name", app);
  add("connect_timeout", timeout);
  add("keepalives", on);
  add("keepalives_idle", idle);
  add("keepalives_interval", timeout);
  add("keepalives_count", count);
  add("tcp_user_timeout", user_timeout_ms);
  add("client_encoding", encoding);
  keys.push_back(nullptr);
  values.push_back(nullptr);

  const std::string description = target.host + ":" + port + "/" + target.database;
  // The connection string as a log may show it: every parameter but the password.
  if (spdlog::should_log(spdlog::level::debug)) {
    std::string shown;
    for (std::size_t i = 0; keys[i] != nullptr; ++i) {
      if (std::string_view(keys[i]) == "password") continue;
      shown += fmt::format("{}{}={}", shown.empty() ? "" : " ", keys[i], values[i]);
    }
    spdlog::debug("connecting to PostgreSQL: {} (password {})", shown,
                  password.empty()  ? "none"
                  : target.password ? "inline"
                                    : "from $" + target.password_env);
  }
  PgLiveness liveness = LivenessFor(target);
  const auto started = std::chrono::steady_clock::now();
  PGconn* raw = PQconnectdbParams(keys.data(), values.data(), 0);
  if (raw == nullptr) throw PgError("PostgreSQL " + description + ": out of memory connecting");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string msg = TrimRight(PQerrorMessage(raw));
    PQfinish(raw);
    // Whatever its length (config/disclosure.h): libpq or a server might echo it.
    msg = config::RedactSecrets(config::RedactSecret(msg, password));
    // libpq gives no SQLSTATE for a failed connection; whether the server is away (worth
    // another try) or refused us (never) is asked of the server itself, unless connecting
    // already took the whole timeout. libpq waits at least 2 s whatever the timeout.
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string sqlstate;
    bool away = waited >= std::max(t, 2) - 0.25;
    if (!away) {
      switch (PingServer(liveness)) {
        case PgServerState::kAnswers:
          break;
        case PgServerState::kNotAccepting:
          sqlstate = "57P03";
          away = true;
          break;
        case PgServerState::kSilent:
          away = true;
          break;
      }
    }
    throw PgError(
        "cannot connect to PostgreSQL " + description + " as user \"" + target.user + "\": " + msg,
        sqlstate, away);
  }
  PgConnection conn(raw, description);
  conn.set_liveness(std::move(liveness));
  if (apply_session) ApplySessionSettings(conn, target.session);
  return conn;
}

}  // namespace etl::sink
