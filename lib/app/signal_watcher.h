#pragma once
// SignalWatcher: SIGINT and SIGTERM during `etl run` (contract: exit 130/143 with the report
// written; a second signal exits at once).
//
// The constructor blocks SIGINT and SIGTERM in the calling thread, so every thread started
// afterwards inherits the block and no thread is ever interrupted by them, and starts a thread
// that waits for them (sigtimedwait). The first one requests cancellation of the run (the
// Cancellation's callbacks run on that thread) and is logged; a second one exits the process at
// once with 128 + its number, without unwinding. The destructor stops the thread and unblocks
// the signals again (a signal that arrives after that has its default effect).
//
// REQUIRES: constructed on the main thread before any other thread is started (a thread started
// earlier would still receive the signals and be killed by them); one SignalWatcher at a time.

#include <atomic>
#include <csignal>
#include <thread>

#include "pipeline/cancellation.h"

namespace etl::app {

class SignalWatcher {
 public:
  explicit SignalWatcher(pipeline::Cancellation& cancellation);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void Watch();

  pipeline::Cancellation& cancellation_;
  sigset_t signals_;
  sigset_t previous_mask_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The exit code of a run stopped by `signal`: 130 for SIGINT, 143 for SIGTERM (128 + number).
int ExitCodeForSignal(int signal);

}  // namespace etl::app
