// Looking up a pc in a Program's line table (sorted by pc; an entry covers the pcs up to the
// next entry). Used by the disassembler and by the VM to place runtime errors.
#ifndef WEFT_BYTECODE_LINES_H_
#define WEFT_BYTECODE_LINES_H_

#include <algorithm>
#include <cstdint>

#include "bytecode/program.h"

namespace weft::bytecode {

// The entry covering `pc`, or nullptr when pc precedes every entry.
// REQUIRES: program.lines is sorted by pc (the verifier checks it).
inline const LineEntry* FindLine(const Program& program, uint32_t pc) {
  const auto& lines = program.lines;
  auto it = std::upper_bound(lines.begin(), lines.end(), pc,
                             [](uint32_t p, const LineEntry& e) { return p < e.pc; });
  if (it == lines.begin()) return nullptr;
  return &*(it - 1);
}

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_LINES_H_
