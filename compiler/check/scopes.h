// Block scopes and local slot allocation for one workflow body.
//
// Slots are handed out like a stack: parameters take 0..n-1, each declaration takes the next
// free slot, and a block's slots are free again when the block ends, so sibling blocks share
// slots. The high-water mark is the workflow's num_locals. Hidden slots (for-loop iterators,
// switch subjects) are allocated the same way and live as long as the block that asked.
#ifndef WEFT_COMPILER_CHECK_SCOPES_H_
#define WEFT_COMPILER_CHECK_SCOPES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/source_range.h"

namespace weft::check {

enum class VarKind : uint8_t { kParam, kLet, kVar, kLoopItem, kCaught };

struct Variable {
  std::string name;
  VarKind kind;
  uint32_t slot;
  diag::SourceRange range;     // the declaring name
  bool reported_unassigned = false;  // one read-before-assign error per variable is enough
};

class Scopes {
 public:
  void Push();
  // REQUIRES: a block is open. Frees the block's slots.
  void Pop();

  // The variable named `name` declared in the innermost block, or nullptr.
  Variable* FindInInnermost(std::string_view name);
  // The innermost visible variable named `name`, or nullptr.
  Variable* Lookup(std::string_view name);
  // Declares `name` in the innermost block on a fresh slot. REQUIRES: a block is open. The
  // pointer stays valid until the block is popped.
  Variable* Declare(std::string name, VarKind kind, diag::SourceRange range);
  // Reserves `count` consecutive unnamed slots in the innermost block; returns the first.
  uint32_t AllocateHidden(uint32_t count);

  // Every visible name, innermost first, without repeats (for "did you mean" hints).
  std::vector<std::string> VisibleNames() const;
  uint32_t num_slots() const { return high_water_; }
  // The slot the next declaration would take: every visible variable's slot is below it.
  uint32_t next_slot() const { return next_slot_; }

 private:
  struct Block {
    std::vector<std::unique_ptr<Variable>> vars;
    uint32_t first_slot;
  };
  uint32_t Allocate(uint32_t count);

  std::vector<Block> blocks_;
  uint32_t next_slot_ = 0;
  uint32_t high_water_ = 0;
};

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_SCOPES_H_
