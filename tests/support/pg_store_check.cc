// PgLeaseStore against a real PostgreSQL (tests/netns/lease_store_pg.sh
// makes the throwaway cluster). PXEKIT_PG_CONNINFO reaches the cluster's
// maintenance database; PXEKIT_PG_CLUSTER is the command that stops
// ("… stop") and starts ("… start") it. Each case works in a database of
// its own. Not in unit_tests: it needs a server, which a unit test may not.

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "lease/pg_store.h"

namespace pxekit {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Runs SQL on the maintenance database; "" on success, else the error.
std::string Sql(const std::string& conninfo, const std::string& sql) {
  PgConnPtr conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) return PQerrorMessage(conn.get());
  PgResultPtr result(PQexec(conn.get(), sql.c_str()));
  auto status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return "";
  return PQerrorMessage(conn.get());
}

// One value of a one-row query.
std::string SqlValue(const std::string& conninfo, const std::string& sql) {
  PgConnPtr conn(PQconnectdb(conninfo.c_str()));
  PgResultPtr result(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK ||
      PQntuples(result.get()) != 1)
    return fmt::format("<{}>", PQerrorMessage(conn.get()));
  return PQgetvalue(result.get(), 0, 0);
}

// A new, empty database; returns its connection string.
std::string FreshDatabase(const std::string& name) {
  std::string admin = Env("PXEKIT_PG_CONNINFO");
  REQUIRE_FALSE(admin.empty());
  REQUIRE(Sql(admin, fmt::format("DROP DATABASE IF EXISTS {}", name)) == "");
  REQUIRE(Sql(admin, fmt::format("CREATE DATABASE {}", name)) == "");
  return admin + " dbname=" + name;
}

std::unique_ptr<PgLeaseStore> Open(const std::string& conninfo) {
  auto store = PgLeaseStore::Connect(conninfo);
  INFO((store ? "" : store.error()));
  REQUIRE(store);
  return std::move(store.value());
}

std::unique_ptr<PgLeaseStore> OpenInitialized(const std::string& conninfo) {
  auto store = Open(conninfo);
  auto init = store->InitSchema();
  INFO((init ? "" : init.error()));
  REQUIRE(init);
  return store;
}

Lease Active(Ipv4Addr address, std::uint8_t client, UnixTime now,
             UnixTime length = 600) {
  Lease lease;
  lease.address = address;
  lease.state = LeaseState::kActive;
  lease.starts = now;
  lease.cltt = now;
  lease.ends = now + length;
  lease.mac = MacAddr(MacAddr::Bytes{2, 0, 0, 0, 0, client});
  return lease;
}

constexpr UnixTime kNow = 1795000000;  // 2026-11-18

}  // namespace

TEST_CASE("init-store creates the schema once and is idempotent") {
  std::string db = FreshDatabase("init_twice");
  auto store = Open(db);
  auto version = store->SchemaVersion();
  REQUIRE(version);
  CHECK(*version == 0);
  auto check = store->CheckSchema();
  REQUIRE_FALSE(check);
  CHECK_THAT(check.error(), Catch::Contains("--init-store"));

  auto first = store->InitSchema();
  REQUIRE(first);
  CHECK(first->from == 0);
  CHECK(first->to == kPgSchemaVersion);
  // A second run, from a second connection too, changes nothing.
  auto second = Open(db)->InitSchema();
  REQUIRE(second);
  CHECK(second->from == kPgSchemaVersion);
  CHECK(second->to == kPgSchemaVersion);
  CHECK(store->CheckSchema());
  CHECK(SqlValue(db, "SELECT count(*) FROM schema_version") == "1");
  CHECK(SqlValue(db, "SELECT version FROM schema_version") ==
        std::to_string(kPgSchemaVersion));
  // Kea's lease4 columns, so that admins' reports carry over.
  CHECK(SqlValue(db,
                 "SELECT string_agg(column_name, ',' ORDER BY ordinal_position)"
                 " FROM information_schema.columns WHERE table_name = "
                 "'lease4'") ==
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
        "fqdn_rev,hostname,state,user_context");

  // A database newer than this code is refused, not downgraded.
  REQUIRE(Sql(db, "UPDATE schema_version SET version = 99") == "");
  auto newer = store->InitSchema();
  REQUIRE_FALSE(newer);
  CHECK_THAT(newer.error(), Catch::Contains("newer"));
}

