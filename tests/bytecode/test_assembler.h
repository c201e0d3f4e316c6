// A tiny assembler for hand-written test programs (bytecode and VM tests). Labels make jumps
// readable; Build() patches them and fills the Program. It does no checking of its own: tests
// use it to build invalid programs on purpose.
//
//   Assembler a;
//   auto done = a.NewLabel();
//   a.Emit(Op::PUSH_TRUE).Jump(Op::JUMP_IF_FALSE, done).Emit(Op::PUSH_NULL).Emit(Op::RETURN);
//   a.Bind(done).Emit(Op::PUSH_NULL).Emit(Op::RETURN);
//   Program p = a.Build(/*num_locals=*/0, /*max_stack=*/4);
#ifndef WEFT_TESTS_BYTECODE_TEST_ASSEMBLER_H_
#define WEFT_TESTS_BYTECODE_TEST_ASSEMBLER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bytecode/instruction.h"
#include "bytecode/program.h"
#include "common/check.h"
#include "weft/value.h"

namespace weft::bytecode::testing {

class Assembler {
 public:
  struct Label {
    size_t id;
  };

  explicit Assembler(std::string workflow_name = "test") { p_.workflow_name = std::move(workflow_name); }

  // Adds a constant and returns its index (no deduplication).
  uint32_t Const(Value value) {
    p_.constants.push_back(std::move(value));
    return static_cast<uint32_t>(p_.constants.size() - 1);
  }
  uint32_t Task(std::string name) {
    TaskDecl task;
    task.name = std::move(name);
    p_.tasks.push_back(std::move(task));
    return static_cast<uint32_t>(p_.tasks.size() - 1);
  }
  Assembler& Param(std::string name, ParamType type = ParamType::kAny,
                   std::optional<Value> default_value = std::nullopt) {
    bytecode::Param param;
    param.name = std::move(name);
    param.type = type;
    param.has_default = default_value.has_value();
    if (default_value) param.default_value = *std::move(default_value);
    p_.params.push_back(std::move(param));
    return *this;
  }

  // Instructions emitted from now on are attributed to line:column.
  Assembler& At(uint32_t line, uint32_t column) {
    p_.lines.push_back({pc(), line, column});
    return *this;
  }

  Assembler& Emit(Op op, uint32_t a = 0, uint32_t b = 0) {
    AppendInstruction(p_.code, op, a, b);
    return *this;
  }
  // Appends raw bytes (for malformed code).
  Assembler& Raw(std::vector<uint8_t> bytes) {
    p_.code.insert(p_.code.end(), bytes.begin(), bytes.end());
    return *this;
  }

  Label NewLabel() {
    labels_.push_back(std::nullopt);
    return Label{labels_.size() - 1};
  }
  Assembler& Bind(Label label) {
    labels_[label.id] = pc();
    return *this;
  }
  // A jump-like instruction (operand A is a target) to a label bound before or after; `b` is
  // the second operand where the instruction has one (FORK and FORK_EACH: the branch's base).
  Assembler& Jump(Op op, Label target, uint32_t b = 0) {
    fixups_.emplace_back(pc() + 1, target.id);
    return Emit(op, 0, b);
  }

  uint32_t pc() const { return static_cast<uint32_t>(p_.code.size()); }

  Program Build(uint32_t num_locals, uint32_t max_stack) {
    for (const auto& [at, label] : fixups_) {
      WEFT_CHECK_MSG(labels_[label].has_value(), "unbound label");
      const uint32_t target = *labels_[label];
      for (int i = 0; i < 4; ++i) p_.code[at + i] = static_cast<uint8_t>(target >> (8 * i));
    }
    Program program = p_;
    program.num_locals = num_locals;
    program.max_stack = max_stack;
    return program;
  }

 private:
  Program p_;
  std::vector<std::optional<uint32_t>> labels_;
  std::vector<std::pair<uint32_t, size_t>> fixups_;
};

}  // namespace weft::bytecode::testing

#endif  // WEFT_TESTS_BYTECODE_TEST_ASSEMBLER_H_
