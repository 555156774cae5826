#include "plan/row_diff.h"

#include <charconv>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace etl::plan {
namespace {

using types::ValueKind;

constexpr std::size_t kMaxKeyValueChars = 100;

int Sign(int v) {
  return (v > 0) - (v < 0);
}

int CompareBytes(std::string_view a, std::string_view b) {
  const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return Sign(c);
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Magnitudes of two unsigned decimal numbers ("12", "0.5", "12.300").
int CompareMagnitude(std::string_view a, std::string_view b) {
  const std::size_t pa = std::min(a.find('.'), a.size());
  const std::size_t pb = std::min(b.find('.'), b.size());
  std::string_view ia = a.substr(0, pa), ib = b.substr(0, pb);
  while (ia.size() > 1 && ia.front() == '0')
    ia.remove_prefix(1);
  while (ib.size() > 1 && ib.front() == '0')
    ib.remove_prefix(1);
  if (ia.size() != ib.size()) return ia.size() < ib.size() ? -1 : 1;
  if (const int c = ia.compare(ib); c != 0) return Sign(c);
  const std::string_view fa = pa < a.size() ? a.substr(pa + 1) : std::string_view();
  const std::string_view fb = pb < b.size() ? b.substr(pb + 1) : std::string_view();
  for (std::size_t i = 0; i < std::max(fa.size(), fb.size()); ++i) {
    const char da = i < fa.size() ? fa[i] : '0';
    const char db = i < fb.size() ? fb[i] : '0';
    if (da != db) return da < db ? -1 : 1;
  }
  return 0;
}

int CompareNumber(std::string_view a, std::string_view b) {
  const bool na = !a.empty() && a.front() == '-';
  const bool nb = !b.empty() && b.front() == '-';
  if (na != nb) return na ? -1 : 1;
  const int m = CompareMagnitude(na ? a.substr(1) : a, nb ? b.substr(1) : b);
  return na ? -m : m;
}

// '[-]h+:mm:ss[.f]' -> microseconds; 0 for text of another shape (then compared bytewise).
bool IntervalMicros(std::string_view s, std::int64_t& out) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  std::int64_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parts[i]);
    if (ec != std::errc()) return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    if (i < 2) {
      if (s.empty() || s.front() != ':') return false;
      s.remove_prefix(1);
    }
  }
  std::int64_t micros = 0;
  if (!s.empty()) {
    if (s.front() != '.') return false;
    s.remove_prefix(1);
    for (int i = 0; i < 6; ++i) {
      const char d = i < static_cast<int>(s.size()) ? s[i] : '0';
      if (d < '0' || d > '9') return false;
      micros = micros * 10 + (d - '0');
    }
  }
  out = ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000000 + micros;
  if (negative) out = -out;
  return true;
}

double FloatValue(std::string_view s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

void AppendKeyValue(std::string& out, const CompareColumn& c, bool null, std::string_view v) {
  if (null) {
    out += "NULL";
    return;
  }
  const bool cut = v.size() > kMaxKeyValueChars;
  if (cut) v = v.substr(0, kMaxKeyValueChars);
  if (!c.quote_in_key) {
    out += v;
  } else {
    out.push_back('\'');
    for (char ch : v) {
      if (ch == '\'') out.push_back('\'');
      out.push_back(ch);
    }
    out.push_back('\'');
  }
  if (cut) out += "...";
}

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values)
    out += (out.empty() ? "" : ", ") + v.substr(0, kMaxKeyValueChars);
  return out;
}

