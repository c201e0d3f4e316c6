// See version_index.h.
#include "storage/version_index.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "storage/keys.h"
#include "storage/records.h"
#include "storage/registry.h"

namespace weft::storage {
namespace {

// Whether an execution of a version of `workflow` other than `except` holds `hash`. Only a
// version registered through the metadata API (a `definition`) can have executions on a hash
// other than its row's: overwriting it, or registering it again after it was retired, changes
// the row's hash while its executions keep theirs. Those versions' executions are read.
absl::StatusOr<bool> HeldByExecution(const Txn& txn, std::string_view workflow, std::string_view hash) {
  WEFT_ASSIGN_OR_RETURN(std::vector<VersionRow> versions, ListVersions(txn, workflow));
  for (const VersionRow& v : versions) {
    if (v.definition.empty()) continue;
    std::vector<std::string> ids;
    const std::string prefix = VersionIndexPrefix(workflow, v.version);
    WEFT_RETURN_IF_ERROR(
        txn.ScanPrefix(Table::kByVersion, prefix, [&](std::string_view key, std::string_view) {
          ids.emplace_back(key.substr(prefix.size()));
          return true;
        }));
    for (const std::string& id : ids) {
      WEFT_ASSIGN_OR_RETURN(auto bytes, txn.Get(Table::kExecutions, id));
      if (!bytes) continue;
      WEFT_ASSIGN_OR_RETURN(ExecutionRow row, DecodeExecution(*bytes));
      if (row.info.hash == hash) return true;
    }
  }
  return false;
}

// Whether any version row, of any workflow, names `hash`.
absl::StatusOr<bool> NamedByVersion(const Txn& txn, std::string_view hash) {
  WEFT_ASSIGN_OR_RETURN(auto rows, ListAllVersions(txn));
  for (const auto& [workflow, row] : rows) {
    if (row.hash == hash) return true;
  }
  return false;
}

}  // namespace

absl::Status PutVersionEntry(Txn& txn, std::string_view id, const ExecutionInfo& info,
                             std::optional<uint32_t> before) {
  if (!txn.env().has_table(Table::kByVersion)) return absl::OkStatus();
  if (before) {
    if (*before == info.version) return absl::OkStatus();
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kByVersion, VersionIndexKey(info.workflow, *before, id)));
  }
  return txn.Put(Table::kByVersion, VersionIndexKey(info.workflow, info.version, id), {});
}

absl::Status DropVersionEntry(Txn& txn, std::string_view id, const ExecutionInfo& info) {
  if (!txn.env().has_table(Table::kByVersion)) return absl::OkStatus();
  return txn.Delete(Table::kByVersion, VersionIndexKey(info.workflow, info.version, id));
}

absl::StatusOr<VersionExecutions> ExecutionsOfVersion(const Txn& txn, std::string_view workflow,
                                                      uint32_t version, size_t max_ids) {
  if (!txn.env().has_table(Table::kByVersion)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the store is at format ", txn.env().format(),
                     " and has no index of executions by "
                     "version yet; open it read-write once (any weft command that writes) to upgrade it"));
  }
  VersionExecutions out;
  const std::string prefix = VersionIndexPrefix(workflow, version);
  WEFT_RETURN_IF_ERROR(txn.ScanPrefix(Table::kByVersion, prefix, [&](std::string_view key, std::string_view) {
    ++out.count;
    if (out.first_ids.size() < max_ids) out.first_ids.emplace_back(key.substr(prefix.size()));
    return true;
  }));
  return out;
}

absl::Status DeleteVersion(Txn& txn, std::string_view workflow, uint32_t version) {
  WEFT_ASSIGN_OR_RETURN(std::optional<VersionRow> row, GetVersion(txn, workflow, version));
  if (!row) {
    return absl::NotFoundError(absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ", version));
  }
  WEFT_ASSIGN_OR_RETURN(VersionExecutions executions, ExecutionsOfVersion(txn, workflow, version, 1));
  if (executions.count > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(ToAbsl(workflow), "@", version, " still has ", executions.count, " executions stored"));
  }
  WEFT_RETURN_IF_ERROR(txn.Delete(Table::kVersions, VersionKey(workflow, version)));
  // Content-addressed rows go with the last holder of their hash.
  WEFT_ASSIGN_OR_RETURN(const bool named, NamedByVersion(txn, row->hash));
  if (named) return absl::OkStatus();
  WEFT_ASSIGN_OR_RETURN(const bool held, HeldByExecution(txn, workflow, row->hash));
  if (held) return absl::OkStatus();
  WEFT_RETURN_IF_ERROR(txn.Delete(Table::kBytecode, row->hash));
  if (txn.env().has_table(Table::kSources)) {
    WEFT_RETURN_IF_ERROR(txn.Delete(Table::kSources, row->hash));
  }
  return absl::OkStatus();
}

absl::Status AddVersionIndexTables(Txn& txn) {
  // Keys first, written after the walk: no cursor walks a table being written.
  std::vector<std::string> keys;
  WEFT_RETURN_IF_ERROR(
      txn.ScanStored(Table::kExecutions, "", [&](std::string_view id, std::string_view stored) {
        std::string_view value = stored;
        if (txn.checksums()) {
          absl::StatusOr<std::string_view> unsealed = UnsealRecord(Table::kExecutions, id, stored);
          if (!unsealed.ok()) return true;  // damaged: `weft verify` reports it
          value = *unsealed;
        }
        absl::StatusOr<ExecutionRow> row = DecodeExecution(value);
        if (!row.ok()) return true;
        keys.push_back(VersionIndexKey(row->info.workflow, row->info.version, id));
        return true;
      }));
  for (const std::string& key : keys) WEFT_RETURN_IF_ERROR(txn.Put(Table::kByVersion, key, {}));
  return absl::OkStatus();
}

}  // namespace weft::storage
