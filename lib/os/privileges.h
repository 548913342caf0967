#pragma once
// Dropping root for a daemon: switch to an unprivileged user and keep only
// the listed capabilities (e.g. CAP_NET_BIND_SERVICE, CAP_NET_RAW,
// CAP_NET_ADMIN), using prctl and capset directly (no libcap).

#include <string>
#include <vector>

#include "util/result.h"

namespace pxekit {

struct UserIds {
  unsigned uid = 0;
  unsigned gid = 0;
  std::string name;
};

// Looks `name` up in the password database (a number is taken as a uid).
Result<UserIds> LookUpUser(const std::string& name);

// setgroups/setgid/setuid to `user`, keeping `capabilities` (CAP_* numbers)
// permitted and effective. Failure carries errno.
Result<bool> DropPrivileges(const UserIds& user,
                            const std::vector<int>& capabilities);

}  // namespace pxekit
