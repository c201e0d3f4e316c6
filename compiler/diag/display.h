// Making untrusted text safe and bounded for a terminal: the part of the diagnostics renderer
// that turns a source line, a message or a path into what is printed. A .wf file may hold any
// bytes, and diagnostics quote it, so nothing printed may carry a raw control character (an
// escape sequence would drive the user's terminal) or a line of unbounded length.
//
// Every character is shown as itself except:
//   - a tab: spaces in a source line (kTabWidth), `\t` in a message;
//   - a C0 control, DEL or a line break inside a message: `\xNN` (`\x1B` for ESC);
//   - a C1 control or a bidirectional override/isolate: `\u{NNNN}` (so "Trojan source"
//     reordering is visible);
//   - a byte that is not well-formed UTF-8: U+FFFD, one column, like the lexer counts it.
#ifndef WEFT_COMPILER_DIAG_DISPLAY_H_
#define WEFT_COMPILER_DIAG_DISPLAY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::diag {

inline constexpr int kTabWidth = 4;              // display columns of a tab in a source line
inline constexpr uint32_t kMaxShownColumns = 160;  // of a quoted source line; longer is cut
inline constexpr size_t kMaxShownMessageBytes = 512;  // of a message or hint; longer is cut

// One source line prepared for display, with the display column at which each character
// (1-based column of the lexer) starts.
struct DisplayLine {
  std::string text;
  std::vector<uint32_t> starts;  // starts[i] = display column (0-based) of character i
  std::vector<uint32_t> offsets;  // offsets[i] = byte offset of character i in `text`
  uint32_t width = 0;

  // The 0-based display column of 1-based character column `column`; past the end continues
  // one column per missing character, capped just after the end of the line.
  uint32_t DisplayColumn(uint32_t column) const;
};

DisplayLine MakeDisplayLine(std::string_view line);

// The part of `line` shown when the range [start, end) (display columns) is underlined: the
// whole line when it fits in kMaxShownColumns, else a window around `start` marked with
// "..." where text was cut. `shift` is subtracted from display columns to place the caret;
// `width` is the shown text's width in display columns.
struct ShownLine {
  std::string text;
  int64_t shift = 0;
  uint32_t width = 0;
};
ShownLine WindowAround(const DisplayLine& line, uint32_t start);

// `text` escaped as described above (tabs as `\t`) and cut to at most about `max_bytes`,
// ending in "..." when it was cut.
std::string EscapeText(std::string_view text, size_t max_bytes = kMaxShownMessageBytes);

}  // namespace weft::diag

#endif  // WEFT_COMPILER_DIAG_DISPLAY_H_
