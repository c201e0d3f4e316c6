// FlatBuffers reads scalars in place, so a buffer must start on an 8-byte boundary. Bytes from
// LMDB (a value follows its key in the page) or from a file slice often do not.
// WithAlignedBytes hands `fn` the same bytes at an aligned address, copying only when needed.
#ifndef WEFT_COMMON_ALIGNED_BYTES_H_
#define WEFT_COMMON_ALIGNED_BYTES_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace weft {

// Returns fn(const uint8_t* data, size_t size). The pointer is valid only during the call.
template <typename Fn>
auto WithAlignedBytes(std::string_view bytes, Fn&& fn) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) == 0) {
    return fn(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::vector<uint64_t> aligned((bytes.size() + 7) / 8);
  // Empty: aligned.data() may be null, and memcpy's pointers must not be even for 0 bytes.
  if (!bytes.empty()) std::memcpy(aligned.data(), bytes.data(), bytes.size());
  return fn(reinterpret_cast<const uint8_t*>(aligned.data()), bytes.size());
}

}  // namespace weft

#endif  // WEFT_COMMON_ALIGNED_BYTES_H_
