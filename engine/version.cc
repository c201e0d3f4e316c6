// See include/weft/version.h. WEFT_VERSION comes from CMake's project(VERSION).
#include "weft/version.h"

namespace weft {

const char* VersionString() { return WEFT_VERSION; }

}  // namespace weft
