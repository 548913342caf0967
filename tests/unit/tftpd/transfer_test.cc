#include "tftpd/transfer.h"
#include "util/byte_reader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

using namespace pxekit::tftp;
using namespace std::chrono_literals;

namespace {

using Packets = std::vector<std::vector<std::uint8_t>>;

struct RecordingSink : PacketSink {
  Packets sent;
  bool Send(std::span<const std::uint8_t> packet) override {
    sent.emplace_back(packet.begin(), packet.end());
    return true;
  }
  Packets Take() { return std::exchange(sent, {}); }
  // The one packet sent since the last look.
  std::vector<std::uint8_t> TakeOne() {
    Packets packets = Take();
    REQUIRE(packets.size() == 1);
    return packets[0];
  }
};

struct MemorySink : FileSink {
  std::string* content;
  bool* committed;
  bool* abandoned;
  int fail_with = 0;
  int Write(std::span<const std::uint8_t> bytes) override {
    if (fail_with) return fail_with;
    content->append(bytes.begin(), bytes.end());
    return 0;
  }
  int Commit() override {
    *committed = true;
    return 0;
  }
  void Abandon() override { *abandoned = true; }
};

// An upload's file in memory: what was written, and whether the transfer
// committed or abandoned it.
struct Upload {
  std::string content;
  bool committed = false;
  bool abandoned = false;
  std::unique_ptr<MemorySink> Sink(int fail_with = 0) {
    auto file = std::make_unique<MemorySink>();
    file->content = &content;
    file->committed = &committed;
    file->abandoned = &abandoned;
    file->fail_with = fail_with;
    return file;
  }
};

struct FailingSource : FileSource {
  std::uint64_t size() const override { return 5000; }
  pxekit::Result<std::size_t> ReadAt(std::uint64_t,
                                     std::span<std::uint8_t>) override {
    return pxekit::Failure{"Input/output error", 0, EIO};
  }
};

std::string Pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    s[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return s;
}

// The packet as a parsed value.
Packet Parse(const std::vector<std::uint8_t>& bytes) {
  auto parsed = ParsePacket(bytes);
  REQUIRE(parsed.ok());
  return parsed.value();
}

// DATA `block` carrying `text`, as a client sends it.
std::vector<std::uint8_t> DataPacket(std::uint16_t block,
                                     std::string_view text) {
  return EncodeData(block, pxekit::AsBytes(text));
}

std::uint16_t DataBlock(const std::vector<std::uint8_t>& bytes) {
  Packet p = Parse(bytes);
  REQUIRE(std::holds_alternative<Data>(p));
  return std::get<Data>(p).block;
}

// A window of DATA `first` to `last`: as many packets as that, the first
// and the last of them those blocks. A failure names the calling line.
void CheckWindow(const Packets& window, std::uint16_t first, std::uint16_t last,
                 std::source_location where = std::source_location::current()) {
  INFO("CheckWindow at line " << where.line());
  REQUIRE(window.size() == std::size_t{last} - first + 1);
  CHECK(DataBlock(window.front()) == first);
  CHECK(DataBlock(window.back()) == last);
}

std::size_t DataSize(const std::vector<std::uint8_t>& bytes) {
  return bytes.size() - 4;
}

TransferSetup Setup(std::size_t blksize = 512, std::size_t window = 1) {
  TransferSetup setup;
  setup.blksize = blksize;
  setup.windowsize = window;
  return setup;
}

Time T0() { return Time{} + 1000s; }

// Plays a well-behaved lockstep client to the end; returns what it got.
std::string ReceiveAll(Transfer& transfer, RecordingSink& sink, Time now) {
  std::string got;
  for (int guard = 0; guard < 2000000 && !transfer.finished(); ++guard) {
    auto packet = sink.TakeOne();  // the payload points into it
    const Data data = std::get<Data>(Parse(packet));
    got.append(data.payload.begin(), data.payload.end());
    now += 100us;
    transfer.OnPacket(EncodeAck(data.block), now, sink);
  }
  return got;
}

}  // namespace

