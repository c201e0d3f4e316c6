// Version lifecycle (include/weft/engine.h, docs/versioning.md): deleting one version, refused
// while anything refers to it, and collecting every version nothing refers to. Each is one
// write transaction outside the writer's group commits; LMDB's single writer orders it with
// the starts and migrations that could add a referrer.
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "engine/version_referrers.h"
#include "engine/write_with_growth.h"
#include "storage/registry.h"
#include "storage/version_index.h"

namespace weft::engine {
namespace {

// Why `row` of `workflow` is kept whatever refers to it, or "" when nothing makes it so: the
// latest live version is what new starts get; the highest number, retired or not, is what the
// next deploy counts from, so deleting it would hand its number out again.
std::string AlwaysKept(const std::vector<storage::VersionRow>& rows, uint32_t version) {
  std::optional<uint32_t> latest;
  for (const storage::VersionRow& r : rows) {
    if (!r.retired) latest = r.version;
  }
  if (latest && *latest == version) return "latest";
  if (!rows.empty() && rows.back().version == version) {
    return "highest number (the next deploy is numbered after it)";
  }
  return "";
}

// The workflows to collect: `workflow`, or every one with a version.
absl::StatusOr<std::vector<std::string>> WorkflowsToCollect(const storage::Txn& txn,
                                                            std::string_view workflow) {
  if (!workflow.empty()) {
    WEFT_ASSIGN_OR_RETURN(auto rows, storage::ListVersions(txn, workflow));
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat("no workflow `", ToAbsl(workflow), "` is deployed"));
    }
    return std::vector<std::string>{std::string(workflow)};
  }
  WEFT_ASSIGN_OR_RETURN(auto latest, storage::LatestVersions(txn));
  std::vector<std::string> out;
  for (const auto& named : latest) out.push_back(named.workflow);
  return out;
}

// Judges every version of `workflows`; deleted ones first judged without referrers may free
// others (a call from a deleted version no longer counts), so it runs until nothing changes.
absl::StatusOr<std::vector<CollectedVersion>> Judge(storage::Txn& txn, ProgramCache& programs,
                                                    const std::vector<std::string>& workflows) {
  WEFT_ASSIGN_OR_RETURN(ReferrerIndex index, ReferrerIndex::Build(txn, programs));
  std::vector<CollectedVersion> out;
  for (const std::string& workflow : workflows) {
    WEFT_ASSIGN_OR_RETURN(std::vector<storage::VersionRow> rows, storage::ListVersions(txn, workflow));
    for (const storage::VersionRow& row : rows) {
      CollectedVersion v;
      v.workflow = workflow;
      v.version = row.version;
      v.reason = AlwaysKept(rows, row.version);
      out.push_back(std::move(v));
    }
  }
  // Kept whatever refers to them: their reason is set already and never changes.
  std::vector<bool> always;
  for (const CollectedVersion& v : out) always.push_back(!v.reason.empty());
  std::set<VersionRef> gone;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < out.size(); ++i) {
      CollectedVersion& v = out[i];
      if (v.deleted) continue;
      WEFT_ASSIGN_OR_RETURN(v.referrers, index.Of(txn, {v.workflow, v.version}, gone));
      if (always[i]) continue;
      if (v.referrers.empty()) {
        v.deleted = true;
        v.reason.clear();
        gone.insert({v.workflow, v.version});
        changed = true;
      } else {
        v.reason = absl::StrCat("referred to by ", DescribeReferrers(v.referrers));
      }
    }
  }
  return out;
}

}  // namespace

absl::Status EngineImpl::DeleteVersion(std::string_view workflow, uint32_t version) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  return WriteWithGrowth<bool>(
             *env_,
             [&](storage::Txn& txn) -> absl::StatusOr<bool> {
               WEFT_ASSIGN_OR_RETURN(auto rows, storage::ListVersions(txn, workflow));
               WEFT_ASSIGN_OR_RETURN(auto row, storage::GetVersion(txn, workflow, version));
               if (!row) {
                 return absl::NotFoundError(
                     absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ", version));
               }
               const std::string name = absl::StrCat(ToAbsl(workflow), "@", version);
               const std::string kept = AlwaysKept(rows, version);
               if (kept == "latest") {
                 return absl::FailedPreconditionError(absl::StrCat(
                     name, " is the latest version and is always kept; deploy a newer version of `",
                     ToAbsl(workflow), "` first, then delete this one"));
               }
               if (!kept.empty()) {
                 return absl::FailedPreconditionError(
                     absl::StrCat(name,
                                  " has the highest version number, which the next deploy counts from; it "
                                  "is kept so that its number is never given out again"));
               }
               WEFT_ASSIGN_OR_RETURN(ReferrerIndex index, ReferrerIndex::Build(txn, programs_));
               WEFT_ASSIGN_OR_RETURN(VersionReferrers refs,
                                     index.Of(txn, {std::string(workflow), version}, {}));
               if (!refs.empty()) {
                 return absl::FailedPreconditionError(
                     absl::StrCat(name, " is still referred to by ", DescribeReferrers(refs)));
               }
               WEFT_RETURN_IF_ERROR(storage::DeleteVersion(txn, workflow, version));
               return true;
             })
      .status();
}

absl::StatusOr<std::vector<CollectedVersion>> EngineImpl::CollectVersions(std::string_view workflow,
                                                                          bool dry_run) {
  if (dry_run) {
    WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
    WEFT_ASSIGN_OR_RETURN(auto workflows, WorkflowsToCollect(txn, workflow));
    return Judge(txn, programs_, workflows);
  }
  WEFT_RETURN_IF_ERROR(RequireWritable());
  return WriteWithGrowth<std::vector<CollectedVersion>>(
      *env_, [&](storage::Txn& txn) -> absl::StatusOr<std::vector<CollectedVersion>> {
        WEFT_ASSIGN_OR_RETURN(auto workflows, WorkflowsToCollect(txn, workflow));
        WEFT_ASSIGN_OR_RETURN(auto judged, Judge(txn, programs_, workflows));
        for (const CollectedVersion& v : judged) {
          if (v.deleted) WEFT_RETURN_IF_ERROR(storage::DeleteVersion(txn, v.workflow, v.version));
        }
        return judged;
      });
}

}  // namespace weft::engine
