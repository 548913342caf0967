#pragma once
// Key files for the tool: load or stop with the documented exit status
// (66 missing, 77 unsafe owner or mode, 65 not a key, 74 I/O).

#include <string>

#include "crypto/ed25519.h"

namespace pxekit {

// Throw ToolError on failure.
Ed25519KeyPair LoadSenderKey(const std::string& path);
Ed25519PublicKey LoadAgentKey(const std::string& path);

}  // namespace pxekit
