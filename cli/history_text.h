// The DETAILS column of `weft history`: one readable phrase per event type ("approved
// {"ok":true}", "attempt 2 in 1.5s", "reason: out of stock") instead of raw JSON. `--json`
// keeps the raw details.
#ifndef WEFT_CLI_HISTORY_TEXT_H_
#define WEFT_CLI_HISTORY_TEXT_H_

#include <string>

#include "weft/engine.h"

namespace weft::cli {

// The event's details for people; the details' JSON for a type it does not know.
std::string HistoryDetailsText(const HistoryEvent& e);

}  // namespace weft::cli

#endif  // WEFT_CLI_HISTORY_TEXT_H_
