#include "sink/pg_connection.h"

#include <charconv>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/disclosure.h"
#include "sink/statement_shape.h"

namespace etl::sink {
namespace {

constexpr std::size_t kStatementExcerpt = 200;

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

std::int64_t PgResult::AffectedRows() const {
  if (result_ == nullptr) return 0;
  const char* s = PQcmdTuples(result_);
  std::int64_t n = 0;
  if (s != nullptr && *s != '\0') std::from_chars(s, s + std::char_traits<char>::length(s), n);
  return n;
}

PgConnection::PgConnection(PGconn* conn, std::string description)
    : conn_(conn), description_(std::move(description)) {
  if (conn_ != nullptr) PQsetNoticeProcessor(conn_, &LogNotice, nullptr);
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), description_(std::move(other.description_)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    description_ = std::move(other.description_);
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
  return PgError(config::RedactSecrets(msg));
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
  throw PgError(config::RedactSecrets(msg), state);
}

void PgConnection::Exec(std::string_view sql) {
  Query(sql);
}

PgResult PgConnection::Query(std::string_view sql) {
  const std::string text(sql);  // PQexec needs a NUL-terminated string
  return Check(PQexec(conn_, text.c_str()), sql);
}

PgResult PgConnection::ExecParams(std::string_view sql, const std::vector<PgParam>& params) {
  const std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  return Check(PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0),
               sql);
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
      throw PgError("target.session." + name + ": " + e.what(), e.sqlstate());
    }
  }
}

PgConnection Connect(const config::TargetSpec& target, const config::EnvLookup& env,
                     bool apply_session) {
  const std::string password = config::ResolvePassword(target.password, target.password_env, env);
  const std::string port = std::to_string(target.port);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    keys.push_back(k);
    values.push_back(v.c_str());
  };
  const std::string app = "etl";
  const std::string timeout = "10";
  const std::string encoding = "UTF8";
  add("host", target.host);
  add("port", port);
  add("user", target.user);
  add("password", password);
  add("dbname", target.database);
  add("sslmode", target.sslmode);
  add("application_name", app);
  add("connect_timeout", timeout);
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
  PGconn* raw = PQconnectdbParams(keys.data(), values.data(), 0);
  if (raw == nullptr) throw PgError("PostgreSQL " + description + ": out of memory connecting");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string msg = TrimRight(PQerrorMessage(raw));
    PQfinish(raw);
    // Whatever its length (config/disclosure.h): libpq or a server might echo it.
    msg = config::RedactSecrets(config::RedactSecret(msg, password));
    throw PgError("cannot connect to PostgreSQL " + description + " as user \"" + target.user +
                  "\": " + msg);
  }
  PgConnection conn(raw, description);
  if (apply_session) ApplySessionSettings(conn, target.session);
  return conn;
}

}  // namespace etl::sink
