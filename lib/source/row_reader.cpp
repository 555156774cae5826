#include "source/row_reader.h"

#include <algorithm>
#include <chrono>

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include "source/mysql_error.h"

namespace etl::source {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

RowReader::RowReader(MySqlConnection& conn, const std::string& sql, std::string context)
    : conn_(&conn), context_(std::move(context)), endpoint_(conn.endpoint()), sql_(sql) {
  const auto start = Clock::now();
  try {
    statement_.reset(conn.native().createStatement());
    statement_->setResultSetType(sql::ResultSet::TYPE_FORWARD_ONLY);
    result_.reset(statement_->executeQuery(sql));
    sql::ResultSetMetaData* meta = result_->getMetaData();
    columns_ = meta->getColumnCount();
    bit_bytes_.assign(columns_, 0);
    for (std::uint32_t i = 1; i <= columns_; ++i) {
      if (meta->getColumnType(i) == sql::DataType::BIT) {
        // BIT(n): the connector reports n as the display size (precision is 0; measured).
        bit_bytes_[i - 1] = std::max(1u, (meta->getColumnDisplaySize(i) + 7) / 8);
      }
    }
  } catch (const sql::SQLException& e) {
    throw FromConnector(e, context_, endpoint_, {}, sql_);
  }
  stats_.execute_seconds = Since(start);
  stats_.seconds = stats_.execute_seconds;
}

RowReader::~RowReader() {
  try {
    Close();
  } catch (...) {
    // A destructor must not throw; the connection reports the problem on its next use.
  }
}

RowReader::RowReader(RowReader&&) noexcept = default;
RowReader& RowReader::operator=(RowReader&&) noexcept = default;

bool RowReader::ReadBatch(types::RowBatch& out, std::size_t max_rows, std::size_t max_bytes) {
  out.Reset(columns_);
  if (exhausted_ || !result_) return false;
  const auto start = Clock::now();
  std::int64_t bytes = 0;
  try {
    while (out.row_count() < max_rows) {
      if (!result_->next()) {
        exhausted_ = true;
        // A broken TLS stream also ends like this (source/mysql_connection.h).
        conn_->ConfirmStreamEnded(
            context_ + " (after " +
            std::to_string(stats_.rows + static_cast<std::int64_t>(out.row_count())) + " rows)");
        break;
      }
      out.BeginRow();
      for (std::uint32_t i = 1; i <= columns_; ++i) {
        if (result_->isNull(i)) {
          out.AppendNull();
        } else if (bit_bytes_[i - 1] != 0) {
          // The connector turns BIT into decimal text; give back the raw big-endian bytes.
          std::uint64_t v = result_->getUInt64(i);
          char raw[8];
          const unsigned n = std::min(bit_bytes_[i - 1], 8u);
          for (unsigned k = n; k-- > 0;) {
            raw[k] = static_cast<char>(v & 0xFF);
            v >>= 8;
          }
          out.AppendField(raw, n);
          bytes += n;
        } else {
          const sql::SQLString value = result_->getString(i);
          const std::string& s = value.asStdString();
          out.AppendField(s.data(), s.size());
          bytes += static_cast<std::int64_t>(s.size());
        }
      }
      if (max_bytes > 0 && out.byte_size() >= max_bytes) break;
    }
  } catch (const sql::SQLException& e) {
    stats_.seconds += Since(start);
    exhausted_ = true;
    throw FromConnector(
        e,
        context_ + " (after " +
            std::to_string(stats_.rows + static_cast<std::int64_t>(out.row_count())) + " rows)",
        endpoint_, {}, sql_);
  }
  stats_.rows += static_cast<std::int64_t>(out.row_count());
  stats_.bytes += bytes;
  stats_.seconds += Since(start);
  return !out.empty();
}

void RowReader::Close() {
  exhausted_ = true;
  result_.reset();
  statement_.reset();
}

}  // namespace etl::source
