// The flow facts the checker tracks through a workflow body, statement by statement: whether
// control can reach the current point, and which local slots are definitely assigned there.
//
// Only a `var` declared without a value starts unassigned; every other slot is assigned when
// declared. An unreachable point counts every slot as assigned (nothing runs there), which
// makes it the identity of Join.
#ifndef WEFT_COMPILER_CHECK_FLOW_H_
#define WEFT_COMPILER_CHECK_FLOW_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace weft::check {

struct FlowState {
  bool reachable = true;
  std::vector<bool> assigned;  // by slot; slots past the end are unassigned

  bool IsAssigned(uint32_t slot) const {
    return !reachable || (slot < assigned.size() && assigned[slot]);
  }
  void SetAssigned(uint32_t slot, bool value) {
    if (slot >= assigned.size()) assigned.resize(slot + 1, false);
    assigned[slot] = value;
  }

  // No path reaches this point (yet): the identity of Join.
  static FlowState Unreachable() {
    FlowState out;
    out.reachable = false;
    return out;
  }

  // The facts that hold where two paths meet: reachable if either is, assigned if assigned on
  // every reachable path.
  static FlowState Join(const FlowState& a, const FlowState& b) {
    if (!a.reachable) return b;
    if (!b.reachable) return a;
    FlowState out;
    const size_t n = std::min(a.assigned.size(), b.assigned.size());
    out.assigned.resize(n);
    for (size_t i = 0; i < n; ++i) out.assigned[i] = a.assigned[i] && b.assigned[i];
    return out;
  }
};

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_FLOW_H_
