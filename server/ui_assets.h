// The web UI's files (ui/), built into the binary by cmake/embed_ui.cmake, which generates
// ui_assets.cc: each file's URL path (/ui/...), content type, ETag and bytes. Nothing is read
// from disk or the network at run time. server/routes_ui.cc serves them.
#ifndef WEFT_SERVER_UI_ASSETS_H_
#define WEFT_SERVER_UI_ASSETS_H_

#include <string_view>
#include <vector>

namespace weft::server {

struct UiAsset {
  std::string_view path;          // "/ui/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted, as sent: "\"3f1c...\""
  std::string_view body;
};

// Every embedded file, sorted by path.
const std::vector<UiAsset>& UiAssets();

}  // namespace weft::server

#endif  // WEFT_SERVER_UI_ASSETS_H_
