#include "tftpd/transfer.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "util/byte_reader.h"
#include "util/text.h"

namespace pxekit::tftp {
namespace {

using std::chrono::microseconds;

constexpr std::uint64_t kWireMask = 0xffff;
constexpr std::size_t kMaxBatchPackets = 64;
constexpr std::size_t kMaxBatchBytes = 1 << 20;
// A lockstep transfer reads this much of the file at once and frames the
// next blocks from it: one pread per ~11 blocks at blksize 1468 instead of
// one per block, for a fixed 16 KiB per transfer.
constexpr std::size_t kReadAheadBytes = 16 << 10;

std::uint16_t Wire(std::uint64_t block) {
  return static_cast<std::uint16_t>(block & kWireMask);
}

// How far `wire` lies ahead of `base` modulo 2^16.
std::uint64_t WireDelta(std::uint16_t wire, std::uint64_t base) {
  return (wire - (base & kWireMask)) & kWireMask;
}

}  // namespace

Time TimerSlot(Time deadline, Clock::duration grain) {
  if (grain <= Clock::duration::zero()) return deadline;
  Clock::duration since = deadline.time_since_epoch();
  Clock::duration rest = since % grain;
  if (rest < Clock::duration::zero()) rest += grain;
  return rest == Clock::duration::zero() ? deadline : deadline - rest + grain;
}

Transfer::Transfer(TransferSetup setup, bool write)
    : setup_(std::move(setup)),
      rto_(setup_.retransmit.initial),
      backoff_(setup_.retransmit.initial) {
  setup_.write = write;
  if (write) setup_.windowsize = 1;  // receiving is lockstep
}

Transfer::Transfer(TransferSetup setup, std::unique_ptr<FileSource> source)
    : Transfer(std::move(setup), false) {
  source_ = std::move(source);
}

Transfer::Transfer(TransferSetup setup, std::unique_ptr<FileSink> sink)
    : Transfer(std::move(setup), true) {
  file_sink_ = std::move(sink);
}

std::size_t Transfer::receive_batch() const {
  return setup_.windowsize > 1 ? kMaxReceiveBatch : 1;
}

void Transfer::Start(Time now, PacketSink& sink) {
  stats_.started = now;
  if (setup_.write) {
    expected_ = 1;
    if (!setup_.oack.empty()) {
      sink.Send(EncodeOack(setup_.oack));
    } else {
      SendAck(0, sink);
    }
    ++stats_.blocks_sent;
    rtt_block_ = 1;
    rtt_sent_at_ = now;
    ArmTimer(now);
    return;
  }
  total_blocks_ = source_->size() / setup_.blksize + 1;
  // A batch holds a window, within bounds: windowsize is capped by bytes
  // at negotiation, and sendmmsg takes at most 1024 messages anyway.
  batch_capacity_ = std::clamp<std::size_t>(
      std::min(setup_.windowsize, kMaxBatchBytes / setup_.blksize), 1,
      kMaxBatchPackets);
  packets_.resize(batch_capacity_ * (kDataHeaderSize + setup_.blksize));
  file_bytes_.resize(
      std::max(batch_capacity_ * setup_.blksize,
               kReadAheadBytes / setup_.blksize * setup_.blksize));
  batch_.reserve(batch_capacity_);
  if (!setup_.oack.empty()) oack_packet_ = EncodeOack(setup_.oack);
  next_unacked_ = next_to_send_ = setup_.oack.empty() ? 1 : 0;
  SendWindow(now, sink);
}

bool Transfer::FrameBlocks(std::uint64_t first, std::size_t count) {
  const std::size_t blksize = setup_.blksize;
  std::uint64_t size = source_->size();
  std::uint64_t offset = (first - 1) * blksize;
  std::size_t total = offset >= size
                          ? 0
                          : static_cast<std::size_t>(std::min<std::uint64_t>(
                                count * blksize, size - offset));
  // file_bytes_ holds [cached_offset_, + cached_bytes_) of the file.
  if (total > 0 && (offset < cached_offset_ ||
                    offset + total > cached_offset_ + cached_bytes_)) {
    std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(file_bytes_.size(), size - offset));
    auto read = source_->ReadAt(
        offset, std::span<std::uint8_t>(file_bytes_).first(want));
    if (!read) {
      cached_bytes_ = 0;
      outcome_ = fmt::format("read error: {}", read.error());
      return false;
    }
    if (*read < total) {
      cached_bytes_ = 0;
      outcome_ = "the file shrank while it was being sent";
      return false;
    }
    cached_offset_ = offset;
    cached_bytes_ = *read;
  }
  const std::uint8_t* bytes = file_bytes_.data() + (offset - cached_offset_);
  batch_.clear();
  const std::size_t stride = kDataHeaderSize + blksize;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t start = std::min(i * blksize, total);
    std::size_t length = std::min(blksize, total - start);
    auto packet = std::span<std::uint8_t>(packets_).subspan(
        i * stride, kDataHeaderSize + length);
    ByteWriter header(packet.first(kDataHeaderSize));
    WriteDataHeader(header, Wire(first + i));
    if (length > 0)
      std::memcpy(packet.data() + kDataHeaderSize, bytes + start, length);
    batch_.push_back(packet);
  }
  return true;
}

