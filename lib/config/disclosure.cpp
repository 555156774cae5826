#include "config/disclosure.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace etl::config {
namespace {

constexpr std::size_t kAnywhereLength = 8;
constexpr std::string_view kMask = "***";

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u >= 0x80;
}

struct Registry {
  std::shared_mutex mu;
  std::vector<std::string> secrets;  // longest first, so a longer secret is masked whole
  std::atomic<bool> any{false};
};

Registry& Secrets() {
  static Registry r;
  return r;
}

std::atomic<bool> g_show_values{false};

// Replaces the occurrences of `secret` in `text` that the rule of the header accepts.
void MaskIn(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  const bool anywhere = secret.size() >= kAnywhereLength;
  const bool word_front = IsWordByte(secret.front());
  const bool word_back = IsWordByte(secret.back());
  std::size_t pos = text.find(secret);
  while (pos != std::string::npos) {
    const std::size_t end = pos + secret.size();
    const bool glued_front = word_front && pos > 0 && IsWordByte(text[pos - 1]);
    const bool glued_back = word_back && end < text.size() && IsWordByte(text[end]);
    if (anywhere || (!glued_front && !glued_back)) {
      text.replace(pos, secret.size(), kMask);
      pos = text.find(secret, pos + kMask.size());
    } else {
      pos = text.find(secret, pos + 1);
    }
  }
}

}  // namespace

void RegisterSecret(std::string_view secret) {
  if (secret.empty()) return;
  Registry& r = Secrets();
  std::unique_lock lock(r.mu);
  if (std::find(r.secrets.begin(), r.secrets.end(), secret) != r.secrets.end()) return;
  r.secrets.emplace_back(secret);
  std::stable_sort(r.secrets.begin(), r.secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  r.any = true;
}

std::string RedactSecrets(std::string_view text) {
  std::string out(text);
  Registry& r = Secrets();
  if (!r.any) return out;
  std::shared_lock lock(r.mu);
  for (const auto& s : r.secrets)
    MaskIn(out, s);
  return out;
}

std::string RedactSecret(std::string_view text, std::string_view secret) {
  std::string out(text);
  MaskIn(out, secret);
  return out;
}

void ForgetSecretsForTesting() {
  Registry& r = Secrets();
  std::unique_lock lock(r.mu);
  r.secrets.clear();
  r.any = false;
}

void SetShowValues(bool show) {
  g_show_values = show;
}

bool ShowValues() {
  return g_show_values;
}

}  // namespace etl::config
