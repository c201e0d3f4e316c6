// Weft's version aliases over HTTP (docs/server.md, "Aliases"): list them, set one, delete
// one. Starting through an alias is the start endpoints' `alias` field (routes_workflow.cc).
#include "server/alias_json.h"
#include "server/routes.h"

namespace weft::server {
namespace {

Response AliasList(const absl::StatusOr<std::vector<VersionAlias>>& aliases) {
  if (!aliases.ok()) return Response::FromStatus(aliases.status());
  List items;
  for (const VersionAlias& a : *aliases) items.push_back(AliasToJson(a));
  return JsonOk(Value::MakeList(std::move(items)));
}

// GET /api/weft/aliases: every alias of every workflow.
void ListAll(RouteContext& c, Request&, Reply reply) { reply(AliasList(c.service.Aliases(""))); }

// GET /api/weft/workflows/{name}/aliases
void ListOfWorkflow(RouteContext& c, Request& r, Reply reply) {
  reply(AliasList(c.service.Aliases(r.Param("name"))));
}

// PUT /api/weft/workflows/{name}/aliases/{alias} with {"targets":[{"version":3,"weight":90}]}.
void Set(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  absl::StatusOr<VersionAlias> alias = AliasFromJson(*body);
  if (!alias.ok()) return reply(Response::FromStatus(alias.status()));
  alias->workflow = r.Param("name");
  alias->name = r.Param("alias");
  if (absl::Status s = c.service.SetAlias(*alias); !s.ok()) {
    return reply(Response::FromStatus(s));
  }
  absl::StatusOr<std::vector<VersionAlias>> stored = c.service.Aliases(alias->workflow);
  if (!stored.ok()) return reply(Response::FromStatus(stored.status()));
  for (const VersionAlias& a : *stored) {
    if (a.name == alias->name) return reply(JsonOk(AliasToJson(a)));
  }
  reply(JsonOk(AliasToJson(*alias)));
}

// DELETE /api/weft/workflows/{name}/aliases/{alias}
void Delete(RouteContext& c, Request& r, Reply reply) {
  absl::Status s = c.service.DeleteAlias(r.Param("name"), r.Param("alias"));
  if (!s.ok()) return reply(Response::FromStatus(s));
  reply(Response{200, "", "", {}});
}

}  // namespace

void AddAliasRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string method, std::string pattern, void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("GET", "/api/weft/aliases", ListAll);
  add("GET", "/api/weft/workflows/{name}/aliases", ListOfWorkflow);
  add("PUT", "/api/weft/workflows/{name}/aliases/{alias}", Set);
  add("DELETE", "/api/weft/workflows/{name}/aliases/{alias}", Delete);
}

}  // namespace weft::server
