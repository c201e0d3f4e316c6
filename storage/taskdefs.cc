// See taskdefs.h.
#include "storage/taskdefs.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace weft::storage {

absl::StatusOr<std::optional<std::string>> TaskDefStore::Get(std::string_view name) const {
  if (!txn_.env().has_table(Table::kTaskDefs)) return std::optional<std::string>();
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kTaskDefs, name));
  if (!bytes) return std::optional<std::string>();
  return std::optional<std::string>(std::string(*bytes));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> TaskDefStore::List() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!txn_.env().has_table(Table::kTaskDefs)) return out;
  WEFT_RETURN_IF_ERROR(txn_.ScanPrefix(Table::kTaskDefs, "",
                                       [&](std::string_view key, std::string_view value) {
                                         out.emplace_back(std::string(key), std::string(value));
                                         return true;
                                       }));
  return out;
}

absl::Status TaskDefStore::Put(std::string_view name, std::string_view json) {
  if (name.empty()) return absl::InvalidArgumentError("a TaskDef needs a name");
  return txn_.Put(Table::kTaskDefs, name, json);
}

absl::StatusOr<bool> TaskDefStore::Delete(std::string_view name) {
  WEFT_ASSIGN_OR_RETURN(auto bytes, txn_.Get(Table::kTaskDefs, name));
  if (!bytes) return false;
  WEFT_RETURN_IF_ERROR(txn_.Delete(Table::kTaskDefs, name));
  return true;
}

}  // namespace weft::storage
