// RunJqInProcess (jq.h): runs a jq program (libjq 1.6) on a value in the calling thread.
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
#include "stdlib/jq.h"
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
std::vector<std::unique_ptr<Program>>& ThreadCache() {
  thread_local std::vector<std::unique_ptr<Program>> cache;
  return cache;
}

absl::StatusOr<Program*> CachedProgram(const std::string& query) {
  std::vector<std::unique_ptr<Program>>& cache = ThreadCache();
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

bool JqProgramCached(const std::string& query) {
  const auto& cache = ThreadCache();
  return std::any_of(cache.begin(), cache.end(), [&](const auto& p) { return p->query == query; });
}

void CacheJqProgram(const std::string& query) { (void)CachedProgram(query); }

namespace {

JqResult Fail(JqFailure failure, const absl::Status& status) {
  // The value limits (ResourceExhausted, from the conversions and LimitError) have their kind.
  if (absl::IsResourceExhausted(status)) failure = JqFailure::kLimit;
  return JqResult{false, Value(), failure, std::string(status.message())};
}

}  // namespace

std::string_view JqFailureName(JqFailure failure) {
  switch (failure) {
#define WEFT_JQ_NAME(name, text) \
  case JqFailure::name:          \
    return text;
    WEFT_JQ_FAILURES(WEFT_JQ_NAME)
#undef WEFT_JQ_NAME
  }
  return "crash";
}

JqResult RunJqInProcess(const Value& query_value, const Value& input_value) {
  if (!query_value.is_string()) {
    return Fail(JqFailure::kUsage, ExpectError("jq", "a string query", query_value));
  }
  const std::string& query = query_value.as_string();
  if (query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Fail(JqFailure::kUsage,
                UserError("jq", "query must not be empty (\".\" is the identity)"));
  }
  auto program = CachedProgram(query);
  if (!program.ok()) return Fail(JqFailure::kCompile, program.status());
  jq_state* jq = (*program)->state;
  // A value built past the limits in C++ is refused here, O(1), before the conversion walks it.
  if (absl::Status s = input_value.CheckLimits(); !s.ok()) {
    return Fail(JqFailure::kRuntime, LimitError("jq", "input: " + std::string(ToStd(s.message()))));
  }
  auto input = ValueToJv(input_value);
  if (!input.ok()) return Fail(JqFailure::kUsage, input.status());
  jq_start(jq, *input, 0);
  List outputs;
  uint64_t produced = 0;  // the total size of the outputs so far
  jv out;
  while (jv_is_valid(out = jq_next(jq))) {
    if (outputs.size() == kMaxResultItems) {
      jv_free(out);
      return Fail(JqFailure::kRuntime,
                  UserError("jq", "program produced more than " +
                                      std::to_string(kMaxResultItems) + " outputs"));
    }
    auto value = JvToValue(out);
    if (!value.ok()) return Fail(JqFailure::kRuntime, value.status());
    produced += value->total_size();
    if (produced > Value::kMaxTotalSize) {
      return Fail(JqFailure::kRuntime,
                  LimitError("jq", "outputs are past the total size limit of " +
                                       std::to_string(Value::kMaxTotalSize)));
    }
    outputs.push_back(*std::move(value));
  }
  if (auto status = EndStatus(jq, out); !status.ok()) return Fail(JqFailure::kRuntime, status);
  JqResult result{true, Value::Null(), {}, {}};
  if (outputs.size() == 1) result.value = std::move(outputs.front());
  if (outputs.size() > 1) result.value = Value::MakeList(std::move(outputs));
  return result;
}

}  // namespace weft::stdlib
