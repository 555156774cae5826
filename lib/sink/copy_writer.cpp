#include "sink/copy_writer.h"

#include <algorithm>
#include <cerrno>
#include <climits>

#include <poll.h>
#include <spdlog/spdlog.h>

#include "sink/pg_quote.h"

namespace etl::sink {

CopyWriter::CopyWriter(PgConnection& conn, std::string_view schema, std::string_view table,
                       const std::vector<std::string>& columns, std::string_view options)
    : conn_(conn) {
  statement_ = "COPY " + QualifiedName(schema, table);
  if (!columns.empty()) statement_ += " (" + QuoteIdentList(columns) + ")";
  statement_ += " FROM STDIN";
  if (!options.empty()) statement_ += " WITH (" + std::string(options) + ")";
}

CopyWriter::~CopyWriter() {
  if (state_ == State::kCopying) Abort("COPY abandoned by etl before it was complete");
}

void CopyWriter::Begin() {
  if (state_ != State::kIdle) throw PgError("CopyWriter::Begin called twice: " + statement_);
  // Sent and awaited through PgConnection, so a server that stops answering cannot hang here.
  if (PQsendQuery(conn_.get(), statement_.c_str()) == 0) conn_.Check(nullptr, statement_);
  PgResult r = conn_.AwaitResult(statement_);
  if (r.status() != PGRES_COPY_IN) {
    throw PgError("PostgreSQL " + conn_.description() +
                  ": expected COPY IN state for: " + statement_);
  }
  state_ = State::kCopying;
}

// A blocking connection never returns 0 from PQputCopyData, but a connection switched to
// non-blocking mode (pipeline or caller's choice) can: then wait for the socket and flush.
void CopyWriter::WaitWritable() {
  for (;;) {
    const int f = PQflush(conn_.get());
    if (f == 0) return;
    if (f < 0) throw conn_.ConnectionError("sending COPY data failed");
    pollfd pfd{PQsocket(conn_.get()), POLLOUT | POLLIN, 0};
    if (::poll(&pfd, 1, 1000) < 0 && errno != EINTR) {
      throw conn_.ConnectionError("waiting to send COPY data failed");
    }
    if ((pfd.revents & POLLIN) != 0 && PQconsumeInput(conn_.get()) == 0) {
      throw conn_.ConnectionError("reading from the server during COPY failed");
    }
  }
}

void CopyWriter::Put(std::string_view data) {
  if (state_ != State::kCopying) throw PgError("CopyWriter::Put outside a COPY: " + statement_);
  while (!data.empty()) {
    const std::size_t n = std::min<std::size_t>(data.size(), INT_MAX / 2);
    const int rc = PQputCopyData(conn_.get(), data.data(), static_cast<int>(n));
    if (rc < 0) {
      state_ = State::kDone;
      throw conn_.ConnectionError("sending COPY data failed for " + statement_);
    }
    if (rc == 0) {
      WaitWritable();
      continue;
    }
    bytes_sent_ += n;
    data.remove_prefix(n);
  }
}

std::int64_t CopyWriter::End() {
  if (state_ != State::kCopying) throw PgError("CopyWriter::End outside a COPY: " + statement_);
  state_ = State::kDone;
  int rc;
  while ((rc = PQputCopyEnd(conn_.get(), nullptr)) == 0)
    WaitWritable();
  if (rc < 0) throw conn_.ConnectionError("ending COPY failed for " + statement_);
  // The COPY's result (its error, if any), with every further result drained.
  return conn_.AwaitResult(statement_).AffectedRows();
}

void CopyWriter::Abort(std::string_view reason) noexcept {
  if (state_ != State::kCopying) return;
  state_ = State::kDone;
  try {
    const std::string why = reason.empty() ? std::string("aborted by etl") : std::string(reason);
    int rc;
    while ((rc = PQputCopyEnd(conn_.get(), why.c_str())) == 0)
      WaitWritable();
    // The server answers with an error result ("COPY from stdin failed: <why>"): expected.
    try {
      conn_.AwaitResult(statement_);
    } catch (const PgError& e) {
      if (e.connection_lost()) throw;
    }
  } catch (const std::exception& e) {
    spdlog::warn("aborting COPY failed: {}", e.what());
  }
}

}  // namespace etl::sink
