// Conductor WorkflowDef JSON <-> Weft source. TranslateWorkflowDef turns a Conductor workflow
// definition (and the TaskDefs of its SIMPLE tasks) into a readable `.wf` file that the Weft
// compiler accepts and that behaves as Conductor would: one statement per workflow task, task
// policies from the TaskDefs, Conductor's wiring (`${workflow.input.x}`, `${ref.output.y}`,
// `${workflow.variables.v}`) as null-safe expressions, so a missing reference is null as in
// Conductor. DescribeAsWorkflowDef goes the other way, from a deployed program to a WorkflowDef
// summary that Conductor's clients accept. docs/conductor.md gives the mapping construct by
// construct. Used by `weft import conductor` (cli/cmd_import.cc) and by the server's metadata
// endpoints.
#ifndef WEFT_CONDUCTOR_WORKFLOW_DEF_H_
#define WEFT_CONDUCTOR_WORKFLOW_DEF_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "bytecode/program.h"

namespace weft::conductor {

// Task definitions by name, as Conductor TaskDef JSON objects (retryCount, retryLogic,
// retryDelaySeconds, timeoutSeconds, responseTimeoutSeconds, timeoutPolicy, ...).
using TaskDefs = absl::flat_hash_map<std::string, std::string /*TaskDef JSON*/>;
// Other workflow definitions by name, as WorkflowDef JSON objects: the targets of SUB_WORKFLOW,
// START_WORKFLOW and `failureWorkflow`. Weft resolves a child workflow when the file compiles
// (its parameters are checked), so a child is translated into the same file.
using WorkflowDefs = absl::flat_hash_map<std::string, std::string /*WorkflowDef JSON*/>;

// The TaskDefs of a JSON array of TaskDef objects (the body of Conductor's
// `POST /api/metadata/taskdefs`) or of one TaskDef object, by name.
absl::StatusOr<TaskDefs> ParseTaskDefs(std::string_view json);
// The WorkflowDefs of a JSON array of WorkflowDef objects or of one, by name.
absl::StatusOr<WorkflowDefs> ParseWorkflowDefs(std::string_view json);

// OK when the TaskDef JSON object `taskdef_json` becomes a Weft task policy (its retry,
// backoff and timeout fields are in range: the translator uses it for every SIMPLE task of that
// name); InvalidArgument naming the field otherwise. The metadata API checks a TaskDef with it
// when it is registered, so that no stored TaskDef fails a later translation.
absl::Status CheckTaskDefPolicy(std::string_view taskdef_json);

struct Translation {
  std::string name;       // the WorkflowDef's name: the main workflow of wf_source
  int version = 1;        // the WorkflowDef's version
  std::string wf_source;  // the `.wf` text
};

// Translates `workflow_def_json` (one WorkflowDef object). A child workflow (SUB_WORKFLOW,
// START_WORKFLOW, failureWorkflow) is taken from its inline `workflowDefinition`, else from
// `others`. What cannot be translated is an InvalidArgument that names the task reference
// name and the field, e.g. `task `check_ref`: field `expression`: ...`; malformed JSON and a
// missing required field are InvalidArgument too.
absl::StatusOr<Translation> TranslateWorkflowDef(std::string_view workflow_def_json,
                                                 const TaskDefs& taskdefs,
                                                 const WorkflowDefs& others = {});

// A WorkflowDef JSON summarising a deployed workflow, from its compiled program: name,
// version, inputParameters (the parameters), one SIMPLE task per task the program calls
// (the program's task table, in the order of their first calls), a SUB_WORKFLOW per child
// workflow, and the timeout and failure workflow. It is built from the program, not the
// source, because every stored version has a program (the source is optional) and the
// program's tables are exactly what the engine will run. The control flow itself (the
// order, branches, loops) is Weft code and is summarised, not reproduced: see
// docs/conductor.md. `version` is the stored version number.
absl::StatusOr<std::string> DescribeAsWorkflowDef(const bytecode::Program& program, int version);

}  // namespace weft::conductor

#endif  // WEFT_CONDUCTOR_WORKFLOW_DEF_H_
