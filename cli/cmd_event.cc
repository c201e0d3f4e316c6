// `weft event create FILE.json|list|delete NAME|messages NAME`: event handlers, Conductor's
// EventHandler JSON with a `nats:` or `jsm:` event (docs/events.md). They listen while an
// engine started with --nats (or $WEFT_NATS_URL) has the store open (`weft serve`, `weft run`,
// `weft work`); these commands open the store just long enough for one change, or go through
// `weft serve` when it holds the store.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/cli_common.h"

namespace weft::cli {
namespace {

struct EventOptions {
  std::string file;
  std::string name;
  bool replace = false;
  bool json = false;
  size_t limit = 100;
};

int RunCreate(const GlobalOptions& global, const EventOptions& o) {
  absl::StatusOr<Value> definition = ParseJsonArgument("@" + o.file, "FILE");
  if (!definition.ok()) return Fail(definition.status());
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<EventHandlerInfo> stored = (*engine)->CreateEventHandler(*definition, o.replace);
  if (!stored.ok()) return Fail(stored.status());
  std::cout << stored->name << " " << stored->event << (stored->active ? " ACTIVE" : " INACTIVE")
            << "\n";
  return kExitOk;
}

int RunList(const GlobalOptions& global, const EventOptions& o) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  absl::StatusOr<std::vector<EventHandlerInfo>> all = (*engine)->ListEventHandlers();
  if (!all.ok()) return Fail(all.status());
  if (o.json) {
    List list;
    for (const EventHandlerInfo& h : *all) list.push_back(h.definition);
    std::cout << Value::MakeList(std::move(list)).ToJson() << "\n";
    return kExitOk;
  }
  // LISTENER: where the handler stands with `weft serve`'s listener, in client mode; a command
  // that opened the store itself listens to nothing (OFF).
  std::vector<std::vector<std::string>> rows = {{"NAME", "EVENT", "STATE", "ACTIONS", "LISTENER"}};
  for (const EventHandlerInfo& h : *all) {
    const Value* actions = h.definition.as_object().Find("actions");
    std::string listener(EventListenStateName(h.listen));
    if (!h.listen_error.empty()) absl::StrAppend(&listener, ": ", h.listen_error);
    rows.push_back({h.name, h.event, h.active ? "ACTIVE" : "INACTIVE",
                    absl::StrCat(actions != nullptr && actions->is_list()
                                     ? actions->as_list().size()
                                     : 0),
                    listener});
  }
  std::cout << FormatTable(rows);
  return kExitOk;
}

int RunDelete(const GlobalOptions& global, const EventOptions& o) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/false);
  if (!engine.ok()) return Fail(engine.status());
  if (absl::Status s = (*engine)->DeleteEventHandler(o.name); !s.ok()) return Fail(s);
  std::cout << o.name << " DELETED\n";
  return kExitOk;
}

std::string Outcomes(const EventMessage& m) {
  std::string out;
  for (const EventActionOutcome& a : m.actions) {
    if (!out.empty()) out += "; ";
    out += a.action;
    if (a.ok) {
      for (const std::string& id : a.executions) out += " " + id;
    } else {
      out += " failed: " + a.error;
    }
  }
  return m.error.empty() ? out : m.error;
}

int RunMessages(const GlobalOptions& global, const EventOptions& o) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = OpenEngine(global, /*read_only=*/true);
  if (!engine.ok()) return Fail(engine.status());
  if (absl::Status s = (*engine)->GetEventHandler(o.name).status(); !s.ok()) return Fail(s);
  absl::StatusOr<std::vector<EventMessage>> all = (*engine)->ListEventMessages(o.name, o.limit);
  if (!all.ok()) return Fail(all.status());
  if (o.json) {
    List list;
    for (const EventMessage& m : *all) {
      Object e;
      e.Set("messageId", Value::String(m.message_id));
      e.Set("time", TimeValue(m.time_ms));
      e.Set("status", Value::String(std::string(EventMessageStatusName(m.status))));
      e.Set("outcome", Value::String(Outcomes(m)));
      list.push_back(Value::MakeObject(std::move(e)));
    }
    std::cout << Value::MakeList(std::move(list)).ToJson() << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"MESSAGE", "TIME", "STATUS", "OUTCOME"}};
  for (const EventMessage& m : *all) {
    rows.push_back({m.message_id, FormatTimeMs(m.time_ms),
                    std::string(EventMessageStatusName(m.status)), Outcomes(m)});
  }
  std::cout << FormatTable(rows);
  return kExitOk;
}

}  // namespace

void RegisterEvent(const CommandContext& context) {
  CLI::App* group = context.app.add_subcommand(
      "event", "Event handlers on NATS (Conductor EventHandler JSON): create, list, delete, messages");
  group->require_subcommand(1);

  auto create = std::make_shared<EventOptions>();
  CLI::App* cmd = group->add_subcommand("create", "Create an event handler from its JSON");
  cmd->footer(
      "Handlers listen while `weft serve`, `weft run` or `weft work` has the store open with "
      "--nats URL (or $WEFT_NATS_URL); docs/events.md.");
  cmd->add_option("FILE", create->file, "the handler: Conductor EventHandler JSON")->required();
  cmd->add_flag("--replace", create->replace, "replace a handler of that name");
  cmd->callback([&context, create] { context.exit_code = RunCreate(context.global, *create); });

  auto list = std::make_shared<EventOptions>();
  cmd = group->add_subcommand("list", "List event handlers, by name");
  cmd->add_flag("--json", list->json, "print one JSON array of the handlers' JSON");
  cmd->callback([&context, list] { context.exit_code = RunList(context.global, *list); });

  auto del = std::make_shared<EventOptions>();
  cmd = group->add_subcommand("delete", "Delete an event handler (its message records stay)");
  cmd->add_option("NAME", del->name, "the handler's name")->required();
  cmd->callback([&context, del] { context.exit_code = RunDelete(context.global, *del); });

  auto messages = std::make_shared<EventOptions>();
  cmd = group->add_subcommand("messages", "The records of the messages a handler received");
  cmd->add_option("NAME", messages->name, "the handler's name")->required();
  cmd->add_option("-n,--limit", messages->limit, "at most this many (default: 100)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", messages->json, "print one JSON array");
  cmd->callback([&context, messages] { context.exit_code = RunMessages(context.global, *messages); });
}

}  // namespace weft::cli
