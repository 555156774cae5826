// Secrets of any length are masked in what etl writes; short ones only where they stand alone.

#include <string>

#include <catch2/catch.hpp>

#include "config/disclosure.h"
#include "config/job_loader.h"

namespace etl::config {
namespace {

TEST_CASE("RedactSecret masks passwords of every length", "[config][disclosure]") {
  // 1 and 2 characters: masked where they stand alone, not inside other words.
  CHECK(RedactSecret("password=x host=db", "x") == "password=*** host=db");
  CHECK(RedactSecret("user 'x'@'%' (using password: YES) x", "x") ==
        "user '***'@'%' (using password: YES) ***");
  CHECK(RedactSecret("exit code x1 and max", "x") == "exit code x1 and max");
  CHECK(RedactSecret("pw=ab; abc; ab", "ab") == "pw=***; abc; ***");
  CHECK(RedactSecret("postgres://etl:ab@host/db", "ab") == "postgres://etl:***@host/db");
  // Punctuation passwords cannot be glued to a word: masked everywhere.
  CHECK(RedactSecret("a^b ^", "^") == "a***b ***");
  CHECK(RedactSecret("x-%}y", "%}") == "x-***y");
  // 8 bytes and more: masked wherever they occur.
  CHECK(RedactSecret("xxhunter2hunter2yy", "hunter2hunter2") == "xx***yy");
  CHECK(RedactSecret("nothing here", "") == "nothing here");
}

TEST_CASE("registered secrets are masked, longest first, ResolvePassword registers",
          "[config][disclosure]") {
  ForgetSecretsForTesting();
  CHECK(RedactSecrets("q") == "q");
  const EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "PW1") return std::string("q");
    if (name == "PW2") return std::string("q1");
    return std::nullopt;
  };
  CHECK(ResolvePassword(std::nullopt, "PW1", env) == "q");
  CHECK(ResolvePassword(std::nullopt, "PW2", env) == "q1");
  CHECK(ResolvePassword(std::string("inline-secret-value"), "", env) == "inline-secret-value");
  CHECK(RedactSecrets("a q1 b q c qq inline-secret-value!") == "a *** b *** c qq ***!");
  ForgetSecretsForTesting();
  CHECK(RedactSecrets("q") == "q");
}

TEST_CASE("ShowValues is off unless switched on", "[config][disclosure]") {
  CHECK_FALSE(ShowValues());
  SetShowValues(true);
  CHECK(ShowValues());
  SetShowValues(false);
}

}  // namespace
}  // namespace etl::config
