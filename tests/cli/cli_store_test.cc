// End-to-end tests of a damaged or constrained store through the `weft` binary: a truncated
// data.mdb is refused by every command without SIGBUS, `weft verify` lists damage, and
// --map-size is honoured (and a map the address space cannot hold falls back).
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "tests/cli/cli_fixture.h"

namespace weft {
namespace {

using ::testing::HasSubstr;
using testing::ProcessOutput;
using testing::RunBinary;
using testing::ScratchDir;

class CliStoreTest : public testing::WeftCliTest {
 protected:
  // Runs the shipping example to completion; returns the execution's id.
  std::string RunShipping() {
    ProcessOutput r = Weft({"run", "examples/shipping.wf", "--input",
                            R"({"order_id":"o-1","vendor":"fedex"})", "--worker",
                            "shipping_info=examples/workers/shipping_info.sh", "--worker",
                            "ship_fedex=examples/workers/ship_fedex.sh", "--worker",
                            "ship_ups=examples/workers/ship_ups.sh", "--worker",
                            "ship_dhl=examples/workers/ship_dhl.sh"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ProcessOutput list = Weft({"list"});
    const size_t line = list.out.find('\n');
    return list.out.substr(line + 1, 26);
  }
  std::string DataFile() const { return store_ + "/data.mdb"; }
};

TEST_F(CliStoreTest, ATruncatedStoreIsRefusedByEveryCommandWithoutACrash) {
  RunShipping();
  const auto size = std::filesystem::file_size(DataFile());
  std::filesystem::resize_file(DataFile(), size / 3);
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"list"}, {"status", "01M8Y4GBND1DEHDXY72MC9354E"}, {"verify"},
           {"deploy", "examples/shipping.wf"}}) {
    ProcessOutput r = Weft(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << " (-1: killed by a signal): " << r.err;
    EXPECT_THAT(r.err, HasSubstr("is truncated")) << args[0];
    EXPECT_THAT(r.err, HasSubstr("restore")) << args[0];
  }
}

TEST_F(CliStoreTest, VerifyOfACleanStoreExitsZero) {
  RunShipping();
  ProcessOutput r = Weft({"verify"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("is clean"));
  EXPECT_THAT(r.out, HasSubstr("(format " + std::to_string(storage::kStoreFormat) + ")"));
}

TEST_F(CliStoreTest, VerifyAndHistoryReportAFlippedByteInAHistoryRecord) {
  const std::string id = RunShipping();
  // The address appears in the task's input/output and in several history events: damage
  // every copy of it.
  std::ifstream in(DataFile(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  in.close();
  int flipped = 0;
  for (size_t pos = bytes.find("Harbour Street"); pos != std::string::npos;
       pos = bytes.find("Harbour Street", pos + 1)) {
    bytes[pos] ^= 0x01;
    ++flipped;
  }
  ASSERT_GT(flipped, 0);
  std::ofstream(DataFile(), std::ios::binary | std::ios::trunc) << bytes;

  ProcessOutput verify = Weft({"verify"});
  EXPECT_EQ(verify.exit_code, 1);
  // History events are appended to `history_log` under log numbers (storage/history.h).
  EXPECT_THAT(verify.out, HasSubstr("table `history_log`, key `\\x00\\x00\\x00\\x00\\x00"));
  EXPECT_THAT(verify.out, HasSubstr("does not match its checksum"));
  EXPECT_THAT(verify.err, HasSubstr("is damaged"));

  ProcessOutput history = Weft({"history", id});
  EXPECT_EQ(history.exit_code, 1);
  EXPECT_THAT(history.err, HasSubstr("history of execution " + id));
  EXPECT_THAT(history.err, HasSubstr("table `history_log`"));
  EXPECT_THAT(history.err, HasSubstr("does not match its checksum"));
}

// The map size LMDB records in a new store's meta page (MDB_meta.mm_mapsize).
uint64_t RecordedMapSize(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(16 + 16);
  uint64_t size = 0;
  in.read(reinterpret_cast<char*>(&size), sizeof size);
  return size;
}

TEST_F(CliStoreTest, MapSizeIsHonoured) {
  ProcessOutput r = Weft({"--map-size", "3M", "deploy", "examples/shipping.wf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(RecordedMapSize(DataFile()), 3u << 20);
  ScratchDir other;
  ProcessOutput d = RunBinary({WEFT_CLI_PATH, "--store", other.Sub("s"), "--map-size", "2GiB",
                               "deploy", "examples/shipping.wf"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(RecordedMapSize(other.Sub("s") + "/data.mdb"), 2ull << 30);
}

TEST_F(CliStoreTest, ABadMapSizeIsAUsageError) {
  for (const char* bad : {"12Q", "", "512", "G", "0M"}) {
    ProcessOutput r = Weft({"--map-size", bad, "list"});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr("expected a size like 512M or 16G")) << bad;
  }
}

TEST_F(CliStoreTest, AMapTheAddressSpaceCannotHoldFallsBackAndSaysSo) {
  // About 1.5 GiB of address space: enough for weft, not for its default 16 GiB map.
  ProcessOutput r = RunBinary({"/bin/sh", "-c",
                               "ulimit -v 1500000 && exec \"$0\" --store \"$1\" deploy "
                               "examples/shipping.wf",
                               WEFT_CLI_PATH, store_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("weft: note: the address space cannot hold a map of 16 GiB"));
  EXPECT_THAT(r.out, HasSubstr("shipping v1 (created)"));
}

}  // namespace
}  // namespace weft
