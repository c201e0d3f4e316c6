// Between weft::Value and libjq's jv, directly (no JSON text in between). Internal to stdlib/.
//
// jv reference counting: every jv_* function consumes its jv arguments unless libjq documents
// otherwise, so a jv is either passed on exactly once or freed with jv_free.
//
// Numbers: jq 1.6 holds every number as a double. An int beyond 2^53 is rounded on the way in;
// on the way out, a double that is integral and within the int64 range becomes an int (so
// 2.0 comes back as 2), NaN becomes null and ±infinity ±1.7976931348623157e308, as jq prints
// them.
#ifndef WEFT_STDLIB_JQ_CONVERT_H_
#define WEFT_STDLIB_JQ_CONVERT_H_

extern "C" {
#include <jv.h>  // jq 1.6's headers have no extern "C" of their own
}

#include "absl/status/statusor.h"
#include "weft/value.h"

namespace weft::stdlib {

// A new jv (the caller owns it). Fails (ResourceExhausted) only for nesting deeper than
// Value::kMaxDepth. The work is bounded by v.total_size(), which the limits bound.
absl::StatusOr<jv> ValueToJv(const Value& v);

// Consumes `j`. Fails (ResourceExhausted) for a result past a value limit (weft/value.h): depth,
// string, list or object width, or total size, counted as the conversion goes, so that a jv
// sharing one array many times is refused after at most kMaxTotalSize units of work.
// REQUIRES: j is valid (not jv_invalid()).
absl::StatusOr<Value> JvToValue(jv j);

}  // namespace weft::stdlib

#endif  // WEFT_STDLIB_JQ_CONVERT_H_
