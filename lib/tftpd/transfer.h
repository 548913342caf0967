#pragma once
// One TFTP transfer as a pure state machine. Inputs: Start, a packet from
// the client, or the clock passing the deadline - each with `now`. Outputs:
// packets handed to a PacketSink, the next deadline, and the state. No
// sockets, no clock, no logging: the server loop (tools/pxe-tftpd) owns
// those, and the unit tests drive every path with a fake sink and clock.
//
// Sending (RRQ): RFC 1350 lockstep, or RFC 7440 windows when windowsize > 1.
//  - Block numbers are 64-bit inside and go out modulo 2^16 (rollover to 0).
//  - An ACK for the window's last block, or any newer block, moves on. An ACK
//    for an earlier block of the window reports a gap: resend from there.
//  - An ACK for an already acknowledged block (a duplicate) is ignored and
//    never triggers a resend (Sorcerer's Apprentice, RFC 1123 4.2.3.1).
//  - Only a timeout resends without being asked (go-back-N from the first
//    unacknowledged block). The timeout starts from an adaptive estimate of
//    the round trip (RFC 6298 smoothing, Karn's rule), never above the
//    initial value (-T), doubles on each retry up to 4x the initial value,
//    and the transfer gives up after max_retransmits retries in a row.
//  - A missing final ACK after everything else was acknowledged is not a
//    failure (some clients never send it).
// Receiving (WRQ): lockstep; a repeated DATA is re-acknowledged; after the
// last block the transfer dallies for one retransmit interval to re-ACK a
// repeated final DATA (RFC 1350 section 6).
// A client ERROR ends the transfer at once, with no reply; ERROR 8 in answer
// to an OACK is how PXE ROMs end a tsize probe.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tftp/netascii.h"
#include "tftp/packet.h"
#include "tftpd/file_store.h"

namespace pxekit::tftp {

using Clock = std::chrono::steady_clock;
using Time = Clock::time_point;

class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // false when the packet could not be queued (socket buffer full): the
  // transfer treats it as lost.
  virtual bool Send(std::span<const std::uint8_t> packet) = 0;
  // Sends `packets` in order; returns how many were queued before the first
  // that could not be (that one and the rest count as lost). A window goes
  // out as one batch, so a socket sink can send it with one system call.
  virtual std::size_t SendBatch(
      std::span<const std::span<const std::uint8_t>> packets) {
    std::size_t queued = 0;
    while (queued < packets.size() && Send(packets[queued])) ++queued;
    return queued;
  }
};

struct RetransmitPolicy {
  std::chrono::microseconds initial{1000000};  // -T; also the adaptive ceiling
  // The adaptive timeout's floor (Linux TCP's RTO_MIN): a firmware client in
  // a stalled VM or on a busy CPU answers late without losing anything, and a
  // lower floor resent nearly every block of a 3.7 MiB shim->GRUB fetch.
  std::chrono::microseconds min{200000};
  int max_retransmits = 9;
};

struct TransferSetup {
  bool write = false;  // WRQ
  bool netascii = false;
  std::size_t blksize = kDefaultBlockSize;
  std::size_t windowsize = 1;
  std::vector<Option> oack;  // empty: no OACK
  RetransmitPolicy retransmit;
};

enum class TransferState { kRunning, kDone, kFailed };

struct TransferStats {
  std::uint64_t bytes = 0;        // file bytes acknowledged / received
  std::uint64_t blocks_sent = 0;  // DATA or ACK packets, retransmits included
  std::uint64_t retransmits = 0;
  Time started{};
  Time finished{};
};

// The most datagrams read from one transfer socket in one call.
inline constexpr std::size_t kMaxReceiveBatch = 8;

// Timers are armed for their deadline rounded up to the next multiple of
// this on the clock, so transfers whose deadlines fall in the same slot
// share one timer expiration (one timerfd read and re-arm for all of
// them, instead of one per transfer), at most this much late.
inline constexpr Clock::duration kTimerGrain = std::chrono::milliseconds(4);

// `deadline` rounded up to a multiple of `grain` since the clock's epoch
// (itself when it is one already).
Time TimerSlot(Time deadline, Clock::duration grain = kTimerGrain);

class Transfer {
 public:
  Transfer(TransferSetup setup, std::unique_ptr<FileSource> source);
  Transfer(TransferSetup setup, std::unique_ptr<FileSink> sink);

  void Start(Time now, PacketSink& sink);
  void OnPacket(std::span<const std::uint8_t> packet, Time now,
                PacketSink& sink);
  // Acts only when `now` has reached deadline(); harmless otherwise.
  void OnTimer(Time now, PacketSink& sink);

