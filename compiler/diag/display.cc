// Escaping and windowing of text for diagnostics (see display.h).
#include "compiler/diag/display.h"

#include <algorithm>
#include <cstdio>

namespace weft::diag {
namespace {

// The byte length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7), or 1 with
// *valid false for an invalid byte. The parser replaces each invalid byte by one U+FFFD, so
// counting it as one character keeps columns in agreement.
size_t Utf8Length(std::string_view s, size_t i, bool* valid) {
  auto at = [&](size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return at(k) >= lo && at(k) <= hi;
  };
  const unsigned b0 = at(0);
  size_t n = 0;
  if (b0 < 0x80) n = 1;
  else if (b0 >= 0xC2 && b0 <= 0xDF) n = cont(1) ? 2 : 0;
  else if (b0 == 0xE0) n = cont(1, 0xA0) && cont(2) ? 3 : 0;
  else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) n = cont(1) && cont(2) ? 3 : 0;
  else if (b0 == 0xED) n = cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  else if (b0 == 0xF0) n = cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  else if (b0 >= 0xF1 && b0 <= 0xF3) n = cont(1) && cont(2) && cont(3) ? 4 : 0;
  else if (b0 == 0xF4) n = cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  *valid = n != 0;
  return *valid ? n : 1;
}

// The code point of the well-formed sequence `s` (1 to 4 bytes).
uint32_t CodePoint(std::string_view s) {
  const auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  switch (s.size()) {
    case 1: return b(0);
    case 2: return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
    case 3: return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    default: return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
  }
}

// The escape shown for code point `cp`, or "" when it is shown as itself.
std::string EscapeOf(uint32_t cp) {
  char buf[16];
  if (cp < 0x20 || cp == 0x7F) {
    std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(cp));
    return buf;
  }
  const bool c1 = cp >= 0x80 && cp <= 0x9F;
  const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
  if (c1 || bidi) {
    std::snprintf(buf, sizeof buf, "\\u{%X}", static_cast<unsigned>(cp));
    return buf;
  }
  return "";
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
constexpr std::string_view kCut = "...";

// Calls show(piece, columns) for each character of `text`: what to print and how many display
// columns it takes. `tab` is what a tab becomes.
template <typename Show>
void ForEachShown(std::string_view text, std::string_view tab, Show show) {
  for (size_t i = 0; i < text.size();) {
    bool valid = false;
    const size_t n = Utf8Length(text, i, &valid);
    if (!valid) {
      show(kReplacement, 1u);
    } else if (text[i] == '\t') {
      show(tab, static_cast<uint32_t>(tab.size()));
    } else if (std::string escape = EscapeOf(CodePoint(text.substr(i, n))); !escape.empty()) {
      show(escape, static_cast<uint32_t>(escape.size()));
    } else {
      show(text.substr(i, n), 1u);
    }
    i += n;
  }
}

}  // namespace

uint32_t DisplayLine::DisplayColumn(uint32_t column) const {
  if (column == 0) return 0;
  if (column - 1 < starts.size()) return starts[column - 1];
  return width;
}

DisplayLine MakeDisplayLine(std::string_view line) {
  DisplayLine out;
  const std::string tab(kTabWidth, ' ');
  ForEachShown(line, tab, [&](std::string_view piece, uint32_t columns) {
    out.starts.push_back(out.width);
    out.offsets.push_back(static_cast<uint32_t>(out.text.size()));
    out.text.append(piece);
    out.width += columns;
  });
  return out;
}

ShownLine WindowAround(const DisplayLine& line, uint32_t start) {
  if (line.width <= kMaxShownColumns) return {line.text, 0, line.width};
  // Some context before the caret, the rest after it; never past either end of the line.
  const uint32_t room = kMaxShownColumns - 2 * static_cast<uint32_t>(kCut.size());
  uint32_t from = start > room / 4 ? start - room / 4 : 0;
  from = std::min(from, line.width > room ? line.width - room : 0);
  const uint32_t to = from + room;
  // Whole characters only: the first starting at or after `from`, up to the last ending by `to`.
  size_t first = std::lower_bound(line.starts.begin(), line.starts.end(), from) -
                 line.starts.begin();
  size_t last = first;
  while (last < line.starts.size()) {
    const uint32_t end = last + 1 < line.starts.size() ? line.starts[last + 1] : line.width;
    if (end > to) break;
    ++last;
  }
  ShownLine shown;
  const uint32_t first_column = first < line.starts.size() ? line.starts[first] : line.width;
  if (first > 0) shown.text += kCut;
  const size_t begin = first < line.offsets.size() ? line.offsets[first] : line.text.size();
  const size_t end = last < line.offsets.size() ? line.offsets[last] : line.text.size();
  shown.text += line.text.substr(begin, end - begin);
  const uint32_t last_column = last < line.starts.size() ? line.starts[last] : line.width;
  if (last < line.starts.size()) shown.text += kCut;
  shown.shift = static_cast<int64_t>(first_column) - (first > 0 ? kCut.size() : 0);
  shown.width = last_column - first_column + static_cast<uint32_t>(kCut.size()) *
                                                 ((first > 0) + (last < line.starts.size()));
  return shown;
}

std::string EscapeText(std::string_view text, size_t max_bytes) {
  std::string out;
  bool cut = false;
  ForEachShown(text, "\\t", [&](std::string_view piece, uint32_t) {
    if (cut) return;
    if (out.size() + piece.size() > max_bytes) {
      cut = true;
      return;
    }
    out.append(piece);
  });
  if (cut) out += kCut;
  return out;
}

}  // namespace weft::diag