TEST_CASE("Lockstep RRQ of a file that is not a multiple of blksize") {
  std::string file = Pattern(1300);
  Transfer transfer(Setup(), std::make_unique<MemorySource>(file));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  CHECK(ReceiveAll(transfer, sink, T0()) == file);
  CHECK(transfer.state() == TransferState::kDone);
  CHECK(transfer.outcome() == "ok");
  CHECK(transfer.stats().bytes == 1300);
  CHECK(transfer.stats().blocks_sent == 3);
  CHECK(transfer.stats().retransmits == 0);
}

TEST_CASE("An exact multiple of blksize ends with an empty DATA") {
  std::string file = Pattern(1024);
  Transfer transfer(Setup(), std::make_unique<MemorySource>(file));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  std::vector<std::size_t> sizes;
  for (std::uint16_t block = 1; !transfer.finished(); ++block) {
    auto packet = sink.TakeOne();
    CHECK(DataBlock(packet) == block);
    sizes.push_back(DataSize(packet));
    transfer.OnPacket(EncodeAck(block), T0(), sink);
  }
  CHECK(sizes == std::vector<std::size_t>{512, 512, 0});
}

TEST_CASE("An empty file is one empty DATA 1") {
  Transfer transfer(Setup(), std::make_unique<MemorySource>(""));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  auto packet = sink.TakeOne();
  CHECK(packet == EncodeData(1, {}));
  transfer.OnPacket(EncodeAck(1), T0(), sink);
  CHECK(transfer.state() == TransferState::kDone);
}

TEST_CASE("OACK first - ACK 0 starts the data") {
  TransferSetup setup = Setup(1468);
  setup.oack = {{"tsize", "2000"}, {"blksize", "1468"}};
  Transfer transfer(setup, std::make_unique<MemorySource>(Pattern(2000)));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  auto packet = sink.TakeOne();
  CHECK(packet == EncodeOack(setup.oack));
  transfer.OnPacket(EncodeAck(0), T0(), sink);
  packet = sink.TakeOne();
  CHECK(DataBlock(packet) == 1);
  CHECK(DataSize(packet) == 1468);
}

// A read of 10 bytes whose OACK (tsize 10) is out, as a tsize probe starts.
struct OackSent {
  OackSent() {
    transfer.Start(T0(), sink);
    sink.Take();
  }
  static TransferSetup WithTsize() {
    TransferSetup setup = Setup();
    setup.oack = {{"tsize", "10"}};
    return setup;
  }
  TransferSetup setup = WithTsize();
  Transfer transfer{setup, std::make_unique<MemorySource>(Pattern(10))};
  RecordingSink sink;
};

TEST_CASE_METHOD(OackSent,
                 "A tsize probe aborted with ERROR 8 ends at once without a "
                 "reply") {
  transfer.OnPacket(
      EncodeError(ErrorCode::kOptionRefused, "User aborted the transfer"),
      T0() + 1ms, sink);
  CHECK(transfer.finished());
  CHECK(transfer.state() == TransferState::kFailed);
  CHECK(transfer.client_refused_oack());
  CHECK(sink.sent.empty());
}

TEST_CASE_METHOD(OackSent, "The OACK is resent on timeout") {
  transfer.OnTimer(transfer.deadline(), sink);
  CHECK(sink.TakeOne() == EncodeOack(setup.oack));
}

TEST_CASE("Lost ACK: the block is resent after the timeout with backoff") {
  Transfer transfer(Setup(), std::make_unique<MemorySource>(Pattern(2000)));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  auto first = sink.TakeOne();
  Time deadline = transfer.deadline();
  CHECK(deadline == T0() + 1s);  // -T before any round trip is measured
  transfer.OnTimer(deadline - 1ms, sink);  // early: nothing
  CHECK(sink.sent.empty());
  transfer.OnTimer(deadline, sink);
  auto resent = sink.TakeOne();
  CHECK(resent == first);
  CHECK(transfer.stats().retransmits == 1);
  CHECK(transfer.deadline() == deadline + 2s);  // doubled
}

