#include "types/canonical_value.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "types/json_check.h"
#include "types/temporal.h"
#include "types/text_check.h"

namespace etl::types {
namespace {

constexpr std::string_view kInvalidPrefix = "\x01invalid:";
constexpr int kMaxJsonDepth = 1000;  // jsonb's own limit is far higher; this bounds recursion
constexpr std::int64_t kMaxExponent = 100000;

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr const char* kHex = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// jsonb's key order: shorter keys first, then bytewise.
bool JsonbKeyLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::string_view TrimRight(std::string_view s) {
  // raw_json_token() includes the blanks up to the next token.
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool EmitValue(simdjson::ondemand::value value, std::string& out, int depth) {
  if (depth > kMaxJsonDepth) return false;
  simdjson::ondemand::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  switch (type) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object object;
      if (value.get_object().get(object) != simdjson::SUCCESS) return false;
      std::vector<std::pair<std::string, std::string>> members;
      for (auto member : object) {
        std::string_view key;
        if (member.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        std::pair<std::string, std::string> entry{std::string(key), std::string()};
        simdjson::ondemand::value item;
        if (member.value().get(item) != simdjson::SUCCESS) return false;
        if (!EmitValue(item, entry.second, depth + 1)) return false;
        members.push_back(std::move(entry));
      }
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return JsonbKeyLess(a.first, b.first); });
      out.push_back('{');
      bool first = true;
      for (std::size_t i = 0; i < members.size(); ++i) {
        // A duplicate key keeps its last value, as jsonb does.
        if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;
        if (!first) out.append(", ");
        first = false;
        AppendJsonString(members[i].first, out);
        out.append(": ");
        out.append(members[i].second);
      }
      out.push_back('}');
      return true;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array array;
      if (value.get_array().get(array) != simdjson::SUCCESS) return false;
      out.push_back('[');
      bool first = true;
      for (auto element : array) {
        simdjson::ondemand::value item;
        if (element.get(item) != simdjson::SUCCESS) return false;
        if (!first) out.append(", ");
        first = false;
        if (!EmitValue(item, out, depth + 1)) return false;
      }
      out.push_back(']');
      return true;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) return false;
      AppendJsonString(s, out);
      return true;
    }
    case simdjson::ondemand::json_type::number: {
      return CanonicalJsonNumber(TrimRight(value.raw_json_token()), out);
    }
    case simdjson::ondemand::json_type::boolean: {
      bool b = false;
      if (value.get_bool().get(b) != simdjson::SUCCESS) return false;
      out.append(b ? "true" : "false");
      return true;
    }
    case simdjson::ondemand::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) != simdjson::SUCCESS || !is_null) return false;
      out.append("null");
      return true;
    }
  }
  return false;
}

constexpr const char* kHexDigits = "0123456789abcdef";

std::string_view Hex(std::string_view bytes, std::string& scratch) {
  scratch.resize(bytes.size() * 2);
  char* p = scratch.data();
  for (unsigned char c : bytes) {
    *p++ = kHexDigits[c >> 4];
    *p++ = kHexDigits[c & 15];
  }
  return scratch;
}

// "0042" -> "42", "00.50" -> "0.50", "0000" -> "0" (ZEROFILL and YEAR padding).
std::string_view StripLeadingZeros(std::string_view s) {
  std::size_t i = 0;
  while (i + 1 < s.size() && s[i] == '0' && IsDigit(s[i + 1]))
    ++i;
  return s.substr(i);
}

