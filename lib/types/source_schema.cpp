#include "types/source_schema.h"

#include <algorithm>

namespace etl::types {

const char* ToSql(ReferentialAction action) {
  switch (action) {
    case ReferentialAction::kNoAction:
      return "NO ACTION";
    case ReferentialAction::kRestrict:
      return "RESTRICT";
    case ReferentialAction::kCascade:
      return "CASCADE";
    case ReferentialAction::kSetNull:
      return "SET NULL";
    case ReferentialAction::kSetDefault:
      return "SET DEFAULT";
  }
  return "NO ACTION";
}

bool SourceIndex::IdentifiesRows() const {
  if (!unique || columns.empty()) return false;
  return std::all_of(columns.begin(), columns.end(), [](const SourceIndexColumn& c) {
    return !c.name.empty() && !c.prefix && !c.nullable;
  });
}

}  // namespace etl::types