TEST_CASE("Duplicate ACK: ignored and nothing resent (Sorcerer's Apprentice)") {
  Transfer transfer(Setup(), std::make_unique<MemorySource>(Pattern(2000)));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  sink.Take();
  transfer.OnPacket(EncodeAck(1), T0() + 1ms, sink);
  REQUIRE(sink.Take().size() == 1);  // DATA 2
  Time deadline = transfer.deadline();
  transfer.OnPacket(EncodeAck(1), T0() + 2ms, sink);
  transfer.OnPacket(EncodeAck(1), T0() + 3ms, sink);
  CHECK(sink.sent.empty());
  CHECK(transfer.deadline() == deadline);
  transfer.OnPacket(EncodeAck(9), T0() + 3ms, sink);  // never sent: ignored too
  CHECK(sink.sent.empty());
  transfer.OnPacket(EncodeAck(2), T0() + 4ms, sink);
  auto next = sink.TakeOne();
  CHECK(DataBlock(next) == 3);
}

TEST_CASE("Block numbers roll over from 65535 to 0") {
  // 65535 + 3 blocks of 8 bytes, the last short.
  std::string file = Pattern(8 * 65537 + 3);
  Transfer transfer(Setup(8), std::make_unique<MemorySource>(file));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  std::string got;
  std::vector<std::uint16_t> tail;
  while (!transfer.finished()) {
    auto packet = sink.TakeOne();  // the payload points into it
    const Data data = std::get<Data>(Parse(packet));
    got.append(data.payload.begin(), data.payload.end());
    if (got.size() > 8 * 65533) tail.push_back(data.block);
    transfer.OnPacket(EncodeAck(data.block), T0(), sink);
  }
  CHECK(got == file);
  CHECK(tail == std::vector<std::uint16_t>{65534, 65535, 0, 1, 2});
  CHECK(transfer.state() == TransferState::kDone);
}

TEST_CASE(
    "Windowed RRQ sends a window per ACK and fills a gap from the ACKed "
    "block") {
  std::string file = Pattern(100 * 10 + 5);  // 101 blocks of 10
  Transfer transfer(Setup(10, 4), std::make_unique<MemorySource>(file));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  CheckWindow(sink.Take(), 1, 4);
  transfer.OnPacket(EncodeAck(4), T0(), sink);
  CheckWindow(sink.Take(), 5, 8);
  // Block 7 lost: the client ACKs 6, the last in order.
  transfer.OnPacket(EncodeAck(6), T0(), sink);
  CheckWindow(sink.Take(), 7, 10);
  // Block 7 lost again: the client repeats ACK 6. Honoured once...
  transfer.OnPacket(EncodeAck(6), T0(), sink);
  CheckWindow(sink.Take(), 7, 10);
  // ...but never twice in a round.
  transfer.OnPacket(EncodeAck(6), T0(), sink);
  transfer.OnPacket(EncodeAck(6), T0(), sink);
  CHECK(sink.sent.empty());
  // The rest, acknowledging each window's end.
  transfer.OnPacket(EncodeAck(10), T0(), sink);
  std::string got = file.substr(0, 100);
  for (int guard = 0; guard < 100 && !transfer.finished(); ++guard) {
    auto packets = sink.Take();
    REQUIRE(!packets.empty());
    std::uint16_t last = 0;
    for (const auto& bytes : packets) {
      auto p = Parse(bytes);
      const Data& data = std::get<Data>(p);
      got.append(data.payload.begin(), data.payload.end());
      last = data.block;
    }
    transfer.OnPacket(EncodeAck(last), T0(), sink);
  }
  CHECK(got == file);
  CHECK(transfer.state() == TransferState::kDone);
}

// Counts SendBatch calls and can refuse all but the first `room` packets,
// as a full socket buffer would.
struct BatchingSink : RecordingSink {
  std::vector<std::size_t> batches;
  std::size_t room = SIZE_MAX;
  std::size_t SendBatch(
      std::span<const std::span<const std::uint8_t>> packets) override {
    batches.push_back(packets.size());
    std::size_t queued = std::min(room, packets.size());
    for (std::size_t i = 0; i < queued; ++i) Send(packets[i]);
    return queued;
  }
};

