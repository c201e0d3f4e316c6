// The AST dump (see ast_dump.h). The format is pinned by golden files: change it only together
// with them (WEFT_UPDATE_GOLDEN=1).
#include "compiler/ast/ast_dump.h"

#include <charconv>
#include <cstdio>

namespace weft::ast {
namespace {

const char* BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kEq: return "==";
    case BinaryOp::kNe: return "!=";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
    case BinaryOp::kCoalesce: return "??";
  }
  return "?";
}

const char* ResolutionText(Resolution::Kind kind) {
  switch (kind) {
    case Resolution::Kind::kUnresolved: return "unresolved";
    case Resolution::Kind::kLocal: return "local";
    case Resolution::Kind::kBuiltin: return "builtin";
    case Resolution::Kind::kTask: return "task";
    case Resolution::Kind::kWorkflow: return "workflow";
  }
  return "?";
}

std::string RangeText(const SourceRange& r) {
  return "<" + std::to_string(r.line) + ":" + std::to_string(r.column) + "-" +
         std::to_string(r.end_line) + ":" + std::to_string(r.end_column) + ">";
}

std::string DoubleText(double d) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, result.ptr);
}

class Dumper {
 public:
  explicit Dumper(bool with_resolution) : with_resolution_(with_resolution) {}

  std::string Take() { return std::move(out_); }

  void Module(const ast::Module& m) {
    Line(0, "module " + QuoteForDump(m.path));
    for (const TaskDecl& t : m.tasks) {
      Line(1, "task " + t.name + " " + RangeText(t.range));
      Labeled(2, "with", t.policy);
    }
    for (const WorkflowDecl& w : m.workflows) Workflow(w);
    for (const MigrateDecl& d : m.migrations) {
      Line(1, "migrate " + d.workflow + " " + RangeText(d.range));
      for (const MigrateEntry& e : d.entries) {
        Line(2, "set " + e.name + " " + RangeText(e.name_range));
        if (e.value != nullptr) Expr(3, *e.value);
      }
    }
  }

 private:
  void Line(int depth, const std::string& text) {
    out_.append(2 * depth, ' ');
    out_ += text;
    out_ += '\n';
  }

  void Workflow(const WorkflowDecl& w) {
    std::string head = "workflow " + w.name + " " + RangeText(w.range);
    if (with_resolution_) head += " locals=" + std::to_string(w.num_locals);
    Line(1, head);
    for (const ParamDecl& p : w.params) {
      std::string text = "param " + p.name;
      if (!p.type_name.empty()) text += ": " + p.type_name;
      Line(2, text + " " + RangeText(p.range));
      if (p.default_value != nullptr) {
        Line(3, "default");
        Expr(4, *p.default_value);
      }
    }
    Labeled(2, "with", w.options);
    BlockNode(2, "body", w.body);
  }

  // `label` and then `e` below it; nothing when e is null (an optional part that is absent).
  void Labeled(int depth, const std::string& label, const ExprPtr& e) {
    if (e == nullptr) return;
    Line(depth, label);
    Expr(depth + 1, *e);
  }

  std::string Bases(const ast::Stmt& s) const {
    if (!with_resolution_) return "";
    std::string text = " bases=";
    for (size_t i = 0; i < s.bases.size(); ++i) {
      text += (i == 0 ? "" : ",") + std::to_string(s.bases[i]);
    }
    return text;
  }

  void BlockNode(int depth, const std::string& label, const ast::Block& b) {
    Line(depth, label + " " + RangeText(b.range));
    for (const StmtPtr& s : b.stmts) Stmt(depth + 1, *s);
  }

  void OptionalBlock(int depth, const std::string& label, const std::unique_ptr<Block>& b) {
    if (b != nullptr) BlockNode(depth, label, *b);
  }

  std::string Slot(const ast::Stmt& s) const {
    return with_resolution_ ? " slot=" + std::to_string(s.slot) : "";
  }

  std::string Hidden(const ast::Stmt& s) const {
    return with_resolution_ ? " hidden=" + std::to_string(s.hidden_slot) : "";
  }

