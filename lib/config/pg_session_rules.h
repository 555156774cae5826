#pragma once
// Which PostgreSQL settings a session may change with SET.
//
// `target.session` lists settings etl applies with SET after connecting. PostgreSQL refuses
// settings whose context is postmaster, sighup, backend or internal (e.g. wal_buffers,
// shared_buffers, max_connections) once a session runs, so validate reports those as errors
// instead of letting a run fail on its first connection. The table is the `context` column of
// pg_settings of PostgreSQL 15; names compare case-insensitively, as PostgreSQL's do.

#include <string_view>
#include <vector>

namespace etl::config {

enum class PgSettingScope {
  kSession,     // SET works (context user or superuser)
  kServerWide,  // postgresql.conf / ALTER SYSTEM and a reload or restart
  kReadOnly,    // fixed at build or initdb time (context internal)
  kCustom,      // a dotted placeholder such as "myext.flag": PostgreSQL accepts any
  kUnknown,     // not a PostgreSQL 15 setting etl knows of
};

PgSettingScope ClassifyPgSetting(std::string_view name);

// The names of the settings a session may change (lower case), for "did you mean" hints.
std::vector<std::string_view> PgSessionSettingNames();

}  // namespace etl::config
