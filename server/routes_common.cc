// What the route families share (routes.h): JSON bodies within the limits, query parameters.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "server/routes.h"

namespace weft::server {

bool JsonNestsDeeperThan(std::string_view json, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

absl::StatusOr<Value> ParseJsonBody(const Request& request, const ServerLimits& limits,
                                    bool allow_empty) {
  std::string_view body = request.body;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (allow_empty) return Value();
    return absl::InvalidArgumentError("the request needs a JSON body");
  }
  if (!IsValidUtf8(body)) return absl::InvalidArgumentError("the body is not valid UTF-8");
  if (JsonNestsDeeperThan(body, limits.max_json_depth)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the JSON body nests deeper than ", limits.max_json_depth, " levels"));
  }
  absl::StatusOr<Value> v = Value::FromJson(body);
  if (!v.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the body is not JSON: ", v.status().message()));
  }
  return v;
}

absl::StatusOr<int64_t> QueryInt(const Request& request, std::string_view name, int64_t fallback) {
  std::optional<std::string> text = request.Query(name);
  if (!text || text->empty()) return fallback;
  int64_t n = 0;
  if (!absl::SimpleAtoi(*text, &n)) {
    return absl::InvalidArgumentError(
        absl::StrCat("query parameter `", ToAbsl(name), "` must be an integer, not `", *text, "`"));
  }
  return n;
}

bool QueryBool(const Request& request, std::string_view name, bool fallback) {
  std::optional<std::string> text = request.Query(name);
  if (!text || text->empty()) return fallback;
  return *text == "true" || *text == "1";
}

}  // namespace weft::server
