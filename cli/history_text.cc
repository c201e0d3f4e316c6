// Readable history details; see history_text.h. Each phrase reads after the event's type,
// e.g. "TASK_RETRY_SCHEDULED  attempt 2 in 1.5s".
#include "cli/history_text.h"

#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/cli_common.h"
#include "cli/render.h"

namespace weft::cli {
namespace {

const Value& Field(const Value& details, std::string_view key) {
  static const Value kNull;
  if (!details.is_object()) return kNull;
  const Value* v = details.as_object().Find(key);
  return v != nullptr ? *v : kNull;
}
std::string Text(const Value& details, std::string_view key) {
  const Value& v = Field(details, key);
  if (v.is_null()) return "";
  return v.is_string() ? v.as_string() : v.ToJson();
}
int64_t Int(const Value& details, std::string_view key) {
  const Value& v = Field(details, key);
  return v.is_int() ? v.as_int() : 0;
}
std::string Attempt(const Value& d) { return absl::StrCat("attempt ", Int(d, "attempt")); }

// A task failure's error is {"message", "details", "terminal"}.
std::string Failure(const Value& d) {
  const Value& error = Field(d, "error");
  std::string text = absl::StrCat(Attempt(d), ": ", ErrorMessage(error));
  const Value& terminal = Field(error, "terminal");
  if (terminal.is_bool() && terminal.as_bool()) text += " (terminal: not retried)";
  return text;
}

using Phrase = std::function<std::string(const Value&)>;

const std::map<std::string, Phrase, std::less<>>& Phrases() {
  static const auto* phrases = new std::map<std::string, Phrase, std::less<>>{
      {"EXECUTION_STARTED",
       [](const Value& d) {
         std::string text = absl::StrCat(Text(d, "workflow"), "@", Int(d, "version"), " input ",
                                         Field(d, "input").ToJson());
         if (!Text(d, "parent_id").empty()) absl::StrAppend(&text, " parent ", Text(d, "parent_id"));
         if (!Text(d, "alias").empty()) absl::StrAppend(&text, " through alias ", Text(d, "alias"));
         return text;
       }},
      {"EXECUTION_COMPLETED", [](const Value& d) { return Field(d, "output").ToJson(); }},
      {"EXECUTION_FAILED", [](const Value& d) { return ErrorMessage(Field(d, "error")); }},
      {"EXECUTION_TERMINATED", [](const Value& d) { return "reason: " + Text(d, "reason"); }},
      {"EXECUTION_PAUSED", [](const Value&) { return std::string("no new task until resumed"); }},
      {"EXECUTION_RESUMED", [](const Value&) { return std::string("tasks are scheduled again"); }},
      {"EXECUTION_RETRIED",
       [](const Value&) { return std::string("from the checkpoint before the failure"); }},
      {"EXECUTION_RESTARTED",
       [](const Value& d) { return absl::StrCat("from the beginning on version ", Int(d, "version")); }},
      {"EXECUTION_MIGRATED",
       [](const Value& d) {
         std::string text = absl::StrCat("version ", Int(d, "from_version"), " -> ", Int(d, "to_version"));
         const Value& points = Field(d, "points");
         if (!points.is_list()) return text;
         for (const Value& p : points.as_list()) {
           absl::StrAppend(&text, "; fiber ", Int(p, "fiber"), " ", Text(p, "kind"), " ", Text(p, "key"), " ",
                           Text(p, "from"), " -> ", Text(p, "to"));
         }
         return text;
       }},
      {"EXECUTION_TIMED_OUT",
       [](const Value& d) {
         return absl::StrCat("timeout ", absl::FormatDuration(absl::Milliseconds(Int(d, "timeout_ms"))));
       }},
      {"TASK_SCHEDULED",
       [](const Value& d) {
         return absl::StrCat(Text(d, "type"), " ", Attempt(d), " input ", Field(d, "input").ToJson());
       }},
      {"TASK_STARTED",
       [](const Value& d) {
         std::string text = absl::StrCat(Attempt(d), " worker ", Text(d, "worker"));
         if (Int(d, "delivery") > 1) absl::StrAppend(&text, " (delivery ", Int(d, "delivery"), ")");
         if (Int(d, "lease_expires_ms") > 0) {
           absl::StrAppend(&text, ", lease until ", FormatTimeMs(Int(d, "lease_expires_ms")));
         }
         return text;
       }},
      {"TASK_COMPLETED",
       [](const Value& d) { return absl::StrCat(Attempt(d), " output ", Field(d, "output").ToJson()); }},
      {"TASK_FAILED", Failure},
      {"TASK_TIMED_OUT",
       [](const Value& d) {
         return Field(d, "error").is_null() ? absl::StrCat(Attempt(d), ": ", Text(d, "reason"))
                                            : Failure(d);
       }},
      {"TASK_CANCELED", [](const Value& d) { return absl::StrCat(Text(d, "type"), " ", Attempt(d)); }},
      {"TASK_RETRY_SCHEDULED",
       [](const Value& d) {
         return absl::StrCat("attempt ", Int(d, "next_attempt"), " in ",
                             absl::FormatDuration(absl::Milliseconds(Int(d, "delay_ms"))));
       }},
      {"TASK_OPTIONAL_FAILED",
       [](const Value& d) { return ErrorMessage(Field(d, "error")) + "; the workflow goes on with null"; }},
      {"TASK_RESULT_IGNORED",
       [](const Value& d) {
         const std::string status = Text(d, "task_status");
         if (status == "SCHEDULED" || status == "IN_PROGRESS") {
           return absl::StrCat("from worker ", Text(d, "worker"), ": it answers delivery ",
                               Int(d, "delivery"), ", the task is ", status, " under delivery ",
                               Int(d, "current_delivery"));
         }
         return absl::StrCat("from worker ", Text(d, "worker"), ": the task was already ", status);
       }},
      {"TASK_LEASE_EXPIRED",
       [](const Value& d) {
         return absl::StrCat("worker ", Text(d, "worker"), "; handed out again as delivery ",
                             Int(d, "next_delivery"));
       }},
      {"TASK_REDELIVERED",
       [](const Value& d) {
         return absl::StrCat(Text(d, "reason"), ": worker ", Text(d, "previous_worker"),
                             "'s delivery is over; handed out again as delivery ",
                             Int(d, "delivery"));
       }},
      {"MESSAGE_QUEUED",
       [](const Value& d) { return absl::StrCat("to ", Text(d, "subject"), " as ", Text(d, "id")); }},
      {"TIMER_STARTED", [](const Value& d) { return "due " + FormatTimeMs(Int(d, "due_ms")); }},
      {"TIMER_FIRED", [](const Value& d) { return "due " + FormatTimeMs(Int(d, "due_ms")); }},
      {"SIGNAL_RECEIVED",
       [](const Value& d) { return absl::StrCat(Text(d, "name"), " ", Field(d, "payload").ToJson()); }},
      {"SIGNAL_TIMED_OUT", [](const Value& d) { return Text(d, "name") + " did not arrive in time"; }},
      {"CHILD_STARTED",
       [](const Value& d) {
         const Value& detached = Field(d, "detached");
         return absl::StrCat(Text(d, "workflow"), " ", Text(d, "child_id"),
                             detached.is_bool() && detached.as_bool() ? " (detached)" : "");
       }},
      {"CHILD_ENDED", [](const Value& d) { return absl::StrCat(Text(d, "child_id"), " ", Text(d, "status")); }},
      {"COMPENSATION_STARTED",
       [](const Value& d) {
         return absl::StrCat("undo ", Text(d, "task"), " after: ", ErrorMessage(Field(d, "error")));
       }},
      {"FAILURE_WORKFLOW_STARTED",
       [](const Value& d) {
         return Field(d, "error").is_null()
                    ? absl::StrCat(Text(d, "workflow"), " ", Text(d, "execution_id"))
                    : absl::StrCat(Text(d, "workflow"), " could not start: ", Text(d, "error"));
       }},
  };
  return *phrases;
}

}  // namespace

std::string HistoryDetailsText(const HistoryEvent& e) {
  auto it = Phrases().find(e.type);
  if (it != Phrases().end()) return it->second(e.details);
  return e.details.is_null() ? "-" : e.details.ToJson();
}

}  // namespace weft::cli
