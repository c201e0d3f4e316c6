// Version lifecycle as JSON, the same both ways for `weft serve` and its client (client_definitions.cc):
// one CollectedVersion is {"workflow","version","deleted","reason","referrers":{"executions",
// "executionIds","aliases","schedules","eventHandlers","callers"}}. docs/server.md, "Versions".
#ifndef WEFT_SERVER_VERSION_GC_JSON_H_
#define WEFT_SERVER_VERSION_GC_JSON_H_

#include <vector>

#include "absl/status/statusor.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::server {

Value CollectedToJson(const std::vector<CollectedVersion>& versions);
// InvalidArgument naming what is wrong when `json` is not such a list.
absl::StatusOr<std::vector<CollectedVersion>> CollectedFromJson(const Value& json);

}  // namespace weft::server

#endif  // WEFT_SERVER_VERSION_GC_JSON_H_
