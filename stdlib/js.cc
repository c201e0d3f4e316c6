// RunJs (js.h): a forked child runs Duktape on a capped heap and writes back one message,
// 'o' + the result's JSON or 'e' + the error; the parent reads it until the deadline, then
// kills the child if it is still running.
#include "stdlib/js.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/fork_guard.h"
#include "duktape.h"

namespace weft::stdlib {
namespace {

// The child's heap: every block carries its size in front, so the total stays under the cap.
struct Heap {
  size_t used = 0;
  size_t cap = 0;
};

void* HeapAlloc(void* udata, duk_size_t size) {
  Heap* heap = static_cast<Heap*>(udata);
  if (size == 0) return nullptr;
  if (heap->used + size > heap->cap) return nullptr;
  auto* block = static_cast<size_t*>(std::malloc(size + sizeof(size_t)));
  if (block == nullptr) return nullptr;
  *block = size;
  heap->used += size;
  return block + 1;
}

void HeapFree(void* udata, void* ptr) {
  if (ptr == nullptr) return;
  Heap* heap = static_cast<Heap*>(udata);
  size_t* block = static_cast<size_t*>(ptr) - 1;
  heap->used -= *block;
  std::free(block);
}

void* HeapRealloc(void* udata, void* ptr, duk_size_t size) {
  if (ptr == nullptr) return HeapAlloc(udata, size);
  if (size == 0) {
    HeapFree(udata, ptr);
    return nullptr;
  }
  Heap* heap = static_cast<Heap*>(udata);
  size_t* block = static_cast<size_t*>(ptr) - 1;
  const size_t old = *block;
  if (size > old && heap->used + (size - old) > heap->cap) return nullptr;
  auto* grown = static_cast<size_t*>(std::realloc(block, size + sizeof(size_t)));
  if (grown == nullptr) return nullptr;
  heap->used = heap->used - old + size;
  *grown = size;
  return grown + 1;
}

[[noreturn]] void Fatal(void*, const char*) { _exit(3); }

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Runs the program; 'o' + JSON or 'e' + message.
std::string Evaluate(const std::string& source, const std::string& input_json, size_t cap) {
  Heap heap{0, cap};
  duk_context* ctx = duk_create_heap(HeapAlloc, HeapRealloc, HeapFree, &heap, Fatal);
  if (ctx == nullptr) return "ejs() could not create its heap within the memory budget";
  duk_push_lstring(ctx, input_json.data(), input_json.size());
  if (duk_safe_call(
          ctx, [](duk_context* c, void*) -> duk_ret_t { duk_json_decode(c, -1); return 1; }, nullptr, 1, 1) !=
      DUK_EXEC_SUCCESS) {
    return absl::StrCat("ejs() error: the input is not JSON: ", duk_safe_to_string(ctx, -1));
  }
  duk_put_global_string(ctx, "$");
  if (duk_peval_lstring(ctx, source.data(), source.size()) != DUK_EXEC_SUCCESS) {
    return absl::StrCat("ejs() error: ", duk_safe_to_string(ctx, -1));
  }
  if (duk_is_undefined(ctx, -1) || duk_is_function(ctx, -1)) return "onull";
  if (duk_safe_call(
          ctx, [](duk_context* c, void*) -> duk_ret_t { duk_json_encode(c, -1); return 1; }, nullptr, 1, 1) !=
      DUK_EXEC_SUCCESS) {
    return absl::StrCat("ejs() error: the result is not JSON: ", duk_safe_to_string(ctx, -1));
  }
  return absl::StrCat("o", duk_safe_to_string(ctx, -1));
}

[[noreturn]] void ChildMain(int out, pid_t parent, const std::string& source, const std::string& input,
                            const JsBudget& budget) {
  (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  if (out <= STDERR_FILENO) out = fcntl(out, F_DUPFD, STDERR_FILENO + 1);
  if (out < 0) _exit(1);
  if (out > 3) (void)syscall(SYS_close_range, 3u, static_cast<unsigned>(out - 1), 0u);
  (void)syscall(SYS_close_range, static_cast<unsigned>(out + 1), ~0u, 0u);
  struct rlimit core = {0, 0};
  setrlimit(RLIMIT_CORE, &core);
  const rlim_t seconds = static_cast<rlim_t>(absl::ToInt64Seconds(budget.time)) + 2;
  struct rlimit cpu = {seconds, seconds};
  setrlimit(RLIMIT_CPU, &cpu);
  _exit(WriteAll(out, Evaluate(source, input, budget.memory_bytes)) ? 0 : 1);
}

std::string Seconds(absl::Duration d) { return absl::StrCat(absl::ToDoubleSeconds(d), " s"); }

}  // namespace

JsResult RunJs(const std::string& source, const Value& input, const JsBudget& budget) {
  JsResult result;
  const std::string input_json = input.ToJson();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    result.message = absl::StrCat("js() could not start: pipe2: ", std::strerror(errno));
    return result;
  }
  const absl::Time deadline = absl::Now() + budget.time;
  const pid_t parent = getpid();
  ForkGuard guard;
  const pid_t pid = fork();
  guard.Release();
  if (pid == 0) {
    close(fds[0]);
    ChildMain(fds[1], parent, source, input_json, budget);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    result.message = absl::StrCat("js() could not start its process: ", std::strerror(errno));
    return result;
  }
  std::string data;
  bool eof = false;
  char buf[65536];
  while (!eof) {
    const int64_t left_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left_ms <= 0) break;
    struct pollfd p = {fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof = true;
    } else {
      data.append(buf, static_cast<size_t>(n));
    }
  }
  close(fds[0]);
  if (!eof) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!eof || (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)) {
    result.message = absl::StrCat("js() ran past its time budget of ", Seconds(budget.time));
    return result;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || data.empty()) {
    result.message = "js() crashed: its process ended without a result";
    return result;
  }
  if (data[0] != 'o') {
    result.message = data.substr(1);
    // Duktape reports a refused allocation as a RangeError ("alloc failed").
    if (result.message.find("alloc failed") != std::string::npos) {
      result.message = absl::StrCat("js() ran past its memory budget of ", budget.memory_bytes >> 20, " MiB");
    }
    return result;
  }
  absl::StatusOr<Value> value = Value::FromJson(std::string_view(data).substr(1));
  if (!value.ok()) {
    result.message = absl::StrCat("js() error: the result is not a Weft value: ", value.status().message());
    return result;
  }
  result.ok = true;
  result.value = *std::move(value);
  return result;
}

JsResult RunJsTask(const Value& task_input, const JsBudget& budget) {
  const Value* expression = nullptr;
  const Value* input = nullptr;
  if (task_input.is_object()) {
    expression = task_input.as_object().Find(kJsExpressionField);
    input = task_input.as_object().Find(kJsInputField);
  }
  if (expression == nullptr || !expression->is_string()) {
    JsResult usage;
    usage.message = "js() expects the input {\"expression\": string, \"input\": value}";
    return usage;
  }
  return RunJs(expression->as_string(), input == nullptr ? Value() : *input, budget);
}

}  // namespace weft::stdlib
