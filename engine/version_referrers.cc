// See version_referrers.h.
#include "engine/version_referrers.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bytecode/instruction.h"
#include "common/status_macros.h"
#include "events/handler.h"
#include "storage/aliases.h"
#include "storage/events.h"
#include "storage/registry.h"
#include "storage/schedules.h"
#include "storage/version_index.h"

namespace weft {

std::string DescribeReferrers(const VersionReferrers& r) {
  std::vector<std::string> parts;
  if (r.executions > 0) {
    std::string ids = absl::StrJoin(r.execution_ids, ", ");
    if (r.executions > r.execution_ids.size()) absl::StrAppend(&ids, ", ...");
    parts.push_back(
        absl::StrCat(r.executions, r.executions == 1 ? " execution (" : " executions (", ids, ")"));
  }
  auto named = [&](const std::vector<std::string>& names, const char* one, const char* many) {
    if (names.empty()) return;
    parts.push_back(absl::StrCat(names.size() == 1 ? one : many, " ", absl::StrJoin(names, ", ")));
  };
  named(r.aliases, "alias", "aliases");
  named(r.schedules, "schedule", "schedules");
  named(r.event_handlers, "event handler", "event handlers");
  named(r.callers, "a call in", "calls in");
  return absl::StrJoin(parts, ", ");
}

namespace engine {
namespace {

// The versions `program` calls or starts by number (NAME@N), each once.
std::set<VersionRef> PinnedCalls(const bytecode::Program& program) {
  std::set<VersionRef> out;
  for (uint32_t pc = 0; pc < program.code.size();) {
    std::optional<bytecode::Instruction> ins = bytecode::DecodeAt(program.code, pc);
    if (!ins) break;  // a verified program decodes; stop rather than loop
    pc += ins->size;
    if (ins->op != bytecode::Op::CALL_WORKFLOW && ins->op != bytecode::Op::START_WORKFLOW) continue;
    if (ins->b == 0 || ins->a >= program.constants.size()) continue;
    const Value& name = program.constants[ins->a];
    if (name.is_string()) out.insert({name.as_string(), ins->b});
  }
  return out;
}

}  // namespace

absl::StatusOr<ReferrerIndex> ReferrerIndex::Build(storage::Txn& txn, ProgramCache& programs) {
  ReferrerIndex index;
  WEFT_ASSIGN_OR_RETURN(std::vector<VersionAlias> aliases, storage::AliasStore(txn).List(""));
  for (const VersionAlias& a : aliases) {
    for (const AliasTarget& t : a.targets) index.aliases_[{a.workflow, t.version}].push_back(a.name);
  }
  if (txn.env().has_table(storage::Table::kSchedules)) {
    WEFT_ASSIGN_OR_RETURN(std::vector<Schedule> schedules, storage::ScheduleStore(txn).List());
    for (const Schedule& s : schedules) {
      if (s.version != 0) index.schedules_[{s.workflow, s.version}].push_back(s.name);
    }
  }
  if (txn.env().has_table(storage::Table::kEventHandlers)) {
    WEFT_ASSIGN_OR_RETURN(auto handlers, storage::EventStore(txn).ListHandlers());
    for (const auto& [name, json] : handlers) {
      absl::StatusOr<Value> value = Value::FromJson(json);
      if (!value.ok()) return absl::DataLossError(absl::StrCat("event handler `", name, "` is not JSON"));
      WEFT_ASSIGN_OR_RETURN(events::EventHandler h, events::HandlerFromConductor(*value));
      std::set<VersionRef> pinned;
      for (const events::Action& a : h.actions) {
        if (a.kind == events::ActionKind::kStartWorkflow && a.version != 0) {
          pinned.insert({a.workflow, a.version});
        }
      }
      for (const VersionRef& ref : pinned) index.handlers_[ref].push_back(name);
    }
  }
  WEFT_ASSIGN_OR_RETURN(auto versions, storage::ListAllVersions(txn));
  for (const auto& [workflow, row] : versions) {
    WEFT_ASSIGN_OR_RETURN(ProgramPtr program, programs.Get(txn, row.hash));
    for (const VersionRef& callee : PinnedCalls(program->program)) {
      index.callers_[callee].push_back({workflow, row.version});
    }
  }
  return index;
}

absl::StatusOr<VersionReferrers> ReferrerIndex::Of(const storage::Txn& txn, const VersionRef& ref,
                                                   const std::set<VersionRef>& gone) const {
  VersionReferrers r;
  WEFT_ASSIGN_OR_RETURN(storage::VersionExecutions executions,
                        storage::ExecutionsOfVersion(txn, ref.first, ref.second, kMaxListedReferrers));
  r.executions = executions.count;
  r.execution_ids = std::move(executions.first_ids);
  auto copy = [&](const std::map<VersionRef, std::vector<std::string>>& from, std::vector<std::string>& to) {
    if (auto it = from.find(ref); it != from.end()) to = it->second;
  };
  copy(aliases_, r.aliases);
  copy(schedules_, r.schedules);
  copy(handlers_, r.event_handlers);
  if (auto it = callers_.find(ref); it != callers_.end()) {
    for (const VersionRef& caller : it->second) {
      if (caller == ref || gone.contains(caller)) continue;  // itself, or deleted with it
      r.callers.push_back(absl::StrCat(caller.first, "@", caller.second));
    }
  }
  return r;
}

}  // namespace engine
}  // namespace weft
