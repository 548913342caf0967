#include "daemon.h"

#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "cli/diag.h"
#include "net/socket_io.h"
#include "net/udp_socket.h"
#include "tftp/packet.h"
#include "util/text.h"

namespace pxekit {
namespace {

using tftp::Clock;

std::string Peer(Ipv4Addr address, std::uint16_t port) {
  return fmt::format("{}:{}", address, port);
}

// Sends on a connected transfer socket; traces at -v.
class SocketSink : public tftp::PacketSink {
 public:
  SocketSink(const UniqueFd& fd, Diag& diag, const std::string& peer)
      : fd_(fd), diag_(diag), peer_(peer) {}
  bool Send(std::span<const std::uint8_t> packet) override {
    Trace(packet);
    return SendWholeDatagram(fd_, packet.data(), packet.size(), nullptr, 0) ==
           0;
  }
  // A window in one sendmmsg instead of a send per block: on a fast link
  // the per-packet system calls, not the wire, limited windowed transfers.
  std::size_t SendBatch(
      std::span<const std::span<const std::uint8_t>> packets) override {
    std::size_t sent = SendConnected(fd_, packets);
    for (std::size_t i = 0; i < sent; ++i) Trace(packets[i]);
    return sent;
  }

 private:
  void Trace(std::span<const std::uint8_t> packet) {
    if (diag_.verbosity() >= 1)
      diag_.Info("{} < {}", peer_, tftp::DescribePacket(packet));
  }

  const UniqueFd& fd_;
  Diag& diag_;
  const std::string& peer_;
};

std::string Rate(std::uint64_t bytes, double seconds) {
  double rate = seconds > 0 ? bytes / seconds : 0;
  if (rate >= 1e6) return fmt::format("{:.1f} MB/s", rate / 1e6);
  return fmt::format("{:.1f} kB/s", rate / 1e3);
}

}  // namespace

struct TftpDaemon::Session {
  std::uint64_t id = 0;
  UniqueFd fd;
  Ipv4Addr client;
  std::uint16_t client_port = 0;
  std::string peer;
  bool write = false;
  std::string filename;
  std::uint64_t size = 0;
  std::unique_ptr<tftp::Transfer> transfer;
  EventLoop::TimerId timer = 0;
  tftp::Time timer_at{};
  bool logged = false;
};

void SharedRules::Set(tftp::RemapRules rules) {
  auto fresh = std::make_shared<const tftp::RemapRules>(std::move(rules));
  std::lock_guard<std::mutex> lock(mutex_);
  rules_ = std::move(fresh);
}

std::shared_ptr<const tftp::RemapRules> SharedRules::Get() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rules_;
}

TftpDaemon::TftpDaemon(EventLoop& loop, UniqueFd listen, DaemonConfig config,
                       const WorkerShared& shared)
    : loop_(loop),
      listen_(std::move(listen)),
      store_(shared.store),
      config_(std::move(config)),
      diag_(shared.diag),
      junk_log_(
          loop,
          [&diag = shared.diag](std::string_view line) { diag.Emit(line); },
          "ERROR 4 refusals", shared.junk_limit),
      rules_(shared.rules),
      quota_(shared.quota),
      buffer_(tftp::kMaxPacketSize),
      batch_(tftp::kMaxReceiveBatch, tftp::kMaxPacketSize),
      // The limit is the quota's, shared by every worker.
      book_(shared.quota.max_sessions()),
      ports_(config_.port_range) {
  sockaddr_in sin{};
  socklen_t len = sizeof sin;
  if (::getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&sin), &len) ==
      0)
    listen_address_ = Ipv4Addr::FromNetworkOrder(sin.sin_addr.s_addr);
  loop_.Watch(listen_.get(), EPOLLIN,
              [this](std::uint32_t) { OnListenReadable(); });
}

TftpDaemon::~TftpDaemon() {
  for (auto& [id, session] : sessions_) {
    loop_.Unwatch(session->fd.get());
    loop_.CancelTimer(session->timer);
    quota_.Finish(session->transfer->complete()
                      ? tftp::SessionQuota::End::kComplete
                      : tftp::SessionQuota::End::kStopped);
  }
  loop_.Unwatch(listen_.get());
}

