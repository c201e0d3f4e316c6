// Conductor's EVENT task (docs/conductor.md): a message to the task's `sink`, translated to the
// system task `publish` (docs/events.md). `conductor` and `conductor:QUEUE` are Conductor's
// internal queue, which the engine delivers to its own handlers: `publish(subject:
// "conductor:QUEUE")` names the same queue, `conductor:WORKFLOW:QUEUE` (the bare sink's queue is
// the task's reference name, as in Conductor). `nats:SUBJECT` is a NATS `publish` to SUBJECT.
// The message is the task's inputParameters.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "conductor/task_fields.h"
#include "conductor/translator.h"
#include "conductor/wf_text.h"

namespace weft::conductor {

using task_fields::IsTrue;
using task_fields::Str;

absl::Status WorkflowTranslator::Event(const rapidjson::Value& t, const std::string& ref) {
  const std::string sink(Str(t, "sink"));
  if (sink.empty()) return TaskError(ref, "sink", "missing or not a string");
  if (absl::StrContains(sink, "${")) {
    return TaskError(ref, "sink", "a sink computed at run time has no Weft translation");
  }
  if (IsTrue(t, "asyncComplete")) {
    return TaskError(ref, "asyncComplete",
                     "an EVENT task completed from outside has no Weft translation (`publish` "
                     "completes once the message is queued)");
  }
  std::string subject;
  bool local = true;
  if (sink == "conductor") {
    subject = absl::StrCat("conductor:", ref);
  } else if (absl::StartsWith(sink, "conductor:") && sink.size() > 10) {
    subject = sink;
  } else if (absl::StartsWith(sink, "nats:") && sink.size() > 5) {
    subject = sink.substr(5);
    local = false;
  } else {
    return TaskError(ref, "sink",
                     absl::StrCat("`", sink,
                                  "`: Weft publishes to `conductor`, `conductor:QUEUE` "
                                  "(the engine's own queue) and `nats:SUBJECT` sinks only"));
  }
  const rapidjson::Value* params = InputParameters(t);
  std::string data = "{}";
  if (params != nullptr) {
    WEFT_ASSIGN_OR_RETURN(data, Wire(*params, ref, "inputParameters"));
  }
  std::string sent = Fresh(absl::StrCat(names_.task_outputs[ref], "_sent"));
  body_.Add(absl::StrCat("// EVENT ", ref, " to ", sink));
  body_.Add(absl::StrCat("let ", sent, " = publish(subject: ", Quote(subject), ", data: ", data, ")"));
  Bind(ref, local ? absl::StrCat("{ event_produced: ", sent, ".event_produced }")
                  : absl::StrCat("{ event_produced: ", Quote(sink), " }"));
  return absl::OkStatus();
}

}  // namespace weft::conductor
