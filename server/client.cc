// See client.h. The client's HTTP transport (one libcurl easy handle per call: the CLI makes a
// handful of calls), the helpers that read the server's JSON, the operations not served, and
// ConnectRemote. The served operations are in client_*.cc, one family each.
#include "server/client.h"

#include <curl/curl.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "server/remote_engine.h"

namespace weft::server {
namespace remote {
namespace {

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

absl::StatusCode CodeOf(long http) {
  switch (http) {
    case 400:
    case 413:
    case 431:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kFailedPrecondition;
    case 501:
      return absl::StatusCode::kUnimplemented;
    case 503:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

Value Field(const Value& v, std::string_view key) {
  if (!v.is_object()) return Value();
  const Value* f = v.as_object().Find(key);
  return f == nullptr ? Value() : *f;
}

int64_t IntField(const Value& v, std::string_view key) {
  Value f = Field(v, key);
  return f.is_int() ? f.as_int() : 0;
}

std::string StringField(const Value& v, std::string_view key) {
  Value f = Field(v, key);
  return f.is_string() ? f.as_string() : "";
}

// --- Transport ------------------------------------------------------------------------------

absl::StatusOr<HttpResult> RemoteEngine::Send(const std::string& method, const std::string& path,
                                              const std::string& body, const std::string& content_type) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("cannot start libcurl");
  HttpResult result;
  const std::string url = url_ + path;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  if (!token_.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token_).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (method != "GET") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach the server at ", url_, ": ", curl_easy_strerror(rc)));
  }
  return result;
}

absl::StatusOr<HttpResult> RemoteEngine::Call(const std::string& method, const std::string& path,
                                              const std::string& body, const std::string& content_type) {
  absl::StatusOr<HttpResult> result = Send(method, path, body, content_type);
  if (!result.ok()) return result.status();
  if (result->status >= 400) {
    absl::StatusOr<Value> error = Value::FromJson(result->body);
    std::string message = error.ok() ? StringField(*error, "message") : result->body;
    return absl::Status(CodeOf(result->status), message);
  }
  return result;
}

absl::StatusOr<Value> RemoteEngine::CallJson(const std::string& method, const std::string& path,
                                             const std::string& body) {
  absl::StatusOr<HttpResult> r = Call(method, path, body);
  if (!r.ok()) return r.status();
  if (r->body.empty()) return Value();
  return Value::FromJson(r->body);
}

absl::Status RemoteEngine::CallOk(const std::string& method, const std::string& path,
                                  const std::string& body) {
  return Call(method, path, body).status();
}

absl::Status RemoteEngine::Remote(std::string_view what) {
  return absl::UnimplementedError(absl::StrCat(
      ToAbsl(what), " is not available through `weft serve`; stop the server, or use its HTTP API"));
}

// --- Not served -----------------------------------------------------------------------------

absl::StatusOr<ExecutionInfo> RemoteEngine::AwaitExecution(std::string_view, absl::Duration) {
  return Remote("waiting for an execution");
}
absl::Status RemoteEngine::StartWorkers() { return Remote("running workers"); }
absl::StatusOr<std::optional<LeasedTask>> RemoteEngine::PollTask(std::string_view, std::string_view,
                                                                 std::string_view) {
  return Remote("polling");
}
absl::Status RemoteEngine::CompleteTask(std::string_view, std::string_view, Value, uint32_t) {
  return Remote("completing a task");
}
absl::Status RemoteEngine::FailTask(std::string_view, std::string_view, std::string, Value, bool, uint32_t) {
  return Remote("failing a task");
}
absl::Status RemoteEngine::Heartbeat(std::string_view, std::string_view, Value, uint32_t) {
  return Remote("a heartbeat");
}
void RemoteEngine::SubmitTaskResult(std::string_view, std::string_view, TaskOutcome, uint32_t,
                                    ResultCallback done) {
  if (done) done(Remote("submitting a result"));
}
absl::Status RemoteEngine::AddTaskLogs(std::string_view, std::vector<std::string>) {
  return Remote("adding task logs");
}
absl::StatusOr<std::vector<TaskLog>> RemoteEngine::TaskLogs(std::string_view) {
  return Remote("reading task logs");
}
absl::StatusOr<PruneResult> RemoteEngine::Prune(const PruneOptions&) { return Remote("prune"); }

}  // namespace remote

absl::StatusOr<std::unique_ptr<Engine>> ConnectRemote(const std::string& url, const std::string& token) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto engine = std::make_unique<remote::RemoteEngine>(base, token);
  if (absl::StatusOr<remote::HttpResult> health = engine->Call("GET", "/health"); !health.ok()) {
    return health.status();
  }
  return std::unique_ptr<Engine>(std::move(engine));
}

std::optional<std::string> ServedUrl(const std::string& store) {
  std::ifstream in(store + "/serve.json");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Value> v = Value::FromJson(text.str());
  if (!v.ok()) return std::nullopt;
  std::string url = remote::StringField(*v, "url");
  if (url.empty()) return std::nullopt;
  return url;
}

}  // namespace weft::server
