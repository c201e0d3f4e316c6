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

// Runs every workflow of a cleanly compiled example (`out`, compiled from `source`) once per
// input of `script` (the text of `//!` lines, tests/golden/run/script.h; empty means one run
// with input {}) on the real engine, through the run goldens' harness
// (tests/golden/run/harness.h), whose transcript it returns: per run, a `--- NAME INPUT` line,
// then what happened (task calls and their scripted results, timers, signals, children) and
// the end: `COMPLETED OUTPUT`, `FAILED ERROR` or `input rejected: MESSAGE`.
std::string RunTranscript(const compiler::CompileOutput& out, const std::string& source,
                          const std::string& script);

}  // namespace weft::docs

#endif  // WEFT_TESTS_DOCS_EXAMPLE_RUNNER_H_
