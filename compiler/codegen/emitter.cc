// The emitter (see emitter.h).
#include "compiler/codegen/emitter.h"

#include <algorithm>

#include "bytecode/instruction.h"
#include "common/check.h"

namespace weft::codegen {

using bytecode::Op;

Emitter::Label Emitter::NewLabel() {
  labels_.emplace_back();
  return static_cast<Label>(labels_.size() - 1);
}

void Emitter::AgreeDepth(LabelInfo& label, int depth) {
  if (label.depth < 0) label.depth = depth;
  WEFT_CHECK_MSG(label.depth == depth, "stack depths disagree at a join point");
}

void Emitter::Bind(Label label) {
  LabelInfo& info = labels_.at(label);
  WEFT_CHECK(!info.bound);
  info.bound = true;
  info.pc = static_cast<uint32_t>(code_.size());
  for (uint32_t site : info.patch_sites) {
    for (int shift = 0; shift < 32; shift += 8) code_[site + shift / 8] = info.pc >> shift;
  }
  info.patch_sites.clear();
  if (reachable_) {
    AgreeDepth(info, depth_);
  } else if (info.depth >= 0) {  // some emitted jump lands here: code is live again
    reachable_ = true;
    depth_ = info.depth;
    max_depth_ = std::max(max_depth_, depth_);
  }
}

void Emitter::Append(Op op, diag::SourceRange at, uint32_t a, uint32_t b) {
  const uint32_t pc = static_cast<uint32_t>(code_.size());
  if (at.line != 0 && (lines_.empty() || lines_.back().line != at.line ||
                       lines_.back().column != at.column)) {
    lines_.push_back({pc, at.line, at.column});
  }
  bytecode::AppendInstruction(code_, op, a, b);
  const bytecode::StackEffect effect = bytecode::StackEffectOf(op, a, b);
  depth_ -= static_cast<int>(effect.pops);
  WEFT_CHECK_MSG(depth_ >= 0, "operand stack underflow in generated code");
  depth_ += static_cast<int>(effect.pushes);
  max_depth_ = std::max(max_depth_, depth_);
  const uint8_t flags = bytecode::InfoOf(op).flags;
  if (flags & (bytecode::F_GOTO | bytecode::F_END)) reachable_ = false;
}

void Emitter::Emit(Op op, diag::SourceRange at, uint32_t a, uint32_t b) {
  WEFT_CHECK(bytecode::InfoOf(op).a != bytecode::OperandKind::TARGET);
  if (!reachable_) return;
  Append(op, at, a, b);
}

void Emitter::EmitJump(Op op, Label target, diag::SourceRange at, uint32_t b) {
  WEFT_CHECK(bytecode::InfoOf(op).a == bytecode::OperandKind::TARGET);
  if (!reachable_) return;
  LabelInfo& info = labels_.at(target);
  const uint32_t operand_site = static_cast<uint32_t>(code_.size()) + 1;
  Append(op, at, info.bound ? info.pc : 0, b);
  // After Append the depth is what a jump carries to its target (its pops are done), even
  // for JUMP, which marks the following code unreachable but leaves depth_ as it was.
  const uint8_t flags = bytecode::InfoOf(op).flags;
  int carried = depth_;
  if (flags & bytecode::F_SPAWN) carried = 0;
  if (flags & bytecode::F_SPAWN_ITEM) carried = 1;
  if (flags & bytecode::F_HANDLER) carried = depth_ + 1;
  max_depth_ = std::max(max_depth_, carried);
  AgreeDepth(info, carried);
  if (!info.bound) info.patch_sites.push_back(operand_site);
}

void Emitter::Finish(bytecode::Program& program) {
  for (const LabelInfo& label : labels_) {
    WEFT_CHECK_MSG(label.patch_sites.empty(), "a jump targets a label that was never bound");
  }
  program.code = std::move(code_);
  program.lines = std::move(lines_);
  program.constants = constants_.Take();
  program.max_stack = static_cast<uint32_t>(max_depth_);
}

}  // namespace weft::codegen
