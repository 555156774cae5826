// Unit tests of app/signal_watcher.h, each in a forked child so that the signals and the exit
// do not touch the test runner.
#include <chrono>
#include <csignal>
#include <thread>

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "app/signal_watcher.h"
#include "pipeline/cancellation.h"

namespace {

// Runs `child` in a forked process and returns its exit code (or 128 + the signal that
// killed it). The child must end with _exit.
template <typename Child>
int InChild(Child child) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    child();
    ::_exit(99);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool WaitFor(const etl::pipeline::Cancellation& c) {
  for (int i = 0; i < 200 && !c.requested(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return c.requested();
}

}  // namespace

TEST_CASE("the first SIGINT or SIGTERM requests cancellation and the process carries on",
          "[app][signals]") {
  for (const int signal : {SIGINT, SIGTERM}) {
    INFO(signal);
    const int code = InChild([signal] {
      etl::pipeline::Cancellation c;
      etl::app::SignalWatcher watcher(c);
      ::kill(::getpid(), signal);
      ::_exit(WaitFor(c) && c.signal() == signal ? 0 : 1);
    });
    CHECK(code == 0);
  }
}

TEST_CASE("a second signal exits at once with 128 + its number", "[app][signals]") {
  const int code = InChild([] {
    etl::pipeline::Cancellation c;
    etl::app::SignalWatcher watcher(c);
    ::kill(::getpid(), SIGINT);
    if (!WaitFor(c)) ::_exit(1);
    ::kill(::getpid(), SIGTERM);
    std::this_thread::sleep_for(std::chrono::seconds(10));
    ::_exit(3);
  });
  CHECK(code == 143);
}

TEST_CASE("exit codes for signals", "[app][signals]") {
  CHECK(etl::app::ExitCodeForSignal(SIGINT) == 130);
  CHECK(etl::app::ExitCodeForSignal(SIGTERM) == 143);
}
