#include "tftpd/workers.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using namespace pxekit::tftp;

TEST_CASE("Workers: one per CPU by default and as many as asked otherwise") {
  CHECK(PlanWorkers(0, 2, std::nullopt).count == 2);
  CHECK(PlanWorkers(0, 16, std::nullopt).count == 16);
  CHECK(PlanWorkers(0, 0, std::nullopt).count == 1);  // CPU count unknown
  CHECK(PlanWorkers(3, 2, std::nullopt).count == 3);
  CHECK(*PlanWorkers(3, 2, std::nullopt).capped_by == '\0');
  CHECK(PlanWorkers(1, 8, std::nullopt).count == 1);
}

TEST_CASE("Workers: at most 64 and no more than -R has ports") {
  CHECK(PlanWorkers(0, 256, std::nullopt).count == kMaxWorkers);
  CHECK(*PlanWorkers(0, 256, std::nullopt).capped_by == '\0');  // automatic
  CHECK(PlanWorkers(64, 2, PortRange{5000, 5002}).count == 3);
  CHECK(std::string(PlanWorkers(64, 2, PortRange{5000, 5002}).capped_by) ==
        "-R has fewer ports than workers");
  CHECK(PlanWorkers(0, 8, PortRange{5000, 5000}).count == 1);
}

TEST_CASE("The -R range is split into disjoint slices that cover it") {
  PortRange range{10000, 10009};  // 10 ports, 3 workers: 3, 3, 4
  std::vector<PortRange> slices;
  for (std::size_t i = 0; i < 3; ++i) {
    auto slice = WorkerPortRange(range, i, 3);
    REQUIRE(slice);
    slices.push_back(*slice);
  }
  CHECK(slices[0].lo == 10000);
  CHECK(slices[0].hi == 10002);
  CHECK(slices[1].lo == 10003);
  CHECK(slices[1].hi == 10005);
  CHECK(slices[2].lo == 10006);
  CHECK(slices[2].hi == 10009);
  // One worker keeps the whole range; no range stays none.
  auto whole = WorkerPortRange(range, 0, 1);
  REQUIRE(whole);
  CHECK(whole->lo == 10000);
  CHECK(whole->hi == 10009);
  CHECK_FALSE(WorkerPortRange(std::nullopt, 1, 2));
}

TEST_CASE("Every port of -R belongs to exactly one worker") {
  for (std::size_t workers = 1; workers <= 7; ++workers) {
    PortRange range{65530, 65535};
    std::vector<int> owners(6, 0);
    for (std::size_t i = 0; i < workers && i < 6; ++i) {
      auto slice = WorkerPortRange(range, i, std::min<std::size_t>(workers, 6));
      REQUIRE(slice);
      REQUIRE(slice->lo <= slice->hi);
      for (unsigned port = slice->lo; port <= slice->hi; ++port)
        ++owners[port - range.lo];
    }
    for (int count : owners) CHECK(count == 1);
  }
}

TEST_CASE("The session quota is one limit across workers") {
  SessionQuota quota(2);
  CHECK(quota.TryStart());
  CHECK(quota.TryStart());
  CHECK_FALSE(quota.TryStart());
  CHECK(quota.counts().running == 2);
  CHECK(quota.counts().refused == 1);
  CHECK(quota.Finish(SessionQuota::End::kVanished) == 1);
  CHECK(quota.counts().running == 1);
  CHECK(quota.TryStart());
  CHECK(quota.Finish(SessionQuota::End::kVanished) == 2);
  CHECK(quota.Finish(SessionQuota::End::kComplete) == 1);
  auto counts = quota.counts();
  CHECK(counts.running == 0);
  CHECK(counts.peak == 2);
  CHECK(counts.vanished == 2);
  CHECK(counts.complete == 1);
  CHECK(counts.failed == 0);
}

TEST_CASE("The session quota never lets more than its limit run at once") {
  SessionQuota quota(100);
  std::vector<std::thread> threads;
  std::atomic<int> started{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (quota.TryStart()) ++started;
    });
  for (auto& thread : threads) thread.join();
  CHECK(started == 100);
  CHECK(quota.counts().running == 100);
  CHECK(quota.counts().peak == 100);
  CHECK(quota.counts().refused == 3900);
  for (int i = 0; i < 100; ++i) quota.Finish(SessionQuota::End::kComplete);
  CHECK(quota.counts().running == 0);
}
