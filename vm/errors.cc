// See errors.h.
#include "vm/errors.h"

#include <utility>

#include "bytecode/system_tasks.h"
#include "common/strings.h"
#include "absl/strings/str_cat.h"

namespace weft::vm {

Value MakeError(std::string_view code, std::string message, SourcePos pos,
                std::optional<Value> details, std::optional<std::string> task) {
  std::vector<Object::Entry> entries;
  entries.reserve(6);
  entries.emplace_back("code", Value::String(std::string(code)));
  entries.emplace_back("message", Value::String(std::move(message)));
  if (details) entries.emplace_back("details", *std::move(details));
  if (task) entries.emplace_back("task", Value::String(*std::move(task)));
  entries.emplace_back("line", Value::Int(pos.line));
  entries.emplace_back("column", Value::Int(pos.column));
  return Value::MakeObject(Object(std::move(entries)));
}

Value WorkflowFailedError(const Value& failed, SourcePos pos) {
  if (failed.is_string()) return MakeError(kWorkflowFailed, failed.as_string(), pos);
  return MakeError(kWorkflowFailed, "workflow failed", pos, failed);
}

Value WithPosition(Value error, SourcePos pos) {
  if (!error.is_object() || error.as_object().Find("line") != nullptr) return error;
  std::vector<Object::Entry> entries = error.as_object().entries();
  entries.emplace_back("line", Value::Int(pos.line));
  entries.emplace_back("column", Value::Int(pos.column));
  return Value::MakeObject(Object(std::move(entries)));
}

Value MakeTaskFailure(std::string_view task_type, std::string_view task_id, uint32_t attempt,
                      std::string_view message, Value details) {
  // jq(...) is written as an expression, so its failure reads as one: "jq() error: ...".
  const bool jq = task_type == bytecode::kJqTask;
  std::string text = absl::StrCat("task `", ToAbsl(task_type), "` failed");
  if (!message.empty()) absl::StrAppend(&text, ": ", ToAbsl(message));
  if (jq && !message.empty()) text = std::string(message);
  std::vector<Object::Entry> entries;
  entries.reserve(6);
  entries.emplace_back("code", Value::String(std::string(jq ? kJqFailed : kTaskFailed)));
  entries.emplace_back("message", Value::String(std::move(text)));
  entries.emplace_back("task", Value::String(std::string(task_type)));
  entries.emplace_back("task_id", Value::String(std::string(task_id)));
  entries.emplace_back("attempt", Value::Int(attempt));
  entries.emplace_back("details", std::move(details));
  return Value::MakeObject(Object(std::move(entries)));
}

}  // namespace weft::vm
