// Conductor JavaScript snippets to Weft expressions (js_subset.h): a tokenizer, a
// precedence-climbing expression parser that writes Weft text directly, and a statement
// parser whose statements fold into one expression (an `if` becomes a switch on `true`).
#include "conductor/js_subset.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "conductor/wf_text.h"
#include "common/status_macros.h"

namespace weft::conductor {
namespace {

enum class Tok { kEnd, kNum, kStr, kName, kPunct };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // the punctuation, the name, the number, or the string's value
};

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view s) {
  static constexpr absl::string_view kPuncts[] = {"===", "!==", "==", "!=", "<=", ">=", "&&", "||",
                                                 "(",   ")",   "{",  "}",  "[",  "]",  ".",  ",",
                                                 ";",   "?",   ":",  "!",  "<",  ">",  "+",  "-",
                                                 "*",   "/",   "%",  "$",  "="};
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (s.substr(i, 2) == "//") {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (s.substr(i, 2) == "/*") {
      size_t end = s.find("*/", i + 2);
      i = end == absl::string_view::npos ? s.size() : end + 2;
      continue;
    }
    if (c >= '0' && c <= '9') {
      size_t j = i;
      while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) ++j;
      out.push_back({Tok::kNum, std::string(s.substr(i, j - i))});
      i = j;
      continue;
    }
    if (c == '\'' || c == '"') {
      std::string value;
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          char e = s[++j];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          value += s[j];
        }
        ++j;
      }
      if (j >= s.size()) return absl::InvalidArgumentError("unterminated JavaScript string");
      out.push_back({Tok::kStr, value});
      i = j + 1;
      continue;
    }
    if (IsIdentifier(absl::string_view(&c, 1))) {
      size_t j = i;
      while (j < s.size() && (IsIdentifier(s.substr(j, 1)) || (s[j] >= '0' && s[j] <= '9'))) ++j;
      out.push_back({Tok::kName, std::string(s.substr(i, j - i))});
      i = j;
      continue;
    }
    bool matched = false;
    for (absl::string_view p : kPuncts) {
      if (s.substr(i, p.size()) == p) {
        out.push_back({Tok::kPunct, std::string(p)});
        i += p.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      return absl::InvalidArgumentError(absl::StrCat("unsupported JavaScript character `", std::string(1, c), "`"));
    }
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

// A statement of the subset.
struct Stmt {
  enum Kind { kReturn, kExpr, kIf, kBlock } kind = kExpr;
  std::string expr;  // kReturn, kExpr: the Weft expression; kIf: the condition
  std::vector<Stmt> then_body, else_body;  // kIf (else may be empty); kBlock uses then_body
  bool has_else = false;
};

class Parser {
 public:
  Parser(std::vector<Token> toks, const DollarResolver& dollar) : t_(std::move(toks)), dollar_(dollar) {}

  absl::StatusOr<std::string> Program() {
    // `function f() { BODY } f();` and `(function () { BODY })()`: BODY in function mode.
    if (IsName("function")) {
      ++p_;
      std::string fname = Is(Tok::kName) ? t_[p_++].text : "";
      WEFT_RETURN_IF_ERROR(Expect("("));
      WEFT_RETURN_IF_ERROR(Expect(")"));
      WEFT_ASSIGN_OR_RETURN(std::vector<Stmt> body, Block());
      if (!fname.empty() && IsName(fname)) {
        ++p_;
        WEFT_RETURN_IF_ERROR(Expect("("));
        WEFT_RETURN_IF_ERROR(Expect(")"));
      }
      Accept(";");
      WEFT_RETURN_IF_ERROR(ExpectEnd());
      return Fold(body, 0, false);
    }
    if (IsPunct("(") && t_[p_ + 1].kind == Tok::kName && t_[p_ + 1].text == "function") {
      p_ += 2;
      if (Is(Tok::kName)) ++p_;
      WEFT_RETURN_IF_ERROR(Expect("("));
      WEFT_RETURN_IF_ERROR(Expect(")"));
      WEFT_ASSIGN_OR_RETURN(std::vector<Stmt> body, Block());
      WEFT_RETURN_IF_ERROR(Expect(")"));
      WEFT_RETURN_IF_ERROR(Expect("("));
      WEFT_RETURN_IF_ERROR(Expect(")"));
      Accept(";");
      WEFT_RETURN_IF_ERROR(ExpectEnd());
      return Fold(body, 0, false);
    }
    std::vector<Stmt> body;
    while (!Is(Tok::kEnd)) {
      WEFT_ASSIGN_OR_RETURN(Stmt s, Statement());
      body.push_back(std::move(s));
    }
    return Fold(body, 0, true);
  }

 private:

  bool Is(Tok k) const { return t_[p_].kind == k; }
  bool IsPunct(absl::string_view p) const { return Is(Tok::kPunct) && t_[p_].text == p; }
  bool IsName(absl::string_view n) const { return Is(Tok::kName) && t_[p_].text == n; }
  bool Accept(absl::string_view p) {
    if (!IsPunct(p)) return false;
    ++p_;
    return true;
  }
  absl::Status Unexpected(absl::string_view wanted) const {
    std::string seen = Is(Tok::kEnd) ? "the end" : absl::StrCat("`", t_[p_].text, "`");
    return absl::InvalidArgumentError(absl::StrCat("JavaScript outside the supported subset: expected ",
                                                   wanted, ", got ", seen));
  }
  absl::Status Expect(absl::string_view p) {
    if (Accept(p)) return absl::OkStatus();
    return Unexpected(absl::StrCat("`", p, "`"));
  }
  absl::Status ExpectEnd() { return Is(Tok::kEnd) ? absl::OkStatus() : Unexpected("the end"); }

  absl::StatusOr<std::vector<Stmt>> Block() {
    WEFT_RETURN_IF_ERROR(Expect("{"));
    std::vector<Stmt> body;
    while (!IsPunct("}")) {
      if (Is(Tok::kEnd)) return Unexpected("`}`");
      WEFT_ASSIGN_OR_RETURN(Stmt s, Statement());
      body.push_back(std::move(s));
    }
    ++p_;
    return body;
  }

  absl::StatusOr<Stmt> Statement() {
    if (IsPunct("{")) {
      WEFT_ASSIGN_OR_RETURN(std::vector<Stmt> body, Block());
      Stmt s;
      s.kind = Stmt::kBlock;
      s.then_body = std::move(body);
      return s;
    }
    if (IsName("if")) {
      ++p_;
      WEFT_RETURN_IF_ERROR(Expect("("));
      WEFT_ASSIGN_OR_RETURN(std::string cond, Expr());
      WEFT_RETURN_IF_ERROR(Expect(")"));
      Stmt s;
      s.kind = Stmt::kIf;
      s.expr = cond;
      WEFT_ASSIGN_OR_RETURN(Stmt then_s, Statement());
      s.then_body.push_back(std::move(then_s));
      if (IsName("else")) {
        ++p_;
        s.has_else = true;
        WEFT_ASSIGN_OR_RETURN(Stmt else_s, Statement());
        s.else_body.push_back(std::move(else_s));
      }
      return s;
    }
    if (IsName("var") || IsName("let") || IsName("const") || IsName("for") || IsName("while")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "JavaScript outside the supported subset: `", t_[p_].text,
          "` (variables and loops); write the logic in Weft"));
    }
    Stmt s;
    s.kind = Stmt::kExpr;
    if (IsName("return")) {
      ++p_;
      s.kind = Stmt::kReturn;
      if (IsPunct(";") || IsPunct("}")) {
        s.expr = "null";
        Accept(";");
        return s;
      }
    }
    WEFT_ASSIGN_OR_RETURN(s.expr, Expr());
    Accept(";");
    return s;
  }

  // The value of statements [i..] followed by nothing. `completion`: top-level script, where
  // an expression statement gives the program's value.
  static std::string Fold(const std::vector<Stmt>& body, size_t i, bool completion) {
    if (i >= body.size()) return "null";
    const Stmt& s = body[i];
    switch (s.kind) {
      case Stmt::kReturn:
        return s.expr;
      case Stmt::kExpr:
        if (completion && i + 1 == body.size()) return s.expr;
        return Fold(body, i + 1, completion);
      case Stmt::kBlock: {
        std::vector<Stmt> joined = s.then_body;
        joined.insert(joined.end(), body.begin() + i + 1, body.end());
        return Fold(joined, 0, completion);
      }
      case Stmt::kIf: {
        std::vector<Stmt> then_rest = s.then_body;
        then_rest.insert(then_rest.end(), body.begin() + i + 1, body.end());
        std::vector<Stmt> else_rest = s.else_body;
        else_rest.insert(else_rest.end(), body.begin() + i + 1, body.end());
        std::string then_value = Fold(then_rest, 0, completion);
        std::string else_value = Fold(else_rest, 0, completion);
        // `if (c) { true; } else { false; }`, DO_WHILE's usual form, is `c`.
        if (then_value == "true" && else_value == "false") return s.expr;
        return absl::StrCat("switch ", s.expr, " { case true => ", then_value, " default => ",
                            else_value, " }");
      }
    }
    return "null";
  }

  absl::StatusOr<std::string> Expr() { return Ternary(); }

  absl::StatusOr<std::string> Ternary() {
    WEFT_ASSIGN_OR_RETURN(std::string cond, Binary(0));
    if (!Accept("?")) return cond;
    WEFT_ASSIGN_OR_RETURN(std::string a, Ternary());
    WEFT_RETURN_IF_ERROR(Expect(":"));
    WEFT_ASSIGN_OR_RETURN(std::string b, Ternary());
    return absl::StrCat("switch ", cond, " { case true => ", a, " default => ", b, " }");
  }

  // Binary operators by JavaScript precedence, lowest first.
  absl::StatusOr<std::string> Binary(int level) {
    static const std::vector<std::vector<std::pair<absl::string_view, absl::string_view>>> kLevels = {
        {{"||", "or"}},
        {{"&&", "and"}},
        {{"===", "=="}, {"!==", "!="}, {"==", "=="}, {"!=", "!="}},
        {{"<=", "<="}, {">=", ">="}, {"<", "<"}, {">", ">"}},
        {{"+", "+"}, {"-", "-"}},
        {{"*", "*"}, {"/", "/"}, {"%", "%"}}};
    if (level == static_cast<int>(kLevels.size())) return Unary();
    WEFT_ASSIGN_OR_RETURN(std::string left, Binary(level + 1));
    for (;;) {
      absl::string_view weft_op;
      for (const auto& [js, weft] : kLevels[level]) {
        if (IsPunct(js)) weft_op = weft;
      }
      if (weft_op.empty()) return left;
      ++p_;
      WEFT_ASSIGN_OR_RETURN(std::string right, Binary(level + 1));
      left = absl::StrCat("(", left, " ", weft_op, " ", right, ")");
    }
  }

  absl::StatusOr<std::string> Unary() {
    if (Accept("!")) {
      WEFT_ASSIGN_OR_RETURN(std::string e, Unary());
      return absl::StrCat("not ", e);
    }
    if (Accept("-")) {
      WEFT_ASSIGN_OR_RETURN(std::string e, Unary());
      return absl::StrCat("-", e);
    }
    return Postfix();
  }

  absl::StatusOr<std::string> Postfix() {
    std::string e;
    if (IsPunct("$")) {
      ++p_;
      std::string key;
      bool have_key = false;
      if (IsPunct(".") && t_[p_ + 1].kind == Tok::kName) {
        key = t_[p_ + 1].text;
        p_ += 2;
        have_key = true;
      } else if (IsPunct("[") && t_[p_ + 1].kind == Tok::kStr && t_[p_ + 2].text == "]") {
        key = t_[p_ + 1].text;
        p_ += 3;
        have_key = true;
      }
      WEFT_ASSIGN_OR_RETURN(e, dollar_(have_key ? key : ""));
    } else {
      WEFT_ASSIGN_OR_RETURN(e, Primary());
    }
    for (;;) {
      if (IsPunct(".") && t_[p_ + 1].kind == Tok::kName) {
        std::string name = t_[p_ + 1].text;
        p_ += 2;
        if (IsPunct("(")) {
          return absl::InvalidArgumentError(absl::StrCat(
              "JavaScript outside the supported subset: method call `.", name, "()`"));
        }
        e = name == "length" ? absl::StrCat("len(", e, ")") : e + FieldStep(name);
      } else if (Accept("[")) {
        if (Is(Tok::kStr) && t_[p_ + 1].text == "]") {
          e += FieldStep(t_[p_].text);
          p_ += 2;
        } else {
          WEFT_ASSIGN_OR_RETURN(std::string index, Expr());
          WEFT_RETURN_IF_ERROR(Expect("]"));
          absl::StrAppend(&e, "?.[", index, "]");
        }
      } else if (IsPunct("(")) {
        return absl::InvalidArgumentError("JavaScript outside the supported subset: a function call");
      } else {
        return e;
      }
    }
  }

  absl::StatusOr<std::string> Primary() {
    const Token tok = t_[p_];
    switch (tok.kind) {
      case Tok::kNum:
        ++p_;
        return tok.text;
      case Tok::kStr:
        ++p_;
        return Quote(tok.text);
      case Tok::kName:
        if (tok.text == "true" || tok.text == "false" || tok.text == "null") {
          ++p_;
          return tok.text;
        }
        if (tok.text == "undefined") {
          ++p_;
          return std::string("null");
        }
        return absl::InvalidArgumentError(absl::StrCat(
            "JavaScript outside the supported subset: the name `", tok.text,
            "` (only `$` and literals can be read)"));
      default:
        break;
    }
    if (Accept("(")) {
      WEFT_ASSIGN_OR_RETURN(std::string e, Expr());
      WEFT_RETURN_IF_ERROR(Expect(")"));
      return absl::StrCat("(", e, ")");
    }
    if (Accept("[")) {
      std::vector<std::string> items;
      while (!Accept("]")) {
        WEFT_ASSIGN_OR_RETURN(std::string e, Expr());
        items.push_back(e);
        if (!Accept(",") && !IsPunct("]")) return Unexpected("`,` or `]`");
      }
      return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
    }
    if (Accept("{")) {
      std::vector<std::string> entries;
      while (!Accept("}")) {
        if (!Is(Tok::kName) && !Is(Tok::kStr)) return Unexpected("an object key");
        std::string key = t_[p_++].text;
        WEFT_RETURN_IF_ERROR(Expect(":"));
        WEFT_ASSIGN_OR_RETURN(std::string e, Expr());
        entries.push_back(absl::StrCat(ObjectKey(key), ": ", e));
        if (!Accept(",") && !IsPunct("}")) return Unexpected("`,` or `}`");
      }
      return absl::StrCat("{", absl::StrJoin(entries, ", "), "}");
    }
    return Unexpected("an expression");
  }

  std::vector<Token> t_;
  size_t p_ = 0;
  const DollarResolver& dollar_;
};

}  // namespace

absl::StatusOr<std::string> TranslateJs(absl::string_view source, const DollarResolver& dollar) {
  absl::StatusOr<std::vector<Token>> toks = Tokenize(source);
  if (!toks.ok()) return toks.status();
  Parser parser(*std::move(toks), dollar);
  return parser.Program();
}

}  // namespace weft::conductor
