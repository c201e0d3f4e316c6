// The one way Weft includes RapidJSON (1.1.0, header-only). RapidJSON's configuration macros
// change the code of its inline functions, so every file that uses it must see the same
// definitions, or the linker keeps one file's copy for all (an ODR violation): a file that
// included "rapidjson/..." directly would get RapidJSON's aborting assert, and the program
// might then use that copy inside Value::FromJson. LayeringTest.RapidJsonIsIncludedOnlyHere
// keeps every other file on this header.
//
// RapidJSON 1.1.0 asserts on some inputs it should reject (StrtodBigInteger under
// kParseFullPrecisionFlag, for a number past the double range such as -3723.5685e309), and
// every Weft build keeps asserts on, so such JSON aborted the process. Its asserts throw
// RapidJsonAssertion instead; Value::FromJson catches it and reports the input as invalid.
// Elsewhere an assertion is a misuse of the API (a broken invariant): uncaught, it ends the
// process as an assert would.
#ifndef WEFT_COMMON_RAPIDJSON_H_
#define WEFT_COMMON_RAPIDJSON_H_

namespace weft {
struct RapidJsonAssertion {};
}  // namespace weft

#define RAPIDJSON_ASSERT(x)                       \
  do {                                            \
    if (!(x)) throw ::weft::RapidJsonAssertion{}; \
  } while (0)

#include "rapidjson/document.h"      // IWYU pragma: export
#include "rapidjson/error/en.h"      // IWYU pragma: export
#include "rapidjson/memorystream.h"  // IWYU pragma: export
#include "rapidjson/reader.h"        // IWYU pragma: export
#include "rapidjson/stringbuffer.h"  // IWYU pragma: export
#include "rapidjson/writer.h"        // IWYU pragma: export

#endif  // WEFT_COMMON_RAPIDJSON_H_
