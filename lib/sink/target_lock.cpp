#include "sink/target_lock.h"

#include <charconv>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sink/pg_quote.h"

namespace etl::sink {
namespace {

constexpr std::size_t kMaxApplicationName = 63;  // NAMEDATALEN - 1
constexpr auto kFirstPoll = std::chrono::milliseconds(100);
constexpr auto kMaxPoll = std::chrono::milliseconds(1000);

std::string Int(std::int64_t v) {
  return std::to_string(v);
}

// pg_locks shows the two int4 keys as oids (unsigned 32-bit).
std::string AsOid(std::int32_t key) {
  return std::to_string(static_cast<std::uint32_t>(key));
}

bool TryLock(PgConnection& conn, std::int32_t key) {
  auto r = conn.ExecParams("SELECT pg_try_advisory_lock($1::int4, $2::int4)",
                           {Int(kTargetLockClass), Int(key)});
  return r.Value(0, 0) == "t";
}

std::optional<LockHolder> FindHolder(PgConnection& conn, std::int32_t key) {
  auto r = conn.ExecParams(
      "SELECT l.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),"
      " coalesce(to_char(coalesce(a.query_start, a.backend_start) AT TIME ZONE 'UTC',"
      " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
      " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
      " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2"
      " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
      " AND l.classid = $1::oid AND l.objid = $2::oid AND l.pid IS DISTINCT FROM pg_backend_pid()",
      {AsOid(kTargetLockClass), AsOid(key)});
  if (r.rows() == 0) return std::nullopt;
  LockHolder h;
  std::from_chars(r.Value(0, 0).data(), r.Value(0, 0).data() + r.Value(0, 0).size(), h.backend_pid);
  h.application_name = r.String(0, 1);
  h.client_addr = r.String(0, 2);
  h.since = r.String(0, 3);
  ParseHolderName(h.application_name, h);
  return h;
}

}  // namespace

std::string HolderName(const LockOwner& owner) {
  std::string name = fmt::format("etl {} {}@", owner.run_id, owner.pid);
  if (name.size() >= kMaxApplicationName) return name.substr(0, kMaxApplicationName);
  return name + owner.host.substr(0, kMaxApplicationName - name.size());
}

bool ParseHolderName(const std::string& application_name, LockHolder& holder) {
  // etl <run_id> <pid>@<host>
  if (application_name.rfind("etl ", 0) != 0) return false;
  const auto space = application_name.find(' ', 4);
  const auto at = application_name.find('@', space == std::string::npos ? 0 : space);
  if (space == std::string::npos || at == std::string::npos || space == 4) return false;
  long pid = 0;
  const char* begin = application_name.data() + space + 1;
  const char* end = application_name.data() + at;
  const auto [ptr, ec] = std::from_chars(begin, end, pid);
  if (ec != std::errc() || ptr != end) return false;
  holder.run_id = application_name.substr(4, space - 4);
  holder.pid = pid;
  holder.host = application_name.substr(at + 1);
  return true;
}

std::string LockHolder::Describe() const {
  const std::string since_text = since.empty() ? "" : ", since " + since;
  if (!run_id.empty()) {
    return fmt::format("run {} (host {}, pid {}{})", run_id, host.empty() ? "?" : host, pid,
                       since_text);
  }
  return fmt::format("PostgreSQL backend {} (application_name '{}'{}{})", backend_pid,
                     application_name, client_addr.empty() ? "" : ", client " + client_addr,
                     since_text);
}

TargetLock::Result TargetLock::Acquire(const config::TargetSpec& target,
                                       const config::EnvLookup& env,
                                       const TargetLockRequest& request) {
  PgConnection conn = Connect(target, env, /*apply_session=*/false);
  conn.ExecParams("SELECT set_config('application_name', $1, false)", {HolderName(request.owner)});
  const std::string text =
      QuoteIdent(target.database) + "." + QualifiedName(request.schema, request.table);
  auto hashed = conn.ExecParams("SELECT hashtext($1)", {text});
  std::int32_t key = 0;
  std::from_chars(hashed.Value(0, 0).data(), hashed.Value(0, 0).data() + hashed.Value(0, 0).size(),
                  key);
  const std::string name = request.schema + "." + request.table;

  const auto deadline = std::chrono::steady_clock::now() + request.wait;
  auto poll = kFirstPoll;
  bool logged = false;
  bool retried_unseen = false;
  for (;;) {
    if (TryLock(conn, key)) {
      Result r;
      r.lock.emplace(TargetLock(std::move(conn), key, name));
      return r;
    }
    auto holder = FindHolder(conn, key);
    if (!holder && !retried_unseen) {
      retried_unseen = true;  // released between the two statements: try again at once
      continue;
    }
    if (!holder) {
      holder.emplace();
      holder->application_name = "(not visible in pg_locks)";
    }
    const auto now = std::chrono::steady_clock::now();
    const bool cancelled = request.cancelled && request.cancelled();
    if (now >= deadline || cancelled) {
      Result r;
      r.holder = std::move(holder);
      return r;
    }
    if (!logged) {
      spdlog::info("{}: waiting up to {} s for the lock on {}, held by {}", name,
                   std::chrono::duration_cast<std::chrono::seconds>(request.wait).count(), name,
                   holder->Describe());
      logged = true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    std::this_thread::sleep_for(std::min(poll, left));
    poll = std::min(poll * 2, kMaxPoll);
  }
}

void TargetLock::Release() noexcept {
  if (!conn_) return;
  try {
    conn_.ExecParams("SELECT pg_advisory_unlock($1::int4, $2::int4)",
                     {Int(kTargetLockClass), Int(key_)});
  } catch (const std::exception& e) {
    // Closing the session below releases it anyway.
    spdlog::debug("{}: unlocking failed ({}); closing the lock session", target_, e.what());
  }
  conn_ = PgConnection();
}

bool TargetLock::StillHeld() noexcept {
  if (!conn_) return false;
  try {
    auto r = conn_.ExecParams(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
        " AND pid = pg_backend_pid() AND classid = $1::oid AND objid = $2::oid",
        {AsOid(kTargetLockClass), AsOid(key_)});
    return r.Value(0, 0) != "0";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace etl::sink