void Transfer::SendWindow(Time now, PacketSink& sink) {
  std::uint64_t limit =
      next_unacked_ == 0
          ? 1
          : std::min<std::uint64_t>(next_unacked_ + setup_.windowsize,
                                    total_blocks_ + 1);
  bool sent_any = false;
  std::optional<std::uint64_t> first_time_block;
  while (next_to_send_ < limit) {
    if (next_to_send_ == 0) {
      batch_.assign(1, oack_packet_);
    } else {
      std::size_t count = static_cast<std::size_t>(
          std::min<std::uint64_t>(limit - next_to_send_, batch_capacity_));
      if (!FrameBlocks(next_to_send_, count)) {
        Fail(ErrorCode::kNotDefined, outcome_, now, sink);
        return;
      }
    }
    std::size_t wanted = batch_.size();
    std::size_t queued = sink.SendBatch(batch_);
    for (std::size_t i = 0; i < queued; ++i) {
      std::uint64_t block = next_to_send_;
      sent_any = true;
      ++stats_.blocks_sent;
      if (block > highest_sent_ || (block == 0 && stats_.blocks_sent == 1)) {
        highest_sent_ = std::max(highest_sent_, block);
        first_time_block = block;
      } else {
        ++stats_.retransmits;
      }
      ++next_to_send_;
    }
    if (queued < wanted)
      break;  // socket buffer full: the retransmit timer recovers
  }
  if (first_time_block && !rtt_block_ && retries_ == 0) {
    rtt_block_ = *first_time_block;
    rtt_sent_at_ = now;
  }
  if (sent_any) ArmTimer(now);
}

void Transfer::HandleAck(std::uint16_t wire, Time now, PacketSink& sink) {
  std::uint64_t delta = WireDelta(wire, next_unacked_);
  std::uint64_t block = next_unacked_ + delta;
  if (block >= next_to_send_) {
    // A duplicate of an acknowledged block (delta wrapped) or one never
    // sent. Lockstep: ignore, never resend (Sorcerer's Apprentice). With
    // windows, an ACK of the block before the window is also how a client
    // reports that the window's first block was lost: honour that once per
    // round, so duplicates cannot multiply the traffic.
    bool gap_report = setup_.windowsize > 1 && next_unacked_ > 0 &&
                      delta == kWireMask && next_to_send_ > next_unacked_ &&
                      !rewound_;
    if (gap_report) {
      rewound_ = true;
      rtt_block_.reset();
      next_to_send_ = next_unacked_;
      SendWindow(now, sink);
    }
    return;
  }
  if (rtt_block_ && block >= *rtt_block_) {
    SampleRtt(std::chrono::duration_cast<microseconds>(now - rtt_sent_at_));
    rtt_block_.reset();
  }
  next_unacked_ = block + 1;
  retries_ = 0;
  backoff_ = rto_;
  rewound_ = false;
  if (block > 0)
    stats_.bytes =
        std::min<std::uint64_t>(block * setup_.blksize, source_->size());
  if (next_unacked_ > total_blocks_) {
    Finish(now);
    return;
  }
  if (next_unacked_ < next_to_send_ && next_unacked_ > 1) {
    // The client names an earlier block of the window: a gap after it.
    rtt_block_.reset();
    next_to_send_ = next_unacked_;
  }
  if (next_to_send_ < next_unacked_) next_to_send_ = next_unacked_;
  SendWindow(now, sink);
}

void Transfer::SendAck(std::uint64_t block, PacketSink& sink) {
  std::array<std::uint8_t, 4> packet;
  ByteWriter out(packet);
  WriteAck(out, Wire(block));
  sink.Send(out.written());
}

void Transfer::HandleData(const Data& data, Time now, PacketSink& sink) {
  std::uint64_t delta = WireDelta(data.block, expected_);
  if (delta == kWireMask) {
    // Our ACK of the previous block was lost: say it again. (An OACK is
    // acknowledged by DATA 1, so there is no "previous" before it.)
    if (expected_ > 1) {
      SendAck(expected_ - 1, sink);
      ++stats_.blocks_sent;
      ++stats_.retransmits;
    }
    return;
  }
  if (delta != 0 || dallying_) return;
  if (data.payload.size() > setup_.blksize) {
    Fail(ErrorCode::kIllegalOperation,
         fmt::format("DATA {} has {} bytes, more than blksize {}", data.block,
                     data.payload.size(), setup_.blksize),
         now, sink);
    return;
  }
  bool last = data.payload.size() < setup_.blksize;
  int err;
  if (setup_.netascii) {
    decoded_.clear();
    decoder_.Feed(data.payload, &decoded_);
    if (last) decoder_.Finish(&decoded_);
    err = file_sink_->Write(AsBytes(decoded_));
  } else {
    err = file_sink_->Write(data.payload);
  }
  if (err == 0 && last) err = file_sink_->Commit();
  if (err != 0) {
    Fail(ErrorForErrno(err), fmt::format("write error: {}", std::strerror(err)),
         now, sink);
    return;
  }
  if (rtt_block_ && expected_ >= *rtt_block_) {
    SampleRtt(std::chrono::duration_cast<microseconds>(now - rtt_sent_at_));
    rtt_block_.reset();
  }
  stats_.bytes += data.payload.size();
  SendAck(expected_, sink);
  ++stats_.blocks_sent;
  ++expected_;
  retries_ = 0;
  backoff_ = rto_;
  if (last) {
    // Dally: stay to re-acknowledge a repeated final DATA.
    dallying_ = true;
    outcome_ = "ok";
    stats_.finished = now;
    deadline_ = now + setup_.retransmit.initial * 2;
    return;
  }
  rtt_block_ = expected_;
  rtt_sent_at_ = now;
  ArmTimer(now);
}

