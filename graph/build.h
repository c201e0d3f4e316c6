// Making the graph model (model.h) of a workflow from its checked AST. The AST is the right
// input rather than the bytecode: it still has the structure the user wrote (an if, a switch's
// cases, a loop's condition, a parallel block's branches, a try region), where the bytecode has
// only jumps. The labels are the source text of the conditions and case values, so a stored
// version needs its source (Engine::Source) to be drawn.
#ifndef WEFT_GRAPH_BUILD_H_
#define WEFT_GRAPH_BUILD_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "compiler/ast/ast.h"
#include "graph/model.h"

namespace weft::graph {

// The graph of `workflow` in `module`, whose text is `source`. REQUIRES: the module checked
// without errors (resolutions filled in). NotFound when the module has no such workflow.
absl::StatusOr<Graph> BuildGraph(const ast::Module& module, std::string_view source,
                                 std::string_view workflow);

// Compiles `source` (named `path` in diagnostics) and builds the graph of `workflow`, or of
// the only workflow in it when `workflow` is empty. InvalidArgument with the rendered
// diagnostics when the source has errors, or when it holds several workflows and none is named.
absl::StatusOr<Graph> GraphFromSource(std::string_view path, std::string_view source,
                                      std::string_view workflow);

}  // namespace weft::graph

#endif  // WEFT_GRAPH_BUILD_H_
