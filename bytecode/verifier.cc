// The bytecode verifier (see verifier.h). Three passes:
//   1. the header: sizes, params, line table;
//   2. a linear decode of the code: opcodes, whole instructions, operands checked by kind;
//   3. abstract interpretation of the stack depth over the control-flow graph (a worklist from
//      pc 0), using each opcode's stack effect and flags from the opcode table.
#include "bytecode/verifier.h"

#include <string>
#include <string_view>

#include "common/strings.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "bytecode/instruction.h"
#include "bytecode/param_type.h"
#include "stdlib/builtins.h"

namespace weft::bytecode {
namespace {

absl::Status Invalid(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}
absl::Status AtPc(uint32_t pc, absl::string_view message) {
  return Invalid(absl::StrCat("pc ", pc, ": ", message));
}

absl::Status CheckParams(const Program& p) {
  if (p.params.size() > p.num_locals) {
    return Invalid(absl::StrCat(p.params.size(), " params do not fit in ", p.num_locals,
                                " locals"));
  }
  absl::flat_hash_set<std::string_view> seen;
  for (size_t i = 0; i < p.params.size(); ++i) {
    const Param& param = p.params[i];
    if (param.name.empty()) return Invalid(absl::StrCat("param ", i, " has an empty name"));
    if (!seen.insert(param.name).second) {
      return Invalid(absl::StrCat("duplicate param `", param.name, "`"));
    }
    if (static_cast<uint8_t>(param.type) > kMaxParamType) {
      return Invalid(absl::StrCat("param `", param.name, "` has unknown type ",
                                  static_cast<int>(param.type)));
    }
    if (param.has_default && !ValueHasType(param.default_value, param.type)) {
      return Invalid(absl::StrCat("default of param `", param.name, "` does not have type ",
                                  ToAbsl(ParamTypeName(param.type))));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLines(const Program& p) {
  for (size_t i = 0; i < p.lines.size(); ++i) {
    if (p.lines[i].pc >= p.code.size()) {
      return Invalid(absl::StrCat("line table entry ", i, ": pc ", p.lines[i].pc,
                                  " is past the end of the code"));
    }
    if (i > 0 && p.lines[i].pc < p.lines[i - 1].pc) {
      return Invalid(absl::StrCat("line table entry ", i, ": pcs are not sorted"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckHeader(const Program& p) {
  if (p.format_version < kMinFormatVersion || p.format_version > kFormatVersion) {
    return Invalid(absl::StrCat("unsupported format version ", p.format_version));
  }
  if (p.num_locals > kMaxSlots) {
    return Invalid(absl::StrCat("num_locals ", p.num_locals, " exceeds the limit ", kMaxSlots));
  }
  if (p.max_stack > kMaxSlots) {
    return Invalid(absl::StrCat("max_stack ", p.max_stack, " exceeds the limit ", kMaxSlots));
  }
  if (p.code.empty()) return Invalid("the code is empty");
  if (p.code.size() > UINT32_MAX) return Invalid("the code is too large");
  if (absl::Status s = CheckParams(p); !s.ok()) return s;
  return CheckLines(p);
}

// Checks one operand by its kind. `next_count` is the value of the following COUNT operand,
// which for a BUILTIN operand is its argument count.
absl::Status CheckOperand(const Program& p, const std::vector<bool>& starts, uint32_t pc,
                          OperandKind kind, uint32_t value, uint32_t next_count) {
  switch (kind) {
    case OperandKind::NONE:
    case OperandKind::COUNT:
      return absl::OkStatus();
    case OperandKind::BASE:
      if (value > p.num_locals) {
        return AtPc(pc, absl::StrCat("branch base ", value, " is past the ", p.num_locals,
                                     " locals"));
      }
      return absl::OkStatus();
    case OperandKind::CONST:
      if (value >= p.constants.size()) {
        return AtPc(pc, absl::StrCat("constant ", value, " is out of range (pool has ",
                                     p.constants.size(), ")"));
      }
      return absl::OkStatus();
    case OperandKind::NAME:
      if (value >= p.constants.size()) {
        return AtPc(pc, absl::StrCat("name constant ", value, " is out of range (pool has ",
                                     p.constants.size(), ")"));
      }
      if (!p.constants[value].is_string()) {
        return AtPc(pc, absl::StrCat("name constant ", value, " is not a string"));
      }
      return absl::OkStatus();
    case OperandKind::LOCAL:
      if (value >= p.num_locals) {
        return AtPc(pc, absl::StrCat("local ", value, " is out of range (", p.num_locals,
                                     " locals)"));
      }
      return absl::OkStatus();
    case OperandKind::ITER:
      if (p.num_locals < 2 || value >= p.num_locals - 1) {
        return AtPc(pc, absl::StrCat("iterator slots ", value, " and ", uint64_t{value} + 1,
                                     " are out of range (", p.num_locals, " locals)"));
      }
      return absl::OkStatus();
    case OperandKind::TARGET:
      if (value >= p.code.size()) {
        return AtPc(pc, absl::StrCat("jump target ", value, " is past the end of the code"));
      }
      if (!starts[value]) {
        return AtPc(pc, absl::StrCat("jump target ", value, " is not an instruction start"));
      }
      return absl::OkStatus();
    case OperandKind::TASK:
      if (value >= p.tasks.size()) {
        return AtPc(pc, absl::StrCat("task ", value, " is out of range (", p.tasks.size(),
                                     " tasks)"));
      }
      return absl::OkStatus();
    case OperandKind::BUILTIN: {
      const auto builtins = stdlib::AllBuiltins();
      if (value >= builtins.size()) return AtPc(pc, absl::StrCat("unknown builtin ", value));
      const stdlib::BuiltinInfo& info = builtins[value];
      if (next_count < info.min_args || next_count > info.max_args) {
        return AtPc(pc, absl::StrCat("builtin `", ToAbsl(info.name), "` takes ", info.min_args, "..",
                                     info.max_args, " arguments, not ", next_count));
      }
      return absl::OkStatus();
    }
  }
  return AtPc(pc, "unknown operand kind");
}

// Pass 2: decodes every instruction, marking instruction starts.
absl::Status DecodeAll(const Program& p, std::vector<bool>& starts,
                       std::vector<uint32_t>& pcs) {
  const uint32_t size = static_cast<uint32_t>(p.code.size());
  for (uint32_t pc = 0; pc < size;) {
    DecodeError error;
    std::optional<Instruction> ins = DecodeAt(p.code, pc, &error);
    if (!ins) {
      if (error == DecodeError::kBadOpcode) {
        return AtPc(pc, absl::StrCat("unknown opcode ", static_cast<int>(p.code[pc])));
      }
      return AtPc(pc, absl::StrCat(ToAbsl(InfoOf(static_cast<Op>(p.code[pc])).name),
                                   " is truncated by the end of the code"));
    }
    starts[pc] = true;
    pcs.push_back(pc);
    pc += ins->size;
  }
  return absl::OkStatus();
}

absl::Status CheckOperands(const Program& p, const std::vector<bool>& starts,
                           const std::vector<uint32_t>& pcs) {
  for (uint32_t pc : pcs) {
    const Instruction ins = *DecodeAt(p.code, pc);
    const OpInfo& info = InfoOf(ins.op);
    if (absl::Status s = CheckOperand(p, starts, pc, info.a, ins.a, ins.b); !s.ok()) return s;
    if (absl::Status s = CheckOperand(p, starts, pc, info.b, ins.b, 0); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Pass 3: the stack depth before each reachable instruction, by worklist over the CFG.
class DepthAnalysis {
 public:
  DepthAnalysis(const Program& p, std::vector<int32_t>& depths) : p_(p), depths_(depths) {
    depths_.assign(p.code.size(), -1);
  }

  absl::Status Run() {
    if (absl::Status s = Reach(0, 0, 0); !s.ok()) return s;
    while (!work_.empty()) {
      const uint32_t pc = work_.back();
      work_.pop_back();
      if (absl::Status s = Step(pc); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Step(uint32_t pc) {
    const Instruction ins = *DecodeAt(p_.code, pc);
    const OpInfo& info = InfoOf(ins.op);
    const StackEffect effect = StackEffectOf(ins.op, ins.a, ins.b);
    const int64_t depth = depths_[pc];
    if (effect.pops > depth) {
      return AtPc(pc, absl::StrCat(ToAbsl(info.name), " pops ", effect.pops, " but the stack holds ",
                                   depth));
    }
    const int64_t after = depth - effect.pops + effect.pushes;
    if (after > p_.max_stack) {
      return AtPc(pc, absl::StrCat("stack depth ", after, " exceeds max_stack ", p_.max_stack));
    }
    if (info.flags & (F_JUMP | F_GOTO)) {
      if (absl::Status s = Reach(pc, ins.a, after); !s.ok()) return s;
    }
    // A new fiber's stack starts empty, or holds just its item; a catch target is reached
    // with the stack cut back to the TRY's depth and the error pushed.
    if (info.flags & F_SPAWN) {
      if (absl::Status s = Reach(pc, ins.a, 0); !s.ok()) return s;
    }
    if (info.flags & F_SPAWN_ITEM) {
      if (absl::Status s = Reach(pc, ins.a, 1); !s.ok()) return s;
    }
    if (info.flags & F_HANDLER) {
      if (after + 1 > p_.max_stack) {
        return AtPc(pc, absl::StrCat("the catch target's depth ", after + 1,
                                     " exceeds max_stack ", p_.max_stack));
      }
      if (absl::Status s = Reach(pc, ins.a, after + 1); !s.ok()) return s;
    }
    if (info.flags & (F_GOTO | F_END)) return absl::OkStatus();
    const uint64_t next = uint64_t{pc} + ins.size;
    if (next >= p_.code.size()) return AtPc(pc, "execution falls off the end of the code");
    return Reach(pc, static_cast<uint32_t>(next), after);
  }

  // Records that `to` is reached from `from` with `depth`; queues it the first time.
  absl::Status Reach(uint32_t from, uint32_t to, int64_t depth) {
    int32_t& known = depths_[to];
    if (known == -1) {
      known = static_cast<int32_t>(depth);
      work_.push_back(to);
      return absl::OkStatus();
    }
    if (known != depth) {
      return AtPc(from, absl::StrCat("stack depth ", depth, " at pc ", to,
                                     " disagrees with depth ", known, " on another path"));
    }
    return absl::OkStatus();
  }

  const Program& p_;
  std::vector<int32_t>& depths_;
  std::vector<uint32_t> work_;
};

}  // namespace

absl::Status VerifyProgram(const Program& program, std::vector<int32_t>* depths) {
  if (absl::Status s = CheckHeader(program); !s.ok()) return s;
  std::vector<bool> starts(program.code.size(), false);
  std::vector<uint32_t> pcs;
  if (absl::Status s = DecodeAll(program, starts, pcs); !s.ok()) return s;
  if (absl::Status s = CheckOperands(program, starts, pcs); !s.ok()) return s;
  std::vector<int32_t> local_depths;
  return DepthAnalysis(program, depths != nullptr ? *depths : local_depths).Run();
}

absl::Status VerifyProgram(const Program& program) { return VerifyProgram(program, nullptr); }

}  // namespace weft::bytecode
