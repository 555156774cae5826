#pragma once
// The `upsert` variant of a target load (sink/target_load.h): an incremental load into an
// existing target. Rows past the saved watermark are upserted by key; the watermark is the
// state row written in the same transaction.
//
//   Begin   the target is locked ROW EXCLUSIVE (readers and other writers go on). One stream
//           into an EMPTY target writes straight into it (a first run is a plain bulk load);
//           otherwise the rows go to a stage: temporary for one stream, unlogged and committed
//           for parallel parts.
//   Commit  in one transaction: INSERT INTO target SELECT ... FROM stage ON CONFLICT (key) DO
//           UPDATE SET <the load's other columns> (the target's own columns keep their
//           values); state row and hooks; COMMIT. Readers see the new rows at the commit.
// REQUIRES: the target has a primary key or a unique index on exactly the load's key (plan
// checks it before anything is read); the rows of one load have distinct keys (a key seen
// twice fails the commit instead of picking one silently).

#include <memory>

#include "sink/target_load.h"

namespace etl::sink {

std::unique_ptr<TargetLoad> MakeUpsertLoad(TargetLoadSpec spec);

}  // namespace etl::sink