  void Stmt(int depth, const ast::Stmt& s) {
    const std::string r = " " + RangeText(s.range);
    const std::string type = s.type_name.empty() ? "" : ": " + s.type_name;
    switch (s.kind) {
      case StmtKind::kLet:
      case StmtKind::kVar:
        Line(depth, (s.kind == StmtKind::kLet ? "let " : "var ") + s.name + type + r + Slot(s));
        if (s.value != nullptr) Child(depth + 1, s.value);
        return;
      case StmtKind::kAssign:
        Line(depth, "assign " + s.name + r + Slot(s));
        Child(depth + 1, s.value);
        return;
      case StmtKind::kExpr:
        Line(depth, "expr" + r);
        Child(depth + 1, s.value);
        return;
      case StmtKind::kIf:
        Line(depth, "if" + r);
        Child(depth + 1, s.condition);
        OptionalBlock(depth + 1, "then", s.then_block);
        OptionalBlock(depth + 1, "else", s.else_block);
        return;
      case StmtKind::kSwitch:
        Line(depth, "switch" + r + Hidden(s));
        Child(depth + 1, s.condition);
        for (const SwitchArm& arm : s.arms) Arm(depth + 1, arm);
        return;
      case StmtKind::kWhile:
        Line(depth, "while" + r);
        Child(depth + 1, s.condition);
        OptionalBlock(depth + 1, "do", s.then_block);
        return;
      case StmtKind::kFor:
        Line(depth, "for " + s.name + r + Slot(s) + Hidden(s));
        Child(depth + 1, s.value);
        OptionalBlock(depth + 1, "do", s.then_block);
        return;
      case StmtKind::kBreak: Line(depth, "break" + r); return;
      case StmtKind::kContinue: Line(depth, "continue" + r); return;
      case StmtKind::kReturn:
        Line(depth, "return" + r);
        if (s.value != nullptr) Child(depth + 1, s.value);
        return;
      case StmtKind::kFail:
        Line(depth, "fail" + r);
        Child(depth + 1, s.value);
        return;
      case StmtKind::kBlock:
        OptionalBlock(depth, "block", s.then_block);
        return;
      case StmtKind::kParallel:
        Line(depth, "parallel" + r + Bases(s));
        if (s.then_block == nullptr) return;
        for (const StmtPtr& branch : s.then_block->stmts) {
          Line(depth + 1, "branch");
          Stmt(depth + 2, *branch);
        }
        return;
      case StmtKind::kTry:
        Line(depth, "try" + r);
        OptionalBlock(depth + 1, "try", s.then_block);
        OptionalBlock(depth + 1,
                      s.name.empty() ? std::string("catch") : "catch " + s.name + Slot(s),
                      s.else_block);
        return;
      case StmtKind::kSleep:
        Line(depth, (s.until ? "sleep until" : "sleep") + r);
        Child(depth + 1, s.value);
        return;
      case StmtKind::kYield:
        Line(depth, "yield" + r);
        Child(depth + 1, s.value);
        return;
      case StmtKind::kDoWhile:
        Line(depth, "do-while" + r);
        OptionalBlock(depth + 1, "do", s.then_block);
        Child(depth + 1, s.condition);
        return;
    }
  }

  void Arm(int depth, const SwitchArm& arm) {
    Line(depth, std::string(arm.is_default ? "default " : "case ") + RangeText(arm.range));
    for (const ExprPtr& v : arm.values) Child(depth + 1, v);
    OptionalBlock(depth + 1, "=>", arm.block);
    if (arm.value != nullptr) {
      Line(depth + 1, "=>");
      Child(depth + 2, arm.value);
    }
  }

  // A child the AST contract says is present; shown rather than crashed on if it is not.
  void Child(int depth, const ExprPtr& e) {
    if (e == nullptr) {
      Line(depth, "(missing)");
    } else {
      Expr(depth, *e);
    }
  }

  std::string Resolved(const ast::Expr& e) const {
    if (!with_resolution_) return "";
    std::string text = std::string(" -> ") + ResolutionText(e.resolution.kind);
    if (e.resolution.kind != Resolution::Kind::kUnresolved) {
      text += " " + std::to_string(e.resolution.index);
    }
    return text;
  }

