// Task policies and workflow options (see options.h).
#include "compiler/check/options.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/check/literal_value.h"

namespace weft::check {
namespace {

using diag::DiagnosticKind;

enum class OptionType : uint8_t {
  kRetries,           // int 0..100
  kPriority,          // int 0..99
  kDuration,          // int ms >= 0 (a duration literal, or plain milliseconds)
  kPositiveDuration,  // int ms > 0
  kFraction,          // number 0..1
  kScale,             // number > 0
  kBool,
  kBackoff,           // "fixed" | "linear" | "exponential"
  kWorkflowName,      // a string naming a workflow of the file
};

struct OptionSpec {
  std::string_view key;
  OptionType type;
};

constexpr OptionSpec kTaskPolicy[] = {
#define TASK_POLICY_KEY(field, key, check, read, type, fallback) {key, OptionType::check},
#include "common/task_policy_keys.def"
#undef TASK_POLICY_KEY
};

constexpr OptionSpec kWorkflowOptions[] = {
    {"timeout", OptionType::kPositiveDuration},
    {"on_failure", OptionType::kWorkflowName},
};

const std::vector<std::string> kBackoffs = {"fixed", "linear", "exponential"};

template <size_t N>
const OptionSpec* FindSpec(const OptionSpec (&specs)[N], std::string_view key) {
  for (const OptionSpec& spec : specs) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

template <size_t N>
std::vector<std::string> Keys(const OptionSpec (&specs)[N]) {
  std::vector<std::string> keys;
  for (const OptionSpec& spec : specs) keys.emplace_back(spec.key);
  return keys;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "`" : ", `") + w + "`";
  return out;
}

bool IntIn(const Value& v, int64_t lo, int64_t hi) {
  return v.is_int() && v.as_int() >= lo && v.as_int() <= hi;
}

// What is wrong with `v` (the value of `e`) for `type`, as the end of "`key` ..."; empty when
// nothing is.
std::string Problem(OptionType type, const ast::Expr& e, const Value& v) {
  const std::string got = ", got " + v.ToJson();
  const bool is_duration = e.kind == ast::ExprKind::kDuration;
  switch (type) {
    case OptionType::kRetries:
      return !is_duration && IntIn(v, 0, 100) ? "" : "must be an int from 0 to 100" + got;
    case OptionType::kPriority:
      return !is_duration && IntIn(v, 0, 99) ? "" : "must be an int from 0 to 99" + got;
    case OptionType::kDuration:
      if (v.is_int() && v.as_int() >= 0) return "";
      return "must be a duration such as `30s` (not negative)" + got;
    case OptionType::kPositiveDuration:
      if (v.is_int() && v.as_int() > 0) return "";
      return "must be a duration greater than 0, such as `1h`" + got;
    case OptionType::kFraction:
      return v.is_number() && v.as_number() >= 0 && v.as_number() <= 1
                 ? ""
                 : "must be a number from 0 to 1" + got;
    case OptionType::kScale:
      return v.is_number() && v.as_number() > 0 ? "" : "must be a number greater than 0" + got;
    case OptionType::kBool: return v.is_bool() ? "" : "must be `true` or `false`" + got;
    case OptionType::kBackoff:
      for (const std::string& b : kBackoffs) {
        if (v.is_string() && v.as_string() == b) return "";
      }
      return "must be \"fixed\", \"linear\" or \"exponential\"" + got;
    case OptionType::kWorkflowName:
      return v.is_string() ? "" : "must be the name of a workflow, as a string" + got;
  }
  return "";
}

template <size_t N>
void CheckOptions(const ast::Expr& e, const OptionSpec (&specs)[N], std::string_view what,
                  const ModuleNames* names, diag::DiagnosticList& diags) {
  if (e.kind != ast::ExprKind::kObject) return;
  CheckObjectKeys(e, diags);
  for (const ast::ObjectEntry& entry : e.entries) {
    const OptionSpec* spec = FindSpec(specs, entry.key);
    if (spec == nullptr) {
      diag::Diagnostic& d = diags.Add(DiagnosticKind::kUnknownOptionKey, entry.key_range,
                                      "unknown key `" + entry.key + "` in " + std::string(what));
      const std::string close = diag::ClosestMatch(entry.key, Keys(specs));
      d.hints.push_back(close.empty() ? "the keys are " + Join(Keys(specs))
                                      : "did you mean `" + close + "`?");
      continue;
    }
    if (entry.value == nullptr) continue;
    const std::optional<Value> value = LiteralValue(*entry.value);
    if (!value) {
      diags.Add(DiagnosticKind::kBadOptionValue, entry.value->range,
                "`" + entry.key + "` must be a literal, got " + DescribeExpr(*entry.value))
          .hints.push_back(std::string(what) + " is fixed when the workflow is compiled");
      continue;
    }
    const std::string problem = Problem(spec->type, *entry.value, *value);
    if (!problem.empty()) {
      diag::Diagnostic& d = diags.Add(DiagnosticKind::kBadOptionValue, entry.value->range,
                                      "`" + entry.key + "` " + problem);
      if (spec->type == OptionType::kBackoff && value->is_string()) {
        const std::string close = diag::ClosestMatch(value->as_string(), kBackoffs);
        if (!close.empty()) d.hints.push_back("did you mean \"" + close + "\"?");
      }
      continue;
    }
    if (spec->type == OptionType::kWorkflowName && names != nullptr) {
      ReportIfNotWorkflow(*names, value->as_string(), entry.value->range, "`on_failure`", diags);
    }
  }
}

}  // namespace

std::vector<std::string> TaskPolicyKeys() { return Keys(kTaskPolicy); }

void CheckTaskPolicy(const ast::Expr& e, diag::DiagnosticList& diags) {
  CheckOptions(e, kTaskPolicy, "a task policy", nullptr, diags);
}

void CheckWorkflowOptions(const ast::Expr& e, const ModuleNames& names,
                          diag::DiagnosticList& diags) {
  CheckOptions(e, kWorkflowOptions, "workflow options", &names, diags);
}

}  // namespace weft::check
