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
//   publish  publish(subject: "orders.shipped", data: value): a message to NATS (docs/events.md).
//         Compiled as a call of the task type `weft.publish`, a name no module can declare, so
//         a module's own `task publish` (a Conductor SIMPLE task of that name, say) stays an
//         ordinary task for its workers. Not run on the worker pool: the transition that calls it writes the message to the
//         store's outbox and answers at once, and the engine's publisher sends it after the
//         commit (engine/transitions/publish.cc, engine/outbox_publisher.h). Its failures are
//         PUBLISH_FAILED errors (vm/errors.h).
#ifndef WEFT_BYTECODE_SYSTEM_TASKS_H_
#define WEFT_BYTECODE_SYSTEM_TASKS_H_

#include <string_view>

namespace weft::bytecode {

inline constexpr std::string_view kHttpTask = "http";
inline constexpr std::string_view kJqTask = "jq";
inline constexpr std::string_view kJqQueryField = "query";
inline constexpr std::string_view kJqInputField = "input";
inline constexpr std::string_view kJsTask = "js";
inline constexpr std::string_view kPublishTask = "publish";           // what a module calls
inline constexpr std::string_view kPublishTaskType = "weft.publish";  // the task type it becomes
inline constexpr std::string_view kPublishSubjectField = "subject";
inline constexpr std::string_view kPublishDataField = "data";

// The system tasks a module calls by name like a declared task (`http(...)`, `js(...)`,
// `publish(...)`).
inline bool IsCallableSystemTask(std::string_view type) {
  return type == kHttpTask || type == kJsTask || type == kPublishTask;
}
// The task type a call of the system task `callee` becomes.
inline std::string_view SystemTaskType(std::string_view callee) {
  return callee == kPublishTask ? kPublishTaskType : callee;
}
// The task types the engine serves itself: no worker of a module's is needed for them.
inline bool IsSystemTask(std::string_view type) {
  return type == kHttpTask || type == kJsTask || type == kJqTask || type == kPublishTaskType;
}

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_SYSTEM_TASKS_H_
