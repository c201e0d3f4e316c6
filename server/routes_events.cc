// Conductor's event handler API on `weft serve` (docs/server.md, docs/events.md): POST
// /api/event adds a handler (409 when the name is taken), PUT /api/event updates one (404 when
// there is none), GET /api/event lists them, GET /api/event/{event}?activeOnly=true those of an
// event (`nats:orders.created`), DELETE /api/event/{name} removes one. Plus Weft's GET
// /api/weft/events (every handler and whether the listener receives its messages), GET
// /api/weft/events/{name} (one handler) and GET /api/weft/events/{name}/messages?limit=N (the
// records of the messages it received).
#include "absl/strings/str_cat.h"
#include "server/event_json.h"
#include "weft/event_message.h"
#include "server/routes.h"

namespace weft::server {
namespace {

constexpr int64_t kMaxMessages = 10000;

void Empty(const absl::Status& s, Reply& reply) {
  if (!s.ok()) return reply(Response::FromStatus(s));
  reply(Response{200, "", "", {}});
}

void Add(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  Empty(c.service.SaveEventHandler(*body, /*replace=*/false).status(), reply);
}

void Update(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<Value> body = ParseJsonBody(r, c.limits);
  if (!body.ok()) return reply(Response::FromStatus(body.status()));
  const Value* name = body->is_object() ? body->as_object().Find("name") : nullptr;
  if (name != nullptr && name->is_string()) {
    absl::StatusOr<EventHandlerInfo> existing = c.service.GetEventHandler(name->as_string());
    if (!existing.ok()) return reply(Response::FromStatus(existing.status()));
  }
  Empty(c.service.SaveEventHandler(*body, /*replace=*/true).status(), reply);
}

// Every handler, or those of `event` (empty: all), only the active ones when `active_only`.
void ReplyHandlers(RouteContext& c, std::string_view event, bool active_only, Reply& reply) {
  absl::StatusOr<std::vector<EventHandlerInfo>> all = c.service.ListEventHandlers();
  if (!all.ok()) return reply(Response::FromStatus(all.status()));
  List items;
  for (const EventHandlerInfo& h : *all) {
    if (!event.empty() && h.event != event) continue;
    if (active_only && !h.active) continue;
    items.push_back(h.definition);
  }
  reply(JsonOk(Value::MakeList(std::move(items))));
}

void GetAll(RouteContext& c, Request&, Reply reply) { ReplyHandlers(c, "", false, reply); }

void GetOfEvent(RouteContext& c, Request& r, Reply reply) {
  ReplyHandlers(c, r.Param("event"), QueryBool(r, "activeOnly", /*fallback=*/true), reply);
}

// Weft's list: every handler with where it stands with this server's listener.
void Statuses(RouteContext& c, Request&, Reply reply) {
  absl::StatusOr<std::vector<EventHandlerInfo>> all = c.service.ListEventHandlers();
  if (!all.ok()) return reply(Response::FromStatus(all.status()));
  List items;
  for (const EventHandlerInfo& h : *all) items.push_back(EventHandlerStatusToJson(h));
  reply(JsonOk(Value::MakeList(std::move(items))));
}

void Remove(RouteContext& c, Request& r, Reply reply) {
  Empty(c.service.DeleteEventHandler(r.Param("name")), reply);
}

void GetOne(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<EventHandlerInfo> h = c.service.GetEventHandler(r.Param("name"));
  if (!h.ok()) return reply(Response::FromStatus(h.status()));
  reply(JsonOk(h->definition));
}

void Messages(RouteContext& c, Request& r, Reply reply) {
  absl::StatusOr<int64_t> limit = QueryInt(r, "limit", 100);
  if (!limit.ok()) return reply(Response::FromStatus(limit.status()));
  if (*limit < 1 || *limit > kMaxMessages) {
    return reply(Response::Error(400, absl::StrCat("`limit` must be between 1 and ", kMaxMessages)));
  }
  absl::StatusOr<EventHandlerInfo> h = c.service.GetEventHandler(r.Param("name"));
  if (!h.ok()) return reply(Response::FromStatus(h.status()));
  absl::StatusOr<std::vector<EventMessage>> messages =
      c.service.ListEventMessages(r.Param("name"), static_cast<size_t>(*limit));
  if (!messages.ok()) return reply(Response::FromStatus(messages.status()));
  List items;
  for (const EventMessage& m : *messages) items.push_back(EventMessageToJson(m));
  reply(JsonOk(Value::MakeList(std::move(items))));
}

}  // namespace

void AddEventRoutes(Router& router, RouteContext& c) {
  auto add = [&](std::string method, std::string pattern,
                 void (*fn)(RouteContext&, Request&, Reply)) {
    router.Add({std::move(method), std::move(pattern), RunOn::kBlocking,
                [&c, fn](Request& r, Reply reply) { fn(c, r, std::move(reply)); }});
  };
  add("POST", "/api/event", Add);
  add("PUT", "/api/event", Update);
  add("GET", "/api/event", GetAll);
  add("GET", "/api/event/{event}", GetOfEvent);
  add("DELETE", "/api/event/{name}", Remove);
  add("GET", "/api/weft/events", Statuses);
  add("GET", "/api/weft/events/{name}", GetOne);
  add("GET", "/api/weft/events/{name}/messages", Messages);
}

}  // namespace weft::server
