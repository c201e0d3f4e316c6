// The workflow registry: every deployed version of every workflow, immutable and addressed by
// the hash of its bytecode. Versions are numbered 1, 2, 3, ... per workflow. Functions take the
// caller's transaction, so deploying a file of several workflows is one atomic commit.
#ifndef WEFT_STORAGE_REGISTRY_H_
#define WEFT_STORAGE_REGISTRY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "storage/records.h"

namespace weft::storage {

struct RegisterResult {
  uint32_t version = 0;
  bool created = false;  // false: the latest version already has this hash
};

// Records `bytecode` (whose content hash is `hash`) as the next version of `workflow`, unless
// the latest version already has the same hash. REQUIRES: a write transaction.
absl::StatusOr<RegisterResult> RegisterVersion(Txn& txn, std::string_view workflow,
                                               std::string_view hash, std::string_view bytecode,
                                               std::string_view source_file, int64_t now_ms);

absl::StatusOr<std::optional<VersionRow>> LatestVersion(const Txn& txn, std::string_view workflow);
absl::StatusOr<std::optional<VersionRow>> GetVersion(const Txn& txn, std::string_view workflow,
                                                     uint32_t version);
// Oldest first; empty when the workflow was never deployed.
absl::StatusOr<std::vector<VersionRow>> ListVersions(const Txn& txn, std::string_view workflow);
// The stored bytes; nullopt when absent. The view lives as long as the transaction.
absl::StatusOr<std::optional<std::string_view>> GetBytecode(const Txn& txn, std::string_view hash);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_REGISTRY_H_
