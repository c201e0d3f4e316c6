// See transcript.h.
#include "tests/golden/run/transcript.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace weft::golden {
namespace {

const Value& Get(const Value& v, std::string_view key) {
  static const Value* null = new Value();
  if (!v.is_object()) return *null;
  const Value* found = v.as_object().Find(key);
  return found != nullptr ? *found : *null;
}

std::string GetStr(const Value& v, std::string_view key) {
  const Value& s = Get(v, key);
  return s.is_string() ? s.as_string() : "";
}

// The tasks scheduled as compensations: a COMPENSATION_STARTED event follows the scheduling
// of its task in the same transition.
std::vector<std::string> CompensationTasks(const std::vector<HistoryEvent>& history) {
  std::vector<std::string> found;
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].type != "COMPENSATION_STARTED") continue;
    const std::string task = GetStr(history[i].details, "task");
    for (size_t j = i; j-- > 0;) {
      const HistoryEvent& e = history[j];
      if (e.type == "TASK_SCHEDULED" && GetStr(e.details, "type") == task &&
          std::find(found.begin(), found.end(), e.task_id) == found.end()) {
        found.push_back(e.task_id);
        break;
      }
    }
  }
  return found;
}

}  // namespace

void TranscriptRenderer::Render(const std::string& top_id) { Render(top_id, ""); }

std::string TranscriptRenderer::Label(const std::string& id, const char* kind,
                                      std::map<std::string, std::string>& labels) {
  auto [it, added] = labels.try_emplace(id, "");
  if (added) it->second = absl::StrCat(kind, "-", labels.size());
  return it->second;
}

std::string TranscriptRenderer::Started(const std::string& id) {
  const std::string label = Label(id, "exec", exec_labels_);
  absl::StatusOr<ExecutionInfo> info = engine_.GetExecution(id);
  if (!info.ok()) return absl::StrCat("? -> ", label, " (", info.status().message(), ")");
  return absl::StrCat(info->workflow, "@", info->version, " ", info->input.ToJson(), " -> ", label);
}

