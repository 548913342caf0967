// TFTP packets: any bytes parse to a packet or an error, never a crash; a
// parsed packet re-encodes to bytes that parse to the same packet; and the
// bytes, fed to a running transfer as a client packet, never break it.
#include <cstdint>
#include <memory>
#include <span>
#include <variant>

#include "fuzz_check.h"
#include "tftp/packet.h"
#include "tftpd/transfer.h"

namespace {

struct NullSink : pxekit::tftp::PacketSink {
  std::size_t sent = 0;
  bool Send(std::span<const std::uint8_t> packet) override {
    FUZZ_CHECK(packet.size() >= 4);
    ++sent;
    return true;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit::tftp;
  std::span<const std::uint8_t> bytes(data, size);
  auto parsed = ParsePacket(bytes);
  if (parsed) {
    std::vector<std::uint8_t> again;
    if (const auto* r = std::get_if<Request>(&*parsed)) {
      FUZZ_CHECK(r->filename.find('\0') == std::string::npos);
      again = EncodeRequest(*r);
      auto reparsed = ParsePacket(again);
      FUZZ_CHECK(reparsed.ok());
      const auto& r2 = std::get<Request>(*reparsed);
      FUZZ_CHECK(r2.filename == r->filename && r2.mode == r->mode &&
                 r2.options == r->options);
    } else if (const auto* d = std::get_if<Data>(&*parsed)) {
      FUZZ_CHECK(d->payload.size() + 4 == size);
      FUZZ_CHECK(EncodeData(d->block, d->payload) ==
                 std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    } else if (const auto* a = std::get_if<Ack>(&*parsed)) {
      auto reparsed = ParsePacket(EncodeAck(a->block));
      FUZZ_CHECK(std::get<Ack>(*reparsed).block == a->block);
    } else if (const auto* e = std::get_if<Error>(&*parsed)) {
      // The message is the text before the first NUL, so it never holds one.
      FUZZ_CHECK(e->message.find('\0') == std::string::npos);
      auto reparsed =
          ParsePacket(EncodeError(static_cast<ErrorCode>(e->code), e->message));
      FUZZ_CHECK(reparsed.ok());
      const auto* e2 = std::get_if<Error>(&*reparsed);
      FUZZ_CHECK(e2 != nullptr && e2->code == e->code &&
                 e2->message == e->message);
    } else if (const auto* o = std::get_if<Oack>(&*parsed)) {
      auto reparsed = ParsePacket(EncodeOack(o->options));
      FUZZ_CHECK(reparsed.ok());
      FUZZ_CHECK(std::get<Oack>(*reparsed).options == o->options);
    } else {
      FUZZ_CHECK(false && "a packet type without a round-trip check");
    }
  } else {
    FUZZ_CHECK(!parsed.error().empty());
  }
  (void)DescribePacket(bytes);

  // The same bytes as the client's answer to a windowed RRQ and to a WRQ.
  Time now{};
  TransferSetup setup;
  setup.blksize = 8;
  setup.windowsize = 4;
  Transfer read(setup, std::make_unique<MemorySource>(std::string(100, 'x')));
  NullSink sink;
  read.Start(now, sink);
  read.OnPacket(bytes, now, sink);
  read.OnTimer(read.deadline(), sink);
  FUZZ_CHECK(read.finished() || read.deadline() > now);

  struct DropSink : FileSink {
    int Write(std::span<const std::uint8_t>) override { return 0; }
    int Commit() override { return 0; }
    void Abandon() override {}
  };
  Transfer write(setup, std::make_unique<DropSink>());
  write.Start(now, sink);
  write.OnPacket(bytes, now, sink);
  FUZZ_CHECK(write.stats().bytes <= 8);
  return 0;
}
