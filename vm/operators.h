// The language's operators on values (LANGUAGE.md, "Runtime values"): arithmetic, comparison,
// field and index access. The interpreter inlines the int fast paths and calls these for
// everything else; they are also tested on their own.
//
// Every function returns true and sets `out`, or returns false and sets `error`: a message for
// the user (lowercase, code in backticks, saying what was seen), e.g.
// "cannot apply `-` to string and int", and its code. `out` may alias an argument.
//
// Limits: whatever an operator builds is within the value limits (Value::CheckLimits), checked
// before anything big is allocated; going past one, or running out of memory, is an error
// with code LIMIT_EXCEEDED rather than a crash.
#ifndef WEFT_VM_OPERATORS_H_
#define WEFT_VM_OPERATORS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "bytecode/opcodes.h"
#include "vm/errors.h"
#include "weft/value.h"

namespace weft::vm {

// Why an operation failed: the error object's code and message.
struct OpError {
  std::string_view code = kRuntimeError;
  std::string message;
};

// op is one of ADD SUB MUL DIV MOD. Ints stay ints (overflow and division by zero fail);
// a float on either side makes a float (a non-finite result fails); + also joins two strings
// or two lists.
bool Arithmetic(bytecode::Op op, const Value& x, const Value& y, Value& out, OpError& error);

// Unary minus on a number.
bool Negate(const Value& x, Value& out, OpError& error);

// op is one of LT LE GT GE; both numbers or both strings (bytewise).
bool Compare(bytecode::Op op, const Value& x, const Value& y, Value& out, OpError& error);

// x.name, or x?.name when `optional` (null when x is null or lacks the field).
bool GetField(const Value& x, const std::string& name, bool optional, Value& out,
              OpError& error);

// x[i]: a list by int (negative counts from the end) or an object by string key. x?.[i] when
// `optional` (null when x is null or i is absent).
bool GetIndex(const Value& x, const Value& i, bool optional, Value& out, OpError& error);

// The list [items...]: moves the items out of the span.
bool MakeList(std::span<Value> items, Value& out, OpError& error);

// The object {k1: v1, ...} from alternating keys and values (keys must be strings): moves them
// out of the span.
bool MakeObject(std::span<Value> keys_and_values, Value& out, OpError& error);

// String interpolation: the display strings (Value::ToDisplayString) of the parts, joined.
// Resets the parts.
bool Interpolate(std::span<Value> parts, Value& out, OpError& error);

// OK when `v` is within the value limits; otherwise false with a LIMIT_EXCEEDED error whose
// message starts with `what` (e.g. "the result of `+`").
bool WithinLimits(const Value& v, std::string_view what, OpError& error);

// The error for std::bad_alloc caught while running `what`.
OpError OutOfMemory(std::string_view what);

// The work an operation on these values does beyond its fixed cost, in the units fuel is
// charged by (docs/reliability.md, "Values"): a string's bytes, 8 per list item or object
// entry. Shallow: shared items are not walked.
uint64_t ShallowSize(const Value& v);

// An upper bound of the work `x == y` does, in the same units: nothing for scalars or for a
// container compared with itself; for two distinct strings or containers that cannot be told
// apart by their length, depth and total size, their total size.
uint64_t EqualityWork(const Value& x, const Value& y);

// An operator or builtin that touches or builds `units` of ShallowSize (or reports that much
// work, BuiltinContext::work) costs units / kUnitsPerFuel instructions of fuel on top of its
// own: one per 16 bytes, or per two items.
inline constexpr uint64_t kUnitsPerFuel = 16;

}  // namespace weft::vm

#endif  // WEFT_VM_OPERATORS_H_
