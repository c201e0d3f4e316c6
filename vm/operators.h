// The language's operators on values (LANGUAGE.md, "Runtime values"): arithmetic, comparison,
// field and index access. The interpreter inlines the int fast paths and calls these for
// everything else; they are also tested on their own.
//
// Every function returns true and sets `out`, or returns false and sets `error` to a message
// for the user (lowercase, code in backticks, saying what was seen), e.g.
// "cannot apply `-` to string and int". `out` may alias an argument.
#ifndef WEFT_VM_OPERATORS_H_
#define WEFT_VM_OPERATORS_H_

#include <string>
#include <string_view>

#include "bytecode/opcodes.h"
#include "weft/value.h"

namespace weft::vm {

// op is one of ADD SUB MUL DIV MOD. Ints stay ints (overflow and division by zero fail);
// a float on either side makes a float (a non-finite result fails); + also joins two strings
// or two lists.
bool Arithmetic(bytecode::Op op, const Value& x, const Value& y, Value& out, std::string& error);

// Unary minus on a number.
bool Negate(const Value& x, Value& out, std::string& error);

// op is one of LT LE GT GE; both numbers or both strings (bytewise).
bool Compare(bytecode::Op op, const Value& x, const Value& y, Value& out, std::string& error);

// x.name, or x?.name when `optional` (null when x is null or lacks the field).
bool GetField(const Value& x, const std::string& name, bool optional, Value& out,
              std::string& error);

// x[i]: a list by int (negative counts from the end) or an object by string key. x?.[i] when
// `optional` (null when x is null or i is absent).
bool GetIndex(const Value& x, const Value& i, bool optional, Value& out, std::string& error);

}  // namespace weft::vm

#endif  // WEFT_VM_OPERATORS_H_
