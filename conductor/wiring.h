// Conductor's wiring as Weft expressions. A WorkflowTask's `inputParameters` (and a
// workflow's `outputParameters`) are JSON whose strings may hold references such as
// `${workflow.input.order_id}`, `${ship_ref.output.label.tracking}`, `${workflow.variables.n}`
// or text around them (`"order ${workflow.input.id}"`). Wiring::Value turns such a JSON value
// into one Weft expression. Every step of a reference reads null-safely (`?.`), and a
// reference to a task the definition does not have is `null`, so a missing reference is null
// as in Conductor.
#ifndef WEFT_CONDUCTOR_WIRING_H_
#define WEFT_CONDUCTOR_WIRING_H_

#include <map>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "common/rapidjson.h"

namespace weft::conductor {

// What names a reference may reach, and the Weft variable that holds each.
struct WiringNames {
  std::string workflow_name;
  int workflow_version = 1;
  std::vector<std::pair<std::string, std::string>> inputs;     // input key -> parameter
  std::vector<std::pair<std::string, std::string>> variables;  // variable -> `var`
  std::map<std::string, std::string> task_outputs;             // task ref -> variable
};

class Wiring {
 public:
  explicit Wiring(const WiringNames& names) : names_(names) {}

  // The Weft expression for a JSON value: literals as literals, objects and lists
  // recursively, strings with references as references or interpolated strings.
  absl::StatusOr<std::string> Value(const rapidjson::Value& v) const;
  // The expression for one reference path without `${ }`: `workflow.input.x`, `ref.output`.
  absl::StatusOr<std::string> Reference(absl::string_view path) const;
  // The steps after a base expression for a path tail such as `a.b[0]['c']` (each `?.`).
  static absl::StatusOr<std::string> Steps(absl::string_view tail);

 private:
  absl::StatusOr<std::string> String(absl::string_view s) const;
  std::string InputObject() const;
  std::string VariablesObject() const;

  const WiringNames& names_;
};

}  // namespace weft::conductor

#endif  // WEFT_CONDUCTOR_WIRING_H_
