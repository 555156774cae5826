#include "sink/pg_connection.h"

#include <charconv>
#include <utility>

#include <spdlog/spdlog.h>

namespace etl::sink {
namespace {

constexpr std::size_t kStatementExcerpt = 200;

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

std::string Excerpt(std::string_view sql) {
  if (sql.size() <= kStatementExcerpt) return std::string(sql);
  return std::string(sql.substr(0, kStatementExcerpt)) + "...";
}

void AppendField(std::string& out, const PGresult* r, int field, const char* label) {
  const char* v = PQresultErrorField(r, field);
  if (v != nullptr && *v != '\0') {
    out += "; ";
    out += label;
    out += ": ";
    out += TrimRight(v);
  }
}

void LogNotice(void* /*arg*/, const char* message) {
  spdlog::debug("PostgreSQL notice: {}", TrimRight(message ? message : ""));
}

void ReplaceAll(std::string& s, const std::string& needle, const std::string& with) {
  if (needle.empty()) return;
  for (std::size_t pos = s.find(needle); pos != std::string::npos;
       pos = s.find(needle, pos + with.size())) {
    s.replace(pos, needle.size(), with);
  }
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
  return PgError(msg);
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
  const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
  std::string msg = "PostgreSQL " + description_ + ": ";
  if (primary != nullptr) {
    msg += TrimRight(primary);
  } else {
    msg += TrimRight(PQresultErrorMessage(result.get()));
  }
  if (state != nullptr) msg += std::string(" [SQLSTATE ") + state + "]";
  AppendField(msg, result.get(), PG_DIAG_MESSAGE_DETAIL, "DETAIL");
  AppendField(msg, result.get(), PG_DIAG_MESSAGE_HINT, "HINT");
  AppendField(msg, result.get(), PG_DIAG_CONTEXT, "CONTEXT");
  if (!statement.empty()) msg += "; statement: " + Excerpt(statement);
  throw PgError(msg, state ? state : "");
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
  PGconn* raw = PQconnectdbParams(keys.data(), values.data(), 0);
  if (raw == nullptr) throw PgError("PostgreSQL " + description + ": out of memory connecting");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string msg = TrimRight(PQerrorMessage(raw));
    PQfinish(raw);
    if (password.size() >= 3) ReplaceAll(msg, password, "***");
    throw PgError("cannot connect to PostgreSQL " + description + " as user \"" + target.user +
                  "\": " + msg);
  }
  PgConnection conn(raw, description);
  if (apply_session) ApplySessionSettings(conn, target.session);
  return conn;
}

}  // namespace etl::sink
