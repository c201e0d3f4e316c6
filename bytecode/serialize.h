// The stored form of a Program: FlatBuffers bytes in the schema of bytecode.fbs
// (docs/format/bytecode.md). This is the only way bytecode enters or leaves the process.
#ifndef WEFT_BYTECODE_SERIALIZE_H_
#define WEFT_BYTECODE_SERIALIZE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "bytecode/program.h"

namespace weft::bytecode {

// Encodes `program`. Deterministic: equal programs give equal bytes, so ContentHash of the
// result identifies the program. REQUIRES: program passes VerifyProgram (checked cheaply:
// only that its format version is the current one).
std::string SerializeProgram(const Program& program);

// Decodes and verifies untrusted bytes: the FlatBuffers verifier (which also verifies the
// nested FlexBuffers blobs), the "WFBC" identifier, the format version range
// [kMinFormatVersion, kFormatVersion], the value blobs, then VerifyProgram. Never crashes on
// any input; every failure is InvalidArgument with a message saying what is wrong.
// `bytes` may have any alignment.
absl::StatusOr<Program> LoadProgram(std::string_view bytes);

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_SERIALIZE_H_
