// The messages a command worker prints on stdout to talk to the engine while it runs, besides
// its output: the protocol of include/weft/command_worker.h, parsed here and nowhere else.
//
// A line of stdout is a message when it is a JSON object whose member "weft" is a string:
//   {"weft":"heartbeat","progress":V}   the task is alive (progress optional, any JSON)
//   {"weft":"fail","reason":"text","terminal":true,"details":V}
//                                       the task failed; terminal (default false) = no retry
// Every other line is output. A one-line output object with a string member "weft" is
// therefore read as a message; print such an output across lines, or nest it.
#ifndef WEFT_WORKERS_COMMAND_MESSAGES_H_
#define WEFT_WORKERS_COMMAND_MESSAGES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/value.h"

namespace weft::workers {

struct CommandMessage {
  enum class Kind { kHeartbeat, kFail, kMalformed };
  Kind kind = Kind::kMalformed;
  Value progress;         // kHeartbeat
  std::string reason;     // kFail: what failed; kMalformed: what is wrong with the message
  bool terminal = false;  // kFail
  Value details;          // kFail
};

// The message `line` carries, or nullopt when it is not a message (it is output).
std::optional<CommandMessage> ParseCommandMessage(std::string_view line);

// Stdout split into the output (every line that is not a message, in order) and the messages.
struct CommandStdout {
  std::string output;
  std::vector<CommandMessage> messages;
};
CommandStdout SplitCommandStdout(std::string_view stdout_data);

}  // namespace weft::workers

#endif  // WEFT_WORKERS_COMMAND_MESSAGES_H_
