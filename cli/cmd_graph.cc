// `weft graph FILE.wf [--workflow NAME]`, `weft graph NAME[@VERSION]` and
// `weft graph --execution ID`: a workflow's diagram as SVG (graph/, docs/graph.md), of a .wf
// file compiled now, of a deployed version from its stored source, or of an execution's
// version coloured by what happened in it. `--format dot` prints Graphviz's input and
// `--format text` the graph model's stable dump instead.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"
#include "common/status_macros.h"
#include "graph/build.h"
#include "graph/overlay.h"
#include "graph/svg.h"

namespace weft::cli {
namespace {

struct GraphOptions {
  std::string target;
  std::string workflow;
  std::string execution;
  std::string output;
  std::string format = "svg";
  bool legend = true;
};

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

absl::StatusOr<graph::Graph> FromStore(const GlobalOptions& global, const GraphOptions& options) {
  WEFT_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, OpenEngine(global, /*read_only=*/true));
  if (!options.execution.empty()) return graph::ExecutionGraph(*engine, options.execution);
  std::string name = options.target;
  uint32_t version = 0;
  if (size_t at = name.rfind('@'); at != std::string::npos) {
    if (!absl::SimpleAtoi(name.substr(at + 1), &version) || version == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad version in `", name, "`: expected NAME@N with N >= 1"));
    }
    name.resize(at);
  }
  return graph::VersionGraph(*engine, name, version);
}

absl::StatusOr<graph::Graph> MakeGraph(const GlobalOptions& global, const GraphOptions& options) {
  if (!options.execution.empty() && !options.target.empty()) {
    return absl::InvalidArgumentError(
        "give either a TARGET or --execution ID: an execution is drawn with its own version");
  }
  if (options.execution.empty() && options.target.empty()) {
    return absl::InvalidArgumentError("nothing to draw: give FILE.wf, NAME[@VERSION] or --execution ID");
  }
  if (EndsWith(options.target, ".wf")) {
    WEFT_ASSIGN_OR_RETURN(std::string source, ReadFile(options.target));
    return graph::GraphFromSource(options.target, source, options.workflow);
  }
  if (!options.workflow.empty()) {
    return absl::InvalidArgumentError("--workflow names a workflow of a .wf file only");
  }
  return FromStore(global, options);
}

int RunGraph(const GlobalOptions& global, const GraphOptions& options) {
  absl::StatusOr<graph::Graph> g = MakeGraph(global, options);
  // Through --server, the remote engine reads neither sources nor checkpoints: the server
  // draws instead (its diagram endpoints), or `weft graph` runs where the store is (a served
  // store can be read directly).
  if (absl::IsUnimplemented(g.status())) {
    return Fail(absl::StrCat(
        "`weft graph` reads the store itself: run it with --store on the machine that holds it "
        "(a served store can be read), or GET /api/weft/workflows/NAME/versions/N/graph or "
        "/api/weft/executions/ID/graph from the server (",
        std::string(g.status().message()), ")"));
  }
  if (!g.ok()) return Fail(g.status());
  graph::SvgOptions svg_options;
  svg_options.legend = options.legend;
  std::string out;
  if (options.format == "text") {
    out = graph::DumpGraph(*g);
  } else if (options.format == "dot") {
    out = graph::ToDot(*g, svg_options);
  } else {
    absl::StatusOr<std::string> svg = graph::RenderSvg(*g, svg_options);
    if (!svg.ok()) return Fail(svg.status());
    out = *std::move(svg);
  }
  if (options.output.empty() || options.output == "-") {
    std::cout << out;
    return kExitOk;
  }
  if (absl::Status s = WriteFileAtomically(options.output, out); !s.ok()) return Fail(s);
  return kExitOk;
}

}  // namespace

void RegisterGraph(const CommandContext& context) {
  auto options = std::make_shared<GraphOptions>();
  CLI::App* cmd = context.app.add_subcommand("graph", "Draw a workflow or an execution as SVG");
  cmd->footer(
      "TARGET is a .wf file (compiled now; --workflow names one of several) or NAME[@VERSION] "
      "of a deployed workflow (default: its latest version). With --execution ID, the "
      "execution's version is drawn and every node coloured by what happened (docs/graph.md).");
  cmd->add_option("TARGET", options->target, "FILE.wf or NAME[@VERSION]");
  cmd->add_option("--workflow", options->workflow, "the workflow of FILE.wf to draw");
  cmd->add_option("--execution", options->execution, "draw this execution, coloured by status");
  cmd->add_option("-o,--output", options->output, "write to this file (default: stdout)");
  cmd->add_option("--format", options->format, "svg (default), dot (Graphviz input) or text")
      ->check(CLI::IsMember({"svg", "dot", "text"}));
  cmd->add_flag("!--no-legend", options->legend, "leave the legend out");
  cmd->callback([&context, options] {
    context.exit_code = RunGraph(context.global, *options);
  });
}

}  // namespace weft::cli
