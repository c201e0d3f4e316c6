// Internal to compiler/parser/: UTF-8 validation before lexing. The ANTLR runtime throws on
// invalid UTF-8, and a .wf file is untrusted text, so invalid bytes are replaced first.
#ifndef WEFT_COMPILER_PARSER_UTF8_H_
#define WEFT_COMPILER_PARSER_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace weft::parser {

struct SanitizedSource {
  std::string text;           // valid UTF-8
  bool had_invalid = false;   // some byte was replaced by U+FFFD
  size_t first_invalid = 0;   // byte offset in `text` of the first replacement character
  unsigned char first_invalid_byte = 0;
};

// Replaces each byte that is not part of a well-formed UTF-8 sequence (overlong forms,
// surrogates and code points past U+10FFFF included) with U+FFFD, so every invalid byte still
// counts as one character and columns agree with the diagnostic renderer.
SanitizedSource SanitizeUtf8(std::string_view input);

}  // namespace weft::parser

#endif  // WEFT_COMPILER_PARSER_UTF8_H_
