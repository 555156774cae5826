#pragma once
// The `create` variant of a target load (sink/target_load.h): the target does not exist yet.
//
//   N = 1  one transaction: CREATE TABLE target; COPY ... FREEZE (or INSERTs) into it; primary
//          key built after the rows are in; state row and hooks; COMMIT. Nobody can see the
//          table before the commit; a failure leaves no table behind.
//   N > 1  Begin creates a regular stage (sink/stage_table.h), committed, that the parts fill
//          in their own transactions. Commit, in one transaction: the target must still be
//          missing (else the table fails: someone created it meanwhile), the stage is renamed to
//          the target, its marker comment removed and the primary key built; state and hooks;
//          COMMIT.
// Locks: nothing but the new table is locked; lock_timeout bounds every statement.

#include <memory>

#include "sink/target_load.h"

namespace etl::sink {

std::unique_ptr<TargetLoad> MakeCreateLoad(TargetLoadSpec spec);

}  // namespace etl::sink
