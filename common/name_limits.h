// The length limit of the names a workflow declares and the API receives, declared once:
// workflow, task, signal and parameter names. A name is part of LMDB keys (the versions, queue
// and signal tables), and LMDB refuses keys over 511 bytes with MDB_BAD_VALSIZE; the limit
// leaves room for the rest of the key and keeps history and `weft status` readable.
//
// The compiler reports a longer name in a .wf file (E0114 NameTooLong, compiler/check); the
// engine and the CLI refuse one that arrives at run time (Engine::Start, Engine::Signal,
// `weft signal`) with InvalidArgument from CheckNameLength.
#ifndef WEFT_COMMON_NAME_LIMITS_H_
#define WEFT_COMMON_NAME_LIMITS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"

namespace weft {

inline constexpr size_t kMaxNameBytes = 128;

// The first bytes of a name too long to quote whole, for messages: "aaaa...".
inline std::string NamePrefix(std::string_view name) {
  constexpr size_t kShown = 24;
  if (name.size() <= kShown) return std::string(name);
  return std::string(name.substr(0, kShown)) + "...";
}

// OK, or InvalidArgument naming `what` ("workflow", "signal", ...) when `name` is longer than
// kMaxNameBytes.
inline absl::Status CheckNameLength(std::string_view what, std::string_view name) {
  if (name.size() <= kMaxNameBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      ToAbsl(what), " name `", ToAbsl(NamePrefix(name)), "` is ", name.size(),
      " bytes long; names are at most ", kMaxNameBytes, " bytes"));
}

}  // namespace weft

#endif  // WEFT_COMMON_NAME_LIMITS_H_
