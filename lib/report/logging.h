#pragma once
// Process-wide logging setup: everything goes to stderr (stdout carries only the human summary).
//
// Formats: "text" -> "2026-11-21 08:00:00.123 info  message"; "json" -> one JSON object per line
// {"ts":"...","level":"info","msg":"..."} with the message escaped. Levels: trace debug info warn
// error. ConfigureLogging returns false (and changes nothing) for an unknown level or format.
// Every line is passed through config::RedactSecrets (no password reaches stderr, whoever logs
// it), and the level sets config::SetShowValues: only at trace do errors and logs show SQL
// statements and the values servers quote (config/disclosure.h).

#include <functional>
#include <string>
#include <string_view>

namespace etl::report {

bool ConfigureLogging(const std::string& level, const std::string& format);

// Hands every formatted log line (with its newline) to `writer` instead of writing it to stderr;
// an empty writer restores stderr. The live progress display (report/progress.h) uses it to print
// log lines above its redrawn block. Calls to `writer` are serialised.
using LogWriter = std::function<void(std::string_view line)>;
void SetLogWriter(LogWriter writer);

// Escapes `s` for use inside a JSON string literal (no surrounding quotes). Invalid UTF-8 bytes
// are written as \u00XX so the output is always valid JSON.
std::string JsonEscape(std::string_view s);

}  // namespace etl::report
