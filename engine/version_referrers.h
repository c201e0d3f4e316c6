// What refers to each version of each workflow (docs/versioning.md, "Version lifecycle"):
// stored executions (storage's `by_version` index), aliases, pinned schedules, event handlers
// whose start_workflow action names a version, and deployed programs that call or start a
// workflow as NAME@N. Gathered once per transaction (everything but the executions, which the
// index answers per version), so `weft versions gc` judges every version against one picture.
#ifndef WEFT_ENGINE_VERSION_REFERRERS_H_
#define WEFT_ENGINE_VERSION_REFERRERS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/program_cache.h"
#include "storage/lmdb.h"
#include "weft/engine.h"

namespace weft::engine {

using VersionRef = std::pair<std::string, uint32_t>;  // (workflow, version)

class ReferrerIndex {
 public:
  // Reads aliases, schedules, event handlers and every stored version's program.
  static absl::StatusOr<ReferrerIndex> Build(storage::Txn& txn, ProgramCache& programs);

  // The referrers of `ref`; a caller in `gone` (deleted in the same collection) does not count.
  absl::StatusOr<VersionReferrers> Of(const storage::Txn& txn, const VersionRef& ref,
                                      const std::set<VersionRef>& gone) const;

 private:
  std::map<VersionRef, std::vector<std::string>> aliases_, schedules_, handlers_;
  std::map<VersionRef, std::vector<VersionRef>> callers_;
};

}  // namespace weft::engine

#endif  // WEFT_ENGINE_VERSION_REFERRERS_H_
