// Version aliases (include/weft/engine.h, docs/versioning.md): setting, deleting and listing
// them, each a transaction of its own outside the writer's group commits, and the stable hash
// a weighted alias routes a start by.
#include "storage/aliases.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/name_limits.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "engine/write_with_growth.h"
#include "storage/registry.h"

namespace weft {

uint32_t PickAliasVersion(const VersionAlias& alias, std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  h ^= h >> 30;  // SplitMix64's finalizer: FNV's low bits alone are poorly spread
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  uint64_t total = 0;
  for (const AliasTarget& t : alias.targets) total += t.weight;
  uint64_t point = h % total;
  for (const AliasTarget& t : alias.targets) {
    if (point < t.weight) return t.version;
    point -= t.weight;
  }
  return alias.targets.back().version;  // unreachable: point < total
}

namespace engine {

absl::Status NoAlias(std::string_view workflow, std::string_view name) {
  return absl::NotFoundError(
      absl::StrCat("workflow `", ToAbsl(workflow), "` has no alias `", ToAbsl(name), "`"));
}

namespace {

absl::Status CheckAliasName(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("an alias needs a name");
  if (name.size() > kMaxAliasNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat("alias name `", ToAbsl(name), "` is ", name.size(),
                                                   " bytes long; at most ", kMaxAliasNameBytes,
                                                   " are accepted"));
  }
  bool digits_only = true;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-' && c != '.') {
      return absl::InvalidArgumentError(
          absl::StrCat("alias name `", ToAbsl(name), "` may hold only letters, digits, '_', '-' and '.'"));
    }
    digits_only = digits_only && absl::ascii_isdigit(c);
  }
  if (digits_only) {
    return absl::InvalidArgumentError(
        absl::StrCat("alias name `", ToAbsl(name), "` is all digits, which reads as a version number"));
  }
  return absl::OkStatus();
}

absl::Status CheckTargets(const VersionAlias& alias) {
  if (alias.targets.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("alias `", alias.name, "` needs at least one version"));
  }
  if (alias.targets.size() > kMaxAliasTargets) {
    return absl::InvalidArgumentError(absl::StrCat("alias `", alias.name, "` names ", alias.targets.size(),
                                                   " versions; at most ", kMaxAliasTargets, " are accepted"));
  }
  std::set<uint32_t> seen;
  uint64_t total = 0;
  for (const AliasTarget& t : alias.targets) {
    if (t.version == 0) {
      return absl::InvalidArgumentError("an alias target needs a version number > 0");
    }
    if (t.weight == 0) {
      return absl::InvalidArgumentError(absl::StrCat("the weight of version ", t.version, " in alias `",
                                                     alias.name, "` is 0; weights are positive integers"));
    }
    if (!seen.insert(t.version).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("alias `", alias.name, "` names version ", t.version, " twice"));
    }
    total += t.weight;
  }
  if (total > 1'000'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("the weights of alias `", alias.name, "` add up to ", total, "; at most 1000000"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status EngineImpl::SetAlias(const VersionAlias& alias) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_RETURN_IF_ERROR(CheckNameLength("workflow", alias.workflow));
  WEFT_RETURN_IF_ERROR(CheckAliasName(alias.name));
  WEFT_RETURN_IF_ERROR(CheckTargets(alias));
  VersionAlias row = alias;
  row.updated_ms = clock_->NowMs();
  return WriteWithGrowth<bool>(
             *env_,
             [&](storage::Txn& txn) -> absl::StatusOr<bool> {
               for (const AliasTarget& t : row.targets) {
                 WEFT_ASSIGN_OR_RETURN(auto version, storage::GetVersion(txn, row.workflow, t.version));
                 if (!version) {
                   return absl::NotFoundError(
                       absl::StrCat("workflow `", row.workflow, "` has no version ", t.version));
                 }
                 if (version->retired) {
                   return absl::NotFoundError(absl::StrCat("version ", t.version, " of workflow `",
                                                           row.workflow, "` was unregistered"));
                 }
               }
               WEFT_RETURN_IF_ERROR(storage::AliasStore(txn).Put(row));
               return true;
             })
      .status();
}

absl::Status EngineImpl::DeleteAlias(std::string_view workflow, std::string_view name) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  return WriteWithGrowth<bool>(*env_,
                               [&](storage::Txn& txn) -> absl::StatusOr<bool> {
                                 WEFT_ASSIGN_OR_RETURN(bool deleted,
                                                       storage::AliasStore(txn).Delete(workflow, name));
                                 if (!deleted) return NoAlias(workflow, name);
                                 return true;
                               })
      .status();
}

absl::StatusOr<std::vector<VersionAlias>> EngineImpl::Aliases(std::string_view workflow) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  return storage::AliasStore(txn).List(workflow);
}

}  // namespace engine
}  // namespace weft
