// Writes the seed corpus of every fuzz target from real artefacts, so that no seed is made by
// hand and each can be regenerated after a format change (scripts/fuzz.sh corpus):
//   compiler    every .wf file of examples/ and tests/golden/
//   bytecode    the serialized bytecode of each workflow of those files that compiles
//   checkpoint  checkpoints of the programs.h workflows, taken after each step of a run
//   value       encoded values: scalars, edge numbers, strings with NUL and UTF-8, nesting to
//               the depth limit, shared object keys, and the constants of the bytecode seeds
//   json        JSON texts, including the inputs of the run goldens
//   records     each record kind of records.h, raw and sealed with its key
// Usage: weft_fuzz_make_corpus REPO_ROOT OUT_DIR (OUT_DIR/<target>/ is created and filled;
// files already there are kept, so reproducers added beside the seeds survive).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "bytecode/serialize.h"
#include "compiler/compiler.h"
#include "fuzz/programs.h"
#include "fuzz/records.h"
#include "storage/keys.h"
#include "storage/lmdb.h"
#include "storage/records.h"
#include "value/value_codec.h"
#include "vm/checkpoint.h"
#include "vm/vm.h"
#include "weft/value.h"

namespace weft::fuzz {
namespace {

namespace fs = std::filesystem;

class Corpus {
 public:
  explicit Corpus(fs::path out) : out_(std::move(out)) {}
  void Write(std::string_view target, const std::string& name, std::string_view bytes) {
    const fs::path dir = out_ / target;
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(bytes.data(), bytes.size());
    ++written_;
  }
  void Write(std::string_view target, const std::string& name, const std::vector<uint8_t>& b) {
    Write(target, name, std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  }
  size_t written() const { return written_; }

 private:
  fs::path out_;
  size_t written_ = 0;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<fs::path> WfFiles(const fs::path& root) {
  std::vector<fs::path> files;
  for (const char* dir : {"examples", "tests/golden"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      if (e.is_regular_file() && e.path().extension() == ".wf") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// "tests/golden/run/timers.wf" -> "run_timers"
std::string SeedName(const fs::path& file) {
  return file.parent_path().filename().string() + "_" + file.stem().string();
}

void SourcesAndBytecode(const fs::path& root, Corpus& corpus, std::vector<Value>& constants,
                        std::vector<std::string>& inputs) {
  for (const fs::path& file : WfFiles(root)) {
    const std::string source = ReadFile(file);
    corpus.Write("compiler", SeedName(file) + ".wf", source);
    // The run goldens' `//! input: {...}` lines are real workflow inputs.
    for (size_t at = source.find("//! input: "); at != std::string::npos;
         at = source.find("//! input: ", at + 1)) {
      const size_t start = at + 11;
      inputs.push_back(source.substr(start, source.find('\n', start) - start));
    }
    compiler::CompileOutput out = compiler::Compile(file.string(), source);
    for (const bytecode::Program& program : out.workflows) {
      corpus.Write("bytecode", SeedName(file) + "_" + program.workflow_name + ".bc",
                   bytecode::SerializeProgram(program));
      constants.insert(constants.end(), program.constants.begin(), program.constants.end());
    }
  }
}

// Runs each programs.h workflow, answering its first open wait each time, and keeps the
// checkpoint after every step, prefixed by the program's selector byte.
void Checkpoints(Corpus& corpus) {
  const std::vector<bytecode::Program>& programs = Programs();
  for (size_t i = 0; i < programs.size(); ++i) {
    const bytecode::Program& program = programs[i];
    absl::StatusOr<std::vector<Value>> args =
        vm::BindInput(program, *Value::FromJson(R"({"id": "order-1"})"));
    if (!args.ok()) args = vm::BindInput(program, *Value::FromJson(R"({"name": "n"})"));
    if (!args.ok()) continue;
    vm::ExecState state = vm::NewExecState(program, *args, 42 + i);
    vm::RunContext ctx;
    ctx.now_ms = 1'700'000'000'000;
    vm::RunResult result = vm::Start(program, state, ctx);
    for (int step = 0; step < 12; ++step) {
      corpus.Write("checkpoint", program.workflow_name + "_step" + std::to_string(step) + ".cp",
                   std::string(1, static_cast<char>(i)) + vm::EncodeCheckpoint(state));
      const std::vector<vm::Request> open = vm::OpenRequests(state);
      if (open.empty() || result.status != vm::RunStatus::kWaiting) break;
      Value answer = *Value::FromJson(R"({"ok": true, "n": 1})");
      vm::Outcome outcome{step % 4 != 3, step % 4 != 3 ? answer
                                                       : vm::MakeTaskFailure("fetch", "t", 1,
                                                                             "boom", Value())};
      result = vm::Resume(program, state, open.front().wait_id, outcome, ctx);
    }
  }
}

std::vector<Value> ValueZoo(const std::vector<Value>& constants) {
  std::vector<Value> zoo = {
      Value::Null(), Value::Bool(true), Value::Bool(false), Value::Int(0), Value::Int(-1),
      Value::Int(INT64_MIN), Value::Int(INT64_MAX), Value::Double(0.5), Value::Double(-0.0),
      Value::Double(1e300), Value::Double(3.0), Value::String(""),
      Value::String(std::string("a\0b", 3)), Value::String("h\xc3\xa9llo \xf0\x9f\x98\x80"),
  };
  for (const char* json : {R"([])", R"({})", R"([1, "a", null, [true]])",
                           R"({"a": 1, "b": {"a": 2, "b": [3]}})",
                           R"([{"k": 1, "v": 2}, {"k": 3, "v": 4}, {"k": 5, "v": 6}])",
                           R"({"": "", "\u0000": 0})"}) {
    zoo.push_back(*Value::FromJson(json));
  }
  Value nested = Value::Int(7);  // as deep as a value may be, and one level deeper
  for (int d = 0; d < Value::kMaxDepth; ++d) nested = Value::MakeList({nested});
  zoo.push_back(nested);
  zoo.push_back(Value::MakeList({nested}));
  List many;
  for (int i = 0; i < 300; ++i) many.push_back(Value::Int(i * 1000003));
  zoo.push_back(Value::MakeList(std::move(many)));
  for (size_t i = 0; i < constants.size() && i < 64; ++i) zoo.push_back(constants[i]);
  return zoo;
}

void Values(Corpus& corpus, const std::vector<Value>& zoo) {
  for (size_t i = 0; i < zoo.size(); ++i) {
    corpus.Write("value", "value" + std::to_string(i) + ".bin", EncodeValue(zoo[i]));
  }
}

void Json(Corpus& corpus, std::vector<std::string> texts) {
  for (const char* t : {R"({})", R"({"id": "x", "n": 5, "rate": 0.25, "on": false, "tags": [1],
                          "meta": {"k": null}, "any_value": [1, {"a": "b"}]})",
                        R"({"name": "\u00e9\ud83d\ude00\n\t\"\\"})", R"([1, 2.5e10, -3E-2, true])",
                        R"("just a string")", R"(-0)", R"(12345678901234567890)",
                        R"({"a": {"b": {"c": {"d": [[[[]]]]}}}})", R"({"id": "x", "n": "3"})",
                        R"({"id": "x", "unknown": 1})", R"(  {"id" : "x"}  )"}) {
    texts.push_back(t);
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    corpus.Write("json", "json" + std::to_string(i) + ".json",
                 std::string(1, static_cast<char>(i)) + texts[i]);
  }
}

void Record(Corpus& corpus, RecordKind kind, const std::string& name, const std::string& key,
            const std::string& bytes) {
  const char k = static_cast<char>(kind);
  // A timer row's interesting part is its key; the raw form of the other kinds is the value.
  corpus.Write("records", name + ".raw",
               std::string(1, k) + (kind == RecordKind::kTimerKey ? key : bytes));
  corpus.Write("records", name + ".sealed",
               std::string(1, static_cast<char>(k | kSealedBit)) +
                   std::string(1, static_cast<char>(key.size())) + key +
                   storage::SealRecord(key, bytes));
}

void Records(Corpus& corpus, const std::vector<Value>& zoo) {
  namespace s = storage;
  const std::string id = "01HZXJ8Q6V2D3K4M5N6P7Q8R9S";
  s::VersionRow version{3, std::string(64, 'a'), 1'700'000'000'000, "examples/shipping.wf"};
  Record(corpus, RecordKind::kVersion, "version", s::VersionKey("shipping", 3),
         s::EncodeVersion(version));

  s::ExecutionRow exec;
  exec.info.workflow = "shipping";
  exec.info.version = 3;
  exec.info.hash = std::string(64, 'b');
  exec.info.input = zoo[15];
  exec.info.status = ExecutionStatus::kCompleted;
  exec.info.output = zoo[16];
  exec.info.created_ms = 1;
  exec.info.updated_ms = 2;
  exec.info.ended_ms = 3;
  exec.info.parent_id = id;
  exec.parent_wait = 9;
  exec.child_depth = 2;
  Record(corpus, RecordKind::kExecution, "execution", id, s::EncodeExecution(exec));
  exec.info.status = ExecutionStatus::kFailed;
  exec.info.error = *Value::FromJson(R"({"code": "TASK_FAILED", "message": "no"})");
  Record(corpus, RecordKind::kExecution, "execution_failed", id, s::EncodeExecution(exec));

  s::ExecStateRow state;
  const bytecode::Program& first = Programs()[0];
  const vm::ExecState fresh =
      vm::NewExecState(first, *vm::BindInput(first, *Value::FromJson(R"({"id": "x"})")), 1);
  state.checkpoint = vm::EncodeCheckpoint(fresh);
  state.waiting_task = id + "-t1";
  state.next_history_seq = 7;
  state.next_task_seq = 3;
  state.updated_ms = 5;
  state.program_hash = std::string(64, 'c');
  Record(corpus, RecordKind::kExecState, "exec_state", id, s::EncodeExecState(state));
  state.retry_checkpoint = state.checkpoint;
  Record(corpus, RecordKind::kExecState, "exec_state_retry", id, s::EncodeExecState(state));

  s::TaskRow task;
  task.info.execution_id = id;
  task.info.type = "ship_fedex";
  task.info.input = zoo[16];
  task.info.attempt = 2;
  task.info.status = TaskStatus::kCompleted;
  task.info.worker_id = "worker-1";
  task.info.scheduled_ms = 10;
  task.info.started_ms = 11;
  task.info.ended_ms = 12;
  task.info.output = zoo[17];
  task.seq = 4;
  task.wait_id = 6;
  Record(corpus, RecordKind::kTask, "task", id + "-t4", s::EncodeTask(task));

  int n = 0;
  for (s::HistoryType type : {s::HistoryType::kExecutionStarted, s::HistoryType::kTaskCompleted,
                              s::HistoryType::kExecutionQuarantined}) {
    s::HistoryRow row{100 + n, type, n == 1 ? id + "-t1" : "", zoo[15 + n]};
    Record(corpus, RecordKind::kHistory, "history" + std::to_string(n), s::HistoryKey(id, n + 1),
           s::EncodeHistory(row));
    Record(corpus, RecordKind::kHistory, "history_log" + std::to_string(n),
           s::BigEndian64(static_cast<uint64_t>(n + 1)),
           s::EncodeHistoryLog(s::HistoryLogRow{id, static_cast<uint32_t>(n + 1),
                                                static_cast<uint64_t>(n), row}));
    ++n;
  }

  const Value wait = *Value::FromJson(R"({"kind": "task", "task_id": "t-1", "fiber": 2})");
  const std::vector<uint8_t> wait_bytes = EncodeValue(wait);
  Record(corpus, RecordKind::kWait, "wait", s::WaitKey(id, 3),
         std::string(wait_bytes.begin(), wait_bytes.end()));

  Record(corpus, RecordKind::kTimerKey, "timer", s::TimerKey(1'700'000'000'000, 1, id, 3),
         id + "-t1");

  Schedule schedule;
  schedule.workflow = "shipping";
  schedule.input = zoo[15];
  schedule.cron = "0 30 2 * * MON-FRI";
  schedule.zone = "Europe/Berlin";
  schedule.end_ms = 1'800'000'000'000;
  schedule.catch_up = CatchUpPolicy::kRunAll;
  schedule.overlap = OverlapPolicy::kSkip;
  schedule.next_ms = 1'700'000'000'000;
  schedule.last_execution_id = id;
  schedule.runs = 7;
  schedule.last_error = "slot 1: workflow `shipping` is not deployed";
  Record(corpus, RecordKind::kSchedule, "schedule", "nightly", s::EncodeSchedule(schedule));
}

int Main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s REPO_ROOT OUT_DIR\n", argv[0]);
    return 2;
  }
  Corpus corpus{fs::path(argv[2])};
  std::vector<Value> constants;
  std::vector<std::string> inputs;
  SourcesAndBytecode(argv[1], corpus, constants, inputs);
  Checkpoints(corpus);
  const std::vector<Value> zoo = ValueZoo(constants);
  Values(corpus, zoo);
  Json(corpus, inputs);
  Records(corpus, zoo);
  std::printf("wrote %zu seed files under %s\n", corpus.written(), argv[2]);
  return 0;
}

}  // namespace
}  // namespace weft::fuzz

int main(int argc, char** argv) { return weft::fuzz::Main(argc, argv); }
