#pragma once
// Readers for each block of a job spec: they know the keys, types, defaults and ranges of one
// block and fill the matching part of the JobSpec model through a SpecReader.
//
// Each Read*() takes the Field that holds the block, reports every problem it finds (unknown
// keys, wrong types, enumerations, ranges, missing required keys) through the reader, and sets
// only the model fields that were given and valid, so calling it twice (tables file, then job
// file) overrides key by key. Checks that span blocks or files (min_batch_size <=
// max_batch_size, duplicate target tables) are left to the caller, helped by the origins
// recorded here.

#include <optional>

#include "config/job_spec.h"
#include "config/spec_reader.h"

namespace etl::config {

// Where a value came from, for checks made after every file has been read.
struct FieldOrigin {
  SpecReader* reader = nullptr;
  Field field;
};

struct SparseOrigins {
  std::optional<FieldOrigin> min_batch_size;
  std::optional<FieldOrigin> max_batch_size;
};

void ReadSource(SpecReader& reader, const Field& block, SourceSpec& out);
void ReadTarget(SpecReader& reader, const Field& block, TargetSpec& out);
void ReadPipeline(SpecReader& reader, const Field& block, PipelineSpec& out);
void ReadPerformanceRules(SpecReader& reader, const Field& block, PerformanceRules& out);
void ReadSparse(SpecReader& reader, const Field& block, SparseSequenceOptimization& out,
                SparseOrigins& origins);

// The job-level `identifier_case` of the document root `fields`.
void ReadIdentifierCase(SpecReader& reader, const Fields& fields, IdentifierCase& out);

// One entry of `tables:` (or of a tables file); `block.key` is the table name. `out` comes in
// holding the defaults (tables_match.defaults, and identifier_case set to the job's) and leaves
// with the entry's own keys over them; it gets the names, location and target_table (the key
// folded by identifier_case unless target_table is given). `target_origin` receives the field
// that named the target table (the table's key when target_table is not given).
// `batch_size_defaulted`: the defaults hold a batch_size, so the entry need not give one.
void ReadTable(SpecReader& reader, const Field& block, TableSpec& out, Field& target_origin,
               bool batch_size_defaulted);

// `tables_match:`: include (default "*") and exclude globs, each checked (config/table_pattern.h),
// and `defaults:`, read like a table entry without the name keys; its batch_size is required.
// `out.defaults` comes in with the job's identifier_case. `source_database` is only for a
// warning on patterns written as "<database>.<glob>".
void ReadTablesMatch(SpecReader& reader, const Field& block, const std::string& source_database,
                     TableMatchSpec& out);

}  // namespace etl::config
