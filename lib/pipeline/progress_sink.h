#pragma once
// A BatchSink that reports the rows its inner sink has taken to a ProgressCallback, at most every
// `period_s` (checked per Write, so per RowBatch, never per row). The live progress display
// (report/progress.h) wants a few updates a second; the pump's own callback comes every 2 s,
// which a short load never reaches. Everything else is forwarded unchanged, and the inner sink's
// counters are mirrored after every call, so counters() reads the same through the wrapper.
//
// Threads: as the inner sink (one thread). `progress` may be empty: then the inner sink is
// returned as is.

#include <memory>

#include "pipeline/batch_sink.h"
#include "pipeline/pump.h"

namespace etl::pipeline {

std::unique_ptr<BatchSink> WithProgress(std::unique_ptr<BatchSink> inner, ProgressCallback progress,
                                        double period_s = 0.25);

}  // namespace etl::pipeline
