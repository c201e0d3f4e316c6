// Diagnostics: the kind table, the list, the renderer and "did you mean" suggestions. The
// renderer is the only place that knows the text layout users and golden files see, so every
// phase's errors look alike.
#include "compiler/diag/diagnostic.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>

#include "compiler/diag/display.h"

namespace weft::diag {
namespace {

constexpr DiagnosticInfo kInfos[] = {
#define DIAG(code, name, severity, summary) {#code, #name, Severity::k##severity, summary},
#include "compiler/diag/diagnostic_kinds.def"
#undef DIAG
};

// Line `line` (1-based) of `source`, without its line break; empty when out of range.
std::string_view LineOf(std::string_view source, uint32_t line, bool* found) {
  size_t begin = 0;
  for (uint32_t l = 1; l < line; ++l) {
    const size_t nl = source.find('\n', begin);
    if (nl == std::string_view::npos) {
      *found = false;
      return {};
    }
    begin = nl + 1;
  }
  *found = line != 0 && begin <= source.size();
  // The lexer skips a UTF-8 byte order mark, so columns on line 1 start after it.
  if (line == 1 && source.substr(0, 3) == "\xEF\xBB\xBF") begin = 3;
  size_t end = source.find('\n', begin);
  if (end == std::string_view::npos) end = source.size();
  std::string_view text = source.substr(begin, end - begin);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

void AppendSnippet(std::string& out, const SourceRange& r, std::string_view source) {
  bool found = false;
  const std::string_view raw = LineOf(source, r.line, &found);
  if (!found) return;
  const DisplayLine line = MakeDisplayLine(raw);
  const uint32_t start = line.DisplayColumn(r.column);
  // A range that continues on later lines is underlined to the end of its first line.
  uint32_t end = r.end_line == r.line ? line.DisplayColumn(r.end_column) : line.width;
  end = std::max(end, start + 1);
  const ShownLine shown = WindowAround(line, start);
  const std::string number = std::to_string(r.line);
  const std::string blank(number.size(), ' ');
  out += " " + number + " |";
  if (!shown.text.empty()) out += " " + shown.text;
  out += "\n";

  // The underline stops where the shown text does.
  const int64_t caret = std::max<int64_t>(0, static_cast<int64_t>(start) - shown.shift);
  const int64_t last = std::min<int64_t>(static_cast<int64_t>(end) - shown.shift, shown.width);
  out += " " + blank + " | " + std::string(static_cast<size_t>(caret), ' ') + "^" +
         std::string(static_cast<size_t>(std::max<int64_t>(0, last - caret - 1)), '~');
  out += "\n";
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions, which are the
// most common typo (`ship_usp`).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Plural(size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

const DiagnosticInfo& InfoOf(DiagnosticKind kind) {
  return kInfos[static_cast<size_t>(kind)];
}

Diagnostic& DiagnosticList::Add(DiagnosticKind kind, SourceRange range, std::string message) {
  diagnostics_.push_back(Diagnostic{kind, range, std::move(message), {}});
  return diagnostics_.back();
}

bool DiagnosticList::has_errors() const { return error_count() != 0; }

size_t DiagnosticList::error_count() const {
  return std::count_if(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& d) {
    return InfoOf(d.kind).severity == Severity::kError;
  });
}

void DiagnosticList::SortByPosition() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.range.line != b.range.line) return a.range.line < b.range.line;
                     return a.range.column < b.range.column;
                   });
}

std::string Render(const Diagnostic& d, std::string_view path, std::string_view source) {
  const DiagnosticInfo& info = InfoOf(d.kind);
  // The path, the message and the hints may quote any bytes of the file: escaped and bounded.
  std::string out = EscapeText(path);
  if (d.range.line != 0) {
    out += ":" + std::to_string(d.range.line) + ":" + std::to_string(d.range.column);
  }
  out += info.severity == Severity::kError ? ": error: " : ": warning: ";
  out += EscapeText(d.message) + " [" + std::string(info.code) + "]\n";
  AppendSnippet(out, d.range, source);
  for (const std::string& hint : d.hints) out += "hint: " + EscapeText(hint) + "\n";
  return out;
}

std::string RenderNote(std::string_view message, const SourceRange& range, std::string_view path,
                       std::string_view source) {
  std::string out = EscapeText(path);
  if (range.line != 0) {
    out += ":" + std::to_string(range.line) + ":" + std::to_string(range.column);
  }
  out += ": note: " + EscapeText(message) + "\n";
  AppendSnippet(out, range, source);
  return out;
}

std::string RenderAll(const DiagnosticList& list, std::string_view path,
                      std::string_view source) {
  std::string out;
  size_t warnings = 0;
  size_t errors_shown = 0;
  for (const Diagnostic& d : list.all()) {
    const bool error = InfoOf(d.kind).severity == Severity::kError;
    if (error && errors_shown == kMaxRenderedErrors) {
      out += EscapeText(path) + ": too many errors; stopping after " +
             std::to_string(kMaxRenderedErrors) + "\n";
      break;
    }
    out += Render(d, path, source);
    if (error) ++errors_shown; else ++warnings;
  }
  const size_t errors = list.error_count();
  if (errors != 0 && warnings != 0) {
    out += Plural(warnings, "warning") + " and " + Plural(errors, "error") + " generated\n";
  } else if (errors != 0 || warnings != 0) {
    out += errors != 0 ? Plural(errors, "error") : Plural(warnings, "warning");
    out += " generated\n";
  }
  return out;
}

std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates) {
  // Suggest only what is plausibly a typo: at most a third of the name may differ, and never
  // everything (so `x` does not suggest `y`). The name itself is never suggested.
  const size_t threshold = std::max<size_t>(1, name.size() / 3);
  constexpr size_t kMaxNameLength = 128;  // longer is no typo, and keeps the cost bounded
  if (name.size() > kMaxNameLength) return "";
  std::string best;
  size_t best_distance = SIZE_MAX;
  for (const std::string& c : candidates) {
    if (c == name || c.size() > name.size() + threshold || name.size() > c.size() + threshold) {
      continue;
    }
    size_t distance = EqualsIgnoringCase(c, name) ? 0 : EditDistance(name, c);
    if (distance > threshold || distance >= std::min(name.size(), c.size())) continue;
    if (distance < best_distance || (distance == best_distance && c < best)) {
      best = c;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace weft::diag