  TransferState state() const { return state_; }
  bool finished() const { return state_ != TransferState::kRunning; }
  // The whole file went across: an RRQ's last block was acknowledged, or a
  // WRQ's last block was written and committed. A WRQ is complete while it
  // still dallies to re-ACK a repeated final DATA, so the server can log it
  // at once and never count it as cut short.
  bool complete() const {
    return state_ == TransferState::kDone ||
           (dallying_ && state_ == TransferState::kRunning);
  }
  Time deadline() const { return deadline_; }
  const TransferStats& stats() const { return stats_; }
  const TransferSetup& setup() const { return setup_; }
  // "ok", or what went wrong, for the log line.
  const std::string& outcome() const { return outcome_; }
  // The client ended it with an ERROR in answer to our OACK (a tsize
  // probe): normal, logged as such, not a failure of the server.
  bool client_refused_oack() const { return client_refused_oack_; }
  // The client stopped answering: the transfer gave up after
  // max_retransmits retries (a client that vanished mid-transfer).
  bool timed_out() const { return timed_out_; }
  // The adaptive retransmit timeout in use now.
  std::chrono::microseconds rto() const { return rto_; }
  // How many datagrams the server reads from the transfer's socket in one
  // call. Lockstep (an RRQ with windowsize 1, or any WRQ) has one packet
  // in flight, so one; asking for more makes the kernel try a second,
  // failing receive on every block. Windows may bring a gap report and
  // duplicates at once: kMaxReceiveBatch.
  std::size_t receive_batch() const;

 private:
  // What both sides share; the public constructors add the file.
  Transfer(TransferSetup setup, bool write);

  // Sending side.
  std::uint64_t total_blocks() const { return total_blocks_; }
  // Frames blocks [first, first + count) as DATA packets in batch_, from
  // file_bytes_ when it holds them, else after one ReadAt that fills it
  // (a window, or the read-ahead); false (outcome_ set) on a file error.
  bool FrameBlocks(std::uint64_t first, std::size_t count);
  void SendWindow(Time now, PacketSink& sink);
  void HandleAck(std::uint16_t wire_block, Time now, PacketSink& sink);
  // Receiving side.
  void HandleData(const Data& data, Time now, PacketSink& sink);
  void SendAck(std::uint64_t block, PacketSink& sink);

  void Fail(ErrorCode code, std::string message, Time now, PacketSink& sink);
  void Finish(Time now);
  void ArmTimer(Time now);
  void SampleRtt(std::chrono::microseconds sample);

  TransferSetup setup_;
  std::unique_ptr<FileSource> source_;
  std::unique_ptr<FileSink> file_sink_;
  NetasciiDecoder decoder_;
  std::string decoded_;
  // Sender: up to batch_capacity_ framed DATA packets (header + block
  // each), the file bytes they were read from, and the spans handed to
  // the sink.
  std::size_t batch_capacity_ = 1;
  std::vector<std::uint8_t> packets_;
  // The file bytes read last, at least a window's worth and at least a
  // read-ahead for lockstep: [cached_offset_, + cached_bytes_) of the file.
  std::vector<std::uint8_t> file_bytes_;
  std::uint64_t cached_offset_ = 0;
  std::size_t cached_bytes_ = 0;
  std::vector<std::span<const std::uint8_t>> batch_;
  std::vector<std::uint8_t> oack_packet_;

  TransferState state_ = TransferState::kRunning;
  std::string outcome_;
  bool client_refused_oack_ = false;
  bool timed_out_ = false;
  TransferStats stats_;

  // Sender: block 0 stands for the OACK. Blocks [next_unacked_,
  // next_to_send_) are in flight.
  std::uint64_t total_blocks_ = 0;
  std::uint64_t next_unacked_ = 1;
  std::uint64_t next_to_send_ = 1;
  std::uint64_t highest_sent_ = 0;
  // Receiver: the next DATA block expected; 0 until the OACK/ACK 0 is out.
  std::uint64_t expected_ = 1;
  bool dallying_ = false;
  bool rewound_ = false;  // a gap report was honoured this round

  // Timer and round-trip estimate.
  Time deadline_{};
  int retries_ = 0;
  std::chrono::microseconds rto_;
  std::chrono::microseconds backoff_;
  std::optional<std::chrono::microseconds> srtt_;
  std::chrono::microseconds rttvar_{0};
  std::optional<std::uint64_t> rtt_block_;
  Time rtt_sent_at_{};
};

}  // namespace pxekit::tftp
