// The web UI at `/` (docs/ui.md): the embedded files of ui/ (server/ui_assets.h) under /ui/...,
// and index.html for `/` and for every client-side route (/executions, /executions/{id},
// /definitions, /definitions/{name}, /queues), so that a page's URL can be shared and reloaded.
// Each answer carries the file's ETag; a request whose If-None-Match matches gets 304. The
// files hold no data, so they are served without the bearer token (IsUiPath): the page asks
// for the token and sends it with every API call.
#include <string>

#include "server/routes.h"
#include "server/ui_assets.h"

namespace weft::server {
namespace {

// The client-side routes: each answers index.html, and the page's router draws the view.
constexpr const char* kPagePatterns[] = {
    "/",           "/executions", "/executions/{id}", "/definitions", "/definitions/{name}",
    "/definitions/{name}/{version}", "/queues",
};

const UiAsset* FindAsset(std::string_view path) {
  for (const UiAsset& a : UiAssets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

Response Serve(const UiAsset& asset, const Request& r) {
  Response out;
  out.headers.emplace_back("ETag", std::string(asset.etag));
  // Revalidate every time (cheap: 304 with no body), so a new binary's UI shows at once.
  out.headers.emplace_back("Cache-Control", "no-cache");
  if (!r.if_none_match.empty() && r.if_none_match.find(asset.etag) != std::string::npos) {
    out.status = 304;
    out.content_type.clear();
    return out;
  }
  out.status = 200;
  out.content_type = std::string(asset.content_type);
  out.body = std::string(asset.body);
  return out;
}

}  // namespace

bool IsUiPath(std::string_view path) {
  if (path == "/" || path.starts_with("/ui/")) return true;
  for (std::string_view prefix : {"/executions", "/definitions", "/queues"}) {
    if (path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

void AddUiRoutes(Router& router) {
  for (const char* pattern : kPagePatterns) {
    router.Add({"GET", pattern, RunOn::kInline, [](Request& r, Reply reply) {
                  const UiAsset* index = FindAsset("/ui/index.html");
                  if (index == nullptr) return reply(Response::Error(404, "no UI in this build"));
                  reply(Serve(*index, r));
                }});
  }
  // Assets nest at most two folders deep (ui/pages/x.js); one route per depth.
  for (const char* pattern : {"/ui/{a}", "/ui/{a}/{b}"}) {
    router.Add({"GET", pattern, RunOn::kInline, [](Request& r, Reply reply) {
                  const UiAsset* asset = FindAsset(r.path);
                  if (asset == nullptr) {
                    return reply(Response::Error(404, "no file " + r.path + " in the UI"));
                  }
                  reply(Serve(*asset, r));
                }});
  }
}

}  // namespace weft::server
