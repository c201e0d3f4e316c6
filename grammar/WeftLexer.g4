// The Weft lexer (docs/language.md). A separate lexer grammar because strings need lexer modes:
// `"` enters STR, `${` inside a string re-enters the default mode, and every `{` pushes a mode
// that its `}` pops, so the `}` that closes an interpolation returns to the string and nested
// strings such as "a ${x ?? "none"} b" work. compiler/parser/weft_lexer.cc makes a stray `}`
// (popMode on an empty stack) harmless.
//
// Tokens whose only purpose is a friendly diagnostic (ELIF_WORD, SQ_STRING, AMPAMP, ...) are
// documented where they are defined. Tokens on the ERRORS channel never reach the parser; the
// parser reports them once each.
lexer grammar WeftLexer;

channels { ERRORS }

// Keywords (LANGUAGE.md), prefixed so that none collides with a C macro (NULL, EOF...).
// Builtin names such as `len` are not keywords.
KW_TASK     : 'task' ;
KW_WORKFLOW : 'workflow' ;
KW_LET      : 'let' ;
KW_VAR      : 'var' ;
KW_IF       : 'if' ;
KW_ELSE     : 'else' ;
KW_SWITCH   : 'switch' ;
KW_CASE     : 'case' ;
KW_DEFAULT  : 'default' ;
KW_WHILE    : 'while' ;
KW_FOR      : 'for' ;
KW_IN       : 'in' ;
KW_BREAK    : 'break' ;
KW_CONTINUE : 'continue' ;
KW_RETURN   : 'return' ;
KW_FAIL     : 'fail' ;
KW_TRUE     : 'true' ;
KW_FALSE    : 'false' ;
KW_NULL     : 'null' ;
KW_AND      : 'and' ;
KW_OR       : 'or' ;
KW_NOT      : 'not' ;
// Issue 3: concurrency, time, failure and sub-workflows (docs/language.md).
KW_PARALLEL   : 'parallel' ;
KW_YIELD      : 'yield' ;
KW_TRY        : 'try' ;
KW_CATCH      : 'catch' ;
KW_SLEEP      : 'sleep' ;
KW_AWAIT      : 'await' ;
KW_COMPENSATE : 'compensate' ;
KW_WITH       : 'with' ;
KW_DO         : 'do' ;
// Contextual keywords: tokens of their own, but the parser's `ident` rule accepts them, so
// they stay usable as variable, parameter and task names. Each appears only where no name
// could (after an iterable, after `sleep`, after `await`, before a call).
KW_LIMIT      : 'limit' ;
KW_UNTIL      : 'until' ;
KW_SIGNAL     : 'signal' ;
KW_START      : 'start' ;
// Issue 12: `call(...) as "label"` names a suspension point; `migrate w { ... }` gives values
// to a new version's variables when running executions move onto it (docs/migration.md).
KW_AS         : 'as' ;
KW_MIGRATE    : 'migrate' ;

// Not a keyword: other languages' spelling of `else if`. The parser accepts it wherever a name
// may appear, and after an `if` body it matches the friendly `elif` rule.
ELIF_WORD : 'elif' | 'elsif' | 'elseif' ;

LBRACE    : '{' -> pushMode(DEFAULT_MODE) ;
RBRACE    : '}' -> popMode ;
LPAREN    : '(' ;
RPAREN    : ')' ;
LBRACK    : '[' ;
RBRACK    : ']' ;
COMMA     : ',' ;
COLON     : ':' ;
SEMI      : ';' ;
ARROW     : '=>' ;
AT        : '@' ;
QDOT      : '?.' ;
QQ        : '??' ;
DOT       : '.' ;
EQ        : '==' ;
NE        : '!=' ;
LE        : '<=' ;
GE        : '>=' ;
LT        : '<' ;
GT        : '>' ;
ASSIGN    : '=' ;
PLUS      : '+' ;
MINUS     : '-' ;
STAR      : '*' ;
SLASH     : '/' ;
PERCENT   : '%' ;

// Not Weft: matched only to say what to write instead.
PLUS_ASSIGN    : '+=' ;
MINUS_ASSIGN   : '-=' ;
STAR_ASSIGN    : '*=' ;
SLASH_ASSIGN   : '/=' ;
PERCENT_ASSIGN : '%=' ;
AMPAMP         : '&&' ;
PIPEPIPE       : '||' ;
BANG           : '!' ;

// Numbers. A duration is digits and a unit; the transformer converts it to milliseconds.
DURATION  : DIGITS ('ms' | 's' | 'm' | 'h' | 'd') ;
FLOAT     : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT       : DIGITS ;
// Not Weft: digits run into letters (`5mins`, `1.5s`, `10x`). Listed after the rules above, so
// those win ties (`5ms`, `2e10`); matched only to report it.
BAD_NUMBER : DIGITS ('.' DIGITS)? [A-Za-z_] [A-Za-z0-9_]* ;
fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;

IDENT     : [A-Za-z_] [A-Za-z0-9_]* ;

STRING_OPEN : '"' -> pushMode(STR) ;
// Not Weft: a single-quoted string, reported and then read as a string.
SQ_STRING   : '\'' (~['\\\r\n] | '\\' ~[\r\n])* '\''? ;

WS            : [ \t\r\n\f]+ -> skip ;
LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
// A block comment that runs to the end of the file: text that never contains `*/`.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF -> channel(ERRORS) ;
ERROR_CHAR    : . -> channel(ERRORS) ;

mode STR;
STRING_CLOSE : '"' -> popMode ;
STR_TEXT     : ~["\\$\n]+ ;
STR_DOLLAR   : '$' ;                                  // a lone `$` is text
STR_ESCAPE   : '\\u{' [0-9a-fA-F]* '}' | '\\' ~[\r\n]? ; // validated by the transformer
STR_INTERP   : '${' -> pushMode(DEFAULT_MODE) ;
STR_NEWLINE  : '\n' -> popMode ;                      // strings end at the line: unterminated
