// Unit tests of pipeline/error_class.h over the errors the connection layers build: which
// failures may be retried and which never are. (tests/integration/pipeline_fault_class_test.cpp
// checks the same against errors real servers produce.)
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "pipeline/cancellation.h"
#include "pipeline/error_class.h"
#include "sink/pg_connection.h"
#include "source/mysql_error.h"

using etl::pipeline::CancelledError;
using etl::pipeline::Classify;
using etl::pipeline::ErrorClass;
using etl::pipeline::IsRetryable;
using etl::sink::PgError;
using etl::source::MySqlError;

TEST_CASE("MySQL: a lost or refused connection is retryable", "[pipeline][faults]") {
  for (int code : {2002, 2003, 2006, 2013, 2055, 1053, 1927, 4031}) {
    INFO(code);
    CHECK(Classify(MySqlError("reading", code, "HY000")) == ErrorClass::kConnectionLost);
  }
  CHECK(Classify(MySqlError("connecting", 1040, "08004")) == ErrorClass::kConnectionLost);
  CHECK(Classify(MySqlError("reading: Lost connection to server during query", 0, "")) ==
        ErrorClass::kConnectionLost);
  CHECK(Classify(MySqlError("reading: MySQL server has gone away", 0, "")) ==
        ErrorClass::kConnectionLost);
  // A TLS error on a session that was open: the encrypted stream broke (KILL, dropped link).
  CHECK(Classify(MySqlError("reading: TLS/SSL error: unexpected eof while reading", 2026,
                            "HY000")) == ErrorClass::kConnectionLost);
}

TEST_CASE("MySQL: a deadlock is a retry-safe serialization failure", "[pipeline][faults]") {
  CHECK(Classify(MySqlError("reading", 1213, "40001")) == ErrorClass::kSerializationFailure);
  CHECK(IsRetryable(ErrorClass::kSerializationFailure));
}

TEST_CASE("MySQL: everything else is permanent", "[pipeline][faults]") {
  CHECK(Classify(MySqlError("connecting", 1045, "28000")) == ErrorClass::kPermanent);  // password
  CHECK(Classify(MySqlError("connecting", 1049, "42000")) == ErrorClass::kPermanent);  // database
  CHECK(Classify(MySqlError("reading", 1064, "42000")) == ErrorClass::kPermanent);     // syntax
  CHECK(Classify(MySqlError("reading", 1317, "70100")) == ErrorClass::kPermanent);     // KILL QUERY
  CHECK(Classify(MySqlError("connecting", 2026, "HY000", true)) == ErrorClass::kPermanent);  // TLS
  CHECK(Classify(MySqlError("reading", 0, "")) == ErrorClass::kPermanent);
}

TEST_CASE("PostgreSQL: a lost session, class 08 and 57P01-57P03 are retryable",
          "[pipeline][faults]") {
  CHECK(Classify(PgError("server closed the connection unexpectedly", "", true)) ==
        ErrorClass::kConnectionLost);
  for (const char* state : {"08000", "08003", "08006", "08001", "57P01", "57P02", "57P03"}) {
    INFO(state);
    CHECK(Classify(PgError("failed", state)) == ErrorClass::kConnectionLost);
  }
}

TEST_CASE("PostgreSQL: 40001 and 40P01 are retry-safe", "[pipeline][faults]") {
  CHECK(Classify(PgError("could not serialize access", "40001")) ==
        ErrorClass::kSerializationFailure);
  CHECK(Classify(PgError("deadlock detected", "40P01")) == ErrorClass::kSerializationFailure);
}

TEST_CASE("PostgreSQL: constraint, data, syntax, credentials and cancel errors are permanent",
          "[pipeline][faults]") {
  for (const char* state : {"23505", "23503", "22P02", "42601", "28P01", "3D000", "57014", ""}) {
    INFO(state);
    CHECK(Classify(PgError("failed", state)) == ErrorClass::kPermanent);
  }
}

TEST_CASE("cancellation is never retried, other errors are permanent", "[pipeline][faults]") {
  CHECK(Classify(CancelledError("stopped")) == ErrorClass::kCancelled);
  CHECK_FALSE(IsRetryable(ErrorClass::kCancelled));
  CHECK(Classify(std::runtime_error("bad row (id=3)")) == ErrorClass::kPermanent);
  CHECK(Classify(std::exception_ptr{}) == ErrorClass::kPermanent);
  CHECK(Classify(std::make_exception_ptr(42)) == ErrorClass::kPermanent);
  CHECK(Classify(std::make_exception_ptr(PgError("gone", "", true))) ==
        ErrorClass::kConnectionLost);
}

TEST_CASE("an error wrapped with throw_with_nested is classified by what it wraps",
          "[pipeline][faults]") {
  std::exception_ptr wrapped;
  try {
    try {
      throw MySqlError("reading", 2013, "HY000");
    } catch (...) {
      std::throw_with_nested(std::runtime_error("table orders part 2/4"));
    }
  } catch (...) {
    wrapped = std::current_exception();
  }
  CHECK(Classify(wrapped) == ErrorClass::kConnectionLost);
}