  void Expr(int depth, const ast::Expr& e) {
    const std::string r = " " + RangeText(e.range);
    switch (e.kind) {
      case ExprKind::kNull: Line(depth, "null" + r); return;
      case ExprKind::kBool: Line(depth, std::string(e.bool_value ? "true" : "false") + r); return;
      case ExprKind::kInt: Line(depth, "int " + std::to_string(e.int_value) + r); return;
      case ExprKind::kDouble: Line(depth, "double " + DoubleText(e.double_value) + r); return;
      case ExprKind::kDuration:
        Line(depth, "duration " + std::to_string(e.int_value) + "ms" + r);
        return;
      case ExprKind::kString: String(depth, e, r); return;
      case ExprKind::kList:
        Line(depth, "list" + r);
        for (const ExprPtr& item : e.items) Child(depth + 1, item);
        return;
      case ExprKind::kObject:
        Line(depth, "object" + r);
        for (const ObjectEntry& entry : e.entries) {
          Line(depth + 1, "key " + QuoteForDump(entry.key) + " " + RangeText(entry.key_range));
          Child(depth + 2, entry.value);
        }
        return;
      case ExprKind::kName: Line(depth, "name " + e.name + r + Resolved(e)); return;
      case ExprKind::kField:
        Line(depth, std::string(e.optional ? "field ?." : "field .") + e.name + r);
        Child(depth + 1, e.object);
        return;
      case ExprKind::kIndex:
        Line(depth, std::string(e.optional ? "index ?.[]" : "index []") + r);
        Child(depth + 1, e.object);
        Child(depth + 1, e.index);
        return;
      case ExprKind::kUnary:
        Line(depth, std::string(e.unary_op == UnaryOp::kNeg ? "unary -" : "unary not") + r);
        Child(depth + 1, e.lhs);
        return;
      case ExprKind::kBinary:
        Line(depth, std::string("binary ") + BinaryOpText(e.binary_op) + r);
        Child(depth + 1, e.lhs);
        Child(depth + 1, e.rhs);
        return;
      case ExprKind::kCall: Call(depth, e, r); return;
      case ExprKind::kSwitch:
        Line(depth, "switch" + r);
        Child(depth + 1, e.subject);
        for (const SwitchArm& arm : e.arms) Arm(depth + 1, arm);
        return;
      case ExprKind::kFail:
        Line(depth, "fail" + r);
        Child(depth + 1, e.lhs);
        return;
      case ExprKind::kParallelFor: {
        std::string head = "parallel for " + e.name + r;
        if (with_resolution_) {
          head += " slot=" + std::to_string(e.slot) + " base=" + std::to_string(e.base);
        }
        Line(depth, head);
        Child(depth + 1, e.iterable);
        Labeled(depth + 1, "limit", e.limit);
        OptionalBlock(depth + 1, "do", e.body);
        return;
      }
      case ExprKind::kAwaitSignal:
        Line(depth, "await signal" + r);
        Child(depth + 1, e.lhs);
        Labeled(depth + 1, "timeout", e.rhs);
        return;
      case ExprKind::kStart:
        Line(depth, "start" + r);
        Child(depth + 1, e.lhs);
        return;
    }
  }

  void String(int depth, const ast::Expr& e, const std::string& r) {
    if (e.parts.size() == 1 && e.parts[0].expr == nullptr) {
      Line(depth, "string " + QuoteForDump(e.parts[0].text) + r);
      return;
    }
    Line(depth, "string" + r);
    for (const StringPart& part : e.parts) {
      if (part.expr == nullptr) {
        Line(depth + 1, "text " + QuoteForDump(part.text));
      } else {
        Line(depth + 1, "interpolate");
        Child(depth + 2, part.expr);
      }
    }
  }

  void Call(int depth, const ast::Expr& e, const std::string& r) {
    const std::string version = e.has_version ? "@" + std::to_string(e.version) : "";
    const std::string label = e.label_range.line != 0 ? " as " + QuoteForDump(e.label) : "";
    Line(depth, "call " + e.name + version + label + r + Resolved(e));
    for (const Argument& arg : e.args) {
      Line(depth + 1, arg.name.empty() ? "arg" : "arg " + arg.name + ":");
      Child(depth + 2, arg.value);
    }
    Labeled(depth + 1, "with", e.policy);
    Labeled(depth + 1, "compensate", e.compensation);
  }

  bool with_resolution_;
  std::string out_;
};

}  // namespace

std::string DumpAst(const Module& module, bool with_resolution) {
  Dumper dumper(with_resolution);
  dumper.Module(module);
  return dumper.Take();
}

std::string QuoteForDump(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          char buf[12];
          std::snprintf(buf, sizeof buf, "\\u{%x}", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace weft::ast
