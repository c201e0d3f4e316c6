// `weft alias set|list|delete`: named, possibly weighted pointers at versions of a workflow
// (docs/versioning.md). `weft start shipping@prod` starts through one.
//   weft alias set prod shipping@3                    every start of shipping@prod gets v3
//   weft alias set prod shipping@3=90,shipping@4=10   90% v3, 10% v4 (by a stable hash)
//   weft alias list [WORKFLOW] [--json]
//   weft alias delete prod --workflow shipping
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/cli_common.h"
#include "server/alias_json.h"

namespace weft::cli {
namespace {

struct AliasOptions {
  std::string name;
  std::string targets;
  std::string workflow;
  bool json = false;
};

// One `WORKFLOW@VERSION[=WEIGHT]` of `weft alias set`.
absl::Status ParseTarget(const std::string& text, VersionAlias& alias) {
  const size_t at = text.rfind('@');
  if (at == std::string::npos || at == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("`", text, "` is not WORKFLOW@VERSION[=WEIGHT], e.g. shipping@3=90"));
  }
  const std::string workflow = text.substr(0, at);
  std::string rest = text.substr(at + 1);
  std::string weight_text = "100";
  if (const size_t eq = rest.find('='); eq != std::string::npos) {
    weight_text = rest.substr(eq + 1);
    rest = rest.substr(0, eq);
  }
  uint32_t version = 0, weight = 0;
  if (!absl::SimpleAtoi(rest, &version) || version == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("`", rest, "` in `", text, "` is not a version number (a positive integer)"));
  }
  if (!absl::SimpleAtoi(weight_text, &weight) || weight == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the weight `", weight_text, "` in `", text, "` is not a positive integer"));
  }
  if (!alias.workflow.empty() && alias.workflow != workflow) {
    return absl::InvalidArgumentError(absl::StrCat("an alias points at versions of one workflow; `", text,
                                                   "` names `", workflow, "`, the first target `",
                                                   alias.workflow, "`"));
  }
  alias.workflow = workflow;
  alias.targets.push_back({version, weight});
  return absl::OkStatus();
}

std::string TargetsText(const VersionAlias& alias) {
  std::vector<std::string> parts;
  for (const AliasTarget& t : alias.targets) {
    parts.push_back(alias.targets.size() == 1 ? absl::StrCat("v", t.version)
                                              : absl::StrCat("v", t.version, "=", t.weight));
  }
  return absl::StrJoin(parts, ",");
}

int RunSet(const GlobalOptions& global, const AliasOptions& options) {
  VersionAlias alias;
  alias.name = options.name;
  for (const std::string& part : std::vector<std::string>(absl::StrSplit(options.targets, ','))) {
    if (absl::Status s = ParseTarget(part, alias); !s.ok()) return Fail(s);
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  if (absl::Status s = (*engine)->SetAlias(alias); !s.ok()) return Fail(s);
  std::cout << alias.workflow << "@" << alias.name << " -> " << TargetsText(alias) << "\n";
  return kExitOk;
}

int RunList(const GlobalOptions& global, const AliasOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<std::vector<VersionAlias>> aliases = (*engine)->Aliases(options.workflow);
  if (!aliases.ok()) return Fail(aliases.status());
  if (options.json) {
    List list;
    for (const VersionAlias& a : *aliases) list.push_back(server::AliasToJson(a));
    std::cout << Value::MakeList(std::move(list)).ToJson() << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"WORKFLOW", "ALIAS", "VERSIONS", "UPDATED"}};
  for (const VersionAlias& a : *aliases) {
    rows.push_back({a.workflow, a.name, TargetsText(a), FormatTimeMs(a.updated_ms)});
  }
  std::cout << FormatTable(rows);
  return kExitOk;
}

int RunDelete(const GlobalOptions& global, const AliasOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  if (absl::Status s = (*engine)->DeleteAlias(options.workflow, options.name); !s.ok()) {
    return Fail(s);
  }
  std::cout << "deleted " << options.workflow << "@" << options.name << "\n";
  return kExitOk;
}

}  // namespace

void RegisterAlias(const CommandContext& context) {
  CLI::App* group = context.app.add_subcommand(
      "alias", "Name versions of a workflow: `weft start NAME@ALIAS` starts through the alias");
  group->require_subcommand(1);
  auto set = std::make_shared<AliasOptions>();
  CLI::App* cmd = group->add_subcommand("set", "Create or replace an alias");
  cmd->add_option("ALIAS", set->name, "the alias name, e.g. prod")->required();
  cmd->add_option("TARGETS", set->targets,
                  "WORKFLOW@VERSION, or weighted: WORKFLOW@V=W,WORKFLOW@V=W (e.g. "
                  "shipping@3=90,shipping@4=10); each start picks by a stable hash of its "
                  "correlation id, else its execution id")
      ->required();
  cmd->callback([&context, set] { context.exit_code = RunSet(context.global, *set); });
  auto list = std::make_shared<AliasOptions>();
  cmd = group->add_subcommand("list", "List aliases, by workflow then name");
  cmd->add_option("WORKFLOW", list->workflow, "only this workflow's");
  cmd->add_flag("--json", list->json,
                "print one JSON array, as GET /api/weft/aliases answers (docs/server.md)");
  cmd->callback([&context, list] { context.exit_code = RunList(context.global, *list); });
  auto del = std::make_shared<AliasOptions>();
  cmd = group->add_subcommand("delete", "Delete an alias (executions started through it stay)");
  cmd->add_option("ALIAS", del->name, "the alias name")->required();
  cmd->add_option("--workflow", del->workflow, "the workflow it belongs to")->required();
  cmd->callback([&context, del] { context.exit_code = RunDelete(context.global, *del); });
}

}  // namespace weft::cli
