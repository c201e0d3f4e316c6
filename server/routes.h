// The route families of `weft serve`, each in its own file, and what they share: reading a
// JSON body within the limits and answering with JSON. Every handler calls the Service
// (service.h) and nothing below it.
#ifndef WEFT_SERVER_ROUTES_H_
#define WEFT_SERVER_ROUTES_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "server/limits.h"
#include "server/request.h"
#include "server/router.h"
#include "server/service.h"
#include "weft/value.h"

namespace weft::server {

struct RouteContext {
  Service& service;
  ServerLimits limits;
};

// Conductor's task API: /api/tasks/... (routes_tasks.cc).
void AddTaskRoutes(Router& router, RouteContext& context);
// Conductor's workflow API: /api/workflow/... (routes_workflow.cc).
void AddWorkflowRoutes(Router& router, RouteContext& context);
// Conductor's metadata API: /api/metadata/... (routes_metadata.cc).
void AddMetadataRoutes(Router& router, RouteContext& context);
// Weft's own endpoints: /api/weft/... (routes_weft.cc).
void AddWeftRoutes(Router& router, RouteContext& context);
// Version aliases: /api/weft/aliases, /api/weft/workflows/{name}/aliases/... (routes_aliases.cc).
void AddAliasRoutes(Router& router, RouteContext& context);
void AddVersionRoutes(Router& router, RouteContext& context);  // routes_versions.cc
// Live migration: /api/weft/check-migration, /api/weft/executions/{id}/migrate,
// /api/weft/workflows/{name}/migrate (routes_migrate.cc).
void AddMigrateRoutes(Router& router, RouteContext& context);
// Conductor's scheduler API: /api/scheduler/... (routes_scheduler.cc).
void AddSchedulerRoutes(Router& router, RouteContext& context);
// Conductor's event handler API: /api/event..., and Weft's /api/weft/events/... (routes_events.cc).
void AddEventRoutes(Router& router, RouteContext& context);
// Diagrams: /api/weft/workflows/{name}/versions/{version}/graph and
// /api/weft/executions/{id}/graph, as SVG (routes_graph.cc).
void AddGraphRoutes(Router& router, RouteContext& context);
// /health, /metrics, and the 501s of Conductor endpoints not served (routes_ops.cc).
void AddOpsRoutes(Router& router, RouteContext& context);
// The web UI: its embedded files and the pages' URLs (routes_ui.cc).
void AddUiRoutes(Router& router);
// True for the UI's paths (/, /ui/..., the pages' URLs): served without the bearer token, since
// they hold no data and a browser cannot send the token when it loads a page.
bool IsUiPath(std::string_view path);

// The body as JSON: InvalidArgument when it is empty (unless `allow_empty`, which gives null),
// not UTF-8, nested deeper than limits.max_json_depth, or not JSON.
absl::StatusOr<Value> ParseJsonBody(const Request& request, const ServerLimits& limits,
                                    bool allow_empty = false);
// True when `json` nests lists/objects deeper than `max_depth` (a scan, no parse).
bool JsonNestsDeeperThan(std::string_view json, int max_depth);
// An optional integer query parameter: `fallback` when absent, InvalidArgument when present
// but not an integer.
absl::StatusOr<int64_t> QueryInt(const Request& request, std::string_view name, int64_t fallback);
bool QueryBool(const Request& request, std::string_view name, bool fallback);

inline Response JsonOk(const Value& v) { return Response::Json(200, v.ToJson()); }

}  // namespace weft::server

#endif  // WEFT_SERVER_ROUTES_H_
