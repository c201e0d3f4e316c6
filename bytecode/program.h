// bytecode::Program is the contract between the compiler and the VM: one compiled workflow,
// in memory. The compiler produces it; serialize.h turns it into the stored FlatBuffers form
// (docs/format/bytecode.md) and back; verifier.h proves it safe to run. The VM only ever sees
// a Program that passed the verifier.
#ifndef WEFT_BYTECODE_PROGRAM_H_
#define WEFT_BYTECODE_PROGRAM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "weft/value.h"

namespace weft::bytecode {

// Bumped whenever the stored form changes incompatibly. The loader accepts
// [kMinFormatVersion, kFormatVersion].
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint32_t kMinFormatVersion = 1;

// Parameter type annotations, checked when an execution starts. Stored: append only.
enum class ParamType : uint8_t {
  kAny = 0,
  kString = 1,
  kInt = 2,
  kFloat = 3,  // accepts ints too, as JSON does not distinguish 1 from 1.0 reliably
  kNumber = 4,
  kBool = 5,
  kList = 6,
  kObject = 7,
};

struct Param {
  std::string name;
  ParamType type = ParamType::kAny;
  bool has_default = false;
  Value default_value;  // meaningful only when has_default
};

// A worker task the workflow may call. Its queue is named after it.
struct TaskDecl {
  std::string name;
  Value policy;  // the declared policy object, or null (see docs/language.md "Task policy")
};

// pc -> source position, sorted by pc; an entry covers pcs up to the next entry.
struct LineEntry {
  uint32_t pc = 0;
  uint32_t line = 0;
  uint32_t column = 0;
};

struct Program {
  uint32_t format_version = kFormatVersion;
  std::string workflow_name;
  std::vector<Param> params;       // occupy locals 0..params.size()-1, in order
  std::vector<TaskDecl> tasks;     // CALL_TASK operands index this
  std::vector<Value> constants;    // CONST / NAME operands index this
  std::vector<uint8_t> code;       // see opcodes.def for the encoding
  uint32_t num_locals = 0;         // params first, then lets/vars and hidden slots
  uint32_t max_stack = 0;          // operand stack bound above the locals (verified)
  std::vector<LineEntry> lines;
  std::string failure_workflow;    // run when an execution fails; empty for none
  int64_t timeout_ms = 0;          // the execution's deadline after its start; 0 for none
};

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_PROGRAM_H_
