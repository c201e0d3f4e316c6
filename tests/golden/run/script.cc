// See script.h.
#include "tests/golden/run/script.h"

#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace weft::golden {
namespace {

absl::StatusOr<Value> ParseJson(absl::string_view text, int line_no) {
  absl::StatusOr<Value> v = Value::FromJson(std::string(absl::StripAsciiWhitespace(text)));
  if (!v.ok()) return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": ", v.status().message()));
  return v;
}

}  // namespace

absl::StatusOr<Script> ParseScript(const std::string& source) {
  Script script;
  std::istringstream in(source);
  std::string raw;
  for (int line_no = 1; std::getline(in, raw); ++line_no) {
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (!absl::ConsumePrefix(&line, "//!")) continue;
    line = absl::StripAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, "input:")) {
      absl::StatusOr<Value> v = ParseJson(line, line_no);
      if (!v.ok()) return v.status();
      script.inputs.push_back(*std::move(v));
    } else if (absl::ConsumePrefix(&line, "now:")) {
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &script.now_ms)) {
        return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": bad now"));
      }
    } else if (absl::ConsumePrefix(&line, "run:")) {
      script.run.emplace_back(absl::StripAsciiWhitespace(line));
    } else if (absl::ConsumePrefix(&line, "signal ")) {
      const size_t at = line.find("=>");
      if (at == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": expected =>"));
      }
      absl::StatusOr<Value> v = ParseJson(line.substr(at + 2), line_no);
      if (!v.ok()) return v.status();
      script.signals.emplace_back(std::string(absl::StripAsciiWhitespace(line.substr(0, at))),
                                  *std::move(v));
    } else if (absl::ConsumePrefix(&line, "task ")) {
      size_t ok_at = line.find("=>"), fail_at = line.find("!>");
      size_t at = std::min(ok_at, fail_at);
      if (at == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": expected => or !>"));
      }
      std::string type(absl::StripAsciiWhitespace(line.substr(0, at)));
      absl::StatusOr<Value> v = ParseJson(line.substr(at + 2), line_no);
      if (!v.ok()) return v.status();
      ScriptedResult r;
      r.ok = at == ok_at;
      if (r.ok) {
        r.value = *std::move(v);
      } else {
        r.reason = v->is_string() ? v->as_string() : v->ToJson();
      }
      script.results[type].push_back(std::move(r));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, ": unknown directive"));
    }
  }
  if (script.inputs.empty()) script.inputs.push_back(Value::MakeObject(Object()));
  return script;
}

}  // namespace weft::golden
