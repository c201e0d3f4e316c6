// jq(query, value): runs a jq program (libjq 1.6) on a value.
//
// Results: one output is returned as is, several as a list of them, none as null. (Conductor's
// JSON_JQ_TRANSFORM returns both `result`, the first output, and `resultList`, all of them;
// a Weft workflow that wants the list form always can write `jq("[...]", v)`.)
//
// Cost: compiling a program in jq 1.6 takes tens of milliseconds (it compiles jq's builtin
// library every time), while running a compiled one on a small value takes microseconds. So
// each thread keeps its most recently used compiled programs; a jq_state is not thread-safe,
// and per-thread caches need no lock.
//
// Purity: jq can read the environment ($ENV, env), the clock (now, localtime), files (import,
// include) and stdin (input, inputs), and write to stderr. Every program is compiled behind a
// prelude that redefines those, so that a jq() call depends only on its arguments.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <jq.h>
}

#include "absl/strings/str_replace.h"
#include "common/strings.h"
#include "stdlib/builtin_impls.h"
#include "stdlib/jq_convert.h"

namespace weft::stdlib {
namespace {

// On one line, so that jq's "line N" in messages is the user's line N. Directives (import,
// include) must open a jq program, so after this prelude they are syntax errors; the library
// search path is empty too (without one, libjq 1.6 aborts on an import).
constexpr char kPrelude[] =
    "def env: {}; "
    "def now: error(\"now is not available in jq(); pass now() from the workflow in\"); "
    "def localtime: error(\"localtime is not available in jq(); use gmtime\"); "
    "def strflocaltime(f): error(\"strflocaltime is not available in jq(); use strftime\"); "
    "def input: error(\"input is not available in jq()\"); "
    "def inputs: error(\"inputs is not available in jq()\"); "
    "def stderr: .; "
    "{} as $ENV | ";

// Compiled programs per thread. A compiled jq 1.6 program takes about 80 KiB (measured), so the
// cache costs at most ~1.3 MiB per thread that runs jq().
constexpr size_t kCacheSize = 16;

// A compiled program. The error callback appends to `messages`, so it lives at a stable address.
struct Program {
  std::string query;
  jq_state* state = nullptr;
  std::vector<std::string> messages;