void Transfer::OnPacket(std::span<const std::uint8_t> bytes, Time now,
                        PacketSink& sink) {
  if (finished()) return;
  auto parsed = ParsePacket(bytes);
  if (!parsed) return;  // garbage from the right peer: ignore, keep going
  if (const auto* error = std::get_if<Error>(&*parsed)) {
    if (dallying_) {
      Finish(now);
      return;
    }
    bool oack_pending = !setup_.oack.empty() &&
                        (setup_.write ? expected_ == 1 : next_unacked_ == 0);
    client_refused_oack_ = oack_pending;
    outcome_ = fmt::format(
        "{} ERROR {} {}",
        oack_pending ? "client refused the OACK with" : "client aborted with",
        error->code, QuoteForMessage(error->message));
    state_ = TransferState::kFailed;
    stats_.finished = now;
    if (file_sink_) file_sink_->Abandon();
    return;
  }
  if (!setup_.write) {
    if (const auto* ack = std::get_if<Ack>(&*parsed))
      HandleAck(ack->block, now, sink);
    return;
  }
  if (const auto* data = std::get_if<Data>(&*parsed))
    HandleData(*data, now, sink);
}

void Transfer::OnTimer(Time now, PacketSink& sink) {
  if (finished() || now < deadline_) return;
  if (dallying_) {
    Finish(now);
    return;
  }
  if (++retries_ > setup_.retransmit.max_retransmits) {
    if (!setup_.write && next_unacked_ == total_blocks_ &&
        next_to_send_ > total_blocks_) {
      outcome_ = "ok (no final ACK)";
      stats_.bytes = source_->size();
      Finish(now);
      return;
    }
    outcome_ = fmt::format("timed out after {} retransmissions", retries_ - 1);
    state_ = TransferState::kFailed;
    timed_out_ = true;
    stats_.finished = now;
    if (file_sink_) file_sink_->Abandon();
    return;
  }
  backoff_ =
      std::min<microseconds>(backoff_ * 2, setup_.retransmit.initial * 4);
  rtt_block_.reset();  // Karn: an ACK after a resend times nothing
  if (setup_.write) {
    if (expected_ == 1 && !setup_.oack.empty()) {
      sink.Send(EncodeOack(setup_.oack));
    } else {
      SendAck(expected_ - 1, sink);
    }
    ++stats_.blocks_sent;
    ++stats_.retransmits;
    ArmTimer(now);
    return;
  }
  next_to_send_ = next_unacked_;
  SendWindow(now, sink);
  if (!finished() && next_to_send_ == next_unacked_)
    ArmTimer(now);  // nothing went out
}

void Transfer::Fail(ErrorCode code, std::string message, Time now,
                    PacketSink& sink) {
  sink.Send(EncodeError(code, message));
  outcome_ = std::move(message);
  state_ = TransferState::kFailed;
  stats_.finished = now;
  if (file_sink_) file_sink_->Abandon();
}

void Transfer::Finish(Time now) {
  state_ = TransferState::kDone;
  if (!dallying_) stats_.finished = now;
  if (outcome_.empty()) outcome_ = "ok";
}

void Transfer::ArmTimer(Time now) { deadline_ = now + backoff_; }

void Transfer::SampleRtt(microseconds sample) {
  if (!srtt_) {
    srtt_ = sample;
    rttvar_ = sample / 2;
  } else {
    microseconds diff = *srtt_ > sample ? *srtt_ - sample : sample - *srtt_;
    rttvar_ = (rttvar_ * 3 + diff) / 4;
    srtt_ = (*srtt_ * 7 + sample) / 8;
  }
  microseconds ceiling = setup_.retransmit.initial;
  microseconds floor = std::min(setup_.retransmit.min, ceiling);
  rto_ = std::clamp(*srtt_ + std::max(microseconds(1000), rttvar_ * 4), floor,
                    ceiling);
  if (retries_ == 0) backoff_ = rto_;
}

}  // namespace pxekit::tftp
