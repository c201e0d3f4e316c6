#include "storage/records.h"

#include <gtest/gtest.h>

#include "absl/strings/ascii.h"

namespace weft::storage {
namespace {

TEST(Records, TaskRoundTrip) {
  TaskRow row;
  row.info.execution_id = "E1";
  row.info.type = "ship_ups";
  row.info.input = *Value::FromJson(R"({"address":"x","n":9223372036854775807})");
  row.info.attempt = 2;
  row.info.status = TaskStatus::kCompleted;
  row.info.worker_id = "w";
  row.info.scheduled_ms = 1;
  row.info.started_ms = 2;
  row.info.ended_ms = 3;
  row.info.output = Value::String("ok");
  row.seq = 7;
  auto back = DecodeTask(EncodeTask(row));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->info.input, row.info.input);
  EXPECT_EQ(back->info.status, TaskStatus::kCompleted);
  EXPECT_EQ(back->info.output, Value::String("ok"));
  EXPECT_EQ(back->seq, 7u);
  EXPECT_EQ(back->info.ended_ms, 3);
}

// A take or a result reads the row with its input left as stored bytes and writes them back
// unchanged: the same bytes as a row encoded from the decoded input, and the input reads back.
TEST(Records, ATaskRowKeepsItsStoredInputThroughAChange) {
  TaskRow row;
  row.info.execution_id = "E1";
  row.info.type = "ship";
  row.info.input = *Value::FromJson(R"({"address":"x","lines":[1,2.5,null,"y"]})");
  row.info.status = TaskStatus::kScheduled;
  const std::string stored = EncodeTask(row);

  absl::StatusOr<TaskRow> kept = DecodeTaskKeepingInput(stored);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_TRUE(kept->info.input.is_null());
  ASSERT_TRUE(kept->stored_input.has_value());
  absl::StatusOr<Value> input = TaskInput(*kept);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(*input, row.info.input);

  kept->info.status = TaskStatus::kInProgress;
  kept->info.worker_id = "w1";
  kept->info.delivery = 1;
  row.info.status = TaskStatus::kInProgress;
  row.info.worker_id = "w1";
  row.info.delivery = 1;
  EXPECT_EQ(EncodeTask(*kept), EncodeTask(row));
  absl::StatusOr<TaskRow> back = DecodeTask(EncodeTask(*kept));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->info.input, row.info.input);
  EXPECT_FALSE(back->stored_input.has_value());

  // A null input is no blob, kept as none.
  TaskRow empty;
  empty.info.status = TaskStatus::kScheduled;
  absl::StatusOr<TaskRow> none = DecodeTaskKeepingInput(EncodeTask(empty));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none->stored_input, "");
  EXPECT_TRUE(TaskInput(*none)->is_null());
  EXPECT_EQ(EncodeTask(*none), EncodeTask(empty));

  // Bytes that do not decode are DataLoss when the input is asked for.
  none->stored_input = "\x01\x02";
  EXPECT_EQ(TaskInput(*none).status().code(), absl::StatusCode::kDataLoss);
}

TEST(RecordsDeathTest, ATaskRowWithBothInputsIsABug) {
  TaskRow row;
  row.stored_input = "";
  row.info.input = Value::Int(1);
  EXPECT_DEATH(EncodeTask(row), "both a stored and a decoded input");
}

// A taken task: its delivery, lease and holder round-trip; a row without them (as written
// before deliveries were recorded) reads as never delivered.
TEST(Records, InProgressTaskKeepsItsDelivery) {
  TaskRow row;
  row.info.execution_id = "E1";
  row.info.type = "t";
  row.info.status = TaskStatus::kInProgress;
  row.info.worker_id = "remote-1";
  row.info.started_ms = 100;
  row.info.delivery = 3;
  row.info.lease_expires_ms = 60100;
  row.delivery_kind = DeliveryKind::kExternal;
  auto back = DecodeTask(EncodeTask(row));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->info.status, TaskStatus::kInProgress);
  EXPECT_EQ(TaskStatusName(back->info.status), "IN_PROGRESS");
  EXPECT_TRUE(IsTaskOpen(back->info.status));
  EXPECT_EQ(back->info.delivery, 3u);
  EXPECT_EQ(back->info.lease_expires_ms, 60100);
  EXPECT_EQ(back->delivery_kind, DeliveryKind::kExternal);

  TaskRow plain;
  plain.info.status = TaskStatus::kScheduled;
  auto old = DecodeTask(EncodeTask(plain));
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->info.delivery, 0u);
  EXPECT_EQ(old->info.lease_expires_ms, 0);
  EXPECT_EQ(old->delivery_kind, DeliveryKind::kNone);
}

