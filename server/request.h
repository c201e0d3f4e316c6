// The transport-free shape of one HTTP exchange, as the route handlers see it: a parsed
// request (method, path, query parameters, body) and the response they answer with. The
// Beast session (http_server.cc) fills a Request and writes a Response; handlers never see
// Beast or Asio types, so they can be driven directly in tests and reused by other transports.
#ifndef WEFT_SERVER_REQUEST_H_
#define WEFT_SERVER_REQUEST_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace weft::server {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // the raw request target
  std::string path;    // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string body;
  std::string content_type;
  std::string if_none_match;  // the If-None-Match header (ETags), "" when absent
  // Captures of {name} segments of the matched route.
  absl::flat_hash_map<std::string, std::string> params;

  // The first value of query parameter `name`; nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
  // The path capture `name`. REQUIRES: the route declares it.
  const std::string& Param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (e.g. WWW-Authenticate).
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
  static Response NoContent();
  // {"status": N, "message": "...", "retryable": false}: Conductor's ErrorResponse.
  static Response Error(int status, std::string_view message);
  // The HTTP status of an absl::Status (NotFound 404, InvalidArgument 400,
  // FailedPrecondition 409, Unavailable 503, ResourceExhausted 413, ...) and its message.
  static Response FromStatus(const absl::Status& status);
};

// Answers a request. May be called on any thread, exactly once.
using Reply = std::function<void(Response)>;

// Splits "a=1&b=x%20y" into decoded pairs; false when an escape is malformed or a decoded
// byte sequence is not UTF-8.
bool ParseQuery(std::string_view text, std::vector<std::pair<std::string, std::string>>& out);
// Decodes %XX escapes (and '+' as a space when `plus_is_space`); nullopt when malformed.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
// True when `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace weft::server

#endif  // WEFT_SERVER_REQUEST_H_
