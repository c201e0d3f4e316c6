// Fuzz target: JSON text -> Value, the path every input, signal payload and task result from
// the CLI and the API takes (Value::FromJson), then BindInput against a fixed workflow (the
// first byte picks it) as `weft start --input` does. A parsed value is within the limits,
// prints to JSON that parses back to the same text, and survives the value codec.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/check.h"
#include "fuzz/programs.h"
#include "value/value_codec.h"
#include "vm/vm.h"
#include "weft/value.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const weft::bytecode::Program& program = weft::fuzz::PickProgram(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::StatusOr<weft::Value> value = weft::Value::FromJson(text);
  if (!value.ok()) {
    WEFT_CHECK(!value.status().message().empty());
    return 0;
  }
  WEFT_CHECK_MSG(value->CheckLimits().ok(), std::string(value->CheckLimits().message()).c_str());
  const std::string json = value->ToJson();
  absl::StatusOr<weft::Value> reparsed = weft::Value::FromJson(json);
  WEFT_CHECK_MSG(reparsed.ok(), std::string(reparsed.status().message()).c_str());
  WEFT_CHECK(reparsed->ToJson() == json);
  WEFT_CHECK(*reparsed == *value);
  const std::vector<uint8_t> encoded = weft::EncodeValue(*value);
  absl::StatusOr<weft::Value> decoded = weft::DecodeValue(encoded.data(), encoded.size());
  WEFT_CHECK_MSG(decoded.ok(), std::string(decoded.status().message()).c_str());
  WEFT_CHECK(decoded->ToJson() == json);
  if (value->is_object()) (void)weft::vm::BindInput(program, *value);
  return 0;
}
