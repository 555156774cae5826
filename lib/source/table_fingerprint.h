#pragma once
// skip_unchanged: a cheap fingerprint of what a table load would read from the source, to compare
// with the one saved with the table's last load (pipeline/skip_unchanged.h). It must cost little
// next to a reload and change whenever the rows the load would copy change.
//
// ChooseFingerprint (pure, what `plan` prints) picks the method from the spec:
//   cursor    the table names incremental_columns: COUNT(*) and MAX of each cursor column under
//             the table's `where`, one statement (an index on the cursor makes MAX free). Inserts
//             and deletes move the count, updates move the cursor: the promise an incremental
//             load already relies on.
//   checksum  no cursor and no `where`: CHECKSUM TABLE, which covers every column of every row
//             (one server-side scan; instant for MyISAM/Aria tables created with CHECKSUM=1).
//   rows      no cursor but a `where` (CHECKSUM TABLE cannot filter): COUNT(*) and an order-free
//             checksum (BIT_XOR of 64 bits of MD5) of every matching row, one scan.
//
// TakeFingerprint runs it. Whatever the method, the fingerprint also covers the table's shape
// (columns, types, nullability from information_schema), the spec that shapes the load (source
// and target table, where, primary_key, column_types) and the etl version, so a changed
// definition or mapping reloads instead of skipping. The result is short ASCII text:
//   "<method> [rows=<N> ]sum=<16 hex> shape=<16 hex>[ updated=<UPDATE_TIME>]"
// Take it BEFORE the load's snapshot: a change between the fingerprint and the read then costs at
// most one needless reload next time, never a skipped change.
//
// The scan-free shortcut: information_schema.TABLES.UPDATE_TIME (kept by InnoDB in memory, NULL
// after a restart; MyISAM/Aria keep it on disk) changes with every commit that writes the table.
// The fingerprint records it (`updated=`) only when it is settled -- at least 2 s old, and no
// read-write transaction that started before the following second is still open, since InnoDB
// stamps a commit with its transaction's start time. When the previous fingerprint's shape and
// `updated=` equal the table's now, the table is unchanged and the previous fingerprint is
// returned without running the method's query. Anything missing (NULL, no PROCESS privilege for
// INNODB_TRX, a partitioned table, MySQL 8's cached statistics that cannot be turned off) falls
// back to the method's query.
//
// Errors: MySqlError. nullopt when the table does not exist (CHECKSUM TABLE gives NULL).
// REQUIRES: no statement is streaming on the connection; the session time zone is the one
// Connect sets (UPDATE_TIME and NOW() are compared in it).

#include <optional>
#include <string>

#include "config/job_spec.h"
#include "source/mysql_connection.h"

namespace etl::source {

enum class FingerprintMethod { kCursor, kChecksumTable, kRowChecksum };

struct FingerprintChoice {
  FingerprintMethod method = FingerprintMethod::kChecksumTable;
  std::string reason;  // e.g. "row count + max(updated_at) (the table's cursor)"
};

FingerprintChoice ChooseFingerprint(const config::TableSpec& table);

struct Fingerprint {
  std::string text;
  bool by_update_time = false;  // the shortcut: `previous` returned, no scan
};

// `previous`: the fingerprint saved with the table's last load, for the UPDATE_TIME shortcut.
std::optional<Fingerprint> TakeFingerprint(MySqlConnection& conn, const std::string& database,
                                           const config::TableSpec& table,
                                           const std::optional<std::string>& previous = {});

// Whether two fingerprints say the same source content and shape (`updated=` aside: a write that
// changed nothing moves UPDATE_TIME but not the content).
bool SameSource(const std::string& a, const std::string& b);

}  // namespace etl::source
