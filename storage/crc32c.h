// CRC32C (Castagnoli, the iSCSI polynomial 0x1EDC6F41, reflected), the checksum every stored
// record carries (docs/format/lmdb.md, "Checksums"). Uses the SSE4.2 `crc32` instruction when
// the CPU has it and a table-driven software loop otherwise; both give identical results.
#ifndef WEFT_STORAGE_CRC32C_H_
#define WEFT_STORAGE_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace weft::storage {

// The CRC32C of `data` appended to a stream whose CRC32C so far is `crc` (0 for none):
// Crc32cExtend(Crc32c(a), b) == Crc32c(a + b).
uint32_t Crc32cExtend(uint32_t crc, std::string_view data);
inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

// The software loop alone, whatever the CPU: for tests that compare it with the instruction.
uint32_t Crc32cExtendPortable(uint32_t crc, std::string_view data);

}  // namespace weft::storage

#endif  // WEFT_STORAGE_CRC32C_H_
