// Starting executions (include/weft/engine.h): Start waits for the start to be durable,
// StartAsync returns at once and calls back when the execution ends (engine/completions.h), and
// StartBatch hands many starts of one workflow to the writer in one go. All three pin the version
// once, check and bind each input the same way, and send StartCommands to the group-commit
// writer.
#include <future>
#include <memory>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/name_limits.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "engine/payload_limits.h"
#include "storage/aliases.h"
#include "storage/records.h"
#include "storage/registry.h"
#include "vm/vm.h"

namespace weft::engine {
namespace {

// Seeds each execution's checkpointed random generator. random_device is costly to open, so
// each thread opens it once to seed a fast generator of its own.
uint64_t NewSeed() {
  thread_local std::mt19937_64 rng(static_cast<uint64_t>(std::random_device{}()) << 32 ^
                                   std::random_device{}());
  return rng();
}

}  // namespace

namespace {

// Correlation ids and idempotency keys are parts of index keys (storage/search_index.h).
absl::Status CheckIndexedField(std::string_view what, std::string_view value) {
  if (value.size() > kMaxCorrelationIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(ToAbsl(what), " is ", value.size(),
                                                   " bytes long; at most ",
                                                   kMaxCorrelationIdBytes, " are accepted"));
  }
  if (value.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(ToAbsl(what), " must not contain NUL"));
  }
  return absl::OkStatus();
}

// Conductor's taskToDomain: bounded, and no ':' in a domain (it separates the queue name).
absl::Status CheckTaskToDomain(const TaskToDomain& map) {
  if (map.size() > kMaxTaskToDomainEntries) {
    return absl::InvalidArgumentError(absl::StrCat("taskToDomain has ", map.size(),
                                                   " entries; at most ",
                                                   kMaxTaskToDomainEntries, " are accepted"));
  }
  for (const auto& [type, domains] : map) {
    WEFT_RETURN_IF_ERROR(CheckIndexedField("a taskToDomain task type", type));
    WEFT_RETURN_IF_ERROR(CheckIndexedField(absl::StrCat("the taskToDomain of `", type, "`"), domains));
    if (type.empty()) return absl::InvalidArgumentError("taskToDomain has an empty task type");
    if (domains.find(':') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the taskToDomain of `", type, "` is `", domains,
          "`: a domain must not contain ':' (it separates domain and type in a queue name)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStartOptions(const StartOptions& options) {
  WEFT_RETURN_IF_ERROR(CheckIndexedField("the correlation id", options.correlation_id));
  WEFT_RETURN_IF_ERROR(CheckIndexedField("the idempotency key", options.idempotency_key));
  if (options.priority < 0 || options.priority > 99) {
    return absl::InvalidArgumentError(
        absl::StrCat("priority must be within 0..99, got ", options.priority));
  }
  return CheckTaskToDomain(options.task_to_domain);
}

void CopyStartOptions(const StartOptions& options, StartCommand& cmd) {
  cmd.correlation_id = options.correlation_id;
  cmd.priority = options.priority;
  cmd.idempotency_key = options.idempotency_key;
  cmd.idempotency_strategy = options.idempotency_strategy;
  cmd.task_to_domain = options.task_to_domain;
}

// What routes a start through a weighted alias: its correlation id, so that one correlation id
// always lands on the same version, else its execution id.
std::string_view RouteKey(const StartOptions& options, std::string_view execution_id) {
  return options.correlation_id.empty() ? execution_id : options.correlation_id;
}

absl::Status RefuseIdempotencyKey(const StartOptions& options, std::string_view method) {
  if (options.idempotency_key.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      ToAbsl(method), " takes no idempotency key (it answers before the start commits); use Start"));
}

}  // namespace

absl::Status EngineImpl::CheckCanStart(std::string_view workflow) const {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_RETURN_IF_ERROR(CheckNameLength("workflow", workflow));  // not a key LMDB refuses
  return RefuseWhileStalled("no new executions");
}

// The version `options` names: an exact one, the one its alias picks for `route_key`, or the
// latest.
absl::StatusOr<std::optional<storage::VersionRow>> EngineImpl::ChooseVersion(storage::Txn& txn,
                                                                             std::string_view workflow,
                                                                             const StartOptions& options,
                                                                             std::string_view route_key) {
  if (options.alias.empty()) {
    if (!options.version) return storage::LatestVersion(txn, workflow);
    return storage::GetVersion(txn, workflow, *options.version);
  }
  if (options.version) {
    return absl::InvalidArgumentError("a start names a version or an alias, not both");
  }
  WEFT_ASSIGN_OR_RETURN(auto alias, storage::AliasStore(txn).Get(workflow, options.alias));
  if (!alias) return NoAlias(workflow, options.alias);
  const uint32_t picked = PickAliasVersion(*alias, route_key);
  WEFT_ASSIGN_OR_RETURN(auto version, storage::GetVersion(txn, workflow, picked));
  if (!version) {  // SetAlias checked it; only a damaged store gets here
    return absl::FailedPreconditionError(absl::StrCat("alias `", options.alias, "` of workflow `",
                                                      ToAbsl(workflow), "` points at version ", picked,
                                                      ", which the store does not hold"));
  }
  return version;
}

absl::StatusOr<EngineImpl::PinnedVersion> EngineImpl::PinVersion(std::string_view workflow,
                                                                 const StartOptions& options,
                                                                 std::string_view route_key) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(std::optional<storage::VersionRow> version,
                        ChooseVersion(txn, workflow, options, route_key));
  if (version && version->retired && (options.version || !options.alias.empty())) {
    return absl::NotFoundError(absl::StrCat("version ", version->version, " of workflow `", ToAbsl(workflow),
                                            "` was unregistered: it starts no new executions"));
  }
  if (!version) {
    WEFT_ASSIGN_OR_RETURN(auto latest, storage::LatestVersion(txn, workflow));
    if (!latest) {
      return absl::NotFoundError(absl::StrCat("no workflow `", ToAbsl(workflow), "` is deployed"));
    }
    return absl::NotFoundError(absl::StrCat("workflow `", ToAbsl(workflow), "` has no version ",
                                            *options.version, " (latest is ", latest->version,
                                            ")"));
  }
  PinnedVersion pinned;
  WEFT_ASSIGN_OR_RETURN(pinned.program, programs_.Get(txn, version->hash));
  pinned.version = version->version;
  pinned.hash = version->hash;
  pinned.alias = options.alias;
  return pinned;
}

