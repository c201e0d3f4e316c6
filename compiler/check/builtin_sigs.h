// The names and arities of the language's builtins, expanded from stdlib/builtins.def. The
// checker needs only this much of the catalogue, so it does not link the implementations.
// A builtin's id is its position in the .def, as stdlib::BuiltinId and CALL_BUILTIN agree.
#ifndef WEFT_COMPILER_CHECK_BUILTIN_SIGS_H_
#define WEFT_COMPILER_CHECK_BUILTIN_SIGS_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace weft::check {

struct BuiltinSig {
  std::string_view name;
  uint32_t min_args;
  uint32_t max_args;
  std::string_view doc;  // "len(x): what it returns"
};

inline constexpr BuiltinSig kBuiltinSigs[] = {
#define BUILTIN(name, min_args, max_args, doc) {#name, min_args, max_args, doc},
#include "stdlib/builtins.def"
#undef BUILTIN
};

// nullptr when no builtin has that name; otherwise *id (when non-null) is set to its id.
inline const BuiltinSig* FindBuiltinSig(std::string_view name, uint32_t* id = nullptr) {
  for (uint32_t i = 0; i < std::size(kBuiltinSigs); ++i) {
    if (kBuiltinSigs[i].name != name) continue;
    if (id != nullptr) *id = i;
    return &kBuiltinSigs[i];
  }
  return nullptr;
}

}  // namespace weft::check

#endif  // WEFT_COMPILER_CHECK_BUILTIN_SIGS_H_
