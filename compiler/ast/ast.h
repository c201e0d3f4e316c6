// The Weft abstract syntax tree: the parser's output type and the checker's and code
// generator's input. It is plain data owned top-down by unique_ptr. No ANTLR type appears here;
// compiler/parser/ builds it from the parse tree and is the only place that knows ANTLR.
//
// The checker (compiler/check/) fills in the `Resolution` fields; everything else is set by the
// parser and never changed afterwards.
#ifndef WEFT_COMPILER_AST_AST_H_
#define WEFT_COMPILER_AST_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/diag/source_range.h"

namespace weft::ast {

using diag::SourceRange;

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;

// ---------------------------------------------------------------------------------------------
// Expressions

enum class ExprKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kDouble,
  kString,       // possibly interpolated: parts
  kDuration,     // 250ms, 30s, 5m, 2h, 1d: value in milliseconds (an int at runtime)
  kList,         // [a, b]
  kObject,       // {k: v, "k k": v}
  kName,         // a variable or parameter
  kField,        // a.b   /  a?.b  (optional)
  kIndex,        // a[i]  /  a?.[i] (optional)
  kUnary,        // -x, not x
  kBinary,       // arithmetic, comparison, and/or, ??
  kCall,         // f(x) builtin, or t(name: x) task call
  kSwitch,       // switch used as an expression
  kFail,         // `fail EXPR` in a switch-expression arm: never produces a value
  kParallelFor,  // parallel for x in items limit n { ... yield e }: the list of branch values
  kAwaitSignal,  // await signal(name, timeout: t): lhs is the name, rhs the timeout or null
  kStart,        // start w(args): lhs is the workflow call; the child's execution id
};

enum class UnaryOp : uint8_t { kNeg, kNot };
enum class BinaryOp : uint8_t {
  kAdd, kSub, kMul, kDiv, kMod,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kCoalesce,
};

// One piece of an interpolated string: literal text, or an embedded `${expr}`.
struct StringPart {
  std::string text;  // used when expr is null
  ExprPtr expr;
};

struct ObjectEntry {
  std::string key;
  SourceRange key_range;
  ExprPtr value;
};

struct Argument {
  std::string name;  // empty for a positional argument
  SourceRange name_range;
  ExprPtr value;
};

// What a name or a call refers to, decided by the checker.
struct Resolution {
  enum class Kind : uint8_t { kUnresolved, kLocal, kBuiltin, kTask, kWorkflow } kind =
      Kind::kUnresolved;
  // local slot, builtin id, task index in the program's task table, or the workflow's position
  // among the module's workflows
  uint32_t index = 0;
  // kTask: a system task the module did not declare, called by its name (`publish`), whose
  // task type may differ from it (bytecode::SystemTaskType).
  bool system_task = false;
};

struct SwitchArm;
struct Block;

struct Expr {
  ExprKind kind;
  SourceRange range;

  bool bool_value = false;     // kBool
  int64_t int_value = 0;       // kInt; kDuration (milliseconds)
  double double_value = 0;     // kDouble
  std::vector<StringPart> parts;           // kString (a plain string has one text part)
  std::vector<ExprPtr> items;              // kList
  std::vector<ObjectEntry> entries;        // kObject
  std::string name;                        // kName, kField (the field), kCall (the callee)
  SourceRange name_range;                  // kField, kCall: the name's own range
  bool optional = false;                   // kField, kIndex: the `?.` form
  ExprPtr object;                          // kField, kIndex: the receiver
  ExprPtr index;                           // kIndex
  UnaryOp unary_op = UnaryOp::kNeg;        // kUnary
  BinaryOp binary_op = BinaryOp::kAdd;     // kBinary
  ExprPtr lhs, rhs;                        // kBinary (lhs, rhs); kUnary, kFail, kStart (lhs);
                                           // kAwaitSignal (lhs, rhs)
  std::vector<Argument> args;              // kCall
  bool has_version = false;                // kCall: `name@N(...)`
  uint32_t version = 0;                    // kCall: N when has_version
  SourceRange version_range;               // kCall: the `@N`
  ExprPtr policy;                          // kCall: the `with { ... }` object, or null
  ExprPtr compensation;                    // kCall: the `compensate` expression, or null
  std::string label;                       // kCall: `as "label"` (live migration), or empty
  SourceRange label_range;                 // kCall: the label's string, when present
  ExprPtr iterable, limit;                 // kParallelFor (limit may be null)
  std::unique_ptr<Block> body;             // kParallelFor
  uint32_t slot = 0;                       // kParallelFor: the item's slot (checker)
  uint32_t base = 0;                       // kParallelFor: the branches' first private slot
  ExprPtr subject;                         // kSwitch
  std::vector<SwitchArm> arms;             // kSwitch

