// Talking to running executions (include/weft/engine.h): signals, heartbeats and the
// execution-control commands. Each is one command to the writer, applied in a transition
// (engine/transitions/) and recorded in the execution's history.
#include "absl/strings/str_cat.h"
#include "common/name_limits.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "engine/payload_limits.h"

namespace weft::engine {

// Work moves writer -> dispatcher queue -> lease -> (in transit) -> writer, so reading the
// parts one after another could miss an item moving backwards past the reads. Both parts
// count every change; equal counts before and after the reads prove the snapshot consistent.
bool EngineImpl::Idle() const {
  if (writer_ == nullptr) return false;
  // A callback still to run may start more work (StartAsync).
  const uint64_t before =
      writer_->activity() + dispatcher_.activity() + completions_.activity();
  const bool idle = results_in_transit_.load() == 0 && writer_->Idle() &&
                    dispatcher_.ReadyCount() == 0 && dispatcher_.LeasedCount() == 0 &&
                    completions_.Idle();
  const uint64_t after =
      writer_->activity() + dispatcher_.activity() + completions_.activity();
  return idle && before == after;
}

bool EngineImpl::Quiescent() const {
  if (timers_ == nullptr || timers_->in_flight() != 0) return false;
  const uint64_t before = writer_->activity() + dispatcher_.activity();
  if (!Idle()) return false;
  absl::StatusOr<storage::Txn> txn = storage::Txn::BeginRead(*env_);
  if (!txn.ok()) return false;
  bool any_timer = false;
  const absl::Status scan = txn->ScanPrefix(storage::Table::kTimers, "",
                                            [&](std::string_view, std::string_view) {
                                              any_timer = true;
                                              return false;
                                            });
  const uint64_t after = writer_->activity() + dispatcher_.activity();
  return scan.ok() && !any_timer && timers_->in_flight() == 0 && before == after;
}

absl::Status EngineImpl::Heartbeat(std::string_view task_id, std::string_view worker_id,
                                   Value progress, uint32_t delivery) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_ASSIGN_OR_RETURN(const int64_t expires,
                        dispatcher_.Heartbeat(task_id, worker_id, delivery, clock_->NowMs(),
                                              absl::ToInt64Milliseconds(options_.lease)));
  // The extended lease is recorded on the task, so it stands across a restart. The writer
  // checks the holder again: the lease may have expired and moved on since.
  return writer_->SubmitAndWait(HeartbeatCommand{std::string(task_id), std::move(progress),
                                                 expires, std::string(worker_id), delivery});
}

absl::Status EngineImpl::Signal(std::string_view id, std::string_view name, Value payload) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  if (name.empty()) return absl::InvalidArgumentError("a signal needs a name");
  WEFT_RETURN_IF_ERROR(CheckNameLength("signal", name));
  if (const uint64_t bytes = PayloadBytesIfNear(payload, options_.limits.max_signal_bytes);
      bytes > options_.limits.max_signal_bytes) {
    return absl::InvalidArgumentError(OverLimitMessage("the signal payload", bytes,
                                                       options_.limits.max_signal_bytes,
                                                       "max_signal_bytes"));
  }
  WEFT_RETURN_IF_ERROR(RefuseWhileStalled("no signals"));
  return writer_->SubmitAndWait(
      SignalCommand{std::string(id), std::string(name), std::move(payload)});
}

absl::Status EngineImpl::Control(std::string_view id, ControlKind kind, std::string reason) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_RETURN_IF_ERROR(RefuseWhileStalled("no control commands"));
  ControlCommand cmd;
  cmd.execution_id = std::string(id);
  cmd.kind = kind;
  cmd.reason = std::move(reason);
  cmd.seed = static_cast<uint64_t>(clock_->NowMs()) * 6364136223846793005ull ^ id.size();
  return writer_->SubmitAndWait(std::move(cmd));
}

absl::Status EngineImpl::Terminate(std::string_view id, std::string_view reason) {
  return Control(id, ControlKind::kTerminate, std::string(reason));
}
absl::Status EngineImpl::Pause(std::string_view id) { return Control(id, ControlKind::kPause); }
absl::Status EngineImpl::Resume(std::string_view id) { return Control(id, ControlKind::kResume); }
absl::Status EngineImpl::Retry(std::string_view id) { return Control(id, ControlKind::kRetry); }
absl::Status EngineImpl::Restart(std::string_view id) {
  return Control(id, ControlKind::kRestart);
}

}  // namespace weft::engine
