// The version of the Weft library an embedding program runs against.
#ifndef WEFT_VERSION_H_
#define WEFT_VERSION_H_

namespace weft {

// "MAJOR.MINOR.PATCH", from the project version in CMakeLists.txt.
const char* VersionString();

}  // namespace weft

#endif  // WEFT_VERSION_H_
