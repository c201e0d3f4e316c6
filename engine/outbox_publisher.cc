// See outbox_publisher.h.
#include "engine/outbox_publisher.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "events/handler.h"
#include "events/nats_client.h"
#include "storage/outbox.h"

namespace weft::engine {
namespace {

// A publish that failed because no stream stores the subject: JetStream has no one to answer.
std::string Explain(const absl::Status& status, const std::string& subject) {
  std::string text(status.message());
  if (absl::StrContains(text, "esponders")) {
    absl::StrAppend(&text, " (no JetStream stream holds the subject `", subject,
                    "`: create one that does; the message waits in the outbox until then)");
  }
  return text;
}

}  // namespace

OutboxPublisher::OutboxPublisher(const storage::Env& env, Options options, Remove remove, Log log)
    : env_(env), options_(std::move(options)), remove_(std::move(remove)), log_(std::move(log)) {}

OutboxPublisher::~OutboxPublisher() { Stop(); }

void OutboxPublisher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void OutboxPublisher::Notify() {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = true;
  idle_ = false;
  cv_.notify_all();
}

void OutboxPublisher::Drain(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
               [&] { return stopping_ || failing_ || (idle_ && !wake_ && removing_.empty()); });
}

void OutboxPublisher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  client_.reset();
}

void OutboxPublisher::Loop() {
  absl::Duration backoff = options_.min_backoff;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || wake_; });
      if (stopping_) return;
      wake_ = false;
    }
    size_t sent = 0;
    absl::Status s = Round(&sent);
    if (s.ok()) {
      backoff = options_.min_backoff;
      std::lock_guard<std::mutex> lock(mu_);
      failing_ = false;
      if (!last_logged_.empty()) {
        last_logged_.clear();
        log_("outbox: sending to NATS works again");
      }
      if (sent > 0) wake_ = true;  // there may be more
      if (sent == 0 && !wake_) idle_ = true;
      cv_.notify_all();
      continue;
    }
    Failed(s);
    std::unique_lock<std::mutex> lock(mu_);
    failing_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, absl::ToChronoMilliseconds(backoff), [&] { return stopping_; });
    wake_ = true;  // try again, whatever came meanwhile
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

void OutboxPublisher::Failed(const absl::Status& status) {
  ++failures_;
  std::lock_guard<std::mutex> lock(mu_);
  const std::string text(status.message());
  if (text == last_logged_) return;
  last_logged_ = text;
  log_(absl::StrCat("outbox: ", text,
                    "; the messages stay in the store and are sent again, "
                    "with backoff up to ",
                    absl::FormatDuration(options_.max_backoff)));
}

absl::Status OutboxPublisher::Connect() {
  if (client_ != nullptr) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<events::NatsClient>> client = events::NatsClient::Connect(options_.url);
  if (!client.ok()) {
    return absl::Status(client.status().code(), absl::StrCat("cannot connect to NATS at ", options_.url, ": ",
                                                             client.status().message()));
  }
  client_ = *std::move(client);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<storage::OutboxMessage>> OutboxPublisher::Sendable() {
  absl::flat_hash_set<std::string> skip;
  {
    std::lock_guard<std::mutex> lock(mu_);
    skip = removing_;
  }
  const bool nats = !options_.url.empty();
  const bool local = options_.local != nullptr;
  std::vector<storage::OutboxMessage> rows;
  WEFT_ASSIGN_OR_RETURN(storage::Txn txn, storage::Txn::BeginRead(env_));
  storage::OutboxStore outbox(txn);
  std::string after;
  for (;;) {  // pages, past the rows this engine cannot send (NATS ones without a URL)
    const size_t page_size = options_.batch + skip.size();
    WEFT_ASSIGN_OR_RETURN(std::vector<storage::OutboxMessage> page, outbox.List(after, page_size));
    for (storage::OutboxMessage& m : page) {
      if (skip.contains(m.id)) continue;
      if (events::IsConductorQueue(m.subject) ? local : nats) rows.push_back(std::move(m));
    }
    if (page.size() < page_size || rows.size() >= options_.batch) break;
    after = page.back().id;
  }
  if (rows.size() > options_.batch) rows.resize(options_.batch);
  return rows;
}

absl::Status OutboxPublisher::Round(size_t* sent) {
  *sent = 0;
  WEFT_ASSIGN_OR_RETURN(std::vector<storage::OutboxMessage> rows, Sendable());
  std::vector<storage::OutboxMessage> local;
  std::vector<storage::OutboxMessage> nats;
  for (storage::OutboxMessage& m : rows) {
    (events::IsConductorQueue(m.subject) ? local : nats).push_back(std::move(m));
  }
  if (!local.empty()) {
    *sent += local.size();
    std::vector<std::string> ids;
    for (const storage::OutboxMessage& m : local) ids.push_back(m.id);
    Track(std::move(ids), [&](std::function<void(const absl::Status&)> done) {
      options_.local(std::move(local), std::move(done));
    });
  }
  if (nats.empty()) return absl::OkStatus();
  return SendToNats(nats, sent);
}

absl::Status OutboxPublisher::SendToNats(const std::vector<storage::OutboxMessage>& rows, size_t* sent) {
  WEFT_RETURN_IF_ERROR(Connect());  // only when there is something to send
  std::vector<std::string> acked;
  absl::flat_hash_set<std::string> failed_subjects;  // later rows of these wait: order kept
  absl::Status first_error;
  for (const storage::OutboxMessage& row : rows) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;
    }
    if (failed_subjects.contains(row.subject)) continue;
    absl::StatusOr<uint64_t> seq = client_->PublishDurable(row.subject, row.data, row.id);
    if (seq.ok()) {
      acked.push_back(row.id);
      continue;
    }
    if (first_error.ok()) {
      first_error = absl::Status(seq.status().code(), Explain(seq.status(), row.subject));
    }
    // A lost connection fails every subject alike: end the round.
    if (absl::IsUnavailable(seq.status())) break;
    failed_subjects.insert(row.subject);
  }
  *sent += acked.size();
  if (!acked.empty()) {
    published_ += acked.size();
    RemoveAcked(std::move(acked));
  }
  return first_error;
}

void OutboxPublisher::RemoveAcked(std::vector<std::string> ids) {
  std::vector<std::string> copy = ids;
  Track(std::move(copy),
        [&](std::function<void(const absl::Status&)> done) { remove_(std::move(ids), std::move(done)); });
}

void OutboxPublisher::Track(std::vector<std::string> ids, const Run& run) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    removing_.insert(ids.begin(), ids.end());
  }
  run([this, ids = std::move(ids)](const absl::Status& s) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& id : ids) removing_.erase(id);
    cv_.notify_all();
    if (!s.ok()) {
      // The rows stay and are sent again (NATS' stream drops the copies within its window; the
      // engine's handlers find their records).
      log_(absl::StrCat("outbox: cannot remove ", ids.size(), " sent messages: ", s.message()));
      wake_ = true;
      cv_.notify_all();
    }
  });
}

}  // namespace weft::engine
