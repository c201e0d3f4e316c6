// Diagnostics: the channel for mistakes in a user's .wf file. Each has a stable kind (see
// diagnostic_kinds.def), a source range and a message that says what was seen. A phase adds
// diagnostics to a DiagnosticList and carries on, so one run reports every error in a file.
#ifndef WEFT_COMPILER_DIAG_DIAGNOSTIC_H_
#define WEFT_COMPILER_DIAG_DIAGNOSTIC_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/source_range.h"

namespace weft::diag {

enum class Severity : uint8_t { kError, kWarning };

enum class DiagnosticKind : uint16_t {
#define DIAG(code, name, severity, summary) k##name,
#include "compiler/diag/diagnostic_kinds.def"
#undef DIAG
};

struct DiagnosticInfo {
  std::string_view code;     // "E0101"
  std::string_view name;     // "UnknownName"
  Severity severity;
  std::string_view summary;
};
const DiagnosticInfo& InfoOf(DiagnosticKind kind);

struct Diagnostic {
  DiagnosticKind kind;
  SourceRange range;
  std::string message;              // lowercase start, no final period, code in `backticks`
  std::vector<std::string> hints;   // e.g. "did you mean `ship_ups`?"
};

class DiagnosticList {
 public:
  Diagnostic& Add(DiagnosticKind kind, SourceRange range, std::string message);
  bool has_errors() const;
  size_t error_count() const;
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  // Sorts by position (stable), so output order does not depend on which phase found what.
  void SortByPosition();

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Renders one diagnostic as
//   path:line:col: error: message [E0101]
//    12 |     let x = shp_ups(address: a)
//       |             ^~~~~~~
//   hint: did you mean `ship_ups`?
std::string Render(const Diagnostic& d, std::string_view path, std::string_view source);
// A note about a place in another file (live migration names a point of the old and of the
// new version): "path:line:col: note: message" and the snippet of `range` in `source`.
std::string RenderNote(std::string_view message, const SourceRange& range, std::string_view path,
                       std::string_view source);
// Renders all, in order, followed by a summary line ("2 errors generated") when non-empty.
// After kMaxRenderedErrors errors it stops with "PATH: too many errors; stopping after N"
// (the summary still counts them all). Every line is escaped and bounded (display.h), so
// the output for any input is at most a few tens of kilobytes with no control character.
inline constexpr size_t kMaxRenderedErrors = 20;
std::string RenderAll(const DiagnosticList& list, std::string_view path, std::string_view source);

// The closest candidate by edit distance, or "" when none is close enough to suggest.
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace weft::diag

#endif  // WEFT_COMPILER_DIAG_DIAGNOSTIC_H_
