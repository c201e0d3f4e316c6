// The workflow registry: every deployed version of every workflow, immutable and addressed by
// the hash of its bytecode. Versions deployed from .wf source are numbered 1, 2, 3, ... per
// workflow; a Conductor WorkflowDef registered through the metadata API brings its own number
// (RegisterVersionAt). A version may be retired (unregistered): it stays, with its bytecode, for
// the executions pinned to it, but is no longer the latest nor started anew. Functions take the
// caller's transaction, so deploying a file of several workflows is one atomic commit.
#ifndef WEFT_STORAGE_REGISTRY_H_
#define WEFT_STORAGE_REGISTRY_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/lmdb.h"
#include "storage/records.h"

namespace weft::storage {

struct RegisterResult {
  uint32_t version = 0;
  bool created = false;  // false: the latest version already has this hash
};

// Records `bytecode` (whose content hash is `hash`) as the next version of `workflow` (after
// the highest, retired or not), unless the latest version already has the same hash. REQUIRES: a write transaction.
absl::StatusOr<RegisterResult> RegisterVersion(Txn& txn, std::string_view workflow,
                                               std::string_view hash, std::string_view bytecode,
                                               std::string_view source_file, int64_t now_ms);

// Records `bytecode` as version `version` of `workflow`, registered from the Conductor
// WorkflowDef `definition`. When that version exists and is not retired: with the same hash and
// definition nothing changes (created = false); otherwise AlreadyExists, unless `overwrite`,
// which points the version at the new bytecode and definition. Executions already pinned to
// the version keep running on the bytecode they started with (they hold its hash, and
// DeleteVersion, version_index.h, keeps a bytecode any execution holds). A retired version is registered again as a new one. REQUIRES: a write
// transaction; version > 0.
absl::StatusOr<RegisterResult> RegisterVersionAt(Txn& txn, std::string_view workflow,
                                                 uint32_t version, std::string_view hash,
                                                 std::string_view bytecode,
                                                 std::string_view source_file,
                                                 std::string_view definition, bool overwrite,
                                                 int64_t now_ms);
// Retires a version (see above); NotFound when it does not exist or is retired already.
// REQUIRES: a write transaction.
absl::Status RetireVersion(Txn& txn, std::string_view workflow, uint32_t version);

// The highest version that is not retired; nullopt when there is none.
absl::StatusOr<std::optional<VersionRow>> LatestVersion(const Txn& txn, std::string_view workflow);
// Every version of every workflow, retired ones too, by workflow then version.
absl::StatusOr<std::vector<std::pair<std::string, VersionRow>>> ListAllVersions(const Txn& txn);
struct NamedVersionRow {
  std::string workflow;
  VersionRow row;
};
// The latest version of every workflow, by name (one pass over table `versions`).
absl::StatusOr<std::vector<NamedVersionRow>> LatestVersions(const Txn& txn);
absl::StatusOr<std::optional<VersionRow>> GetVersion(const Txn& txn, std::string_view workflow,
                                                     uint32_t version);
// Oldest first; empty when the workflow was never deployed.
absl::StatusOr<std::vector<VersionRow>> ListVersions(const Txn& txn, std::string_view workflow);
// Stores `source`, the .wf text that `hash`'s bytecode was compiled from, unless the store has
// one for it already (the first source stays: any other compiles to the same bytecode).
// REQUIRES: a write transaction; a store of format 6 or later (the `sources` table).
absl::Status RegisterSource(Txn& txn, std::string_view hash, std::string_view source);
// The source text of `hash`'s bytecode; nullopt when the store has none (a version deployed
// before format 6). The view lives as long as the transaction.
absl::StatusOr<std::optional<std::string_view>> GetSource(const Txn& txn, std::string_view hash);

// The stored bytes; nullopt when absent. The view lives as long as the transaction.
absl::StatusOr<std::optional<std::string_view>> GetBytecode(const Txn& txn, std::string_view hash);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_REGISTRY_H_
