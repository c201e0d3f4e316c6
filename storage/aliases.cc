// See aliases.h.
#include "storage/aliases.h"

#include "absl/strings/str_cat.h"
#include "common/check.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"

namespace weft::storage {
namespace {

absl::Status Bad(std::string_view key, std::string_view what) {
  return absl::DataLossError(absl::StrCat("alias record `", ToAbsl(key), "`: ", ToAbsl(what)));
}

absl::StatusOr<AliasTarget> DecodeTarget(std::string_view key, const Value& v) {
  if (!v.is_object()) return Bad(key, "a target is not an object");
  const Value* version = v.as_object().Find("version");
  const Value* weight = v.as_object().Find("weight");
  if (version == nullptr || !version->is_int() || version->as_int() <= 0 || version->as_int() > UINT32_MAX) {
    return Bad(key, "a target has no valid `version`");
  }
  if (weight == nullptr || !weight->is_int() || weight->as_int() <= 0 || weight->as_int() > UINT32_MAX) {
    return Bad(key, "a target has no valid `weight`");
  }
  return AliasTarget{static_cast<uint32_t>(version->as_int()), static_cast<uint32_t>(weight->as_int())};
}

}  // namespace

std::string EncodeAlias(const VersionAlias& alias) {
  List targets;
  for (const AliasTarget& t : alias.targets) {
    Object o;
    o.Set("version", Value::Int(t.version));
    o.Set("weight", Value::Int(t.weight));
    targets.push_back(Value::MakeObject(std::move(o)));
  }
  Object record;
  record.Set("targets", Value::MakeList(std::move(targets)));
  record.Set("updated_ms", Value::Int(alias.updated_ms));
  return Value::MakeObject(std::move(record)).ToJson();
}

absl::StatusOr<VersionAlias> DecodeAlias(std::string_view key, std::string_view value) {
  const size_t sep = key.find('\0');
  if (sep == std::string_view::npos) return Bad(key, "the key has no workflow");
  absl::StatusOr<Value> json = Value::FromJson(value);
  if (!json.ok() || !json->is_object()) return Bad(key, "the record is not a JSON object");
  VersionAlias alias;
  alias.workflow = std::string(key.substr(0, sep));
  alias.name = std::string(key.substr(sep + 1));
  const Value* targets = json->as_object().Find("targets");
  if (targets == nullptr || !targets->is_list() || targets->as_list().empty()) {
    return Bad(key, "the record has no targets");
  }
  for (const Value& t : targets->as_list()) {
    WEFT_ASSIGN_OR_RETURN(AliasTarget target, DecodeTarget(key, t));
    alias.targets.push_back(target);
  }
  if (const Value* updated = json->as_object().Find("updated_ms"); updated != nullptr && updated->is_int()) {
    alias.updated_ms = updated->as_int();
  }
  return alias;
}

absl::StatusOr<std::optional<VersionAlias>> AliasStore::Get(std::string_view workflow,
                                                            std::string_view name) const {
  if (!txn_.env().has_table(Table::kAliases)) return std::optional<VersionAlias>();
  const std::string key = AliasKey(workflow, name);
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kAliases, key));
  if (!bytes) return std::optional<VersionAlias>();
  WEFT_ASSIGN_OR_RETURN(VersionAlias alias, DecodeAlias(key, *bytes));
  return std::optional<VersionAlias>(std::move(alias));
}

absl::StatusOr<std::vector<VersionAlias>> AliasStore::List(std::string_view workflow) const {
  std::vector<VersionAlias> out;
  if (!txn_.env().has_table(Table::kAliases)) return out;
  absl::Status decoded = absl::OkStatus();
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(Table::kAliases,
                                       workflow.empty() ? std::string() : AliasPrefix(workflow),
                                       [&](std::string_view key, std::string_view value) {
                                         absl::StatusOr<VersionAlias> alias = DecodeAlias(key, value);
                                         if (!alias.ok()) {
                                           decoded = alias.status();
                                           return false;
                                         }
                                         out.push_back(*std::move(alias));
                                         return true;
                                       }));
  WEFT_RETURN_IF_ERROR(decoded);
  return out;
}

absl::Status AliasStore::Put(const VersionAlias& alias) {
  WEFT_CHECK(!alias.workflow.empty() && !alias.name.empty() && !alias.targets.empty());
  return txn_.Put(Table::kAliases, AliasKey(alias.workflow, alias.name), EncodeAlias(alias));
}

absl::StatusOr<bool> AliasStore::Delete(std::string_view workflow, std::string_view name) {
  const std::string key = AliasKey(workflow, name);
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kAliases, key));
  if (!bytes) return false;
  WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kAliases, key));
  return true;
}

absl::Status AddAliasTables(Txn&) { return absl::OkStatus(); }

}  // namespace weft::storage