TEST(Records, ExecutionAndStateRoundTrip) {
  ExecutionInfo info;
  info.workflow = "shipping";
  info.version = 3;
  info.hash = "abc";
  info.input = *Value::FromJson(R"({"b":1,"a":2})");
  info.status = ExecutionStatus::kFailed;
  info.error = *Value::FromJson(R"({"code":"X"})");
  auto back = DecodeExecution(EncodeExecution(ExecutionRow{info, 9, 4}));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->info.input.ToJson(), R"({"b":1,"a":2})");
  EXPECT_EQ(back->info.status, ExecutionStatus::kFailed);
  EXPECT_EQ(back->parent_wait, 9u);
  EXPECT_EQ(back->child_depth, 4u);
  ExecStateRow st;
  st.checkpoint = std::string("\0\1\2", 3);
  st.waiting_task = "T";
  st.next_history_seq = 5;
  st.program_hash = "abc";
  auto st_back = DecodeExecState(EncodeExecState(st));
  ASSERT_TRUE(st_back.ok());
  EXPECT_EQ(st_back->checkpoint, st.checkpoint);
  EXPECT_EQ(st_back->next_history_seq, 5u);
  EXPECT_EQ(st_back->program_hash, "abc");
}

// Format 10: a SHA-256 in hex is stored as its 32 bytes, and decodes to the same string; any
// other hash (older rows, tests) stays a string. Empty strings are not stored at all.
TEST(Records, AHexHashIsStoredAsItsBytesAndEmptyStringsNotAtAll) {
  const std::string hex = "080562a372f8c47a69003df2bcceec82f16d5534ed2a92b132a634fe2bb776cc";
  ExecutionInfo info;
  info.workflow = "parcel";
  info.hash = hex;
  const std::string encoded = EncodeExecution(ExecutionRow{info, 0, 0});
  EXPECT_EQ(encoded.find(hex), std::string::npos) << "the hex text is not stored";
  EXPECT_NE(encoded.find("\x08\x05\x62\xa3"), std::string::npos) << "its 32 bytes are";
  auto back = DecodeExecution(encoded);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->info.hash, hex);
  EXPECT_TRUE(back->info.parent_id.empty());

  for (const std::string other : {std::string("abc"), absl::AsciiStrToUpper(hex), hex.substr(1),
                                  hex.substr(0, 63) + "g"}) {
    info.hash = other;
    auto kept = DecodeExecution(EncodeExecution(ExecutionRow{info, 0, 0}));
    ASSERT_TRUE(kept.ok()) << kept.status();
    EXPECT_EQ(kept->info.hash, other);
  }

  // An empty parent, waiting task or event task id costs no bytes: each row is smaller than
  // the same with a one-character string.
  info.hash = hex;
  info.parent_id = "P";
  EXPECT_LT(encoded.size(), EncodeExecution(ExecutionRow{info, 0, 0}).size());
  ExecStateRow st;
  const size_t no_task = EncodeExecState(st).size();
  st.waiting_task = "T";
  EXPECT_LT(no_task, EncodeExecState(st).size());
  HistoryRow event{1, HistoryType::kExecutionStarted, "", Value()};
  const size_t no_event_task = EncodeHistoryLog("E", 1, 0, event).size();
  event.task_id = "T";
  EXPECT_LT(no_event_task, EncodeHistoryLog("E", 1, 0, event).size());
  auto decoded = DecodeHistoryLog(EncodeHistoryLog("E", 1, 0, HistoryRow{}), 1);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->event.task_id, "");
}

TEST(Records, DecodesBytesAtAnyAlignment) {
  // LMDB places a value right after its key, so stored records are rarely 8-byte aligned.
  TaskRow row;
  row.info.type = "t";
  row.info.input = Value::Int(5);
  row.seq = 3;
  const std::string bytes = EncodeTask(row);
  for (size_t offset = 0; offset < 8; ++offset) {
    std::string shifted(offset, 'x');
    shifted += bytes;
    auto back = DecodeTask(std::string_view(shifted).substr(offset));
    ASSERT_TRUE(back.ok()) << offset << ": " << back.status();
    EXPECT_EQ(back->seq, 3u);
    EXPECT_EQ(back->info.input, Value::Int(5));
  }
}

TEST(Records, CorruptBytesAreDataLossNotACrash) {
  HistoryRow row{5, HistoryType::kTaskCompleted, "T", Value::Int(1)};
  std::string good = EncodeHistory(row);
  for (size_t cut = 0; cut < good.size(); ++cut) {
    auto r = DecodeHistory(good.substr(0, cut));
    // A cut that only drops alignment padding may still verify; then it must decode the same.
    if (r.ok()) {
      EXPECT_EQ(r->task_id, "T") << cut;
      EXPECT_EQ(r->details, Value::Int(1)) << cut;
    }
  }
  EXPECT_FALSE(DecodeHistory(good.substr(0, good.size() / 2)).ok());
  std::string flipped = good;
  for (size_t i = 0; i < flipped.size(); ++i) {
    flipped[i] ^= 0x5a;
    auto r = DecodeHistory(flipped);  // may or may not decode; must not crash
    (void)r;
    flipped[i] ^= 0x5a;
  }
  EXPECT_TRUE(absl::IsDataLoss(DecodeTask(good).status()));  // wrong identifier
}

}  // namespace
}  // namespace weft::storage
