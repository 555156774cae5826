#include "support/fault_injection.h"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace etl::testing {
namespace {

std::string ServersScript() {
  return std::string(ETL_SOURCE_DIR) + "/scripts/servers.sh";
}

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

FrozenServer::FrozenServer(std::string which) : which_(std::move(which)) {
  const CommandResult r = RunShell(ServersScript() + " freeze " + which_);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  frozen_ = true;
}

FrozenServer::~FrozenServer() {
  Thaw();
}

void FrozenServer::Thaw() {
  if (!frozen_) return;
  frozen_ = false;
  RunShell(ServersScript() + " thaw " + which_);
}

void RestartServer(const std::string& which) {
  const CommandResult r = RunShell(ServersScript() + " restart " + which);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

EtlProcess::EtlProcess(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  static int counter = 0;
  const auto base = std::filesystem::temp_directory_path() /
                    ("etl-proc-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  out_path_ = base.string() + ".out";
  err_path_ = base.string() + ".err";
  std::vector<std::string> argv_text = {ETL_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = env;
  std::vector<char*> envp;
  for (auto& e : env_text)
    envp.push_back(e.data());
  for (char** e = environ; *e != nullptr; ++e)
    envp.push_back(*e);
  envp.push_back(nullptr);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
}

EtlProcess::~EtlProcess() {
  if (ended_) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

bool EtlProcess::Reap(bool block) {
  if (ended_) return true;
  if (::waitpid(pid_, &status_, block ? 0 : WNOHANG) != pid_) return false;
  ended_ = true;
  return true;
}

std::string EtlProcess::err() const {
  return ReadFile(err_path_);
}

bool EtlProcess::WaitForLog(const std::string& text, std::chrono::duration<double> timeout) {
  const auto start = std::chrono::steady_clock::now();
  while (SecondsSince(start) < timeout.count()) {
    if (err().find(text) != std::string::npos) return true;
    if (Reap(false)) return err().find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void EtlProcess::Signal(int signal) {
  REQUIRE_FALSE(ended_);
  ::kill(pid_, signal);
}

CommandResult EtlProcess::Wait(std::chrono::duration<double> timeout) {
  CommandResult r;
  const auto start = std::chrono::steady_clock::now();
  while (!Reap(false)) {
    if (SecondsSince(start) > timeout.count()) {
      ::kill(pid_, SIGKILL);
      Reap(true);
      FAIL("etl did not end within " << timeout.count() << " s; stderr:\n" << err());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r.exit_code = ExitCode(status_);
  r.out = ReadFile(out_path_);
  r.err = err();
  return r;
}

}  // namespace etl::testing
