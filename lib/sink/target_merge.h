#pragma once
// The `merge` variant of a target load (sink/target_load.h): the target exists and has what a
// swap would lose (a dependent view, foreign keys, triggers, partitions, columns of its own,
// ...; sink/target_shape.h). The rows are applied as differences, by key, so the table keeps
// everything it has and MVCC readers are never blocked.
//
//   Begin   the target is locked ROW EXCLUSIVE (what any INSERT takes; readers and other
//           writers go on; it keeps DDL and TRUNCATE away until the commit). The rows go to a
//           stage with the load's columns: temporary for one stream (inside the load's
//           transaction), unlogged and committed for parallel parts.
//           Comparing (compares_with_target(): one integer key the target is unique on, binary
//           forms for every column, the target's column types equal to the load's, and foreign
//           keys in referencing that key only): each part's writer compares the new rows with
//           the target's as they stream (sink/changed_rows_sink.h) and stages only rows that
//           are new or differ, plus the keys that leave (a second stage of one bigint column).
//           The target is then locked SHARE ROW EXCLUSIVE until the commit (N > 1: in the final
//           transaction, opened on Begin's connection): readers and inserts into referencing
//           tables go on, other writers of the target wait, so what was compared stays true.
//   Commit  in one transaction (target locked ROW EXCLUSIVE, bounded):
//           1. every foreign key that references the target is checked against the new rows:
//              if a child row references a key the new copy lacks, the table fails naming the
//              constraint, the child and the key, and NOTHING changes — whatever the foreign
//              key's ON DELETE says, etl never deletes or changes a row of another table;
//           Comparing: the check is of the recorded keys that leave; they are deleted, and the
//           staged rows merged as in 2.
//           2. with a key (the target has a primary key or unique index on the load's key):
//              DELETE the target rows whose key is not in the stage, then MERGE: rows whose
//              values differ are updated (only the load's columns: the target's own columns
//              keep their values), new keys inserted (the target's own columns get their
//              defaults). Unchanged rows are not written at all. A self-referencing target is
//              merged before the delete, so its own references move first.
//              Without a key: every row is deleted and the new rows inserted (the target's own
//              columns then hold their defaults); refused when foreign keys reference it.
//           3. state row and hooks; COMMIT. Readers see the old rows until the commit, then the
//              new ones; user triggers on the target fire for the rows that change.

#include <memory>

#include "sink/target_load.h"

namespace etl::sink {

std::unique_ptr<TargetLoad> MakeMergeLoad(TargetLoadSpec spec);

}  // namespace etl::sink
