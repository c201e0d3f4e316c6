// Engine::Prune and the background retention of EngineOptions::retention: which finished
// executions to delete and when. The rows themselves are storage's business (storage/prune.h);
// every deletion is a MaintenanceCommand on the group-commit writer, the only thread that
// writes, one transaction per batch of at most PruneOptions::batch_size executions.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "storage/events.h"
#include "storage/execution_store.h"
#include "storage/prune.h"

namespace weft::engine {
namespace {

std::vector<ExecutionStatus> FinishedStatuses(const std::vector<ExecutionStatus>& asked) {
  if (!asked.empty()) return asked;
  return {ExecutionStatus::kCompleted, ExecutionStatus::kFailed, ExecutionStatus::kTerminated};
}

}  // namespace

// One execution, through the writer like a prune batch; refused unless it is finished, which
// is checked again in the write transaction (a Restart may have come first).
absl::Status EngineImpl::RemoveExecution(std::string_view id) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  MaintenanceCommand command;
  command.apply = [id = std::string(id)](storage::Txn& txn, int64_t) -> absl::Status {
    storage::ExecutionStore store(txn);
    WEFT_ASSIGN_OR_RETURN(std::optional<storage::ExecutionRow> row, store.GetExecution(id));
    if (!row) return absl::NotFoundError(absl::StrCat("no execution `", id, "`"));
    if (!IsEnded(row->info.status)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "execution ", id, " is ", ToAbsl(ExecutionStatusName(row->info.status)),
          "; only a finished (COMPLETED, FAILED, TERMINATED) execution can be removed: "
          "terminate it first"));
    }
    return storage::DeleteExecutions(txn, {id}).status();
  };
  return writer_->SubmitAndWait(std::move(command));
}

absl::StatusOr<PruneResult> EngineImpl::Prune(const PruneOptions& options) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  if (options.older_than < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("prune: the age must not be negative");
  }
  for (ExecutionStatus s : options.statuses) {
    if (s == ExecutionStatus::kRunning || s == ExecutionStatus::kPaused) {
      return absl::InvalidArgumentError(
          "prune: only finished executions (completed, failed, terminated) can be deleted");
    }
  }
  const std::vector<ExecutionStatus> statuses = FinishedStatuses(options.statuses);
  const size_t batch_size = options.batch_size == 0 ? 1 : options.batch_size;
  const int64_t cutoff = clock_->NowMs() - absl::ToInt64Milliseconds(options.older_than);
  PruneResult result;
  std::string after;
  for (;;) {
    if (options.max_batches != 0 && result.batches >= options.max_batches) break;
    storage::PrunablePage page;
    {
      WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
      WEFT_ASSIGN_OR_RETURN(page,
                            storage::ListPrunable(txn, cutoff, statuses, batch_size, after));
    }
    if (page.ids.empty()) break;
    after = page.next;
    if (options.dry_run) {
      result.executions += page.ids.size();
      ++result.batches;
      if (after.empty()) break;
      continue;
    }
    if (options.archive) {
      std::vector<ExecutionArchive> archive;
      archive.reserve(page.ids.size());
      for (const std::string& id : page.ids) {
        ExecutionArchive entry;
        WEFT_ASSIGN_OR_RETURN(entry.info, GetExecution(id));
        WEFT_ASSIGN_OR_RETURN(entry.history, History(id));
        WEFT_ASSIGN_OR_RETURN(entry.tasks, Tasks(id));
        for (const TaskInfo& t : entry.tasks) {
          WEFT_ASSIGN_OR_RETURN(std::vector<TaskLog> logs, TaskLogs(t.id));
          if (!logs.empty()) entry.task_logs[t.id] = std::move(logs);
        }
        archive.push_back(std::move(entry));
      }
      WEFT_RETURN_IF_ERROR(options.archive(archive));
    }
    // Checked again in the write transaction: an execution restarted since the scan stays.
    uint64_t deleted = 0;
    uint64_t rows = 0;
    MaintenanceCommand command;
    command.apply = [&, ids = std::move(page.ids)](storage::Txn& txn, int64_t) -> absl::Status {
      deleted = rows = 0;  // the writer may apply a batch more than once
      std::vector<std::string> still;
      for (const std::string& id : ids) {
        WEFT_ASSIGN_OR_RETURN(bool prunable, storage::IsPrunable(txn, id, cutoff));
        if (prunable) still.push_back(id);
      }
      WEFT_ASSIGN_OR_RETURN(rows, storage::DeleteExecutions(txn, still));
      deleted = still.size();
      return absl::OkStatus();
    };
    WEFT_RETURN_IF_ERROR(writer_->SubmitAndWait(std::move(command)));
    result.executions += deleted;
    result.rows += rows;
    ++result.batches;
    executions_pruned_ += deleted;
    if (after.empty()) break;
  }
  if (options.statuses.empty()) WEFT_RETURN_IF_ERROR(PruneEventMessages(cutoff, options, &result));
  return result;
}

