#pragma once
// --reload: runs `exportfs -ra` so that the kernel's export table follows
// the file just written.

#include <string>

namespace pxekit {

struct ReloadOutcome {
  enum Kind { kOk, kMissing, kFailed } kind = kOk;
  std::string message;  // exportfs's standard error, or why it did not run
};

// Runs "exportfs -ra" (found on PATH), waits for it, and collects its
// standard error (at most 64 KiB). kMissing when there is no exportfs
// (nfs-kernel-server not installed); kFailed when it exits non-zero or is
// killed.
ReloadOutcome RunExportfsReload();

}  // namespace pxekit
