// A Conductor TaskDef as a Weft task policy (translator.h). Conductor's defaults apply to the
// fields a TaskDef leaves out (retryCount 3, retryLogic FIXED, retryDelaySeconds 60,
// responseTimeoutSeconds 3600, timeoutPolicy TIME_OUT_WF), as the Conductor server fills
// them in when the TaskDef is registered.
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "conductor/translator.h"
#include "conductor/wf_text.h"

namespace weft::conductor {
namespace {

// The integer field `key`, or `fallback` when absent; InvalidArgument when not an integer.
absl::StatusOr<int64_t> IntField(const rapidjson::Value& def, const char* key, int64_t fallback) {
  auto it = def.FindMember(key);
  if (it == def.MemberEnd() || it->value.IsNull()) return fallback;
  if (!it->value.IsInt64() || it->value.GetInt64() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("field `", key, "` must be a non-negative integer"));
  }
  return it->value.GetInt64();
}

std::string StrField(const rapidjson::Value& def, const char* key, std::string fallback) {
  auto it = def.FindMember(key);
  if (it == def.MemberEnd() || !it->value.IsString()) return fallback;
  return it->value.GetString();
}

}  // namespace

absl::StatusOr<std::string> PolicyFromTaskDef(absl::string_view taskdef_json, std::string* comment) {
  rapidjson::Document def;
  WEFT_RETURN_IF_ERROR(ParseJson(taskdef_json, "the TaskDef", &def));
  if (!def.IsObject()) return absl::InvalidArgumentError("the TaskDef is not a JSON object");
  std::vector<std::string> keys;
  std::vector<std::string> notes;
  WEFT_ASSIGN_OR_RETURN(int64_t retries, IntField(def, "retryCount", 3));
  if (retries > 100) return absl::InvalidArgumentError("field `retryCount`: Weft allows at most 100 retries");
  keys.push_back(absl::StrCat("retries: ", retries));
  std::string logic = StrField(def, "retryLogic", "FIXED");
  if (logic == "LINEAR_BACKOFF") {
    keys.push_back("backoff: \"linear\"");
  } else if (logic == "EXPONENTIAL_BACKOFF") {
    keys.push_back("backoff: \"exponential\"");
  } else if (logic != "FIXED") {
    return absl::InvalidArgumentError(absl::StrCat("field `retryLogic`: `", logic,
                                                   "` is not FIXED, LINEAR_BACKOFF or EXPONENTIAL_BACKOFF"));
  }
  WEFT_ASSIGN_OR_RETURN(int64_t delay, IntField(def, "retryDelaySeconds", 60));
  keys.push_back(absl::StrCat("delay: ", DurationLiteral(delay)));
  auto scale = def.FindMember("backoffScaleFactor");
  if (scale != def.MemberEnd() && scale->value.IsNumber() && scale->value.GetDouble() != 1) {
    if (scale->value.GetDouble() <= 0) return absl::InvalidArgumentError("field `backoffScaleFactor` must be > 0");
    keys.push_back(absl::StrCat("backoff_scale: ", scale->value.GetDouble()));
  }
  WEFT_ASSIGN_OR_RETURN(int64_t timeout, IntField(def, "timeoutSeconds", 0));
  std::string policy = StrField(def, "timeoutPolicy", "TIME_OUT_WF");
  if (timeout > 0 && policy == "ALERT_ONLY") {
    notes.push_back("timeoutSeconds with ALERT_ONLY is not enforced");
  } else if (timeout > 0) {
    keys.push_back(absl::StrCat("timeout: ", DurationLiteral(timeout)));
  }
  WEFT_ASSIGN_OR_RETURN(int64_t response, IntField(def, "responseTimeoutSeconds", 3600));
  if (response > 0) keys.push_back(absl::StrCat("heartbeat: ", DurationLiteral(response)));
  WEFT_ASSIGN_OR_RETURN(int64_t poll, IntField(def, "pollTimeoutSeconds", 0));
  if (poll > 0) keys.push_back(absl::StrCat("schedule_timeout: ", DurationLiteral(poll)));
  WEFT_ASSIGN_OR_RETURN(int64_t total, IntField(def, "totalTimeoutSeconds", 0));
  if (total > 0) keys.push_back(absl::StrCat("total_timeout: ", DurationLiteral(total)));
  if (def.HasMember("rateLimitPerFrequency") && def["rateLimitPerFrequency"].IsInt() &&
      def["rateLimitPerFrequency"].GetInt() > 0) {
    notes.push_back("rateLimitPerFrequency is not enforced");
  }
  *comment = absl::StrJoin(notes, "; ");
  return absl::StrCat("{ ", absl::StrJoin(keys, ", "), " }");
}

absl::Status CheckTaskDefPolicy(std::string_view taskdef_json) {
  std::string comment;
  return PolicyFromTaskDef(ToAbsl(taskdef_json), &comment).status();
}

}  // namespace weft::conductor
