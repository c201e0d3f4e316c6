// The graph builder (build.h): one walk over a workflow's checked AST in evaluation order. The
// walk carries a *frontier*, the edges still open at the current point (from a node, with the
// label they will carry), and each construct takes the frontier in and gives one out: a task
// call closes it on its node and opens one edge from it; an if opens a "true" and a "false"
// edge; a return closes it and opens none. Loops keep their head and their breaks on a stack.
#include "graph/build.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/strings.h"
#include "compiler/compiler.h"
#include "compiler/diag/diagnostic.h"

namespace weft::graph {
namespace {

constexpr size_t kMaxLabel = 40;  // code points of source text in a label

struct Pending {
  int from = 0;
  std::string label;
};
using Frontier = std::vector<Pending>;

struct LoopContext {
  int head = 0;
  std::string back_label;
  Frontier breaks;
};

// The source text of a range, on one line, whitespace collapsed and cut at kMaxLabel.
class SourceText {
 public:
  explicit SourceText(std::string_view source) : source_(source) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < source.size(); ++i) {
      if (source[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  std::string Of(const ast::SourceRange& range) const {
    const size_t begin = Offset(range.line, range.column);
    size_t end = Offset(range.end_line, range.end_column);
    if (end < begin) end = begin;
    std::string out;
    size_t points = 0;
    bool space = false;
    for (size_t i = begin; i < end; ++i) {
      const unsigned char c = static_cast<unsigned char>(source_[i]);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        space = !out.empty();
        continue;
      }
      if ((c & 0xC0) != 0x80) {
        if (points + (space ? 1 : 0) >= kMaxLabel) return out + "…";
        if (space) out += ' ', ++points;
        ++points;
      }
      space = false;
      out += static_cast<char>(c);
    }
    return out;
  }

 private:
  // The byte offset of a 1-based line and code-point column.
  size_t Offset(uint32_t line, uint32_t column) const {
    if (line == 0 || line > line_starts_.size()) return source_.size();
    size_t at = line_starts_[line - 1];
    for (uint32_t col = 1; col < column && at < source_.size() && source_[at] != '\n'; ++col) {
      ++at;
      while (at < source_.size() && (static_cast<unsigned char>(source_[at]) & 0xC0) == 0x80) ++at;
    }
    return at;
  }

  std::string_view source_;
  std::vector<size_t> line_starts_;
};

class Builder {
 public:
  Builder(std::string_view source, Graph& graph) : text_(source), graph_(graph) {}

  void Workflow(const ast::WorkflowDecl& decl) {
    graph_.workflow = decl.name;
    const int start = AddNode(NodeKind::kStart, decl.name, decl.range.line);
    Frontier out = Block(decl.body, {{start, ""}});
    if (!out.empty()) Close(out, AddNode(NodeKind::kEnd, "end", 0));
  }

 private:
  int AddNode(NodeKind kind, std::string label, uint32_t line, std::string task = "") {
    Node node;
    node.id = static_cast<int>(graph_.nodes.size());
    node.kind = kind;
    node.label = std::move(label);
    node.line = line;
    node.task = std::move(task);
    node.cluster = clusters_.empty() ? -1 : clusters_.back();
    graph_.nodes.push_back(std::move(node));
    return graph_.nodes.back().id;
  }

  void AddEdge(int from, int to, std::string label, EdgeKind kind = EdgeKind::kFlow) {
    graph_.edges.push_back(Edge{from, to, std::move(label), kind});
  }

  // Ends every open edge at `node`.
  void Close(const Frontier& in, int node) {
    for (const Pending& p : in) AddEdge(p.from, node, p.label);
  }

  // A node on the straight path: the frontier ends at it and continues from it.
  Frontier Step(const Frontier& in, NodeKind kind, std::string label, uint32_t line,
                std::string task = "") {
    const int node = AddNode(kind, std::move(label), line, std::move(task));
    Close(in, node);
    return {{node, ""}};
  }

  int PushCluster(std::string label) {
    Cluster cluster;
    cluster.id = static_cast<int>(graph_.clusters.size());
    cluster.parent = clusters_.empty() ? -1 : clusters_.back();
    cluster.label = std::move(label);
    graph_.clusters.push_back(std::move(cluster));
    clusters_.push_back(graph_.clusters.back().id);
    return clusters_.back();
  }
  void PopCluster() { clusters_.pop_back(); }

  // ---- statements

  Frontier Block(const ast::Block& block, Frontier in) {
    for (const ast::StmtPtr& stmt : block.stmts) in = Stmt(*stmt, std::move(in));
    return in;
  }

  Frontier Stmt(const ast::Stmt& s, Frontier in) {
    using K = ast::StmtKind;
    switch (s.kind) {
      case K::kLet:
      case K::kVar:
      case K::kAssign:
      case K::kExpr:
      case K::kYield:
        return s.value ? Expr(*s.value, std::move(in)) : in;
      case K::kBlock:
        return Block(*s.then_block, std::move(in));
      case K::kIf:
        return If(s, std::move(in));
      case K::kSwitch:
        return SwitchStmt(s, std::move(in));
      case K::kWhile:
        return While(s, std::move(in));
      case K::kFor:
        return For(s, std::move(in));
      case K::kDoWhile:
        return DoWhile(s, std::move(in));
      case K::kBreak:
        if (!loops_.empty()) Append(loops_.back().breaks, std::move(in));
        return {};
      case K::kContinue:
        if (!loops_.empty()) Back(in, loops_.back());
        return {};
      case K::kReturn:
        if (s.value) in = Expr(*s.value, std::move(in));
        Close(in, AddNode(NodeKind::kReturn, "return", s.range.line));
        return {};
      case K::kFail:
        if (s.value) in = Expr(*s.value, std::move(in));
        Close(in, AddNode(NodeKind::kFail, "fail", s.range.line));
        return {};
      case K::kParallel:
        return Parallel(s, std::move(in));
      case K::kTry:
        return Try(s, std::move(in));
      case K::kSleep:
        if (s.value) in = Expr(*s.value, std::move(in));
        return Step(in, NodeKind::kSleep,
                    absl::StrCat(s.until ? "sleep until " : "sleep ",
                                 s.value ? text_.Of(s.value->range) : ""),
                    s.range.line);
    }
    return in;
  }

  static void Append(Frontier& to, Frontier from) {
    for (Pending& p : from) to.push_back(std::move(p));
  }

  // Every open edge goes back to the loop's head.
  void Back(const Frontier& in, const LoopContext& loop) {
    for (const Pending& p : in) AddEdge(p.from, loop.head, loop.back_label, EdgeKind::kBack);
  }

  static Frontier Labelled(int from, std::string label) { return {{from, std::move(label)}}; }

  Frontier If(const ast::Stmt& s, Frontier in) {
    in = Expr(*s.condition, std::move(in));
    const int node =
        AddNode(NodeKind::kSwitch, absl::StrCat("if ", text_.Of(s.condition->range)), s.range.line);
    Close(in, node);
    Frontier out = Block(*s.then_block, Labelled(node, "true"));
    Frontier other = Labelled(node, "false");
    if (s.else_block) other = Block(*s.else_block, std::move(other));
    Append(out, std::move(other));
    return out;
  }

  std::string CaseLabel(const ast::SwitchArm& arm) {
    if (arm.is_default) return "default";
    std::vector<std::string> values;
    for (const ast::ExprPtr& v : arm.values) values.push_back(text_.Of(v->range));
    return absl::StrJoin(values, ", ");
  }

  int SwitchNode(const ast::Expr& subject, uint32_t line) {
    return AddNode(NodeKind::kSwitch, absl::StrCat("switch ", text_.Of(subject.range)), line);
  }

  Frontier SwitchStmt(const ast::Stmt& s, Frontier in) {
    in = Expr(*s.condition, std::move(in));
    const int node = SwitchNode(*s.condition, s.range.line);
    Close(in, node);
    Frontier out;
    bool has_default = false;
    for (const ast::SwitchArm& arm : s.arms) {
      has_default = has_default || arm.is_default;
      Append(out, Block(*arm.block, Labelled(node, CaseLabel(arm))));
    }
    if (!has_default) out.push_back({node, "no match"});
    return out;
  }

  Frontier Loop(const ast::Stmt& s, int head, std::string back_label, Frontier body_in,
                bool exit_at_head) {
    loops_.push_back(LoopContext{head, std::move(back_label), {}});
    Frontier body_out = Block(*s.then_block, std::move(body_in));
    graph_.nodes[head].body_end = static_cast<int>(graph_.nodes.size());
    Back(body_out, loops_.back());
    Frontier out = std::move(loops_.back().breaks);
    loops_.pop_back();
    if (exit_at_head) {
      out.push_back({head, "done"});
    } else {
      for (Pending& p : body_out) out.push_back({p.from, "done"});
    }
    return out;
  }

  Frontier While(const ast::Stmt& s, Frontier in) {
    const std::string cond = text_.Of(s.condition->range);
    const int head = AddNode(NodeKind::kLoop, absl::StrCat("while ", cond), s.range.line);
    Close(in, head);
    Frontier body_in = Expr(*s.condition, Labelled(head, ""));
    return Loop(s, head, cond, std::move(body_in), /*exit_at_head=*/true);
  }

  Frontier For(const ast::Stmt& s, Frontier in) {
    in = Expr(*s.value, std::move(in));
    const int head = AddNode(NodeKind::kLoop,
                             absl::StrCat("for ", s.name, " in ", text_.Of(s.value->range)),
                             s.range.line);
    Close(in, head);
    return Loop(s, head, absl::StrCat("next ", s.name), Labelled(head, ""), true);
  }

  Frontier DoWhile(const ast::Stmt& s, Frontier in) {
    const std::string cond = text_.Of(s.condition->range);
    const int head = AddNode(NodeKind::kLoop, absl::StrCat("do … while ", cond), s.range.line);
    Close(in, head);
    loops_.push_back(LoopContext{head, cond, {}});
    Frontier body_out = Block(*s.then_block, Labelled(head, ""));
    body_out = Expr(*s.condition, std::move(body_out));
    graph_.nodes[head].body_end = static_cast<int>(graph_.nodes.size());
    Back(body_out, loops_.back());
    Frontier out = std::move(loops_.back().breaks);
    loops_.pop_back();
    for (Pending& p : body_out) out.push_back({p.from, "done"});
    return out;
  }

  Frontier Parallel(const ast::Stmt& s, Frontier in) {
    const int fork = AddNode(NodeKind::kFork, "parallel", s.range.line);
    Close(in, fork);
    Frontier branches;
    for (const ast::StmtPtr& branch : s.then_block->stmts) {
      Append(branches, Stmt(*branch, Labelled(fork, "")));
    }
    const int join = AddNode(NodeKind::kJoin, "join", s.range.end_line);
    Close(branches, join);
    return {{join, ""}};
  }

  Frontier Try(const ast::Stmt& s, Frontier in) {
    PushCluster("try");
    const int node = AddNode(NodeKind::kTry, "try", s.range.line);
    Close(in, node);
    Frontier out = Block(*s.then_block, Labelled(node, ""));
    PopCluster();
    const std::string name = s.name.empty() ? "catch" : absl::StrCat("catch ", s.name);
    PushCluster(name);
    const uint32_t catch_line = s.else_block ? s.else_block->range.line : s.range.line;
    const int handler = AddNode(NodeKind::kCatch, name, catch_line);
    AddEdge(node, handler, "error", EdgeKind::kError);
    if (s.else_block) Append(out, Block(*s.else_block, Labelled(handler, "")));
    PopCluster();
    return out;
  }

  // ---- expressions, in evaluation order

  Frontier Exprs(const std::vector<ast::ExprPtr>& list, Frontier in) {
    for (const ast::ExprPtr& e : list) {
      if (e) in = Expr(*e, std::move(in));
    }
    return in;
  }

  Frontier Args(const std::vector<ast::Argument>& args, Frontier in) {
    for (const ast::Argument& a : args) {
      if (a.value) in = Expr(*a.value, std::move(in));
    }
    return in;
  }

  static std::string Callee(const ast::Expr& call) {
    return call.has_version ? absl::StrCat(call.name, "@", call.version) : call.name;
  }

  Frontier Expr(const ast::Expr& e, Frontier in) {
    using K = ast::ExprKind;
    switch (e.kind) {
      case K::kNull:
      case K::kBool:
      case K::kInt:
      case K::kDouble:
      case K::kDuration:
      case K::kName:
        return in;
      case K::kString:
        for (const ast::StringPart& part : e.parts) {
          if (part.expr) in = Expr(*part.expr, std::move(in));
        }
        return in;
      case K::kList:
        return Exprs(e.items, std::move(in));
      case K::kObject:
        for (const ast::ObjectEntry& entry : e.entries) {
          if (entry.value) in = Expr(*entry.value, std::move(in));
        }
        return in;
      case K::kField:
        return e.object ? Expr(*e.object, std::move(in)) : in;
      case K::kIndex:
        if (e.object) in = Expr(*e.object, std::move(in));
        return e.index ? Expr(*e.index, std::move(in)) : in;
      case K::kUnary:
      case K::kBinary:
        if (e.lhs) in = Expr(*e.lhs, std::move(in));
        return e.rhs ? Expr(*e.rhs, std::move(in)) : in;
      case K::kCall:
        return Call(e, std::move(in));
      case K::kSwitch:
        return SwitchExpr(e, std::move(in));
      case K::kFail:
        if (e.lhs) in = Expr(*e.lhs, std::move(in));
        Close(in, AddNode(NodeKind::kFail, "fail", e.range.line));
        return {};
      case K::kParallelFor:
        return ParallelFor(e, std::move(in));
      case K::kAwaitSignal: {
        if (e.lhs) in = Expr(*e.lhs, std::move(in));
        if (e.rhs) in = Expr(*e.rhs, std::move(in));
        std::string label = absl::StrCat("await signal ", e.lhs ? text_.Of(e.lhs->range) : "");
        if (e.rhs) absl::StrAppend(&label, "\ntimeout ", text_.Of(e.rhs->range));
        return Step(in, NodeKind::kSignal, std::move(label), e.range.line);
      }
      case K::kStart: {
        if (!e.lhs) return in;
        in = Args(e.lhs->args, std::move(in));
        const std::string callee = Callee(*e.lhs);
        return Step(in, NodeKind::kDetached, absl::StrCat("start ", callee), e.range.line, callee);
      }
    }
    return in;
  }

  Frontier Call(const ast::Expr& e, Frontier in) {
    in = Args(e.args, std::move(in));
    using R = ast::Resolution::Kind;
    if (e.resolution.kind == R::kTask) {
      Frontier out = Step(in, NodeKind::kTask, e.name, e.name_range.line, e.name);
      if (e.compensation && e.compensation->kind == ast::ExprKind::kCall) {
        const ast::Expr& undo = *e.compensation;
        const int node = AddNode(NodeKind::kCompensate, absl::StrCat("undo: ", undo.name),
                                 undo.name_range.line, undo.name);
        AddEdge(out.front().from, node, "compensate", EdgeKind::kCompensation);
      }
      return out;
    }
    if (e.resolution.kind == R::kWorkflow) {
      const std::string callee = Callee(e);
      return Step(in, NodeKind::kChild, callee, e.name_range.line, e.name);
    }
    return in;
  }

  Frontier SwitchExpr(const ast::Expr& e, Frontier in) {
    if (e.subject) in = Expr(*e.subject, std::move(in));
    const int node = SwitchNode(*e.subject, e.range.line);
    Close(in, node);
    Frontier out;
    bool has_default = false;
    for (const ast::SwitchArm& arm : e.arms) {
      has_default = has_default || arm.is_default;
      Frontier arm_in = Labelled(node, CaseLabel(arm));
      Append(out, arm.value ? Expr(*arm.value, std::move(arm_in)) : std::move(arm_in));
    }
    if (!has_default) out.push_back({node, "no match"});
    return out;
  }

  Frontier ParallelFor(const ast::Expr& e, Frontier in) {
    if (e.iterable) in = Expr(*e.iterable, std::move(in));
    if (e.limit) in = Expr(*e.limit, std::move(in));
    std::string label = absl::StrCat("parallel for ", e.name, " in ",
                                     e.iterable ? text_.Of(e.iterable->range) : "");
    if (e.limit) absl::StrAppend(&label, "\nlimit ", text_.Of(e.limit->range));
    const int fork = AddNode(NodeKind::kFork, std::move(label), e.range.line);
    Close(in, fork);
    Frontier body = e.body ? Block(*e.body, Labelled(fork, "each")) : Labelled(fork, "each");
    graph_.nodes[fork].body_end = static_cast<int>(graph_.nodes.size());
    const int join = AddNode(NodeKind::kJoin, "join", e.range.end_line);
    Close(body, join);
    return {{join, ""}};
  }

  SourceText text_;
  Graph& graph_;
  std::vector<LoopContext> loops_;
  std::vector<int> clusters_;
};

}  // namespace

absl::StatusOr<Graph> BuildGraph(const ast::Module& module, std::string_view source,
                                 std::string_view workflow) {
  for (const ast::WorkflowDecl& decl : module.workflows) {
    if (decl.name != workflow) continue;
    Graph graph;
    Builder(source, graph).Workflow(decl);
    return graph;
  }
  return absl::NotFoundError(
      absl::StrCat("no workflow `", ToAbsl(workflow), "` in ", module.path));
}

absl::StatusOr<Graph> GraphFromSource(std::string_view path, std::string_view source,
                                      std::string_view workflow) {
  compiler::CompileOutput compiled = compiler::Compile(path, source);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(diag::RenderAll(compiled.diagnostics, path, source));
  }
  const auto& workflows = compiled.module->workflows;
  if (workflow.empty()) {
    if (workflows.size() != 1) {
      std::vector<std::string> names;
      for (const ast::WorkflowDecl& decl : workflows) names.push_back(decl.name);
      return absl::InvalidArgumentError(absl::StrCat(
          ToAbsl(path), " holds ", workflows.size(), " workflows (", absl::StrJoin(names, ", "),
          "): name one with --workflow"));
    }
    workflow = workflows.front().name;
  }
  return BuildGraph(*compiled.module, source, workflow);
}

}  // namespace weft::graph
