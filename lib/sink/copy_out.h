#pragma once
// The life of one `COPY (...) TO STDOUT` on a connection, shared by the readers that stream a
// SELECT out of PostgreSQL (sink/copy_reader.h in text, sink/target_row_stream.h in binary):
//   StartCopyOut   sends the statement and checks that the server entered COPY OUT;
//   FinishCopyOut  after PQgetCopyData returned -1: reads the COPY's final result (an error in
//                  it throws) and drains any further results, so the connection is idle again;
//   StopCopyOut    a COPY that has not ended: cancels it and drains what the server still sends
//                  and its results, so the connection is usable again (inside a transaction the
//                  cancel aborts that transaction). Never throws.
// Errors: PgError naming `context` or the statement.

#include <string>
#include <string_view>

#include "sink/pg_connection.h"

namespace etl::sink {

void StartCopyOut(PgConnection& conn, const std::string& statement, std::string_view context);
void FinishCopyOut(PgConnection& conn, std::string_view statement);
void StopCopyOut(PgConnection& conn, std::string_view context) noexcept;

}  // namespace etl::sink
