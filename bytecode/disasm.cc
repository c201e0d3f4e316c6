// See disasm.h. Every per-opcode fact comes from the opcode table; only operand kinds are
// rendered case by case.
#include "bytecode/disasm.h"

#include <string_view>

#include "common/strings.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bytecode/instruction.h"
#include "bytecode/lines.h"
#include "bytecode/param_type.h"
#include "stdlib/builtins.h"

namespace weft::bytecode {
namespace {

// Instruction notes show constants in full up to this many characters.
constexpr size_t kMaxNoteChars = 48;

std::string Abbreviate(std::string text) {
  if (text.size() <= kMaxNoteChars) return text;
  return absl::StrCat(text.substr(0, kMaxNoteChars - 3), "...");
}

void AppendHeader(const Program& p, std::string& out) {
  absl::StrAppend(&out, "workflow ", p.workflow_name, "\n");
  absl::StrAppend(&out, "format_version ", p.format_version, "\n");
  // Shown only when set, so that workflows without options disassemble as they always did.
  if (!p.failure_workflow.empty()) {
    absl::StrAppend(&out, "failure_workflow ", p.failure_workflow, "\n");
  }
  if (p.timeout_ms != 0) absl::StrAppend(&out, "timeout_ms ", p.timeout_ms, "\n");
  absl::StrAppend(&out, "params ", p.params.size(), "\n");
  for (size_t i = 0; i < p.params.size(); ++i) {
    const Param& param = p.params[i];
    const bool known_type = static_cast<uint8_t>(param.type) <= kMaxParamType;
    absl::StrAppend(&out, "  ", i, " ", param.name, ": ",
                    known_type ? ToAbsl(ParamTypeName(param.type)) : "<bad type>");
    if (param.has_default) absl::StrAppend(&out, " = ", param.default_value.ToJson());
    out += "\n";
  }
  absl::StrAppend(&out, "tasks ", p.tasks.size(), "\n");
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    absl::StrAppend(&out, "  ", i, " ", p.tasks[i].name);
    if (!p.tasks[i].policy.is_null()) absl::StrAppend(&out, " ", p.tasks[i].policy.ToJson());
    out += "\n";
  }
  absl::StrAppend(&out, "constants ", p.constants.size(), "\n");
  for (size_t i = 0; i < p.constants.size(); ++i) {
    absl::StrAppend(&out, "  ", i, " ", p.constants[i].ToJson(), "\n");
  }
  absl::StrAppend(&out, "num_locals ", p.num_locals, "\n");
  absl::StrAppend(&out, "max_stack ", p.max_stack, "\n");
  absl::StrAppend(&out, "code ", p.code.size(), " bytes\n");
}

// The note explaining one operand; empty when the number says it all.
std::string NoteFor(const Program& p, OperandKind kind, uint32_t v) {
  switch (kind) {
    case OperandKind::CONST:
    case OperandKind::NAME:
      if (v >= p.constants.size()) return "<bad constant>";
      return Abbreviate(p.constants[v].ToJson());
    case OperandKind::LOCAL:
      if (v < p.params.size()) return p.params[v].name;
      return "";
    case OperandKind::TASK:
      if (v >= p.tasks.size()) return "<bad task>";
      return p.tasks[v].name;
    case OperandKind::BUILTIN: {
      const auto builtins = stdlib::AllBuiltins();
      if (v >= builtins.size()) return "<bad builtin>";
      return std::string(builtins[v].name);
    }
    case OperandKind::NONE:
    case OperandKind::ITER:
    case OperandKind::TARGET:
    case OperandKind::COUNT:
    case OperandKind::BASE:
      return "";
  }
  return "";
}

std::string Position(const Program& p, uint32_t pc) {
  const LineEntry* e = FindLine(p, pc);
  if (e == nullptr) return "-";
  return absl::StrCat(e->line, ":", e->column);
}

void AppendInstructionLine(const Program& p, const Instruction& ins, uint32_t pc, std::string& out) {
  const OpInfo& info = InfoOf(ins.op);
  std::string operands;
  std::string note;
  if (info.a != OperandKind::NONE) {
    operands = absl::StrCat(ins.a);
    note = NoteFor(p, info.a, ins.a);
  }
  if (info.b != OperandKind::NONE) absl::StrAppend(&operands, " ", ins.b);
  std::string line = absl::StrFormat("  %04u  %-8s %-16s %s", pc, Position(p, pc), info.name,
                                     operands);
  if (!note.empty()) {
    line.resize(std::max<size_t>(line.size(), 44), ' ');
    absl::StrAppend(&line, " ; ", note);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  absl::StrAppend(&out, line, "\n");
}

}  // namespace

std::string Disassemble(const Program& program) {
  std::string out;
  AppendHeader(program, out);
  const uint32_t size = static_cast<uint32_t>(program.code.size());
  for (uint32_t pc = 0; pc < size;) {
    DecodeError error;
    std::optional<Instruction> ins = DecodeAt(program.code, pc, &error);
    if (!ins) {
      absl::StrAppend(&out, absl::StrFormat("  %04u  ", pc),
                      error == DecodeError::kBadOpcode
                          ? absl::StrCat("<bad opcode ", static_cast<int>(program.code[pc]), ">")
                          : std::string("<truncated instruction>"),
                      "\n");
      break;
    }
    AppendInstructionLine(program, *ins, pc, out);
    pc += ins->size;
  }
  return out;
}

}  // namespace weft::bytecode
