// See hash.h. SHA-256 through OpenSSL's EVP interface (the low-level SHA256_* calls are
// deprecated in OpenSSL 3).
#include "bytecode/hash.h"

#include <openssl/evp.h>

#include "common/check.h"

namespace weft::bytecode {

std::string ContentHash(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  WEFT_CHECK_MSG(ok == 1 && length == 32, "EVP_Digest(sha256) failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace weft::bytecode