void TftpDaemon::OnListenReadable() {
  // A bounded batch; level-triggered epoll calls again for the rest.
  for (int i = 0; i < 64; ++i) {
    ReceivedDatagram info;
    std::optional<std::size_t> n;
    try {
      n = TryReceiveDatagram(listen_, buffer_, &info);
    } catch (const std::system_error& e) {
      diag_.Warn("receiving a request: {}", e.code().message());
      return;
    }
    if (!n) return;  // drained
    Ipv4Addr local = info.local.value() == 0 ? listen_address_ : info.local;
    Ipv4Addr client = info.source;
    std::uint16_t port = info.source_port;
    if (info.destination == Ipv4Addr::LimitedBroadcast()) {
      diag_.Info(
          "{}: ignoring a request sent to the broadcast address (RFC 1123)",
          Peer(client, port));
      continue;
    }
    if (port == 0) continue;
    OnRequest(std::span<const std::uint8_t>(buffer_.data(), *n), client, port,
              local);
  }
}

UniqueFd TftpDaemon::OpenTransferSocket(Ipv4Addr local, Ipv4Addr client,
                                        std::uint16_t client_port) {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       IPPROTO_UDP));
  if (!fd) return fd;
  // DF confuses some boot ROMs; blksize is capped to the MTU instead.
  int pmtu = IP_PMTUDISC_DONT;
  ::setsockopt(fd.get(), IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
  // Room for a whole window; the kernel caps it at wmem_max.
  int sndbuf = config_.send_buffer;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = local.NetworkOrder();
  bool bound = false;
  for (std::uint32_t i = 0; i < ports_.attempts() && !bound; ++i) {
    sin.sin_port = htons(ports_.Next());
    bound =
        ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
  }
  if (!bound) return UniqueFd();
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_addr.s_addr = client.NetworkOrder();
  peer.sin_port = htons(client_port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0)
    return UniqueFd();
  return fd;
}

void TftpDaemon::OnRequest(std::span<const std::uint8_t> bytes, Ipv4Addr client,
                           std::uint16_t client_port, Ipv4Addr local) {
  std::string peer = Peer(client, client_port);
  if (diag_.verbosity() >= 1)
    diag_.Info("{} > {}", peer, tftp::DescribePacket(bytes));
  auto parsed = tftp::ParsePacket(bytes);
  const tftp::Request* request =
      parsed ? std::get_if<tftp::Request>(&*parsed) : nullptr;
  tftp::ClientKey key{client.value(), client_port};
  tftp::SessionBook::Admission admission = book_.Admit(key);
  if (admission.verdict == tftp::SessionBook::Verdict::kRepeat) {
    diag_.Info("{}: repeated request ignored (its transfer is running)", peer);
    return;
  }
  // An upload that only dallies after its last block: the client has
  // moved on to its next request (an interactive tftp reuses its port).
  if (admission.ends) Finish(*sessions_.at(*admission.ends));
  if (admission.verdict == tftp::SessionBook::Verdict::kFull ||
      !quota_.TryStart()) {
    diag_.Info("{}: request dropped: {} transfers running (--max-clients)",
               peer, quota_.counts().running);
    return;
  }
  // The slot is this request's until its session is made, or handed back.
  bool slot = true;
  struct SlotGuard {
    bool& held;
    tftp::SessionQuota& quota;
    ~SlotGuard() {
      if (held) quota.Finish(tftp::SessionQuota::End::kFailed);
    }
  } guard{slot, quota_};
  UniqueFd fd = OpenTransferSocket(local, client, client_port);
  if (!fd) {
    diag_.Warn("{}: cannot open a transfer socket: {}", peer,
               std::strerror(errno));
    return;
  }
  auto session = std::make_unique<Session>();
  session->fd = std::move(fd);
  session->client = client;
  session->client_port = client_port;
  session->peer = peer;
  SocketSink sink(session->fd, diag_, session->peer);

  if (request == nullptr) {
    // Answer from the new TID, as for any request (tftpd-hpa does too).
    std::string why =
        parsed ? fmt::format(
                     "{} on port 69 is not a request",
                     tftp::OpcodeName(static_cast<std::uint16_t>(
                         bytes.size() >= 2 ? bytes[0] << 8 | bytes[1] : 0)))
               : parsed.error();
    sink.Send(tftp::EncodeError(tftp::ErrorCode::kIllegalOperation, why));
    // Refusals are what an admin must see: logged even with -q, but
    // these come from anyone at any rate, so through the limiter.
    junk_log_.Line(fmt::format("{}: refused: ERROR 4 {}", peer, why));
    return;
  }
  session->write = request->opcode == tftp::Opcode::kWrq;
  std::shared_ptr<const tftp::RemapRules> rules = rules_.Get();
  tftp::RequestOutcome outcome = tftp::HandleRequest(
      *request, client, rules.get(), store_, config_.policy);
  session->filename = outcome.filename;
  session->size = outcome.size;
  if (!outcome.transfer) {
    sink.Send(tftp::EncodeError(outcome.error, outcome.reason));
    diag_.Emit(fmt::format("{} {} {}: refused: ERROR {} {}", peer,
                           session->write ? "WRQ" : "RRQ",
                           QuoteForMessage(request->filename),
                           static_cast<int>(outcome.error), outcome.reason));
    return;
  }
  if (!outcome.note.empty() && diag_.verbosity() >= 0)
    diag_.Emit(fmt::format("{} {}: {}", peer, QuoteForMessage(outcome.filename),
                           outcome.note));
  session->transfer = std::move(outcome.transfer);
  slot = false;  // the session holds it now; Finish gives it back
  std::uint64_t id = book_.Add(key);
  session->id = id;
  Session& ref = *session;
  sessions_.emplace(id, std::move(session));
  loop_.Watch(ref.fd.get(), EPOLLIN,
              [this, id](std::uint32_t) { OnSessionReadable(id); });
  ref.transfer->Start(Clock::now(), sink);
  Settle(ref);
}

