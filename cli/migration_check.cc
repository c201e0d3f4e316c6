// `weft deploy --check-migration`: maps each older version with running
// executions onto the file's version, from the stored sources, and prints the
// maps and their diagnostics.
#include "cli/migration_check.h"

#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "compiler/compiler.h"
#include "compiler/migrate/state_map.h"

namespace weft::cli {
namespace {

// Running or paused executions of `workflow`, by version.
absl::StatusOr<std::map<uint32_t, size_t>> RunningByVersion(Engine &engine,
                                                            const std::string &workflow) {
  std::map<uint32_t, size_t> counts;
  ExecutionQuery query;
  query.workflow = workflow;
  query.statuses = {ExecutionStatus::kRunning, ExecutionStatus::kPaused};
  query.limit = 1000;
  for (;;) {
    absl::StatusOr<ExecutionPage> page = engine.SearchExecutions(query);
    if (!page.ok()) return page.status();
    for (const ExecutionInfo &e : page->executions) ++counts[e.version];
    if (page->executions.size() < query.limit) break;
    query.offset += page->executions.size();
  }
  return counts;
}

// Checks one old version; false when it cannot move as a whole.
bool CheckVersion(Engine &engine, const std::string &workflow, uint32_t version, size_t running,
                  const std::string &file, const std::string &source) {
  const std::string old_name = absl::StrCat(workflow, "@v", version);
  std::cout << old_name << " -> " << file << ": " << running
            << (running == 1 ? " execution running\n" : " executions running\n");
  absl::StatusOr<std::string> old_source = engine.Source(workflow, version);
  if (absl::IsNotFound(old_source.status())) {
    std::cout << "  its source is not stored (deployed before store format 6): "
                 "its points "
                 "cannot be mapped\n";
    return false;
  }
  if (!old_source.ok()) {
    std::cout << "  cannot read its source: " << old_source.status().message() << "\n";
    return false;
  }
  migrate::MapInputs inputs;
  const migrate::StateMap map =
      migrate::ComputeStateMap(workflow, {old_name, *old_source}, {file, source}, inputs);
  std::cout << migrate::RenderStateMap(map, inputs) << migrate::RenderProblems(map, inputs);
  return map.all_mappable();
}

}  // namespace

int RunCheckMigration(const GlobalOptions &global, const std::string &file,
                      const std::string &source) {
  const compiler::CompileOutput compiled = compiler::Compile(file, source);
  if (!compiled.ok()) {
    std::cerr << diag::RenderAll(compiled.diagnostics, file, source);
    return Fail(absl::StrCat("`", file, "` has errors; nothing was checked"));
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  bool all_map = true;
  size_t checked = 0;
  for (const ast::WorkflowDecl &w : compiled.module->workflows) {
    absl::StatusOr<std::map<uint32_t, size_t>> running = RunningByVersion(**engine, w.name);
    if (!running.ok()) return Fail(running.status());
    for (const auto &[version, count] : *running) {
      ++checked;
      all_map &= CheckVersion(**engine, w.name, version, count, file, source);
    }
  }
  if (checked == 0) {
    std::cout << "no running executions of the workflows of " << file << "; nothing to migrate\n";
  }
  if (all_map) return kExitOk;
  std::cerr << "weft: error: some running executions cannot move to " << file
            << "'s version; nothing was deployed\n";
  return kExitFailure;
}

}  // namespace weft::cli
