// Literal expressions as values. Parameter defaults and case values must be literals; the
// checker validates them with these functions and the code generator turns them into
// constants with the same ones, so "what counts as a literal" is decided in one place.
#ifndef WEFT_COMPILER_CHECK_LITERAL_VALUE_H_
#define WEFT_COMPILER_CHECK_LITERAL_VALUE_H_

#include <optional>
#include <string>

#include "compiler/ast/ast.h"
#include "weft/value.h"

namespace weft::check {

// The value a literal denotes: null, a bool, a number (a `-` directly before a number literal
// belongs to it), a duration (an int of milliseconds), a string without interpolation, or a
// list or object of literals. nullopt when `e` is anything else.
std::optional<Value> LiteralValue(const ast::Expr& e);

// True when `e` is a literal that denotes null, a bool, a number or a string (the literals a
// `case` may use).
bool IsScalarLiteral(const ast::Expr& e);

// The text of a string expression without interpolation; nullopt when `e` is not one.
std::optional<std::string> PlainStringText(const ast::Expr& e);

// The first part of `e`, in source order, that keeps it from being a literal: `e` itself, or
// an item or value inside a list or object. nullptr when `e` is a literal.
const ast::Expr* FirstNonLiteral(const ast::Expr& e);

// What `e` is, as a phrase for messages that say what was seen: "a variable `x`", "a call to
// `f`", "an interpolated string", "a list", ...
std::string DescribeExpr(const ast::Expr& e);

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_LITERAL_VALUE_H_
