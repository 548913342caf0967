#pragma once
// The lease file on disk: an append-only ISC dhcpd.leases journal.
//
// Record() buffers a block; Sync() writes every buffered block with one
// write() and makes it durable with one fdatasync() (group commit: under
// load, all ACKs of a burst share one fsync). Compact() rewrites the file
// with one block per live lease: temp file, fsync, rename over the old file,
// fsync the directory, so a crash leaves either the old or the new file.
// This is I/O; lease_file.h is the format, lease_db.h the policy.

#include <string>
#include <vector>

#include "lease/lease_file.h"
#include "lease/lease_store.h"
#include "os/unique_fd.h"
#include "util/result.h"

namespace pxekit {

class LeaseJournal : public LeaseStore {
 public:
  explicit LeaseJournal(std::string path) : path_(std::move(path)) {}

  // Takes the lock that makes this server the file's only writer: an
  // flock on "PATH.lock" beside the file (the file itself is replaced on
  // every compaction), holding the owner's PID. Never waits. Failure
  // carries errno: ENOENT when the directory is missing (it is not
  // created), EWOULDBLOCK with "lease file is in use by PID N".
  // The lock survives fork(); call WriteLockPid() in the child.
  Result<bool> Lock();
  void WriteLockPid();

  // Reads the file (a missing file is an empty one). Does not open it for
  // writing.
  Result<LeaseFileContents> Load() const;
  Result<std::vector<Lease>> LoadAll() override;

  // Rewrites the file with `leases` and opens it for appending. With
  // `backup`, the file being replaced is kept as "PATH~" (a hard link, as
  // ISC dhcpd keeps dhcpd.leases~). Failure carries errno.
  Result<bool> Compact(const std::vector<Lease>& leases, bool backup = false);

  void Record(const Lease& lease) override;
  bool Sync(std::string* error) override;

  // Bytes appended since the last compaction, to decide when to compact.
  std::size_t appended_bytes() const { return appended_; }
  const std::string& path() const { return path_; }
  int fd() const { return fd_.get(); }

 private:
  std::string path_;
  UniqueFd lock_;
  UniqueFd fd_;
  std::string pending_;
  std::size_t appended_ = 0;
};

}  // namespace pxekit
