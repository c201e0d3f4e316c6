// A span of source text, 1-based lines and columns; the end is exclusive. Every diagnostic and
// every AST node carries one.
#ifndef WEFT_COMPILER_DIAG_SOURCE_RANGE_H_
#define WEFT_COMPILER_DIAG_SOURCE_RANGE_H_

#include <cstdint>

namespace weft::diag {

struct SourceRange {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t end_line = 0;
  uint32_t end_column = 0;
};

}  // namespace weft::diag

#endif  // WEFT_COMPILER_DIAG_SOURCE_RANGE_H_
