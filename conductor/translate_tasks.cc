// One method per Conductor task type (translator.h) other than the control-flow ones
// (translate_flow.cc): each writes the Weft statement(s) for one WorkflowTask. docs/conductor.md shows each mapping with an example.
#include <cstdlib>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "conductor/js_subset.h"
#include "conductor/task_fields.h"
#include "conductor/translator.h"
#include "conductor/wf_text.h"

namespace weft::conductor {

using task_fields::InputResolver;
using task_fields::IsTrue;
using task_fields::Member;
using task_fields::Str;

namespace {

// Conductor's WAIT `duration`: "30s", "5 minutes", "1d 2h", "2 days 3 hours 10 minutes".
bool ParseConductorDuration(absl::string_view s, int64_t* seconds) {
  *seconds = 0;
  bool any = false;
  size_t i = 0;
  auto skip = [&] { while (i < s.size() && s[i] == ' ') ++i; };
  skip();
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    int64_t n = 0;
    if (start == i || !absl::SimpleAtoi(s.substr(start, i - start), &n)) return false;
    skip();
    size_t unit_start = i;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    absl::string_view unit = s.substr(unit_start, i - unit_start);
    int64_t scale = 0;
    if (unit == "d" || unit == "day" || unit == "days") scale = 86400;
    if (unit == "h" || unit == "hr" || unit == "hrs" || unit == "hour" || unit == "hours") scale = 3600;
    if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes") scale = 60;
    if (unit == "s" || unit == "sec" || unit == "secs" || unit == "second" || unit == "seconds") scale = 1;
    if (scale == 0) return false;
    *seconds += n * scale;
    any = true;
    skip();
  }
  return any;
}

// Conductor's WAIT `until`: "yyyy-MM-dd HH:mm z", "yyyy-MM-dd HH:mm" or "yyyy-MM-dd", as
// RFC 3339. A time without a zone is taken as UTC; zones other than UTC, GMT, Z and numeric
// offsets are refused.
bool UntilAsRfc3339(absl::string_view s, std::string* out) {
  auto digits = [&](size_t at, size_t n) {
    if (at + n > s.size()) return false;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
  };
  if (!digits(0, 4) || s.size() < 10 || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2)) return false;
  std::string date(s.substr(0, 10));
  if (s.size() == 10) {
    *out = date + "T00:00:00Z";
    return true;
  }
  if (s.size() < 16 || s[10] != ' ' || !digits(11, 2) || s[13] != ':' || !digits(14, 2)) return false;
  std::string time = absl::StrCat(s.substr(11, 5), ":00");
  absl::string_view zone = s.substr(16);
  if (!zone.empty() && zone[0] == ' ') zone.remove_prefix(1);
  std::string offset;
  if (zone.empty() || zone == "UTC" || zone == "GMT" || zone == "Z") {
    offset = "Z";
  } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':') {
    offset = std::string(zone);
  } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 5) {
    offset = absl::StrCat(zone.substr(0, 3), ":", zone.substr(3));
  } else {
    return false;
  }
  *out = absl::StrCat(date, "T", time, offset);
  return true;
}

}  // namespace

absl::Status WorkflowTranslator::Simple(const rapidjson::Value& t, const std::string& ref) {
  std::string name(Str(t, "name"));
  WEFT_RETURN_IF_ERROR(file_.UseTask(name, ref));
  std::string args;
  if (const rapidjson::Value* params = InputParameters(t)) {
    WEFT_ASSIGN_OR_RETURN(args, Arguments(*params, ref, "inputParameters"));
  }
  std::vector<std::string> policy;
  if (IsTrue(t, "optional")) policy.push_back("optional: true");
  const rapidjson::Value* retries = Member(&t, "retryCount");
  if (retries != nullptr && retries->IsInt() && retries->GetInt() >= 0) {
    policy.push_back(absl::StrCat("retries: ", retries->GetInt()));
  }
  std::string call = absl::StrCat(name, "(", args, ")");
  if (!policy.empty()) absl::StrAppend(&call, " with { ", absl::StrJoin(policy, ", "), " }");
  Bind(ref, call);
  return absl::OkStatus();
}

