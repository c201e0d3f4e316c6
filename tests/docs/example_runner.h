// Compiles and runs a documentation example the way the docs tests check it. The file name in
// rendered diagnostics is always `example.wf`.
#ifndef WEFT_TESTS_DOCS_EXAMPLE_RUNNER_H_
#define WEFT_TESTS_DOCS_EXAMPLE_RUNNER_H_

#include <string>

#include "compiler/compiler.h"

namespace weft::docs {

inline constexpr char kExampleFile[] = "example.wf";

compiler::CompileOutput CompileExample(const std::string& source);

// The rendered diagnostics of `out` (compiled from `source`), as `weft check` prints them.
std::string RenderDiagnostics(const compiler::CompileOutput& out, const std::string& source);

// Runs every workflow of a cleanly compiled example once per input of `script` (the text of
// `//!` lines, tests/golden/run/script.h; empty means one run with input {}). The transcript
// has, per run, a `--- NAME INPUT` line, a line per task call and its scripted result, and
// the end: `COMPLETED OUTPUT`, `FAILED ERROR` or `input rejected: MESSAGE`. Scripted task
// failures (`!>`) are refused: the engine's error for them carries ids a page cannot pin.
// Every suspension goes through a checkpoint round trip, as in the engine.
std::string RunTranscript(const compiler::CompileOutput& out, const std::string& script);

}  // namespace weft::docs

#endif  // WEFT_TESTS_DOCS_EXAMPLE_RUNNER_H_
