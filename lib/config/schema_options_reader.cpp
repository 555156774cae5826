#include "config/schema_options_reader.h"

namespace etl::config {

void ReadSchemaOptions(SpecReader& reader, const Field& block, SchemaOptions& out) {
  const auto fields = reader.Map(block.value, block.path, block.key_node.Mark());
  if (!fields) return;
  reader.CheckKnownKeys(*fields, {"indexes", "defaults", "comments", "identity", "foreign_keys"});
  reader.GetBool(*fields, "indexes", out.indexes);
  reader.GetBool(*fields, "defaults", out.defaults);
  reader.GetBool(*fields, "comments", out.comments);
  reader.GetBool(*fields, "identity", out.identity);
  reader.GetBool(*fields, "foreign_keys", out.foreign_keys);
}

}  // namespace etl::config
