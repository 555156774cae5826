#include "sink/target_row_stream.h"

#include <string_view>

#include "sink/copy_binary_values.h"
#include "sink/copy_out.h"
#include "sink/pg_quote.h"

namespace etl::sink {
namespace {

using copy_binary::kCopySignature;
constexpr std::size_t kHeaderSize = copy_binary::kCopyHeaderSize;

std::uint32_t BigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) |
         std::uint32_t{u[3]};
}

std::uint16_t BigEndian16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>((u[0] << 8) | u[1]);
}

}  // namespace

std::size_t BinaryRowLength(std::string_view data) {
  if (data.size() < 2) return 0;
  const auto fields = static_cast<std::int16_t>(BigEndian16(data.data()));
  std::size_t pos = 2;
  for (int f = 0; f < fields; ++f) {
    if (data.size() < pos + 4) return 0;
    const auto length = static_cast<std::int32_t>(BigEndian32(data.data() + pos));
    pos += 4;
    if (length > 0) pos += static_cast<std::size_t>(length);
    if (data.size() < pos) return 0;
  }
  return pos;
}

TargetRowStream::TargetRowStream(PgConnection& conn, std::string_view schema,
                                 std::string_view table, const std::vector<std::string>& columns,
                                 std::size_t key_index, KeyRange range, std::string context)
    : conn_(conn), context_(std::move(context)), key_index_(key_index) {
  const std::string key = QuoteIdent(columns.at(key_index));
  std::string where;
  if (range.lo) where = key + " >= " + std::to_string(*range.lo);
  if (range.hi) where += (where.empty() ? "" : " AND ") + key + " < " + std::to_string(*range.hi);
  statement_ = "COPY (SELECT " + QuoteIdentList(columns) + " FROM " + QualifiedName(schema, table) +
               (where.empty() ? "" : " WHERE " + where) + " ORDER BY " + key +
               ") TO STDOUT (FORMAT binary)";
  conn_.Exec("SET enable_sort = off");
  StartCopyOut(conn_, statement_, context_);
  copying_ = true;
}

TargetRowStream::~TargetRowStream() {
  Close();
}

void TargetRowStream::Release() noexcept {
  if (buffer_ != nullptr) PQfreemem(buffer_);
  buffer_ = nullptr;
  row_ = nullptr;
  row_size_ = 0;
}

bool TargetRowStream::Next() {
  Release();
  while (copying_) {
    const int n = PQgetCopyData(conn_.get(), &buffer_, /*async=*/0);
    if (n == -1) {
      Finish();
      return false;
    }
    if (n < 0) {
      copying_ = false;
      throw conn_.ConnectionError(context_ + ": reading the target's rows failed");
    }
    const char* data = buffer_;
    auto size = static_cast<std::size_t>(n);
    if (!header_seen_) {  // the header arrives with the first row
      if (size < kHeaderSize || std::string_view(data, kCopySignature.size()) != kCopySignature) {
        throw PgError(context_ + ": not a COPY BINARY stream: " + statement_);
      }
      const std::size_t extension = BigEndian32(data + kCopySignature.size() + 4);
      if (size < kHeaderSize + extension) throw PgError(context_ + ": short COPY BINARY header");
      data += kHeaderSize + extension;
      size -= kHeaderSize + extension;
      header_seen_ = true;
    }
    if (size == 2 && static_cast<std::int16_t>(BigEndian16(data)) == -1) {  // the trailer
      Release();
      continue;
    }
    if (BinaryRowLength({data, size}) != size) {
      throw PgError(context_ + ": malformed COPY BINARY row " + std::to_string(rows_ + 1));
    }
    // The key field: skip the fields before it.
    std::size_t pos = 2;
    for (std::size_t f = 0; f < key_index_; ++f) {
      const auto length = static_cast<std::int32_t>(BigEndian32(data + pos));
      pos += 4 + (length > 0 ? static_cast<std::size_t>(length) : 0);
    }
    const auto length = static_cast<std::int32_t>(BigEndian32(data + pos));
    const char* value = data + pos + 4;
    if (length == 2) {
      key_ = static_cast<std::int16_t>(BigEndian16(value));
    } else if (length == 4) {
      key_ = static_cast<std::int32_t>(BigEndian32(value));
    } else if (length == 8) {
      key_ = static_cast<std::int64_t>((std::uint64_t{BigEndian32(value)} << 32) |
                                       BigEndian32(value + 4));
    } else {
      throw PgError(context_ + ": the key of target row " + std::to_string(rows_ + 1) +
                    (length < 0 ? " is NULL" : " is not an integer"));
    }
    row_ = data;
    row_size_ = size;
    ++rows_;
    return true;
  }
  return false;
}

void TargetRowStream::Finish() {
  copying_ = false;
  FinishCopyOut(conn_, statement_);
}

void TargetRowStream::Close() noexcept {
  Release();
  if (!copying_) return;
  copying_ = false;
  StopCopyOut(conn_, context_);
}

}  // namespace etl::sink
