#pragma once
// What the power agent and sender tests share: two agent ids and fresh
// Ed25519 keys (NewKey).

#include "unit/crypto/new_key.h"
#include "util/mac_addr.h"

namespace pxekit {

inline const MacAddr kHostA(MacAddr::Bytes{0x02, 0, 0, 0, 0, 0x0a});
inline const MacAddr kHostB(MacAddr::Bytes{0x02, 0, 0, 0, 0, 0x0b});

}  // namespace pxekit
