// Block scopes and slot allocation (see scopes.h).
#include "compiler/check/scopes.h"

#include <algorithm>
#include <utility>

#include "common/check.h"

namespace weft::check {

void Scopes::Push() { blocks_.push_back(Block{{}, next_slot_}); }

void Scopes::Pop() {
  WEFT_CHECK(!blocks_.empty());
  next_slot_ = blocks_.back().first_slot;
  blocks_.pop_back();
}

Variable* Scopes::FindInInnermost(std::string_view name) {
  WEFT_CHECK(!blocks_.empty());
  for (auto& var : blocks_.back().vars) {
    if (var->name == name) return var.get();
  }
  return nullptr;
}

Variable* Scopes::Lookup(std::string_view name) {
  for (auto block = blocks_.rbegin(); block != blocks_.rend(); ++block) {
    for (auto& var : block->vars) {
      if (var->name == name) return var.get();
    }
  }
  return nullptr;
}

Variable* Scopes::Declare(std::string name, VarKind kind, diag::SourceRange range) {
  WEFT_CHECK(!blocks_.empty());
  const uint32_t slot = Allocate(1);
  blocks_.back().vars.push_back(
      std::make_unique<Variable>(Variable{std::move(name), kind, slot, range}));
  return blocks_.back().vars.back().get();
}

uint32_t Scopes::AllocateHidden(uint32_t count) {
  WEFT_CHECK(!blocks_.empty());
  return Allocate(count);
}

uint32_t Scopes::Allocate(uint32_t count) {
  const uint32_t first = next_slot_;
  next_slot_ += count;
  high_water_ = std::max(high_water_, next_slot_);
  return first;
}

std::vector<std::string> Scopes::VisibleNames() const {
  std::vector<std::string> names;
  for (auto block = blocks_.rbegin(); block != blocks_.rend(); ++block) {
    for (const auto& var : block->vars) {
      if (std::find(names.begin(), names.end(), var->name) == names.end()) {
        names.push_back(var->name);
      }
    }
  }
  return names;
}

}  // namespace weft::check
