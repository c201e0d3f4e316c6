// The engine's side of `publish` (docs/events.md): the publisher that sends the outbox to the
// NATS server of EngineOptions::nats_url, and what is said when there is none. The messages
// themselves are written by the transitions (transitions/publish.cc).
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/engine_impl.h"
#include "storage/outbox.h"

namespace weft::engine {
namespace {

void LogLine(const std::string& line) { std::fprintf(stderr, "weft: %s\n", line.c_str()); }

constexpr char kNoNats[] =
    "no NATS server is configured (--nats URL, or WEFT_NATS_URL): they wait in the store's "
    "outbox, and an engine opened with one sends them";

}  // namespace

absl::Status EngineImpl::StartPublisher() {
  if (options_.nats_url.empty()) {
    WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
    WEFT_ASSIGN_OR_RETURN(uint64_t waiting, storage::OutboxStore(txn).Count());
    if (waiting > 0) {
      warned_no_nats_ = true;
      LogLine(absl::StrCat("warning: ", waiting, " published messages are not sent: ", kNoNats));
    }
    return absl::OkStatus();
  }
  OutboxPublisher::Options options;
  options.url = options_.nats_url;
  auto remove = [this](std::vector<std::string> ids,
                       std::function<void(const absl::Status&)> done) {
    writer_->Submit(OutboxSentCommand{std::move(ids)}, std::move(done));
  };
  publisher_ = std::make_unique<OutboxPublisher>(*env_, std::move(options), std::move(remove),
                                                 LogLine);
  publisher_->Start();
  return absl::OkStatus();
}

void EngineImpl::MessagesQueued() {
  if (publisher_) {
    publisher_->Notify();
    return;
  }
  if (warned_no_nats_.exchange(true)) return;
  LogLine(absl::StrCat("warning: a workflow published a message, but ", kNoNats));
}

}  // namespace weft::engine