// "...:05.500000" -> "...:05.5", "...:05.000000" -> "...:05"; text without a fraction unchanged.
std::string_view TrimFraction(std::string_view s) {
  if (s.find('.') == std::string_view::npos) return s;
  while (!s.empty() && s.back() == '0')
    s.remove_suffix(1);
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

bool ZeroDate(std::string_view raw) {
  CivilDate date;
  return ParseCivilDate(raw, date) == DateParse::kZero;
}

std::string_view BitDigits(std::string_view raw, std::int64_t width, std::string& scratch) {
  const std::size_t total = raw.size() * 8;
  const std::size_t n = width > 0 ? static_cast<std::size_t>(width) : total;
  scratch.assign(n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = n - 1 - i;  // bit index from the least significant end
    if (k >= total) continue;
    const auto byte = static_cast<unsigned char>(raw[raw.size() - 1 - k / 8]);
    if ((byte >> (k % 8)) & 1) scratch[i] = '1';
  }
  return scratch;
}

// PostgreSQL's text[] output '{a,"b c","x\"y"}' -> 'a,b c,x"y' (set members never hold ',').
std::string_view JoinArray(std::string_view raw, std::string& scratch) {
  scratch.clear();
  if (raw.size() < 2 || raw.front() != '{' || raw.back() != '}') return raw;
  const std::string_view body = raw.substr(1, raw.size() - 2);
  bool quoted = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (quoted) {
      if (c == '\\' && i + 1 < body.size()) {
        scratch.push_back(body[++i]);
      } else if (c == '"') {
        quoted = false;
      } else {
        scratch.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else {
      scratch.push_back(c);
    }
  }
  return scratch;
}

}  // namespace

FieldForm FieldFormFor(const TargetColumn& column) {
  FieldForm form;
  form.kind = column.kind;
  form.bits = column.source.numeric_precision.value_or(0);
  std::string type = column.source.column_type;
  for (char& c : type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  form.zerofill = type.find("zerofill") != std::string::npos;
  return form;
}

std::optional<std::string_view> SourceText(const FieldForm& form, std::string_view raw,
                                           std::string& scratch) {
  switch (form.kind) {
    case ValueKind::kBoolFromInt: {
      bool zero = true;
      for (char c : raw) {
        if (c != '0' && c != '-') zero = false;
      }
      return zero ? "false" : "true";
    }
    case ValueKind::kBoolFromBit: {
      bool zero = raw == "0";
      if (!zero) {
        zero = true;
        for (char c : raw) {
          if (c != '\0') zero = false;
        }
      }
      return zero ? "false" : "true";
    }
    case ValueKind::kInt16:
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kNumeric:
      return form.zerofill ? StripLeadingZeros(raw) : raw;
    case ValueKind::kYear:
      return StripLeadingZeros(raw);
    case ValueKind::kDate:
      if (ZeroDate(raw)) return std::nullopt;
      return raw;
    case ValueKind::kTimestamp:
      if (ZeroDate(raw)) return std::nullopt;
      return TrimFraction(raw);
    case ValueKind::kTimestampTz:
      if (ZeroDate(raw)) return std::nullopt;
      scratch.assign(TrimFraction(raw));
      scratch.append("+00");
      return scratch;
    case ValueKind::kInterval:
      return TrimFraction(raw);
    case ValueKind::kBytea:
      return Hex(raw, scratch);
    case ValueKind::kGeometry:
      return Hex(raw.size() >= 4 ? raw.substr(4) : raw, scratch);
    case ValueKind::kBitVarying:
      return BitDigits(raw, form.bits, scratch);
    default:
      return raw;
  }
}

std::optional<std::string_view> TargetText(const FieldForm& form, std::string_view raw,
                                           std::string& scratch) {
  switch (form.kind) {
    case ValueKind::kBoolFromInt:
    case ValueKind::kBoolFromBit:
      if (raw == "t") return "true";
      if (raw == "f") return "false";
      return raw;
    case ValueKind::kSetArray:
      return JoinArray(raw, scratch);
    case ValueKind::kBytea:
    case ValueKind::kGeometry:
      return raw.substr(0, 2) == "\\x" ? raw.substr(2) : raw;
    default:
      return raw;
  }
}

ClientCanonical ClientCanonicalFor(const TargetColumn& column) {
  switch (column.kind) {
    case ValueKind::kJsonb:
      return ClientCanonical::kJson;
    case ValueKind::kFloat4:
      return ClientCanonical::kFloat4;
    case ValueKind::kFloat8:
      return ClientCanonical::kFloat8;
    default:
      return ClientCanonical::kNone;
  }
}

bool HasSqlCanonical(const TargetColumn& column) {
  return column.kind != ValueKind::kCast && ClientCanonicalFor(column) == ClientCanonical::kNone;
}

bool HashWithLength(const TargetColumn& column) {
  return column.kind == ValueKind::kText || column.kind == ValueKind::kEnumText ||
         column.kind == ValueKind::kSetArray;
}

bool CanonicalJsonNumber(std::string_view token, std::string& out) {
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, read the way numeric_in reads it: the
  // digits, the scale (digits after the point minus the exponent, at least 0) and the sign.
  std::size_t i = 0;
  bool negative = false;
  if (i < token.size() && token[i] == '-') {
    negative = true;
    ++i;
  }
  std::string digits;
  const std::size_t int_start = i;
  while (i < token.size() && IsDigit(token[i]))
    digits.push_back(token[i++]);
  if (i == int_start) return false;
  if (i - int_start > 1 && token[int_start] == '0') return false;
  std::int64_t fraction = 0;
  if (i < token.size() && token[i] == '.') {
    ++i;
    const std::size_t frac_start = i;
    while (i < token.size() && IsDigit(token[i]))
      digits.push_back(token[i++]);
    if (i == frac_start) return false;
    fraction = static_cast<std::int64_t>(i - frac_start);
  }
  std::int64_t exponent = 0;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) exp_negative = token[i++] == '-';
    const std::size_t exp_start = i;
    while (i < token.size() && IsDigit(token[i])) {
      exponent = exponent * 10 + (token[i++] - '0');
      if (exponent > kMaxExponent) return false;
    }
    if (i == exp_start) return false;
    if (exp_negative) exponent = -exponent;
  }
  if (i != token.size()) return false;

  // value = digits * 10^(exponent - fraction); printed with `scale` decimals.
  const std::int64_t shift = exponent - fraction;
  const std::int64_t scale = shift >= 0 ? 0 : -shift;
  std::string integer_part;
  std::string fraction_part;
  if (shift >= 0) {
    integer_part = digits + std::string(static_cast<std::size_t>(shift), '0');
  } else {
    const auto n = static_cast<std::int64_t>(digits.size());
    if (n > scale) {
      integer_part = digits.substr(0, static_cast<std::size_t>(n - scale));
      fraction_part = digits.substr(static_cast<std::size_t>(n - scale));
    } else {
      fraction_part = std::string(static_cast<std::size_t>(scale - n), '0') + digits;
    }
  }
  const std::size_t nonzero = integer_part.find_first_not_of('0');
  integer_part = nonzero == std::string::npos ? "0" : integer_part.substr(nonzero);
  const bool zero =
      integer_part == "0" && fraction_part.find_first_not_of('0') == std::string::npos;
  if (negative && !zero) out.push_back('-');  // numeric has no negative zero
  out.append(integer_part);
  if (!fraction_part.empty()) {
    out.push_back('.');
    out.append(fraction_part);
  }
  return true;
}

