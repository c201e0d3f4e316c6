// The compiler driver (see compiler.h).
#include "compiler/compiler.h"

#include "compiler/ast/ast_dump.h"
#include "compiler/check/check.h"
#include "compiler/codegen/codegen.h"
#include "compiler/parser/parser.h"

namespace weft::compiler {
namespace {

// Parse and check, without generating code.
CompileOutput Analyze(std::string_view path, std::string_view source) {
  CompileOutput out;
  out.module = parser::Parse(path, source, out.diagnostics);
  if (!out.diagnostics.has_errors()) check::Check(*out.module, out.diagnostics);
  out.diagnostics.SortByPosition();
  return out;
}

}  // namespace

CompileOutput Compile(std::string_view path, std::string_view source) {
  CompileOutput out = Analyze(path, source);
  if (!out.diagnostics.has_errors()) out.workflows = codegen::Generate(*out.module);
  return out;
}

std::string DumpChecked(std::string_view path, std::string_view source) {
  const CompileOutput out = Analyze(path, source);
  return ast::DumpAst(*out.module, /*with_resolution=*/true);
}

}  // namespace weft::compiler
