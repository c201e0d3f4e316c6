// Helpers for the VM tests: run hand-assembled programs and evaluate single opcodes.
#ifndef WEFT_TESTS_VM_VM_TEST_UTIL_H_
#define WEFT_TESTS_VM_VM_TEST_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "bytecode/verifier.h"
#include "gtest/gtest.h"
#include "tests/bytecode/sample_programs.h"
#include "tests/bytecode/test_assembler.h"
#include "vm/vm.h"

namespace weft::vm::testing {

using bytecode::Op;
using bytecode::Program;
using bytecode::testing::Assembler;
using bytecode::testing::Obj;
using bytecode::testing::Str;

inline Value Int(int64_t i) { return Value::Int(i); }
inline Value Dbl(double d) { return Value::Double(d); }
inline Value Bool(bool b) { return Value::Bool(b); }
inline Value List(std::vector<Value> items) { return Value::MakeList(std::move(items)); }

// Verifies `program` (a test bug otherwise), then runs it from a fresh state.
inline RunResult RunFresh(const Program& program, std::vector<Value> args = {},
                          RunContext ctx = {}, ExecState* out_state = nullptr) {
  absl::Status verified = bytecode::VerifyProgram(program);
  EXPECT_TRUE(verified.ok()) << verified;
  ExecState state = NewExecState(program, std::move(args), /*seed=*/1);
  RunResult result = vm::Run(program, state, ctx);
  if (out_state != nullptr) *out_state = std::move(state);
  return result;
}

// CONST each operand, then `op` (with operand a), then RETURN.
inline Program SingleOp(Op op, const std::vector<Value>& operands, uint32_t a = 0) {
  Assembler asm_;
  for (const Value& v : operands) asm_.Emit(Op::CONST, asm_.Const(v));
  asm_.At(7, 3).Emit(op, a).Emit(Op::RETURN);
  return asm_.Build(0, static_cast<uint32_t>(operands.size()) + 1);
}

// The output of SingleOp, which must complete; ToJson so kinds show (1 vs 1.0).
inline std::string Eval(Op op, const std::vector<Value>& operands, uint32_t a = 0) {
  RunResult r = RunFresh(SingleOp(op, operands, a));
  EXPECT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  return r.output.ToJson();
}

// The message of the runtime error SingleOp must end with.
inline std::string EvalError(Op op, const std::vector<Value>& operands, uint32_t a = 0) {
  RunResult r = RunFresh(SingleOp(op, operands, a));
  EXPECT_EQ(r.status, RunStatus::kFailed) << r.output.ToJson();
  if (!r.error.is_object()) return "<no error object>";
  const Value* code = r.error.as_object().Find("code");
  EXPECT_TRUE(code != nullptr && code->is_string() && code->as_string() == "RUNTIME_ERROR")
      << r.error.ToJson();
  const Value* message = r.error.as_object().Find("message");
  return message != nullptr && message->is_string() ? message->as_string() : "<no message>";
}

// A field of an error object, as JSON ("" when absent).
inline std::string ErrorField(const RunResult& r, const char* key) {
  if (!r.error.is_object()) return "";
  const Value* v = r.error.as_object().Find(key);
  return v == nullptr ? "" : v->ToJson();
}

}  // namespace weft::vm::testing

#endif  // WEFT_TESTS_VM_VM_TEST_UTIL_H_
