// Micro-benchmarks with Google Benchmark: compile throughput (lines/s), VM dispatch
// (instructions/s) and checkpoint encode/decode (bytes and time per checkpoint).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "bytecode/serialize.h"
#include "compiler/compiler.h"
#include "vm/checkpoint.h"
#include "vm/vm.h"

namespace {

// A realistic file: many workflows with tasks, switches, loops and interpolation.
std::string GenerateSource(int workflows, int* lines) {
  std::string src = "task fetch\ntask store\ntask notify\n";
  for (int i = 0; i < workflows; ++i) {
    absl::StrAppend(&src, "workflow wf", i, "(id: string, n: int = 3) {\n",
                    "    let rec = fetch(id: id)\n",
                    "    var total = 0\n",
                    "    for item in rec.items {\n",
                    "        if item.price > 10 and item.qty != 0 {\n",
                    "            total = total + item.price * item.qty\n",
                    "        } else {\n",
                    "            continue\n",
                    "        }\n",
                    "    }\n",
                    "    let kind = switch rec.kind {\n",
                    "        case \"a\", \"b\" => \"letter\"\n",
                    "        case 1 => \"number\"\n",
                    "        default => \"other\"\n",
                    "    }\n",
                    "    store(id: id, total: total, kind: kind, tags: [1, 2, 3])\n",
                    "    notify(message: \"order ${id} totals ${total}\")\n",
                    "    return { id: id, total: total, kind: kind ?? \"none\" }\n",
                    "}\n");
  }
  *lines = 0;
  for (char c : src) *lines += c == '\n';
  return src;
}

void BM_Compile(benchmark::State& state) {
  int lines = 0;
  const std::string src = GenerateSource(static_cast<int>(state.range(0)), &lines);
  for (auto _ : state) {
    weft::compiler::CompileOutput out = weft::compiler::Compile("bench.wf", src);
    if (!out.ok()) state.SkipWithError("compile failed");
    benchmark::DoNotOptimize(out.workflows.data());
  }
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(lines) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Compile)->Arg(10)->Arg(200)->Unit(benchmark::kMillisecond);

weft::bytecode::Program CompileOne(std::string_view src) {
  weft::compiler::CompileOutput out = weft::compiler::Compile("bench.wf", src);
  if (!out.ok() || out.workflows.empty()) std::abort();
  return std::move(out.workflows[0]);
}

void BM_VmDispatch(benchmark::State& state) {
  const weft::bytecode::Program program = CompileOne(R"(
workflow spin(n: int) {
    var i = 0
    var acc = 0
    while i < n {
        acc = acc + i % 7
        i = i + 1
    }
    return acc
}
)");
  const int64_t n = state.range(0);
  uint64_t instructions = 0;
  for (auto _ : state) {
    auto args = weft::vm::BindInput(
        program, weft::Value::MakeObject(weft::Object({{"n", weft::Value::Int(n)}})));
    weft::vm::ExecState st = weft::vm::NewExecState(program, *args, 1);
    weft::vm::RunResult r = weft::vm::Start(program, st, {});
    if (r.status != weft::vm::RunStatus::kCompleted) state.SkipWithError("did not complete");
    instructions += st.steps;
  }
  state.counters["instructions/s"] =
      benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VmDispatch)->Arg(100000)->Unit(benchmark::kMillisecond);

// The state of the shipping workflow suspended on its second task: typical live data.
weft::vm::ExecState SuspendedShipping(const weft::bytecode::Program& program) {
  auto args = weft::vm::BindInput(
      program, *weft::Value::FromJson(R"({"order_id":"order-12345","vendor":"ups"})"));
  weft::vm::ExecState st = weft::vm::NewExecState(program, *args, 7);
  weft::vm::RunResult r = weft::vm::Start(program, st, {});
  weft::vm::Resume(
      program, st, r.requests.at(0).wait_id,
      weft::vm::Outcome{true, *weft::Value::FromJson(
                                  R"({"address":"1 Main Street, Springfield","zip":"12345"})")},
      {});
  return st;
}

// examples/shipping.wf, the workflow users meet first (WEFT_SOURCE_DIR is set by CMake).
std::string Shipping() {
  std::ifstream in(std::string(WEFT_SOURCE_DIR) + "/examples/shipping.wf");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (buffer.str().empty()) std::abort();
  return buffer.str();
}

void BM_CheckpointEncode(benchmark::State& state) {
  const weft::bytecode::Program program = CompileOne(Shipping());
  const weft::vm::ExecState st = SuspendedShipping(program);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string cp = weft::vm::EncodeCheckpoint(st);
    bytes = cp.size();
    benchmark::DoNotOptimize(cp.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_CheckpointEncode);

void BM_CheckpointDecode(benchmark::State& state) {
  const weft::bytecode::Program program = CompileOne(Shipping());
  const std::string cp = weft::vm::EncodeCheckpoint(SuspendedShipping(program));
  for (auto _ : state) {
    auto decoded = weft::vm::DecodeCheckpoint(cp);
    if (!decoded.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(decoded->fibers.size());
  }
  state.counters["bytes"] = static_cast<double>(cp.size());
}
BENCHMARK(BM_CheckpointDecode);

void BM_LoadProgram(benchmark::State& state) {
  const std::string bytes = weft::bytecode::SerializeProgram(CompileOne(Shipping()));
  for (auto _ : state) {
    auto p = weft::bytecode::LoadProgram(bytes);  // verifier included
    benchmark::DoNotOptimize(p->code.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_LoadProgram);

}  // namespace

BENCHMARK_MAIN();
