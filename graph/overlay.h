// The execution overlay: colouring a workflow's graph by what happened in one execution, from
// what the engine recorded (its task attempts, its history and where its fibers wait), never by
// running anything. Also the two entry points that read a graph through the public engine API:
// a deployed version's (from its stored source) and an execution's (its version's, overlaid).
//
// How records find their nodes (docs/graph.md, "The overlay"): a task attempt belongs to the
// call site of its type; the attempts of one call (retries) share a wait id (TASK_SCHEDULED's
// "wait"). With several call sites of a type, an open call goes to the site its fiber waits at
// (Engine::FiberPositions), and finished calls go one per site in source order when there are
// as many calls as sites; otherwise (a call site in a loop) to every site of the type.
// Children (CHILD_STARTED/CHILD_ENDED) and sleeps (TIMER_STARTED/TIMER_FIRED) are matched the
// same way. Nodes with no record of their own (a branch, a loop head, a fork, a return) are
// reached when a node they alone lead to is, or when they alone follow a finished one.
#ifndef WEFT_GRAPH_OVERLAY_H_
#define WEFT_GRAPH_OVERLAY_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/model.h"
#include "weft/engine.h"

namespace weft::graph {

// Everything the overlay reads of one execution.
struct ExecutionView {
  ExecutionInfo info;
  std::vector<TaskInfo> tasks;
  std::vector<HistoryEvent> history;
  std::vector<FiberPosition> positions;
};

// Sets every node's status, attempts, iterations, task ids and current mark.
void ApplyOverlay(const ExecutionView& view, Graph& graph);

// The graph of a deployed version (0: the latest), from its stored source.
absl::StatusOr<Graph> VersionGraph(Engine& engine, std::string_view workflow, uint32_t version);

// The graph of an execution's version with the execution's overlay.
absl::StatusOr<Graph> ExecutionGraph(Engine& engine, std::string_view execution_id);

}  // namespace weft::graph

#endif  // WEFT_GRAPH_OVERLAY_H_