std::string EngineImpl::NewExecutionId() { return ids_.Next(clock_->NowMs()); }

absl::StatusOr<StartCommand> EngineImpl::MakeStart(std::string_view workflow, const PinnedVersion& pinned,
                                                   const Value& input, std::string id) {
  if (!input.is_object() && !input.is_null()) {
    return absl::InvalidArgumentError(absl::StrCat("workflow input must be a JSON object, got ",
                                                   ToAbsl(Value::KindName(input.kind()))));
  }
  const Value bound_input = input.is_null() ? Value::MakeObject(Object()) : input;
  if (const uint64_t bytes = PayloadBytesIfNear(bound_input, options_.limits.max_input_bytes);
      bytes > options_.limits.max_input_bytes) {
    return absl::InvalidArgumentError(OverLimitMessage(
        "the workflow input", bytes, options_.limits.max_input_bytes, "max_input_bytes"));
  }
  StartCommand cmd;
  WEFT_ASSIGN_OR_RETURN(cmd.args, vm::BindInput(pinned.program->program, bound_input));
  cmd.program = pinned.program;
  cmd.version = pinned.version;
  cmd.hash = pinned.hash;
  cmd.workflow = std::string(workflow);
  cmd.input = bound_input;
  cmd.alias = pinned.alias;
  cmd.execution_id = id.empty() ? NewExecutionId() : std::move(id);
  cmd.seed = NewSeed();
  return cmd;
}

absl::StatusOr<std::string> EngineImpl::Start(std::string_view workflow, const Value& input,
                                              const StartOptions& options) {
  WEFT_RETURN_IF_ERROR(CheckCanStart(workflow));
  WEFT_RETURN_IF_ERROR(CheckStartOptions(options));
  std::string new_id = NewExecutionId();
  WEFT_ASSIGN_OR_RETURN(const PinnedVersion pinned, PinVersion(workflow, options, RouteKey(options, new_id)));
  WEFT_ASSIGN_OR_RETURN(StartCommand cmd, MakeStart(workflow, pinned, input, new_id));
  CopyStartOptions(options, cmd);
  auto existing = std::make_shared<std::string>();
  cmd.existing = existing;
  std::string id = cmd.execution_id;
  WEFT_RETURN_IF_ERROR(writer_->SubmitAndWait(std::move(cmd)));
  if (!existing->empty()) return *existing;  // RETURN_EXISTING: nothing started
  return id;
}

