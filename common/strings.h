// Bridges std::string_view and absl::string_view. Debian's abseil 20220623 is built with its
// own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so absl::StrCat and absl::Status
// do not take std::string_view directly, and Status::message() is not a std::string_view.
#ifndef WEFT_COMMON_STRINGS_H_
#define WEFT_COMMON_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace weft {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace weft

#endif  // WEFT_COMMON_STRINGS_H_
