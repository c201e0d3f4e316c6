// See alias_json.h.
#include "server/alias_json.h"

#include "absl/strings/str_cat.h"

namespace weft::server {
namespace {

absl::StatusOr<uint32_t> PositiveField(const Object& o, std::string_view key, int64_t fallback) {
  const Value* v = o.Find(key);
  if (v == nullptr) return static_cast<uint32_t>(fallback);
  if (!v->is_int() || v->as_int() <= 0 || v->as_int() > UINT32_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("a target's `", std::string(key), "` must be a positive integer"));
  }
  return static_cast<uint32_t>(v->as_int());
}

}  // namespace

Value AliasToJson(const VersionAlias& alias) {
  List targets;
  for (const AliasTarget& t : alias.targets) {
    Object o;
    o.Set("version", Value::Int(t.version));
    o.Set("weight", Value::Int(t.weight));
    targets.push_back(Value::MakeObject(std::move(o)));
  }
  Object o;
  o.Set("workflow", Value::String(alias.workflow));
  o.Set("name", Value::String(alias.name));
  o.Set("targets", Value::MakeList(std::move(targets)));
  o.Set("updateTime", Value::Int(alias.updated_ms));
  return Value::MakeObject(std::move(o));
}

absl::StatusOr<VersionAlias> AliasFromJson(const Value& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("an alias is a JSON object");
  const Object& o = json.as_object();
  VersionAlias alias;
  for (auto [key, out] : {std::pair{"workflow", &alias.workflow}, std::pair{"name", &alias.name}}) {
    if (const Value* v = o.Find(key); v != nullptr) {
      if (!v->is_string()) {
        return absl::InvalidArgumentError(absl::StrCat("`", key, "` must be a string"));
      }
      *out = v->as_string();
    }
  }
  const Value* targets = o.Find("targets");
  if (targets == nullptr || !targets->is_list()) {
    return absl::InvalidArgumentError("`targets` is required: a list of {version, weight}");
  }
  for (const Value& t : targets->as_list()) {
    if (!t.is_object()) return absl::InvalidArgumentError("each target is an object");
    absl::StatusOr<uint32_t> version = PositiveField(t.as_object(), "version", 0);
    if (!version.ok()) return version.status();
    if (*version == 0) return absl::InvalidArgumentError("each target needs a `version`");
    absl::StatusOr<uint32_t> weight = PositiveField(t.as_object(), "weight", 100);
    if (!weight.ok()) return weight.status();
    alias.targets.push_back({*version, *weight});
  }
  if (const Value* u = o.Find("updateTime"); u != nullptr && u->is_int()) {
    alias.updated_ms = u->as_int();
  }
  return alias;
}

}  // namespace weft::server
