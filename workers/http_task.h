// The executor of the `http` system task: one HTTP request per task, made with libcurl.
// docs/http.md is the reference for workflow authors; this header is the contract for the
// engine, which calls RunHttpTask from a worker thread for every task of type `http` and
// applies the task's retry policy to failures.
//
// Input (an object; unknown fields are rejected so a typo is not silently ignored):
//   url               string, required, http:// or https:// only
//   method            string, default "GET"; one of GET HEAD POST PUT PATCH DELETE OPTIONS
//                     (any case)
//   headers           {name: string}
//   body              a string is sent as it is, with no content type unless the headers
//                     set one; any other value is sent as JSON, with
//                     `content-type: application/json` unless the headers set a content type
//   timeout           int, milliseconds for the whole exchange, default 30000
//   follow_redirects  bool, default true (at most kMaxRedirects, http and https only)
//
// Results:
//   2xx             ok; output {status, headers, body}: header names lower-cased, repeated
//                   headers joined with ", "; body parsed when the content type is JSON
//                   (application/json or */*+json) and it parses, otherwise the body text
//   other statuses  not ok; message "HTTP 503 Service Unavailable from GET URL", details
//                   {error: "status", url, status, headers, body}, the last three as above;
//                   retryable for 408, 429 and 5xx only
//   transport       not ok; message from libcurl, details {error, url, status: null}; see
//                   ClassifyError in http_task.cc for the `error` names and which are retryable
//   bad input       not ok, not retryable; the message names the field; details
//                   {error: "input", url: null, status: null}
// Every failure's details thus have `error`, `url` and `status`, so a workflow can test
// `e.details.status` whatever went wrong.
// URLs in messages and details have any user:password removed.
//
// Thread-safe: each call uses its own curl handle, and libcurl is initialised once.
#ifndef WEFT_WORKERS_HTTP_TASK_H_
#define WEFT_WORKERS_HTTP_TASK_H_

#include <cstddef>
#include <string>

#include "weft/value.h"

namespace weft::workers {

struct HttpOutcome {
  bool ok = false;
  Value output;         // when ok
  std::string message;  // when !ok: one line for people
  Value details;        // when !ok: data a workflow's catch can inspect
  bool retryable = false;
};

// Responses whose body is larger than this fail (error "too_large") instead of using memory.
inline constexpr size_t kDefaultMaxResponseBytes = size_t{10} << 20;  // 10 MiB
inline constexpr long kMaxRedirects = 10;
inline constexpr long kDefaultTimeoutMs = 30000;

struct HttpTaskOptions {
  size_t max_response_bytes = kDefaultMaxResponseBytes;
};

HttpOutcome RunHttpTask(const Value& input, const HttpTaskOptions& options);
inline HttpOutcome RunHttpTask(const Value& input) { return RunHttpTask(input, {}); }

}  // namespace weft::workers

#endif  // WEFT_WORKERS_HTTP_TASK_H_
