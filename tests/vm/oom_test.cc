// Out of memory inside the VM is an error of the execution, not the end of the process: a
// std::bad_alloc thrown while an operator or builtin builds a value becomes a LIMIT_EXCEEDED
// error that `try` can catch. This binary replaces the global operator new so that a test can
// make every allocation above a threshold fail, deterministically.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stdlib/builtins.h"
#include "tests/vm/vm_test_util.h"

// Both operator new and operator delete are replaced (malloc/free), which GCC cannot see when it
// inlines a delete expression.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
// Allocations of more than this many bytes fail while it is non-zero.
std::atomic<size_t> g_fail_above{0};
}  // namespace

void* operator new(size_t size) {
  const size_t limit = g_fail_above.load(std::memory_order_relaxed);
  if (limit != 0 && size > limit) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace weft::vm::testing {
namespace {

using ::testing::HasSubstr;

// While alive, allocations above `bytes` fail.
class FailLargeAllocations {
 public:
  explicit FailLargeAllocations(size_t bytes) { g_fail_above = bytes; }
  ~FailLargeAllocations() { g_fail_above = 0; }
};

uint32_t BuiltinId(const char* name) {
  uint32_t id = 0;
  EXPECT_NE(stdlib::FindBuiltin(name, &id), nullptr) << name;
  return id;
}

TEST(OutOfMemory, InABuiltinIsALimitErrorOfTheExecution) {
  // repeat("ab", 1_000_000): 2 MB, within every limit, but the allocation fails.
  Assembler a;
  a.Emit(Op::CONST, a.Const(Str("ab"))).Emit(Op::CONST, a.Const(Int(1'000'000)));
  a.At(5, 12).Emit(Op::CALL_BUILTIN, BuiltinId("repeat"), 2).Emit(Op::RETURN);
  const Program p = a.Build(0, 2);
  RunResult r;
  {
    FailLargeAllocations fail(1 << 20);
    r = RunFresh(p);
  }
  ASSERT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_EQ(ErrorField(r, "message"), "\"out of memory in repeat()\"");
  EXPECT_EQ(ErrorField(r, "line"), "5");
  // With memory, the same program runs.
  EXPECT_EQ(RunFresh(p).status, RunStatus::kCompleted);
}

TEST(OutOfMemory, InAnOperatorIsCaughtByTry) {
  // try { s + s } catch e { return e.message }
  Assembler a;
  auto caught = a.NewLabel();
  const Value s = Str(std::string(600'000, 'x'));
  a.Jump(Op::TRY, caught).Emit(Op::CONST, a.Const(s)).Emit(Op::CONST, a.Const(s));
  a.Emit(Op::ADD).Emit(Op::END_TRY).Emit(Op::RETURN);
  a.Bind(caught).Emit(Op::GET_FIELD, a.Const(Str("message"))).Emit(Op::RETURN);
  const Program p = a.Build(0, 2);
  RunResult r;
  {
    FailLargeAllocations fail(1 << 20);
    r = RunFresh(p);
  }
  ASSERT_EQ(r.status, RunStatus::kCompleted) << r.error.ToJson();
  EXPECT_EQ(r.output.ToJson(), "\"out of memory in `+`\"");
}

TEST(OutOfMemory, InInterpolationAndLiterals) {
  const Value s = Str(std::string(600'000, 'x'));
  RunResult r;
  {
    FailLargeAllocations fail(1 << 20);
    r = RunFresh(SingleOp(Op::CONCAT, {s, s}, 2));
  }
  EXPECT_EQ(ErrorField(r, "code"), "\"LIMIT_EXCEEDED\"");
  EXPECT_THAT(ErrorField(r, "message"), HasSubstr("out of memory"));
}

}  // namespace
}  // namespace weft::vm::testing
