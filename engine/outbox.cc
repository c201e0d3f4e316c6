// The engine's side of `publish` (docs/events.md): the publisher that sends the outbox to the
// NATS server of EngineOptions::nats_url, and what is said when there is none, and to
// Conductor's internal queues (conductor_queue.cc), which need none. The messages
// themselves are written by the transitions (transitions/publish.cc).
#include "storage/outbox.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "engine/engine_impl.h"
#include "events/handler.h"

namespace weft::engine {
namespace {

void LogLine(const std::string& line) { std::fprintf(stderr, "weft: %s\n", line.c_str()); }

constexpr char kNoNats[] =
    "no NATS server is configured (--nats URL, or WEFT_NATS_URL): they wait in the store's "
    "outbox, and an engine opened with one sends them";

// The outbox's messages for NATS (not for Conductor's internal queues, which need no URL).
absl::StatusOr<uint64_t> NatsMessagesWaiting(storage::Txn& txn) {
  constexpr size_t kPage = 1024;
  uint64_t n = 0;
  std::string after;
  for (;;) {
    WEFT_ASSIGN_OR_RETURN(auto page, storage::OutboxStore(txn).List(after, kPage));
    for (const storage::OutboxMessage& m : page) n += events::IsConductorQueue(m.subject) ? 0 : 1;
    if (page.size() < kPage) return n;
    after = page.back().id;
  }
}

}  // namespace

absl::Status EngineImpl::StartPublisher() {
  if (options_.nats_url.empty()) {
    WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(*env_));
    WEFT_ASSIGN_OR_RETURN(uint64_t waiting, NatsMessagesWaiting(txn));
    if (waiting > 0) {
      warned_no_nats_ = true;
      LogLine(absl::StrCat("warning: ", waiting, " published messages are not sent: ", kNoNats));
    }
  }
  OutboxPublisher::Options options;
  options.url = options_.nats_url;
  options.local = [this](std::vector<storage::OutboxMessage> rows,
                         std::function<void(const absl::Status&)> done) {
    DeliverLocal(std::move(rows), std::move(done));
  };
  auto remove = [this](std::vector<std::string> ids, std::function<void(const absl::Status&)> done) {
    writer_->Submit(OutboxSentCommand{std::move(ids)}, std::move(done));
  };
  publisher_ = std::make_unique<OutboxPublisher>(*env_, std::move(options), std::move(remove), LogLine);
  publisher_->Start();
  return absl::OkStatus();
}

void EngineImpl::MessagesQueued(bool nats) {
  if (publisher_) publisher_->Notify();
  if (!nats || !options_.nats_url.empty()) return;
  if (warned_no_nats_.exchange(true)) return;
  LogLine(absl::StrCat("warning: a workflow published a message, but ", kNoNats));
}

}  // namespace weft::engine
