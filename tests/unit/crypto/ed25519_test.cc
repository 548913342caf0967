#include "crypto/ed25519.h"

#include <catch2/catch.hpp>

#include "util/hex.h"

namespace pxekit {
namespace {

// RFC 8032 section 7.1, TEST 1 (empty message), as PKCS#8 / SPKI PEM made
// with `openssl pkey` from the RFC's raw secret key.
constexpr const char* kRfcPrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kRfcPublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "-----END PUBLIC KEY-----\n";
constexpr const char* kRfcPublicHex =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr const char* kRfcSignatureHex =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

std::vector<std::uint8_t> Bytes(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

}  // namespace

TEST_CASE("Ed25519 matches the RFC 8032 test vector", "[crypto]") {
  auto key = Ed25519KeyPair::FromPem(kRfcPrivatePem);
  REQUIRE(key.ok());
  CHECK(ToHex(key->public_key().raw()) == kRfcPublicHex);
  auto signature = key->Sign({});
  REQUIRE(signature.ok());
  CHECK(ToHex(*signature) == kRfcSignatureHex);

  auto pub = Ed25519PublicKey::FromPem(kRfcPublicPem);
  REQUIRE(pub.ok());
  CHECK(*pub == key->public_key());
  CHECK(pub->Verify({}, *signature));
  CHECK(pub->ToPem() == kRfcPublicPem);
}

TEST_CASE("A generated key signs and its public key alone verifies",
          "[crypto]") {
  auto key = Ed25519KeyPair::Generate();
  REQUIRE(key.ok());
  auto message = Bytes("power off host 7");
  auto signature = key->Sign(message);
  REQUIRE(signature.ok());
  Ed25519PublicKey pub(key->public_key().raw());
  CHECK(pub.Verify(message, *signature));

  SECTION("a changed message fails") {
    auto other = message;
    other.back() ^= 1;
    CHECK_FALSE(pub.Verify(other, *signature));
  }
  SECTION("a changed signature fails") {
    auto forged = *signature;
    forged[10] ^= 0x40;
    CHECK_FALSE(pub.Verify(message, forged));
  }
  SECTION("a signature of the wrong length fails") {
    std::span<const std::uint8_t> short_sig(signature->data(), 63);
    CHECK_FALSE(pub.Verify(message, short_sig));
  }
  SECTION("another key fails") {
    auto other = Ed25519KeyPair::Generate();
    REQUIRE(other.ok());
    CHECK_FALSE(other->public_key() == key->public_key());
    CHECK_FALSE(other->public_key().Verify(message, *signature));
  }
}

TEST_CASE("Two generated keys differ", "[crypto]") {
  auto a = Ed25519KeyPair::Generate();
  auto b = Ed25519KeyPair::Generate();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK_FALSE(a->public_key() == b->public_key());
}

TEST_CASE("A private key survives PEM and keeps signing the same", "[crypto]") {
  auto key = Ed25519KeyPair::Generate();
  REQUIRE(key.ok());
  auto pem = key->ToPem();
  REQUIRE(pem.ok());
  CHECK(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
  auto again = Ed25519KeyPair::FromPem(*pem);
  REQUIRE(again.ok());
  CHECK(again->public_key() == key->public_key());
  auto message = Bytes("x");
  // Ed25519 is deterministic: the same key gives the same signature.
  CHECK(*again->Sign(message) == *key->Sign(message));

  auto pub = Ed25519PublicKey::FromPem(key->public_key().ToPem());
  REQUIRE(pub.ok());
  CHECK(*pub == key->public_key());
}

TEST_CASE("Bad PEM input gives an error and no key", "[crypto]") {
  CHECK_FALSE(Ed25519KeyPair::FromPem("").ok());
  CHECK_FALSE(Ed25519KeyPair::FromPem("garbage\n").ok());
  CHECK_FALSE(Ed25519KeyPair::FromPem(kRfcPublicPem).ok());
  CHECK_FALSE(Ed25519PublicKey::FromPem("").ok());
  auto private_as_public = Ed25519PublicKey::FromPem(kRfcPrivatePem);
  REQUIRE_FALSE(private_as_public.ok());
  // The admin gave the private key where the agent wants the public one.
  CHECK(private_as_public.error().find("private key") != std::string::npos);
  CHECK(private_as_public.error().find("public key") != std::string::npos);
  std::string truncated(kRfcPrivatePem);
  truncated.resize(truncated.size() / 2);
  auto result = Ed25519KeyPair::FromPem(truncated);
  REQUIRE_FALSE(result.ok());
  CHECK_FALSE(result.error().empty());
}

TEST_CASE("Keys of another type are refused", "[crypto]") {
  // An X25519 key (same size, other algorithm), from `openssl genpkey
  // -algorithm x25519`.
  constexpr const char* kX25519Pem =
      "-----BEGIN PRIVATE KEY-----\n"
      "MC4CAQAwBQYDK2VuBCIEINAVjNjH3qyL85De61+A0Ijg50MEgR0PBcFGQq846gdf\n"
      "-----END PRIVATE KEY-----\n";
  auto result = Ed25519KeyPair::FromPem(kX25519Pem);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error() == "not an Ed25519 key");
}

// Made with `openssl genpkey -algorithm ed25519 -aes-256-cbc -pass
// pass:secret`. Reading it must fail at once, never ask on the terminal.
TEST_CASE("An encrypted private key is refused without a prompt", "[crypto]") {
  auto key = Ed25519KeyPair::FromPem(
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
      "MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi8Dy7MOn8MyQICCAAw\n"
      "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEFJO1N4Lyk8taEWUG/Kb5+YEQO4R\n"
      "CmYYU5QpwiExkTSNS7vFQtXeSFcm+6darfJjy6+bc/yCm5gTqfM/EiXLOByBW4j1\n"
      "Fidny+luTZeD7GjMk0Y=\n"
      "-----END ENCRYPTED PRIVATE KEY-----\n");
  CHECK_FALSE(key.ok());
}

TEST_CASE("The fingerprint is SHA256 in unpadded base64 like ssh-keygen",
          "[crypto]") {
  auto pub = Ed25519PublicKey::FromPem(kRfcPublicPem);
  REQUIRE(pub.ok());
  std::string fingerprint = pub->Fingerprint();
  CHECK(fingerprint.rfind("SHA256:", 0) == 0);
  CHECK(fingerprint.size() == 7 + 43);
  CHECK(fingerprint.find('=') == std::string::npos);
  auto other = Ed25519KeyPair::Generate();
  REQUIRE(other.ok());
  CHECK(other->public_key().Fingerprint() != fingerprint);
}

TEST_CASE("SHA-256 of abc is the FIPS 180-2 value", "[crypto]") {
  auto digest = Sha256(Bytes("abc"));
  CHECK(ToHex(digest) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("RandomBytes fills the buffer with varying bytes", "[crypto]") {
  std::array<std::uint8_t, 32> a{}, b{};
  REQUIRE(RandomBytes(a));
  REQUIRE(RandomBytes(b));
  CHECK(a != b);
}

}  // namespace pxekit
