// Version aliases (docs/versioning.md): a named pointer at one or more versions of a workflow,
// and how a start routed through one picks its version.
#ifndef WEFT_ALIASES_H_
#define WEFT_ALIASES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft {

// A named pointer at one or more versions of a workflow (docs/versioning.md): `weft start
// shipping@prod` starts the version `prod` points at. With several targets the alias ramps:
// each start picks one by a stable hash of its correlation id (or, without one, of its
// execution id) into the weights (PickAliasVersion), so one correlation id always lands on the
// same version while the alias is unchanged.
struct AliasTarget {
  uint32_t version = 0;
  uint32_t weight = 100;  // > 0; the share is weight / the sum of the alias's weights
};
struct VersionAlias {
  std::string workflow;
  std::string name;                  // letters, digits, '_', '-' and '.', not all digits (that is a version)
  std::vector<AliasTarget> targets;  // 1..kMaxAliasTargets, distinct versions
  int64_t updated_ms = 0;            // set by the engine when stored
};
inline constexpr size_t kMaxAliasTargets = 10;
inline constexpr size_t kMaxAliasNameBytes = 64;
// The version a start routed by `key` (its correlation id, else its execution id) gets from
// `alias`: the 64-bit FNV-1a hash of `key`, mixed (SplitMix64's finalizer), modulo the sum of
// the weights, falls in one target's range, targets taken in their stored order. Stable across
// releases and machines: a stored alias routes a key the same way forever.
// REQUIRES: alias.targets is not empty and every weight > 0.
uint32_t PickAliasVersion(const VersionAlias& alias, std::string_view key);

}  // namespace weft

#endif  // WEFT_ALIASES_H_
