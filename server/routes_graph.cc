// The diagram endpoints (docs/server.md, docs/graph.md), which the web UI embeds:
//   GET /api/weft/workflows/{name}/versions/{version}/graph   a deployed version ("latest" or N)
//   GET /api/weft/executions/{id}/graph                       an execution, coloured by status
// Both answer image/svg+xml: graph/'s SVG, whose node groups carry the data-* attributes of
// the contract. They run on the blocking pool: reading the store and Graphviz's layout take
// milliseconds, and Graphviz is serialised (graph/svg.h).
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "graph/overlay.h"
#include "graph/svg.h"
#include "server/routes.h"

namespace weft::server {
namespace {

// Child nodes link to the UI's definition page of the child.
constexpr const char* kChildLinkPrefix = "/definitions/";

Response Svg(const absl::StatusOr<graph::Graph>& graph) {
  if (!graph.ok()) return Response::FromStatus(graph.status());
  graph::SvgOptions options;
  options.child_link_prefix = kChildLinkPrefix;
  absl::StatusOr<std::string> svg = graph::RenderSvg(*graph, options);
  if (!svg.ok()) return Response::FromStatus(svg.status());
  return Response{200, "image/svg+xml", *std::move(svg), {}};
}

void VersionGraph(RouteContext& c, Request& r, Reply reply) {
  const std::string version_text(r.Param("version"));
  uint32_t version = 0;
  if (version_text != "latest" && (!absl::SimpleAtoi(version_text, &version) || version == 0)) {
    return reply(Response::Error(
        400, absl::StrCat("bad version `", version_text, "`: expected a number >= 1 or `latest`")));
  }
  reply(Svg(graph::VersionGraph(c.service.engine(), r.Param("name"), version)));
}

void ExecutionGraph(RouteContext& c, Request& r, Reply reply) {
  reply(Svg(graph::ExecutionGraph(c.service.engine(), r.Param("id"))));
}

}  // namespace

void AddGraphRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string pattern, void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({"GET", std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("/api/weft/workflows/{name}/versions/{version}/graph", VersionGraph);
  add("/api/weft/executions/{id}/graph", ExecutionGraph);
}

}  // namespace weft::server
