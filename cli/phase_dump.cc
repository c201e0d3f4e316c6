// Phase dumps for `weft check --dump`; see phase_dump.h. One table row per phase.
#include "cli/phase_dump.h"

#include "compiler/ast/ast_dump.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/parser/parser.h"

namespace weft::cli {
namespace {

struct Phase {
  const char* name;
  std::string (*dump)(std::string_view path, std::string_view source);
};

std::string Tokens(std::string_view, std::string_view source) {
  return parser::DumpTokens(source);
}

std::string Ast(std::string_view path, std::string_view source) {
  diag::DiagnosticList ignored;  // `check` reports them after the dump
  return ast::DumpAst(*parser::Parse(path, source, ignored));
}

std::string Checked(std::string_view path, std::string_view source) {
  return compiler::DumpChecked(path, source);
}

constexpr Phase kPhases[] = {
    {"tokens", Tokens},
    {"ast", Ast},
    {"checked", Checked},
};

}  // namespace

std::vector<std::string> DumpPhaseNames() {
  std::vector<std::string> names;
  for (const Phase& p : kPhases) names.push_back(p.name);
  return names;
}

absl::StatusOr<std::string> DumpPhase(std::string_view phase, std::string_view path,
                                      std::string_view source) {
  for (const Phase& p : kPhases) {
    if (phase == p.name) return p.dump(path, source);
  }
  return absl::InvalidArgumentError("unknown phase");
}

}  // namespace weft::cli
