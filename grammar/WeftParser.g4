// The Weft parser grammar (docs/language.md). compiler/parser/ turns its parse tree into our
// own AST (compiler/ast/ast.h); no other folder sees ANTLR.
//
// Besides the language itself, some rules match common mistakes so the transformer can say
// exactly what to write instead (kuzu style). Each is marked "friendly:" with the mistake it
// catches; the transformer reports it with its own diagnostic kind and still builds the AST
// the user meant, so later phases can run.
//
// Newlines are not significant. Where two alternatives can match the same text (a statement
// `switch` and a switch expression, a block and an object literal), the first listed wins.
parser grammar WeftParser;

options { tokenVocab = WeftLexer; }

module : declaration* EOF ;

declaration
  : taskDecl
  | workflowDecl
  | misspelledWorkflowDecl
  | migrateDecl
  | statement                 // friendly: a statement outside any workflow
  ;

taskDecl : KW_TASK taskItem (COMMA taskItem)* ;

// `task charge with { retries: 3 }`: the policy applies to that name only.
taskItem : bindingName withClause? ;

workflowDecl : KW_WORKFLOW bindingName LPAREN paramList? RPAREN withClause? block ;

// `migrate w { x = old_name }`: values for the new version's variables, computed from the old
// frame's variables, when a running execution of `w` moves to this version (docs/migration.md).
migrateDecl : KW_MIGRATE bindingName LBRACE migrateEntry* RBRACE ;

migrateEntry : bindingName ASSIGN expression ;

// A task policy, a call-site override or workflow options; validated by the checker.
withClause : KW_WITH objectLiteral ;

// friendly: `function f(a) { }`, `def f(a) { }`, `workflw f() { }`
misspelledWorkflowDecl : IDENT bindingName LPAREN paramList? RPAREN block ;

paramList : param (COMMA param)* COMMA? ;

param : bindingName (COLON typeName)? (ASSIGN expression)? ;

typeName : ident ;

// friendly: a block still open at the end of the file matches EOF
block : LBRACE statement* (RBRACE | EOF) ;

// ---------------------------------------------------------------------------------------------
// Statements

statement
  : block
  | ifStmt
  | simpleStatement
  | SEMI
  ;

// Every statement except a block and `if`: what may follow a brace-less `else`.
simpleStatement
  : letStmt
  | varStmt
  | switchStmt
  | whileStmt
  | forStmt
  | breakStmt
  | continueStmt
  | returnStmt
  | failStmt
  | parallelStmt
  | tryStmt
  | sleepStmt
  | yieldStmt
  | doWhileStmt
  | exprStmt
  ;

letStmt : KW_LET bindingName (COLON typeName)? (ASSIGN expression)? ;   // friendly: no initialiser

varStmt : KW_VAR bindingName (COLON typeName)? (ASSIGN expression)? ;

ifStmt : KW_IF condition controlBody elseClause? ;

condition : expression (ASSIGN expression)? ;                         // friendly: `if a = b`

controlBody
  : block
  | bracelessBody                                                    // friendly: no braces
  ;

bracelessBody : ifStmt | simpleStatement ;

elseClause
  : KW_ELSE ifStmt
  | KW_ELSE block
  | KW_ELSE simpleStatement                                             // friendly: no braces
  | ELIF_WORD condition controlBody elseClause?                      // friendly: `elif`
  ;

switchStmt : KW_SWITCH expression LBRACE switchArm* RBRACE ;

switchArm : armLabel armArrow statement ;

armLabel
  : KW_CASE expression (COMMA expression)* COMMA?
  | KW_DEFAULT
  ;

armArrow
  : ARROW
  | COLON                                                            // friendly: `case 1:`
  ;

whileStmt : KW_WHILE condition controlBody ;

forStmt : KW_FOR bindingName KW_IN expression controlBody ;

breakStmt : KW_BREAK ;

continueStmt : KW_CONTINUE ;

returnStmt : KW_RETURN expression? ;

failStmt : KW_FAIL expression ;

// Each top-level statement of the block is one branch.
parallelStmt : KW_PARALLEL block ;

tryStmt : KW_TRY block (KW_CATCH bindingName? block)? ;          // friendly: no `catch`

sleepStmt
  : KW_SLEEP KW_UNTIL expression
  | KW_SLEEP expression
  ;

yieldStmt : KW_YIELD expression ;

doWhileStmt : KW_DO block KW_WHILE condition ;

// An expression statement or an assignment `x = e`. One rule, so that choosing between them
// needs no lookahead past the left-hand side. friendly: a target other than a name
// (`a.b = 1`), and `+=` and friends.
exprStmt : expression (assignOp expression)? ;

assignOp : ASSIGN | PLUS_ASSIGN | MINUS_ASSIGN | STAR_ASSIGN | SLASH_ASSIGN | PERCENT_ASSIGN ;