bool CanonicalJson(std::string_view text, std::string& out) {
  // The on-demand parser does not look at what follows the document, so the text is first
  // checked in full (the same check the load makes).
  thread_local std::string padded;
  if (TextProblem(text) != nullptr || JsonProblem(text, padded) != nullptr) return false;
  // The document is wrapped in [ ] so that a scalar document is read like any other value.
  thread_local simdjson::ondemand::parser parser;
  padded.clear();
  padded.reserve(text.size() + 2 + simdjson::SIMDJSON_PADDING);
  padded.push_back('[');
  padded.append(text);
  padded.push_back(']');
  const std::size_t length = padded.size();
  padded.resize(length + simdjson::SIMDJSON_PADDING, ' ');
  simdjson::ondemand::document doc;
  if (parser.iterate(padded.data(), length, padded.size()).get(doc) != simdjson::SUCCESS) {
    return false;
  }
  simdjson::ondemand::array root;
  if (doc.get_array().get(root) != simdjson::SUCCESS) return false;
  out.clear();
  int count = 0;
  for (auto element : root) {
    simdjson::ondemand::value item;
    if (element.get(item) != simdjson::SUCCESS) return false;
    if (++count > 1) return false;
    if (!EmitValue(item, out, 0)) return false;
  }
  return count == 1;
}

bool CanonicalFloat(bool single_precision, std::string_view text, std::string& out) {
  out.clear();
  // PostgreSQL spells the specials Infinity/-Infinity/NaN; MySQL cannot store them.
  if (text == "Infinity" || text == "inf") {
    out = "Infinity";
    return true;
  }
  if (text == "-Infinity" || text == "-inf") {
    out = "-Infinity";
    return true;
  }
  if (text == "NaN" || text == "nan") {
    out = "NaN";
    return true;
  }
  char buffer[64];
  std::to_chars_result printed{};
  if (single_precision) {
    float v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    printed = std::to_chars(buffer, buffer + sizeof buffer, v);
  } else {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    printed = std::to_chars(buffer, buffer + sizeof buffer, v);
  }
  if (printed.ec != std::errc()) return false;
  out.assign(buffer, printed.ptr);
  return true;
}

void Canonical(ClientCanonical kind, std::string_view text, std::string& out) {
  bool ok = true;
  switch (kind) {
    case ClientCanonical::kNone:
      out.assign(text);
      return;
    case ClientCanonical::kJson:
      ok = CanonicalJson(text, out);
      break;
    case ClientCanonical::kFloat4:
      ok = CanonicalFloat(true, text, out);
      break;
    case ClientCanonical::kFloat8:
      ok = CanonicalFloat(false, text, out);
      break;
  }
  if (!ok) {
    out.assign(kInvalidPrefix);
    out.append(text);
  }
}

bool Equal(ClientCanonical kind, std::string_view a, std::string_view b) {
  if (a == b) return true;
  if (kind == ClientCanonical::kNone) return false;
  thread_local std::string ca;
  thread_local std::string cb;
  Canonical(kind, a, ca);
  Canonical(kind, b, cb);
  return ca == cb;
}

}  // namespace etl::types