void TftpDaemon::OnSessionReadable(std::uint64_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  Session& session = *it->second;
  SocketSink sink(session.fd, diag_, session.peer);
  // Lockstep: one receive of one datagram per ACK (the transfer says how
  // many to take). A windowed transfer takes batches: one that returns
  // fewer than asked proves the socket drained, without a receive that
  // fails with EAGAIN. A bounded number of rounds; level-triggered epoll
  // calls again for the rest.
  const std::size_t want = session.transfer->receive_batch();
  const int rounds = want > 1 ? 8 : 1;
  for (int round = 0; round < rounds && !session.transfer->finished();
       ++round) {
    std::size_t n = 0;
    try {
      n = batch_.Receive(session.fd, want);
    } catch (const std::system_error& e) {
      if (e.code().value() == ECONNREFUSED) {
        // ICMP port unreachable: the client's socket is gone. Its
        // retransmit timer would find out too, only much later.
        diag_.Info("{}: ICMP port unreachable from the client", session.peer);
        continue;
      }
      diag_.Info("{}: receiving: {}", session.peer, e.code().message());
      break;
    }
    // One clock reading per receive, not per packet.
    tftp::Time now = n > 0 ? Clock::now() : tftp::Time{};
    for (std::size_t i = 0; i < n && !session.transfer->finished(); ++i) {
      auto packet = batch_.payload(i);
      if (diag_.verbosity() >= 1)
        diag_.Info("{} > {}", session.peer, tftp::DescribePacket(packet));
      session.transfer->OnPacket(packet, now, sink);
    }
    if (n < want) break;  // drained
  }
  Settle(session);
}

void TftpDaemon::OnSessionTimer(std::uint64_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  Session& session = *it->second;
  session.timer = 0;
  SocketSink sink(session.fd, diag_, session.peer);
  session.transfer->OnTimer(Clock::now(), sink);
  Settle(session);
}

