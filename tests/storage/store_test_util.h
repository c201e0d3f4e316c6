// Helpers for tests that damage a store on purpose: open with small maps, and find and flip
// bytes of data.mdb.
#ifndef WEFT_TESTS_STORAGE_STORE_TEST_UTIL_H_
#define WEFT_TESTS_STORAGE_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "storage/lmdb.h"

namespace weft::testing {

inline storage::Env::Options StoreOptions(const std::string& path, bool read_only = false) {
  storage::Env::Options o;
  o.path = path;
  o.map_size_bytes = 64 << 20;
  o.read_only = read_only;
  o.no_sync = true;
  return o;
}

inline std::string ReadBytes(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteBytes(const std::string& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Flips one bit of the byte `at` bytes after the only occurrence of `marker` in `file`; with
// `every`, after each occurrence (LMDB leaves stale copies of rewritten pages in the file).
inline void FlipByteAfter(const std::string& file, const std::string& marker, size_t at,
                          bool every = false) {
  std::string bytes = ReadBytes(file);
  size_t pos = bytes.find(marker);
  ASSERT_NE(pos, std::string::npos) << "`" << marker << "` is not in " << file;
  if (!every) {
    ASSERT_EQ(bytes.find(marker, pos + 1), std::string::npos) << "`" << marker << "` is there twice";
  }
  for (; pos != std::string::npos; pos = bytes.find(marker, pos + 1)) bytes[pos + at] ^= 0x01;
  WriteBytes(file, bytes);
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_STORAGE_STORE_TEST_UTIL_H_
