// See handler.h.
#include "events/handler.h"

#include <atomic>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/name_limits.h"
#include "common/strings.h"
#include "stdlib/jq.h"
#include "stdlib/js.h"

namespace weft::events {
namespace {

std::atomic<WeftConditionEvaluator> weft_conditions{nullptr};

constexpr std::string_view kCoreProvider = "nats:";
constexpr std::string_view kJetStreamProvider = "jsm:";

const Value* FieldOf(const Value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  const Value* f = v.as_object().Find(key);
  return f == nullptr || f->is_null() ? nullptr : f;
}

absl::Status ReadString(const Value& v, std::string_view where, std::string_view key, std::string& out) {
  const Value* f = FieldOf(v, key);
  if (f == nullptr) return absl::OkStatus();
  if (!f->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event handler: `", ToAbsl(where), ToAbsl(key), "` must be a string"));
  }
  out = f->as_string();
  return absl::OkStatus();
}

absl::Status Required(std::string_view where, std::string_view key, const std::string& value) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("event handler: `", ToAbsl(where), ToAbsl(key), "` is required"));
}

// A NATS subject: dot-separated non-empty tokens without spaces; `*` and `>` wildcards.
bool ValidSubject(std::string_view subject) {
  if (subject.empty()) return false;
  for (absl::string_view token : absl::StrSplit(ToAbsl(subject), '.')) {
    if (token.empty()) return false;
    for (char c : token) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '\0') return false;
    }
  }
  return true;
}

absl::StatusOr<Action> ActionFromConductor(const Value& json, size_t index) {
  const std::string where = absl::StrCat("actions[", index, "].");
  if (!json.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event handler: `actions[", index, "]` must be an object"));
  }
  std::string name;
  if (absl::Status s = ReadString(json, where, "action", name); !s.ok()) return s;
  if (absl::Status s = Required(where, "action", name); !s.ok()) return s;
  std::optional<ActionKind> kind = ParseActionName(name);
  if (!kind) {
    return absl::InvalidArgumentError(
        absl::StrCat("event handler: `", where, "action` `", name,
                     "` is not supported (start_workflow, signal, complete_task or fail_task)"));
  }
  Action a;
  a.kind = *kind;
  const Value* body = FieldOf(json, name);
  if (body == nullptr || !body->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event handler: `", where, name, "` (an object) is required"));
  }
  const std::string in = absl::StrCat(where, name, ".");
  auto str = [&](std::string_view key, std::string& out) { return ReadString(*body, in, key, out); };
  switch (a.kind) {
    case ActionKind::kStartWorkflow: {
      if (absl::Status s = str("name", a.workflow); !s.ok()) return s;
      if (absl::Status s = Required(in, "name", a.workflow); !s.ok()) return s;
      if (const Value* v = FieldOf(*body, "version"); v != nullptr) {
        if (!v->is_int() || v->as_int() < 0 || v->as_int() > UINT32_MAX) {
          return absl::InvalidArgumentError(
              absl::StrCat("event handler: `", in, "version` must be a version number"));
        }
        a.version = static_cast<uint32_t>(v->as_int());
      }
      if (const Value* v = FieldOf(*body, "input"); v != nullptr) {
        if (!v->is_object()) {
          return absl::InvalidArgumentError(absl::StrCat("event handler: `", in, "input` must be an object"));
        }
        a.input = *v;
      }
      if (absl::Status s = str("correlationId", a.correlation_id); !s.ok()) return s;
      break;
    }
    case ActionKind::kSignal: {
      if (absl::Status s = str("workflowId", a.execution_id); !s.ok()) return s;
      if (absl::Status s = str("correlationId", a.correlation_id); !s.ok()) return s;
      if (absl::Status s = str("name", a.signal); !s.ok()) return s;
      if (absl::Status s = Required(in, "name", a.signal); !s.ok()) return s;
      if (a.execution_id.empty() == a.correlation_id.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("event handler: `", in, "` needs one of `workflowId` and `correlationId`"));
      }
      if (const Value* v = FieldOf(*body, "payload"); v != nullptr) a.payload = *v;
      break;
    }
    case ActionKind::kCompleteTask:
    case ActionKind::kFailTask: {
      if (absl::Status s = str("taskId", a.task_id); !s.ok()) return s;
      if (absl::Status s = str("workflowId", a.execution_id); !s.ok()) return s;
      if (absl::Status s = str("taskRefName", a.task_ref); !s.ok()) return s;
      if (a.task_id.empty() && (a.execution_id.empty() || a.task_ref.empty())) {
        return absl::InvalidArgumentError(
            absl::StrCat("event handler: `", in, "` needs `taskId`, or `workflowId` and `taskRefName`"));
      }
      if (const Value* v = FieldOf(*body, "output"); v != nullptr) a.output = *v;
      if (absl::Status s = str("reason", a.reason); !s.ok()) return s;
      break;
    }
  }
  return a;
}