TEST_CASE(
    "A window goes to the sink as one batch - what the sink refuses goes out "
    "again") {
  std::string file = Pattern(10 * 20 + 5);  // 21 blocks of 10
  Transfer transfer(Setup(10, 8), std::make_unique<MemorySource>(file));
  BatchingSink sink;
  sink.room = 5;  // the socket takes 5 of the first window's 8
  transfer.Start(T0(), sink);
  CHECK(sink.batches == std::vector<std::size_t>{8});
  auto first = sink.Take();
  REQUIRE(first.size() == 5);
  for (std::size_t i = 0; i < first.size(); ++i)
    CHECK(DataBlock(first[i]) == i + 1);
  sink.room = SIZE_MAX;
  // The client got 1-5 and timed out waiting for the rest: it ACKs 5.
  transfer.OnPacket(EncodeAck(5), T0() + 1ms, sink);
  CHECK(sink.batches == std::vector<std::size_t>{8, 8});
  auto second = sink.Take();
  CheckWindow(second, 6, 13);
  CHECK(transfer.stats().retransmits == 0);  // 6-8 never left before
  // The rest, and the file arrives whole, the last DATA short.
  transfer.OnPacket(EncodeAck(13), T0() + 2ms, sink);
  auto last = sink.Take();
  CheckWindow(last, 14, 21);
  CHECK(DataSize(last.back()) == 5);
  std::string got;
  for (const auto& packets : {first, second, last})
    for (const auto& packet : packets) {
      const Data data = std::get<Data>(Parse(packet));
      got.append(data.payload.begin(), data.payload.end());
    }
  CHECK(got == file);
  transfer.OnPacket(EncodeAck(21), T0() + 3ms, sink);
  CHECK(transfer.state() == TransferState::kDone);
}

TEST_CASE(
    "Windowed timeout resends the whole window from the first unACKed block") {
  Transfer transfer(Setup(10, 4),
                    std::make_unique<MemorySource>(Pattern(1000)));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  sink.Take();
  transfer.OnTimer(transfer.deadline(), sink);
  CheckWindow(sink.Take(), 1, 4);
  CHECK(transfer.stats().retransmits == 4);
}

// The retransmit timeout after 20 blocks each acknowledged RTT after it was
// sent, with -T INITIAL; also checks that the deadline follows it.
static std::chrono::microseconds MeasuredRto(
    std::chrono::microseconds rtt, std::chrono::microseconds initial) {
  TransferSetup setup = Setup();
  setup.retransmit.initial = initial;
  Transfer transfer(setup, std::make_unique<MemorySource>(Pattern(512 * 40)));
  RecordingSink sink;
  Time now = T0();
  transfer.Start(now, sink);
  for (std::uint16_t block = 1; block <= 20; ++block) {
    sink.Take();
    now += rtt;
    transfer.OnPacket(EncodeAck(block), now, sink);
  }
  CHECK(transfer.deadline() == now + transfer.rto());
  return transfer.rto();
}

TEST_CASE("The retransmit timeout adapts to the measured round trip") {
  RetransmitPolicy defaults;
  auto rto = MeasuredRto(2ms, defaults.initial);
  CHECK(rto < defaults.initial);
  CHECK(rto >= defaults.min);
}

TEST_CASE("The retransmit timeout stays between 200 ms and -T") {
  // A fast LAN gives the floor: a firmware client in a stalled VM answers
  // late without losing anything, and a lower floor resends every block.
  CHECK(MeasuredRto(2ms, 1s) == 200ms);
  CHECK(MeasuredRto(300ms, 1s) > 300ms);
  CHECK(MeasuredRto(300ms, 1s) < 1s);
  CHECK(MeasuredRto(2ms, 100ms) == 100ms);  // -T below the floor wins
  CHECK(MeasuredRto(3s, 1s) == 1s);
}

TEST_CASE("A vanished client: bounded retries then failure") {
  Transfer transfer(Setup(), std::make_unique<MemorySource>(Pattern(5000)));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  int timeouts = 0;
  while (!transfer.finished() && timeouts < 100) {
    transfer.OnTimer(transfer.deadline(), sink);
    ++timeouts;
  }
  CHECK(transfer.state() == TransferState::kFailed);
  CHECK(timeouts == RetransmitPolicy{}.max_retransmits + 1);
  CHECK(transfer.outcome() == "timed out after 9 retransmissions");
  CHECK(transfer.timed_out());
  // Backoff never exceeds 4x the initial timeout.
  CHECK(transfer.stats().finished - transfer.stats().started <= 40s);
}

