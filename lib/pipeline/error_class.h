#pragma once
// The one place that says what a failure means for retrying (contract: retries on connection
// loss only). The codes themselves are known where the servers are: source/mysql_error.h
// (MySqlError::IsConnectionError, IsSerializationFailure) and sink/pg_connection.h (PgError,
// the same two). This file only decides:
//   kConnectionLost        the session or server went away (or could not be reached): the unit
//                          of work whose writes died with the session may run again
//   kSerializationFailure  the server rolled the transaction back (deadlock, serialization
//                          failure): running it again is safe
//   kCancelled             etl is stopping (CancelledError): never retried
//   kPermanent             everything else, never retried: constraint violations, bad rows,
//                          syntax errors, wrong credentials, TLS failures, etl's own checks
// An exception thrown with std::throw_with_nested is classified by what it wraps when its outer
// type says nothing.

#include <exception>

namespace etl::pipeline {

enum class ErrorClass { kConnectionLost, kSerializationFailure, kCancelled, kPermanent };

ErrorClass Classify(const std::exception& error);
ErrorClass Classify(const std::exception_ptr& error);  // kPermanent for non-std exceptions

inline bool IsRetryable(ErrorClass c) {
  return c == ErrorClass::kConnectionLost || c == ErrorClass::kSerializationFailure;
}

const char* ToString(ErrorClass c);  // "connection lost", "serialization failure", ...

}  // namespace etl::pipeline
