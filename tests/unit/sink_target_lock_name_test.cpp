// The lock holder's name (sink/target_lock.h): what a runner puts in application_name and how
// another runner reads it back to name the holder.

#include <string>

#include <catch2/catch.hpp>

#include "sink/target_lock.h"

namespace etl::sink {

TEST_CASE("target lock: the holder name round-trips run id, pid and host") {
  const LockOwner me{"20261201T195012Z-3fa9c1d2", "worker-3.example", 4242};
  const std::string name = HolderName(me);
  CHECK(name == "etl 20261201T195012Z-3fa9c1d2 4242@worker-3.example");
  LockHolder h;
  REQUIRE(ParseHolderName(name, h));
  CHECK(h.run_id == me.run_id);
  CHECK(h.pid == 4242);
  CHECK(h.host == "worker-3.example");
  h.since = "2026-12-01T19:50:13Z";
  CHECK(h.Describe() ==
        "run 20261201T195012Z-3fa9c1d2 (host worker-3.example, pid 4242, since "
        "2026-12-01T19:50:13Z)");
}

TEST_CASE("target lock: a long host is cut to PostgreSQL's 63 bytes, keeping run id and pid") {
  const LockOwner me{"20261201T195012Z-3fa9c1d2", std::string(100, 'h'), 12345};
  const std::string name = HolderName(me);
  CHECK(name.size() == 63);
  LockHolder h;
  REQUIRE(ParseHolderName(name, h));
  CHECK(h.run_id == me.run_id);
  CHECK(h.pid == 12345);
  CHECK(h.host == std::string(63 - 36, 'h'));  // "etl " + run id + " 12345@"
}

TEST_CASE("target lock: other sessions are described by their backend") {
  LockHolder h;
  for (const char* other : {"psql", "", "etl", "etl x", "etl run 12x@h", "etlx 1 2@h"}) {
    INFO(other);
    CHECK_FALSE(ParseHolderName(other, h));
  }
  CHECK(h.run_id.empty());
  h.backend_pid = 777;
  h.application_name = "psql";
  h.client_addr = "10.0.0.5";
  CHECK(h.Describe() == "PostgreSQL backend 777 (application_name 'psql', client 10.0.0.5)");
}

}  // namespace etl::sink
