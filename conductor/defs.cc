// ParseTaskDefs and ParseWorkflowDefs (workflow_def.h): definitions by name, from one JSON
// object or an array of them, each kept as its own JSON text.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "conductor/translator.h"
#include "conductor/workflow_def.h"
#include "common/rapidjson.h"

namespace weft::conductor {
namespace {

absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ByName(std::string_view json,
                                                                       absl::string_view what) {
  rapidjson::Document doc;
  WEFT_RETURN_IF_ERROR(ParseJson(ToAbsl(json), what, &doc));
  absl::flat_hash_map<std::string, std::string> out;
  auto add = [&](const rapidjson::Value& def) -> absl::Status {
    auto name = def.IsObject() ? def.FindMember("name") : rapidjson::Value::ConstMemberIterator();
    if (!def.IsObject() || name == def.MemberEnd() || !name->value.IsString()) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": every definition must be an object with a `name`"));
    }
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    def.Accept(w);
    if (!out.emplace(name->value.GetString(), std::string(buf.GetString(), buf.GetSize())).second) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": `", name->value.GetString(), "` is defined twice"));
    }
    return absl::OkStatus();
  };
  if (doc.IsArray()) {
    for (const auto& def : doc.GetArray()) WEFT_RETURN_IF_ERROR(add(def));
  } else {
    WEFT_RETURN_IF_ERROR(add(doc));
  }
  return out;
}

}  // namespace

absl::StatusOr<TaskDefs> ParseTaskDefs(std::string_view json) { return ByName(json, "the TaskDefs"); }

absl::StatusOr<WorkflowDefs> ParseWorkflowDefs(std::string_view json) {
  return ByName(json, "the WorkflowDefs");
}

}  // namespace weft::conductor
