#pragma once
// A fresh Ed25519 key pair for a test; the test fails if none can be made.

#include <utility>

#include <catch2/catch.hpp>

#include "crypto/ed25519.h"

namespace pxekit {

inline Ed25519KeyPair NewKey() {
  auto key = Ed25519KeyPair::Generate();
  REQUIRE(key.ok());
  return std::move(key).value();
}

}  // namespace pxekit
