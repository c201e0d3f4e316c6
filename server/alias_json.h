// Version aliases as JSON, the same both ways for `weft serve` and its client (client_definitions.cc):
// {"workflow":"shipping","name":"prod","targets":[{"version":3,"weight":90},...],
//  "updateTime":ms}. docs/server.md, "Aliases".
#ifndef WEFT_SERVER_ALIAS_JSON_H_
#define WEFT_SERVER_ALIAS_JSON_H_

#include "absl/status/statusor.h"
#include "weft/engine.h"
#include "weft/value.h"

namespace weft::server {

Value AliasToJson(const VersionAlias& alias);
// Reads `targets` (required: a list of {"version": int > 0, "weight": int > 0, default 100})
// and, when present, `workflow` and `name`; InvalidArgument naming the field that is wrong.
absl::StatusOr<VersionAlias> AliasFromJson(const Value& json);

}  // namespace weft::server

#endif  // WEFT_SERVER_ALIAS_JSON_H_
