// The limits of `weft serve`, declared once: what one request may carry and how long a long
// poll may hold. Past a size limit a request is refused with 413 (body) or 431 (headers); a
// JSON body nested deeper than kMaxJsonDepth, or not UTF-8, is 400. Inputs and outputs are
// further held to the engine's EngineLimits (max_input_bytes, max_task_output_bytes, ...).
#ifndef WEFT_SERVER_LIMITS_H_
#define WEFT_SERVER_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace weft::server {

struct ServerLimits {
  size_t max_body_bytes = size_t{8} << 20;   // a request body
  size_t max_header_bytes = 16 * 1024;       // the request line and headers together
  int max_json_depth = 64;                   // nesting of a JSON body
  int64_t max_poll_timeout_ms = 5000;        // a long poll's `timeout` is clamped to this
  int max_poll_count = 1000;                 // a batch poll's `count` is clamped to this
  int64_t idle_timeout_ms = 120000;          // a keep-alive connection with no request
  int64_t read_timeout_ms = 30000;           // reading one request once it started
  size_t max_connections = 10000;            // more are accepted and closed at once
};

inline constexpr ServerLimits kDefaultServerLimits{};

}  // namespace weft::server

#endif  // WEFT_SERVER_LIMITS_H_