TEST_CASE("A missing final ACK is not a failure") {
  Transfer transfer(Setup(), std::make_unique<MemorySource>(Pattern(600)));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  transfer.OnPacket(EncodeAck(1), T0(), sink);
  while (!transfer.finished()) transfer.OnTimer(transfer.deadline(), sink);
  CHECK(transfer.state() == TransferState::kDone);
  CHECK(transfer.outcome() == "ok (no final ACK)");
  CHECK_FALSE(transfer.timed_out());
}

namespace {
// A file that counts its reads.
struct CountingSource : MemorySource {
  CountingSource(std::string content, int* reads)
      : MemorySource(std::move(content)), reads(reads) {}
  int* reads;
  pxekit::Result<std::size_t> ReadAt(std::uint64_t offset,
                                     std::span<std::uint8_t> out) override {
    ++*reads;
    return MemorySource::ReadAt(offset, out);
  }
};
}  // namespace

TEST_CASE(
    "Lockstep reads the file ahead: one read per 16 KiB and not per block") {
  // 200 blocks of 1468 bytes: 11 blocks fit the 16 KiB read-ahead.
  std::string file = Pattern(200 * 1468 + 100);
  int reads = 0;
  Transfer transfer(Setup(1468),
                    std::make_unique<CountingSource>(file, &reads));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  CHECK(ReceiveAll(transfer, sink, T0()) == file);
  CHECK(transfer.state() == TransferState::kDone);
  CHECK(reads == (201 + 10) / 11);
}

TEST_CASE("A resend after a lost ACK comes intact from the read-ahead") {
  std::string file = Pattern(5 * 512);
  int reads = 0;
  Transfer transfer(Setup(512), std::make_unique<CountingSource>(file, &reads));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  auto first = sink.Take();
  transfer.OnPacket(EncodeAck(1), T0(), sink);
  auto second = sink.TakeOne();
  transfer.OnTimer(transfer.deadline(), sink);  // ACK 2 lost
  auto resent = sink.TakeOne();
  CHECK(resent == second);
  CHECK(reads == 1);
}

TEST_CASE("A read error sends ERROR 0 and fails") {
  Transfer transfer(Setup(), std::make_unique<FailingSource>());
  RecordingSink sink;
  transfer.Start(T0(), sink);
  REQUIRE(sink.sent.size() == 1);
  auto p = Parse(sink.sent[0]);
  CHECK(std::get<Error>(p).code == 0);
  CHECK(transfer.state() == TransferState::kFailed);
}

TEST_CASE(
    "WRQ: ACK 0 - each DATA written and ACKed - a repeat re-ACKed - dally - "
    "done") {
  Upload upload;
  Transfer transfer(Setup(), upload.Sink());
  RecordingSink sink;
  transfer.Start(T0(), sink);
  CHECK(sink.Take() == Packets{EncodeAck(0)});
  std::string a = Pattern(512), b = "tail";
  transfer.OnPacket(DataPacket(1, a), T0(), sink);
  CHECK(sink.Take() == Packets{EncodeAck(1)});
  // Our ACK 1 was lost: the client sends DATA 1 again.
  transfer.OnPacket(DataPacket(1, a), T0(), sink);
  CHECK(sink.Take() == Packets{EncodeAck(1)});
  transfer.OnPacket(DataPacket(2, b), T0(), sink);
  CHECK(sink.Take() == Packets{EncodeAck(2)});
  CHECK(upload.content == a + b);
  CHECK(upload.committed);
  CHECK_FALSE(transfer.finished());  // dallying
  // ... but the file is complete: the server logs it now, not after the
  // dally, and a stop during the dally does not cut it short.
  CHECK(transfer.complete());
  CHECK(transfer.outcome() == "ok");
  CHECK(transfer.stats().bytes == a.size() + b.size());
  CHECK(transfer.stats().finished == T0());
  transfer.OnPacket(DataPacket(2, b), T0(), sink);
  CHECK(sink.Take() == Packets{EncodeAck(2)});
  transfer.OnTimer(transfer.deadline(), sink);
  CHECK(transfer.state() == TransferState::kDone);
  CHECK(transfer.complete());
  CHECK(transfer.outcome() == "ok");
  CHECK_FALSE(upload.abandoned);
}

