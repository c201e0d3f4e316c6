// The rows of version aliases (table `aliases`, format 8 on; docs/format/lmdb.md): workflow \0
// alias name -> a JSON record {"targets":[{"version":V,"weight":W},...],"updated_ms":T}. The
// engine asks for operations (get, list, put, delete, which aliases point at a version) and
// never touches the keys.
//
// Same contract as ScheduleStore: every call belongs to the caller's transaction; a record that
// does not decode is DataLoss. In a store of an older format, opened read-only, the table does
// not exist yet: reads find nothing.
#ifndef WEFT_STORAGE_ALIASES_H_
#define WEFT_STORAGE_ALIASES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "weft/engine.h"

namespace weft::storage {

// A record's stored value, and back (workflow and name come from the key).
std::string EncodeAlias(const VersionAlias& alias);
absl::StatusOr<VersionAlias> DecodeAlias(std::string_view key, std::string_view value);

class AliasStore {
 public:
  explicit AliasStore(Txn& txn) : txn_(txn) {}

  // nullopt when `workflow` has no alias `name`.
  absl::StatusOr<std::optional<VersionAlias>> Get(std::string_view workflow, std::string_view name) const;
  // The aliases of `workflow` by name, or of every workflow (by workflow, then name) when it is
  // empty.
  absl::StatusOr<std::vector<VersionAlias>> List(std::string_view workflow) const;
  // Writes (or replaces) alias.workflow / alias.name. REQUIRES: a write transaction.
  absl::Status Put(const VersionAlias& alias);
  // False when there was none. REQUIRES: a write transaction.
  absl::StatusOr<bool> Delete(std::string_view workflow, std::string_view name);

 private:
  Txn& txn_;
};

// 7 -> 8: the table `aliases`, which the upgrade's step creates; nothing stored before format 8
// changes.
absl::Status AddAliasTables(Txn& txn);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_ALIASES_H_
