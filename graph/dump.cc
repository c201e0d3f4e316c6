// The graph model's names and its stable text dump (model.h), which golden tests compare.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/ast/ast_dump.h"
#include "graph/model.h"

namespace weft::graph {

std::string_view NodeKindName(NodeKind kind) {
  switch (kind) {
#define NODE_KIND(e, name, shape, fill, legend) \
  case NodeKind::e:                             \
    return name;
#include "graph/node_kinds.def"
#undef NODE_KIND
  }
  return "?";
}

std::string_view NodeStatusName(NodeStatus status) {
  switch (status) {
#define NODE_STATUS(e, name, fill, legend) \
  case NodeStatus::e:                      \
    return name;
#include "graph/statuses.def"
#undef NODE_STATUS
  }
  return "?";
}

namespace {

std::string_view EdgeKindSuffix(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kFlow: return "";
    case EdgeKind::kBack: return " back";
    case EdgeKind::kError: return " error";
    case EdgeKind::kCompensation: return " compensation";
  }
  return "";
}

std::string NodeLine(const Node& node) {
  std::string out = absl::StrCat("n", node.id, " ", std::string(NodeKindName(node.kind)), " ",
                                 ast::QuoteForDump(node.label));
  if (node.line != 0) absl::StrAppend(&out, " line ", node.line);
  if (!node.task.empty()) absl::StrAppend(&out, " task=", node.task);
  if (node.cluster >= 0) absl::StrAppend(&out, " cluster ", node.cluster);
  if (node.has_status) {
    absl::StrAppend(&out, " status=", std::string(NodeStatusName(node.status)));
    if (node.attempts > 0) absl::StrAppend(&out, " attempts=", node.attempts);
    if (node.iterations > 0) absl::StrAppend(&out, " iterations=", node.iterations);
    if (node.current) absl::StrAppend(&out, " current");
  }
  return out;
}

}  // namespace

std::string DumpGraph(const Graph& graph) {
  std::string out = absl::StrCat("workflow ", graph.workflow, "\n");
  if (graph.has_overlay) {
    absl::StrAppend(&out, "execution ", graph.execution_status, "\n");
  }
  for (const Node& node : graph.nodes) absl::StrAppend(&out, NodeLine(node), "\n");
  for (const Edge& edge : graph.edges) {
    absl::StrAppend(&out, "n", edge.from, " -> n", edge.to);
    if (!edge.label.empty()) absl::StrAppend(&out, " ", ast::QuoteForDump(edge.label));
    absl::StrAppend(&out, std::string(EdgeKindSuffix(edge.kind)), "\n");
  }
  for (const Cluster& cluster : graph.clusters) {
    absl::StrAppend(&out, "cluster ", cluster.id, " ", ast::QuoteForDump(cluster.label));
    if (cluster.parent >= 0) absl::StrAppend(&out, " in ", cluster.parent);
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace weft::graph