std::uint64_t Mix(std::uint64_t h) {
  // The finaliser of MurmurHash3: spreads std::hash's bits before they are summed.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

KeyOrder KeyOrderFor(const types::TargetColumn& column) {
  switch (column.kind) {
    case ValueKind::kInt16:
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kNumeric:
    case ValueKind::kYear:
      return KeyOrder::kNumber;
    case ValueKind::kInterval:
      return KeyOrder::kInterval;
    case ValueKind::kFloat4:
    case ValueKind::kFloat8:
      return KeyOrder::kFloat;
    default:
      return KeyOrder::kBytes;
  }
}

std::vector<CompareColumn> CompareColumnsFor(const std::vector<types::TargetColumn>& columns) {
  std::vector<CompareColumn> out;
  out.reserve(columns.size());
  for (const auto& c : columns) {
    CompareColumn cc;
    cc.name = c.name;
    cc.form = types::FieldFormFor(c);
    cc.canonical = types::ClientCanonicalFor(c);
    cc.order = KeyOrderFor(c);
    cc.quote_in_key = cc.order == KeyOrder::kBytes && c.kind != ValueKind::kBoolFromInt &&
                      c.kind != ValueKind::kBoolFromBit;
    out.push_back(std::move(cc));
  }
  return out;
}

int CompareKeyValue(KeyOrder order, std::string_view a, std::string_view b) {
  switch (order) {
    case KeyOrder::kNumber:
      return CompareNumber(a, b);
    case KeyOrder::kInterval: {
      std::int64_t ma = 0, mb = 0;
      if (IntervalMicros(a, ma) && IntervalMicros(b, mb)) return ma < mb ? -1 : (ma > mb ? 1 : 0);
      return CompareBytes(a, b);
    }
    case KeyOrder::kFloat: {
      const double da = FloatValue(a), db = FloatValue(b);
      return da < db ? -1 : (da > db ? 1 : 0);
    }
    case KeyOrder::kBytes:
      break;
  }
  return CompareBytes(a, b);
}

RowDiff::RowDiff(std::vector<CompareColumn> columns, std::vector<std::size_t> key,
                 bool source_pending_flag, std::size_t max_keys)
    : columns_(std::move(columns)), key_(std::move(key)), pending_flag_(source_pending_flag) {
  diff_.max_keys = max_keys;
  if (key_.empty()) throw std::invalid_argument("RowDiff needs a key");
}

void RowDiff::Load(Cursor& c) {
  c.row = 0;
  do {
    c.batch = (*c.next)();
  } while (c.batch != nullptr && c.batch->empty());
  if (c.batch != nullptr && c.batch->column_count() != c.fields) {
    throw std::runtime_error(fmt::format("{} rows have {} fields, expected {}", c.side,
                                         c.batch->column_count(), c.fields));
  }
}

void RowDiff::Advance(Cursor& c) {
  if (++c.row >= c.batch->row_count()) Load(c);
}

std::optional<std::string_view> RowDiff::Text(const Cursor& c, std::size_t col,
                                              std::string& scratch) {
  if (c.batch->IsNull(c.row, col)) return std::nullopt;
  const std::string_view raw = c.batch->Field(c.row, col);
  return c.is_source ? types::SourceText(columns_[col].form, raw, scratch)
                     : types::TargetText(columns_[col].form, raw, scratch);
}

int RowDiff::CompareKeys(const Cursor& a, const Cursor& b) {
  for (std::size_t k : key_) {
    const auto ta = Text(a, k, scratch_a_);
    const auto tb = Text(b, k, scratch_b_);
    if (!ta || !tb) {
      if (ta.has_value() != tb.has_value()) return !ta ? -1 : 1;  // NULL first
      continue;
    }
    if (const int c = CompareKeyValue(columns_[k].order, *ta, *tb); c != 0) return c;
  }
  return 0;
}

bool RowDiff::CheckOrder(Cursor& c) {
  int cmp = 1;
  if (c.has_previous) {
    cmp = 0;
    for (std::size_t i = 0; i < key_.size() && cmp == 0; ++i) {
      const auto text = Text(c, key_[i], scratch_a_);
      if (!text || c.previous_null[i]) {
        cmp = !text == c.previous_null[i] ? 0 : (!text ? -1 : 1);
        continue;
      }
      cmp = CompareKeyValue(columns_[key_[i]].order, *text, c.previous[i]);
    }
    if (cmp < 0) {
      throw std::runtime_error(fmt::format(
          "{} rows are not in key order ({} came after {}): the two servers sort this key "
          "differently, so rows cannot be matched by key",
          c.side, KeyText(*c.batch, c.row, c.is_source), Join(c.previous)));
    }
  }
  c.previous.resize(key_.size());
  c.previous_null.resize(key_.size());
  for (std::size_t i = 0; i < key_.size(); ++i) {
    const auto text = Text(c, key_[i], scratch_a_);
    c.previous_null[i] = !text;
    c.previous[i].assign(text.value_or(std::string_view()));
  }
  c.has_previous = true;
  return cmp == 0;
}

bool RowDiff::Pending(const Cursor& source) const {
  return pending_flag_ && source.batch->Field(source.row, columns_.size()) == "1";
}

void RowDiff::CompareRow(const Cursor& s, const Cursor& t) {
  std::vector<std::string> differing;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const auto a = Text(s, i, scratch_a_);
    const auto b = Text(t, i, scratch_b_);
    const bool same =
        (!a || !b) ? a.has_value() == b.has_value() : types::Equal(columns_[i].canonical, *a, *b);
    if (!same) differing.push_back(columns_[i].name);
  }
  if (!differing.empty()) diff_.AddChanged(KeyText(*s.batch, s.row, true), std::move(differing));
}

