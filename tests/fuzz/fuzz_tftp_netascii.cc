// netascii (lib/tftp/netascii) and the netascii upload path: for any text,
// decode(encode(x)) == x however the encoded bytes are cut into chunks;
// decoding any bytes gives the same result whatever the cut, and never
// grows; the encoding has no bare LF and no CR that is not followed by LF or
// NUL. A netascii WRQ whose client sends the encoded bytes in DATA blocks
// (blksize from the input) stores exactly the original text, committed
// once, with every block acknowledged; any bytes sent that way store
// exactly what the decoder makes of them.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "tftp/netascii.h"
#include "tftp/packet.h"
#include "tftpd/transfer.h"
#include "util/byte_reader.h"

namespace {

using namespace pxekit::tftp;

using pxekit::AsBytes;

// Decodes `wire` cut at the offsets the input chooses.
std::string DecodeInChunks(std::string_view wire,
                           std::span<const std::uint8_t> cuts) {
  NetasciiDecoder decoder;
  std::string out;
  std::size_t at = 0;
  for (std::uint8_t cut : cuts) {
    if (at >= wire.size()) break;
    std::size_t n = std::min<std::size_t>(cut % 17, wire.size() - at);
    decoder.Feed(AsBytes(wire.substr(at, n)), &out);
    at += n;
  }
  decoder.Feed(AsBytes(wire.substr(at)), &out);
  decoder.Finish(&out);
  return out;
}

struct Store : FileSink {
  std::string* content;
  int* commits;
  Store(std::string* c, int* n) : content(c), commits(n) {}
  int Write(std::span<const std::uint8_t> bytes) override {
    FUZZ_CHECK(*commits == 0);
    content->append(bytes.begin(), bytes.end());
    return 0;
  }
  int Commit() override {
    ++*commits;
    return 0;
  }
  void Abandon() override { FUZZ_CHECK(false && "a clean upload abandoned"); }
};

struct Acks : PacketSink {
  std::vector<std::uint16_t> acked;
  bool Send(std::span<const std::uint8_t> packet) override {
    auto parsed = ParsePacket(packet);
    FUZZ_CHECK(parsed.ok());
    const auto* ack = std::get_if<Ack>(&*parsed);
    FUZZ_CHECK(ack != nullptr);
    acked.push_back(ack->block);
    return true;
  }
};

// Uploads `wire` in netascii with `blksize`; returns what was stored.
std::string Upload(std::string_view wire, std::size_t blksize) {
  TransferSetup setup;
  setup.write = true;
  setup.netascii = true;
  setup.blksize = blksize;
  std::string stored;
  int commits = 0;
  Transfer transfer(setup, std::make_unique<Store>(&stored, &commits));
  Acks acks;
  Time now{};
  transfer.Start(now, acks);
  FUZZ_CHECK(acks.acked.size() == 1 && acks.acked[0] == 0);
  std::uint16_t block = 0;
  std::size_t at = 0;
  do {
    std::size_t n = std::min(blksize, wire.size() - at);
    ++block;
    transfer.OnPacket(EncodeData(block, AsBytes(wire.substr(at, n))), now,
                      acks);
    at += n;
    FUZZ_CHECK(acks.acked.back() == block);
    if (n < blksize) break;
  } while (true);
  FUZZ_CHECK(transfer.complete());
  FUZZ_CHECK(commits == 1);
  FUZZ_CHECK(transfer.stats().bytes == wire.size());
  return stored;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  pxekit::fuzz::FuzzInput in(data, size);
  std::size_t blksize = in.Range(kMinBlockSize, 64);
  auto cuts = in.Block(32);
  auto rest = in.Rest();
  std::string_view text(reinterpret_cast<const char*>(rest.data()),
                        rest.size());
  if (text.size() > 8192) return 0;

  std::string wire = NetasciiEncode(text);
  std::size_t lf = 0, cr = 0;
  for (char c : text) {
    lf += c == '\n';
    cr += c == '\r';
  }
  FUZZ_CHECK(wire.size() == text.size() + lf + cr);
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '\n') FUZZ_CHECK(i > 0 && wire[i - 1] == '\r');
    if (wire[i] == '\r')
      FUZZ_CHECK(i + 1 < wire.size() &&
                 (wire[i + 1] == '\n' || wire[i + 1] == '\0'));
  }
  FUZZ_CHECK(DecodeInChunks(wire, cuts) == text);
  FUZZ_CHECK(DecodeInChunks(wire, {}) == text);

  // Any bytes as a netascii stream: the cut does not matter, nothing grows.
  std::string whole = DecodeInChunks(text, {});
  FUZZ_CHECK(whole.size() <= text.size());
  FUZZ_CHECK(DecodeInChunks(text, cuts) == whole);

  // The upload path stores the text, and what the decoder makes of any bytes.
  FUZZ_CHECK(Upload(wire, blksize) == text);
  FUZZ_CHECK(Upload(text, blksize) == whole);
  return 0;
}