TEST_CASE("a committed lease reads back as it was written") {
  std::string db = FreshDatabase("read_back");
  auto store = OpenInitialized(db);

  Lease active = Active(Ipv4Addr::FromOctets(198, 18, 0, 100), 0x10, kNow);
  active.starts = kNow - 30;
  active.uid = {1, 2, 0, 0, 0, 0, 0x10};
  active.hostname = "node \"7\" \\ back";
  Lease bootp = Active(Ipv4Addr::FromOctets(198, 18, 0, 101), 0x11, kNow);
  bootp.ends = kNever;
  bootp.bootp = true;
  Lease released = Active(Ipv4Addr::FromOctets(198, 18, 0, 102), 0x12, kNow);
  released.state = LeaseState::kReleased;
  released.ends = kNow;
  Lease declined =
      Active(Ipv4Addr::FromOctets(198, 18, 0, 103), 0x13, kNow, 3600);
  declined.state = LeaseState::kAbandoned;

  for (const Lease& lease : {active, bootp, released, declined})
    store->Record(lease);
  std::string error;
  REQUIRE(store->Sync(&error));
  CHECK(store->TakeRefused().empty());

  // From another connection, as another server would see it.
  auto loaded = Open(db)->LoadAll();
  REQUIRE(loaded);
  REQUIRE(loaded->size() == 4);
  CHECK((*loaded)[0] == active);
  CHECK((*loaded)[1] == bootp);
  CHECK((*loaded)[2] == released);
  CHECK((*loaded)[3] == declined);
  auto one = store->Find(Ipv4Addr::FromOctets(198, 18, 0, 100));
  REQUIRE(one);
  REQUIRE(one->has_value());
  CHECK(**one == active);
  auto none = store->Find(Ipv4Addr::FromOctets(198, 18, 0, 200));
  REQUIRE(none);
  CHECK_FALSE(none->has_value());

  // In Kea's terms: address as a number, expire, state 0/1/2.
  CHECK(
      SqlValue(db, "SELECT address FROM lease4 WHERE hostname LIKE 'node%'") ==
      std::to_string(Ipv4Addr::FromOctets(198, 18, 0, 100).value()));
  CHECK(SqlValue(db,
                 "SELECT encode(hwaddr, 'hex') || ' ' || valid_lifetime"
                 " || ' ' || extract(epoch FROM expire)::bigint FROM "
                 "lease4 WHERE address = 3323068516") ==
        fmt::format("020000000010 600 {}", kNow + 600));
  CHECK(SqlValue(db,
                 "SELECT string_agg(state::text, ',' ORDER BY address)"
                 " FROM lease4") == "0,0,2,1");
}

TEST_CASE("a group of leases is one commit") {
  std::string db = FreshDatabase("group_commit");
  auto store = OpenInitialized(db);
  for (int i = 0; i < 200; ++i)
    store->Record(
        Active(Ipv4Addr(Ipv4Addr::FromOctets(10, 1, 0, 1).value() + i),
               static_cast<std::uint8_t>(i), kNow));
  // The same address twice in one group: the last record wins.
  Lease again = Active(Ipv4Addr::FromOctets(10, 1, 0, 5), 4, kNow, 1200);
  store->Record(again);
  std::string error;
  REQUIRE(store->Sync(&error));
  CHECK(store->TakeRefused().empty());
  CHECK(SqlValue(db, "SELECT count(*) FROM lease4") == "200");
  CHECK(SqlValue(db, "SELECT valid_lifetime FROM lease4 WHERE address = " +
                         std::to_string(again.address.value())) == "1200");
  // Nothing left to commit: no round trip at all.
  REQUIRE(store->Sync(&error));
}

TEST_CASE("two servers racing for the same free address never both win") {
  std::string db = FreshDatabase("race");
  auto a = OpenInitialized(db);
  auto b = Open(db);
  constexpr int kRounds = 20;
  constexpr int kPerRound = 25;
  int refused_a = 0, refused_b = 0;
  for (int round = 0; round < kRounds; ++round) {
    // Server A offers 10.2.R.x to client 1, server B the same to client 2.
    for (int i = 0; i < kPerRound; ++i) {
      Ipv4Addr address =
          Ipv4Addr::FromOctets(10, 2, static_cast<std::uint8_t>(round),
                               static_cast<std::uint8_t>(i + 1));
      a->Record(Active(address, 1, kNow));
      b->Record(Active(address, 2, kNow));
    }
    bool ok_a = false, ok_b = false;
    std::string error_a, error_b;
    std::thread ta([&] { ok_a = a->Sync(&error_a); });
    std::thread tb([&] { ok_b = b->Sync(&error_b); });
    ta.join();
    tb.join();
    INFO(error_a << error_b);
    REQUIRE(ok_a);
    REQUIRE(ok_b);
    auto lost_a = a->TakeRefused();
    auto lost_b = b->TakeRefused();
    // Each address went to exactly one of them.
    CHECK(lost_a.size() + lost_b.size() == kPerRound);
    refused_a += static_cast<int>(lost_a.size());
    refused_b += static_cast<int>(lost_b.size());
    for (const Lease& lease : lost_a) CHECK(lease.mac.bytes()[5] == 1);
    for (const Lease& lease : lost_b) CHECK(lease.mac.bytes()[5] == 2);
  }
  CHECK(refused_a + refused_b == kRounds * kPerRound);
  CHECK(SqlValue(db, "SELECT count(*) FROM lease4") ==
        std::to_string(kRounds * kPerRound));
  // What the database holds is what the winners were told.
  CHECK(SqlValue(db, "SELECT count(DISTINCT address) FROM lease4") ==
        std::to_string(kRounds * kPerRound));

  // The loser's next offer (another address) goes through.
  b->Record(Active(Ipv4Addr::FromOctets(10, 2, 100, 1), 2, kNow));
  std::string error;
  REQUIRE(b->Sync(&error));
  CHECK(b->TakeRefused().empty());
}