  Resolution resolution;  // kName, kCall: set by the checker

  // Defined below SwitchArm: clang instantiates the vector's members here and needs it whole.
  explicit Expr(ExprKind k, SourceRange r);
};

// ---------------------------------------------------------------------------------------------
// Statements

enum class StmtKind : uint8_t {
  kLet,        // let x = e            (immutable)
  kVar,        // var x = e / var x    (mutable; may start unassigned)
  kAssign,     // x = e
  kExpr,       // an expression evaluated for its effect, typically a task call
  kIf,
  kSwitch,
  kWhile,
  kFor,        // for x in e { }
  kBreak,
  kContinue,
  kReturn,
  kFail,
  kBlock,      // a nested { } block
  kParallel,   // parallel { S1 S2 }: each statement of then_block is one branch
  kTry,        // try { then_block } catch name { else_block } (name may be empty)
  kSleep,      // sleep e / sleep until e (until)
  kYield,      // yield e: the value of a parallel-for branch
  kDoWhile,    // do { then_block } while condition
};

struct Block {
  SourceRange range;
  std::vector<StmtPtr> stmts;
};

// One `case a, b => body` or `default => body`. In a switch statement the body is a block (a
// single statement is wrapped in one); in a switch expression it is an expression.
struct SwitchArm {
  SourceRange range;
  bool is_default = false;
  std::vector<ExprPtr> values;       // literals; empty for default
  std::unique_ptr<Block> block;      // statement form
  ExprPtr value;                     // expression form
};

inline Expr::Expr(ExprKind k, SourceRange r) : kind(k), range(r) {}

struct Stmt {
  StmtKind kind;
  SourceRange range;

  std::string name;                  // kLet, kVar, kAssign, kFor: the variable
  SourceRange name_range;
  std::string type_name;             // kLet, kVar: optional annotation, empty when absent
  SourceRange type_range;            // kLet, kVar: the annotation's range, when present
  ExprPtr value;                     // kLet, kVar (may be null for var), kAssign, kExpr,
                                     // kReturn (may be null: returns null), kFail, kFor iterable
  ExprPtr condition;                 // kIf, kWhile; kSwitch subject
  std::unique_ptr<Block> then_block; // kIf; kWhile, kFor body; kBlock
  std::unique_ptr<Block> else_block; // kIf: `else { }`; `else if` is an else block holding one if
  std::vector<SwitchArm> arms;       // kSwitch

  bool until = false;                // kSleep: `sleep until`

  uint32_t slot = 0;                 // kLet, kVar, kAssign, kFor, kTry (the catch binding):
                                     // set by the checker
  uint32_t hidden_slot = 0;          // kFor: first of two iterator slots; kSwitch: subject slot
  std::vector<uint32_t> bases;       // kParallel: each branch's first private slot (checker)

  explicit Stmt(StmtKind k, SourceRange r) : kind(k), range(r) {}
};

// ---------------------------------------------------------------------------------------------
// Declarations

struct ParamDecl {
  std::string name;
  SourceRange range;
  std::string type_name;  // empty when not annotated
  SourceRange type_range;
  ExprPtr default_value;  // a literal (possibly a list/object of literals); null when absent
};

struct TaskDecl {
  std::string name;
  SourceRange range;
  ExprPtr policy;  // the `with { ... }` object, or null
};

struct WorkflowDecl {
  std::string name;
  SourceRange range;
  SourceRange name_range;
  std::vector<ParamDecl> params;
  ExprPtr options;  // the `with { timeout: ..., on_failure: ... }` object, or null
  Block body;

  uint32_t num_locals = 0;  // set by the checker: params, named locals and hidden slots
};

// One `name = expr` of a migrate section: a value for the new version's variable `name`,
// computed from the old frame's variables (the names in `value` are the old version's).
struct MigrateEntry {
  std::string name;
  SourceRange name_range;
  ExprPtr value;
};

// `migrate w { ... }`: how running executions of an older version of workflow `w` fill in
// variables of this version they have no value for (docs/migration.md). The checker checks
// the names and that the values are pure; compiler/migrate/ uses them.
struct MigrateDecl {
  std::string workflow;
  SourceRange range;
  SourceRange name_range;
  std::vector<MigrateEntry> entries;
};

// One parsed .wf file.
struct Module {
  std::string path;
  std::vector<TaskDecl> tasks;
  std::vector<WorkflowDecl> workflows;
  std::vector<MigrateDecl> migrations;
};

}  // namespace weft::ast

#endif  // WEFT_COMPILER_AST_AST_H_
