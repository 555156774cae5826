#include "pipeline/error_class.h"

#include "pipeline/cancellation.h"
#include "sink/pg_connection.h"
#include "source/mysql_error.h"

namespace etl::pipeline {

ErrorClass Classify(const std::exception& error) {
  if (dynamic_cast<const CancelledError*>(&error) != nullptr) return ErrorClass::kCancelled;
  if (const auto* e = dynamic_cast<const source::MySqlError*>(&error)) {
    if (e->IsConnectionError()) return ErrorClass::kConnectionLost;
    if (e->IsSerializationFailure()) return ErrorClass::kSerializationFailure;
    return ErrorClass::kPermanent;
  }
  if (const auto* e = dynamic_cast<const sink::PgError*>(&error)) {
    if (e->IsConnectionError()) return ErrorClass::kConnectionLost;
    if (e->IsSerializationFailure()) return ErrorClass::kSerializationFailure;
    return ErrorClass::kPermanent;
  }
  if (const auto* nested = dynamic_cast<const std::nested_exception*>(&error)) {
    if (nested->nested_ptr()) return Classify(nested->nested_ptr());
  }
  return ErrorClass::kPermanent;
}

ErrorClass Classify(const std::exception_ptr& error) {
  if (!error) return ErrorClass::kPermanent;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return Classify(e);
  } catch (...) {
    return ErrorClass::kPermanent;
  }
}

const char* ToString(ErrorClass c) {
  switch (c) {
    case ErrorClass::kConnectionLost:
      return "connection lost";
    case ErrorClass::kSerializationFailure:
      return "serialization failure";
    case ErrorClass::kCancelled:
      return "cancelled";
    case ErrorClass::kPermanent:
      break;
  }
  return "permanent";
}

}  // namespace etl::pipeline