Value ActionToConductor(const Action& a) {
  Object body;
  auto set = [&](std::string key, const std::string& v) {
    if (!v.empty()) body.Set(std::move(key), Value::String(v));
  };
  switch (a.kind) {
    case ActionKind::kStartWorkflow:
      set("name", a.workflow);
      if (a.version != 0) body.Set("version", Value::Int(a.version));
      if (!a.input.is_null()) body.Set("input", a.input);
      set("correlationId", a.correlation_id);
      break;
    case ActionKind::kSignal:
      set("workflowId", a.execution_id);
      set("correlationId", a.correlation_id);
      set("name", a.signal);
      if (!a.payload.is_null()) body.Set("payload", a.payload);
      break;
    case ActionKind::kCompleteTask:
    case ActionKind::kFailTask:
      set("taskId", a.task_id);
      set("workflowId", a.execution_id);
      set("taskRefName", a.task_ref);
      if (!a.output.is_null()) body.Set("output", a.output);
      set("reason", a.reason);
      break;
  }
  Object o;
  const std::string name(ActionName(a.kind));
  o.Set("action", Value::String(name));
  o.Set(name, Value::MakeObject(std::move(body)));
  return Value::MakeObject(std::move(o));
}

// The value at a dotted `path` in `payload`; null when absent.
Value Lookup(const Value& payload, std::string_view path) {
  std::string_view p = path;
  if (p == "$") return payload;
  if (p.substr(0, 2) == "$.") p.remove_prefix(2);
  Value at = payload;
  for (absl::string_view key : absl::StrSplit(ToAbsl(p), '.')) {
    if (at.is_object()) {
      const Value* f = at.as_object().Find(std::string_view(key.data(), key.size()));
      if (f == nullptr) return Value();
      at = *f;
    } else if (uint64_t i = 0; at.is_list() && absl::SimpleAtoi(key, &i)) {
      if (i >= at.as_list().size()) return Value();
      at = at.as_list()[i];
    } else {
      return Value();
    }
  }
  return at;
}

Value Fill(const Value& v, const Value& payload);

std::string FillString(const std::string& s, const Value& payload) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const size_t open = s.find("${", i);
    const size_t close = open == std::string::npos ? open : s.find('}', open);
    if (close == std::string::npos) {
      out.append(s, i, std::string::npos);
      break;
    }
    out.append(s, i, open - i);
    out += Lookup(payload, std::string_view(s).substr(open + 2, close - open - 2)).ToDisplayString();
    i = close + 1;
  }
  return out;
}

Value Fill(const Value& v, const Value& payload) {
  if (v.is_string()) {
    const std::string& s = v.as_string();
    if (s.size() > 3 && s.rfind("${", 0) == 0 && s.back() == '}' && s.find('}') == s.size() - 1) {
      return Lookup(payload, std::string_view(s).substr(2, s.size() - 3));
    }
    if (s.find("${") == std::string::npos) return v;
    return Value::String(FillString(s, payload));
  }
  if (v.is_list()) {
    List items;
    for (const Value& item : v.as_list()) items.push_back(Fill(item, payload));
    return Value::MakeList(std::move(items));
  }
  if (v.is_object()) {
    Object o;
    for (const auto& [key, item] : v.as_object()) o.Set(key, Fill(item, payload));
    return Value::MakeObject(std::move(o));
  }
  return v;
}

}  // namespace

std::string_view ActionName(ActionKind kind) {
  switch (kind) {
#define WEFT_EVENT_ACTION_CASE(name, text) \
  case ActionKind::name:                   \
    return text;
    WEFT_EVENT_ACTIONS(WEFT_EVENT_ACTION_CASE)
#undef WEFT_EVENT_ACTION_CASE
  }
  return "?";
}

std::optional<ActionKind> ParseActionName(std::string_view name) {
#define WEFT_EVENT_ACTION_PARSE(name_, text) \
  if (name == text) return ActionKind::name_;
  WEFT_EVENT_ACTIONS(WEFT_EVENT_ACTION_PARSE)
#undef WEFT_EVENT_ACTION_PARSE
  return std::nullopt;
}

bool IsConductorQueue(std::string_view name) {
  if (name.substr(0, kConductorProvider.size()) != kConductorProvider) return false;
  if (name.size() == kConductorProvider.size()) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  return true;
}

absl::Status ParseEvent(EventHandler& h) {
  const std::string_view event = h.event;
  h.stream.clear();
  h.consumer.clear();
  if (event.substr(0, kConductorProvider.size()) == kConductorProvider) {
    if (!IsConductorQueue(event)) {
      return absl::InvalidArgumentError(
          absl::StrCat("event handler: `event` `", ToAbsl(event),
                       "`: expected `conductor:WORKFLOW:QUEUE`, a queue name without spaces"));
    }
    h.source = SourceKind::kConductor;
    h.subject = std::string(event);
    return absl::OkStatus();
  }
  if (event.substr(0, kCoreProvider.size()) == kCoreProvider) {
    h.source = SourceKind::kCore;
    h.subject = std::string(event.substr(kCoreProvider.size()));
  } else if (event.substr(0, kJetStreamProvider.size()) == kJetStreamProvider) {
    h.source = SourceKind::kJetStream;
    std::vector<std::string> parts = absl::StrSplit(ToAbsl(event.substr(kJetStreamProvider.size())), ':');
    if (parts.size() == 1) {
      h.subject = parts[0];
      h.consumer = h.name;
    } else if (parts.size() == 3 && !parts[0].empty() && !parts[1].empty()) {
      h.stream = parts[0];
      h.consumer = parts[1];
      h.subject = parts[2];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("event handler: `event` `", ToAbsl(event),
                       "`: expected `jsm:SUBJECT` or `jsm:STREAM:CONSUMER:SUBJECT`"));
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("event handler: `event` `", ToAbsl(event),
                     "`: the provider must be `nats:` (core NATS), `jsm:` (NATS JetStream) or "
                     "`conductor:` (the engine's internal queue)"));
  }
  if (!ValidSubject(h.subject)) {
    return absl::InvalidArgumentError(absl::StrCat("event handler: `event` `", ToAbsl(event), "`: `",
                                                   h.subject, "` is not a NATS subject"));
  }
  return absl::OkStatus();
}