void TranscriptRenderer::Render(const std::string& id, const std::string& prefix) {
  Label(id, "exec", exec_labels_);
  absl::StatusOr<std::vector<HistoryEvent>> history = engine_.History(id);
  if (!history.ok()) {
    absl::StrAppend(&out_, prefix, "no history: ", history.status().message(), "\n");
    return;
  }
  std::vector<std::string> later;          // detached children and failure workflows, in start order
  std::map<std::string, Value> scheduled;  // task id -> TASK_SCHEDULED details
  std::vector<std::string> compensations = CompensationTasks(*history);
  auto line = [&](std::string text) { absl::StrAppend(&out_, prefix, text, "\n"); };
  auto describe = [&](const std::string& task_id) {
    const Value& s = scheduled[task_id];
    const bool undo = std::find(compensations.begin(), compensations.end(), task_id) != compensations.end();
    const int64_t attempt = Get(s, "attempt").is_int() ? Get(s, "attempt").as_int() : 1;
    return absl::StrCat(undo ? "undo " : "task ", GetStr(s, "type"), " ", Get(s, "input").ToJson(),
                        attempt > 1 ? absl::StrCat(" (attempt ", attempt, ")") : "");
  };
  // Timers started and not fired, by wait: the history records no event when a timer is
  // dropped, so those left when the execution ends are shown as cancelled then.
  std::vector<std::pair<int64_t, int64_t>> timers;
  auto end = [&](std::string text) {
    for (const auto& [wait, due] : timers) line(absl::StrCat("cancel timer at ", due));
    line(std::move(text));
  };
  bool ended = false;
  for (const HistoryEvent& e : *history) {
    const Value& d = e.details;
    const int64_t wait = Get(d, "wait").is_int() ? Get(d, "wait").as_int() : -1;
    if (e.type == "EXECUTION_STARTED" || e.type == "TASK_STARTED" || e.type == "CHILD_ENDED" ||
        e.type == "COMPENSATION_STARTED") {
      continue;
    } else if (e.type == "TIMER_STARTED") {
      timers.emplace_back(wait, Get(d, "due_ms").is_int() ? Get(d, "due_ms").as_int() : 0);
    } else if (e.type == "TASK_SCHEDULED") {
      scheduled[e.task_id] = d;
    } else if (e.type == "TASK_COMPLETED" || e.type == "TASK_FAILED" || e.type == "TASK_TIMED_OUT") {
      Label(e.task_id, "task", task_labels_);
      line(describe(e.task_id));
      if (e.type == "TASK_COMPLETED") {
        line(absl::StrCat("  => ", Get(d, "output").ToJson()));
      } else if (e.type == "TASK_FAILED") {
        line(absl::StrCat("  !> ", GetStr(Get(d, "error"), "message")));
      } else {
        const std::string reason = GetStr(d, "reason");
        line(absl::StrCat("  timed out: ", reason.empty() ? GetStr(Get(d, "error"), "message") : reason));
      }
    } else if (e.type == "TASK_RETRY_SCHEDULED") {
      line(absl::StrCat("  retry in ", Get(d, "delay_ms").ToJson(), " ms"));
    } else if (e.type == "TASK_OPTIONAL_FAILED") {
      line("  optional: goes on with null");
    } else if (e.type == "TASK_CANCELED") {
      line(absl::StrCat("cancel ", describe(e.task_id)));
    } else if (e.type == "SIGNAL_RECEIVED") {
      line(absl::StrCat("signal ", GetStr(d, "name"), " ", Get(d, "payload").ToJson()));
    } else if (e.type == "MESSAGE_QUEUED") {  // its id is a fresh ULID: left out
      line(absl::StrCat("publish to ", GetStr(d, "subject")));
    } else if (e.type == "TIMER_FIRED") {
      std::erase_if(timers, [&](const auto& t) { return t.first == wait; });
      line(absl::StrCat("timer fires at ", e.time_ms));
    } else if (e.type == "SIGNAL_TIMED_OUT") {
      line(absl::StrCat("signal ", GetStr(d, "name"), " times out at ", e.time_ms));
    } else if (e.type == "EXECUTION_TIMED_OUT") {
      line(absl::StrCat("deadline at ", e.time_ms));
    } else if (e.type == "CHILD_STARTED") {
      const std::string child = GetStr(d, "child_id");
      const bool detached = Get(d, "detached").is_bool() && Get(d, "detached").as_bool();
      line(absl::StrCat(detached ? "start " : "child ", Started(child)));
      if (detached) {
        later.push_back(child);
      } else {
        RenderChild(child);
      }
    } else if (e.type == "FAILURE_WORKFLOW_STARTED") {
      const std::string handler = GetStr(d, "execution_id");
      if (handler.empty()) {
        line(absl::StrCat("on_failure ", GetStr(d, "workflow"), " not started: ", GetStr(d, "error")));
      } else {
        line(absl::StrCat("on_failure ", Started(handler)));
        later.push_back(handler);
      }
    } else if (e.type == "EXECUTION_COMPLETED") {
      end(absl::StrCat("COMPLETED ", Get(d, "output").ToJson()));
      ended = true;
    } else if (e.type == "EXECUTION_FAILED") {
      end(absl::StrCat("FAILED ", Get(d, "error").ToJson()));
      ended = true;
    } else if (e.type == "EXECUTION_TERMINATED") {
      end("TERMINATED");
      ended = true;
    } else {
      line(absl::StrCat(e.type, e.task_id.empty() ? "" : " ", e.task_id, " ", d.ToJson()));
    }
  }
  if (!ended) line("WAITING");
  for (const std::string& child : later) RenderChild(child);
}

void TranscriptRenderer::RenderChild(const std::string& id) {
  absl::StatusOr<ExecutionInfo> info = engine_.GetExecution(id);
  const std::string name = info.ok() ? info->workflow : "?";
  Render(id, absl::StrCat("[", Label(id, "exec", exec_labels_), " ", name, "] "));
}

std::string TranscriptRenderer::Text(const std::string& notes) const {
  std::vector<std::pair<std::string, std::string>> replacements;
  for (const auto& [id, label] : exec_labels_) replacements.emplace_back(id, label);
  for (const auto& [id, label] : task_labels_) replacements.emplace_back(id, label);
  return absl::StrReplaceAll(out_ + notes, replacements);
}

}  // namespace weft::golden
