// The embedded workflows of programs.h: between them they wait on every kind of thing a
// checkpoint can hold (tasks, timers, signals, children, parallel branches, compensations,
// handlers) and take parameters of every type, with and without defaults.
#include "fuzz/programs.h"

#include <string>

#include "common/check.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"

namespace weft::fuzz {
namespace {

constexpr const char kSource[] = R"wf(
task fetch, charge, undo, notify

workflow tasks(id: string, n: int = 3, rate: float = 1.5, on: bool = true,
               tags: list = [], meta: object = {}, any_value = null) {
    var got = []
    for i in range(n) {
        got = got + [fetch(id: id, i: i)]
    }
    try {
        charge(id: id) compensate undo(id: id)
    } catch e {
        got = got + [e.code]
    }
    return { id: id, got: got, rate: rate * 2.0, on: not on, tags: tags, meta: meta }
}

workflow waits(name: string = "x") {
    var slept = null
    var go = null
    var late = null
    parallel {
        {
            sleep 2h
            slept = now()
        }
        go = await signal("go")
        {
            try {
                await signal("late", timeout: 1m)
            } catch e {
                late = e.code
            }
        }
        notify(what: name)
    }
    let child = tasks(id: name)
    let detached = start tasks(id: "${name}-2")
    return { seen: [slept, go, late], child: child, detached: detached }
}
)wf";

std::vector<bytecode::Program> CompileAll() {
  compiler::CompileOutput out = compiler::Compile("fuzz_programs.wf", kSource);
  WEFT_CHECK_MSG(out.ok(), diag::RenderAll(out.diagnostics, "fuzz_programs.wf", kSource).c_str());
  return std::move(out.workflows);
}

}  // namespace

const std::vector<bytecode::Program>& Programs() {
  static const std::vector<bytecode::Program>* programs =
      new std::vector<bytecode::Program>(CompileAll());
  return *programs;
}

const bytecode::Program& PickProgram(unsigned char selector) {
  const std::vector<bytecode::Program>& all = Programs();
  return all[selector % all.size()];
}

}  // namespace weft::fuzz
