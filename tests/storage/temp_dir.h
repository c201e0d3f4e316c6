// A fresh directory under /tmp for one test, removed afterwards.
#ifndef WEFT_TESTS_STORAGE_TEMP_DIR_H_
#define WEFT_TESTS_STORAGE_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace weft::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "weft-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_STORAGE_TEMP_DIR_H_
