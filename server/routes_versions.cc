// Version lifecycle over HTTP (docs/server.md, "Versions"): delete one version, refused with
// 409 naming its referrers; collect every unreferenced version of a workflow, or of all.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/routes.h"
#include "server/version_gc_json.h"

namespace weft::server {
namespace {

// DELETE /api/weft/workflows/{name}/versions/{version}
void Delete(RouteContext& c, Request& r, Reply reply) {
  uint32_t version = 0;
  if (!absl::SimpleAtoi(r.Param("version"), &version) || version == 0) {
    return reply(Response::Error(
        400, absl::StrCat("the version must be a positive integer, not `", r.Param("version"), "`")));
  }
  absl::Status s = c.service.DeleteVersion(r.Param("name"), version);
  if (!s.ok()) return reply(Response::FromStatus(s));
  reply(Response{200, "", "", {}});
}

// POST /api/weft/versions/gc?workflow=NAME&dryRun=true
void Collect(RouteContext& c, Request& r, Reply reply) {
  const std::string workflow = r.Query("workflow").value_or("");
  absl::StatusOr<std::vector<CollectedVersion>> collected =
      c.service.CollectVersions(workflow, QueryBool(r, "dryRun", false));
  if (!collected.ok()) return reply(Response::FromStatus(collected.status()));
  reply(JsonOk(CollectedToJson(*collected)));
}

}  // namespace

void AddVersionRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string method, std::string pattern, void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("DELETE", "/api/weft/workflows/{name}/versions/{version}", Delete);
  add("POST", "/api/weft/versions/gc", Collect);
}

}  // namespace weft::server
