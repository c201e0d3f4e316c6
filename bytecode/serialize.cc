// See serialize.h. Programs go to and from the FlatBuffers schema in bytecode.fbs; values go
// through value/value_codec.h as FlexBuffers blobs.
#include "bytecode/serialize.h"

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bytecode_generated.h"  // generated from bytecode.fbs
#include "bytecode/param_type.h"
#include "bytecode/verifier.h"
#include "common/aligned_bytes.h"
#include "common/check.h"
#include "value/value_codec.h"

namespace weft::bytecode {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;
using flatbuffers::Vector;

Offset<Vector<uint8_t>> WriteValue(FlatBufferBuilder& fbb, const Value& value) {
  const std::vector<uint8_t> bytes = EncodeValue(value);
  return fbb.CreateVector(bytes);
}

Offset<Vector<Offset<fb::Param>>> WriteParams(FlatBufferBuilder& fbb, const Program& program) {
  std::vector<Offset<fb::Param>> params;
  for (const Param& param : program.params) {
    auto name = fbb.CreateString(param.name);
    Offset<Vector<uint8_t>> default_value;
    if (param.has_default) default_value = WriteValue(fbb, param.default_value);
    params.push_back(fb::CreateParam(fbb, name, static_cast<uint8_t>(param.type),
                                     param.has_default, default_value));
  }
  return fbb.CreateVector(params);
}

Offset<Vector<Offset<fb::Task>>> WriteTasks(FlatBufferBuilder& fbb, const Program& program) {
  std::vector<Offset<fb::Task>> tasks;
  for (const TaskDecl& task : program.tasks) {
    auto name = fbb.CreateString(task.name);
    Offset<Vector<uint8_t>> policy;
    if (!task.policy.is_null()) policy = WriteValue(fbb, task.policy);
    tasks.push_back(fb::CreateTask(fbb, name, policy));
  }
  return fbb.CreateVector(tasks);
}

absl::Status Corrupt(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("corrupt bytecode: ", what));
}

// Decodes a value blob, which must be present.
absl::StatusOr<Value> ReadValue(const Vector<uint8_t>* blob, absl::string_view what) {
  if (blob == nullptr) return Corrupt(absl::StrCat(what, " is missing"));
  absl::StatusOr<Value> value = DecodeValue(blob->data(), blob->size());
  if (!value.ok()) return Corrupt(absl::StrCat(what, ": ", value.status().message()));
  return value;
}

absl::Status ReadParams(const fb::Program& root, Program& out) {
  if (root.params() == nullptr) return absl::OkStatus();
  for (const fb::Param* in : *root.params()) {
    Param param;
    param.name = in->name()->str();
    if (in->type() > kMaxParamType) {
      return Corrupt(absl::StrCat("param `", param.name, "` has unknown type ",
                                  static_cast<int>(in->type())));
    }
    param.type = static_cast<ParamType>(in->type());
    param.has_default = in->has_default();
    if (param.has_default) {
      absl::StatusOr<Value> value =
          ReadValue(in->default_value(), absl::StrCat("default of param `", param.name, "`"));
      if (!value.ok()) return value.status();
      param.default_value = *std::move(value);
    } else if (in->default_value() != nullptr) {
      return Corrupt(absl::StrCat("param `", param.name, "` has a default but no has_default"));
    }
    out.params.push_back(std::move(param));
  }
  return absl::OkStatus();
}

absl::Status ReadTaskPolicies(const fb::Program& root, Program& out) {
  if (root.tasks() == nullptr) return absl::OkStatus();
  for (size_t i = 0; i < root.tasks()->size(); ++i) {
    const fb::Task* task = root.tasks()->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (task->policy() == nullptr) continue;
    absl::StatusOr<Value> policy =
        ReadValue(task->policy(), absl::StrCat("policy of task `", task->name()->str(), "`"));
    if (!policy.ok()) return policy.status();
    if (!policy->is_object()) {
      return Corrupt(absl::StrCat("policy of task `", task->name()->str(), "` is not an object"));
    }
    out.tasks[i].policy = *std::move(policy);
  }
  return absl::OkStatus();
}

