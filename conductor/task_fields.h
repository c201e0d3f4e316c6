// Small helpers shared by the files that translate one Conductor task type each
// (translate_tasks.cc, translate_flow.cc): reading a WorkflowTask's JSON
// fields, and the `$` of a JavaScript snippet.
#ifndef WEFT_CONDUCTOR_TASK_FIELDS_H_
#define WEFT_CONDUCTOR_TASK_FIELDS_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/rapidjson.h"
#include "common/status_macros.h"
#include "conductor/js_subset.h"

namespace weft::conductor::task_fields {

// The string at `key` of `obj`, or empty when absent or not a string.
inline absl::string_view Str(const rapidjson::Value &obj, const char *key) {
  if (!obj.IsObject())
    return {};
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString())
    return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

// The member `key` of `obj`, or null when `obj` is null, not an object, or has
// no such member.
inline const rapidjson::Value *Member(const rapidjson::Value *obj,
                                      const char *key) {
  if (obj == nullptr || !obj->IsObject())
    return nullptr;
  auto it = obj->FindMember(key);
  return it == obj->MemberEnd() ? nullptr : &it->value;
}

inline bool IsTrue(const rapidjson::Value &t, const char *key) {
  const rapidjson::Value *v = Member(&t, key);
  return v != nullptr && v->IsBool() && v->GetBool();
}

inline std::string Parenthesized(std::string e) {
  return e.find(' ') == std::string::npos ? e : absl::StrCat("(", e, ")");
}

// `$` of a JavaScript snippet: the task's inputParameters, each wired.
inline DollarResolver InputResolver(
    const rapidjson::Value *params,
    const std::function<absl::StatusOr<std::string>(const rapidjson::Value &)>
        &wire,
    const std::function<std::optional<std::string>(absl::string_view)> &extra) {
  return [params, wire,
          extra](absl::string_view key) -> absl::StatusOr<std::string> {
    if (std::optional<std::string> e = extra(key))
      return *e;
    if (key.empty()) {
      if (params == nullptr)
        return std::string("{}");
      return wire(*params);
    }
    const rapidjson::Value *v = Member(params, std::string(key).c_str());
    if (v == nullptr)
      return std::string("null"); // not given: null, as in Conductor
    WEFT_ASSIGN_OR_RETURN(std::string e, wire(*v));
    return Parenthesized(e);
  };
}

} // namespace weft::conductor::task_fields

#endif // WEFT_CONDUCTOR_TASK_FIELDS_H_
