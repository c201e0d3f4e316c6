// The emitter: appends instructions to one program's code while tracking what the verifier
// will check, so that a bug here fails loudly at compile time instead of at load time.
//
// It keeps the operand stack depth (from the opcode table's stack effects), the maximum depth,
// the line table, and forward/backward jump labels. Every label records the stack depth that
// jumps to it carry; a disagreement between two paths into a label is a WEFT_CHECK failure.
//
// Unreachable code is never emitted: after an instruction that does not fall through (JUMP,
// RETURN, FAIL) the emitter drops everything until a label that some emitted jump targets is
// bound. So every emitted instruction is reachable and the code always ends in a terminator.
#ifndef WEFT_COMPILER_CODEGEN_EMITTER_H_
#define WEFT_COMPILER_CODEGEN_EMITTER_H_

#include <cstdint>
#include <vector>

#include "bytecode/opcodes.h"
#include "bytecode/program.h"
#include "compiler/codegen/constant_pool.h"
#include "compiler/diag/source_range.h"

namespace weft::codegen {

class Emitter {
 public:
  using Label = uint32_t;

  Label NewLabel();
  // Binds `label` to the current pc. REQUIRES: not bound before.
  void Bind(Label label);

  // Emits `op` with operands a and b (ignored when the opcode takes fewer), attributed to the
  // start of `at` in the line table. REQUIRES: op is not a jump.
  void Emit(bytecode::Op op, diag::SourceRange at, uint32_t a = 0, uint32_t b = 0);
  // Emits an instruction whose operand A is `target`: a jump (JUMP, JUMP_IF_FALSE, ...), which
  // carries the current depth there; a fork (FORK, FORK_EACH: the new fiber starts there with
  // an empty stack, or just its item) or TRY (its catch target is reached with the depth after
  // TRY plus the error). `b` is the second operand, if the opcode has one.
  void EmitJump(bytecode::Op op, Label target, diag::SourceRange at, uint32_t b = 0);

  ConstantPool& constants() { return constants_; }
  bool reachable() const { return reachable_; }
  int depth() const { return depth_; }

  // Moves the code, constants, line table and max_stack into `program`. REQUIRES: every label
  // that an emitted jump targets is bound.
  void Finish(bytecode::Program& program);

 private:
  struct LabelInfo {
    bool bound = false;
    uint32_t pc = 0;
    int depth = -1;                     // the depth jumps carry; -1 until one is known
    std::vector<uint32_t> patch_sites;  // operand offsets of forward jumps awaiting the pc
  };
  void Append(bytecode::Op op, diag::SourceRange at, uint32_t a, uint32_t b);
  void AgreeDepth(LabelInfo& label, int depth);

  std::vector<uint8_t> code_;
  std::vector<bytecode::LineEntry> lines_;
  std::vector<LabelInfo> labels_;
  ConstantPool constants_;
  bool reachable_ = true;
  int depth_ = 0;
  int max_depth_ = 0;
};

}  // namespace weft::codegen

#endif  // WEFT_COMPILER_CODEGEN_EMITTER_H_
