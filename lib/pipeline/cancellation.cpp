#include "pipeline/cancellation.h"

#include <csignal>

#include <fmt/format.h>

namespace etl::pipeline {

void Cancellation::Request(int signal) {
  if (source_.stop_requested()) return;
  int none = 0;
  signal_.compare_exchange_strong(none, signal);
  source_.request_stop();  // runs the callbacks, on this thread
  // A SleepFor that saw no stop yet is waiting (its mutex released) once this lock is taken,
  // so the notify below cannot be lost.
  { std::lock_guard lock(mutex_); }
  wake_.notify_all();
}

int Cancellation::signal() const {
  return requested() ? signal_.load() : 0;
}

std::string Cancellation::Reason() const {
  switch (signal()) {
    case 0:
      return "a request";
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return fmt::format("signal {}", signal());
  }
}

void Cancellation::ThrowIfRequested(std::string_view what) const {
  if (requested()) throw CancelledError(fmt::format("{}: cancelled by {}", what, Reason()));
}

bool Cancellation::SleepFor(std::chrono::duration<double> duration) const {
  std::unique_lock lock(mutex_);
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration);
  wake_.wait_until(lock, until, [&] { return source_.stop_requested(); });
  return !source_.stop_requested();
}

Cancellation::Registration Cancellation::OnCancel(std::function<void()> callback) {
  return Registration(
      std::make_unique<Registration::Callback>(source_.get_token(), std::move(callback)));
}

bool Requested(const Cancellation* cancellation) {
  return cancellation != nullptr && cancellation->requested();
}

void ThrowIfRequested(const Cancellation* cancellation, std::string_view what) {
  if (cancellation != nullptr) cancellation->ThrowIfRequested(what);
}

Cancellation::Registration OnCancel(Cancellation* cancellation, std::function<void()> callback) {
  if (cancellation == nullptr) return {};
  return cancellation->OnCancel(std::move(callback));
}

}  // namespace etl::pipeline
