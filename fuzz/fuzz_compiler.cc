// Fuzz target: source text -> lexer, parser, checker and code generator. Whatever the text, the
// compiler returns diagnostics or programs and never crashes; the rendered diagnostics stay
// within their cap; and every program it produces serializes into bytecode that loads and
// verifies (the compiler's output must always pass the verifier).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bytecode/serialize.h"
#include "common/check.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  weft::compiler::CompileOutput out = weft::compiler::Compile("fuzz.wf", source);
  WEFT_CHECK(out.module != nullptr);
  const std::string rendered = weft::diag::RenderAll(out.diagnostics, "fuzz.wf", source);
  WEFT_CHECK(out.ok() == !out.diagnostics.has_errors());
  WEFT_CHECK(out.ok() || !rendered.empty());
  if (!out.ok()) WEFT_CHECK(out.workflows.empty());
  for (const weft::bytecode::Program& program : out.workflows) {
    const std::string bytes = weft::bytecode::SerializeProgram(program);
    absl::StatusOr<weft::bytecode::Program> loaded = weft::bytecode::LoadProgram(bytes);
    WEFT_CHECK_MSG(loaded.ok(), std::string(loaded.status().message()).c_str());
  }
  return 0;
}
