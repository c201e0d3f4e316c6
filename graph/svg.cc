// The graph model as DOT text, laid out and rendered to SVG by Graphviz (svg.h). The model
// becomes DOT (one path for `--format dot` and for the SVG), Graphviz reads it with agmemread,
// lays it out with `dot` and renders SVG into memory; the `data-*` attributes, which Graphviz
// does not write, are then added to each node's `<g>` by a small pass over the output.
#include "graph/svg.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace weft::graph {
namespace {

struct KindStyle {
  const char* shape;
  const char* fill;
  const char* legend;
};

KindStyle StyleOf(NodeKind kind) {
  switch (kind) {
#define NODE_KIND(e, name, shape, fill, legend) \
  case NodeKind::e:                             \
    return KindStyle{shape, fill, legend};
#include "graph/node_kinds.def"
#undef NODE_KIND
  }
  return KindStyle{"box", "#ffffff", ""};
}

const char* StatusFill(NodeStatus status) {
  switch (status) {
#define NODE_STATUS(e, name, fill, legend) \
  case NodeStatus::e:                      \
    return fill;
#include "graph/statuses.def"
#undef NODE_STATUS
  }
  return "#ffffff";
}

// A DOT double-quoted string; a newline becomes a centred line break.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Text for an XML attribute value.
std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string NodeLabel(const Node& node) {
  std::string label = node.label;
  if (node.current) label = absl::StrCat("▶ ", label);
  if (node.line != 0 && node.kind != NodeKind::kStart) absl::StrAppend(&label, "\nline ", node.line);
  if (node.attempts > 1) absl::StrAppend(&label, "\n", node.attempts, " attempts");
  if (node.iterations > 0) {
    absl::StrAppend(&label, "\n", node.iterations,
                    node.kind == NodeKind::kFork ? " branches" : " iterations");
  }
  return label;
}

std::string NodeStatement(const Node& node, const SvgOptions& options) {
  const KindStyle style = StyleOf(node.kind);
  const char* fill = node.has_status ? StatusFill(node.status) : style.fill;
  std::string out = absl::StrCat("  n", node.id, " [id=\"n", node.id, "\" shape=", style.shape,
                                 " label=", Quote(NodeLabel(node)), " fillcolor=\"", fill,
                                 "\" tooltip=", Quote(node.label));
  absl::StrAppend(&out, node.current ? " style=\"filled,bold\" penwidth=3 color=\"#1f5fa8\""
                                     : " style=filled");
  if ((node.kind == NodeKind::kChild || node.kind == NodeKind::kDetached) &&
      !options.child_link_prefix.empty()) {
    absl::StrAppend(&out, " href=", Quote(absl::StrCat(options.child_link_prefix, node.task)));
  }
  if (node.kind == NodeKind::kStart || node.kind == NodeKind::kEnd) {
    absl::StrAppend(&out, " width=0.3 fixedsize=false");
  }
  return out + "]\n";
}

std::string EdgeStatement(const Edge& edge) {
  std::string out = absl::StrCat("  n", edge.from, " -> n", edge.to, " [");
  if (!edge.label.empty()) absl::StrAppend(&out, "label=", Quote(edge.label), " ");
  switch (edge.kind) {
    case EdgeKind::kFlow: break;
    case EdgeKind::kBack:
      absl::StrAppend(&out, "color=\"#1f5fa8\" fontcolor=\"#1f5fa8\" constraint=false ");
      break;
    case EdgeKind::kError:
      absl::StrAppend(&out, "style=dashed color=\"#c0392b\" fontcolor=\"#c0392b\" ");
      break;
    case EdgeKind::kCompensation:
      absl::StrAppend(&out, "style=dotted arrowhead=none color=\"#c0392b\" constraint=false ");
      break;
  }
  return out + "]\n";
}

// The clusters, nested as in the model, each with the nodes directly in it.
void AppendCluster(const Graph& graph, int cluster, const SvgOptions& options,
                   std::string& out) {
  absl::StrAppend(&out, "subgraph cluster_", cluster, " {\n  label=",
                  Quote(graph.clusters[cluster].label),
                  " style=\"rounded,dashed\" color=\"#999999\"\n");
  for (const Cluster& inner : graph.clusters) {
    if (inner.parent == cluster) AppendCluster(graph, inner.id, options, out);
  }
  for (const Node& node : graph.nodes) {
    if (node.cluster == cluster) absl::StrAppend(&out, "  n", node.id, "\n");
  }
  out += "}\n";
}

// The legend, a graph of its own laid out below the workflow's: a grid of sample nodes, each
// kind's shape and colour and, with an overlay, each status's colour. Six to a row, rows
// chained by invisible edges.
std::string LegendDot(const Graph& graph) {
  std::string out =
      "digraph legend {\n  id=\"legend\" label=\"Legend\" labelloc=t fontname=\"Helvetica\" "
      "fontsize=12 nodesep=0.12 ranksep=0.12\n"
      "  node [fontname=\"Helvetica\" fontsize=9 height=0.3 margin=\"0.06,0.02\"]\n";
  struct Item {
    std::string id, shape, fill, name, text;
  };
  std::vector<Item> items;
#define NODE_KIND(e, name, shape, fill, legend) \
  items.push_back({absl::StrCat("legend_", name), shape, graph.has_overlay ? "#ffffff" : fill, name, legend});
#include "graph/node_kinds.def"
#undef NODE_KIND
  if (graph.has_overlay) {
#define NODE_STATUS(e, name, fill, legend) \
  items.push_back({absl::StrCat("legend_status_", name), "box", fill, name, legend});
#include "graph/statuses.def"
#undef NODE_STATUS
    items.push_back({"legend_current", "box", "#ffffff", "▶ current", "a running fiber waits here"});
  }
  // Each item is its sample shape, labelled with its name, and its description beside it.
  constexpr size_t kPerRow = 3;
  std::string previous;
  for (size_t row = 0; row * kPerRow < items.size(); ++row) {
    std::vector<std::string> ids;
    for (size_t i = row * kPerRow; i < items.size() && i < (row + 1) * kPerRow; ++i) {
      const Item& item = items[i];
      absl::StrAppend(&out, "  ", item.id, " [id=\"", item.id, "\" shape=", item.shape,
                      " style=filled fillcolor=\"", item.fill, "\" label=", Quote(item.name),
                      item.id == "legend_current" ? " penwidth=3 color=\"#1f5fa8\"" : "", "]\n");
      absl::StrAppend(&out, "  ", item.id, "_text [id=\"", item.id, "_text\" shape=plaintext label=",
                      Quote(item.text), "]\n");
      ids.push_back(item.id);
      ids.push_back(item.id + "_text");
    }
    absl::StrAppend(&out, "  { rank=same ", absl::StrJoin(ids, " "), " }\n");
    if (!previous.empty()) {
      absl::StrAppend(&out, "  ", previous, " -> ", ids.front(), " [style=invis]\n");
    }
    previous = ids.front();
  }
  return out + "}\n";
}

// The data-* attributes of one node.
std::string DataAttributes(const Node& node) {
  std::string out = absl::StrCat(" data-kind=\"", std::string(NodeKindName(node.kind)), "\" data-line=\"",
                                 node.line, "\" data-task=\"", XmlEscape(node.task), "\"");
  if (node.has_status) {
    absl::StrAppend(&out, " data-status=\"", std::string(NodeStatusName(node.status)), "\" data-task-ids=\"",
                    XmlEscape(absl::StrJoin(node.task_ids, " ")), "\" data-attempts=\"",
                    node.attempts, "\" data-iterations=\"", node.iterations, "\" data-current=\"",
                    node.current ? "true" : "false", "\"");
    if (!node.child_ids.empty()) {
      absl::StrAppend(&out, " data-child-ids=\"", XmlEscape(absl::StrJoin(node.child_ids, " ")),
                      "\"");
    }
  }
  return out;
}

// Adds the data-* attributes to each node's group and gives the legend's samples their own
// class. Graphviz writes a node as `<g id="ID" class="node">`.
std::string AddDataAttributes(const Graph& graph, std::string svg) {
  std::string out;
  out.reserve(svg.size() + graph.nodes.size() * 120);
  constexpr std::string_view kOpen = "<g id=\"";
  constexpr std::string_view kClass = "\" class=\"node\"";
  size_t at = 0;
  while (true) {
    const size_t g = svg.find(kOpen, at);
    if (g == std::string::npos) break;
    const size_t id_begin = g + kOpen.size();
    const size_t id_end = svg.find('"', id_begin);
    if (id_end == std::string::npos) break;
    const std::string_view id(svg.data() + id_begin, id_end - id_begin);
    const bool is_node = svg.compare(id_end, kClass.size(), kClass) == 0;
    out.append(svg, at, id_end - at);
    at = id_end;
    if (!is_node) continue;
    if (id.rfind("legend_", 0) == 0) {
      out += "\" class=\"legend-item\"";
      at = id_end + kClass.size();
      continue;
    }
    int index = -1;
    if (id.size() > 1 && id[0] == 'n') {
      index = 0;
      for (char c : id.substr(1)) {
        if (c < '0' || c > '9') {
          index = -1;
          break;
        }
        index = index * 10 + (c - '0');
      }
    }
    out += kClass;
    at = id_end + kClass.size();
    if (index >= 0 && index < static_cast<int>(graph.nodes.size())) {
      out += DataAttributes(graph.nodes[index]);
    }
  }
  out.append(svg, at, std::string::npos);
  return out;
}

std::mutex& GraphvizMutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

std::string ToDot(const Graph& graph, const SvgOptions& options) {
  std::string title = graph.workflow;
  if (graph.has_overlay) {
    absl::StrAppend(&title, "\nexecution ", graph.execution_id, " (", graph.execution_status, ")");
  }
  std::string out = absl::StrCat(
      "digraph weft {\n  id=\"weft-graph\" label=", Quote(title),
      " labelloc=t fontname=\"Helvetica\" fontsize=14 nodesep=0.3 ranksep=0.35\n"
      "  node [fontname=\"Helvetica\" fontsize=10 margin=\"0.12,0.04\"]\n"
      "  edge [fontname=\"Helvetica\" fontsize=9 color=\"#555555\"]\n");
  for (const Node& node : graph.nodes) absl::StrAppend(&out, NodeStatement(node, options));
  for (const Edge& edge : graph.edges) absl::StrAppend(&out, EdgeStatement(edge));
  for (const Cluster& cluster : graph.clusters) {
    if (cluster.parent < 0) AppendCluster(graph, cluster.id, options, out);
  }
  return out + "}\n";
}

namespace {

// Lays out DOT text with `dot` and renders it as SVG.
absl::StatusOr<std::string> Layout(const std::string& dot) {
  std::string svg;
  {
    std::lock_guard<std::mutex> lock(GraphvizMutex());
    static GVC_t* gvc = gvContext();
    Agraph_t* g = agmemread(dot.c_str());
    if (g == nullptr) return absl::InternalError("graphviz could not read the graph");
    if (gvLayout(gvc, g, "dot") != 0) {
      agclose(g);
      return absl::InternalError("graphviz could not lay out the graph");
    }
    char* data = nullptr;
    unsigned int length = 0;
    const int rc = gvRenderData(gvc, g, "svg", &data, &length);
    if (rc == 0 && data != nullptr) svg.assign(data, length);
    if (data != nullptr) gvFreeRenderData(data);
    gvFreeLayout(gvc, g);
    agclose(g);
    if (rc != 0) return absl::InternalError("graphviz could not render SVG");
  }
  return svg;
}

// An SVG document's root element as a nested <svg> at (0, y): its size in user units (the
// viewBox), and its content. False when Graphviz's output is not shaped as expected.
bool Nest(std::string_view svg, double y, std::string& out, double& width, double& height) {
  const size_t open = svg.find("<svg");
  const size_t end = svg.find('>', open);
  const size_t close = svg.rfind("</svg>");
  if (open == std::string_view::npos || end == std::string_view::npos ||
      close == std::string_view::npos || close < end) {
    return false;
  }
  const std::string_view tag = svg.substr(open, end - open);
  const size_t vb = tag.find("viewBox=\"");
  if (vb == std::string_view::npos) return false;
  const size_t vb_end = tag.find('"', vb + 9);
  const std::string view_box(tag.substr(vb + 9, vb_end - vb - 9));
  double x0 = 0, y0 = 0;
  if (std::sscanf(view_box.c_str(), "%lf %lf %lf %lf", &x0, &y0, &width, &height) != 4) return false;
  absl::StrAppend(&out, "<svg x=\"0\" y=\"", y, "\" width=\"", width, "\" height=\"", height,
                  "\" viewBox=\"", view_box, "\">", std::string(svg.substr(end + 1, close - end - 1)),
                  "</svg>\n");
  return true;
}

}  // namespace

absl::StatusOr<std::string> RenderSvg(const Graph& graph, const SvgOptions& options) {
  WEFT_ASSIGN_OR_RETURN(std::string main, Layout(ToDot(graph, options)));
  main = AddDataAttributes(graph, std::move(main));
  if (!options.legend) return main;
  WEFT_ASSIGN_OR_RETURN(std::string legend, Layout(LegendDot(graph)));
  legend = AddDataAttributes(graph, std::move(legend));
  // One document: the workflow's drawing, the legend's below it.
  std::string body;
  double w1 = 0, h1 = 0, w2 = 0, h2 = 0;
  if (!Nest(main, 0, body, w1, h1) || !Nest(legend, h1, body, w2, h2)) {
    return absl::InternalError("graphviz wrote an SVG of an unexpected shape");
  }
  const double width = std::max(w1, w2), height = h1 + h2;
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg width=\"", width,
      "pt\" height=\"", height, "pt\" viewBox=\"0 0 ", width, " ", height,
      "\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n",
      body, "</svg>\n");
}

}  // namespace weft::graph
