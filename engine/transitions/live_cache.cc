// The live-state cache: the executions one batch of transitions has loaded, kept decoded until
// the batch ends (LoadLive), their header and status index (SetStatus, Persist), their history
// (AppendHistory), the checkpoints written once per batch (FlushLiveCache), and the work queue
// that carries a transition's effects on other executions (Drain).
#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/payload_limits.h"
#include "engine/transitions/internal.h"
#include "vm/checkpoint.h"

namespace weft::engine {

absl::Status AppendHistory(TransitionEnv& env, Live& live, HistoryType type, std::string task_id,
                           Value details) {
  return env.store.AppendHistory(
      live.id, live.row, HistoryRow{env.now_ms, type, std::move(task_id), std::move(details)});
}

absl::Status AppendHistory(TransitionEnv& env, Live& live, HistoryType type,
                           std::string_view task_id, const ObjectWriter& details) {
  return env.store.AppendHistory(
      live.id, live.row, storage::HistoryEventView{env.now_ms, type, task_id, details.EncodeInPlace()});
}

void DeleteLiveCache::operator()(LiveCache* cache) const { delete cache; }
void ForgetLiveCache(LiveCache& cache) {
  cache.lives.clear();
  cache.work.clear();
}
std::unique_ptr<LiveCache, DeleteLiveCache> NewLiveCache() {
  return std::unique_ptr<LiveCache, DeleteLiveCache>(new LiveCache);
}

// Checkpoints below this size are encoded again before each transition on a cached execution,
// so a failure's retry checkpoint is exactly the state before the failing transition; above
// it, the state at the start of the batch serves (see docs/architecture.md).
constexpr size_t kPreciseRetryBytes = 64 << 10;
// Running executions kept decoded between batches (a write-through cache: the store always has
// what the cache has, once the batch commits).
constexpr size_t kMaxCachedExecutions = 16384;

absl::StatusOr<Live*> LoadLive(TransitionEnv& env, std::string_view id) {
  if (env.primary.empty()) env.primary = std::string(id);
  if (env.quarantined != nullptr && !env.quarantined->empty() &&
      env.quarantined->contains(ToAbsl(id))) {
    return absl::FailedPreconditionError(
        absl::StrCat("execution ", ToAbsl(id), " is quarantined after a fault"));
  }
  if (auto it = env.cache->lives.find(ToAbsl(id)); it != env.cache->lives.end()) {
    Live* cached = it->second.get();
    // Kept from an earlier batch, it is as committed (`before` is its checkpoint); changed in
    // this one, its state before this transition is encoded again when that is cheap.
    if (cached->dirty && cached->row.checkpoint.size() < kPreciseRetryBytes) {
      cached->before = vm::EncodeCheckpoint(cached->vm);
    }
    return cached;
  }
  auto owned = std::make_unique<Live>();
  Live& live = *owned;
  live.id = std::string(id);
  WEFT_ASSIGN_OR_RETURN(std::optional<storage::ExecutionRow> header, env.store.GetExecution(id));
  if (!header) return absl::NotFoundError(absl::StrCat("no execution `", ToAbsl(id), "`"));
  live.info = std::move(header->info);
  live.indexed = storage::IndexedAs{live.info.status, live.info.created_ms, live.info.version};
  live.parent_wait = header->parent_wait;
  live.child_depth = header->child_depth;
  WEFT_ASSIGN_OR_RETURN(std::optional<ExecStateRow> state_row, env.store.GetState(id));
  if (!state_row) {
    return absl::DataLossError(absl::StrCat("execution ", ToAbsl(id), " has no state"));
  }
  live.row = *std::move(state_row);
  live.row.program_hash.clear();  // a copy in a row written before format 6; the header's rules
  WEFT_ASSIGN_OR_RETURN(live.program, env.programs.Get(env.txn, live.info.hash));
  // A stored checkpoint is untrusted: it must decode, then fit its program, before the VM
  // touches it.
  absl::StatusOr<vm::ExecState> state = vm::DecodeCheckpoint(live.row.checkpoint);
  absl::Status fits = state.ok() ? vm::CheckStateFits(live.program->program,
                                                      live.program->depths, *state)
                                 : state.status();
  if (!fits.ok()) {
    return absl::DataLossError(absl::StrCat("checkpoint of execution ", ToAbsl(id),
                                            " is corrupt: ", fits.message()));
  }
  live.vm = *std::move(state);
  live.before = live.row.checkpoint;
  ++env.effects.states_loaded;
  Live* out = owned.get();
  env.cache->lives.emplace(std::string(id), std::move(owned));
  return out;
}

// LoadLive for an execution another row names (a task's, a timer's, a child's parent): its
// absence is data loss, not an unknown id.
absl::StatusOr<Live*> LoadReferenced(TransitionEnv& env, std::string_view id) {
  absl::StatusOr<Live*> live = LoadLive(env, id);
  if (absl::IsNotFound(live.status())) {
    return absl::DataLossError(absl::StrCat("execution ", ToAbsl(id), " is missing from the store"));
  }
  return live;
}

void SetStatus(Live& live, ExecutionStatus status) {
  if (live.info.status == status) return;
  live.info.status = status;
  live.header_dirty = true;
}

// Records the header now (other transitions of the batch read it from the store) and marks
// the state for FlushLiveCache, which encodes the checkpoint once per batch.
absl::Status Persist(TransitionEnv& env, Live& live) {
  live.dirty = true;
  live.row.updated_ms = env.now_ms;
  if (live.header_dirty) {
    live.info.updated_ms = env.now_ms;
    WEFT_RETURN_IF_ERROR(env.store.PutExecution(
        live.id, storage::ExecutionRow{live.info, live.parent_wait, live.child_depth},
        live.indexed));
    live.indexed = storage::IndexedAs{live.info.status, live.info.created_ms, live.info.version};
    live.header_dirty = false;
  }
  return absl::OkStatus();
}

absl::Status FlushLiveCache(TransitionEnv& env) {
  // Written in key order: ids are ULIDs, so a batch of new executions appends at the end of
  // the table, where LMDB fills its pages; in the hash map's order each insert would split a
  // page in the middle and leave both halves part empty (bench/suspended: 608 bytes per state
  // row on disk instead of about 460).
  std::vector<std::pair<const std::string*, Live*>> dirty;
  for (auto& [id, live] : env.cache->lives) {
    if (live->dirty || live->counters_dirty) dirty.emplace_back(&id, live.get());
  }
  std::sort(dirty.begin(), dirty.end(),
            [](const auto& a, const auto& b) { return *a.first < *b.first; });
  for (auto [id_ptr, live] : dirty) {
    const std::string& id = *id_ptr;
    live->counters_dirty = false;
    if (!live->dirty) {  // the counters only: the stored checkpoint is still the state
      WEFT_RETURN_IF_ERROR(env.store.PutState(id, live->row));
      continue;
    }
    live->row.checkpoint = vm::EncodeCheckpoint(live->vm);
    if (live->row.checkpoint.size() > env.limits->max_checkpoint_bytes) {
      env.primary = id;  // its fault: the writer quarantines it and commits the rest
      return absl::OutOfRangeError(OverLimitMessage(
          "the execution's state", live->row.checkpoint.size(),
          env.limits->max_checkpoint_bytes, "max_checkpoint_bytes"));
    }
    env.effects.checkpoint_bytes += live->row.checkpoint.size();
    ++env.effects.checkpoints;
    WEFT_RETURN_IF_ERROR(env.store.PutState(id, live->row));
    live->dirty = false;
    live->before = live->row.checkpoint;
  }
  // Ended executions take no more transitions worth caching; past the bound, start afresh.
  absl::erase_if(env.cache->lives, [](const auto& entry) { return IsEnded(entry.second->info.status); });
  if (env.cache->lives.size() > kMaxCachedExecutions) env.cache->lives.clear();
  return absl::OkStatus();
}

// Carries out the queued work (see Work) until none is left. Each item may queue more.
absl::Status Drain(TransitionEnv& env) {
  std::deque<Work>& work = env.cache->work;
  while (!work.empty()) {
    Work w = std::move(work.front());
    work.pop_front();
    switch (w.kind) {
      case Work::Kind::kStart:
        WEFT_RETURN_IF_ERROR(ApplyStartImpl(env, w.start));
        break;
      case Work::Kind::kResumeParent:
        WEFT_RETURN_IF_ERROR(ResumeParent(env, w.child, w.parent_wait));
        break;
      case Work::Kind::kTerminateChild: {
        WEFT_ASSIGN_OR_RETURN(Live* child, LoadReferenced(env, w.id));
        if (!IsEnded(child->info.status)) {
          WEFT_RETURN_IF_ERROR(TerminateExecution(env, *child, "its parent's branch was canceled",
                                                  /*notify_parent=*/false));
        }
        break;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Drained(TransitionEnv& env, absl::Status applied) {
  if (!applied.ok()) {
    env.cache->work.clear();
    return applied;
  }
  absl::Status drained = Drain(env);
  if (!drained.ok() && (absl::IsNotFound(drained) || absl::IsFailedPrecondition(drained) ||
                        absl::IsInvalidArgument(drained))) {
    // The command's own transition is written by now: what its consequences ran into is a
    // fault of the batch (the writer applies it again without this command), not an answer.
    return absl::DataLossError(
        absl::StrCat("carrying out the transition's effects: ", drained.message()));
  }
  return drained;
}

}  // namespace weft::engine
