// The SVG contract of docs/graph.md, which the web UI codes against: Graphviz's output parses
// as XML-ish text with one `<g class="node">` per model node, whose id is n<ID> and which
// carries data-kind, data-line and data-task; the legend is drawn (as `legend-item` groups, not
// nodes); child nodes link to the child's definition; and with an overlay each node carries
// data-status and data-task-ids.
#include <gtest/gtest.h>

#include <regex>

#include "graph/build.h"
#include "graph/svg.h"

namespace weft::graph {
namespace {

constexpr const char* kSource = R"wf(
task fetch
task charge

workflow child(x: int) {
    return fetch(id: x)
}

workflow parent(x: int) {
    let a = fetch(id: x)
    if a.ok {
        charge(amount: a.total)
    }
    return child(x: 1)
}
)wf";

Graph Parent() {
  absl::StatusOr<Graph> g = GraphFromSource("svg.wf", kSource, "parent");
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? *std::move(g) : Graph();
}

std::vector<std::string> NodeGroups(const std::string& svg) {
  std::vector<std::string> out;
  static const std::regex group("<g id=\"[^\"]*\" class=\"node\"[^>]*>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), group);
       it != std::sregex_iterator(); ++it) {
    out.push_back(it->str());
  }
  return out;
}

TEST(GraphSvg, EveryNodeIsAGroupWithItsDataAttributes) {
  const Graph graph = Parent();
  absl::StatusOr<std::string> svg = RenderSvg(graph);
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_EQ(svg->rfind("<?xml", 0), 0u);
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("</svg>"), std::string::npos);
  const std::vector<std::string> groups = NodeGroups(*svg);
  ASSERT_EQ(groups.size(), graph.nodes.size());
  for (const Node& node : graph.nodes) {
    const std::string id = "<g id=\"n" + std::to_string(node.id) + "\" class=\"node\"";
    const size_t at = svg->find(id);
    ASSERT_NE(at, std::string::npos) << id;
    const std::string tag = svg->substr(at, svg->find('>', at) - at);
    EXPECT_NE(tag.find("data-kind=\"" + std::string(NodeKindName(node.kind)) + "\""),
              std::string::npos) << tag;
    EXPECT_NE(tag.find("data-line=\"" + std::to_string(node.line) + "\""), std::string::npos);
    EXPECT_NE(tag.find("data-task=\"" + node.task + "\""), std::string::npos);
    EXPECT_EQ(tag.find("data-status"), std::string::npos) << "no overlay, no status";
  }
  EXPECT_NE(svg->find("data-kind=\"task\" data-line=\"10\" data-task=\"fetch\""),
            std::string::npos);
}

TEST(GraphSvg, DrawsTheLegendOutsideTheNodes) {
  absl::StatusOr<std::string> svg = RenderSvg(Parent());
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_NE(svg->find("Legend"), std::string::npos);
  EXPECT_NE(svg->find("id=\"legend_task\" class=\"legend-item\""), std::string::npos);
  EXPECT_NE(svg->find("task call (task name, line)"), std::string::npos);
  SvgOptions no_legend;
  no_legend.legend = false;
  absl::StatusOr<std::string> bare = RenderSvg(Parent(), no_legend);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->find("legend-item"), std::string::npos);
}

TEST(GraphSvg, ChildNodesLinkToTheChild) {
  SvgOptions options;
  options.child_link_prefix = "/definitions/";
  absl::StatusOr<std::string> svg = RenderSvg(Parent(), options);
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_NE(svg->find("data-kind=\"child\" data-line=\"14\" data-task=\"child\""),
            std::string::npos);
  EXPECT_NE(svg->find("xlink:href=\"/definitions/child\""), std::string::npos);
}

TEST(GraphSvg, OverlayAddsStatusAndTaskIds) {
  Graph graph = Parent();
  graph.has_overlay = true;
  graph.execution_id = "E1";
  graph.execution_status = "FAILED";
  for (Node& node : graph.nodes) node.has_status = true;
  graph.nodes[1].status = NodeStatus::kFailed;
  graph.nodes[1].task_ids = {"T1", "T2"};
  graph.nodes[1].attempts = 2;
  absl::StatusOr<std::string> svg = RenderSvg(graph);
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_NE(svg->find("data-status=\"failed\" data-task-ids=\"T1 T2\" data-attempts=\"2\""),
            std::string::npos);
  EXPECT_NE(svg->find("data-status=\"not_reached\""), std::string::npos);
  EXPECT_NE(svg->find("id=\"legend_status_failed\" class=\"legend-item\""), std::string::npos);
}

TEST(GraphSvg, LabelsAreEscaped) {
  absl::StatusOr<Graph> g = GraphFromSource("q.wf", R"wf(
task t
workflow q(s: string) {
    if s == "a\"<b>&" {
        t()
    }
}
)wf", "");
  ASSERT_TRUE(g.ok()) << g.status();
  absl::StatusOr<std::string> svg = RenderSvg(*g);
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_NE(svg->find("&lt;b&gt;&amp;"), std::string::npos);
}

TEST(GraphFromSource, NamesTheWorkflowsWhenOneMustBeChosen) {
  absl::StatusOr<Graph> g = GraphFromSource("svg.wf", kSource, "");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("child, parent"), std::string::npos) << g.status();
  EXPECT_EQ(GraphFromSource("svg.wf", kSource, "nope").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GraphFromSource("bad.wf", "workflow {", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace weft::graph
