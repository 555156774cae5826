#pragma once
// What a unit of work registers with a Cancellation (pipeline/cancellation.h) for as long as it
// runs statements on a connection, so that a cancellation stops them at once instead of at the
// end of the statement:
//
//   auto stop_pg = CancelStatements(ctx.cancellation, pg);        // PQcancel
//   auto stop_my = CancelStatements(ctx.cancellation, mysql, job.source, ctx.env);  // KILL QUERY
//
// Both callbacks only send the request (on a thread of their own) and return: the statement
// then fails in its own thread (PostgreSQL SQLSTATE 57014, MySQL 1317 "Query execution was
// interrupted"), which the caller turns into CancelledError when Requested(). A PostgreSQL
// statement that has not stopped 2 s after the request has its session closed (see
// sink/pg_connection.h). REQUIRES: the connection outlives the Registration.

#include "config/job_loader.h"
#include "config/job_spec.h"
#include "pipeline/cancellation.h"
#include "sink/pg_connection.h"
#include "source/mysql_connection.h"

namespace etl::pipeline {

[[nodiscard]] Cancellation::Registration CancelStatements(Cancellation* cancellation,
                                                          const sink::PgConnection& pg);

[[nodiscard]] Cancellation::Registration CancelStatements(Cancellation* cancellation,
                                                          const source::MySqlConnection& mysql,
                                                          const config::SourceSpec& source,
                                                          const config::EnvLookup& env);

}  // namespace etl::pipeline
