#include "net/resolve.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <string>

namespace pxekit {

Result<Ipv4Addr> ResolveIpv4(std::string_view host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  std::string name(host);
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (rc != 0) return Fail(::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found,
                                                             &::freeaddrinfo);
  const auto* sin = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
  return Ipv4Addr::FromNetworkOrder(sin->sin_addr.s_addr);
}

}  // namespace pxekit
