// Parsing of `--signal NAME=JSON`; see signal_spec.h.
#include "cli/signal_spec.h"

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"

namespace weft::cli {

absl::StatusOr<std::vector<SignalSpec>> ParseSignalSpecs(const std::vector<std::string>& specs) {
  std::vector<SignalSpec> signals;
  for (const std::string& spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad --signal `", spec, "`: expected NAME=JSON, e.g. approved='{\"by\": \"ann\"}'"));
    }
    SignalSpec signal;
    signal.name = spec.substr(0, eq);
    std::string json = spec.substr(eq + 1);
    if (!json.empty()) {
      absl::StatusOr<Value> payload =
          ParseJsonArgument(json, absl::StrCat("--signal ", signal.name));
      if (!payload.ok()) return payload.status();
      signal.payload = *std::move(payload);
    }
    signals.push_back(std::move(signal));
  }
  return signals;
}

}  // namespace weft::cli
