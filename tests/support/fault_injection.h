#pragma once
// Fault injection for integration tests against the throwaway servers (scripts/servers.sh):
// a server that stops answering, a server that restarts, and an `etl` process that is sent a
// signal while it runs.

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

#include "support/test_env.h"

namespace etl::testing {

// Stops every process of one test server ("mysql" or "pg") with SIGSTOP for as long as it lives
// (scripts/servers.sh freeze/thaw): the server keeps its sockets, its kernel completes TCP
// handshakes and acknowledges data, but nothing answers. The destructor always thaws it, also
// when the test fails, so the suite's servers come back.
class FrozenServer {
 public:
  explicit FrozenServer(std::string which);
  ~FrozenServer();
  FrozenServer(const FrozenServer&) = delete;
  FrozenServer& operator=(const FrozenServer&) = delete;
  void Thaw();

 private:
  std::string which_;
  bool frozen_ = false;
};

// Restarts one test server (scripts/servers.sh restart mysql|pg); FAILs the test when that fails.
void RestartServer(const std::string& which);

// Seconds since `start`.
double SecondsSince(std::chrono::steady_clock::time_point start);

// An `etl` process started in the background (stdout and stderr to files), so a test can watch
// its log and signal it.
class EtlProcess {
 public:
  EtlProcess(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
  ~EtlProcess();  // kills the process if the test did not wait for it
  EtlProcess(const EtlProcess&) = delete;
  EtlProcess& operator=(const EtlProcess&) = delete;

  // Waits until stderr contains `text` (true) or the process ended or `timeout` passed (false).
  bool WaitForLog(const std::string& text, std::chrono::duration<double> timeout);
  void Signal(int signal);
  // Waits for the process to end (at most `timeout`, then kills it and FAILs).
  CommandResult Wait(std::chrono::duration<double> timeout = std::chrono::seconds(120));
  std::string err() const;

 private:
  bool Reap(bool block);  // true once the process ended (status_ set)

  pid_t pid_ = -1;
  bool ended_ = false;
  int status_ = 0;
  std::string out_path_;
  std::string err_path_;
};

}  // namespace etl::testing