absl::StatusOr<std::string> EngineImpl::StartAsync(std::string_view workflow, const Value& input,
                                                   ExecutionCallback on_end,
                                                   const StartOptions& options) {
  WEFT_RETURN_IF_ERROR(CheckCanStart(workflow));
  WEFT_RETURN_IF_ERROR(CheckStartOptions(options));
  WEFT_RETURN_IF_ERROR(RefuseIdempotencyKey(options, "StartAsync"));
  std::string new_id = NewExecutionId();
  WEFT_ASSIGN_OR_RETURN(const PinnedVersion pinned, PinVersion(workflow, options, RouteKey(options, new_id)));
  WEFT_ASSIGN_OR_RETURN(StartCommand cmd, MakeStart(workflow, pinned, input, new_id));
  CopyStartOptions(options, cmd);
  std::string id = cmd.execution_id;
  if (!on_end) {
    writer_->Submit(std::move(cmd), nullptr);
    return id;
  }
  // Watched before the writer can see the start, so its end cannot be missed.
  if (!completions_.Watch(id, std::make_shared<const ExecutionCallback>(std::move(on_end)))) {
    return absl::UnavailableError("the engine is closing");
  }
  writer_->Submit(std::move(cmd), [this, id](const absl::Status& s) {
    if (!s.ok()) completions_.Refused(id, s);
  });
  return id;
}

// One start of a batch: through a weighted alias, each picks its own version.
absl::StatusOr<StartCommand> EngineImpl::MakeBatchStart(std::string_view workflow,
                                                        const PinnedVersion& pinned,
                                                        const StartOptions& options, const Value& input) {
  if (options.alias.empty()) return MakeStart(workflow, pinned, input);
  std::string id = NewExecutionId();
  WEFT_ASSIGN_OR_RETURN(const PinnedVersion own, PinVersion(workflow, options, RouteKey(options, id)));
  return MakeStart(workflow, own, input, std::move(id));
}

std::vector<absl::StatusOr<std::string>> EngineImpl::StartBatch(std::string_view workflow,
                                                                const std::vector<Value>& inputs,
                                                                ExecutionCallback on_end,
                                                                const StartOptions& options) {
  std::vector<absl::StatusOr<std::string>> out(inputs.size(), absl::UnknownError(""));
  absl::StatusOr<PinnedVersion> pinned = [&]() -> absl::StatusOr<PinnedVersion> {
    WEFT_RETURN_IF_ERROR(CheckCanStart(workflow));
    WEFT_RETURN_IF_ERROR(CheckStartOptions(options));
    WEFT_RETURN_IF_ERROR(RefuseIdempotencyKey(options, "StartBatch"));
    return PinVersion(workflow, options);
  }();
  if (!pinned.ok()) {
    for (auto& r : out) r = pinned.status();
    return out;
  }
  std::shared_ptr<const ExecutionCallback> callback =
      on_end ? std::make_shared<const ExecutionCallback>(std::move(on_end)) : nullptr;
  // The writer answers each start on its thread; the last answer releases this one.
  struct Answers {
    std::atomic<size_t> left{0};
    std::promise<void> all;
  };
  auto answers = std::make_shared<Answers>();
  std::vector<Command> commands;
  std::vector<Done> dones;
  for (size_t i = 0; i < inputs.size(); ++i) {
    absl::StatusOr<StartCommand> cmd = MakeBatchStart(workflow, *pinned, options, inputs[i]);
    if (!cmd.ok()) {
      out[i] = cmd.status();
      continue;
    }
    CopyStartOptions(options, *cmd);
    const std::string id = cmd->execution_id;
    if (callback && !completions_.Watch(id, callback)) {
      out[i] = absl::UnavailableError("the engine is closing");
      continue;
    }
    out[i] = id;
    commands.push_back(*std::move(cmd));
    dones.push_back([this, &out, i, answers, watched = callback != nullptr](const absl::Status& s) {
      if (!s.ok()) {
        if (watched) completions_.Forget(*out[i]);
        out[i] = s;
      }
      if (answers->left.fetch_sub(1) == 1) answers->all.set_value();
    });
  }
  if (commands.empty()) return out;
  answers->left = commands.size();
  std::future<void> all = answers->all.get_future();
  writer_->SubmitAll(std::move(commands), std::move(dones));
  all.wait();
  return out;
}

}  // namespace weft::engine

namespace weft {

std::optional<IdempotencyStrategy> ParseIdempotencyStrategy(std::string_view name) {
  for (auto [s, n] : {std::pair{IdempotencyStrategy::kFail, "FAIL"},
                      std::pair{IdempotencyStrategy::kReturnExisting, "RETURN_EXISTING"},
                      std::pair{IdempotencyStrategy::kFailOnRunning, "FAIL_ON_RUNNING"}}) {
    if (absl::EqualsIgnoreCase(ToAbsl(name), n)) return s;
  }
  return std::nullopt;
}

}  // namespace weft
