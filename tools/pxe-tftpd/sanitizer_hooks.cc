// Only in sanitizer builds (make check-asan, PXEKIT_SANITIZE=ON): with -s
// pxe-tftpd chroots into ROOT, where neither /proc, which LeakSanitizer reads
// to stop the threads at exit, nor the report directory of log_path can be
// reached. Without these hooks a leak check after the chroot fails ("Can't
// open /proc/PID/task") and, with log_path set, spins for ever trying to
// report that.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PXEKIT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PXEKIT_ASAN 1
#endif

#ifdef PXEKIT_ASAN
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

// LeakSanitizer asks this before its check at exit: skip it where /proc is
// out of reach (after the chroot).
extern "C" int __lsan_is_turned_off() {
  return ::access("/proc/self/task", R_OK) != 0 ? 1 : 0;
}

namespace {

// make check-asan names its report directory in PXEKIT_SANITIZER_REPORTS:
// open this process's report file now, before any chroot, so that a finding
// made inside ROOT is still written there (an empty file is no finding).
struct EarlyReportFile {
  EarlyReportFile() {
    const char* dir = std::getenv("PXEKIT_SANITIZER_REPORTS");
    if (dir == nullptr || *dir == '\0') return;
    std::string path =
        std::string(dir) + "/report.pxe-tftpd." + std::to_string(::getpid());
    int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0)
      __sanitizer_set_report_fd(
          reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
  }
};
const EarlyReportFile early_report_file;

}  // namespace
#endif