void RowDiff::Run(const BatchSource& source, const BatchSource& target) {
  Cursor s, t;
  s.next = &source;
  s.side = "source";
  s.is_source = true;
  s.fields = columns_.size() + (pending_flag_ ? 1 : 0);
  t.next = &target;
  t.side = "target";
  t.fields = columns_.size();
  Load(s);
  Load(t);
  bool s_repeat = s.Valid() && CheckOrder(s);
  bool t_repeat = t.Valid() && CheckOrder(t);
  auto step = [this](Cursor& c, bool& repeat) {
    Advance(c);
    repeat = c.Valid() && CheckOrder(c);
  };
  while (s.Valid() || t.Valid()) {
    if (t.Valid() && t_repeat) {  // a key the target holds twice
      ++target_rows_;
      diff_.AddExtra(KeyText(*t.batch, t.row, false));
      step(t, t_repeat);
      continue;
    }
    if (s.Valid() && s_repeat) {
      ++source_rows_;
      diff_.AddMissing(KeyText(*s.batch, s.row, true));
      step(s, s_repeat);
      continue;
    }
    const int cmp = !s.Valid() ? 1 : (!t.Valid() ? -1 : CompareKeys(s, t));
    if (cmp == 0) {
      ++target_rows_;
      if (Pending(s)) {
        ++diff_.pending;
      } else {
        ++source_rows_;
        CompareRow(s, t);
      }
      step(s, s_repeat);
      step(t, t_repeat);
    } else if (cmp < 0) {
      if (Pending(s)) {
        ++diff_.pending;
      } else {
        ++source_rows_;
        diff_.AddMissing(KeyText(*s.batch, s.row, true));
      }
      step(s, s_repeat);
    } else {
      ++target_rows_;
      diff_.AddExtra(KeyText(*t.batch, t.row, false));
      step(t, t_repeat);
    }
  }
}

std::string RowDiff::KeyText(const types::RowBatch& batch, std::size_t row, bool source) {
  Cursor c;
  c.batch = &batch;
  c.row = row;
  c.is_source = source;
  std::string out;
  if (key_.size() > 1) out.push_back('(');
  for (std::size_t i = 0; i < key_.size(); ++i) {
    const std::size_t k = key_[i];
    if (i) out += ", ";
    out += columns_[k].name;
    out.push_back('=');
    const auto text = Text(c, k, scratch_a_);
    AppendKeyValue(out, columns_[k], !text, text.value_or(std::string_view()));
  }
  if (key_.size() > 1) out.push_back(')');
  return out;
}

void AddRows(const std::vector<CompareColumn>& columns, const types::RowBatch& batch, bool source,
             UnorderedChecksum& sum) {
  std::string row_text;
  std::string scratch;
  std::string canonical;
  for (std::size_t r = 0; r < batch.row_count(); ++r) {
    row_text.clear();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto text =
          batch.IsNull(r, i)
              ? std::nullopt
              : (source ? types::SourceText(columns[i].form, batch.Field(r, i), scratch)
                        : types::TargetText(columns[i].form, batch.Field(r, i), scratch));
      if (!text) {
        row_text.push_back('N');
        continue;
      }
      types::Canonical(columns[i].canonical, *text, canonical);
      row_text += std::to_string(canonical.size());
      row_text.push_back(':');
      row_text += canonical;
    }
    sum.sum += Mix(std::hash<std::string_view>{}(row_text));
    ++sum.rows;
  }
}

}  // namespace etl::plan
