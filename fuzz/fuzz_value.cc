// Fuzz target: bytes -> the value codec's verifying decoder. Anything that decodes nests at most
// kDecodeMaxDepth levels (the decoder's documented bound, which leaves room for a caller's
// wrapping lists, so a few levels more than Value::kMaxDepth), re-encodes to bytes that decode to the same encoding (the encoding is
// canonical after one round), equals itself, and prints as bounded JSON; anything else is a
// clean "corrupt value" error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/check.h"
#include "value/value_codec.h"
#include "weft/value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<weft::Value> value = weft::DecodeValue(data, size);
  if (!value.ok()) {
    WEFT_CHECK(value.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  WEFT_CHECK(value->depth() <= weft::kDecodeMaxDepth);
  const std::vector<uint8_t> encoded = weft::EncodeValue(*value);
  absl::StatusOr<weft::Value> again = weft::DecodeValue(encoded.data(), encoded.size());
  WEFT_CHECK_MSG(again.ok(), std::string(again.status().message()).c_str());
  WEFT_CHECK(weft::EncodeValue(*again) == encoded);
  (void)(*value == *again);
  (void)value->ToJsonBounded(2, 1 << 16);
  return 0;
}
