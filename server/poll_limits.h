// Per task type limits on what polls hand out, from the type's Conductor TaskDef:
// `concurrentExecLimit` (at most that many tasks of the type out with remote workers at once)
// and `rateLimitPerFrequency` (at most that many handed out per `rateLimitFrequencyInSeconds`,
// default 1 s, in fixed windows). A poll of a type at its limit gets nothing, as Conductor's
// does. Kept in memory by the service layer (service.h), loaded from the stored TaskDefs when
// the server starts and updated when a TaskDef is registered, updated or deleted. Thread-safe.
#ifndef WEFT_SERVER_POLL_LIMITS_H_
#define WEFT_SERVER_POLL_LIMITS_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "weft/value.h"

namespace weft::server {

class PollLimits {
 public:
  // Sets the limits of `type` from its TaskDef (a JSON object); a TaskDef without either limit
  // (or with 0) removes them.
  void Set(std::string_view type, const Value& taskdef);
  void Erase(std::string_view type);

  // How many of `count` tasks of `type` a poll may take at `now_ms`. `out_now()` gives how
  // many tasks of the type are out (leased) already; it is called only when the type has a
  // concurrency limit. The allowance counts against the rate window at once: give back what
  // was not taken with Refund.
  int Allow(std::string_view type, int count, int64_t now_ms, const std::function<int64_t()>& out_now);
  void Refund(std::string_view type, int unused);

 private:
  struct Limits {
    int64_t concurrency = 0;     // 0: none
    int64_t rate = 0;            // per window; 0: none
    int64_t window_ms = 1000;
    int64_t window_start_ms = 0;
    int64_t taken_in_window = 0;
  };
  std::mutex mu_;
  absl::flat_hash_map<std::string, Limits> by_type_;
};

}  // namespace weft::server

#endif  // WEFT_SERVER_POLL_LIMITS_H_
