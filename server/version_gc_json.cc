// See version_gc_json.h.
#include "server/version_gc_json.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace weft::server {
namespace {

Value Strings(const std::vector<std::string>& items) {
  List list;
  for (const std::string& s : items) list.push_back(Value::String(s));
  return Value::MakeList(std::move(list));
}

absl::Status Bad(const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("the server's version collection is malformed: ", what));
}

absl::StatusOr<std::vector<std::string>> ReadStrings(const Object& o, const char* key) {
  std::vector<std::string> out;
  const Value* v = o.Find(key);
  if (v == nullptr) return out;
  if (!v->is_list()) return Bad(absl::StrCat("`", key, "` is not a list"));
  for (const Value& item : v->as_list()) {
    if (!item.is_string()) return Bad(absl::StrCat("`", key, "` holds a non-string"));
    out.push_back(item.as_string());
  }
  return out;
}

absl::StatusOr<VersionReferrers> ReadReferrers(const Value* json) {
  VersionReferrers r;
  if (json == nullptr) return r;
  if (!json->is_object()) return Bad("`referrers` is not an object");
  const Object& o = json->as_object();
  if (const Value* n = o.Find("executions"); n != nullptr && n->is_int() && n->as_int() > 0) {
    r.executions = static_cast<uint64_t>(n->as_int());
  }
  WEFT_ASSIGN_OR_RETURN(r.execution_ids, ReadStrings(o, "executionIds"));
  WEFT_ASSIGN_OR_RETURN(r.aliases, ReadStrings(o, "aliases"));
  WEFT_ASSIGN_OR_RETURN(r.schedules, ReadStrings(o, "schedules"));
  WEFT_ASSIGN_OR_RETURN(r.event_handlers, ReadStrings(o, "eventHandlers"));
  WEFT_ASSIGN_OR_RETURN(r.callers, ReadStrings(o, "callers"));
  return r;
}

}  // namespace

Value CollectedToJson(const std::vector<CollectedVersion>& versions) {
  List list;
  for (const CollectedVersion& v : versions) {
    Object r;
    r.Set("executions", Value::Int(static_cast<int64_t>(v.referrers.executions)));
    r.Set("executionIds", Strings(v.referrers.execution_ids));
    r.Set("aliases", Strings(v.referrers.aliases));
    r.Set("schedules", Strings(v.referrers.schedules));
    r.Set("eventHandlers", Strings(v.referrers.event_handlers));
    r.Set("callers", Strings(v.referrers.callers));
    Object o;
    o.Set("workflow", Value::String(v.workflow));
    o.Set("version", Value::Int(v.version));
    o.Set("deleted", Value::Bool(v.deleted));
    o.Set("reason", Value::String(v.reason));
    o.Set("referrers", Value::MakeObject(std::move(r)));
    list.push_back(Value::MakeObject(std::move(o)));
  }
  return Value::MakeList(std::move(list));
}

absl::StatusOr<std::vector<CollectedVersion>> CollectedFromJson(const Value& json) {
  if (!json.is_list()) return Bad("not a list");
  std::vector<CollectedVersion> out;
  for (const Value& item : json.as_list()) {
    if (!item.is_object()) return Bad("an item is not an object");
    const Object& o = item.as_object();
    const Value* workflow = o.Find("workflow");
    const Value* version = o.Find("version");
    const Value* deleted = o.Find("deleted");
    if (workflow == nullptr || !workflow->is_string() || version == nullptr || !version->is_int() ||
        version->as_int() <= 0 || version->as_int() > UINT32_MAX || deleted == nullptr ||
        !deleted->is_bool()) {
      return Bad("an item has no `workflow`, `version` or `deleted`");
    }
    CollectedVersion v;
    v.workflow = workflow->as_string();
    v.version = static_cast<uint32_t>(version->as_int());
    v.deleted = deleted->as_bool();
    if (const Value* reason = o.Find("reason"); reason != nullptr && reason->is_string()) {
      v.reason = reason->as_string();
    }
    WEFT_ASSIGN_OR_RETURN(v.referrers, ReadReferrers(o.Find("referrers")));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace weft::server