// Message keys are handler \0 message id, in no time order, so each batch looks at up to
// batch_size records and deletes the old ones among them. An unbounded prune walks the whole
// table; a bounded one (retention) resumes where the previous stopped and wraps at the end.
absl::Status EngineImpl::PruneEventMessages(int64_t cutoff_ms, const PruneOptions& options,
                                            PruneResult* result) {
  const size_t batch_size = options.batch_size == 0 ? 1 : options.batch_size;
  const bool bounded = options.max_batches != 0;
  std::string from;
  if (bounded) {
    std::lock_guard<std::mutex> lock(message_cursor_mu_);
    from = message_cursor_;
  }
  for (size_t batch = 0; !bounded || batch < options.max_batches; ++batch) {
    storage::MessagePrunePage page;
    auto pass = [&](storage::Txn& txn, bool dry_run) -> absl::Status {
      WEFT_ASSIGN_OR_RETURN(page, storage::EventStore(txn).DeleteMessagesBefore(
                                      cutoff_ms, batch_size, from, dry_run));
      return absl::OkStatus();
    };
    {  // Read first: a pass with nothing to delete writes nothing (no commit, no fsync).
      WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
      WEFT_RETURN_IF_ERROR(pass(txn, /*dry_run=*/true));
    }
    if (!options.dry_run && page.deleted > 0) {
      MaintenanceCommand command;
      command.apply = [&](storage::Txn& txn, int64_t) { return pass(txn, /*dry_run=*/false); };
      WEFT_RETURN_IF_ERROR(writer_->SubmitAndWait(std::move(command)));
      ++result->batches;
    }
    result->event_messages += page.deleted;
    from = page.next;
    if (from.empty()) break;
  }
  if (bounded) {
    std::lock_guard<std::mutex> lock(message_cursor_mu_);
    message_cursor_ = from;
  }
  return absl::OkStatus();
}

void EngineImpl::StartRetention() {
  if (options_.retention <= absl::ZeroDuration()) return;
  retention_ = std::thread([this] { RetentionLoop(); });
}

void EngineImpl::StopRetention() {
  {
    std::lock_guard<std::mutex> lock(retention_mu_);
    retention_stopping_ = true;
  }
  retention_cv_.notify_all();
  if (retention_.joinable()) retention_.join();
}

void EngineImpl::RetentionLoop() {
  PruneOptions prune;
  prune.older_than = options_.retention;
  prune.statuses = options_.retention_statuses;
  prune.max_batches = 1;  // one bounded transaction per round: live work is never held up long
  const auto interval = std::chrono::milliseconds(
      std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.retention_interval)));
  std::unique_lock<std::mutex> lock(retention_mu_);
  while (!retention_stopping_) {
    lock.unlock();
    absl::StatusOr<PruneResult> done = Prune(prune);
    lock.lock();
    if (!done.ok()) {
      std::fprintf(stderr, "weft: retention: %s\n", std::string(done.status().message()).c_str());
    }
    // A full batch means more may be waiting: go on at once, unless stopping.
    if (done.ok() && (done->executions >= prune.batch_size ||
                      done->event_messages >= prune.batch_size)) {
      continue;
    }
    retention_cv_.wait_for(lock, interval, [this] { return retention_stopping_; });
  }
}

}  // namespace weft::engine
