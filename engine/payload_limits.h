// Payload limits (EngineLimits in weft/engine.h; docs/reliability.md): how big a value is, and
// the one sentence that says it is too big. A value over its limit is never stored: at the
// API's edge it is refused with InvalidArgument; inside a workflow the operation that would
// store it fails with a catchable LIMIT_EXCEEDED error.
#ifndef WEFT_ENGINE_PAYLOAD_LIMITS_H_
#define WEFT_ENGINE_PAYLOAD_LIMITS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "value/value_codec.h"
#include "weft/value.h"

namespace weft::engine {

// The size of `v` as stored (its FlexBuffers encoding).
inline uint64_t PayloadBytes(const Value& v) { return EncodeValue(v).size(); }

// The stored size of `v` when it may be over `limit`; 0 when it surely is not. FlexBuffers
// spends at most a few bytes per value beyond its strings' bytes, so a value whose O(1)
// total_size() (one per value plus string bytes) is far below the limit is not encoded just
// to be measured: the hot path pays nothing for the check.
inline uint64_t PayloadBytesIfNear(const Value& v, uint64_t limit) {
  constexpr uint64_t kMaxBytesPerValue = 32;
  if (v.total_size() * kMaxBytesPerValue + 64 < limit) return 0;
  return PayloadBytes(v);
}

// "the task input is 5,000,000 bytes; the limit is 4,194,304 (max_task_input_bytes)".
inline std::string OverLimitMessage(std::string_view what, uint64_t bytes, uint64_t limit,
                                    std::string_view option) {
  return absl::StrCat(ToAbsl(what), " is ", bytes, " bytes; the limit is ", limit, " (",
                      ToAbsl(option), ")");
}

}  // namespace weft::engine

#endif  // WEFT_ENGINE_PAYLOAD_LIMITS_H_
