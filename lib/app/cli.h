#pragma once
// The command-line interface of `etl` (contract: docs/cli.md).
//
// Main() builds the CLI11 parser with one options struct per subcommand, dispatches to the
// subcommand, and returns the process exit code (see ExitCode). It never throws.

namespace etl::app {

enum ExitCode : int {
  kExitOk = 0,             // every selected table finished (early_terminated counts)
  kExitFailed = 1,         // at least one table failed, or a connection failed
  kExitUsage = 2,          // invalid job spec or usage
  kExitLocked = 75,        // another run holds the job's lock (EX_TEMPFAIL)
  kExitInterrupted = 130,  // `run` stopped by SIGINT (128 + 2): report written, loads rolled back
  kExitTerminated = 143,   // `run` stopped by SIGTERM (128 + 15): the same
};

int Main(int argc, char** argv);

}  // namespace etl::app
