// The execution overlay (overlay.h): records to nodes, then reachability for the nodes that
// have no record of their own.
#include "graph/overlay.h"

#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "graph/build.h"

namespace weft::graph {
namespace {

int64_t IntField(const Value& v, std::string_view key) {
  if (!v.is_object()) return 0;
  const Value* f = v.as_object().Find(key);
  return f != nullptr && f->is_int() ? f->as_int() : 0;
}

std::string StringField(const Value& v, std::string_view key) {
  if (!v.is_object()) return "";
  const Value* f = v.as_object().Find(key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : "";
}

NodeStatus FromTask(TaskStatus status) {
  switch (status) {
    case TaskStatus::kScheduled: return NodeStatus::kScheduled;
    case TaskStatus::kInProgress: return NodeStatus::kRunning;
    case TaskStatus::kCompleted: return NodeStatus::kCompleted;
    case TaskStatus::kFailed: return NodeStatus::kFailed;
    case TaskStatus::kCanceled: return NodeStatus::kCanceled;
  }
  return NodeStatus::kNotReached;
}

class Overlay {
 public:
  Overlay(const ExecutionView& view, Graph& graph) : view_(view), graph_(graph) {}

  void Apply() {
    graph_.has_overlay = true;
    graph_.execution_id = view_.info.id;
    graph_.execution_status = std::string(ExecutionStatusName(view_.info.status));
    for (Node& node : graph_.nodes) node.has_status = true;
    if (!graph_.nodes.empty()) graph_.nodes[0].status = NodeStatus::kCompleted;
    Tasks();
    Children();
    Timers();
    Signals();
    Positions();
    ExecutionEnd();
    Iterations();
    Reach();
  }

 private:
  // One call, signal or timer: the wait that stands for it, and where its fiber waits if open.
  struct Call {
    uint64_t wait = 0;
    std::vector<int> nodes;  // filled by Place
  };

  const FiberPosition* PositionOf(uint64_t wait) const {
    if (wait == 0) return nullptr;
    for (const FiberPosition& p : view_.positions) {
      if (p.wait_id == wait) return &p;
    }
    return nullptr;
  }

  // Puts each call at its node(s) among `candidates` (in source order), as overlay.h says.
  void Place(std::vector<Call>& calls, const std::vector<int>& candidates) {
    if (candidates.empty()) return;
    for (size_t i = 0; i < calls.size(); ++i) {
      Call& call = calls[i];
      if (const FiberPosition* p = PositionOf(call.wait)) {
        for (int n : candidates) {
          if (graph_.nodes[n].line == p->line) call.nodes.push_back(n);
        }
        if (!call.nodes.empty()) continue;
      }
      if (candidates.size() == 1) {
        call.nodes = candidates;
      } else if (calls.size() == candidates.size()) {
        call.nodes = {candidates[i]};
      } else {
        call.nodes = candidates;
      }
    }
  }

  std::vector<int> NodesOf(std::initializer_list<NodeKind> kinds, std::string_view task) const {
    std::vector<int> out;
    for (const Node& node : graph_.nodes) {
      for (NodeKind k : kinds) {
        if (node.kind == k && node.task == task) out.push_back(node.id);
      }
    }
    return out;
  }

  void Count(int node, uint64_t wait) { waits_[node].insert(wait); }

  void Tasks() {
    absl::flat_hash_map<std::string, uint64_t> wait_of;  // task id -> wait
    for (const HistoryEvent& e : view_.history) {
      if (e.type == "TASK_SCHEDULED") wait_of[e.task_id] = IntField(e.details, "wait");
    }
    // Calls per type, in order of their first attempt; attempts per call in order.
    std::map<std::string, std::vector<Call>> calls;
    std::map<std::pair<std::string, uint64_t>, std::vector<const TaskInfo*>> attempts;
    for (const TaskInfo& t : view_.tasks) {
      const uint64_t wait = wait_of.contains(t.id) ? wait_of[t.id] : 0;
      auto& list = attempts[{t.type, wait}];
      if (list.empty()) calls[t.type].push_back(Call{wait, {}});
      list.push_back(&t);
    }
    for (auto& [type, list] : calls) {
      Place(list, NodesOf({NodeKind::kTask, NodeKind::kCompensate}, type));
      for (const Call& call : list) {
        for (int n : call.nodes) {
          Node& node = graph_.nodes[n];
          for (const TaskInfo* t : attempts[{type, call.wait}]) {
            node.task_ids.push_back(t->id);
            ++node.attempts;
            node.status = FromTask(t->status);  // the latest attempt decides
          }
          Count(n, call.wait);
        }
      }
    }
  }

  void Children() {
    std::map<std::string, std::vector<std::string>> ids;  // child ids by workflow, in order
    std::map<std::string, bool> detached;
    std::map<std::string, std::string> ended;  // child id -> status
    for (const HistoryEvent& e : view_.history) {
      if (e.type == "CHILD_STARTED") {
        const std::string workflow = StringField(e.details, "workflow");
        const std::string id = StringField(e.details, "child_id");
        ids[workflow].push_back(id);
        const Value* d = e.details.is_object() ? e.details.as_object().Find("detached") : nullptr;
        detached[id] = d != nullptr && d->is_bool() && d->as_bool();
      } else if (e.type == "CHILD_ENDED") {
        ended[StringField(e.details, "child_id")] = StringField(e.details, "status");
      }
    }
    for (const auto& [workflow, started] : ids) {
      // Attached and detached calls are matched among their own kind of node.
      for (bool want_detached : {false, true}) {
        std::vector<Call> mine;
        std::vector<std::string> mine_ids;
        for (size_t i = 0; i < started.size(); ++i) {
          if (detached[started[i]] != want_detached) continue;
          mine.push_back(Call{0, {}});
          mine_ids.push_back(started[i]);
        }
        Place(mine, NodesOf({want_detached ? NodeKind::kDetached : NodeKind::kChild}, workflow));
        for (size_t i = 0; i < mine.size(); ++i) {
          for (int n : mine[i].nodes) {
            Node& node = graph_.nodes[n];
            node.child_ids.push_back(mine_ids[i]);
            Count(n, i + 1);
            if (want_detached) {
              node.status = NodeStatus::kCompleted;
            } else if (auto it = ended.find(mine_ids[i]); it == ended.end()) {
              node.status = NodeStatus::kRunning;
            } else {
              node.status = it->second == "COMPLETED" ? NodeStatus::kCompleted : NodeStatus::kFailed;
            }
          }
        }
      }
    }
  }

  void Timers() {
    std::vector<Call> calls;
    std::set<uint64_t> fired;
    for (const HistoryEvent& e : view_.history) {
      if (e.type == "TIMER_STARTED") calls.push_back(Call{static_cast<uint64_t>(IntField(e.details, "wait")), {}});
      if (e.type == "TIMER_FIRED") fired.insert(IntField(e.details, "wait"));
    }
    std::vector<int> sleeps;
    for (const Node& node : graph_.nodes) {
      if (node.kind == NodeKind::kSleep) sleeps.push_back(node.id);
    }
    Place(calls, sleeps);
    for (const Call& call : calls) {
      for (int n : call.nodes) {
        Count(n, call.wait);
        graph_.nodes[n].status = fired.contains(call.wait)        ? NodeStatus::kCompleted
                                 : IsEnded(view_.info.status)     ? NodeStatus::kCanceled
                                                                  : NodeStatus::kRunning;
      }
    }
  }

  // A signal wait that timed out failed; one that was waited at and passed completed (Reach).
  void Signals() {
    for (const HistoryEvent& e : view_.history) {
      if (e.type != "SIGNAL_TIMED_OUT") continue;
      const std::string quoted = absl::StrCat("\"", StringField(e.details, "name"), "\"");
      for (Node& node : graph_.nodes) {
        if (node.kind == NodeKind::kSignal && node.label.find(quoted) != std::string::npos) {
          node.status = NodeStatus::kFailed;
        }
      }
    }
  }

  static bool WaitsAt(const FiberPosition& p, NodeKind kind) {
    if (p.wait == "task") return kind == NodeKind::kTask || kind == NodeKind::kCompensate;
    if (p.wait == "timer") return kind == NodeKind::kSleep;
    if (p.wait == "signal") return kind == NodeKind::kSignal;
    if (p.wait == "child") return kind == NodeKind::kChild;
    if (p.wait == "start") return kind == NodeKind::kDetached;
    if (p.wait == "join") return kind == NodeKind::kJoin || kind == NodeKind::kFork;
    return false;
  }

  void Positions() {
    for (const FiberPosition& p : view_.positions) {
      for (Node& node : graph_.nodes) {
        if (node.line != p.line || !WaitsAt(p, node.kind)) continue;
        node.current = true;
        if (node.status != NodeStatus::kScheduled) node.status = NodeStatus::kRunning;
      }
    }
  }

  // The `fail` that ended the execution.
  void ExecutionEnd() {
    if (view_.info.status != ExecutionStatus::kFailed) return;
    const int64_t line = IntField(view_.info.error, "line");
    if (StringField(view_.info.error, "code") != "WORKFLOW_FAILED") return;
    for (Node& node : graph_.nodes) {
      if (node.kind == NodeKind::kFail && node.line == line) node.status = NodeStatus::kFailed;
    }
  }

  // A loop's iterations and a parallel for's branches: the most calls at one node of its body.
  void Iterations() {
    for (Node& head : graph_.nodes) {
      if (head.body_end < 0) continue;
      size_t most = 0;
      for (int n = head.id + 1; n < head.body_end; ++n) {
        if (auto it = waits_.find(n); it != waits_.end()) most = std::max(most, it->second.size());
      }
      head.iterations = static_cast<uint32_t>(most);
    }
  }

  bool Reached(const Node& node) const { return node.status != NodeStatus::kNotReached; }

  // Nodes with no record of their own take their state from their neighbours, to a fixpoint.
  void Reach() {
    const size_t n = graph_.nodes.size();
    std::vector<std::set<int>> preds(n), succs(n);
    for (const Edge& e : graph_.edges) {
      if (e.kind == EdgeKind::kBack || e.kind == EdgeKind::kCompensation) continue;
      preds[e.to].insert(e.from);
      succs[e.from].insert(e.to);
    }
    const bool completed = view_.info.status == ExecutionStatus::kCompleted;
    const bool failed = view_.info.status == ExecutionStatus::kFailed;
    for (bool changed = true; changed;) {
      changed = false;
      for (Node& node : graph_.nodes) {
        if (Reached(node)) continue;
        bool reach = false;
        // Backward: a reached node that only this one leads to.
        for (int s : succs[node.id]) {
          reach = reach || (Reached(graph_.nodes[s]) && preds[s].size() == 1);
        }
        // Forward: the only way on from a completed node (for a join: from all its branches).
        if (!reach && Structural(node.kind, completed, failed) && !preds[node.id].empty()) {
          bool all = true, any = false;
          for (int p : preds[node.id]) {
            const Node& pred = graph_.nodes[p];
            const bool on = pred.status == NodeStatus::kCompleted && succs[p].size() == 1;
            all = all && on;
            any = any || on;
          }
          reach = node.kind == NodeKind::kJoin ? all : any;
        }
        if (reach) {
          node.status = node.kind == NodeKind::kFail ? NodeStatus::kFailed : NodeStatus::kCompleted;
          changed = true;
        }
      }
    }
  }

  // Kinds with no record of their own, reached as the only way on from a finished node. A
  // `fail` re-raising a caught error (not WORKFLOW_FAILED) is found this way too.
  static bool Structural(NodeKind kind, bool execution_completed, bool execution_failed) {
    switch (kind) {
      case NodeKind::kSwitch:
      case NodeKind::kLoop:
      case NodeKind::kFork:
      case NodeKind::kJoin:
      case NodeKind::kTry:
        return true;
      case NodeKind::kReturn:
      case NodeKind::kEnd:
        return execution_completed;
      case NodeKind::kFail:
        return execution_failed;
      default:
        return false;
    }
  }

  const ExecutionView& view_;
  Graph& graph_;
  std::map<int, std::set<uint64_t>> waits_;  // node -> the calls made there
};

}  // namespace

void ApplyOverlay(const ExecutionView& view, Graph& graph) { Overlay(view, graph).Apply(); }

absl::StatusOr<Graph> VersionGraph(Engine& engine, std::string_view workflow, uint32_t version) {
  WEFT_ASSIGN_OR_RETURN(std::string source, engine.Source(workflow, version));
  return GraphFromSource(absl::StrCat(ToAbsl(workflow), ".wf"), source, workflow);
}

absl::StatusOr<Graph> ExecutionGraph(Engine& engine, std::string_view execution_id) {
  ExecutionView view;
  WEFT_ASSIGN_OR_RETURN(view.info, engine.GetExecution(execution_id));
  WEFT_ASSIGN_OR_RETURN(Graph graph, VersionGraph(engine, view.info.workflow, view.info.version));
  WEFT_ASSIGN_OR_RETURN(view.tasks, engine.Tasks(execution_id));
  WEFT_ASSIGN_OR_RETURN(view.history, engine.History(execution_id));
  WEFT_ASSIGN_OR_RETURN(view.positions, engine.FiberPositions(execution_id));
  ApplyOverlay(view, graph);
  return graph;
}

}  // namespace weft::graph