TEST_CASE("a renewal with either server keeps the address") {
  std::string db = FreshDatabase("renew");
  auto a = OpenInitialized(db);
  auto b = Open(db);
  Ipv4Addr address = Ipv4Addr::FromOctets(198, 18, 0, 50);
  std::string error;
  a->Record(Active(address, 7, kNow));
  REQUIRE(a->Sync(&error));
  // The client renews with server B, which learns the lease from the store.
  auto known = b->Find(address);
  REQUIRE(known);
  REQUIRE(known->has_value());
  Lease renewed = **known;
  renewed.cltt = kNow + 300;
  renewed.ends = kNow + 900;
  b->Record(renewed);
  REQUIRE(b->Sync(&error));
  CHECK(b->TakeRefused().empty());
  auto now = a->Find(address);
  REQUIRE(now);
  REQUIRE(now->has_value());
  CHECK((*now)->ends == kNow + 900);
  CHECK((*now)->mac == renewed.mac);

  // Another client may not have it while the lease runs ...
  b->Record(Active(address, 8, kNow + 400));
  REQUIRE(b->Sync(&error));
  CHECK(b->TakeRefused().size() == 1);
  // ... and may once it has expired.
  b->Record(Active(address, 8, kNow + 901));
  REQUIRE(b->Sync(&error));
  CHECK(b->TakeRefused().empty());
  // A client identified by option 61 is the same client on any NIC.
  Lease by_uid = Active(Ipv4Addr::FromOctets(198, 18, 0, 51), 9, kNow);
  by_uid.uid = {0xff, 1, 2, 3};
  a->Record(by_uid);
  REQUIRE(a->Sync(&error));
  Lease other_nic = by_uid;
  other_nic.mac = MacAddr(MacAddr::Bytes{2, 0, 0, 0, 1, 9});
  other_nic.cltt = kNow + 10;
  b->Record(other_nic);
  REQUIRE(b->Sync(&error));
  CHECK(b->TakeRefused().empty());
}

// Calls store->Tick() until `done` (or `limit` passes); returns the
// longest single call, which must never be a wait for the network.
template <typename Done>
std::chrono::milliseconds TickUntil(PgLeaseStore& store, Done done,
                                    std::chrono::milliseconds limit) {
  using Clock = std::chrono::steady_clock;
  auto end = Clock::now() + limit;
  std::chrono::milliseconds longest{0};
  while (!done() && Clock::now() < end) {
    auto start = Clock::now();
    store.Tick();
    longest =
        std::max(longest, std::chrono::duration_cast<std::chrono::milliseconds>(
                              Clock::now() - start));
    std::this_thread::sleep_for(
        std::min(store.next_tick(), std::chrono::milliseconds(20)));
  }
  return longest;
}

TEST_CASE(
    "database down: the commit fails, nothing is claimed, and Tick "
    "reconnects when the database is back") {
  std::string db = FreshDatabase("down");
  std::string cluster = Env("PXEKIT_PG_CLUSTER");
  REQUIRE_FALSE(cluster.empty());
  auto store = OpenInitialized(db);
  store->set_reconnect_backoff(std::chrono::milliseconds(300),
                               std::chrono::milliseconds(300));
  std::string error;
  store->Record(Active(Ipv4Addr::FromOctets(10, 3, 0, 1), 1, kNow));
  REQUIRE(store->Sync(&error));

  REQUIRE(std::system((cluster + " stop").c_str()) == 0);
  // Tick notices the closed connection without a query.
  TickUntil(
      *store, [&] { return !store->connected(); },
      std::chrono::milliseconds(3000));
  CHECK_FALSE(store->connected());
  CHECK_FALSE(store->last_error().empty());
  store->Record(Active(Ipv4Addr::FromOctets(10, 3, 0, 2), 2, kNow));
  CHECK_FALSE(store->Sync(&error));
  INFO(error);
  CHECK_THAT(error, Catch::Contains("cannot connect to the lease database"));
  // Reconnects fail while it is down, and back off in between.
  TickUntil(
      *store, [] { return false; }, std::chrono::milliseconds(500));
  CHECK_FALSE(store->connected());
  store->Record(Active(Ipv4Addr::FromOctets(10, 3, 0, 3), 3, kNow));
  error.clear();
  CHECK_FALSE(store->Sync(&error));
  CHECK_THAT(error,
             Catch::Contains("next try in") || Catch::Contains("reconnecting"));

  REQUIRE(std::system((cluster + " start").c_str()) == 0);
  TickUntil(
      *store, [&] { return store->connected(); },
      std::chrono::milliseconds(10000));
  REQUIRE(store->connected());
  store->Record(Active(Ipv4Addr::FromOctets(10, 3, 0, 4), 4, kNow));
  error.clear();
  CHECK(store->Sync(&error));
  INFO(error);
  CHECK(store->TakeRefused().empty());
  // The failed commits claimed nothing; the ones before and after hold.
  auto loaded = store->LoadAll();
  REQUIRE(loaded);
  std::vector<std::string> addresses;
  for (const Lease& lease : *loaded)
    addresses.push_back(fmt::format("{}", lease.address));
  CHECK(addresses == std::vector<std::string>{"10.3.0.1", "10.3.0.4"});
}

