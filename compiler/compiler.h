// The compiler driver: a .wf file's text in, one verified-ready bytecode::Program per
// workflow and every diagnostic out. Phases: parse (compiler/parser) -> check
// (compiler/check) -> generate (compiler/codegen). The compiler never includes vm/.
#ifndef WEFT_COMPILER_COMPILER_H_
#define WEFT_COMPILER_COMPILER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/program.h"
#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"

namespace weft::compiler {

struct CompileOutput {
  // The parsed and checked AST; never null (best effort when the parse had errors).
  std::unique_ptr<ast::Module> module;
  // One program per workflow, in declaration order. Empty when there is any error.
  std::vector<bytecode::Program> workflows;
  // Syntax and semantic diagnostics, sorted by position. Render with diag::RenderAll.
  diag::DiagnosticList diagnostics;

  bool ok() const { return !diagnostics.has_errors(); }
};

// Parses, checks and (only when there is no error) generates code. A file with syntax errors
// is not checked: its AST is incomplete, and the checker's findings there would be noise.
// `path` is used in diagnostics and Module::path only; nothing is read from disk.
CompileOutput Compile(std::string_view path, std::string_view source);

// The checked-program phase dump: the AST with every resolution, slot and num_locals
// (ast::DumpAst with resolutions). Produced even when the file has errors, as far as the
// phases get; the diagnostics are not part of it.
std::string DumpChecked(std::string_view path, std::string_view source);

}  // namespace weft::compiler

#endif  // WEFT_COMPILER_COMPILER_H_
