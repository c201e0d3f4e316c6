// The route table: (method, path pattern) -> handler. Patterns are literal segments and
// `{name}` captures ("/api/tasks/{taskId}/log"). Among the routes whose pattern matches a path,
// the one with literal segments earliest wins, so "/api/tasks/queue/all" beats
// "/api/tasks/{taskId}" whatever order they were added in. A path that matches no pattern is
// 404; one that matches only under other methods is 405.
#ifndef WEFT_SERVER_ROUTER_H_
#define WEFT_SERVER_ROUTER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/request.h"

namespace weft::server {

// Where a handler runs. kInline handlers return (or hand `reply` on) at once and never block:
// they run on the I/O thread. kBlocking handlers may wait (on a commit, a scan): the server
// runs them on its blocking pool.
enum class RunOn { kInline, kBlocking };

using Handler = std::function<void(Request& request, Reply reply)>;

struct Route {
  std::string method;
  std::string pattern;
  RunOn run_on = RunOn::kBlocking;
  Handler handler;
};

class Router {
 public:
  void Add(Route route);
  // The route for `method` and `path` with its captures put in request.params; nullptr with
  // `status` set to 404 or 405 when there is none.
  const Route* Match(Request& request, int& status) const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;  // "{x}" for a capture
  };
  std::vector<Compiled> routes_;
};

// "/a/b/" -> {"a", "b"}. Empty segments are dropped.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace weft::server

#endif  // WEFT_SERVER_ROUTER_H_
