// Reject files: a safe file name from any table key, the file private (0600) inside reject_dir,
// reject_dir created private (0700); the bad-row error names the key, never the bad value.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/bad_rows.h"
#include "support/test_env.h"

namespace etl::pipeline {
namespace {

namespace fs = std::filesystem;

std::string TempDir() {
  std::string templ = (fs::temp_directory_path() / "etl-bad-rows-XXXXXX").string();
  REQUIRE(::mkdtemp(templ.data()) != nullptr);
  return templ;
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<types::TargetColumn> Columns() {
  std::vector<types::TargetColumn> cols(2);
  cols[0].name = "id";
  cols[1].name = "doc";
  return cols;
}

types::RowBatch OneRow(const std::string& id, const std::string& doc) {
  types::RowBatch b(2);
  b.BeginRow();
  b.AppendField(id);
  b.AppendField(doc);
  return b;
}

TEST_CASE("RejectFileName keeps safe keys and makes every other key a safe, distinct name",
          "[pipeline][rejects]") {
  CHECK(RejectFileName("orders") == "orders.rejects.jsonl");
  CHECK(RejectFileName("shop.order_items-2") == "shop.order_items-2.rejects.jsonl");

  const std::vector<std::string> keys = {"../../escaped",
                                         "a/b",
                                         "..",
                                         ".hidden",
                                         "a..b",
                                         "",
                                         "ä ö",
                                         std::string(300, 'x'),
                                         std::string("nul\0byte", 8)};
  for (const std::string& key : keys) {
    INFO(key);
    const std::string name = RejectFileName(key);
    CHECK(name.ends_with(".rejects.jsonl"));
    CHECK(name.find('/') == std::string::npos);
    CHECK(name.find('\0') == std::string::npos);
    CHECK(name.find("..") == std::string::npos);
    CHECK(name.front() != '.');
    CHECK(name.size() <= 255);           // NAME_MAX
    CHECK(name == RejectFileName(key));  // the same on every run
  }
  CHECK(RejectFileName("../../escaped").starts_with("______escaped-"));
  // Keys that differ only in unsafe bytes, or only past the length cut, do not collide.
  CHECK(RejectFileName("a/b") != RejectFileName("a?b"));
  CHECK(RejectFileName("a/b") != RejectFileName("a_b"));
  CHECK(RejectFileName(std::string(300, 'x')) != RejectFileName(std::string(301, 'x')));
}

TEST_CASE("a ../ table key writes its reject file inside reject_dir, private",
          "[pipeline][rejects]") {
  const std::string base = TempDir();
  const std::string reject_dir = base + "/a/b/rejects";  // missing, with missing parents
  ::umask(022);
  {
    RejectFile file(reject_dir, "../../escaped");
    const auto batch = OneRow("42", "{bad");
    file.Write(batch, 0, Columns(), {0}, 1, "invalid JSON");
    CHECK(file.count() == 1);
    CHECK(fs::path(file.path()).parent_path() == fs::path(reject_dir));
    CHECK(Mode(file.path()) == 0600);
    const std::string text = testing::ReadFile(file.path());
    CHECK(text.find("\"table\":\"../../escaped\"") != std::string::npos);
    CHECK(text.find("\"doc\":\"{bad\"") != std::string::npos);
  }
  CHECK(Mode(reject_dir) == 0700);
  CHECK(Mode(base + "/a") == 0700);
  // Nothing escaped: the only file anywhere under base is the reject file.
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(base)) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  CHECK(files == std::vector<std::string>{reject_dir + "/" + RejectFileName("../../escaped")});
  fs::remove_all(base);
}

TEST_CASE("an existing reject file is truncated and made private, a symlink is refused",
          "[pipeline][rejects]") {
  const std::string dir = TempDir();
  ::chmod(dir.c_str(), 0755);
  const std::string path = dir + "/t.rejects.jsonl";
  std::ofstream(path) << "old rows\n";
  ::chmod(path.c_str(), 0644);
  {
    RejectFile file(dir, "t");
    CHECK(Mode(path) == 0600);
    CHECK(testing::ReadFile(path).empty());
  }
  CHECK(Mode(dir) == 0755);  // an existing reject_dir keeps its mode

  const std::string target = dir + "/elsewhere";
  std::ofstream(target) << "keep me\n";
  fs::create_symlink(target, dir + "/s.rejects.jsonl");
  CHECK_THROWS_WITH(RejectFile(dir, "s"), Catch::Contains("cannot open reject file"));
  CHECK(testing::ReadFile(target) == "keep me\n");
  fs::remove_all(dir);
}

TEST_CASE("the bad-row error names the key and the column, not the bad value",
          "[pipeline][rejects]") {
  const auto batch = OneRow("42", "{\"secret\": bad");
  const std::string key = DescribeRowKey(batch, 0, Columns(), {0});
  const std::string error = BadRowError("t", key, "doc", "invalid JSON");
  CHECK(error.find("id=42") != std::string::npos);
  CHECK(error.find("column doc") != std::string::npos);
  CHECK(error.find("secret") == std::string::npos);
}

}  // namespace
}  // namespace etl::pipeline
