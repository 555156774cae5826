#pragma once
// What logs, errors and run reports may disclose (docs/hardening.md, "What is redacted").
//
// Secrets: every password etl resolves (config::ResolvePassword registers it, inline or from the
// environment) is replaced by "***" wherever it would appear in a log line, an error that is
// logged or reported, and the run report: RedactSecrets does that. A password of 8 or more bytes
// is replaced wherever it occurs; a shorter one (any length down to 1) only where it stands as
// a word of its own (not glued to letters, digits or '_' on a side where the password itself
// begins or ends with one), so a password "e" does not turn every "e" of a message into "***"
// -- which would garble the text and point at the password.
//
// Values: by default errors show SQL statements by their shape (literals replaced by ?) and hide
// the values servers quote in their messages (source/statement_shape.h, sink/statement_shape.h);
// row values are written only to reject files. ShowValues() is true at --log-level trace, where
// statements and server messages are shown as they are, for debugging.
//
// Threads: all functions may be called from any thread at any time.

#include <string>
#include <string_view>

namespace etl::config {

// Remembers `secret` for RedactSecrets (an empty one is ignored; repeats are kept once).
void RegisterSecret(std::string_view secret);
// `text` with every registered secret replaced by "***" (see above).
std::string RedactSecrets(std::string_view text);
// `text` with `secret` replaced by "***" under the same rule (for a secret not registered).
std::string RedactSecret(std::string_view text, std::string_view secret);
// Forgets every registered secret (tests).
void ForgetSecretsForTesting();

// Whether statements and values may appear in logs, errors and reports (true at trace level).
void SetShowValues(bool show);
bool ShowValues();

}  // namespace etl::config
