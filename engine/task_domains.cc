// Task domains (Conductor's taskToDomain): which domain a task is queued in, and the name of
// the queue that holds it. See TaskDomainFor in include/weft/engine.h; docs/server.md, "Task
// domains".
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bytecode/system_tasks.h"
#include "common/strings.h"
#include "weft/engine.h"

namespace weft {

std::string TaskQueueName(std::string_view type, std::string_view domain) {
  if (domain.empty()) return std::string(type);
  return absl::StrCat(ToAbsl(domain), ":", ToAbsl(type));
}

std::string TaskDomainFor(const TaskToDomain& map, std::string_view type,
                          const std::function<bool(std::string_view, std::string_view)>& active) {
  if (map.empty() || bytecode::IsSystemTask(type)) return "";
  auto it = map.find(std::string(type));
  if (it == map.end()) it = map.find(std::string(kAnyTaskType));
  if (it == map.end()) return "";
  std::vector<std::string> domains;
  for (absl::string_view d : absl::StrSplit(ToAbsl(it->second), ',')) {
    domains.emplace_back(absl::StripAsciiWhitespace(d));
  }
  if (domains.empty()) return "";
  for (const std::string& d : domains) {
    if (d.empty() || absl::EqualsIgnoreCase(d, ToAbsl(kNoDomain))) continue;
    if (active && active(type, d)) return d;
  }
  const std::string& last = domains.back();
  return absl::EqualsIgnoreCase(last, ToAbsl(kNoDomain)) ? "" : last;
}

}  // namespace weft
