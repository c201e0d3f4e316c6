// RunJs (js.h): a bounded child process (stdlib/bounded_child.h) runs Duktape on a capped heap
// and writes back one message, 'o' + the result's JSON or 'e' + the error.
#include "stdlib/js.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "duktape.h"
#include "stdlib/bounded_child.h"

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

std::string Seconds(absl::Duration d) { return absl::StrCat(absl::ToDoubleSeconds(d), " s"); }

}  // namespace

JsResult RunJs(const std::string& source, const Value& input, const JsBudget& budget) {
  JsResult result;
  const std::string input_json = input.ToJson();
  ChildBudget child;
  child.time = budget.time;
  ChildOutcome outcome =
      RunBoundedChild(child, [&] { return Evaluate(source, input_json, budget.memory_bytes); });
  switch (outcome.end) {
    case ChildEnd::kOk:
      break;
    case ChildEnd::kTime:
      result.message = absl::StrCat("js() ran past its time budget of ", Seconds(budget.time));
      return result;
    case ChildEnd::kNotStarted:
      result.message = absl::StrCat("js() could not start its process: ", outcome.detail);
      return result;
    case ChildEnd::kTooLarge:
    case ChildEnd::kNoMemory:
    case ChildEnd::kCrash:
      result.message = absl::StrCat("js() crashed: its process ended without a result (",
                                    outcome.end == ChildEnd::kCrash ? outcome.detail : "out of memory", ")");
      return result;
  }
  const std::string& data = outcome.data;
  if (data.empty()) {
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
