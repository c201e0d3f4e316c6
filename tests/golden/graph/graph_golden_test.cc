// The graph model's golden tests. For each tests/golden/graph/X.wf, every workflow in it is
// turned into the graph model (graph::BuildGraph) and its text dump (graph::DumpGraph: nodes
// with kind, label, line and task; edges with labels and kinds; clusters) is compared with
// X.graph, one workflow after another. No coordinates and no Graphviz output are compared, so
// a new Graphviz cannot change them. WEFT_UPDATE_GOLDEN=1 rewrites the expected files.
#include <gtest/gtest.h>

#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "graph/build.h"
#include "graph/model.h"
#include "tests/golden/golden.h"

namespace weft {
namespace {

class GraphGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(GraphGolden, MatchesExpected) {
  const std::filesystem::path& wf = GetParam();
  const std::string source = golden::ReadFile(wf);
  const std::string name = wf.filename().string();
  const compiler::CompileOutput out = compiler::Compile(name, source);
  ASSERT_TRUE(out.ok()) << diag::RenderAll(out.diagnostics, name, source);
  std::string text;
  for (const ast::WorkflowDecl& decl : out.module->workflows) {
    absl::StatusOr<graph::Graph> g = graph::BuildGraph(*out.module, source, decl.name);
    ASSERT_TRUE(g.ok()) << g.status();
    if (!text.empty()) text += "\n";
    text += graph::DumpGraph(*g);
  }
  EXPECT_TRUE(golden::MatchesGolden(text, golden::WithExtension(wf, ".graph")));
}

INSTANTIATE_TEST_SUITE_P(Graph, GraphGolden,
                         ::testing::ValuesIn(golden::ListWfFiles("tests/golden/graph")),
                         golden::TestNameFor);

}  // namespace
}  // namespace weft
