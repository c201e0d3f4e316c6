// bench/graph_bench: what `weft graph` costs for a large workflow. A generated workflow of N
// task calls (default 200) in a realistic mix: sequences, an if/else every 10 calls, a
// parallel block of 3 branches every 25, a loop every 40. Reports, per run (median of --runs):
//   build    compile the source and make the graph model (graph::GraphFromSource);
//   svg      Graphviz's dot layout and the SVG render (graph::RenderSvg);
// plus the node and edge counts and the SVG's size. Last line: one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "graph/build.h"
#include "graph/svg.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string Source(int tasks) {
  std::string s;
  for (int t = 0; t < 10; ++t) absl::StrAppend(&s, "task t", t, "\n");
  absl::StrAppend(&s, "workflow big(x: int, items: list) {\n    var n = 0\n");
  int made = 0;
  auto call = [&](const char* indent) {
    absl::StrAppend(&s, indent, "n = n + t", made % 10, "(i: ", made, ").v\n");
    ++made;
  };
  while (made < tasks) {
    if (made % 40 == 39) {
      absl::StrAppend(&s, "    for it in items {\n");
      call("        ");
      absl::StrAppend(&s, "    }\n");
    } else if (made % 25 == 24 && made + 3 <= tasks) {
      absl::StrAppend(&s, "    parallel {\n");
      for (int b = 0; b < 3; ++b) {
        absl::StrAppend(&s, "        t", made % 10, "(i: ", made, ")\n");
        ++made;
      }
      absl::StrAppend(&s, "    }\n");
    } else if (made % 10 == 9 && made + 2 <= tasks) {
      absl::StrAppend(&s, "    if n > ", made, " {\n");
      call("        ");
      absl::StrAppend(&s, "    } else {\n");
      call("        ");
      absl::StrAppend(&s, "    }\n");
    } else {
      call("    ");
    }
  }
  absl::StrAppend(&s, "    return n\n}\n");
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("graph_bench: a large workflow to SVG with Graphviz");
  int tasks = 200;
  int runs = 5;
  app.add_option("--tasks", tasks, "task calls in the workflow");
  app.add_option("--runs", runs, "runs (the median is reported)");
  CLI11_PARSE(app, argc, argv);

  const std::string source = Source(tasks);
  std::vector<double> build, svg;
  size_t nodes = 0, edges = 0, bytes = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<weft::graph::Graph> g = weft::graph::GraphFromSource("big.wf", source, "big");
    build.push_back(Seconds(t0));
    if (!g.ok()) {
      std::fprintf(stderr, "%s\n", std::string(g.status().message()).c_str());
      return 1;
    }
    t0 = std::chrono::steady_clock::now();
    absl::StatusOr<std::string> out = weft::graph::RenderSvg(*g);
    svg.push_back(Seconds(t0));
    if (!out.ok()) {
      std::fprintf(stderr, "%s\n", std::string(out.status().message()).c_str());
      return 1;
    }
    nodes = g->nodes.size();
    edges = g->edges.size();
    bytes = out->size();
  }
  std::printf("tasks %d, nodes %zu, edges %zu, svg %zu bytes\n", tasks, nodes, edges, bytes);
  std::printf("build (compile + model): %.1f ms\n", Median(build) * 1e3);
  std::printf("svg (dot layout + render): %.1f ms\n", Median(svg) * 1e3);
  std::printf("{\"tasks\":%d,\"nodes\":%zu,\"edges\":%zu,\"svg_bytes\":%zu,\"build_ms\":%.2f,"
              "\"svg_ms\":%.2f}\n",
              tasks, nodes, edges, bytes, Median(build) * 1e3, Median(svg) * 1e3);
  return 0;
}
