// The system task `publish` (bytecode/system_tasks.h; docs/events.md): answered inside the
// transition that calls it. The message goes into the store's outbox (storage/outbox.h) in the
// step's own transaction, so it exists exactly when the step committed; the call returns
// {"id": the message id} at once, and the engine's publisher (engine/outbox_publisher.h) sends
// it to NATS after the commit, again after a crash until JetStream acknowledges it.
#include "absl/strings/str_cat.h"
#include "bytecode/system_tasks.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/runtime_errors.h"
#include "engine/transitions/internal.h"
#include "events/handler.h"
#include "storage/outbox.h"

namespace weft::engine {
namespace {

// NATS' default max_payload: a server refuses a bigger message, so it is refused here, where
// the workflow can still catch it, rather than failing forever in the outbox.
constexpr size_t kMaxPublishBytes = size_t{1} << 20;
constexpr size_t kMaxSubjectBytes = 1024;

// Why `subject` cannot be published to, or empty. NATS subjects are dot-separated tokens of
// printable characters; `*` and `>` are wildcards, which a subscriber may use but a publisher
// may not.
std::string SubjectProblem(std::string_view subject) {
  if (subject.empty()) return "the subject is empty";
  if (subject.size() > kMaxSubjectBytes) {
    return absl::StrCat("the subject is ", subject.size(), " bytes long, more than ", kMaxSubjectBytes);
  }
  size_t start = 0;
  for (;;) {
    const size_t dot = subject.find('.', start);
    const std::string_view token =
        subject.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (token.empty()) return "the subject has an empty token (`..`, or a `.` at an end)";
    if (token == "*" || token == ">") {
      return "the subject has a wildcard (`*` or `>`): a message is published to one subject";
    }
    for (char c : token) {
      if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
        return "the subject has a space or a control character";
      }
    }
    if (dot == std::string_view::npos) return "";
    start = dot + 1;
  }
}

// The message a call's input asks for, or the PUBLISH_FAILED error saying why not.
struct PublishRequest {
  std::string subject;
  std::string data;
  Value error;  // non-null: refused
};

PublishRequest ReadPublishInput(const Value& input) {
  PublishRequest out;
  auto refuse = [&](std::string_view why) {
    out.error = PublishFailedError(absl::StrCat("publish: ", ToAbsl(why)));
    return out;
  };
  if (!input.is_object()) return refuse("expects named arguments `subject` and `data`");
  const Value* subject = nullptr;
  const Value* data = nullptr;
  for (const auto& [key, value] : input.as_object().entries()) {
    if (key == bytecode::kPublishSubjectField) {
      subject = &value;
    } else if (key == bytecode::kPublishDataField) {
      data = &value;
    } else {
      return refuse(absl::StrCat("unknown argument `", key, "` (it takes `subject` and `data`)"));
    }
  }
  if (subject == nullptr || !subject->is_string()) {
    return refuse("`subject` must be a string, e.g. subject: \"orders.shipped\"");
  }
  if (data == nullptr) return refuse("`data` is required (any value; it is sent as JSON)");
  const bool local = subject->as_string().starts_with(events::kConductorProvider);
  if (local && !events::IsConductorQueue(subject->as_string())) {
    return refuse(
        absl::StrCat("`", subject->as_string(), "` is not a queue: `conductor:` and a name without spaces"));
  }
  if (std::string problem = local ? "" : SubjectProblem(subject->as_string()); !problem.empty()) {
    return refuse(absl::StrCat(problem, ": `", subject->as_string(), "`"));
  }
  out.subject = subject->as_string();
  out.data = data->ToJson();
  if (out.data.size() > kMaxPublishBytes) {
    return refuse(absl::StrCat("`data` is ", out.data.size(), " bytes as JSON, more than NATS' ",
                               kMaxPublishBytes, "-byte message limit"));
  }
  return out;
}

// Conductor's internal queue (docs/events.md): `conductor:QUEUE` from workflow W is the queue
// `conductor:W:QUEUE`, and an object's message carries the execution as Conductor's EVENT task
// adds it (its fields replace the data's own of these names, as Conductor's do).
void ToConductorQueue(const Live& live, const Value& data, PublishRequest& p) {
  p.subject = absl::StrCat(ToAbsl(events::kConductorProvider), live.info.workflow, ":",
                           p.subject.substr(events::kConductorProvider.size()));
  if (!data.is_object()) return;
  Object fields = data.as_object();
  fields.Set("workflowInstanceId", Str(live.id));
  fields.Set("workflowType", Str(live.info.workflow));
  fields.Set("workflowVersion", Value::Int(live.info.version));
  fields.Set("correlationId", live.info.correlation_id.empty() ? Value() : Str(live.info.correlation_id));
  p.data = Value::MakeObject(std::move(fields)).ToJson();
}

}  // namespace

absl::Status QueuePublish(TransitionEnv& env, Live& live, const vm::Request& req,
                          std::vector<Immediate>& immediate) {
  PublishRequest p = ReadPublishInput(req.input);
  if (!p.error.is_null()) {
    immediate.push_back({req.wait_id, vm::Outcome{false, std::move(p.error)}});
    return absl::OkStatus();
  }
  const bool local = p.subject.starts_with(events::kConductorProvider);
  if (local) {
    ToConductorQueue(live, *req.input.as_object().Find(bytecode::kPublishDataField), p);
  }
  storage::OutboxMessage message;
  message.id = env.ids.Next(env.now_ms);
  message.subject = std::move(p.subject);
  message.data = std::move(p.data);
  message.created_ms = env.now_ms;
  message.execution_id = live.id;
  WEFT_RETURN_IF_ERROR(storage::OutboxStore(env.txn).Put(message));
  WEFT_RETURN_IF_ERROR(AppendHistory(env, live, HistoryType::kMessageQueued, "",
                                     Obj({{"wait", Value::Int(static_cast<int64_t>(req.wait_id))},
                                          {"subject", Str(message.subject)},
                                          {"id", Str(message.id)}})));
  ++env.effects.messages_queued;
  if (!local) ++env.effects.nats_messages_queued;
  Value result = local ? Obj({{"id", Str(message.id)}, {"event_produced", Str(message.subject)}})
                       : Obj({{"id", Str(message.id)}});
  immediate.push_back({req.wait_id, vm::Outcome{true, std::move(result)}});
  return absl::OkStatus();
}

absl::Status ApplyOutboxSent(TransitionEnv& env, const OutboxSentCommand& cmd) {
  return storage::OutboxStore(env.txn).Delete(cmd.ids);
}

}  // namespace weft::engine