absl::StatusOr<std::string> WorkflowTranslator::JsCall(
    const std::string& source, const rapidjson::Value* params, const std::string& ref, absl::string_view field,
    const std::vector<std::pair<std::string, std::string>>& extra, const std::set<std::string>& skip) {
  std::vector<std::string> entries;
  if (params != nullptr) {
    for (const auto& m : params->GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      if (skip.count(key)) continue;
      WEFT_ASSIGN_OR_RETURN(std::string v, Wire(m.value, ref, absl::StrCat(field, ".", key)));
      entries.push_back(absl::StrCat(ObjectKey(key), ": ", v));
    }
  }
  for (const auto& [key, var] : extra) entries.push_back(absl::StrCat(ObjectKey(key), ": ", var));
  body_.Add(absl::StrCat("// ", ref, ": JavaScript beyond what translates into Weft runs in the `js` system task"));
  return absl::StrCat("js(expression: ", Quote(source), ", input: {", absl::StrJoin(entries, ", "), "})");
}


absl::Status WorkflowTranslator::SubWorkflow(const rapidjson::Value& t, const std::string& ref, bool detached) {
  const rapidjson::Value* params = InputParameters(t);
  std::string name;
  const rapidjson::Value* inline_def = nullptr;
  const rapidjson::Value* input = params;
  std::string field = "subWorkflowParam.name";
  std::string input_field = "inputParameters";
  const rapidjson::Value* version = nullptr;
  if (detached) {
    const rapidjson::Value* start = Member(params, "startWorkflow");
    if (start == nullptr || !start->IsObject()) return TaskError(ref, "inputParameters.startWorkflow", "missing");
    name = std::string(Str(*start, "name"));
    field = "inputParameters.startWorkflow.name";
    input = Member(start, "input");
    input_field = "inputParameters.startWorkflow.input";
    version = Member(start, "version");
    if (input != nullptr && !input->IsObject()) {
      return TaskError(ref, input_field, "a start input computed at run time has no Weft equivalent; "
                                         "give the input as an object of its fields");
    }
  } else {
    const rapidjson::Value* swp = Member(&t, "subWorkflowParam");
    if (swp == nullptr || !swp->IsObject()) return TaskError(ref, "subWorkflowParam", "missing");
    name = std::string(Str(*swp, "name"));
    inline_def = Member(swp, "workflowDefinition");
    if (inline_def != nullptr && !inline_def->IsObject()) inline_def = nullptr;
    version = Member(swp, "version");
  }
  if (name.empty()) return TaskError(ref, field, "missing");
  std::vector<std::string> keys;
  std::string args;
  if (input != nullptr) {
    for (const auto& m : input->GetObject()) keys.push_back(m.name.GetString());
    WEFT_ASSIGN_OR_RETURN(args, Arguments(*input, ref, input_field));
  }
  WEFT_RETURN_IF_ERROR(file_.UseWorkflow(name, inline_def, keys, ref, field));
  if (version != nullptr && version->IsInt()) {
    body_.Add(absl::StrCat("// ", ref, ": Conductor version ", version->GetInt(),
                           "; Weft runs the latest deployed version of `", name, "`"));
  }
  std::string call = absl::StrCat(name, "(", args, ")");
  if (detached) {
    Bind(ref, absl::StrCat("{ workflowId: start ", call, " }"));
  } else {
    Bind(ref, call);
  }
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::Wait(const rapidjson::Value& t, const std::string& ref, bool human) {
  const rapidjson::Value* params = InputParameters(t);
  const rapidjson::Value* duration = human ? nullptr : Member(params, "duration");
  const rapidjson::Value* until = human ? nullptr : Member(params, "until");
  if (duration != nullptr) {
    int64_t seconds = 0;
    if (!duration->IsString() || !ParseConductorDuration(duration->GetString(), &seconds)) {
      return TaskError(ref, "inputParameters.duration",
                       "not a literal duration such as \"30s\", \"5 minutes\" or \"1 days 2 hours\"");
    }
    body_.Add(absl::StrCat("sleep ", DurationLiteral(seconds), "  // WAIT ", ref));
  } else if (until != nullptr) {
    std::string rfc3339;
    if (!until->IsString() || !UntilAsRfc3339(until->GetString(), &rfc3339)) {
      return TaskError(ref, "inputParameters.until",
                       "not a literal time such as \"2024-03-01 09:00 UTC\" (yyyy-MM-dd HH:mm z, with a "
                       "zone of UTC, GMT or +hh:mm)");
    }
    body_.Add(absl::StrCat("sleep until ", Quote(rfc3339), "  // WAIT ", ref));
  } else {
    body_.Add(absl::StrCat("// ", human ? "HUMAN " : "WAIT ", ref, ": completed by the signal `", ref,
                           "` (its data is the task's output)"));
    Bind(ref, absl::StrCat("await signal(", Quote(ref), ")"));
    return absl::OkStatus();
  }
  if (referenced_.count(ref)) Bind(ref, "{}");
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::Terminate(const rapidjson::Value& t, const std::string& ref, bool in_branch,
                                           bool* ends) {
  const rapidjson::Value* params = InputParameters(t);
  std::string status(params == nullptr ? "" : Str(*params, "terminationStatus"));
  if (status == "COMPLETED") {
    if (in_branch) {
      return TaskError(ref, "inputParameters.terminationStatus",
                       "COMPLETED inside a FORK_JOIN branch: a Weft `return` cannot end the workflow "
                       "from a `parallel` branch");
    }
    std::string output = "{}";
    if (const rapidjson::Value* o = Member(params, "workflowOutput")) {
      WEFT_ASSIGN_OR_RETURN(output, Wire(*o, ref, "inputParameters.workflowOutput"));
    }
    body_.Add(absl::StrCat("return ", output, "  // TERMINATE ", ref));
  } else if (status == "FAILED" || status == "TERMINATED") {
    std::string reason = Quote(absl::StrCat("terminated by ", ref));
    if (const rapidjson::Value* r = Member(params, "terminationReason")) {
      WEFT_ASSIGN_OR_RETURN(reason, Wire(*r, ref, "inputParameters.terminationReason"));
    }
    body_.Add(absl::StrCat("fail ", reason, "  // TERMINATE ", ref));
  } else {
    return TaskError(ref, "inputParameters.terminationStatus", "not COMPLETED, FAILED or TERMINATED");
  }
  *ends = true;
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::SetVariable(const rapidjson::Value& t, const std::string& ref) {
  const rapidjson::Value* params = InputParameters(t);
  if (params == nullptr) return absl::OkStatus();
  body_.Add(absl::StrCat("// SET_VARIABLE ", ref));
  for (const auto& m : params->GetObject()) {
    std::string key = m.name.GetString();
    std::string var;
    for (const auto& [k, v] : names_.variables) {
      if (k == key) var = v;
    }
    WEFT_ASSIGN_OR_RETURN(std::string value, Wire(m.value, ref, absl::StrCat("inputParameters.", key)));
    body_.Add(absl::StrCat(var, " = ", value));
  }
  if (referenced_.count(ref)) Bind(ref, "{}");
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::JqTransform(const rapidjson::Value& t, const std::string& ref) {
  const rapidjson::Value* params = InputParameters(t);
  const rapidjson::Value* query = Member(params, "queryExpression");
  if (query == nullptr || !query->IsString()) return TaskError(ref, "inputParameters.queryExpression", "missing");
  std::string q = query->GetString();
  // Conductor gives the first output as `result` and all of them as `resultList`: collect them
  // all in one list (jq() alone cannot tell one list output from several outputs).
  std::string query_text;
  if (q.find("${") == std::string::npos) {
    query_text = Quote(absl::StrCat("[(", q, "\n)]"));
  } else {
    WEFT_ASSIGN_OR_RETURN(std::string wired, Wire(*query, ref, "inputParameters.queryExpression"));
    query_text = absl::StrCat("\"[(\" + ", wired, " + \"\\n)]\"");
  }
  WEFT_ASSIGN_OR_RETURN(std::string input, Wire(*params, ref, "inputParameters"));
  std::string all = Fresh(absl::StrCat(names_.task_outputs[ref], "_all"));
  body_.Add(absl::StrCat("// JSON_JQ_TRANSFORM ", ref));
  body_.Add(absl::StrCat("let ", all, " = jq(", query_text, ", ", input, ")"));
  Bind(ref, absl::StrCat("{ result: ", all, "?.[0], resultList: ", all, " }"));
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::Http(const rapidjson::Value& t, const std::string& ref) {
  const rapidjson::Value* params = InputParameters(t);
  const rapidjson::Value* request = Member(params, "http_request");
  std::string field = "inputParameters.http_request";
  if (request == nullptr) {
    request = params;
    field = "inputParameters";
  }
  if (request == nullptr || !request->IsObject()) return TaskError(ref, field, "missing or not an object");
  std::vector<std::string> args;
  auto wired = [&](const char* key) -> absl::StatusOr<std::string> {
    return Wire(*Member(request, key), ref, absl::StrCat(field, ".", key));
  };
  if (Member(request, "method") != nullptr) {
    WEFT_ASSIGN_OR_RETURN(std::string method, wired("method"));
    args.push_back(absl::StrCat("method: ", method));
  } else {
    args.push_back("method: \"GET\"");
  }
  if (Member(request, "uri") == nullptr) return TaskError(ref, absl::StrCat(field, ".uri"), "missing");
  WEFT_ASSIGN_OR_RETURN(std::string url, wired("uri"));
  args.push_back(absl::StrCat("url: ", url));
  // Headers: `headers`, plus `accept` and `contentType` as Conductor adds them.
  std::vector<std::string> headers;
  const rapidjson::Value* given = Member(request, "headers");
  std::string headers_expr;
  if (given != nullptr && given->IsObject()) {
    for (const auto& m : given->GetObject()) {
      WEFT_ASSIGN_OR_RETURN(std::string v, Wire(m.value, ref, absl::StrCat(field, ".headers.", m.name.GetString())));
      headers.push_back(absl::StrCat(ObjectKey(m.name.GetString()), ": ", v));
    }
  } else if (given != nullptr && !given->IsNull()) {
    WEFT_ASSIGN_OR_RETURN(headers_expr, wired("headers"));
  }
  for (auto [key, header] : {std::pair{"accept", "Accept"}, std::pair{"contentType", "Content-Type"}}) {
    if (Member(request, key) != nullptr && headers_expr.empty()) {
      WEFT_ASSIGN_OR_RETURN(std::string v, wired(key));
      headers.push_back(absl::StrCat(Quote(header), ": ", v));
    }
  }
  if (!headers_expr.empty()) {
    args.push_back(absl::StrCat("headers: ", headers_expr));
  } else if (!headers.empty()) {
    args.push_back(absl::StrCat("headers: { ", absl::StrJoin(headers, ", "), " }"));
  }
  if (Member(request, "body") != nullptr) {
    WEFT_ASSIGN_OR_RETURN(std::string body, wired("body"));
    args.push_back(absl::StrCat("body: ", body));
  }
  const rapidjson::Value* read_timeout = Member(request, "readTimeOut");
  if (read_timeout != nullptr && read_timeout->IsInt64() && read_timeout->GetInt64() > 0) {
    args.push_back(absl::StrCat("timeout: ", read_timeout->GetInt64()));
  }
  std::string call = absl::StrCat("http(", absl::StrJoin(args, ", "), ")");
  if (IsTrue(t, "optional")) call += " with { optional: true }";
  std::string response = Fresh(absl::StrCat(names_.task_outputs[ref], "_response"));
  body_.Add(absl::StrCat("// HTTP ", ref));
  body_.Add(absl::StrCat("let ", response, " = ", call));
  Bind(ref, absl::StrCat("{ response: { statusCode: ", response, "?.status, headers: ", response,
                         "?.headers, body: ", response, "?.body } }"));
  return absl::OkStatus();
}

absl::Status WorkflowTranslator::Inline(const rapidjson::Value& t, const std::string& ref) {
  const rapidjson::Value* params = InputParameters(t);
  std::string evaluator(params == nullptr ? "" : Str(*params, "evaluatorType"));
  std::string expression(params == nullptr ? "" : Str(*params, "expression"));
  if (expression.empty()) return TaskError(ref, "inputParameters.expression", "missing");
  std::string value;
  if (evaluator == "value-param") {
    const rapidjson::Value* v = Member(params, expression.c_str());
    if (v == nullptr) {
      value = "null";
    } else {
      WEFT_ASSIGN_OR_RETURN(value, Wire(*v, ref, absl::StrCat("inputParameters.", expression)));
    }
  } else if (evaluator == "javascript" || evaluator == "graaljs" || evaluator.empty()) {
    auto wire = [this, &ref](const rapidjson::Value& v) { return Wire(v, ref, "inputParameters"); };
    absl::StatusOr<std::string> js =
        TranslateJs(expression, InputResolver(params, wire, [](absl::string_view) { return std::nullopt; }));
    if (js.ok()) {
      value = *js;
    } else {
      // `$` without the evaluator's own settings, which no program reads.
      WEFT_ASSIGN_OR_RETURN(value, JsCall(expression, params, ref, "inputParameters", {},
                                          {"evaluatorType", "expression"}));
    }
  } else {
    return TaskError(ref, "inputParameters.evaluatorType",
                     absl::StrCat("`", evaluator, "` is not value-param, javascript or graaljs"));
  }
  body_.Add(absl::StrCat("// INLINE ", ref));
  Bind(ref, absl::StrCat("{ result: ", value, " }"));
  return absl::OkStatus();
}

}  // namespace weft::conductor
