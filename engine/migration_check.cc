// Engine::CheckMigration (`weft deploy --check-migration`, POST /api/weft/check-migration):
// maps each older version with running or paused executions onto a source's version, from
// the stored sources, with the compiler's state map; the result is both structured
// (weft/migration.h) and rendered once, here, by compiler/migrate/render.cc.
#include <map>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "compiler/compiler.h"
#include "compiler/migrate/state_map.h"
#include "engine/engine_impl.h"

namespace weft::engine {
namespace {

// Running or paused executions of `workflow`, by version.
absl::StatusOr<std::map<uint32_t, uint64_t>> RunningByVersion(Engine& engine, const std::string& workflow) {
  std::map<uint32_t, uint64_t> counts;
  ExecutionQuery query;
  query.workflow = workflow;
  query.statuses = {ExecutionStatus::kRunning, ExecutionStatus::kPaused};
  query.limit = 1000;
  for (;;) {
    WEFT_ASSIGN_OR_RETURN(ExecutionPage page, engine.SearchExecutions(query));
    for (const ExecutionInfo& e : page.executions) ++counts[e.version];
    if (page.executions.size() < query.limit) break;
    query.offset += page.executions.size();
  }
  return counts;
}

// The variables of a mapped point, in the order the map renders them.
std::vector<MigrationVariable> Variables(const migrate::PointMap& p, const migrate::MapInputs& inputs) {
  std::vector<MigrationVariable> out;
  for (const migrate::VarMove& m : p.moves) {
    MigrationVariable v;
    v.name = m.name;
    v.new_slot = m.new_slot;
    switch (m.how) {
      case migrate::VarMove::How::kCarry:
        v.how = "carry";
        v.old_slot = m.old_slot;
        break;
      case migrate::VarMove::How::kCompute: {
        v.how = "compute";
        const diag::SourceRange& r = m.entry->value->range;
        v.value = migrate::SourceTextOf(inputs.new_version.source, r);
        break;
      }
      case migrate::VarMove::How::kDefault:
        v.how = "default";
        break;
    }
    out.push_back(std::move(v));
  }
  for (const std::string& name : p.dropped) out.push_back({name, "drop", 0, 0, ""});
  return out;
}

MigrationDiagnostic DiagnosticOf(const migrate::Problem& problem) {
  MigrationDiagnostic d;
  d.code = std::string(diag::InfoOf(problem.diagnostic.kind).code);
  d.message = problem.diagnostic.message;
  const diag::SourceRange& old_range = problem.in_old ? problem.diagnostic.range : problem.note_range;
  const diag::SourceRange& new_range = problem.in_old ? problem.note_range : problem.diagnostic.range;
  d.old_line = old_range.line;
  d.old_column = old_range.column;
  d.new_line = new_range.line;
  d.new_column = new_range.column;
  d.note = problem.note;
  d.hints = problem.diagnostic.hints;
  return d;
}

MigrationPoint PointOf(const migrate::PointMap& p, const migrate::MapInputs& inputs) {
  MigrationPoint out;
  out.kind = migrate::PointKindName(p.old_point.kind);
  out.key = p.old_point.key;
  out.name = p.old_point.name;
  out.label = p.old_point.label;
  out.path = p.old_point.PathText();
  out.old_line = p.old_point.range.line;
  out.old_column = p.old_point.range.column;
  out.has_counterpart = p.new_point.has_value();
  if (p.new_point) {
    out.new_line = p.new_point->range.line;
    out.new_column = p.new_point->range.column;
  }
  out.mappable = p.mappable();
  if (out.mappable) out.variables = Variables(p, inputs);
  for (const migrate::Problem& problem : p.problems) out.diagnostics.push_back(DiagnosticOf(problem));
  return out;
}

// Maps one old version onto the source's version.
MigrationVersionCheck CheckVersion(Engine& engine, const std::string& workflow, uint32_t version,
                                   uint64_t running, const std::string& file, const std::string& source) {
  MigrationVersionCheck check;
  check.workflow = workflow;
  check.version = version;
  check.running = running;
  const std::string old_name = absl::StrCat(workflow, "@v", version);
  check.text = absl::StrCat(old_name, " -> ", file, ": ", running,
                            running == 1 ? " execution running\n" : " executions running\n");
  absl::StatusOr<std::string> old_source = engine.Source(workflow, version);
  if (absl::IsNotFound(old_source.status())) {
    check.error = "its source is not stored (deployed before store format 6): its points cannot be mapped";
  } else if (!old_source.ok()) {
    check.error = absl::StrCat("cannot read its source: ", old_source.status().message());
  }
  if (!check.error.empty()) {
    absl::StrAppend(&check.text, "  ", check.error, "\n");
    return check;
  }
  migrate::MapInputs inputs;
  const migrate::StateMap map =
      migrate::ComputeStateMap(workflow, {old_name, *old_source}, {file, source}, inputs);
  check.text += migrate::RenderStateMap(map, inputs) + migrate::RenderProblems(map, inputs);
  if (!map.error.empty()) {
    check.error = map.error;
    return check;
  }
  check.new_points = static_cast<uint32_t>(map.new_points.size());
  for (const migrate::PointMap& p : map.points) check.points.push_back(PointOf(p, inputs));
  check.mappable = map.all_mappable();
  return check;
}

std::vector<SourceDiagnostic> SourceDiagnostics(const diag::DiagnosticList& list) {
  std::vector<SourceDiagnostic> out;
  for (const diag::Diagnostic& d : list.all()) {
    const diag::DiagnosticInfo& info = diag::InfoOf(d.kind);
    out.push_back({std::string(info.code), info.severity == diag::Severity::kError ? "error" : "warning",
                   d.message, d.range.line, d.range.column, d.hints});
  }
  return out;
}

}  // namespace

absl::StatusOr<MigrationCheck> EngineImpl::CheckMigration(std::string_view file_name,
                                                          std::string_view source_text) {
  MigrationCheck check;
  check.file = std::string(file_name);
  const std::string source(source_text);
  const compiler::CompileOutput compiled = compiler::Compile(check.file, source);
  if (!compiled.ok()) {
    check.compile_errors = SourceDiagnostics(compiled.diagnostics);
    check.compile_text = diag::RenderAll(compiled.diagnostics, check.file, source);
    return check;
  }
  for (const ast::WorkflowDecl& w : compiled.module->workflows) {
    WEFT_ASSIGN_OR_RETURN(auto running, RunningByVersion(*this, w.name));
    for (const auto& [version, count] : running) {
      check.versions.push_back(CheckVersion(*this, w.name, version, count, check.file, source));
    }
  }
  return check;
}

}  // namespace weft::engine
