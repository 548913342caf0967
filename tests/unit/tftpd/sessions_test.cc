#include "tftpd/sessions.h"

#include <catch2/catch.hpp>

#include <set>

using namespace pxekit::tftp;

TEST_CASE("PortAllocator: without -R the kernel picks") {
  PortAllocator ports(std::nullopt);
  CHECK(ports.attempts() == 1);
  CHECK(ports.Next() == 0);
  CHECK(ports.Next() == 0);
}

TEST_CASE("PortAllocator: -R hands out every port in turn and wraps") {
  PortAllocator ports(PortRange{40000, 40002});
  CHECK(ports.attempts() == 3);
  CHECK(ports.Next() == 40000);
  CHECK(ports.Next() == 40001);
  CHECK(ports.Next() == 40002);
  CHECK(ports.Next() == 40000);
  // One transfer's attempts cover the whole range once, whatever the start.
  std::set<std::uint16_t> tried;
  for (std::uint32_t i = 0; i < ports.attempts(); ++i)
    tried.insert(ports.Next());
  CHECK(tried == std::set<std::uint16_t>{40000, 40001, 40002});
}

TEST_CASE("PortAllocator: the whole port space and a one-port range") {
  PortAllocator all(PortRange{1, 65535});
  CHECK(all.attempts() == 65535);
  CHECK(all.Next() == 1);
  PortAllocator one(PortRange{65535, 65535});
  CHECK(one.attempts() == 1);
  CHECK(one.Next() == 65535);
  CHECK(one.Next() == 65535);
}

TEST_CASE(
    "SessionBook: a repeated request while the transfer runs is ignored") {
  SessionBook book(10);
  ClientKey client{0x0a000002, 2000};
  CHECK(book.Admit(client).verdict == SessionBook::Verdict::kAccept);
  std::uint64_t id = book.Add(client);
  CHECK(id == 1);
  auto again = book.Admit(client);
  CHECK(again.verdict == SessionBook::Verdict::kRepeat);
  CHECK_FALSE(again.ends);
  // Another port of the same host is another client.
  CHECK(book.Admit(ClientKey{0x0a000002, 2001}).verdict ==
        SessionBook::Verdict::kAccept);
}

TEST_CASE("SessionBook: a new request ends the client's dallying upload") {
  SessionBook book(10);
  ClientKey client{0x0a000002, 2000};
  std::uint64_t id = book.Add(client);
  book.MarkComplete(id);
  CHECK(book.incomplete() == 0);
  auto next = book.Admit(client);
  CHECK(next.verdict == SessionBook::Verdict::kAccept);
  REQUIRE(next.ends);
  CHECK(*next.ends == id);
  book.Remove(id);
  std::uint64_t second = book.Add(client);
  CHECK(second == 2);
  CHECK(book.Admit(client).verdict == SessionBook::Verdict::kRepeat);
}

TEST_CASE("SessionBook: --max-clients drops requests once full") {
  SessionBook book(2);
  std::uint64_t a = book.Add(ClientKey{1, 1});
  book.Add(ClientKey{2, 2});
  CHECK(book.size() == 2);
  CHECK(book.incomplete() == 2);
  CHECK(book.Admit(ClientKey{3, 3}).verdict == SessionBook::Verdict::kFull);
  // The full table still ends a dallying transfer of the same client, and
  // the place it frees is the new request's.
  book.MarkComplete(a);
  auto same = book.Admit(ClientKey{1, 1});
  CHECK(same.verdict == SessionBook::Verdict::kAccept);
  CHECK(same.ends == a);
  CHECK(book.Admit(ClientKey{3, 3}).verdict == SessionBook::Verdict::kFull);
  book.Remove(a);
  CHECK(book.size() == 1);
  CHECK(book.Admit(ClientKey{3, 3}).verdict == SessionBook::Verdict::kAccept);
  // Removing twice, or an unknown id, changes nothing.
  book.Remove(a);
  book.Remove(99);
  CHECK(book.size() == 1);
}