TEST_CASE(
    "a reconnect that hangs never blocks the caller and gives up after "
    "connect_timeout") {
  // A TCP listener on loopback that never accepts: the kernel completes
  // the handshake, and the server's greeting never comes (a database
  // host that hangs).
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address),
                 sizeof address) == 0);
  REQUIRE(::listen(listener, 16) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address),
                        &length) == 0);
  std::string db = FreshDatabase("hangs");
  std::string socket_dir = SqlValue(db, "SHOW unix_socket_directories");
  // First the cluster's socket; when that is gone, the silent listener.
  std::string conninfo =
      fmt::format("{} host={},127.0.0.1 port=5432,{} connect_timeout=2", db,
                  socket_dir, ntohs(address.sin_port));
  auto store = OpenInitialized(conninfo);
  store->set_reconnect_backoff(std::chrono::milliseconds(200),
                               std::chrono::milliseconds(200));
  std::string cluster = Env("PXEKIT_PG_CLUSTER");
  REQUIRE(std::system((cluster + " stop").c_str()) == 0);
  auto longest = TickUntil(
      *store,
      [&] { return store->last_error().find("timeout") != std::string::npos; },
      std::chrono::milliseconds(8000));
  INFO(store->last_error());
  // The attempt hung until connect_timeout (2 s) and was then abandoned;
  // not one call waited for it (a blocking connect would take the 2 s).
  CHECK_THAT(store->last_error(), Catch::Contains("timeout"));
  CHECK(longest < std::chrono::milliseconds(500));
  auto start = std::chrono::steady_clock::now();
  store->Record(Active(Ipv4Addr::FromOctets(10, 4, 0, 1), 1, kNow));
  std::string error;
  CHECK_FALSE(store->Sync(&error));
  CHECK(std::chrono::steady_clock::now() - start <
        std::chrono::milliseconds(500));
  REQUIRE(std::system((cluster + " start").c_str()) == 0);
  TickUntil(
      *store, [&] { return store->connected(); },
      std::chrono::milliseconds(10000));
  CHECK(store->connected());
  ::close(listener);
}

TEST_CASE("LoadHeld reads every held lease of the ranges in one query") {
  std::string db = FreshDatabase("held");
  auto store = OpenInitialized(db);
  std::string error;
  for (int i = 1; i <= 5; ++i)
    store->Record(
        Active(Ipv4Addr::FromOctets(10, 5, 0, static_cast<std::uint8_t>(i)),
               static_cast<std::uint8_t>(i), kNow));
  Lease old = Active(Ipv4Addr::FromOctets(10, 5, 0, 6), 6, kNow - 1000, 600);
  store->Record(old);  // expired before kNow
  Lease outside = Active(Ipv4Addr::FromOctets(10, 6, 0, 1), 7, kNow);
  store->Record(outside);
  REQUIRE(store->Sync(&error));
  auto range = Ipv4Range::Make(Ipv4Addr::FromOctets(10, 5, 0, 2),
                               Ipv4Addr::FromOctets(10, 5, 0, 200));
  REQUIRE(range);
  auto held = store->LoadHeld({*range}, kNow);
  REQUIRE(held);
  std::vector<std::string> addresses;
  for (const Lease& lease : *held)
    addresses.push_back(fmt::format("{}", lease.address));
  CHECK(addresses == std::vector<std::string>{"10.5.0.2", "10.5.0.3",
                                              "10.5.0.4", "10.5.0.5"});
  CHECK(held->front().mac == MacAddr(MacAddr::Bytes{2, 0, 0, 0, 0, 2}));
}

}  // namespace pxekit
