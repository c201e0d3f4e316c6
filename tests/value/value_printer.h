// Lets GoogleTest print a weft::Value as its JSON in failure messages.
#ifndef WEFT_TESTS_VALUE_VALUE_PRINTER_H_
#define WEFT_TESTS_VALUE_VALUE_PRINTER_H_

#include <ostream>

#include "weft/value.h"

namespace weft {
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.ToJson(); }
}  // namespace weft

#endif  // WEFT_TESTS_VALUE_VALUE_PRINTER_H_
