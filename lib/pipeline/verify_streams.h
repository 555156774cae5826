#pragma once
// The row-by-row step of `etl verify` (pipeline/table_verify.h): both sides' rows are streamed
// on a thread each, through bounded queues (4 batches of at most 8,192 rows), into a
// plan::RowDiff (or plan::RowChecksum for a table without a key) on the calling thread, so
// reading MySQL, reading PostgreSQL and comparing overlap and memory stays flat.
//
// The source thread also turns overridden (column_types) columns into what PostgreSQL makes
// of them: the text the load would send (types::ConvertValue) is cast by the target server
// (sink/value_caster.h); a value the load would reject becomes "\x01bad: <reason>", which
// equals nothing.
//
// Stopping early (the comparison failed): the queues are cancelled, the source statement is
// interrupted with `kill_source` (KILL QUERY, so the rest of a large result is not drained)
// and the COPY is cancelled; both threads are joined before anything returns or throws. An
// error on either thread is rethrown here.

#include <cstdint>
#include <functional>
#include <vector>

#include "plan/row_diff.h"
#include "sink/table_checksum.h"
#include "sink/value_caster.h"
#include "source/table_checksum.h"
#include "types/key_range.h"
#include "types/type_mapping.h"

namespace etl::pipeline {

struct RowStreamSetup {
  std::vector<types::TargetColumn> columns;
  std::vector<plan::CompareColumn> compare;
  std::vector<std::size_t> key;
  std::size_t max_keys = 20;
  sink::ValueCaster* caster = nullptr;  // required when a column is kCast
  std::function<void()> kill_source;    // interrupts the source's running statement
};

struct RowCompareOutcome {
  plan::DiffCounts diff;
  std::int64_t source_rows = 0;  // not counting rows past the watermark
  std::int64_t target_rows = 0;
};

RowCompareOutcome CompareRows(source::SourceTableChecksum& source,
                              sink::TargetTableChecksum& target, const types::KeyRange& range,
                              const RowStreamSetup& setup);

struct RowChecksums {
  plan::UnorderedChecksum source;
  plan::UnorderedChecksum target;
};

// Whole-table checksums computed in the client (tables without a key).
RowChecksums ChecksumRows(source::SourceTableChecksum& source, sink::TargetTableChecksum& target,
                          const RowStreamSetup& setup);

}  // namespace etl::pipeline
