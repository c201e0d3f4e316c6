// The translator's state, shared by translate.cc (the file and each workflow: names,
// parameters, variables, the prepass over all tasks) and translate_tasks.cc (one method per
// Conductor task type). Internal to the conductor library; the entry point is
// TranslateWorkflowDef (workflow_def.h).
#ifndef WEFT_CONDUCTOR_TRANSLATOR_H_
#define WEFT_CONDUCTOR_TRANSLATOR_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "conductor/wiring.h"
#include "conductor/workflow_def.h"
#include "common/rapidjson.h"

namespace weft::conductor {

class FileTranslator;

// Lines of Weft text with the current indentation.
class Lines {
 public:
  void Add(absl::string_view line);
  void Indent() { depth_ += 1; }
  void Dedent() { depth_ -= 1; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  int depth_ = 1;
};

// One WorkflowDef becoming one `workflow` declaration.
class WorkflowTranslator {
 public:
  WorkflowTranslator(FileTranslator& file, const rapidjson::Value& def) : file_(file), def_(def) {}

  // The whole declaration, or an InvalidArgument naming the task and field.
  absl::StatusOr<std::string> Translate();
  const std::string& name() const { return name_; }

 private:
  friend class TaskEmitter;
  absl::Status Prepass(const rapidjson::Value& tasks, int depth);
  absl::Status EmitList(const rapidjson::Value& tasks, bool in_branch, bool* ends);
  absl::Status EmitTask(const rapidjson::Value& task, bool in_branch, bool* ends);
  std::string Fresh(absl::string_view base);
  void Bind(const std::string& ref, const std::string& expr);

  // Task types (translate_tasks.cc).
  absl::Status Simple(const rapidjson::Value& t, const std::string& ref);
  absl::Status Switch(const rapidjson::Value& t, const std::string& ref, bool in_branch, bool* ends);
  absl::Status Fork(const rapidjson::Value& t, const std::string& ref);
  absl::Status Join(const rapidjson::Value& t, const std::string& ref);
  absl::Status DynamicFork(const rapidjson::Value& t, const std::string& ref);
  absl::Status DoWhile(const rapidjson::Value& t, const std::string& ref, bool in_branch);
  absl::Status SubWorkflow(const rapidjson::Value& t, const std::string& ref, bool detached);
  absl::Status Wait(const rapidjson::Value& t, const std::string& ref, bool human);
  absl::Status Terminate(const rapidjson::Value& t, const std::string& ref, bool in_branch, bool* ends);
  absl::Status SetVariable(const rapidjson::Value& t, const std::string& ref);
  absl::Status JqTransform(const rapidjson::Value& t, const std::string& ref);
  absl::Status Http(const rapidjson::Value& t, const std::string& ref);
  absl::Status Inline(const rapidjson::Value& t, const std::string& ref);
  absl::Status Event(const rapidjson::Value& t, const std::string& ref);  // translate_event.cc

  // A call of the `js` system task running `source` with `$` = the wired `params` plus
  // `extra` (key, Weft expression) entries.
  absl::StatusOr<std::string> JsCall(const std::string& source, const rapidjson::Value* params,
                                     const std::string& ref, absl::string_view field,
                                     const std::vector<std::pair<std::string, std::string>>& extra,
                                     const std::set<std::string>& skip = {});
  // The named arguments of a call from an inputParameters object (`skip`: keys left out).
  absl::StatusOr<std::string> Arguments(const rapidjson::Value& params, const std::string& ref,
                                        absl::string_view field, const std::set<std::string>& skip = {});
  absl::StatusOr<std::string> Wire(const rapidjson::Value& v, const std::string& ref, absl::string_view field);
  const rapidjson::Value* InputParameters(const rapidjson::Value& t);

  FileTranslator& file_;
  const rapidjson::Value& def_;
  std::string name_;
  int version_ = 1;
  WiringNames names_;
  std::set<std::string> used_;                // Weft names taken in this workflow
  std::set<std::string> refs_;                // every task reference name
  std::set<std::string> referenced_;          // refs that some `${ref....}` reads
  std::vector<std::string> file_inputs_;      // workflow input keys the wiring reads
  std::vector<std::string> scanned_variables_;  // variables read or set, in first-seen order
  std::map<std::string, std::string> hoisted_;  // ref -> var declared at the top
  std::set<std::string> bound_;               // refs whose output a statement binds
  std::map<std::string, std::string> initial_variables_;  // var -> initial expression
  Lines body_;
  std::string last_output_;                   // the last top-level task's variable
  std::string dynamic_outputs_;               // the last FORK_JOIN_DYNAMIC's [ref, output] list, for its JOIN
  int depth_ = 0;
};

// The whole file: the task declarations and every workflow (the main one first, then the
// children it needs).
class FileTranslator {
 public:
  FileTranslator(const TaskDefs& taskdefs, const WorkflowDefs& others)
      : taskdefs_(taskdefs), others_(others) {}

  absl::StatusOr<Translation> Run(absl::string_view main_json);

  // Declares the worker task `name` with the policy of its TaskDef; an InvalidArgument when
  // the name cannot be a Weft task name.
  absl::Status UseTask(const std::string& name, const std::string& ref);
  // Asks for child workflow `name` in this file (`inline_def`: its inline definition, or
  // null), with `arg_keys` among its parameters.
  absl::Status UseWorkflow(const std::string& name, const rapidjson::Value* inline_def,
                           const std::vector<std::string>& arg_keys, const std::string& ref,
                           absl::string_view field);
  // The parameters callers pass to workflow `name`.
  const std::set<std::string>& ExtraParams(const std::string& name) { return extra_params_[name]; }
  bool IsWorkflowName(const std::string& n) const { return workflow_names_.count(n) > 0; }
  bool IsTaskName(const std::string& n) const { return tasks_.count(n) > 0 || reserved_.count(n) > 0; }
  const TaskDefs& taskdefs() const { return taskdefs_; }
  // Reserves a task name seen in a prepass, so that no variable takes it.
  void Reserve(const std::string& n) { reserved_.insert(n); }

 private:
  const TaskDefs& taskdefs_;
  const WorkflowDefs& others_;
  std::vector<std::unique_ptr<rapidjson::Document>> docs_;       // parsed definitions
  std::vector<const rapidjson::Value*> pending_;                 // workflows to translate
  std::set<std::string> workflow_names_;
  std::map<std::string, std::set<std::string>> extra_params_;
  std::map<std::string, std::string> tasks_;  // task name -> its declaration line
  std::set<std::string> reserved_;            // task names seen before their declaration
};

// A TaskDef JSON object as a policy (`with { ... }` text, empty for none) and a comment.
absl::StatusOr<std::string> PolicyFromTaskDef(absl::string_view taskdef_json, std::string* comment);

// Parses JSON text into `doc`; InvalidArgument with the offset of the error.
absl::Status ParseJson(absl::string_view text, absl::string_view what, rapidjson::Document* doc);

// InvalidArgument "task `ref`: field `field`: message".
absl::Status TaskError(absl::string_view ref, absl::string_view field, absl::string_view message);

}  // namespace weft::conductor

#endif  // WEFT_CONDUCTOR_TRANSLATOR_H_
