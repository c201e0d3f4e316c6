// The run goldens' transcript, rendered from the executions' histories once a run is over
// (harness.h drives the run). It reads only the public API (History, GetExecution), so it
// shows what the engine recorded, nothing the harness assumed.
//
// The transcript has one line per event of an execution's history, prefixed `[exec-N name] `
// for every execution but the started one (exec-1). Ids are normalised: executions are exec-N
// in the order they appear, tasks task-N in the order their attempts were answered.
//   task T INPUT                   an attempt answered, `(attempt N)` after the first; then
//     => OUTPUT / !> REASON          its result or failure reason,
//     timed out: REASON              or its timeout
//   undo T INPUT                   a compensation, answered the same way
//   retry in D ms                  a failed attempt the policy retries after D ms
//   optional: goes on with null    a failed optional task
//   cancel task T INPUT            a task the execution no longer waits for
//   cancel timer at MS             a timer that never fired, shown before the execution's end
//                                  (the engine records no event when it drops a timer)
//   signal NAME PAYLOAD            a signal received
//   timer fires at MS              a sleep ended (the clock is MS)
//   signal NAME times out at MS    an `await signal` timeout fired
//   deadline at MS                 the workflow's timeout fired
//   child W@V INPUT -> exec-N      an attached child started; its lines follow at once
//   start W@V INPUT -> exec-N      a detached child started; its lines follow the parent's end
//   on_failure W@V INPUT -> exec-N the failure workflow started; its lines follow likewise
//   COMPLETED OUTPUT / FAILED ERROR / TERMINATED   the end of an execution
//   WAITING                        still running when nothing more could happen
// Any other history event is shown as its type and details, so nothing the engine records
// goes unseen.
#ifndef WEFT_TESTS_GOLDEN_RUN_TRANSCRIPT_H_
#define WEFT_TESTS_GOLDEN_RUN_TRANSCRIPT_H_

#include <map>
#include <string>
#include <vector>

#include "weft/engine.h"

namespace weft::golden {

class TranscriptRenderer {
 public:
  explicit TranscriptRenderer(Engine& engine) : engine_(engine) {}

  // Renders execution `top_id` (exec-1) and, after or within its lines, every execution it
  // started, recursively.
  void Render(const std::string& top_id);
  // What was rendered, then `notes`, with every execution and task id replaced by its label.
  std::string Text(const std::string& notes) const;

 private:
  void Render(const std::string& id, const std::string& prefix);
  void RenderChild(const std::string& id);
  // A started execution, as `W@V INPUT -> exec-N`; its id is labelled here.
  std::string Started(const std::string& id);
  // `id`'s label (`kind-N`, N in order of first use).
  static std::string Label(const std::string& id, const char* kind,
                           std::map<std::string, std::string>& labels);

  Engine& engine_;
  std::string out_;
  std::map<std::string, std::string> exec_labels_;
  std::map<std::string, std::string> task_labels_;
};

}  // namespace weft::golden

#endif  // WEFT_TESTS_GOLDEN_RUN_TRANSCRIPT_H_