  ~Program() {
    if (state != nullptr) jq_teardown(&state);
  }
};

void CollectMessage(void* data, jv message) {
  auto* messages = static_cast<std::vector<std::string>*>(data);
  if (jv_get_kind(message) == JV_KIND_STRING) {
    messages->emplace_back(jv_string_value(message));
  } else {
    jv text = jv_dump_string(jv_copy(message), 0);
    messages->emplace_back(jv_string_value(text));
    jv_free(text);
  }
  jv_free(message);
}

// "jq: error: syntax error, unexpected $end (Unix shell quoting issues?) at <top-level>, line 1:
// <prelude>.[" becomes "syntax error, unexpected $end at <top-level>, line 1".
std::string CleanCompileMessage(std::string m) {
  if (m.starts_with("jq: error: ")) m.erase(0, 11);
  if (size_t at = m.find(":\n"); at != std::string::npos) m.erase(at);  // the echoed program
  m = absl::StrReplaceAll(m, {{" (Unix shell quoting issues?)", ""}, {kPrelude, ""}});
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

absl::StatusOr<std::unique_ptr<Program>> Compile(const std::string& query) {
  auto program = std::make_unique<Program>();
  program->query = query;
  program->state = jq_init();
  WEFT_CHECK_MSG(program->state != nullptr, "jq_init failed");
  jq_set_error_cb(program->state, CollectMessage, &program->messages);
  jq_set_attr(program->state, jv_string("JQ_LIBRARY_PATH"), jv_array());
  const std::string text = std::string(kPrelude) + query;
  if (!jq_compile(program->state, text.c_str())) {
    std::string why;
    for (const std::string& m : program->messages) {
      if (m.ends_with("compile error") || m.ends_with("compile errors")) continue;  // the count
      if (!why.empty()) why += "; ";
      why += CleanCompileMessage(m);
    }
    if (why.empty()) why = "invalid program";
    return UserError("jq", "cannot compile " + Preview(Value::String(query)) + ": " + why);
  }
  program->messages.clear();
  return program;
}

// The thread's compiled program for `query`, compiling it on a miss. Most recently used last.
absl::StatusOr<Program*> CachedProgram(const std::string& query) {
  thread_local std::vector<std::unique_ptr<Program>> cache;
  auto hit = std::find_if(cache.begin(), cache.end(), [&](const auto& p) { return p->query == query; });
  if (hit != cache.end()) {
    std::rotate(hit, hit + 1, cache.end());
    return cache.back().get();
  }
  auto compiled = Compile(query);
  if (!compiled.ok()) return compiled.status();
  if (cache.size() == kCacheSize) cache.erase(cache.begin());
  cache.push_back(*std::move(compiled));
  return cache.back().get();
}

std::string ErrorText(jv message) {  // consumes message
  std::string out;
  if (jv_get_kind(message) == JV_KIND_STRING) {
    out = jv_string_value(message);
  } else {
    jv text = jv_dump_string(jv_copy(message), 0);
    out = jv_string_value(text);
    jv_free(text);
  }
  jv_free(message);
  return out;
}

// After the last output: an error, a halt_error, or a normal end (halt counts as one).
absl::Status EndStatus(jq_state* jq, jv end) {
  if (jv_invalid_has_msg(jv_copy(end))) {
    return UserError("jq", "error: " + ErrorText(jv_invalid_get_msg(end)));
  }
  jv_free(end);
  if (!jq_halted(jq)) return absl::OkStatus();
  jv code = jq_get_exit_code(jq);
  jv message = jq_get_error_message(jq);
  absl::Status status = absl::OkStatus();
  if (jv_is_valid(code)) {  // halt_error; plain halt has no exit code
    std::string text = jv_is_valid(message) ? ErrorText(jv_copy(message)) : "";
    status = UserError("jq", "halted with exit code " + ErrorText(jv_copy(code)) +
                                 (text.empty() ? "" : ": " + text));
  }
  jv_free(code);
  jv_free(message);
  return status;
}

}  // namespace

absl::StatusOr<Value> Builtin_jq(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 2);
  if (!args[0].is_string()) return ExpectError("jq", "a string query", args[0]);
  const std::string& query = args[0].as_string();
  if (query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return UserError("jq", "query must not be empty (\".\" is the identity)");
  }
  auto program = CachedProgram(query);
  if (!program.ok()) return program.status();
  jq_state* jq = (*program)->state;
  // Arguments from the VM are within the limits already; a value built past them in C++ is
  // refused here, O(1), before the conversion would walk it.
  if (absl::Status s = args[1].CheckLimits(); !s.ok()) {
    return LimitError("jq", "input: " + std::string(ToStd(s.message())));
  }
  ctx.work += args[1].total_size();  // the conversion in; the results are charged as made
  auto input = ValueToJv(args[1]);
  if (!input.ok()) return input.status();
  jq_start(jq, *input, 0);
  List outputs;
  uint64_t produced = 0;  // the total size of the outputs so far
  jv out;
  while (jv_is_valid(out = jq_next(jq))) {
    if (outputs.size() == kMaxResultItems) {
      jv_free(out);
      return LimitError("jq", "program produced more than " + std::to_string(kMaxResultItems) + " outputs");
    }
    auto value = JvToValue(out);
    if (!value.ok()) return value.status();
    ctx.work += value->total_size();
    produced += value->total_size();
    if (produced > Value::kMaxTotalSize) {
      return LimitError("jq", "outputs are past the total size limit of " +
                                  std::to_string(Value::kMaxTotalSize));
    }
    outputs.push_back(*std::move(value));
  }
  if (auto status = EndStatus(jq, out); !status.ok()) return status;
  if (outputs.empty()) return Value::Null();
  if (outputs.size() == 1) return outputs.front();
  return Value::MakeList(std::move(outputs));
}

}  // namespace weft::stdlib
