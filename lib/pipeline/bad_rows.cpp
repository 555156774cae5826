#include "pipeline/bad_rows.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/disclosure.h"
#include "report/logging.h"

namespace etl::pipeline {
namespace {

std::string ShortValue(std::string_view v) {
  constexpr std::size_t kMax = 64;
  std::string out = report::JsonEscape(v.substr(0, kMax));
  if (v.size() > kMax) out += "...";
  return out;
}

constexpr std::size_t kMaxNameBytes = 100;

bool SafeNameByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// FNV-1a, 64 bits: stable across runs, platforms and compilers (std::hash is not).
std::uint64_t StableHash(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::runtime_error SystemError(const std::string& what, const std::string& path) {
  return std::runtime_error(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

// mkdir -p with mode 0700 for every directory it creates; existing ones are left as they are.
void CreatePrivateDirectories(const std::filesystem::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  CreatePrivateDirectories(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw SystemError("cannot create reject_dir", dir.string());
  }
}

}  // namespace

std::string RejectFileName(const std::string& table_key) {
  std::string safe;
  for (std::size_t i = 0; i < table_key.size(); ++i) {
    const char c = table_key[i];
    // A dot stays only between two other characters: no leading dot, no "..".
    const bool dot_ok = c != '.' || (i > 0 && table_key[i - 1] != '.' &&
                                     (i + 1 == table_key.size() || table_key[i + 1] != '.'));
    safe += SafeNameByte(c) && dot_ok ? c : '_';
  }
  if (!safe.empty() && safe == table_key && safe.size() <= kMaxNameBytes) {
    return safe + ".rejects.jsonl";
  }
  if (safe.size() > kMaxNameBytes) safe.resize(kMaxNameBytes);
  return fmt::format("{}-{:012x}.rejects.jsonl", safe, StableHash(table_key) >> 16);
}

std::string DescribeRowKey(const types::RowBatch& batch, std::size_t row,
                           const std::vector<types::TargetColumn>& columns,
                           const std::vector<std::size_t>& key_indexes) {
  std::vector<std::size_t> indexes = key_indexes;
  if (indexes.empty() && !columns.empty()) {
    // Without a key the first column is data, not an identity: shown only at trace.
    if (!config::ShowValues())
      return "the table has no key; --log-level trace shows the first column";
    indexes.push_back(0);
  }
  std::string out;
  for (std::size_t i : indexes) {
    if (!out.empty()) out += ", ";
    out += columns[i].name + "=";
    out += batch.IsNull(row, i) ? std::string("NULL") : ShortValue(batch.Field(row, i));
  }
  return out;
}

std::string BadRowError(const std::string& table, const std::string& row_key,
                        const std::string& column, const std::string& reason) {
  return fmt::format(
      "table {}: bad row ({}), column {}: {} (set on_bad_row: reject to load the other rows and "
      "write this one to the reject file)",
      table, row_key, column, reason);
}

namespace {

// The table's reject file in `reject_dir`, which is created (0700) when missing.
std::string RejectPath(const std::string& reject_dir, const std::string& table) {
  CreatePrivateDirectories(std::filesystem::path(reject_dir));
  return (std::filesystem::path(reject_dir) / RejectFileName(table)).string();
}

}  // namespace

RejectFile::RejectFile(const std::string& reject_dir, const std::string& table)
    : RejectFile(table, RejectPath(reject_dir, table), nullptr) {}

std::unique_ptr<RejectFile> RejectFile::ForPart(RejectFile& table_file, std::size_t index) {
  return std::unique_ptr<RejectFile>(new RejectFile(
      table_file.table_, table_file.path_ + ".part-" + std::to_string(index), &table_file));
}

void RejectFile::Keep() {
  if (keep_into_ == nullptr) return;
  std::lock_guard lock(mu_);
  if (::lseek(fd_, 0, SEEK_SET) < 0) throw SystemError("cannot read the reject file", path_);
  keep_into_->AppendFile(fd_, path_, count_);
  ::close(fd_);
  fd_ = -1;
  ::unlink(path_.c_str());
  keep_into_ = nullptr;
}

void RejectFile::WriteAll(std::string_view data) {
  for (std::size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw SystemError("cannot write the reject file", path_);
    done += static_cast<std::size_t>(n);
  }
}

void RejectFile::Append(std::string_view lines, std::int64_t rows) {
  std::lock_guard lock(mu_);
  WriteAll(lines);
  count_ += rows;
}

void RejectFile::AppendFile(int fd, const std::string& path, std::int64_t rows) {
  std::lock_guard lock(mu_);  // whole lines only: no other part's line lands in between
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw SystemError("cannot read the reject file", path);
    if (n == 0) break;
    WriteAll(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
  count_ += rows;
}

RejectFile::RejectFile(std::string table, std::string path, RejectFile* keep_into)
    : table_(std::move(table)), path_(std::move(path)), keep_into_(keep_into) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) throw SystemError("cannot open reject file", path_);
  // A file left by an older run may have wider permissions: O_CREAT keeps those.
  if (::fchmod(fd_, 0600) != 0) {
    const auto error = SystemError("cannot make the reject file private", path_);
    ::close(fd_);
    throw error;
  }
}

RejectFile::~RejectFile() {
  if (fd_ >= 0) ::close(fd_);
  if (keep_into_ != nullptr) ::unlink(path_.c_str());  // a part's try that did not commit
}

void RejectFile::Write(const types::RowBatch& batch, std::size_t row,
                       const std::vector<types::TargetColumn>& columns,
                       const std::vector<std::size_t>& key_indexes, std::size_t bad_column,
                       const std::string& reason) {
  auto field = [&](std::size_t i) {
    return batch.IsNull(row, i) ? std::string("null")
                                : "\"" + report::JsonEscape(batch.Field(row, i)) + "\"";
  };
  std::string line = "{\"table\":\"" + report::JsonEscape(table_) + "\",\"key\":{";
  bool first = true;
  for (std::size_t i : key_indexes) {
    line += (first ? "\"" : ",\"") + report::JsonEscape(columns[i].name) + "\":" + field(i);
    first = false;
  }
  line += "},\"column\":\"" + report::JsonEscape(columns[bad_column].name) + "\",\"reason\":\"" +
          report::JsonEscape(reason) + "\",\"row\":{";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    line += (i == 0 ? "\"" : ",\"") + report::JsonEscape(columns[i].name) + "\":" + field(i);
  }
  line += "}}\n";
  Append(line, 1);
}

std::int64_t RejectFile::count() const {
  std::lock_guard lock(mu_);
  return count_;
}

}  // namespace etl::pipeline
