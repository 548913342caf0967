#include "tftpd/negotiation.h"

#include <catch2/catch.hpp>

using namespace pxekit::tftp;

namespace {

Negotiated Must(const std::vector<Option>& options, ServerLimits limits = {},
                std::optional<std::uint64_t> size = 1000, bool write = false,
                bool netascii = false) {
  NegotiationRequest request;
  request.options = &options;
  request.file_size = size;
  request.write = write;
  request.netascii = netascii;
  auto result = Negotiate(request, limits);
  REQUIRE(result.ok());
  return result.value();
}

std::string Refusal(const std::vector<Option>& options) {
  NegotiationRequest request;
  request.options = &options;
  request.file_size = 1;
  auto result = Negotiate(request, ServerLimits{});
  REQUIRE_FALSE(result.ok());
  return result.error();
}

}  // namespace

TEST_CASE("No options: lockstep at 512 and no OACK") {
  auto n = Must({});
  CHECK(n.blksize == 512);
  CHECK(n.windowsize == 1);
  CHECK(n.oack.empty());
}

TEST_CASE("pxelinux's request: OACK holds exactly what it asked in its order") {
  auto n = Must({{"tsize", "0"}, {"blksize", "1408"}}, {}, 51200);
  CHECK(n.blksize == 1408);
  CHECK(n.oack == std::vector<Option>{{"tsize", "51200"}, {"blksize", "1408"}});
}

TEST_CASE("blksize is clamped to -B and to 65464 and never raised") {
  CHECK(Must({{"blksize", "9000"}}).blksize == 1468);
  ServerLimits big;
  big.max_blksize = 65464;
  CHECK(Must({{"blksize", "70000"}}, big).blksize == 65464);
  CHECK(Must({{"blksize", "8"}}).blksize == 8);
}

TEST_CASE(
    "blksize below 8 or not a number is refused (error 8) and never granted") {
  CHECK(Refusal({{"blksize", "7"}}) == "blksize '7' is not in 8-65464");
  CHECK(Refusal({{"blksize", "abc"}}) == "blksize 'abc' is not in 8-65464");
  CHECK(Refusal({{"blksize", ""}}) == "blksize '' is not in 8-65464");
}

TEST_CASE("tsize: the real 64-bit size on RRQ whatever the client sent") {
  auto n =
      Must({{"tsize", "enable"}}, {}, 5000000000ull);  // atftp sends "enable"
  CHECK(n.oack == std::vector<Option>{{"tsize", "5000000000"}});
  auto echoed = Must({{"tsize", "77"}}, {}, 5);  // hpa would echo 77
  CHECK(echoed.oack == std::vector<Option>{{"tsize", "5"}});
}

TEST_CASE("tsize is left out for an empty file (curl rejects tsize 0)") {
  auto n = Must({{"tsize", "0"}, {"blksize", "1468"}}, {}, 0);
  CHECK(n.oack == std::vector<Option>{{"blksize", "1468"}});
}

TEST_CASE("tsize is left out in netascii and echoed on WRQ") {
  CHECK(Must({{"tsize", "0"}}, {}, 10, false, true).oack.empty());
  auto w = Must({{"tsize", "1234"}}, {}, std::nullopt, true);
  CHECK(w.oack == std::vector<Option>{{"tsize", "1234"}});
}

TEST_CASE("timeout: echoed when within the server's ceiling or else left out") {
  auto one = Must({{"timeout", "1"}});
  CHECK(one.timeout_s == 1);
  CHECK(one.oack == std::vector<Option>{{"timeout", "1"}});
  auto curl = Must({{"tsize", "0"}, {"blksize", "512"}, {"timeout", "6"}});
  CHECK_FALSE(curl.timeout_s.has_value());
  CHECK(curl.oack ==
        std::vector<Option>{{"tsize", "1000"}, {"blksize", "512"}});
  CHECK(Refusal({{"timeout", "0"}}) == "timeout '0' is not in 1-255");
  CHECK(Refusal({{"timeout", "256"}}) == "timeout '256' is not in 1-255");
}

// Found by fuzz_tftp_request (seed rrq_timeout_leading_zero_echoed_exactly).
TEST_CASE("timeout: echoed exactly as the client wrote it") {
  ServerLimits limits;
  limits.max_timeout_option = std::chrono::seconds(100);
  auto n = Must({{"timeout", "064"}}, limits);
  CHECK(n.timeout_s == 64);
  CHECK(n.oack == std::vector<Option>{{"timeout", "064"}});
}

TEST_CASE(
    "windowsize: <= request and <= -W and within the window byte budget") {
  CHECK(Must({{"windowsize", "4"}}).windowsize == 4);
  CHECK(Must({{"windowsize", "500"}}).windowsize == 64);
  ServerLimits limits;
  limits.max_window = 8;
  CHECK(Must({{"windowsize", "16"}}, limits).windowsize == 8);
  // atftpd stalls at 8192 x 16; the budget allows fewer blocks that size.
  ServerLimits big;
  big.max_blksize = 8192;
  auto n = Must({{"blksize", "8192"}, {"windowsize", "16"}}, big);
  CHECK(n.blksize == 8192);
  CHECK(n.windowsize * WindowCost(8192) <= big.max_window_bytes);
  CHECK(n.windowsize < 16);
  CHECK(n.oack[1] == Option{"windowsize", std::to_string(n.windowsize)});
  CHECK(Refusal({{"windowsize", "0"}}) == "windowsize '0' is not in 1-65535");
}

TEST_CASE("No windowsize on WRQ: uploads are acknowledged block by block") {
  auto n =
      Must({{"blksize", "1468"}, {"windowsize", "8"}}, {}, std::nullopt, true);
  CHECK(n.windowsize == 1);
  CHECK(n.oack == std::vector<Option>{{"blksize", "1468"}});
}

TEST_CASE("A window of 64 at blksize 1468 fits the default budget") {
  CHECK(Must({{"blksize", "1468"}, {"windowsize", "64"}}).windowsize == 64);
}

TEST_CASE("Unknown and -r refused options are ignored silently") {
  ServerLimits limits;
  limits.refused = {"blksize"};
  auto n =
      Must({{"blksize", "1468"}, {"multicast", ""}, {"tsize", "0"}}, limits, 3);
  CHECK(n.blksize == 512);
  CHECK(n.oack == std::vector<Option>{{"tsize", "3"}});
}

TEST_CASE("A repeated option counts once with the first value") {
  auto n = Must({{"blksize", "1024"}, {"blksize", "600"}});
  CHECK(n.blksize == 1024);
  CHECK(n.oack.size() == 1);
}
