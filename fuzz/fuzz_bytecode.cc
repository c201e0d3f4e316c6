// Fuzz target: bytes -> bytecode loader (FlatBuffers verifier, header, value blobs) and the
// bytecode verifier. Anything that loads is a verified program that disassembles, and its
// re-serialization loads again to the same bytes; anything else is a clean InvalidArgument.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bytecode/disasm.h"
#include "bytecode/serialize.h"
#include "bytecode/verifier.h"
#include "common/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<weft::bytecode::Program> loaded = weft::bytecode::LoadProgram(bytes);
  if (!loaded.ok()) {
    WEFT_CHECK(loaded.status().code() == absl::StatusCode::kInvalidArgument);
    WEFT_CHECK(!loaded.status().message().empty());
    return 0;
  }
  WEFT_CHECK(weft::bytecode::VerifyProgram(*loaded).ok());
  (void)weft::bytecode::Disassemble(*loaded);
  const std::string again = weft::bytecode::SerializeProgram(*loaded);
  absl::StatusOr<weft::bytecode::Program> reloaded = weft::bytecode::LoadProgram(again);
  WEFT_CHECK_MSG(reloaded.ok(), std::string(reloaded.status().message()).c_str());
  WEFT_CHECK(weft::bytecode::SerializeProgram(*reloaded) == again);
  return 0;
}