TEST_CASE("WRQ: not complete before the last block nor after a failure") {
  Upload upload;
  Transfer transfer(Setup(), upload.Sink());
  RecordingSink sink;
  transfer.Start(T0(), sink);
  CHECK_FALSE(transfer.complete());
  std::string a = Pattern(512);
  transfer.OnPacket(DataPacket(1, a), T0(), sink);
  CHECK_FALSE(transfer.complete());
  transfer.OnPacket(EncodeError(ErrorCode::kNotDefined, "stop"), T0(), sink);
  CHECK(transfer.finished());
  CHECK_FALSE(transfer.complete());
  CHECK(upload.abandoned);
}

TEST_CASE("WRQ in netascii: CR LF across blocks becomes LF") {
  Upload upload;
  TransferSetup setup = Setup(8);
  setup.netascii = true;
  Transfer transfer(setup, upload.Sink());
  RecordingSink sink;
  transfer.Start(T0(), sink);
  std::string b1 = "line one", b2 = std::string("\r\nx\r\0y", 6);
  transfer.OnPacket(DataPacket(1, b1), T0(), sink);
  transfer.OnPacket(DataPacket(2, b2), T0(), sink);
  CHECK(upload.content == "line one\nx\ry");
}

TEST_CASE(
    "WRQ write error: ERROR 3 for a full disk and the file is abandoned") {
  Upload upload;
  Transfer transfer(Setup(), upload.Sink(ENOSPC));
  RecordingSink sink;
  transfer.Start(T0(), sink);
  sink.Take();
  std::string b = "x";
  transfer.OnPacket(DataPacket(1, b), T0(), sink);
  REQUIRE(sink.sent.size() == 1);
  auto p = Parse(sink.sent[0]);
  CHECK(std::get<Error>(p).code == 3);
  CHECK(upload.abandoned);
  CHECK(transfer.state() == TransferState::kFailed);
}

TEST_CASE("WRQ with an OACK: DATA 1 acknowledges it") {
  Upload upload;
  TransferSetup setup = Setup();
  setup.oack = {{"tsize", "1"}};
  Transfer transfer(setup, upload.Sink());
  RecordingSink sink;
  transfer.Start(T0(), sink);
  CHECK(sink.Take() == Packets{EncodeOack(setup.oack)});
  transfer.OnTimer(transfer.deadline(), sink);
  CHECK(sink.Take() == Packets{EncodeOack(setup.oack)});
  std::string b = "z";
  transfer.OnPacket(DataPacket(1, b), T0(), sink);
  CHECK(sink.Take() == Packets{EncodeAck(1)});
  CHECK(upload.content == "z");
}

TEST_CASE(
    "Lockstep transfers read one datagram at a time and windows a batch") {
  Transfer lockstep(Setup(512, 1), std::make_unique<MemorySource>("x"));
  CHECK(lockstep.receive_batch() == 1);
  Transfer windowed(Setup(512, 16), std::make_unique<MemorySource>("x"));
  CHECK(windowed.receive_batch() == kMaxReceiveBatch);
  // An upload is lockstep whatever windowsize was asked for.
  Upload file;
  Transfer upload(Setup(512, 16), file.Sink());
  CHECK(upload.receive_batch() == 1);
}

TEST_CASE("Timer slots round a deadline up to the grain and never earlier") {
  const Time slot = Time{} + 1000s;  // a multiple of 4 ms
  CHECK(TimerSlot(slot, 4ms) == slot);
  CHECK(TimerSlot(slot + 1ns, 4ms) == slot + 4ms);
  CHECK(TimerSlot(slot + 3999us, 4ms) == slot + 4ms);
  CHECK(TimerSlot(slot + 4ms, 4ms) == slot + 4ms);
  // Deadlines within one slot share it: one timer expiration for all.
  CHECK(TimerSlot(slot + 1ms, 4ms) == TimerSlot(slot + 3ms, 4ms));
  CHECK(TimerSlot(slot - 1ms, 4ms) == slot);
  // No grain: the deadline itself.
  CHECK(TimerSlot(slot + 1ns, Clock::duration::zero()) == slot + 1ns);
  CHECK(TimerSlot(slot + 1ns) == slot + kTimerGrain);
}
