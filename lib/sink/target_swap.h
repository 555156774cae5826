#pragma once
// The `swap` variant of a target load (sink/target_load.h): the target exists, and a faithful
// clone of it loses nothing (sink/target_shape.h lists what a clone carries and what blocks it).
//
//   Begin   a clone of the target, without rows or indexes: CREATE TABLE stage (LIKE target
//           INCLUDING DEFAULTS, CONSTRAINTS, GENERATED, IDENTITY, STORAGE, COMMENTS,
//           COMPRESSION) plus the target's storage parameters. N = 1: inside the load's
//           transaction (so COPY may FREEZE and a failure leaves nothing); N > 1: committed, for
//           the parts.
//   rows    go into the clone; the target is untouched and readers keep reading it.
//   Commit  in one transaction: the target's primary key, unique and exclusion constraints and
//           indexes are built on the clone (one sorted build each, after the rows); then the
//           target is locked ACCESS EXCLUSIVE (sink/lock_wait.h: bounded, in slices of about a
//           second, so readers queued behind wait at most that long), checked again (anything a
//           swap would lose that appeared meanwhile fails the table; the next run merges),
//           its table and column privileges and comments are copied to the clone, the target is
//           dropped, the clone renamed to the target's name and its constraints and indexes
//           renamed to the names the target's had; state row and hooks; COMMIT. Readers
//           blocked by the lock then read the new copy. A failure anywhere rolls it all back.
// The identity sequences of the clone are new; AdvanceIdentity-style fix-ups run in the hooks.

#include <memory>

#include "sink/target_load.h"

namespace etl::sink {

std::unique_ptr<TargetLoad> MakeSwapLoad(TargetLoadSpec spec);

}  // namespace etl::sink
