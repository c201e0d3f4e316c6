// The `http` system task (workers/http_task.h): one libcurl transfer per task.
//
// Each call makes a fresh easy handle rather than reusing a thread_local one. A handle costs
// microseconds next to a network round trip, and a fresh one carries nothing from one task to
// the next (cookies, authentication, a connection to a host another workflow talked to), so
// tasks of different executions on the same engine thread stay independent. The price is no
// keep-alive between tasks, which a durable engine, checkpointing between tasks, would barely
// notice.
#include "workers/http_task.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "workers/http_request.h"
#include "workers/http_response.h"

namespace weft::workers {
namespace {

// curl_global_init is not thread-safe and must run before any other thread uses libcurl; the
// engine calls us from several worker threads at once.
CURLcode InitCurlOnce() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// What the callbacks fill in during one transfer.
struct Transfer {
  size_t max_body_bytes = 0;
  bool too_large = false;
  std::string body;
  ResponseHeaders headers;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (n > t->max_body_bytes - t->body.size()) {
    t->too_large = true;
    return 0;  // anything but n aborts the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  size_t n = size * count;
  static_cast<Transfer*>(user)->headers.AddLine(std::string_view(data, n));
  return n;
}

// The `error` name in a transport failure's details, and whether trying again may help.
struct ErrorKind {
  const char* name;
  bool retryable;
};

ErrorKind ClassifyError(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return {"timeout", true};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return {"dns", true};
    case CURLE_COULDNT_CONNECT: return {"connect", true};
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE: return {"tls", true};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return {"network", true};
    // The same request would be redirected the same way again.
    case CURLE_TOO_MANY_REDIRECTS: return {"too_many_redirects", false};
    case CURLE_UNSUPPORTED_PROTOCOL: return {"protocol", false};  // e.g. a redirect to file://
    default: return {"transport", true};
  }
}

// Every failure's details start with {error, url, status}, so a workflow's catch can test
// `e.details.status == 404` without first asking which kind of failure it has (reading an
// absent field is an error in Weft). `status` is null when no response came back.
Object FailureDetails(std::string_view error, std::string url, Value status) {
  Object details;
  details.Set("error", Value::String(std::string(error)));
  details.Set("url", url.empty() ? Value() : Value::String(std::move(url)));
  details.Set("status", std::move(status));
  return details;
}

Value ErrorDetails(std::string_view error, const HttpRequest& request) {
  return Value::MakeObject(FailureDetails(error, request.display_url, Value()));
}

HttpOutcome Failure(std::string message, Value details, bool retryable) {
  return HttpOutcome{false, Value(), std::move(message), std::move(details), retryable};
}

std::string Describe(const HttpRequest& request) {
  return absl::StrCat(request.method, " ", request.display_url);
}

HttpOutcome TransportFailure(CURLcode code, const char* errbuf, const Transfer& t,
                             const HttpRequest& request) {
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return Failure(absl::StrCat("response to ", Describe(request), " is larger than ",
                                t.max_body_bytes, " bytes"),
                   ErrorDetails("too_large", request), false);
  }
  ErrorKind kind = ClassifyError(code);
  std::string message = absl::StrCat(Describe(request), " failed: ", curl_easy_strerror(code));
  if (errbuf[0] != '\0') absl::StrAppend(&message, " (", errbuf, ")");
  return Failure(std::move(message), ErrorDetails(kind.name, request), kind.retryable);
}

// "Name: value", or "Name;" which is how libcurl is told to send a header with an empty value.
SlistPtr HeaderList(const HttpRequest& request) {
  curl_slist* list = nullptr;
  auto add = [&](const std::string& line) {
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (grown != nullptr) list = grown;
  };
  for (const auto& [name, value] : request.headers) {
    add(value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value));
  }
  // libcurl sends `Expect: 100-continue` for larger bodies and then waits up to a second for
  // servers that never answer it; an empty value turns that off unless the author set one.
  if (!HasHeader(request, "expect")) add("Expect:");
  // Nor does a string body get libcurl's default `application/x-www-form-urlencoded`: the
  // author sent these bytes as they are, and sets a content type when one is wanted.
  if (request.body.has_value() && !HasHeader(request, "content-type")) add("Content-Type:");
  return SlistPtr(list);
}

void SetMethodAndBody(CURL* h, const HttpRequest& request) {
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    return;
  }
  if (request.body.has_value()) {
    // POSTFIELDS only points at the bytes; `request` outlives the transfer.
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body->data());
  } else if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{0});
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
  }
  // POST stays libcurl's own so a 301/302/303 turns it into a GET, as browsers do; any other
  // method is kept across redirects.
  if (request.method != "POST" && (request.method != "GET" || request.body.has_value())) {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

void SetOptions(CURL* h, const HttpRequest& request, curl_slist* headers, Transfer& t,
                char* errbuf) {
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: we run on threads
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "weft");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  // Refuses early when Content-Length announces too much; OnBody catches the rest.
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.max_body_bytes));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  SetMethodAndBody(h, request);
}

HttpOutcome StatusOutcome(long status, Transfer& t, const HttpRequest& request) {
  Object response = ResponseObject(status, t.headers, std::move(t.body));
  if (status >= 200 && status < 300) {
    return HttpOutcome{true, Value::MakeObject(std::move(response)), "", Value(), false};
  }
  Object details = FailureDetails("status", request.display_url, Value());
  for (const auto& [name, value] : response) details.Set(name, value);  // replaces null status
  std::string reason = t.headers.reason();
  return Failure(absl::StrCat("HTTP ", status, reason.empty() ? "" : " ", reason, " from ",
                              Describe(request)),
                 Value::MakeObject(std::move(details)), IsRetryableStatus(status));
}

HttpOutcome Perform(const HttpRequest& request, const HttpTaskOptions& options) {
  EasyPtr handle(curl_easy_init());
  if (handle == nullptr) {
    return Failure("http task: cannot create a libcurl handle", ErrorDetails("transport", request),
                   true);
  }
  Transfer transfer;
  transfer.max_body_bytes = options.max_response_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};
  SlistPtr headers = HeaderList(request);
  SetOptions(handle.get(), request, headers.get(), transfer, errbuf);
  CURLcode code = curl_easy_perform(handle.get());
  if (code != CURLE_OK) return TransportFailure(code, errbuf, transfer, request);
  long status = 0;
  curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &status);
  return StatusOutcome(status, transfer, request);
}

}  // namespace

HttpOutcome RunHttpTask(const Value& input, const HttpTaskOptions& options) {
  if (CURLcode init = InitCurlOnce(); init != CURLE_OK) {
    return Failure(absl::StrCat("http task: libcurl failed to initialise: ", curl_easy_strerror(init)),
                   Value(), false);
  }
  absl::StatusOr<HttpRequest> request = ParseHttpRequest(input);
  if (!request.ok()) {
    return Failure(std::string(request.status().message()),
                   Value::MakeObject(FailureDetails("input", "", Value())), false);
  }
  return Perform(*request, options);
}

}  // namespace weft::workers
