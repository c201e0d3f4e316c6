// How an HTTP response becomes Values for the `http` task (see workers/http_task.h): the final
// response's headers, gathered from libcurl's header lines, and the body, parsed when it is
// JSON. Nothing here touches the network, so tests can feed it lines directly.
#ifndef WEFT_WORKERS_HTTP_RESPONSE_H_
#define WEFT_WORKERS_HTTP_RESPONSE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/value.h"

namespace weft::workers {

// Fed every header line libcurl sees. A status line starts a new response, so after redirects
// and `100 Continue` only the final response's headers remain.
class ResponseHeaders {
 public:
  // One raw line, with or without its CRLF.
  void AddLine(std::string_view line);
  // The status line's reason phrase ("Not Found"); empty for HTTP/2, which has none.
  const std::string& reason() const { return reason_; }
  // The value of a header by lower-case name, or "" when absent.
  std::string Get(std::string_view lower_name) const;
  // {lower-cased name: value}, in order of first appearance; repeats joined with ", ".
  Value ToValue() const;

 private:
  std::string reason_;
  std::vector<std::pair<std::string, std::string>> headers_;  // lower-cased names
};

// application/json or any */*+json, ignoring case and parameters such as charset.
bool IsJsonContentType(std::string_view content_type);

// The body as a Value: parsed JSON when the content type says JSON and it parses, else the text.
Value DecodeBody(std::string body, std::string_view content_type);

// {status, headers, body}: the success output, and part of the details of a non-2xx failure.
Object ResponseObject(long status, const ResponseHeaders& headers, std::string body);

// 408 Request Timeout, 429 Too Many Requests and 5xx may succeed later; other statuses will not.
bool IsRetryableStatus(long status);

}  // namespace weft::workers

#endif  // WEFT_WORKERS_HTTP_RESPONSE_H_
