#pragma once
// Ed25519 keys and signatures over OpenSSL 3 libcrypto (EVP_PKEY_ED25519,
// one-shot EVP_DigestSign / EVP_DigestVerify with no digest). Every OpenSSL
// object is owned by a unique_ptr with a stateless deleter; nothing here keeps
// global state, logs or throws for bad input: errors come back as Failure.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "util/c_free.h"
#include "util/result.h"

namespace pxekit {

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, CFree<&EVP_PKEY_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, CFree<&EVP_MD_CTX_free>>;

inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;
using Ed25519PublicKeyBytes = std::array<std::uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<std::uint8_t, kEd25519SignatureSize>;
using Sha256Digest = std::array<std::uint8_t, 32>;

// A public key: what an agent holds. Cheap to copy (the raw 32 bytes).
class Ed25519PublicKey {
 public:
  explicit Ed25519PublicKey(const Ed25519PublicKeyBytes& raw) : raw_(raw) {}
  // From a "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo) PEM, as
  // written by ToPem() or `openssl pkey -pubout`. Other key types refused.
  static Result<Ed25519PublicKey> FromPem(std::string_view pem);

  const Ed25519PublicKeyBytes& raw() const { return raw_; }
  std::string ToPem() const;
  // "SHA256:" + unpadded base64 of SHA-256(raw key), as ssh-keygen -l prints.
  std::string Fingerprint() const;
  // true only when `signature` is a valid signature of `message` by this key.
  bool Verify(std::span<const std::uint8_t> message,
              std::span<const std::uint8_t> signature) const;

  friend bool operator==(const Ed25519PublicKey&,
                         const Ed25519PublicKey&) = default;

 private:
  Ed25519PublicKeyBytes raw_;
};

// A key pair: what the sender holds. Move-only.
class Ed25519KeyPair {
 public:
  static Result<Ed25519KeyPair> Generate();
  // From an unencrypted "-----BEGIN PRIVATE KEY-----" (PKCS#8) PEM, as
  // written by ToPem() or `openssl genpkey -algorithm ed25519`. Encrypted
  // keys are refused, never prompted for.
  static Result<Ed25519KeyPair> FromPem(std::string_view pem);

  Result<std::string> ToPem() const;
  const Ed25519PublicKey& public_key() const { return public_key_; }
  Result<Ed25519Signature> Sign(std::span<const std::uint8_t> message) const;

 private:
  Ed25519KeyPair(EvpPkeyPtr key, const Ed25519PublicKeyBytes& raw)
      : key_(std::move(key)), public_key_(raw) {}
  static Result<Ed25519KeyPair> FromPkey(EvpPkeyPtr key);

  EvpPkeyPtr key_;
  Ed25519PublicKey public_key_;
};

Sha256Digest Sha256(std::span<const std::uint8_t> data);

// Fills `out` from the OpenSSL CSPRNG; false when it could not.
bool RandomBytes(std::span<std::uint8_t> out);

}  // namespace pxekit
