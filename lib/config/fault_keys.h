#pragma once
// The keys that bound waiting and failing (contract: "Additions (second wave)"): connect and
// read timeouts, TLS files, and pipeline.retry. Called by section_readers.cpp for the block
// that holds them; like every Read*() they report problems through the reader and set only
// what was given and valid.
//
// TLS file paths: a relative path is resolved against the directory of the file it is written
// in (the job file), so a job works whatever directory etl is started from. `etl validate`
// stays offline but does look at the local file system: a file that does not exist or cannot
// be read is a WARNING (the run will fail to connect unless the file exists where etl runs;
// certificates are often mounted only on the machine that runs the job, not where it is
// validated). A certificate given without its key (or the reverse) is an ERROR, and so is
// source.ssl_mode verify_ca without source.ssl_ca.

#include <string_view>
#include <vector>

#include "config/job_spec.h"
#include "config/spec_reader.h"

namespace etl::config {

// The keys the functions below read, for the block's known-key list.
extern const std::vector<std::string_view> kSourceFaultKeys;    // connect/read timeouts, ssl_*
extern const std::vector<std::string_view> kTargetFaultKeys;    // connect_timeout_s, ssl files
extern const std::vector<std::string_view> kPipelineFaultKeys;  // retry

void ReadSourceFaultKeys(SpecReader& reader, const Fields& source, SourceSpec& out);
void ReadTargetFaultKeys(SpecReader& reader, const Fields& target, TargetSpec& out);
void ReadPipelineFaultKeys(SpecReader& reader, const Fields& pipeline, PipelineSpec& out);

}  // namespace etl::config
