// UTF-8 validation (see utf8.h).
#include "compiler/parser/utf8.h"

#include <cstdint>

namespace weft::parser {
namespace {

// Length of the well-formed sequence at s[i], or 0 (Unicode 15, table 3-7).
size_t WellFormedLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  auto at = [&](size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return at(k) >= lo && at(k) <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace

SanitizedSource SanitizeUtf8(std::string_view input) {
  SanitizedSource out;
  out.text.reserve(input.size());
  for (size_t i = 0; i < input.size();) {
    const size_t n = WellFormedLength(input, i);
    if (n != 0) {
      out.text.append(input.substr(i, n));
      i += n;
      continue;
    }
    if (!out.had_invalid) {
      out.had_invalid = true;
      out.first_invalid = out.text.size();
      out.first_invalid_byte = static_cast<unsigned char>(input[i]);
    }
    out.text.append("\xEF\xBF\xBD");
    ++i;
  }
  return out;
}

}  // namespace weft::parser
