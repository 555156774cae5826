#include "app/signal_watcher.h"

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace etl::app {
namespace {

// How often the watching thread looks whether it is to stop.
constexpr long kPollNs = 100'000'000;

const char* Name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "a signal";
  }
}

}  // namespace

SignalWatcher::SignalWatcher(pipeline::Cancellation& cancellation) : cancellation_(cancellation) {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_);
  thread_ = std::thread([this] { Watch(); });
}

SignalWatcher::~SignalWatcher() {
  stop_ = true;
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void SignalWatcher::Watch() {
  const timespec poll{0, kPollNs};
  bool first = true;
  while (!stop_) {
    const int signal = sigtimedwait(&signals_, nullptr, &poll);
    if (signal < 0) continue;  // EAGAIN (no signal yet) or EINTR
    if (!first) {
      spdlog::error("second signal ({}): exiting at once", Name(signal));
      std::_Exit(ExitCodeForSignal(signal));
    }
    first = false;
    spdlog::warn(
        "{} received: stopping (tables loading are rolled back, tables not started are skipped; "
        "a second signal exits at once)",
        Name(signal));
    cancellation_.Request(signal);
  }
}

int ExitCodeForSignal(int signal) {
  return 128 + signal;
}

}  // namespace etl::app
