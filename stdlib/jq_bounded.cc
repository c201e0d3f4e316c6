// RunJq (jq.h): a jq program in a bounded child process (stdlib/bounded_child.h: a forked
// child with a time and a memory budget), and the legacy `jq` builtin (bytecode compiled before
// jq() became the system task `jq` still calls it inline; it now goes through the same bounded
// child).
//
// The child inherits the calling thread's cache of compiled programs (compiling costs ~40 ms in
// jq 1.6, running a cached program microseconds) and its input without serialising it. After a
// child ran a program that the parent's cache lacks, the parent compiles it into its cache (the
// child just proved the compile fits the budgets), so the next call's child inherits it.
#include <string>
#include <vector>

#include "stdlib/bounded_child.h"
#include "stdlib/builtin_impls.h"
#include "stdlib/jq.h"
#include "value/value_codec.h"

namespace weft::stdlib {
namespace {

constexpr char kOk = 'O';      // result message: kOk + encoded value, or
constexpr char kFailed = 'F';  // kFailed + one byte JqFailure + message text

// The child's message for `result`.
std::string Encode(const JqResult& result) {
  std::string message;
  if (result.ok) {
    std::vector<uint8_t> bytes = EncodeValue(result.value);
    message.reserve(bytes.size() + 1);
    message.push_back(kOk);
    message.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } else {
    message.push_back(kFailed);
    message.push_back(static_cast<char>(result.failure));
    message += result.message;
  }
  return message;
}

JqResult Failure(JqFailure failure, std::string message) {
  return JqResult{false, Value(), failure, std::move(message)};
}

std::string Mib(size_t bytes) {
  if (bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

JqResult TimeFailure(const JqBudget& budget) {
  return Failure(JqFailure::kTime,
                 "jq() ran past its time budget of " + absl::FormatDuration(budget.time));
}

JqResult MemoryFailure(const JqBudget& budget) {
  return Failure(JqFailure::kMemory,
                 "jq() ran past its memory budget of " + Mib(budget.memory_bytes));
}

// The child's message, given that it exited normally with status 0.
JqResult Decode(const std::string& data) {
  if (data.size() >= 1 && data[0] == kOk) {
    auto value = DecodeValue(reinterpret_cast<const uint8_t*>(data.data()) + 1, data.size() - 1);
    if (value.ok()) return JqResult{true, *std::move(value), {}, {}};
  }
  if (data.size() >= 2 && data[0] == kFailed) {
    const auto failure = static_cast<unsigned char>(data[1]);
    if (failure <= static_cast<unsigned char>(JqFailure::kLimit)) {
      return Failure(static_cast<JqFailure>(failure), data.substr(2));
    }
  }
  return Failure(JqFailure::kCrash, "jq() child process sent a malformed result");
}

}  // namespace

JqResult RunJq(const Value& query, const Value& input, const JqBudget& budget) {
  ChildBudget child;
  child.time = budget.time;
  child.output_cap = budget.memory_bytes;
  child.address_space_bytes = budget.memory_bytes;
  ChildOutcome outcome = RunBoundedChild(child, [&] { return Encode(RunJqInProcess(query, input)); });
  switch (outcome.end) {
    case ChildEnd::kOk:
      break;
    case ChildEnd::kTooLarge:
    case ChildEnd::kNoMemory:
      return MemoryFailure(budget);
    case ChildEnd::kTime:
      return TimeFailure(budget);
    case ChildEnd::kCrash:
      return Failure(JqFailure::kCrash, "jq() crashed: its process " + outcome.detail);
    case ChildEnd::kNotStarted:
      return Failure(JqFailure::kCrash, "jq() could not start its process: " + outcome.detail);
  }
  JqResult result = Decode(outcome.data);
  // The program compiled in the child within the budgets; keep it compiled here for the next
  // child to inherit.
  if ((result.ok || result.failure == JqFailure::kRuntime) && query.is_string() &&
      !JqProgramCached(query.as_string())) {
    CacheJqProgram(query.as_string());
  }
  return result;
}

absl::StatusOr<Value> Builtin_jq(BuiltinContext& ctx, std::span<const Value> args) {
  CheckArity(args, 2);
  ctx.work += args[1].total_size();
  JqResult result = RunJq(args[0], args[1], JqBudget{});
  if (!result.ok) {
    // Past a value limit or out of memory: LIMIT_EXCEEDED, as for any builtin.
    const bool limit = result.failure == JqFailure::kLimit || result.failure == JqFailure::kMemory;
    return limit ? absl::ResourceExhaustedError(result.message)
                 : absl::InvalidArgumentError(result.message);
  }
  ctx.work += result.value.total_size();
  return std::move(result.value);
}

}  // namespace weft::stdlib
