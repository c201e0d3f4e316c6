// Content addresses for stored bytecode: the registry keys every version by the hash of its
// serialized bytes, so deploying identical bytecode twice is recognisably a no-op.
#ifndef WEFT_BYTECODE_HASH_H_
#define WEFT_BYTECODE_HASH_H_

#include <string>
#include <string_view>

namespace weft::bytecode {

// The SHA-256 of `bytes` as 64 lowercase hex digits.
std::string ContentHash(std::string_view bytes);

}  // namespace weft::bytecode

#endif  // WEFT_BYTECODE_HASH_H_
