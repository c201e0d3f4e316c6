// See completions.h.
#include "engine/completions.h"

#include <cstdio>
#include <exception>

#include "absl/strings/str_cat.h"
#include "common/check.h"

namespace weft::engine {

Completions::Completions(Reader read) : read_(std::move(read)) {}

Completions::~Completions() {
  Close(absl::UnavailableError("the engine closed before the execution ended"));
}

bool Completions::Watch(const std::string& id, CallbackPtr callback) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) return false;
  watches_[id] = std::move(callback);
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  return true;
}

void Completions::Forget(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  watches_.erase(id);
}

void Completions::Refused(const std::string& id, absl::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = watches_.find(id);
  if (it == watches_.end()) return;  // Close has called it already
  const bool was_empty = queue_.empty();
  activity_.fetch_add(1);
  queue_.push_back(Item{id, std::move(it->second), std::move(status)});
  watches_.erase(it);
  if (was_empty) cv_.notify_one();
}

void Completions::Ended(const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  if (watches_.empty()) return;
  const bool was_empty = queue_.empty();
  for (const std::string& id : ids) {
    if (watches_.contains(id)) queue_.push_back(Item{id, nullptr, std::nullopt});
  }
  if (queue_.empty()) return;
  activity_.fetch_add(1);
  if (was_empty) cv_.notify_one();
}

void Completions::Close(const absl::Status& why) {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    WEFT_CHECK_MSG(!thread_.joinable() || thread_.get_id() != std::this_thread::get_id(),
                   "the engine was closed from an execution callback");
    closing_ = true;
    thread = std::move(thread_);
  }
  cv_.notify_all();
  if (thread.joinable()) thread.join();  // delivers everything queued first
  absl::flat_hash_map<std::string, CallbackPtr> left;
  std::vector<Item> refused;  // a start refused after the thread stopped (a racing caller)
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    left.swap(watches_);
    refused.swap(queue_);
  }
  for (Item& item : refused) {
    if (item.status) Call(item.callback, item.id, *std::move(item.status));
  }
  for (auto& [id, callback] : left) Call(callback, id, why);
}

bool Completions::Idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.empty() && !delivering_;
}

size_t Completions::watched() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watches_.size();
}

void Completions::Loop() {
  std::vector<Item> items;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing, and everything queued has been delivered
      items.swap(queue_);
      delivering_ = true;
    }
    Deliver(items);
    items.clear();
    std::lock_guard<std::mutex> lock(mu_);
    delivering_ = false;
    activity_.fetch_add(1);
  }
}

void Completions::Deliver(std::vector<Item>& items) {
  std::vector<std::string> ids;
  for (const Item& item : items) {
    if (!item.status) ids.push_back(item.id);
  }
  std::vector<absl::StatusOr<ExecutionInfo>> infos;
  if (!ids.empty()) infos = read_(ids);
  WEFT_CHECK(infos.size() == ids.size());
  size_t next = 0;
  for (Item& item : items) {
    if (item.status) {
      Call(item.callback, item.id, *std::move(item.status));
      continue;
    }
    absl::StatusOr<ExecutionInfo>& info = infos[next++];
    // Retried or restarted since it ended: it stays watched, and its next end queues it again.
    if (info.ok()) {
      if (!IsEnded(info.value().status)) continue;
    } else if (absl::IsNotFound(info.status())) {
      info = absl::NotFoundError(absl::StrCat("execution ", item.id,
                                              " ended but was deleted (pruned) before its end "
                                              "could be reported"));
    }
    if (CallbackPtr callback = Take(item.id)) Call(callback, item.id, std::move(info));
  }
}

Completions::CallbackPtr Completions::Take(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = watches_.find(id);
  if (it == watches_.end()) return nullptr;  // delivered already (queued twice)
  CallbackPtr callback = std::move(it->second);
  watches_.erase(it);
  return callback;
}

void Completions::Call(const CallbackPtr& callback, const std::string& id,
                       absl::StatusOr<ExecutionInfo> result) {
  if (callback == nullptr || !*callback) return;
  try {
    (*callback)(id, std::move(result));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft: the callback of execution %s threw: %s\n", id.c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "weft: the callback of execution %s threw\n", id.c_str());
  }
}

}  // namespace weft::engine
