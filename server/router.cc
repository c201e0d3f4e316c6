// See router.h.
#include "server/router.h"

namespace weft::server {
namespace {

bool IsCapture(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) out.push_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void Router::Add(Route route) {
  Compiled c;
  for (std::string_view seg : SplitPath(route.pattern)) c.segments.emplace_back(seg);
  c.route = std::move(route);
  routes_.push_back(std::move(c));
}

const Route* Router::Match(Request& request, int& status) const {
  const std::vector<std::string_view> parts = SplitPath(request.path);
  const Compiled* best = nullptr;
  std::vector<bool> best_score;
  bool path_matched = false;
  for (const Compiled& c : routes_) {
    if (c.segments.size() != parts.size()) continue;
    std::vector<bool> score(parts.size());
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      if (IsCapture(c.segments[i])) continue;
      ok = c.segments[i] == parts[i];
      score[i] = true;
    }
    if (!ok) continue;
    path_matched = true;
    if (c.route.method != request.method) continue;
    if (best == nullptr || score > best_score) {
      best = &c;
      best_score = std::move(score);
    }
  }
  if (best == nullptr) {
    status = path_matched ? 405 : 404;
    return nullptr;
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = best->segments[i];
    if (IsCapture(seg)) request.params[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
  }
  return &best->route;
}

}  // namespace weft::server
