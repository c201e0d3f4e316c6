// Parsing of the command worker's stdout messages (see command_messages.h).
#include "workers/command_messages.h"

#include "absl/strings/str_cat.h"

namespace weft::workers {
namespace {

constexpr size_t kMaxMessageBytes = 1 << 20;  // a longer line is output, never a message

CommandMessage Malformed(std::string why) {
  CommandMessage m;
  m.reason = std::move(why);
  return m;
}

CommandMessage ParseFail(const Object& o) {
  CommandMessage m;
  m.kind = CommandMessage::Kind::kFail;
  const Value* reason = o.Find("reason");
  if (reason != nullptr && !reason->is_string()) {
    return Malformed("a `fail` message whose `reason` is not a string");
  }
  m.reason = reason != nullptr ? reason->as_string() : "the command reported a failure";
  if (const Value* terminal = o.Find("terminal"); terminal != nullptr) {
    if (!terminal->is_bool()) return Malformed("a `fail` message whose `terminal` is not a bool");
    m.terminal = terminal->as_bool();
  }
  if (const Value* details = o.Find("details"); details != nullptr) m.details = *details;
  return m;
}

}  // namespace

std::optional<CommandMessage> ParseCommandMessage(std::string_view line) {
  // Cheap tests first: most lines are output and never reach the JSON parser.
  const size_t begin = line.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos || line[begin] != '{' || line.size() > kMaxMessageBytes ||
      line.find("\"weft\"") == std::string_view::npos) {
    return std::nullopt;
  }
  absl::StatusOr<Value> value = Value::FromJson(line);
  if (!value.ok() || !value->is_object()) return std::nullopt;
  const Object& o = value->as_object();
  const Value* kind = o.Find("weft");
  if (kind == nullptr || !kind->is_string()) return std::nullopt;
  if (kind->as_string() == "heartbeat") {
    CommandMessage m;
    m.kind = CommandMessage::Kind::kHeartbeat;
    if (const Value* progress = o.Find("progress"); progress != nullptr) m.progress = *progress;
    return m;
  }
  if (kind->as_string() == "fail") return ParseFail(o);
  return Malformed(absl::StrCat("an unknown message `", kind->as_string().substr(0, 40),
                                "` (the messages are `heartbeat` and `fail`)"));
}

CommandStdout SplitCommandStdout(std::string_view data) {
  CommandStdout out;
  while (!data.empty()) {
    const size_t nl = data.find('\n');
    const std::string_view line = data.substr(0, nl);
    if (std::optional<CommandMessage> m = ParseCommandMessage(line)) {
      out.messages.push_back(*std::move(m));
    } else {
      out.output.append(line);
      if (nl != std::string_view::npos) out.output.push_back('\n');
    }
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace weft::workers
