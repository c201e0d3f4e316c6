// Walks a program's code once per question; programs are small and migration is rare.
#include "engine/migrate_code.h"

#include "bytecode/lines.h"

namespace weft::engine {
namespace {

// Calls f(CodeAt) for every instruction until it returns true; false on bad code.
template <typename F>
bool ForEachInstruction(const bytecode::Program& program, F f) {
  for (uint32_t pc = 0; pc < program.code.size();) {
    std::optional<bytecode::Instruction> ins = bytecode::DecodeAt(program.code, pc);
    if (!ins) return false;
    if (f(CodeAt{pc, *ins})) return true;
    pc += ins->size;
  }
  return false;
}

}  // namespace

std::optional<Stopped> StoppedBefore(const bytecode::Program& program, uint32_t pc) {
  std::optional<Stopped> found;
  ForEachInstruction(program, [&](const CodeAt& at) {
    if (at.pc + at.ins.size != pc) return at.pc >= pc;
    const bytecode::LineEntry* line = bytecode::FindLine(program, at.pc);
    if (line != nullptr) found = Stopped{at, line->line, line->column};
    return true;
  });
  return found;
}

std::optional<CodeAt> FindInstruction(const bytecode::Program& program, bytecode::Op op, uint32_t line,
                                      uint32_t column) {
  std::optional<CodeAt> found;
  ForEachInstruction(program, [&](const CodeAt& at) {
    if (at.ins.op != op) return false;
    const bytecode::LineEntry* entry = bytecode::FindLine(program, at.pc);
    if (entry == nullptr || entry->line != line || entry->column != column) return false;
    found = at;
    return true;
  });
  return found;
}

}  // namespace weft::engine
