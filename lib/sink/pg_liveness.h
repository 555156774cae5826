#pragma once
// Is a PostgreSQL server still there? The question PgConnection asks while a statement waits in
// silence, and when connecting failed (to tell "the server is away" from "the server refused
// us"); see sink/pg_connection.h for the bounds this gives.
//
// The check is PQpingParams: a new connection attempt, without the password (the server's
// request for one already proves it answers; no session is opened), with sslmode=prefer (TLS
// verification problems are not the question here), bounded by the target's connect timeout.
// A server stopped with SIGSTOP accepts the TCP connection in its kernel but never answers the
// startup packet: kSilent after connect_timeout_s.
//
// Threads: PingServer may be called from any thread.

#include "config/job_spec.h"
#include "sink/pg_connection.h"

namespace etl::sink {

enum class PgServerState {
  kAnswers,       // it answered (whatever it said: even "password required" or "no such user")
  kNotAccepting,  // it answered that it accepts no connections now (57P03: starting up, ...)
  kSilent,        // no answer within the timeout, or nothing listens at the address
};

// The ping parameters for `target` (never the password).
PgLiveness LivenessFor(const config::TargetSpec& target);

PgServerState PingServer(const PgLiveness& liveness);

}  // namespace etl::sink
