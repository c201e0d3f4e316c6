// Helpers for the VM tests: run hand-assembled programs and evaluate single opcodes.
#ifndef WEFT_TESTS_VM_VM_TEST_UTIL_H_
#define WEFT_TESTS_VM_VM_TEST_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

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
  RunResult result = vm::Start(program, state, ctx);
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

// Every field of a state, as text, with value kinds kept (1 vs 1.0 differ in ToJson): tests
// compare states with it so that a difference names the field.
inline std::string DumpState(const ExecState& s) {
  auto values = [](const std::vector<Value>& vs) {
    std::string out = "[";
    for (const Value& v : vs) absl::StrAppend(&out, v.ToJson(), ":", static_cast<int>(v.kind()), " ");
    return out + "]";
  };
  std::string out = absl::StrCat("next_fiber ", s.next_fiber_id, " next_wait ", s.next_wait_id,
                                 " rng ", s.rng_state, " steps ", s.steps, " ended ", s.ended,
                                 "\ncompensations ", values(s.compensations), "\nmailbox ",
                                 values(s.mailbox), "\ncompensating ", s.compensating,
                                 " failure ", s.failure.ToJson(), " wait ", s.compensation_wait,
                                 " log ", values(s.compensation_log), "\n");
  for (const auto& [id, f] : s.fibers) {
    absl::StrAppend(&out, "fiber ", id, "/", f.id, " parent ", f.parent, " base ", f.base, " pc ",
                    f.pc, " result_index ", f.result_index, " wait ", static_cast<int>(f.wait),
                    "#", f.wait_id, " request ", f.request.ToJson(), "\n  locals ",
                    values(f.locals), "\n  stack ", values(f.stack), "\n  handlers");
    for (const Handler& h : f.handlers) absl::StrAppend(&out, " ", h.catch_pc, "@", h.stack_depth);
    absl::StrAppend(&out, "\n  results ", values(f.results), " live ", f.live_children,
                    " each ", f.each_items.ToJson(), " next ", f.each_next, " limit ",
                    f.each_limit, " pc ", f.each_pc, " base ", f.each_base, " offset ",
                    f.each_offset, " error ", f.branch_error.ToJson(), "\n");
  }
  return out;
}

// A successful wait outcome.
inline Outcome Ok(Value v = Value()) { return Outcome{true, std::move(v)}; }

// One request as a line, e.g. `task#3 charge {"id":1}`, `timer#2 @5000`, `cancel#4`; tests
// compare these so that a failure shows every field that matters.
inline std::string Describe(const Program& p, const Request& r) {
  const std::string id = absl::StrCat("#", r.wait_id);
  switch (r.kind) {
    case Request::Kind::kTask:
      return absl::StrCat(r.compensation ? "undo" : "task", id, " ", p.tasks.at(r.task_index).name,
                          " ", r.input.ToJson(), r.policy.is_null() ? "" : " with ",
                          r.policy.is_null() ? "" : r.policy.ToJson());
    case Request::Kind::kTimer:
      return absl::StrCat("timer", id, " @", r.due_ms);
    case Request::Kind::kSignal:
      return absl::StrCat("signal", id, " ", r.name, " @", r.due_ms);
    case Request::Kind::kChild:
      return absl::StrCat("child", id, " ", r.name, "@", r.version, " ", r.input.ToJson());
    case Request::Kind::kStartChild:
      return absl::StrCat("start", id, " ", r.name, "@", r.version, " ", r.input.ToJson());
    case Request::Kind::kCancel:
      return absl::StrCat("cancel", id);
  }
  return "?";
}

inline std::vector<std::string> Describe(const Program& p, const std::vector<Request>& rs) {
  std::vector<std::string> out;
  for (const Request& r : rs) out.push_back(Describe(p, r));
  return out;
}

}  // namespace weft::vm::testing

#endif  // WEFT_TESTS_VM_VM_TEST_UTIL_H_
