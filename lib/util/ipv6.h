#pragma once
// IPv6 address text, checked without the socket API (<arpa/inet.h> is the
// io layer's): exports client specs are validated by codecs.

#include <string_view>

namespace pxekit {

// Whether `text` is an IPv6 address as inet_pton(AF_INET6) takes it: eight
// groups of one to four hex digits, one "::" standing for at least one zero
// group, and an optional dotted IPv4 tail (decimal octets 0-255, no leading
// zeros) in place of the last two groups. No zone ("%eth0"), no brackets.
bool IsIpv6Address(std::string_view text);

}  // namespace pxekit