absl::Status ReadConstants(const fb::Program& root, Program& out) {
  if (root.constants() == nullptr) return absl::OkStatus();
  absl::StatusOr<Value> pool = ReadValue(root.constants(), "constant pool");
  if (!pool.ok()) return pool.status();
  if (!pool->is_list()) return Corrupt("constant pool is not a list");
  out.constants = pool->as_list();
  return absl::OkStatus();
}

void ReadPlainFields(const fb::Program& root, Program& out) {
  out.format_version = root.format_version();
  out.workflow_name = root.workflow_name()->str();
  if (root.tasks() != nullptr) {
    for (const fb::Task* task : *root.tasks()) out.tasks.push_back({task->name()->str(), {}});
  }
  if (root.failure_workflow() != nullptr) out.failure_workflow = root.failure_workflow()->str();
  out.timeout_ms = root.timeout_ms();
  if (root.code() != nullptr) out.code.assign(root.code()->begin(), root.code()->end());
  out.num_locals = root.num_locals();
  out.max_stack = root.max_stack();
  if (root.lines() != nullptr) {
    for (const fb::LineEntry* e : *root.lines()) {
      out.lines.push_back({e->pc(), e->line(), e->column()});
    }
  }
}

absl::StatusOr<Program> Decode(const uint8_t* data, size_t size) {
  if (!fb::ProgramBufferHasIdentifier(data)) {
    return absl::InvalidArgumentError("not Weft bytecode: the file identifier is not WFBC");
  }
  flatbuffers::Verifier verifier(data, size);
  if (!fb::VerifyProgramBuffer(verifier)) {
    return Corrupt("the FlatBuffers verifier rejected it");
  }
  const fb::Program& root = *fb::GetProgram(data);
  if (root.format_version() < kMinFormatVersion || root.format_version() > kFormatVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported bytecode format version ", root.format_version(),
                     " (this build reads ", kMinFormatVersion, " to ", kFormatVersion, ")"));
  }
  Program program;
  ReadPlainFields(root, program);
  if (absl::Status s = ReadParams(root, program); !s.ok()) return s;
  if (absl::Status s = ReadConstants(root, program); !s.ok()) return s;
  if (absl::Status s = ReadTaskPolicies(root, program); !s.ok()) return s;
  if (absl::Status s = VerifyProgram(program); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid bytecode: ", s.message()));
  }
  return program;
}

}  // namespace

std::string SerializeProgram(const Program& program) {
  WEFT_CHECK(program.format_version >= kMinFormatVersion &&
             program.format_version <= kFormatVersion);
  FlatBufferBuilder fbb(256 + program.code.size());
  auto name = fbb.CreateString(program.workflow_name);
  auto params = WriteParams(fbb, program);
  auto tasks = WriteTasks(fbb, program);
  auto constants = WriteValue(fbb, Value::MakeList(program.constants));
  auto code = fbb.CreateVector(program.code);
  std::vector<fb::LineEntry> line_entries;
  line_entries.reserve(program.lines.size());
  for (const LineEntry& e : program.lines) line_entries.emplace_back(e.pc, e.line, e.column);
  auto lines = fbb.CreateVectorOfStructs(line_entries);
  Offset<flatbuffers::String> failure_workflow;
  if (!program.failure_workflow.empty()) {
    failure_workflow = fbb.CreateString(program.failure_workflow);
  }
  auto root = fb::CreateProgram(fbb, program.format_version, name, params, tasks, constants,
                                code, program.num_locals, program.max_stack, lines,
                                failure_workflow, program.timeout_ms);
  fb::FinishProgramBuffer(fbb, root);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

absl::StatusOr<Program> LoadProgram(std::string_view bytes) {
  // Room for the root offset and the identifier; the verifier itself aborts at >= 2 GiB.
  if (bytes.size() < 8) return Corrupt("too short to be bytecode");
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) return Corrupt("too large");
  return WithAlignedBytes(bytes, [](const uint8_t* data, size_t size) { return Decode(data, size); });
}

}  // namespace weft::bytecode