absl::StatusOr<EventHandler> HandlerFromConductor(const Value& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("event handler: the body must be an object");
  }
  EventHandler h;
  for (auto [key, out] : {std::pair<std::string_view, std::string*>{"name", &h.name},
                          {"event", &h.event},
                          {"condition", &h.condition},
                          {"evaluatorType", &h.evaluator}}) {
    if (absl::Status s = ReadString(json, "", key, *out); !s.ok()) return s;
  }
  if (absl::Status s = Required("", "name", h.name); !s.ok()) return s;
  if (absl::Status s = CheckNameLength("event handler", h.name); !s.ok()) return s;
  if (h.name.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("event handler: a name cannot contain a NUL byte");
  }
  if (absl::Status s = Required("", "event", h.event); !s.ok()) return s;
  if (absl::Status s = ParseEvent(h); !s.ok()) return s;
  if (h.evaluator.empty()) h.evaluator = "javascript";
  if (h.evaluator != "javascript" && h.evaluator != "graaljs" && h.evaluator != "jq" &&
      h.evaluator != "weft") {
    return absl::InvalidArgumentError(absl::StrCat("event handler: `evaluatorType` `", h.evaluator,
                                                   "` is not supported (javascript, jq or weft)"));
  }
  if (const Value* active = FieldOf(json, "active"); active != nullptr) {
    if (!active->is_bool()) {
      return absl::InvalidArgumentError("event handler: `active` must be true or false");
    }
    h.active = active->as_bool();
  }
  const Value* actions = FieldOf(json, "actions");
  if (actions == nullptr || !actions->is_list() || actions->as_list().empty()) {
    return absl::InvalidArgumentError("event handler: `actions` (a non-empty list) is required");
  }
  for (size_t i = 0; i < actions->as_list().size(); ++i) {
    absl::StatusOr<Action> a = ActionFromConductor(actions->as_list()[i], i);
    if (!a.ok()) return a.status();
    h.actions.push_back(*std::move(a));
  }
  return h;
}

Value HandlerToConductor(const EventHandler& h) {
  Object o;
  o.Set("name", Value::String(h.name));
  o.Set("event", Value::String(h.event));
  o.Set("condition", Value::String(h.condition));
  o.Set("evaluatorType", Value::String(h.evaluator));
  List actions;
  for (const Action& a : h.actions) actions.push_back(ActionToConductor(a));
  o.Set("actions", Value::MakeList(std::move(actions)));
  o.Set("active", Value::Bool(h.active));
  return Value::MakeObject(std::move(o));
}

void RegisterWeftConditions(WeftConditionEvaluator evaluator) { weft_conditions.store(evaluator); }

absl::StatusOr<bool> EvaluateCondition(const EventHandler& h, const Value& payload) {
  if (h.condition.empty()) return true;
  if (h.evaluator == "weft") {
    WeftConditionEvaluator evaluate = weft_conditions.load();
    if (evaluate == nullptr) {
      return absl::FailedPreconditionError(
          "condition: Weft conditions are evaluated by the engine, and none runs here");
    }
    return evaluate(h.condition, payload);
  }
  if (h.evaluator == "jq") {
    stdlib::JqResult r = stdlib::RunJq(Value::String(h.condition), payload, stdlib::JqBudget{});
    if (!r.ok) return absl::InvalidArgumentError(absl::StrCat("condition: ", r.message));
    return !(r.value.is_null() || (r.value.is_bool() && !r.value.as_bool()));
  }
  stdlib::JsResult r = stdlib::RunJs(h.condition, payload);
  if (!r.ok) return absl::InvalidArgumentError(absl::StrCat("condition: ", r.message));
  return r.value.is_bool() && r.value.as_bool();
}

Action Resolve(const Action& action, const Value& payload) {
  Action a = action;
  for (std::string* s :
       {&a.workflow, &a.correlation_id, &a.signal, &a.task_id, &a.execution_id, &a.task_ref, &a.reason}) {
    if (s->find("${") != std::string::npos) *s = Fill(Value::String(*s), payload).ToDisplayString();
  }
  a.input = Fill(a.input, payload);
  a.payload = Fill(a.payload, payload);
  a.output = Fill(a.output, payload);
  return a;
}

}  // namespace weft::events
