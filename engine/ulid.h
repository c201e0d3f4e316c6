// Time-sortable unique ids (ULID: 48-bit milliseconds + 80 random bits, Crockford base32, 26
// characters). Ids made in the same millisecond by one generator increase monotonically, so
// LMDB's key order is creation order: `list` walks executions newest first for free.
#ifndef WEFT_ENGINE_ULID_H_
#define WEFT_ENGINE_ULID_H_

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace weft::engine {

class UlidGenerator {
 public:
  UlidGenerator();
  // Thread-safe.
  std::string Next(int64_t now_ms);

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
  int64_t last_ms_ = -1;
  uint64_t hi_ = 0;  // 16 random bits
  uint64_t lo_ = 0;  // 64 random bits
};

// True when `id` has the shape of a ULID (26 Crockford base32 characters).
bool LooksLikeUlid(std::string_view id);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_ULID_H_
