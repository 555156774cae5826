#pragma once
// CopyWriter: one `COPY "schema"."table" ("c1", ...) FROM STDIN WITH (<options>)` on a connection.
//
// Usage: Begin(); Put(bytes)...; End() — or Abort(reason) to make the server discard everything
// this COPY sent (the server ends the COPY with an error; if the COPY ran inside a transaction
// that transaction is then failed and must be rolled back by the caller).
//
// Put() hands the bytes to libpq as they are: the caller (copy_encoder*) produces whole rows in
// the format the options name (e.g. "FORMAT csv", "FORMAT binary, FREEZE"); a buffer may end in
// the middle of a row, the next Put continues it. The server reports data errors only at End(),
// which throws PgError with its message and context (e.g. `COPY orders, line 3, column price`).
//
// The destructor aborts a COPY that was begun but neither ended nor aborted, so an exception
// between Begin and End never leaves the connection stuck in COPY state.
//
// REQUIRES: `conn` outlives the writer and is used for nothing else between Begin and End/Abort.
// `options` comes from code, not from a spec (it is pasted into the statement).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sink/pg_connection.h"

namespace etl::sink {

class CopyWriter {
 public:
  CopyWriter(PgConnection& conn, std::string_view schema, std::string_view table,
             const std::vector<std::string>& columns, std::string_view options);
  ~CopyWriter();
  CopyWriter(const CopyWriter&) = delete;
  CopyWriter& operator=(const CopyWriter&) = delete;

  void Begin();
  void Put(std::string_view data);
  // Finishes the COPY; returns the number of rows the server loaded.
  std::int64_t End();
  // Makes the server abandon the COPY with `reason` (shown in its error). Never throws.
  void Abort(std::string_view reason) noexcept;

  const std::string& statement() const { return statement_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  bool in_progress() const { return state_ == State::kCopying; }

 private:
  enum class State { kIdle, kCopying, kDone };
  void WaitWritable();

  PgConnection& conn_;
  std::string statement_;
  std::uint64_t bytes_sent_ = 0;
  State state_ = State::kIdle;
};

}  // namespace etl::sink
