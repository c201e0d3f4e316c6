// The graph model of a workflow diagram: nodes (one per construct that does something a user
// watches: a task call, a branch, a loop, a fork and its join, a child, a signal, a sleep, a
// return, a fail), edges with their labels, and clusters (try and catch regions). build.h makes
// it from the checked AST; overlay.h colours it with one execution; svg.h lays it out with
// Graphviz; DumpGraph is its stable text form, pinned by tests/golden/graph/.
#ifndef WEFT_GRAPH_MODEL_H_
#define WEFT_GRAPH_MODEL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::graph {

enum class NodeKind : uint8_t {
#define NODE_KIND(e, name, shape, fill, legend) e,
#include "graph/node_kinds.def"
#undef NODE_KIND
};

enum class NodeStatus : uint8_t {
#define NODE_STATUS(e, name, fill, legend) e,
#include "graph/statuses.def"
#undef NODE_STATUS
};

std::string_view NodeKindName(NodeKind kind);
std::string_view NodeStatusName(NodeStatus status);

enum class EdgeKind : uint8_t {
  kFlow,          // control passes along it
  kBack,          // a loop's back edge (drawn against the flow), labelled with the condition
  kError,         // from a try to its catch: taken when the region raises an error
  kCompensation,  // from a task call to the undo it registers (not control flow)
};

struct Node {
  int id = 0;  // the SVG element's id is "n<id>"
  NodeKind kind = NodeKind::kTask;
  std::string label;  // the text drawn (without the overlay's counts)
  uint32_t line = 0;  // source line; 0 for none (the implicit end)
  std::string task;   // kTask, kCompensate: the task type; kChild, kDetached: the workflow
  int cluster = -1;   // the innermost cluster holding the node, or -1
  // kLoop, and kFork of a `parallel for`: the nodes of its body are (id, body_end).
  int body_end = -1;

  // The overlay (overlay.h); untouched for a definition.
  bool has_status = false;
  NodeStatus status = NodeStatus::kNotReached;
  uint32_t attempts = 0;                // task attempts made at this node
  uint32_t iterations = 0;              // kLoop: iterations started; kFork: branches started
  std::vector<std::string> task_ids;    // the task attempts made at this node, oldest first
  std::vector<std::string> child_ids;   // kChild, kDetached: the child executions started
  bool current = false;                 // a running fiber waits here
};

struct Edge {
  int from = 0;
  int to = 0;
  std::string label;
  EdgeKind kind = EdgeKind::kFlow;
};

struct Cluster {
  int id = 0;
  int parent = -1;
  std::string label;  // "try" or "catch NAME"
};

struct Graph {
  std::string workflow;
  std::vector<Node> nodes;  // nodes[i].id == i
  std::vector<Edge> edges;
  std::vector<Cluster> clusters;
  bool has_overlay = false;
  std::string execution_id;      // with the overlay
  std::string execution_status;  // with the overlay: RUNNING, COMPLETED, ...
};

// One node per line (`n3 task "charge" line 7 task=charge [cluster 0]`, plus the overlay's
// fields when present), then the edges (`n3 -> n4 "label" [back|error|compensation]`), then
// the clusters. Stable: no coordinates, no Graphviz output.
std::string DumpGraph(const Graph& graph);

}  // namespace weft::graph

#endif  // WEFT_GRAPH_MODEL_H_
