#include "sink/copy_encoder.h"

#include "sink/copy_encoders.h"

namespace etl::sink {

CopyEncoder::~CopyEncoder() = default;

std::unique_ptr<CopyEncoder> CopyEncoder::Create(config::CopyFormat format,
                                                 const std::vector<types::TargetColumn>& columns,
                                                 TextChecks checks) {
  switch (format) {
    case config::CopyFormat::kText:
      return copy_internal::MakeTextEncoder(columns);
    case config::CopyFormat::kCsv:
      return copy_internal::MakeCsvEncoder(columns);
    case config::CopyFormat::kBinary:
      break;
  }
  for (const types::TargetColumn& c : columns) {
    if (c.kind == types::ValueKind::kCast) {
      auto csv = copy_internal::MakeCsvEncoder(columns);
      csv->set_fallback_reason("column \"" + c.name + "\" has a column_types override (" +
                               c.pg_type +
                               ") whose binary format is unknown, so COPY uses csv instead");
      return csv;
    }
  }
  return copy_internal::MakeBinaryEncoder(columns, checks);
}

std::string CopyEncoder::CopyOptions() const {
  switch (format_) {
    case config::CopyFormat::kText:
      return "FORMAT text";
    case config::CopyFormat::kBinary:
      return "FORMAT binary";
    case config::CopyFormat::kCsv:
      break;
  }
  return "FORMAT csv";
}

}  // namespace etl::sink
