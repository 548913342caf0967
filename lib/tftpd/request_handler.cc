#include "tftpd/request_handler.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "tftp/netascii.h"
#include "tftpd/file_store.h"
#include "tftpd/path_policy.h"
#include "tftpd/remap.h"
#include "util/text.h"

namespace pxekit::tftp {
namespace {

RequestOutcome Refuse(RequestOutcome outcome, ErrorCode code,
                      std::string reason) {
  outcome.error = code;
  outcome.reason = std::move(reason);
  outcome.transfer.reset();
  return outcome;
}

std::string ErrnoReason(const Failure& failure) {
  if (!failure.message.empty()) return failure.message;
  return std::strerror(failure.sys_errno);
}

// The whole file, for netascii conversion.
Result<std::string> ReadAll(FileSource& source, std::uint64_t limit) {
  if (source.size() > limit)
    return Fail(
        fmt::format("netascii transfers are limited to {} bytes", limit));
  std::string content(static_cast<std::size_t>(source.size()), '\0');
  auto read = source.ReadAt(
      0, std::span<std::uint8_t>(
             reinterpret_cast<std::uint8_t*>(content.data()), content.size()));
  if (!read) return read.failure();
  content.resize(*read);
  return content;
}

}  // namespace

RequestOutcome HandleRequest(const Request& request, Ipv4Addr client,
                             const RemapRules* rules, FileStore& store,
                             const ServerPolicy& policy) {
  RequestOutcome outcome;
  bool write = request.opcode == Opcode::kWrq;
  outcome.filename = request.filename;
  bool netascii = request.mode == "netascii";
  if (request.mode != "octet" && !netascii)
    return Refuse(
        std::move(outcome), ErrorCode::kIllegalOperation,
        fmt::format("unsupported mode {}", QuoteForMessage(request.mode)));
  if (write && !policy.allow_write)
    return Refuse(std::move(outcome), ErrorCode::kAccessViolation,
                  "uploads are disabled (the server runs without -c)");

  std::string name = request.filename;
  if (rules != nullptr && !rules->empty()) {
    RemapOutcome remapped = rules->Apply(name, RemapContext{write, client});
    if (remapped.kind == RemapOutcome::Kind::kRefused)
      return Refuse(std::move(outcome), ErrorCode::kAccessViolation,
                    remapped.message.empty() ? "refused by a remap rule"
                                             : remapped.message);
    if (remapped.kind == RemapOutcome::Kind::kLooped)
      return Refuse(std::move(outcome), ErrorCode::kAccessViolation,
                    "remap rules did not terminate");
    name = std::move(remapped.name);
    outcome.filename = name;
  }

  PathDecision path = ConfinePath(name, policy.root);
  if (!path.ok) return Refuse(std::move(outcome), path.error, path.reason);
  if (path.had_root_prefix)
    outcome.note = fmt::format(
        "name starts with ROOT {}; served relative to it (fix the boot file "
        "name in the DHCP configuration)",
        QuoteForMessage(policy.root));
  outcome.filename = path.relative;

  NegotiationRequest negotiation;
  negotiation.write = write;
  negotiation.netascii = netascii;
  negotiation.options = &request.options;

  TransferSetup setup;
  setup.write = write;
  setup.netascii = netascii;
  setup.retransmit = policy.retransmit;

  auto refuse_open = [&](const Failure& failure) {
    ErrorCode code = ErrorForErrno(failure.sys_errno);
    if (path.absolute && code == ErrorCode::kFileNotFound)
      return Refuse(std::move(outcome), ErrorCode::kAccessViolation,
                    "absolute path outside ROOT (and no such file under ROOT)");
    return Refuse(std::move(outcome), code, ErrnoReason(failure));
  };

  if (write) {
    auto sink = store.OpenWrite(path.relative);
    if (!sink) return refuse_open(sink.failure());
    auto negotiated = Negotiate(negotiation, policy.limits);
    if (!negotiated) {
      sink.value()->Abandon();
      return Refuse(std::move(outcome), ErrorCode::kOptionRefused,
                    negotiated.error());
    }
    setup.blksize = negotiated->blksize;
    setup.oack = negotiated->oack;
    outcome.transfer =
        std::make_unique<Transfer>(std::move(setup), std::move(sink).value());
    return outcome;
  }

  auto source = store.OpenRead(path.relative);
  if (!source) return refuse_open(source.failure());
  std::unique_ptr<FileSource> file = std::move(source).value();
  if (netascii) {
    auto content = ReadAll(*file, policy.max_netascii_size);
    if (!content)
      return Refuse(std::move(outcome),
                    content.failure().sys_errno != 0
                        ? ErrorForErrno(content.failure().sys_errno)
                        : ErrorCode::kNotDefined,
                    ErrnoReason(content.failure()));
    file = std::make_unique<MemorySource>(NetasciiEncode(*content));
  }
  outcome.size = file->size();
  negotiation.file_size = file->size();
  auto negotiated = Negotiate(negotiation, policy.limits);
  if (!negotiated)
    return Refuse(std::move(outcome), ErrorCode::kOptionRefused,
                  negotiated.error());
  setup.blksize = negotiated->blksize;
  setup.windowsize = negotiated->windowsize;
  setup.oack = negotiated->oack;
  if (negotiated->timeout_s) {
    // The client's timeout caps ours; ours may stay shorter (adaptive).
    auto client =
        std::chrono::microseconds(std::chrono::seconds(*negotiated->timeout_s));
    if (client < setup.retransmit.initial) setup.retransmit.initial = client;
  }
  if (file->size() == 0)
    outcome.note = "empty file (pxelinux takes tsize 0 as a failed open)";
  outcome.transfer =
      std::make_unique<Transfer>(std::move(setup), std::move(file));
  return outcome;
}

}  // namespace pxekit::tftp
