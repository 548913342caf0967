#include "crypto/ed25519.h"

#include <climits>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

namespace pxekit {
namespace {

using BioPtr = std::unique_ptr<BIO, CFree<&BIO_free_all>>;

// The reason OpenSSL queued last (or `fallback`), and an empty queue after:
// nothing is left for an unrelated caller to find.
std::string OpensslError(std::string_view what) {
  unsigned long code = ERR_peek_last_error();
  std::string reason;
  if (code != 0) {
    const char* text = ERR_reason_error_string(code);
    if (text) reason = text;
  }
  ERR_clear_error();
  std::string message(what);
  if (!reason.empty()) message += ": " + reason;
  return message;
}

BioPtr MemoryBio(std::string_view text) {
  if (text.size() > INT_MAX) return nullptr;
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<std::string> BioContents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  if (size < 0 || (size > 0 && data == nullptr))
    return Fail(OpensslError("read PEM buffer"));
  return std::string(data, static_cast<std::size_t>(size));
}

// Never prompts on a terminal for an encrypted key's passphrase.
int NoPassphrase(char*, int, int, void*) { return -1; }

bool RawPublic(EVP_PKEY* key, Ed25519PublicKeyBytes* out) {
  std::size_t size = out->size();
  return EVP_PKEY_get_raw_public_key(key, out->data(), &size) == 1 &&
         size == out->size();
}

}  // namespace

Result<Ed25519PublicKey> Ed25519PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  if (!bio) return Fail("public key too large");
  EvpPkeyPtr key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) {
    // The admin's private key given where the public half belongs (-k of
    // `listen`): say so rather than OpenSSL's "unsupported".
    if (pem.find("-----BEGIN PRIVATE KEY-----") != std::string_view::npos)
      return Fail(
          "this is a private key; the agent needs only the public key "
          "(FILE.pub, written beside it by keygen)");
    return Fail(OpensslError("not a PEM public key"));
  }
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    return Fail("not an Ed25519 key");
  Ed25519PublicKeyBytes raw{};
  if (!RawPublic(key.get(), &raw))
    return Fail(OpensslError("cannot read the public key"));
  return Ed25519PublicKey(raw);
}

std::string Ed25519PublicKey::ToPem() const {
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                             raw_.data(), raw_.size()));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!key || !bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) {
    ERR_clear_error();
    return {};
  }
  auto text = BioContents(bio.get());
  return text.ok() ? text.value() : std::string();
}

std::string Ed25519PublicKey::Fingerprint() const {
  Sha256Digest digest = Sha256(raw_);
  // 32 bytes -> 44 base64 characters with one '=' of padding, plus NUL.
  unsigned char encoded[48] = {};
  int n = EVP_EncodeBlock(encoded, digest.data(), digest.size());
  std::string b64(reinterpret_cast<const char*>(encoded),
                  n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

bool Ed25519PublicKey::Verify(std::span<const std::uint8_t> message,
                              std::span<const std::uint8_t> signature) const {
  if (signature.size() != kEd25519SignatureSize) return false;
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                             raw_.data(), raw_.size()));
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = key && ctx &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr,
                                 key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                             message.data(), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

Result<Ed25519KeyPair> Ed25519KeyPair::FromPkey(EvpPkeyPtr key) {
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
    return Fail("not an Ed25519 key");
  Ed25519PublicKeyBytes raw{};
  if (!RawPublic(key.get(), &raw))
    return Fail(OpensslError("cannot read the public key"));
  return Ed25519KeyPair(std::move(key), raw);
}

Result<Ed25519KeyPair> Ed25519KeyPair::Generate() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return Fail(OpensslError("generate Ed25519 key"));
  return FromPkey(std::move(key));
}

Result<Ed25519KeyPair> Ed25519KeyPair::FromPem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  if (!bio) return Fail("private key too large");
  EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) return Fail(OpensslError("not an unencrypted PEM private key"));
  return FromPkey(std::move(key));
}

Result<std::string> Ed25519KeyPair::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr,
                                       0, nullptr, nullptr) != 1)
    return Fail(OpensslError("write PEM private key"));
  return BioContents(bio.get());
}

Result<Ed25519Signature> Ed25519KeyPair::Sign(
    std::span<const std::uint8_t> message) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  Ed25519Signature signature{};
  std::size_t size = signature.size();
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(),
                     message.size()) != 1 ||
      size != signature.size())
    return Fail(OpensslError("sign"));
  return signature;
}

Sha256Digest Sha256(std::span<const std::uint8_t> data) {
  Sha256Digest digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(),
                 nullptr) != 1)
    ERR_clear_error();
  return digest;
}

bool RandomBytes(std::span<std::uint8_t> out) {
  if (out.size() > INT_MAX) return false;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) == 1) return true;
  ERR_clear_error();
  return false;
}

}  // namespace pxekit
