#include "os/privileges.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace pxekit {
namespace {

Failure SysFail(const char* what, int err) {
  Failure failure = Fail(fmt::format("{}: {}", what, std::strerror(err)));
  failure.sys_errno = err;
  return failure;
}

}  // namespace

Result<UserIds> LookUpUser(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  int err =
      ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    if (!name.empty() &&
        name.find_first_not_of("0123456789") == std::string::npos &&
        name.size() < 10)
      return UserIds{static_cast<unsigned>(std::stoul(name)),
                     static_cast<unsigned>(std::stoul(name)), name};
    return Fail(err != 0
                    ? fmt::format("user '{}': {}", name, std::strerror(err))
                    : fmt::format("no such user '{}'", name));
  }
  return UserIds{entry.pw_uid, entry.pw_gid, entry.pw_name};
}

Result<bool> DropPrivileges(const UserIds& user,
                            const std::vector<int>& capabilities) {
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
    return SysFail("prctl(PR_SET_KEEPCAPS)", errno);
  if (::initgroups(user.name.c_str(), user.gid) != 0 &&
      ::setgroups(0, nullptr) != 0)
    return SysFail("setgroups", errno);
  if (::setresgid(user.gid, user.gid, user.gid) != 0)
    return SysFail("setresgid", errno);
  if (::setresuid(user.uid, user.uid, user.uid) != 0)
    return SysFail("setresuid", errno);
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[2]{};
  for (int cap : capabilities) {
    data[cap / 32].permitted |= 1u << (cap % 32);
    data[cap / 32].effective |= 1u << (cap % 32);
  }
  if (::syscall(SYS_capset, &header, data) != 0)
    return SysFail("capset", errno);
  (void)::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  return true;
}

}  // namespace pxekit
