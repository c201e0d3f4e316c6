// The `http` task's input, checked and normalised before any network I/O (the fields are
// described in workers/http_task.h). Mistakes in the input are the workflow author's, so they
// come back as InvalidArgument whose message is shown as is.
#ifndef WEFT_WORKERS_HTTP_REQUEST_H_
#define WEFT_WORKERS_HTTP_REQUEST_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "weft/value.h"

namespace weft::workers {

struct HttpRequest {
  std::string method;       // upper case, one of the supported methods
  std::string url;          // as given; scheme checked to be http or https
  std::string display_url;  // url without user:password, for messages
  std::vector<std::pair<std::string, std::string>> headers;  // as given, in order
  std::optional<std::string> body;  // the bytes to send; JSON already serialised
  long timeout_ms = 0;
  bool follow_redirects = true;
};

absl::StatusOr<HttpRequest> ParseHttpRequest(const Value& input);

// Whether the request sets the header `lower_name` (compared case-insensitively).
bool HasHeader(const HttpRequest& request, std::string_view lower_name);

// `url` with any user:password removed, or `url` itself when libcurl cannot parse it.
std::string RedactUrl(const std::string& url);

}  // namespace weft::workers

#endif  // WEFT_WORKERS_HTTP_REQUEST_H_
