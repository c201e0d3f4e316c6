// Finding code in a program for live migration's planner (migrate_plan.h): the instruction a
// waiting fiber stopped at, and the instruction of the new program at a source position (the
// state map speaks in source positions; fibers speak in pcs). Pure functions over a verified
// program.
#ifndef WEFT_ENGINE_MIGRATE_CODE_H_
#define WEFT_ENGINE_MIGRATE_CODE_H_

#include <cstdint>
#include <optional>

#include "bytecode/instruction.h"
#include "bytecode/program.h"

namespace weft::engine {

struct CodeAt {
  uint32_t pc = 0;
  bytecode::Instruction ins;
};

// The instruction that ends just before `pc` (a waiting fiber's pc is just after the
// instruction it waits in), with its source position.
struct Stopped {
  CodeAt code;
  uint32_t line = 0, column = 0;
};
std::optional<Stopped> StoppedBefore(const bytecode::Program& program, uint32_t pc);

// The first instruction with opcode `op` whose line-table position is line:column.
std::optional<CodeAt> FindInstruction(const bytecode::Program& program, bytecode::Op op, uint32_t line,
                                      uint32_t column);

}  // namespace weft::engine

#endif  // WEFT_ENGINE_MIGRATE_CODE_H_
