// What the interpreter (interpreter.cc) hands the scheduler when a fiber waits: for each
// waiting instruction, the checks of its operands and the Request it makes, with the
// description kept in the fiber's wait. These run once per wait, never in the dispatch loop's
// hot path, so they live out of line. A check that fails sets `error` (its code stays
// RUNTIME_ERROR unless said otherwise) and returns false; the interpreter raises it.
#ifndef WEFT_VM_WAIT_REQUESTS_H_
#define WEFT_VM_WAIT_REQUESTS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "common/strings.h"
#include "vm/operators.h"
#include "vm/vm.h"
#include "weft/value.h"

namespace weft::vm {

struct Wait {
  Request request;
  Value description;
};

// CALL_TASK (no policy: nullptr) and CALL_TASK_WITH: the input must be an object. On success
// it is moved out of `input`.
bool TaskWait(uint32_t task_index, const Value* policy, Value& input, Wait& wait, OpError& error);

// CALL_WORKFLOW (kChild) and START_WORKFLOW (kStartChild): the input must be an object. On
// success it is moved out of `input`.
bool ChildWait(Request::Kind kind, const std::string& workflow, uint32_t version, Value& input, Wait& wait,
               OpError& error);

// SLEEP: when the fiber is due, `duration` (an int of ms >= 0) after now.
bool SleepDue(const Value& duration, int64_t now_ms, int64_t* due, OpError& error);
// SLEEP_UNTIL: a time in ms since the epoch, or an RFC 3339 string.
bool ParseDueTime(const Value& v, int64_t* ms, std::string& error);
// The timer wait of SLEEP and SLEEP_UNTIL.
Wait TimerWait(int64_t due_ms);

// AWAIT_SIGNAL, before the mailbox is looked at: a non-empty string name and a null or int >= 0
// timeout.
bool CheckSignalWait(const Value& name, const Value& timeout, OpError& error);
// AWAIT_SIGNAL with no such signal in the mailbox: the wait, or TIMEOUT (error.code) for a
// timeout of 0.
bool SignalWait(const Value& name, const Value& timeout, int64_t now_ms, Wait& wait, OpError& error);

// FORK_EACH: a list of items and a null or int > 0 limit.
bool CheckForkEach(const Value& items, const Value& limit, OpError& error);

// The kind of `v` for a message ("int", "list", ...).
inline absl::string_view KindOf(const Value& v) { return ToAbsl(Value::KindName(v.kind())); }

// An object of these fields, in this order.
Value Obj(std::initializer_list<std::pair<const char*, Value>> fields);

}  // namespace weft::vm

#endif  // WEFT_VM_WAIT_REQUESTS_H_
