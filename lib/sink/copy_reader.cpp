#include "sink/copy_reader.h"

#include <utility>

#include "sink/copy_out.h"

namespace etl::sink {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Frees a PQgetCopyData buffer.
struct CopyBuffer {
  char* data = nullptr;
  ~CopyBuffer() {
    if (data != nullptr) PQfreemem(data);
  }
};

}  // namespace

void UnescapeCopyText(std::string_view field, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (c != '\\' || i + 1 == field.size()) {
      out.push_back(c);
      continue;
    }
    const char e = field[++i];
    switch (e) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x': {
        int v = 0, n = 0;
        while (n < 2 && i + 1 < field.size() && HexValue(field[i + 1]) >= 0) {
          v = v * 16 + HexValue(field[++i]);
          ++n;
        }
        if (n == 0) {
          out.push_back('x');
        } else {
          out.push_back(static_cast<char>(v));
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', n = 1;
          while (n < 3 && i + 1 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '7') {
            v = v * 8 + (field[++i] - '0');
            ++n;
          }
          out.push_back(static_cast<char>(v));
        } else {
          out.push_back(e);  // \\ and any other escaped character stand for themselves
        }
    }
  }
}

CopyReader::CopyReader(PgConnection& conn, const std::string& select, std::string context)
    : conn_(conn), statement_("COPY (" + select + ") TO STDOUT"), context_(std::move(context)) {
  StartCopyOut(conn_, statement_, context_);
  copying_ = true;
}

CopyReader::CopyReader(CopyReader&& other) noexcept
    : conn_(other.conn_),
      statement_(std::move(other.statement_)),
      context_(std::move(other.context_)),
      copying_(std::exchange(other.copying_, false)),
      columns_(other.columns_),
      rows_(other.rows_) {}

CopyReader::~CopyReader() {
  Close();
}

void CopyReader::AppendLine(types::RowBatch& out, const char* line, std::size_t length) {
  if (length > 0 && line[length - 1] == '\n') --length;
  const std::string_view text(line, length);
  int fields = 0;
  out.BeginRow();
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = text.find('\t', start);
    const std::string_view field =
        text.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
    if (field == "\\N") {
      out.AppendNull();
    } else if (field.find('\\') == std::string_view::npos) {
      out.AppendField(field);
    } else {
      UnescapeCopyText(field, scratch_);
      out.AppendField(scratch_);
    }
    ++fields;
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (fields != columns_) {
    throw PgError(context_ + ": COPY row " + std::to_string(rows_ + 1) + " has " +
                  std::to_string(fields) + " fields, expected " + std::to_string(columns_));
  }
  ++rows_;
}

bool CopyReader::ReadBatch(types::RowBatch& out, std::size_t max_rows) {
  out.Clear();
  if (!copying_) return false;
  while (out.row_count() < max_rows) {
    CopyBuffer buffer;
    const int n = PQgetCopyData(conn_.get(), &buffer.data, /*async=*/0);
    if (n == -1) {
      Finish();
      break;
    }
    if (n < 0) {
      copying_ = false;
      throw conn_.ConnectionError(context_ + ": reading COPY data failed");
    }
    if (columns_ < 0) {
      // The first row tells how many fields every row has.
      columns_ = 1;
      for (int i = 0; i < n; ++i) {
        if (buffer.data[i] == '\t') ++columns_;
      }
      out.Reset(static_cast<std::size_t>(columns_));
    } else if (out.column_count() != static_cast<std::size_t>(columns_)) {
      out.Reset(static_cast<std::size_t>(columns_));
    }
    AppendLine(out, buffer.data, static_cast<std::size_t>(n));
  }
  return !out.empty();
}

void CopyReader::Finish() {
  copying_ = false;
  FinishCopyOut(conn_, statement_);
}

void CopyReader::Close() noexcept {
  if (!copying_) return;
  copying_ = false;
  StopCopyOut(conn_, context_);
}

}  // namespace etl::sink
