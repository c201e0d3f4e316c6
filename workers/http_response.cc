// Response headers and bodies as Values (workers/http_response.h).
#include "workers/http_response.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"

namespace weft::workers {
namespace {

// (Debian's abseil has its own string_view type, so std::string_view is trimmed by hand.)
std::string_view Trim(std::string_view s) {
  const char* kSpace = " \t\r\n";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

// "HTTP/1.1 404 Not Found" -> "Not Found"; "HTTP/2 200" -> "".
std::string ReasonPhrase(std::string_view status_line) {
  size_t code = status_line.find(' ');
  if (code == std::string_view::npos) return "";
  size_t reason = status_line.find(' ', code + 1);
  if (reason == std::string_view::npos) return "";
  return std::string(Trim(status_line.substr(reason + 1)));
}

}  // namespace

void ResponseHeaders::AddLine(std::string_view line) {
  if (absl::StartsWith(ToAbsl(line), "HTTP/")) {
    headers_.clear();
    reason_ = ReasonPhrase(Trim(line));
    return;
  }
  if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    // An obsolete folded continuation of the previous header's value.
    std::string_view more = Trim(line);
    if (!headers_.empty() && !more.empty()) absl::StrAppend(&headers_.back().second, " ", ToAbsl(more));
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;  // the blank line that ends a block
  std::string name = absl::AsciiStrToLower(ToAbsl(Trim(line.substr(0, colon))));
  std::string value(Trim(line.substr(colon + 1)));
  auto it = std::find_if(headers_.begin(), headers_.end(),
                         [&](const auto& h) { return h.first == name; });
  if (it == headers_.end()) {
    headers_.emplace_back(std::move(name), std::move(value));
  } else {
    absl::StrAppend(&it->second, ", ", value);
  }
}

std::string ResponseHeaders::Get(std::string_view lower_name) const {
  for (const auto& [name, value] : headers_) {
    if (name == lower_name) return value;
  }
  return "";
}

Value ResponseHeaders::ToValue() const {
  Object object;
  for (const auto& [name, value] : headers_) object.Set(name, Value::String(value));
  return Value::MakeObject(std::move(object));
}

bool IsJsonContentType(std::string_view content_type) {
  std::string media = absl::AsciiStrToLower(ToAbsl(Trim(content_type.substr(0, content_type.find(';')))));
  return media == "application/json" ||
         (media.find('/') != std::string::npos && absl::EndsWith(media, "+json"));
}

Value DecodeBody(std::string body, std::string_view content_type) {
  if (IsJsonContentType(content_type)) {
    absl::StatusOr<Value> parsed = Value::FromJson(body);
    if (parsed.ok()) return *std::move(parsed);
  }
  return Value::String(std::move(body));
}

Object ResponseObject(long status, const ResponseHeaders& headers, std::string body) {
  Object object;
  object.Set("status", Value::Int(status));
  object.Set("headers", headers.ToValue());
  object.Set("body", DecodeBody(std::move(body), headers.Get("content-type")));
  return object;
}

bool IsRetryableStatus(long status) { return status == 408 || status == 429 || status >= 500; }

}  // namespace weft::workers
