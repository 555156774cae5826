#pragma once
// Reading the job's `schema:` block (config/schema_options.h) through a SpecReader: unknown
// keys and wrong types are reported there with file:line:col; keys left out keep their defaults.

#include "config/schema_options.h"
#include "config/spec_reader.h"

namespace etl::config {

void ReadSchemaOptions(SpecReader& reader, const Field& block, SchemaOptions& out);

}  // namespace etl::config
