// Event handlers through the embedding API (include/weft/engine.h, docs/events.md): a handler
// is checked here (Conductor's EventHandler JSON, events::HandlerFromConductor), stored or
// deleted by one EventHandlerCommand to the writer, and the NATS listener is started again
// over the handlers as they now are. Reads go straight to the store.
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "engine/engine_impl.h"
#include "engine/event_service.h"
#include "engine/weft_condition.h"
#include "events/handler.h"
#include "storage/events.h"

namespace weft::engine {
namespace {

absl::StatusOr<EventHandlerInfo> InfoFromJson(std::string_view name, std::string_view json) {
  absl::StatusOr<Value> value = Value::FromJson(json);
  if (!value.ok()) {
    return absl::DataLossError(
        absl::StrCat("event handler `", ToAbsl(name), "`: the stored JSON does not parse"));
  }
  absl::StatusOr<events::EventHandler> h = events::HandlerFromConductor(*value);
  if (!h.ok()) {
    return absl::DataLossError(absl::StrCat("event handler `", ToAbsl(name),
                                            "`: the stored definition: ", h.status().message()));
  }
  EventHandlerInfo info;
  info.name = h->name;
  info.event = h->event;
  info.active = h->active;
  info.definition = *std::move(value);
  if (h->active && h->source == events::SourceKind::kConductor) {
    info.listen = EventListenState::kInternal;
  }
  return info;
}

}  // namespace

// Where each handler stands with this engine's listener (EventHandlerInfo::listen).
void EngineImpl::FillListenStates(std::vector<EventHandlerInfo>& handlers) {
  std::vector<events::HandlerState> states;
  if (events_ != nullptr) states = events_->States();
  for (EventHandlerInfo& h : handlers) {
    if (!h.active || h.listen == EventListenState::kInternal) continue;
    for (const events::HandlerState& s : states) {
      if (s.name != h.name) continue;
      h.listen = s.listening ? EventListenState::kListening
                 : s.retried ? EventListenState::kRetrying
                             : EventListenState::kFailed;
      h.listen_error = s.error;
    }
  }
}

void EngineImpl::RestartEventListener() {
  if (events_ == nullptr) return;
  if (absl::Status s = events_->Restart(); !s.ok()) {
    std::fprintf(stderr, "weft: %s\n", std::string(s.message()).c_str());
  }
}

absl::StatusOr<EventHandlerInfo> EngineImpl::CreateEventHandler(const Value& definition,
                                                                bool replace) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_ASSIGN_OR_RETURN(events::EventHandler h, events::HandlerFromConductor(definition));
  if (h.evaluator == "weft" && !h.condition.empty()) {
    WEFT_RETURN_IF_ERROR(CheckWeftCondition(h.condition));
  }
  WEFT_RETURN_IF_ERROR(RefuseWhileStalled("no event handler changes"));
  const Value stored = events::HandlerToConductor(h);
  WEFT_RETURN_IF_ERROR(
      writer_->SubmitAndWait(EventHandlerCommand{h.name, stored.ToJson(), replace}));
  RestartEventListener();
  return GetEventHandler(h.name);
}

absl::StatusOr<EventHandlerInfo> EngineImpl::GetEventHandler(std::string_view name) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(auto json, storage::EventStore(txn).GetHandler(name));
  if (!json) return absl::NotFoundError(absl::StrCat("no event handler `", ToAbsl(name), "`"));
  WEFT_ASSIGN_OR_RETURN(EventHandlerInfo info, InfoFromJson(name, *json));
  std::vector<EventHandlerInfo> one{std::move(info)};
  FillListenStates(one);
  return std::move(one[0]);
}

absl::StatusOr<std::vector<EventHandlerInfo>> EngineImpl::ListEventHandlers() {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  WEFT_ASSIGN_OR_RETURN(auto rows, storage::EventStore(txn).ListHandlers());
  std::vector<EventHandlerInfo> out;
  for (const auto& [name, json] : rows) {
    WEFT_ASSIGN_OR_RETURN(EventHandlerInfo info, InfoFromJson(name, json));
    out.push_back(std::move(info));
  }
  FillListenStates(out);
  return out;
}

absl::Status EngineImpl::DeleteEventHandler(std::string_view name) {
  WEFT_RETURN_IF_ERROR(RequireWritable());
  WEFT_RETURN_IF_ERROR(RefuseWhileStalled("no event handler changes"));
  WEFT_RETURN_IF_ERROR(writer_->SubmitAndWait(EventHandlerCommand{std::string(name), "", false}));
  RestartEventListener();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<EventMessage>> EngineImpl::ListEventMessages(std::string_view handler,
                                                                        size_t limit) {
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
  return storage::EventStore(txn).ListMessages(handler, limit);
}

void EngineImpl::ApplyEvent(events::HandledMessage message, events::ApplyDone done) {
  if (absl::Status s = RequireWritable(); !s.ok()) return done(s);
  writer_->Submit(EventCommand{std::move(message), nullptr}, std::move(done));
}

}  // namespace weft::engine

namespace weft {

std::string_view EventListenStateName(EventListenState state) {
  switch (state) {
    case EventListenState::kOff: return "OFF";
    case EventListenState::kListening: return "LISTENING";
    case EventListenState::kRetrying: return "RETRYING";
    case EventListenState::kFailed: return "FAILED";
    case EventListenState::kInternal: return "INTERNAL";
  }
  return "OFF";
}

}  // namespace weft
