// Drawing the graph model as SVG with Graphviz (cgraph for the graph, gvc's `dot` layout, the
// SVG renderer into memory). The SVG is the contract the web UI codes against
// (docs/graph.md): every node of the model is a `<g class="node" id="n<ID>">` carrying
// `data-kind`, `data-line`, `data-task` and, with an overlay, `data-status`, `data-task-ids`,
// `data-attempts`, `data-iterations` and `data-current`. The legend's sample shapes are
// `<g class="legend-item">`, so that selecting `g.node` finds the workflow's nodes only.
#ifndef WEFT_GRAPH_SVG_H_
#define WEFT_GRAPH_SVG_H_

#include <string>

#include "absl/status/statusor.h"
#include "graph/model.h"

namespace weft::graph {

struct SvgOptions {
  // Child and detached-start nodes link to child_link_prefix + the workflow's name (the UI's
  // definition page, "/definitions/"); empty: no link, the name is in data-task only.
  std::string child_link_prefix;
  bool legend = true;
};

// Lays out and renders `graph`. Thread-safe: Graphviz is not, so calls are serialised.
// Internal when Graphviz fails (it should not for a graph this module made).
absl::StatusOr<std::string> RenderSvg(const Graph& graph, const SvgOptions& options = {});

// The Graphviz input RenderSvg lays out, as DOT text (for `weft graph --format dot`).
std::string ToDot(const Graph& graph, const SvgOptions& options = {});

}  // namespace weft::graph

#endif  // WEFT_GRAPH_SVG_H_
