// The disassembler: a stable text dump of a Program, driven by the opcode table. Golden tests
// (the compiler's and ours) pin its output, so change the format only on purpose.
//
// Layout:
//   workflow NAME
//   format_version N
//   params N                      one line each: "  i name: type" [" = default-json"]
//   tasks N                       one line each: "  i name"
//   constants N                   one line each: "  i json"
//   num_locals N
//   max_stack N
//   code N bytes
//   then one line per instruction:
//     "  PC  LINE:COL  OPCODE  OPERANDS  ; NOTE"
//   PC is zero-padded to 4 digits, the position is "-" where the line table has none, and the
//   note resolves operands: constants as JSON, names, tasks, builtins, param names of locals.
#ifndef WEFT_BYTECODE_DISASM_H_
#define WEFT_BYTECODE_DISASM_H_

#include <string>

#include "bytecode/program.h"

namespace weft::bytecode {

// Renders `program`. Does not require a verified program: bad opcodes, truncated instructions
// and out-of-range operands are shown as such rather than trusted.
std::string Disassemble(const Program& program);

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_DISASM_H_