// ---------------------------------------------------------------------------------------------
// Expressions, highest precedence first (ANTLR gives earlier alternatives higher precedence).
// Comparisons parse left-associatively so that the transformer can report `a < b < c`.

expression
  : primary                                                          #primaryExpr
  | expression DOT fieldName                                         #fieldExpr
  | expression QDOT fieldName                                        #optionalFieldExpr
  | expression QDOT? LBRACK expression RBRACK                        #indexExpr
  | expression (AT version=INT)? LPAREN argumentList? RPAREN
    labelClause? withClause? compensateClause?                       #callExpr
  | MINUS expression                                                 #negateExpr
  | expression op=(STAR | SLASH | PERCENT) expression                #multiplyExpr
  | expression op=(PLUS | MINUS) expression                          #addExpr
  | expression op=(EQ | NE | LT | LE | GT | GE) expression           #compareExpr
  | op=(KW_NOT | BANG) expression                                    #notExpr   // friendly: `!`
  | expression op=(KW_AND | AMPAMP) expression                       #andExpr   // friendly: `&&`
  | expression op=(KW_OR | PIPEPIPE) expression                      #orExpr    // friendly: `||`
  | <assoc=right> expression QQ expression                           #coalesceExpr
  ;

primary
  : literal
  | startExpr                 // before nameRef: `start b(...)` is a start, not `start` then a call
  | nameRef
  | parenExpr
  | listLiteral
  | objectLiteral
  | switchExpr
  | parallelForExpr
  | awaitExpr
  ;

nameRef : ident ;

parenExpr : LPAREN expression RPAREN ;

listLiteral : LBRACK (expression (COMMA expression)* COMMA?)? RBRACK ;

objectLiteral : LBRACE (objectEntry (COMMA objectEntry)* COMMA?)? RBRACE ;

objectEntry : objectKey COLON expression ;

objectKey : fieldName | stringLiteral ;

switchExpr : KW_SWITCH expression LBRACE switchExprArm* RBRACE ;

switchExprArm : armLabel armArrow armValue ;

armValue
  : KW_FAIL expression
  | expression
  ;

// `ship(o: o) compensate cancel(o: o)`: the checker requires task calls on both sides.
compensateClause : KW_COMPENSATE expression ;

// `ship(o: o) as "ship"`: the call's stable identity for live migration (docs/migration.md).
labelClause : KW_AS stringLiteral ;

// `start billing@2(id: x)`: a detached child workflow.
startExpr : KW_START ident (AT version=INT)? LPAREN argumentList? RPAREN ;

parallelForExpr : KW_PARALLEL KW_FOR bindingName KW_IN expression (KW_LIMIT expression)? block ;

// `await signal("name")`, `await signal("name", timeout: 2d)`; the transformer checks the
// arguments.
awaitExpr : KW_AWAIT KW_SIGNAL LPAREN argumentList? RPAREN ;

argumentList : argument (COMMA argument)* COMMA? ;

argument
  : fieldName COLON expression
  | fieldName ASSIGN expression                                      // friendly: `f(a = 1)`
  | expression
  ;

literal
  : KW_NULL
  | KW_TRUE
  | KW_FALSE
  | INT
  | FLOAT
  | DURATION
  | stringLiteral
  | SQ_STRING                                                        // friendly: 'text'
  | BAD_NUMBER                                                       // friendly: `5mins`
  ;

// friendly: a string cut off by the end of its line or of the file
stringLiteral : STRING_OPEN stringPart* (STRING_CLOSE | STR_NEWLINE | EOF) ;

stringPart
  : STR_TEXT
  | STR_DOLLAR
  | STR_ESCAPE
  | STR_INTERP expression? RBRACE                                    // friendly: empty `${}`
  ;

// ---------------------------------------------------------------------------------------------
// Names

ident : IDENT | ELIF_WORD | KW_LIMIT | KW_UNTIL | KW_SIGNAL | KW_START | KW_AS | KW_MIGRATE ;

// Field names, object keys and argument names are JSON keys, so keywords are fine there.
fieldName : ident | keyword ;

// friendly: a keyword where a new name is declared
bindingName : ident | keyword ;

keyword
  : KW_TASK | KW_WORKFLOW | KW_LET | KW_VAR | KW_IF | KW_ELSE | KW_SWITCH | KW_CASE
  | KW_DEFAULT | KW_WHILE | KW_FOR | KW_IN | KW_BREAK | KW_CONTINUE | KW_RETURN | KW_FAIL
  | KW_TRUE | KW_FALSE | KW_NULL | KW_AND | KW_OR | KW_NOT
  | KW_PARALLEL | KW_YIELD | KW_TRY | KW_CATCH | KW_SLEEP | KW_AWAIT | KW_COMPENSATE | KW_WITH
  | KW_DO
  ;
