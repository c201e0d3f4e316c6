// The system tasks: task types the engine runs itself, on its worker pool, that a module may
// call without declaring them (engine/system_tasks.cc). The compiler resolves their names, the
// VM shapes their failures, the engine registers their executors and the CLI knows not to wait
// for a worker of theirs; all take the names from here.
//
//   http  an HTTP request (workers/http_task.h), called with named arguments like any task.
//   js    js(expression: source, input: value): a JavaScript program run by an embedded
//         Duktape within budgets (stdlib/js.h), for the Conductor importer's javascript
//         evaluators (docs/conductor.md); called with named arguments like any task.
//   jq    jq(query, value): written like a builtin, with two positional arguments, but compiled
//         as a call of this task with input {"query": query, "input": value}, so that a jq
//         program runs off the writer thread, within budgets (stdlib/jq.h), and the execution
//         waits for it durably. Its failures are JQ_FAILED errors (vm/errors.h).
#ifndef WEFT_BYTECODE_SYSTEM_TASKS_H_
#define WEFT_BYTECODE_SYSTEM_TASKS_H_

#include <string_view>

namespace weft::bytecode {

inline constexpr std::string_view kHttpTask = "http";
inline constexpr std::string_view kJqTask = "jq";
inline constexpr std::string_view kJqQueryField = "query";
inline constexpr std::string_view kJqInputField = "input";
inline constexpr std::string_view kJsTask = "js";

// The system tasks a module calls by name like a declared task (`http(...)`, `js(...)`).
inline bool IsCallableSystemTask(std::string_view type) { return type == kHttpTask || type == kJsTask; }
inline bool IsSystemTask(std::string_view type) { return IsCallableSystemTask(type) || type == kJqTask; }

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_SYSTEM_TASKS_H_
