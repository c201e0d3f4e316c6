// Spelling Weft source text (wf_text.h).
#include "conductor/wf_text.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace weft::conductor {

bool IsIdentifier(absl::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool IsKeyword(absl::string_view s) {
  // docs/language.md "Files, comments and names": the keywords.
  // (`limit`, `until`, `signal` and `start` are keywords only in their constructs.)
  static constexpr std::array<absl::string_view, 31> kKeywords = {
      "task", "workflow", "let",   "var",   "if",       "else",     "switch", "case",  "default",
      "while", "for",     "in",    "break", "continue", "return",   "fail",   "true",  "false",
      "null",  "and",     "or",    "not",   "parallel", "yield",    "try",    "catch", "sleep",
      "await", "compensate", "with", "do"};
  for (absl::string_view k : kKeywords) {
    if (k == s) return true;
  }
  return false;
}

std::string SanitizeName(absl::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9') || IsKeyword(out)) out = "_" + out;
  return out;
}

std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '$':
        out += (i + 1 < s.size() && s[i + 1] == '{') ? "\\$" : "$";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u{%x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string FieldStep(absl::string_view key) {
  if (IsIdentifier(key)) return absl::StrCat("?.", key);
  return absl::StrCat("?.[", Quote(key), "]");
}

std::string ObjectKey(absl::string_view key) {
  return IsIdentifier(key) ? std::string(key) : Quote(key);
}

std::string DurationLiteral(int64_t seconds) {
  if (seconds != 0 && seconds % 86400 == 0) return absl::StrCat(seconds / 86400, "d");
  if (seconds != 0 && seconds % 3600 == 0) return absl::StrCat(seconds / 3600, "h");
  if (seconds != 0 && seconds % 60 == 0) return absl::StrCat(seconds / 60, "m");
  return absl::StrCat(seconds, "s");
}

}  // namespace weft::conductor
