// The builtin catalogue: the table built from builtins.def (indexed by id, so CALL_BUILTIN's
// operand indexes it directly), lookup by name, and the deterministic random generator.
#include "stdlib/builtins.h"

#include <array>

#include "stdlib/builtin_impls.h"

namespace weft::stdlib {
namespace {

constexpr BuiltinInfo kBuiltins[] = {
#define BUILTIN(name, min_args, max_args, doc) {#name, min_args, max_args, doc, &Builtin_##name},
#include "stdlib/builtins.def"
#undef BUILTIN
};

}  // namespace

std::span<const BuiltinInfo> AllBuiltins() { return kBuiltins; }

const BuiltinInfo* FindBuiltin(std::string_view name, uint32_t* id) {
  // A dozen entries: a linear scan is as fast as any index.
  for (uint32_t i = 0; i < std::size(kBuiltins); ++i) {
    if (kBuiltins[i].name == name) {
      if (id != nullptr) *id = i;
      return &kBuiltins[i];
    }
  }
  return nullptr;
}

// splitmix64 (Steele, Lea, Flood 2014; constants from Vigna's reference code). Its whole state is
// one uint64 that the VM stores in the checkpoint, so a resumed execution draws the same numbers.
uint64_t NextRandom(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace weft::stdlib
