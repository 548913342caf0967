// TFTP request handling with client-chosen options against a server whose
// set-up the input chooses too: -B (max blksize), -W (max window), the
// window byte budget, the longest timeout echoed, -r refused options, -c,
// -T and the retries, ROOT, a remap file and the client's address. Then the
// transfer runs against the client packets that follow in the input, and an
// RFC 7440 client finishes it.
//
// Properties: a refusal carries a reason, no transfer, and the code the
// rules give (4 for a bad mode, 2 for an upload without -c, 2 for a remap
// refusal); an accepted request opens exactly the confined name (relative,
// no "..", no control byte, no backslash); the negotiated values respect
// the client's request and every server limit, and the OACK holds only
// options the client asked for, first occurrences in its order, with the
// values the transfer uses (tsize = the size served, never in netascii or
// for an empty file); every DATA the server sends carries exactly the bytes
// of the file (netascii-encoded when asked) at its block's offset, never
// more than blksize; and a read that completes has sent every block.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "tftp/netascii.h"
#include "tftp/packet.h"
#include "tftpd/file_store.h"
#include "tftpd/negotiation.h"
#include "tftpd/remap.h"
#include "tftpd/request_handler.h"
#include "tftpd/transfer.h"

namespace {

using namespace pxekit::tftp;

const std::map<std::string, std::string>& Files() {
  static const auto* files = [] {
    auto* f = new std::map<std::string, std::string>;
    std::string binary(1500, '\0');
    for (std::size_t i = 0; i < binary.size(); ++i)
      binary[i] = static_cast<char>(i * 7 + 3);
    (*f)["pxelinux.0"] = binary;
    (*f)["empty"] = "";
    (*f)["boot/grub/grub.cfg"] =
        "set timeout=5\r\nmenuentry \"x\" {\n\tlinux /vmlinuz\r\n}\n\r";
    (*f)["pxelinux.cfg/default"] = std::string(512, 'a');  // exactly a block
    (*f)["big"] = std::string(3000, 'b') + "\n";
    return f;
  }();
  return *files;
}

struct FailingSource : FileSource {
  std::uint64_t size() const override { return 100; }
  pxekit::Result<std::size_t> ReadAt(std::uint64_t,
                                     std::span<std::uint8_t>) override {
    return pxekit::Failure{"read failed", 0, EIO};
  }
};

struct DropSink : FileSink {
  std::uint64_t* written;
  explicit DropSink(std::uint64_t* w) : written(w) {}
  int Write(std::span<const std::uint8_t> bytes) override {
    *written += bytes.size();
    return 0;
  }
  int Commit() override { return 0; }
  void Abandon() override {}
};

struct Store : FileStore {
  std::vector<std::string> opened;
  std::uint64_t written = 0;
  pxekit::Result<std::unique_ptr<FileSource>> OpenRead(
      const std::string& relative) override {
    opened.push_back(relative);
    if (relative == "private") return pxekit::Failure{"", 0, EACCES};
    if (relative == "eio")
      return std::unique_ptr<FileSource>(std::make_unique<FailingSource>());
    auto it = Files().find(relative);
    if (it == Files().end()) return pxekit::Failure{"", 0, ENOENT};
    return std::unique_ptr<FileSource>(
        std::make_unique<MemorySource>(it->second));
  }
  pxekit::Result<std::unique_ptr<FileSink>> OpenWrite(
      const std::string& relative) override {
    opened.push_back(relative);
    if (Files().count(relative) != 0) return pxekit::Failure{"", 0, EEXIST};
    if (relative == "full") return pxekit::Failure{"", 0, ENOSPC};
    return std::unique_ptr<FileSink>(std::make_unique<DropSink>(&written));
  }
};

struct Recorder : PacketSink {
  std::vector<std::vector<std::uint8_t>> packets;
  bool Send(std::span<const std::uint8_t> packet) override {
    packets.emplace_back(packet.begin(), packet.end());
    return true;
  }
};

bool IsDecimal(const std::string& s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Checks one packet the server sent; records the DATA blocks seen.
void CheckServerPacket(const std::vector<std::uint8_t>& packet,
                       const Transfer& transfer, const std::string& served,
                       std::set<std::uint64_t>* blocks) {
  auto parsed = ParsePacket(packet);
  FUZZ_CHECK(parsed.ok());
  const TransferSetup& setup = transfer.setup();
  if (const auto* data = std::get_if<Data>(&*parsed)) {
    FUZZ_CHECK(!setup.write);
    FUZZ_CHECK(data->payload.size() <= setup.blksize);
    FUZZ_CHECK(data->block != 0);
    // Files here have fewer than 2^16 blocks: the wire number is the block.
    std::size_t offset = (data->block - 1) * setup.blksize;
    FUZZ_CHECK(offset <= served.size());
    std::string_view expected =
        std::string_view(served).substr(offset, setup.blksize);
    FUZZ_CHECK(
        std::string_view(reinterpret_cast<const char*>(data->payload.data()),
                         data->payload.size()) == expected);
    blocks->insert(data->block);
  } else if (const auto* oack = std::get_if<Oack>(&*parsed)) {
    FUZZ_CHECK(oack->options == setup.oack);
  } else if (std::get_if<Ack>(&*parsed) != nullptr) {
    FUZZ_CHECK(setup.write);
  } else if (const auto* error = std::get_if<Error>(&*parsed)) {
    FUZZ_CHECK(error->code <= 8);
  } else {
    FUZZ_CHECK(false && "the server sent a request");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  pxekit::fuzz::FuzzInput in(data, size);
  static const char* const kRoots[] = {"/srv/tftp", "/", "/srv/tftp/",
                                       "/tftpboot"};
  static const char* const kRefusable[] = {"blksize", "timeout", "tsize",
                                           "windowsize"};
  ServerPolicy policy;
  std::uint8_t flags = in.U8();
  policy.allow_write = flags & 1;
  policy.root = kRoots[(flags >> 1) & 3];
  bool use_remap = flags & 8;
  for (int i = 0; i < 4; ++i)
    if (flags & (16 << i)) policy.limits.refused.insert(kRefusable[i]);
  policy.limits.max_blksize = in.Range(kMinBlockSize, kMaxBlockSize);
  policy.limits.max_window = in.Range(1, 65535);
  policy.limits.max_window_bytes = (in.U8() + 1) * 4096;
  policy.limits.max_timeout_option = std::chrono::seconds(in.U8());
  policy.retransmit.initial = std::chrono::milliseconds(in.Range(1, 5000));
  policy.retransmit.max_retransmits = static_cast<int>(in.Range(0, 12));
  auto client = pxekit::Ipv4Addr(in.U32());
  std::string map_text = use_remap ? in.Text(255) : "";
  auto request_bytes = in.Block(1024);

  auto parsed = ParsePacket(request_bytes);
  if (!parsed.ok()) return 0;
  const auto* request = std::get_if<Request>(&*parsed);
  if (request == nullptr) return 0;
  bool write = request->opcode == Opcode::kWrq;
  bool netascii = request->mode == "netascii";

  std::vector<RemapParseError> errors;
  RemapRules rules = RemapRules::Parse(map_text, &errors);
  const RemapRules* active = errors.empty() ? &rules : nullptr;
  bool remap_refuses = false;
  if (active != nullptr && !active->empty())
    remap_refuses =
        active->Apply(request->filename, RemapContext{write, client}).kind !=
        RemapOutcome::Kind::kName;

  Store store;
  RequestOutcome outcome =
      HandleRequest(*request, client, active, store, policy);
  if (!outcome.transfer) {
    FUZZ_CHECK(!outcome.reason.empty());
    auto code = static_cast<int>(outcome.error);
    FUZZ_CHECK(code >= 0 && code <= 8 && code != 5 && code != 7);
    if (request->mode != "octet" && !netascii)
      FUZZ_CHECK(outcome.error == ErrorCode::kIllegalOperation);
    else if (write && !policy.allow_write)
      FUZZ_CHECK(outcome.error == ErrorCode::kAccessViolation);
    else if (remap_refuses)
      FUZZ_CHECK(outcome.error == ErrorCode::kAccessViolation);
    FUZZ_CHECK(store.opened.size() <= 1);
    return 0;
  }
  FUZZ_CHECK(request->mode == "octet" || netascii);
  FUZZ_CHECK(!write || policy.allow_write);
  FUZZ_CHECK(!remap_refuses);

  // The name opened is the confined one.
  FUZZ_CHECK(store.opened.size() == 1 && store.opened[0] == outcome.filename);
  const std::string& name = outcome.filename;
  FUZZ_CHECK(!name.empty() && name.front() != '/' && name.back() != '/');
  FUZZ_CHECK(name.find('\\') == std::string::npos);
  FUZZ_CHECK(name.find("//") == std::string::npos);
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    FUZZ_CHECK(u >= 0x20 && u != 0x7f);
  }
  FUZZ_CHECK(("/" + name + "/").find("/../") == std::string::npos);
  FUZZ_CHECK(("/" + name + "/").find("/./") == std::string::npos);

  // What the client asked for: first occurrences of options not refused.
  std::map<std::string, std::string> asked;
  std::vector<std::string> asked_order;
  for (const auto& option : request->options) {
    if (policy.limits.refused.count(option.name) != 0) continue;
    if (asked.emplace(option.name, option.value).second)
      asked_order.push_back(option.name);
  }
  Transfer& transfer = *outcome.transfer;
  const TransferSetup& setup = transfer.setup();
  FUZZ_CHECK(setup.write == write && setup.netascii == netascii);
  FUZZ_CHECK(setup.blksize >= kMinBlockSize && setup.blksize <= kMaxBlockSize);
  if (asked.count("blksize") != 0) {
    FUZZ_CHECK(setup.blksize <= policy.limits.max_blksize);
    FUZZ_CHECK(setup.blksize <= std::stoull(asked["blksize"]));
  } else {
    FUZZ_CHECK(setup.blksize == kDefaultBlockSize);
  }
  FUZZ_CHECK(setup.windowsize >= 1);
  if (write || asked.count("windowsize") == 0) {
    FUZZ_CHECK(setup.windowsize == 1);
  } else {
    FUZZ_CHECK(setup.windowsize <= policy.limits.max_window);
    FUZZ_CHECK(setup.windowsize == 1 ||
               setup.windowsize * WindowCost(setup.blksize) <=
                   policy.limits.max_window_bytes);
  }
  FUZZ_CHECK(setup.retransmit.initial <= policy.retransmit.initial);
  // The OACK: a subsequence of what was asked, with the values in use.
  std::size_t next = 0;
  for (const auto& option : setup.oack) {
    while (next < asked_order.size() && asked_order[next] != option.name)
      ++next;
    FUZZ_CHECK(next < asked_order.size());
    ++next;
    FUZZ_CHECK(IsDecimal(option.value));
    std::uint64_t value = std::stoull(option.value);
    if (option.name == "blksize") {
      FUZZ_CHECK(value == setup.blksize);
    } else if (option.name == "windowsize") {
      FUZZ_CHECK(!write && value == setup.windowsize);
    } else if (option.name == "timeout") {
      FUZZ_CHECK(value >= 1 && value <= 255);
      FUZZ_CHECK(std::chrono::seconds(value) <=
                 policy.limits.max_timeout_option);
      FUZZ_CHECK(asked["timeout"] == option.value);
      if (!write)
        FUZZ_CHECK(setup.retransmit.initial <= std::chrono::seconds(value));
    } else if (option.name == "tsize") {
      FUZZ_CHECK(!netascii);
      if (write) {
        FUZZ_CHECK(value == std::stoull(asked["tsize"]));
      } else {
        FUZZ_CHECK(value == outcome.size && value > 0);
      }
    } else {
      FUZZ_CHECK(false && "an OACK option the server does not know");
    }
  }

  // The bytes the transfer serves.
  std::string served;
  if (!write && store.opened[0] != "eio") {
    served = Files().at(store.opened[0]);
    if (netascii) served = NetasciiEncode(served);
    FUZZ_CHECK(outcome.size == served.size());
  }

  // The client packets from the input, then a well-behaved client.
  Recorder sink;
  std::set<std::uint64_t> blocks;
  std::size_t checked = 0;
  auto check_sent = [&] {
    for (; checked < sink.packets.size(); ++checked)
      CheckServerPacket(sink.packets[checked], transfer, served, &blocks);
  };
  Time now{};
  transfer.Start(now, sink);
  check_sent();
  for (int i = 0; i < 32 && !in.empty() && !transfer.finished(); ++i) {
    auto packet = in.Block(2048);
    transfer.OnPacket(packet, now, sink);
    now += std::chrono::milliseconds(in.U8() * 20);
    transfer.OnTimer(now, sink);
    check_sent();
  }
  if (write) {
    FUZZ_CHECK(store.written <= transfer.stats().bytes);
    return 0;
  }
  // An RFC 7440 client: it acknowledges the last block of each window (the
  // window counted from its previous ACK) and the short last block, reports
  // a gap by acknowledging the last block it has in order, and ignores
  // duplicates. It takes the first DATA it sees as where it stands, since
  // the input's packets may have acknowledged blocks already.
  std::size_t answered = checked;
  std::optional<std::uint16_t> expect;
  std::size_t since_ack = 0;
  for (int step = 0; step < 200000 && !transfer.finished(); ++step) {
    if (answered < sink.packets.size()) {
      auto reply = ParsePacket(sink.packets[answered++]);
      if (const auto* d = std::get_if<Data>(&*reply)) {
        if (!expect) expect = d->block;
        if (d->block == *expect) {
          ++*expect;
          if (++since_ack == setup.windowsize ||
              d->payload.size() < setup.blksize) {
            since_ack = 0;
            transfer.OnPacket(EncodeAck(d->block), now, sink);
          }
        } else if (d->block > *expect) {
          since_ack = 0;
          transfer.OnPacket(EncodeAck(static_cast<std::uint16_t>(*expect - 1)),
                            now, sink);
        }
      } else if (std::get_if<Oack>(&*reply) != nullptr) {
        expect = 1;
        since_ack = 0;
        transfer.OnPacket(EncodeAck(0), now, sink);
      }
    } else {
      now = std::max(now, transfer.deadline());
      transfer.OnTimer(now, sink);
    }
    check_sent();
  }
  FUZZ_CHECK(transfer.finished());
  if (transfer.state() == TransferState::kDone) {
    std::uint64_t total = served.size() / setup.blksize + 1;
    FUZZ_CHECK(blocks.size() == total);
    FUZZ_CHECK(*blocks.rbegin() == total);
  }
  return 0;
}
