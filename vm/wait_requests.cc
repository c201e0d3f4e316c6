// See wait_requests.h. The messages are the interpreter's: a change here changes what a
// workflow's `catch` sees.
#include "vm/wait_requests.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/strings.h"
#include "vm/errors.h"

namespace weft::vm {
namespace {

bool Refuse(OpError& error, std::string message) {
  error = OpError{kRuntimeError, std::move(message)};
  return false;
}

}  // namespace

bool TaskWait(uint32_t task_index, const Value* policy, Value& input, Wait& wait, OpError& error) {
  if (!input.is_object()) {
    return Refuse(error, absl::StrCat("task input must be an object, got ", KindOf(input)));
  }
  Request& r = wait.request;
  r.kind = Request::Kind::kTask;
  r.task_index = task_index;
  if (policy != nullptr) r.policy = *policy;
  r.input = std::move(input);
  wait.description =
      policy == nullptr ? Obj({{"task", Value::Int(r.task_index)}, {"input", r.input}})
                        : Obj({{"task", Value::Int(r.task_index)}, {"input", r.input}, {"policy", r.policy}});
  return true;
}

bool ChildWait(Request::Kind kind, const std::string& workflow, uint32_t version, Value& input, Wait& wait,
               OpError& error) {
  if (!input.is_object()) {
    return Refuse(error, absl::StrCat("workflow input must be an object, got ", KindOf(input)));
  }
  Request& r = wait.request;
  r.kind = kind;
  r.name = workflow;
  r.version = version;
  r.input = std::move(input);
  wait.description =
      Obj({{"workflow", Value::String(r.name)}, {"version", Value::Int(r.version)}, {"input", r.input}});
  return true;
}

bool SleepDue(const Value& duration, int64_t now_ms, int64_t* due, OpError& error) {
  if (!duration.is_int() || duration.as_int() < 0) {
    return Refuse(error, absl::StrCat("`sleep` needs a duration (an int of ms >= 0), got ",
                                      duration.is_int() ? duration.ToJson() : std::string(KindOf(duration))));
  }
  if (__builtin_add_overflow(now_ms, duration.as_int(), due)) {
    return Refuse(error, "`sleep` duration is too long");
  }
  return true;
}

bool ParseDueTime(const Value& v, int64_t* ms, std::string& error) {
  if (v.is_int()) {
    *ms = v.as_int();
    return true;
  }
  if (v.is_string()) {
    absl::Time t;
    std::string parse_error;
    if (absl::ParseTime(absl::RFC3339_full, v.as_string(), &t, &parse_error)) {
      *ms = absl::ToUnixMillis(t);
      return true;
    }
    error = absl::StrCat("`sleep until` needs an RFC 3339 time such as ", "\"2026-01-31T09:00:00Z\", got \"",
                         v.as_string(), "\"");
    return false;
  }
  error = absl::StrCat("`sleep until` needs a time (ms since the epoch or an RFC 3339 string), ", "got ",
                       ToAbsl(Value::KindName(v.kind())));
  return false;
}

Wait TimerWait(int64_t due_ms) {
  Wait wait;
  wait.request.kind = Request::Kind::kTimer;
  wait.request.due_ms = due_ms;
  wait.description = Obj({{"due_ms", Value::Int(due_ms)}});
  return wait;
}

bool CheckSignalWait(const Value& name, const Value& timeout, OpError& error) {
  if (!name.is_string() || name.as_string().empty()) {
    return Refuse(error, absl::StrCat("a signal name must be a non-empty string, got ", KindOf(name)));
  }
  if (!timeout.is_null() && (!timeout.is_int() || timeout.as_int() < 0)) {
    return Refuse(error, absl::StrCat("a signal timeout must be a duration (an int of ms >= 0), got ",
                                      KindOf(timeout)));
  }
  return true;
}

bool SignalWait(const Value& name, const Value& timeout, int64_t now_ms, Wait& wait, OpError& error) {
  int64_t due = 0;
  if (timeout.is_int()) {
    if (timeout.as_int() == 0) {
      error = OpError{kTimeout, absl::StrCat("no signal `", name.as_string(), "` was waiting")};
      return false;
    }
    if (__builtin_add_overflow(now_ms, timeout.as_int(), &due)) {
      return Refuse(error, "the signal timeout is too long");
    }
  }
  Request& r = wait.request;
  r.kind = Request::Kind::kSignal;
  r.name = name.as_string();
  r.due_ms = due;
  r.timeout_ms = timeout.is_int() ? timeout.as_int() : 0;
  // The timeout is kept too, so that a retry can give the wait a fresh deadline.
  wait.description = Obj({{"name", name},
                          {"due_ms", Value::Int(due)},
                          {"timeout_ms", timeout.is_int() ? timeout : Value::Int(0)}});
  return true;
}

bool CheckForkEach(const Value& items, const Value& limit, OpError& error) {
  if (!items.is_list()) {
    return Refuse(error, absl::StrCat("`parallel for` needs a list, got ", KindOf(items)));
  }
  if (!limit.is_null() && (!limit.is_int() || limit.as_int() <= 0)) {
    return Refuse(error, absl::StrCat("`limit` must be an int > 0, got ",
                                      limit.is_int() ? limit.ToJson() : std::string(KindOf(limit))));
  }
  return true;
}

Value Obj(std::initializer_list<std::pair<const char*, Value>> fields) {
  std::vector<Object::Entry> entries;
  entries.reserve(fields.size());
  for (const auto& [k, v] : fields) entries.emplace_back(k, v);
  return Value::MakeObject(Object(std::move(entries)));
}

}  // namespace weft::vm
