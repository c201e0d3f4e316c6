// The value's source text is cut from the new version's source by its range and wrapped in
// `workflow migrate_value(a, b, ...) { return (...) }`; compiling that reuses the parser, the
// checker (unknown names, wrong builtin arguments) and the code generator unchanged.
#include "compiler/migrate/value_program.h"

#include "compiler/compiler.h"

namespace weft::migrate {
namespace {

// The text of `r` in `source` (1-based lines and byte columns, end exclusive); empty when the
// range does not lie in the source.
std::string RangeText(std::string_view source, const diag::SourceRange& r) {
  auto offset = [&](uint32_t line, uint32_t column) -> size_t {
    size_t at = 0;
    for (uint32_t l = 1; l < line; ++l) {
      at = source.find('\n', at);
      if (at == std::string_view::npos) return at;
      ++at;
    }
    return at + column - 1;
  };
  const size_t begin = offset(r.line, r.column);
  const size_t end = offset(r.end_line, r.end_column);
  if (begin == std::string_view::npos || end == std::string_view::npos || begin > end ||
      end > source.size()) {
    return "";
  }
  return std::string(source.substr(begin, end - begin));
}

}  // namespace

ValueProgram CompileMigrateValue(const ast::MigrateEntry& entry, const Point& old_point,
                                 const MapInputs& inputs) {
  ValueProgram out;
  const std::string text = RangeText(inputs.new_version.source, entry.value->range);
  if (text.empty()) {
    out.error = "the migrate value of `" + entry.name + "` has no source text";
    return out;
  }
  std::vector<const ast::Expr*> names;
  FreeNames(entry.value.get(), names);
  std::string params;
  for (const Variable& v : old_point.live) {
    bool read = false;
    for (const ast::Expr* name : names) read = read || name->name == v.name;
    if (!read) continue;
    params += (params.empty() ? "" : ", ") + v.name;
    out.params.push_back(v);
  }
  const std::string source = "workflow migrate_value(" + params + ") {\n    return (" + text + ")\n}\n";
  compiler::CompileOutput compiled =
      compiler::Compile(inputs.new_version.path + " (migrate " + entry.name + ")", source);
  if (!compiled.ok() || compiled.workflows.size() != 1) {
    out.error = "the migrate value of `" + entry.name + "` does not compile over the old frame";
    for (const diag::Diagnostic& d : compiled.diagnostics.all()) {
      out.error += ": " + d.message;
      break;
    }
    return out;
  }
  out.program = std::move(compiled.workflows[0]);
  out.ok = true;
  return out;
}

}  // namespace weft::migrate
