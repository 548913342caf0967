#pragma once
// Evaluates a DhcpdConf for one packet: which classes match, which branches
// of if/elsif/else apply, and the resulting parameters. Order, from least to
// most specific (later wins, as in ISC dhcpd): global, the subnet's enclosing
// scopes and the subnet, the pool, matching classes in declaration order, the
// host's enclosing scopes and the host.

#include <string>
#include <vector>

#include "dhcp/dhcp_message.h"
#include "dhcpconf/dhcpd_conf.h"

namespace pxekit {

struct EvalInput {
  const DhcpMessage* message = nullptr;
  const SubnetDecl* subnet = nullptr;  // may be null (INFORM off-subnet...)
  const PoolDecl* pool = nullptr;
  const HostDecl* host = nullptr;
};

// Names of the classes whose `match if` holds for the message.
std::vector<std::string> MatchingClasses(const DhcpdConf& conf,
                                         const DhcpMessage& message,
                                         bool known);

Params EvaluateParams(const DhcpdConf& conf, const EvalInput& input,
                      const std::vector<std::string>& classes);

// One expression: data expressions yield bytes (or nothing), boolean ones
// a truth value. Exposed for tests.
bool EvaluateCondition(const Expr& expr, const DhcpMessage& message,
                       bool known);

}  // namespace pxekit
