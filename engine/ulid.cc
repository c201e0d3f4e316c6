// See ulid.h.
#include "engine/ulid.h"

namespace weft::engine {
namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}

UlidGenerator::UlidGenerator() : rng_(std::random_device{}()) {}

std::string UlidGenerator::Next(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (now_ms <= last_ms_) {
    // Same (or earlier: the clock stepped back) millisecond: keep the timestamp and increment
    // the random part, which keeps ids strictly increasing.
    now_ms = last_ms_;
    if (++lo_ == 0) hi_ = (hi_ + 1) & 0xffff;
  } else {
    last_ms_ = now_ms;
    lo_ = rng_();
    hi_ = rng_() & 0xffff;
  }
  // 128 bits = 48 time | 16 hi | 64 lo, written as 26 base32 digits (the top 2 bits are zero).
  unsigned __int128 v = (static_cast<unsigned __int128>(static_cast<uint64_t>(now_ms) & 0xffffffffffffULL) << 80) |
                        (static_cast<unsigned __int128>(hi_) << 64) | lo_;
  std::string out(26, '0');
  for (int i = 25; i >= 0; --i) {
    out[i] = kAlphabet[static_cast<unsigned>(v & 31)];
    v >>= 5;
  }
  return out;
}

bool LooksLikeUlid(std::string_view id) {
  if (id.size() != 26) return false;
  for (char c : id) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' &&
                                         c != 'O' && c != 'U');
    if (!ok) return false;
  }
  return true;
}

}  // namespace weft::engine
