// Checks the `http` task's input (workers/http_request.h). URLs are parsed with libcurl's own
// URL parser, so what we check is exactly what libcurl will later fetch.
#include "workers/http_request.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "workers/http_task.h"

namespace weft::workers {
namespace {

constexpr std::array<const char*, 7> kMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                 "PATCH", "DELETE", "OPTIONS"};
constexpr std::array<const char*, 6> kFields = {"url",  "method",  "headers",
                                               "body", "timeout", "follow_redirects"};

absl::Status Bad(const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat("http task: ", message));
}

std::string KindOf(const Value& v) { return std::string(Value::KindName(v.kind())); }

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlPtr = std::unique_ptr<CURLU, UrlDeleter>;

// A part of a parsed URL, or "" when it is absent.
std::string UrlPart(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, 0) != CURLUE_OK || text == nullptr) return "";
  std::string result(text);
  curl_free(text);
  return result;
}

absl::Status CheckUrl(const std::string& url) {
  UrlPtr parsed(curl_url());
  // NON_SUPPORT_SCHEME: parse any scheme here, so that file:// gets the message below.
  CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (rc != CURLUE_OK) {
    return Bad(absl::StrCat("`url` is not a valid URL (", curl_url_strerror(rc), "): ",
                            RedactUrl(url)));
  }
  std::string scheme = absl::AsciiStrToLower(UrlPart(parsed.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return Bad(absl::StrCat("`url` must be http:// or https://, not ", scheme, "://"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Method(const Value* v) {
  if (v == nullptr) return std::string("GET");
  if (!v->is_string()) return Bad(absl::StrCat("`method` must be a string, not ", KindOf(*v)));
  std::string method = absl::AsciiStrToUpper(v->as_string());
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    return Bad(absl::StrCat("unsupported `method` \"", v->as_string(), "\" (expected one of ",
                            absl::StrJoin(kMethods, ", "), ")"));
  }
  return method;
}

// RFC 9110 token characters: anything else in a name (a colon, a space, a newline) would let
// one header smuggle in another.
bool IsHeaderName(std::string_view name) {
  constexpr std::string_view kPunct = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || kPunct.find(c) != kPunct.npos;
  });
}

bool IsHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

absl::Status AddHeaders(const Value* v, HttpRequest& request) {
  if (v == nullptr || v->is_null()) return absl::OkStatus();
  if (!v->is_object()) return Bad(absl::StrCat("`headers` must be an object, not ", KindOf(*v)));
  for (const auto& [name, value] : v->as_object()) {
    if (!IsHeaderName(name)) return Bad(absl::StrCat("invalid header name \"", name, "\""));
    if (!value.is_string()) {
      return Bad(absl::StrCat("header `", name, "` must be a string, not ", KindOf(value)));
    }
    if (!IsHeaderValue(value.as_string())) {
      return Bad(absl::StrCat("header `", name, "` contains a line break or NUL"));
    }
    request.headers.emplace_back(name, value.as_string());
  }
  return absl::OkStatus();
}

void SetBody(const Value* v, HttpRequest& request) {
  if (v == nullptr || v->is_null()) return;
  if (v->is_string()) {
    request.body = v->as_string();
    return;
  }
  request.body = v->ToJson();
  if (!HasHeader(request, "content-type")) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
}

absl::Status SetOptions(const Object& in, HttpRequest& request) {
  request.timeout_ms = kDefaultTimeoutMs;
  if (const Value* t = in.Find("timeout"); t != nullptr && !t->is_null()) {
    if (!t->is_int() || t->as_int() <= 0) {
      return Bad(absl::StrCat("`timeout` must be a positive int (milliseconds), not ",
                              t->ToJson()));
    }
    request.timeout_ms = static_cast<long>(t->as_int());
  }
  if (const Value* f = in.Find("follow_redirects"); f != nullptr && !f->is_null()) {
    if (!f->is_bool()) {
      return Bad(absl::StrCat("`follow_redirects` must be a bool, not ", KindOf(*f)));
    }
    request.follow_redirects = f->as_bool();
  }
  return absl::OkStatus();
}

absl::Status CheckFields(const Object& in) {
  for (const auto& [name, value] : in) {
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      return Bad(absl::StrCat("unknown input field `", name, "` (expected ",
                              absl::StrJoin(kFields, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool HasHeader(const HttpRequest& request, std::string_view lower_name) {
  return std::any_of(request.headers.begin(), request.headers.end(), [&](const auto& h) {
    return absl::AsciiStrToLower(h.first) == lower_name;
  });
}

std::string RedactUrl(const std::string& url) {
  UrlPtr parsed(curl_url());
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    return url;
  }
  if (UrlPart(parsed.get(), CURLUPART_USER).empty() &&
      UrlPart(parsed.get(), CURLUPART_PASSWORD).empty()) {
    return url;  // keep the author's spelling when there is nothing to hide
  }
  curl_url_set(parsed.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(parsed.get(), CURLUPART_PASSWORD, nullptr, 0);
  std::string redacted = UrlPart(parsed.get(), CURLUPART_URL);
  return redacted.empty() ? "(url hidden)" : redacted;
}

absl::StatusOr<HttpRequest> ParseHttpRequest(const Value& input) {
  if (!input.is_object()) {
    return Bad(absl::StrCat("input must be an object, not ", KindOf(input)));
  }
  const Object& in = input.as_object();
  if (absl::Status s = CheckFields(in); !s.ok()) return s;
  HttpRequest request;
  const Value* url = in.Find("url");
  if (url == nullptr || url->is_null()) return Bad("missing `url`");
  if (!url->is_string()) return Bad(absl::StrCat("`url` must be a string, not ", KindOf(*url)));
  if (absl::Status s = CheckUrl(url->as_string()); !s.ok()) return s;
  request.url = url->as_string();
  request.display_url = RedactUrl(request.url);
  absl::StatusOr<std::string> method = Method(in.Find("method"));
  if (!method.ok()) return method.status();
  request.method = *std::move(method);
  if (absl::Status s = AddHeaders(in.Find("headers"), request); !s.ok()) return s;
  SetBody(in.Find("body"), request);
  if (request.method == "HEAD" && request.body.has_value()) {
    return Bad("a HEAD request cannot have a `body`");
  }
  if (absl::Status s = SetOptions(in, request); !s.ok()) return s;
  return request;
}

}  // namespace weft::workers