void TftpDaemon::Settle(Session& session) {
  if (session.transfer->finished()) {
    Finish(session);
    return;
  }
  // A WRQ is complete when its last block is written; it stays a while
  // only to re-ACK a repeated final DATA. Log it now, not after the dally.
  if (session.transfer->complete()) {
    book_.MarkComplete(session.id);
    if (!session.logged) LogTransfer(session);
  }
  // Progress only ever moves the deadline later, so a timer that is due
  // earlier stays: when it fires the transfer checks its real deadline.
  // This keeps timer churn off the per-packet path. Timers go in slots of
  // kTimerGrain, so the transfers due in one slot share one expiration.
  tftp::Time deadline = tftp::TimerSlot(session.transfer->deadline());
  if (session.timer != 0 && session.timer_at <= deadline) return;
  loop_.CancelTimer(session.timer);
  std::uint64_t id = session.id;
  session.timer_at = deadline;
  session.timer = loop_.AddTimer(deadline, [this, id] { OnSessionTimer(id); });
}

void TftpDaemon::Finish(Session& session) {
  const tftp::Transfer& transfer = *session.transfer;
  using End = tftp::SessionQuota::End;
  End how = transfer.complete()    ? End::kComplete
            : transfer.timed_out() ? End::kVanished
                                   : End::kFailed;
  std::uint64_t count = quota_.Finish(how);
  if (!session.logged) LogTransfer(session, how == End::kVanished ? count : 0);
  loop_.Unwatch(session.fd.get());
  loop_.CancelTimer(session.timer);
  book_.Remove(session.id);
  sessions_.erase(session.id);  // destroys `session`
}

void TftpDaemon::LogTransfer(Session& session, std::uint64_t vanished) {
  session.logged = true;
  const tftp::Transfer& transfer = *session.transfer;
  // -q keeps failures (not a client's tsize probe, which is normal).
  bool failed = transfer.state() == tftp::TransferState::kFailed &&
                !transfer.client_refused_oack();
  if (diag_.verbosity() < 0 && !failed) return;
  const tftp::TransferStats& stats = transfer.stats();
  double seconds =
      std::chrono::duration<double>(stats.finished - stats.started).count();
  std::string result = transfer.outcome();
  if (transfer.client_refused_oack())
    result = "options probed (" + result + ")";
  // A client that vanished mid-transfer: its state is freed now, and the
  // count says how often that happened (also in the SIGUSR1 stats line).
  if (vanished != 0)
    result += fmt::format(
        "; client gone, transfer freed ({} client{} vanished so far)", vanished,
        vanished == 1 ? "" : "s");
  diag_.Emit(fmt::format(
      "{} {} {} {} bytes blksize {} windowsize {} {:.3f} s {} retransmits {}: "
      "{}",
      session.peer, session.write ? "WRQ" : "RRQ",
      QuoteForMessage(session.filename),
      session.write ? stats.bytes : session.size, transfer.setup().blksize,
      transfer.setup().windowsize, seconds, Rate(stats.bytes, seconds),
      stats.retransmits, result));
}

TftpWorker::TftpWorker(UniqueFd listen, DaemonConfig config,
                       const WorkerShared& shared,
                       std::function<void()> on_failure)
    : listen_(std::move(listen)),
      config_(std::move(config)),
      shared_(shared),
      on_failure_(std::move(on_failure)),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!wake_)
    throw std::system_error(errno, std::generic_category(), "eventfd");
}

TftpWorker::~TftpWorker() {
  Stop();
  Join();
}

void TftpWorker::Start() {
  thread_ = std::thread([this] { Run(); });
}

void TftpWorker::Stop() {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

std::size_t TftpWorker::Join() {
  if (thread_.joinable()) thread_.join();
  return cut_short_;
}

void TftpWorker::Run() {
  try {
    EventLoop loop;
    TftpDaemon daemon(loop, std::move(listen_), std::move(config_), shared_);
    loop.Watch(wake_.get(), EPOLLIN, [&](std::uint32_t) { loop.Stop(); });
    loop.Run();
    loop.Unwatch(wake_.get());
    cut_short_ = daemon.incomplete();
  } catch (const std::exception& e) {
    shared_.diag.Error("a worker stopped: {}", e.what());
    on_failure_();
  }
}

}  // namespace pxekit
