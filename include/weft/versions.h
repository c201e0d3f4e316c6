// Deployed workflow versions (weft/engine.h, "Deploying"): what a deploy or a registration
// recorded, a version as listed, what still refers to a version (`weft versions delete` and
// `weft versions gc`), and the Conductor task definitions kept beside them.
#ifndef WEFT_VERSIONS_H_
#define WEFT_VERSIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace weft {

struct DeployedWorkflow {
  std::string workflow;
  uint32_t version = 0;
  std::string hash;      // hex SHA-256 of the stored bytecode
  bool created = false;  // false: the bytecode equals the latest version; nothing was written
};

struct VersionInfo {
  std::string workflow;
  uint32_t version = 0;
  std::string hash;
  int64_t deployed_at_ms = 0;
  std::string source_file;
  std::string definition;  // the Conductor WorkflowDef JSON it was registered from; empty for .wf
  bool retired = false;    // unregistered: kept for its executions, never started anew
};

// Deploying one workflow of a source under an explicit version number, as the metadata API
// registers a Conductor WorkflowDef (docs/server.md, "Metadata").
struct VersionRegistration {
  std::string source_name;  // for diagnostics and VersionInfo::source_file
  std::string source;       // .wf source; its other workflows are compiled, not recorded
  std::string workflow;     // the workflow of `source` to record
  uint32_t version = 1;     // > 0
  std::string definition;   // kept beside the version (VersionInfo::definition)
  bool overwrite = false;   // replace an existing version with other content
};

// Version lifecycle (docs/versioning.md, "Version lifecycle"): what still refers to a version,
// so that `weft versions delete` refuses it and `weft versions gc` keeps it.
struct VersionReferrers {
  uint64_t executions = 0;                  // stored executions of the version, any status
  std::vector<std::string> execution_ids;   // the oldest kMaxListedReferrers of them
  std::vector<std::string> aliases;         // aliases of the workflow that target it
  std::vector<std::string> schedules;       // schedules pinned to it
  std::vector<std::string> event_handlers;  // handlers whose start_workflow action pins it
  std::vector<std::string> callers;         // "order@3": versions whose program calls it as NAME@N
  bool empty() const {
    return executions == 0 && aliases.empty() && schedules.empty() && event_handlers.empty() &&
           callers.empty();
  }
};
inline constexpr size_t kMaxListedReferrers = 5;
// "3 executions (01J..., 01J..., 01J...), alias prod, schedule nightly".
std::string DescribeReferrers(const VersionReferrers& referrers);
// One version as `weft versions gc` judged it.
struct CollectedVersion {
  std::string workflow;
  uint32_t version = 0;
  bool deleted = false;  // deleted (or, in a dry run, would be)
  std::string reason;    // why it is kept: "latest", "highest number", or the referrers
  VersionReferrers referrers;
};

// A Conductor task definition, kept by the engine for the metadata API.
struct TaskDefinition {
  std::string name;  // the task type
  std::string json;  // the TaskDef JSON as stored
};

}  // namespace weft

#endif  // WEFT_VERSIONS_H_
