/* parser.y — the grammar of the policy language (pure bison parser).
 *
 * Input: tokens from grammar/lexer.l; output: fg_decl nodes appended to an
 * fg_ast, or one fg_expr (the first token, START_FILE or START_EXPR, picks
 * which). Actions are one call to a builder of lang/ast.c. The precedence
 * levels of SPEC are written as one nonterminal each, so the grammar itself
 * rejects `a < b < c` and `1 + if ...`. Syntax errors are reported in words
 * ("unexpected `)`, expected an expression") by yyreport_syntax_error below;
 * the `error` token at declaration level skips to the next declaration
 * keyword so one run reports several errors. */

%define api.pure full
%define api.location.type {fg_span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0

%param {yyscan_t scanner}
%parse-param {struct fg_parser *P}

%code requires {
#include "lang/ast.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

#define FG_LEX_MAX_INTERP 32

/* Everything one parse needs; the scanner's extra data points here too. */
typedef struct fg_parser {
    fg_ast_builder b;
    const char *text; /* the file's bytes */
    size_t len;
    uint32_t pos;  /* scanner: offset of the next byte */
    int start_tok; /* scanner: first token to return (START_FILE / START_EXPR) */
    uint32_t interp_top;
    uint32_t interp_depth[FG_LEX_MAX_INTERP]; /* open `{` per nested interpolation */
    fg_ast *ast;
    fg_expr *expr; /* START_EXPR result */
    size_t reserve_used;
    bool too_deep; /* bison's stack limit was reached (yyerror) */
    union {
        unsigned char bytes[1024];
        long double align_ld;
        void *align_p;
    } reserve; /* flex's fallback memory (lexer.l yyalloc) */
} fg_parser;

/* Spans join from the first to the last symbol of a rule; an empty rule
 * gets the empty span at the end of what came before. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                            \
    do {                                                                                       \
        if (N) {                                                                               \
            (Cur).file = YYRHSLOC(Rhs, 1).file;                                                \
            (Cur).start = YYRHSLOC(Rhs, 1).start;                                              \
            (Cur).end = YYRHSLOC(Rhs, N).end;                                                  \
        } else {                                                                               \
            (Cur).file = YYRHSLOC(Rhs, 0).file;                                                \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                                    \
        }                                                                                      \
    } while (0)
}

%code {
#include "lexer.h"

#define B (&P->b)
/* Builders return NULL only when out of memory: stop the parse then. */
#define MK(lhs, call)                                                                          \
    do {                                                                                       \
        if (!((lhs) = (call)))                                                                 \
            YYNOMEM;                                                                           \
    } while (0)
#define PUSH(vec, item)                                                                        \
    do {                                                                                       \
        if (!fg_ast_push(B, &(vec), (item)))                                                   \
            YYNOMEM;                                                                           \
    } while (0)
#define ADD(decl)                                                                              \
    do {                                                                                       \
        if (!fg_ast_add_decl(B, P->ast, (decl)))                                               \
            YYNOMEM;                                                                           \
    } while (0)
static const fg_ptrvec EMPTY = {0};
static void yyerror(const fg_span *loc, yyscan_t scanner, struct fg_parser *P, const char *msg);
}

%initial-action {
    @$.file = P->b.file;
    @$.start = @$.end = 0;
}

%union {
    int64_t ival;
    double nval;
    fg_str text;
    const char *name;
    fg_expr *expr;
    fg_ptrvec list;
    fg_type type;
    fg_binop op;
    fg_hit_policy hit;
    fg_param *param;
    fg_cell *cell;
    fg_table_row *row;
    fg_decide_arm *arm;
    fg_report_item *item;
    fg_field_init *field;
    fg_input_attrs attrs;
}

%token END 0 "end of file"
%token START_FILE "start of file" START_EXPR "start of expression"
%token <ival> INT "number"
%token <nval> NUM "decimal number"
%token <text> STR_TEXT "string text"
%token <name> NAME "name"
%token STR_BEGIN "string" STR_END "end of string"
%token INTERP_BEGIN "`{` in a string" INTERP_END "`}` closing an interpolation"
%token KW_POLICY "`policy`" KW_VERSION "`version`" KW_INPUT "`input`" KW_KEY "`key`"
%token KW_FROM "`from`" KW_CONST "`const`" KW_LET "`let`" KW_FN "`fn`" KW_TABLE "`table`"
%token KW_FIRST "`first`" KW_UNIQUE "`unique`" KW_RULE "`rule`" KW_ELSE "`else`"
%token KW_DECIDE "`decide`" KW_WHEN "`when`" KW_OTHERWISE "`otherwise`" KW_OUTPUT "`output`"
%token KW_REPORT "`report`" KW_BY "`by`" KW_FIXTURE "`fixture`" KW_TEST "`test`"
%token KW_GIVEN "`given`" KW_WITH "`with`" KW_EXPECT "`expect`" KW_IMPORT "`import`"
%token KW_IF "`if`" KW_THEN "`then`" KW_AND "`and`" KW_OR "`or`" KW_NOT "`not`" KW_IN "`in`"
%token KW_BETWEEN "`between`" KW_IS "`is`" KW_MISSING "`missing`" KW_PRESENT "`present`"
%token KW_TRUE "`true`" KW_FALSE "`false`"
%token UNDERSCORE "`_`"
%token EQEQ "`==`" NE "`!=`" LT "`<`" LE "`<=`" GT "`>`" GE "`>=`"
%token FATARROW "`=>`" ARROW "`->`" ASSIGN "`=`"
%token PLUS "`+`" MINUS "`-`" STAR "`*`" SLASH "`/`"
%token COALESCE "`??`" QUESTION "`?`" DOTDOT "`..`" BAR "`|`"
%token LPAREN "`(`" RPAREN "`)`" LBRACKET "`[`" RBRACKET "`]`"
%token LBRACE "`{`" RBRACE "`}`" COMMA "`,`" COLON "`:`"

%type <expr> expr if_expr or_expr and_expr not_expr cmp_expr coal_expr add_expr mul_expr
%type <expr> unary_expr primary string str_parts lit_str literal opt_message
%type <expr> cell_value fixture_value agg
%type <list> expr_list args params param_list cells cell_list rows arms by_list opt_by
%type <list> field_inits field_list report_items expects opt_with
%type <name> plain_str opt_version opt_name
%type <type> type
%type <op> cmp_op
%type <hit> hit
%type <param> param
%type <cell> cell
%type <row> row
%type <arm> arm otherwise_arm
%type <item> report_item
%type <field> field_init
%type <attrs> attrs

%%

start
    : START_FILE decls
    | START_EXPR expr               { P->expr = $2; }
    ;

decls
    : %empty
    | decls decl
    | decls error
    ;

/* Each declaration keyword ends error recovery at once, so a mistake in the
 * first tokens of the next declaration is reported too. */
k_policy : KW_POLICY { yyerrok; } ;
k_input : KW_INPUT { yyerrok; } ;
k_const : KW_CONST { yyerrok; } ;
k_let : KW_LET { yyerrok; } ;
k_fn : KW_FN { yyerrok; } ;
k_table : KW_TABLE { yyerrok; } ;
k_rule : KW_RULE { yyerrok; } ;
k_decide : KW_DECIDE { yyerrok; } ;
k_output : KW_OUTPUT { yyerrok; } ;
k_report : KW_REPORT { yyerrok; } ;
k_fixture : KW_FIXTURE { yyerrok; } ;
k_test : KW_TEST { yyerrok; } ;
k_import : KW_IMPORT { yyerrok; } ;

decl
    : k_policy plain_str opt_version          { ADD(fg_ast_policy(B, $2, $3, @$)); }
    | k_input LBRACE input_fields RBRACE
    | k_const NAME ASSIGN expr                { ADD(fg_ast_valdecl(B, FG_D_CONST, $2, @2, $4, @$)); }
    | k_let NAME ASSIGN expr                  { ADD(fg_ast_valdecl(B, FG_D_LET, $2, @2, $4, @$)); }
    | k_fn NAME LPAREN params RPAREN ARROW type ASSIGN expr
                                              { ADD(fg_ast_fn(B, $2, @2, &$4, $7, @7, $9, @$)); }
    | k_table NAME LPAREN params RPAREN ARROW type hit LBRACE rows RBRACE
                                              { ADD(fg_ast_table(B, $2, @2, &$4, $7, @7, $8, &$10, @$)); }
    | k_rule NAME COLON expr opt_message      { ADD(fg_ast_rule(B, $2, @2, $4, $5, @$)); }
    | k_decide NAME LBRACE arms otherwise_arm RBRACE
                                              { ADD(fg_ast_decide(B, $2, @2, &$4, $5, @$)); }
    | k_output NAME                           { ADD(fg_ast_valdecl(B, FG_D_OUTPUT, $2, @2, NULL, @$)); }
    | k_output NAME ASSIGN expr               { ADD(fg_ast_valdecl(B, FG_D_OUTPUT, $2, @2, $4, @$)); }
    | k_report opt_name opt_by LBRACE report_items RBRACE
                                              { ADD(fg_ast_report(B, $2, @2, &$3, &$5, @$)); }
    | k_fixture NAME ASSIGN LBRACE field_inits RBRACE
                                              { ADD(fg_ast_fixture(B, $2, @2, &$5, @$)); }
    | k_test plain_str LBRACE KW_GIVEN NAME opt_with expects RBRACE
                                              { ADD(fg_ast_test(B, $2, $5, @5, &$6, &$7, @$)); }
    | k_import string                         { ADD(fg_ast_import(B, fg_ast_str_plain(B, $2, "an import path"), @2, @$)); }
    ;

opt_version
    : %empty                                  { $$ = NULL; }
    | KW_VERSION plain_str                    { $$ = $2; }
    ;

plain_str
    : string                                  { MK($$, fg_ast_str_plain(B, $1, "this string")); }
    ;

/* ---- input ---- */

input_fields
    : %empty
    | input_fields NAME COLON type attrs      { ADD(fg_ast_input(B, $2, @2, $4, @4, $5, fg_span_join(@2, @5))); }
    ;

attrs
    : %empty                                  { $$ = (fg_input_attrs){false, NULL}; }
    | attrs KW_KEY                            { $$ = fg_ast_attr_key(B, $1, @2); }
    | attrs KW_FROM plain_str                 { $$ = fg_ast_attr_from(B, $1, $3, @3); }
    ;

type
    : NAME                                    { $$ = fg_ast_type(B, $1, false, @$); }
    | NAME QUESTION                           { $$ = fg_ast_type(B, $1, true, @$); }
    ;

/* ---- fn and table ---- */

params
    : %empty                                  { $$ = EMPTY; }
    | param_list
    ;

param_list
    : param                                   { $$ = EMPTY; PUSH($$, $1); }
    | param_list COMMA param                  { $$ = $1; PUSH($$, $3); }
    ;

param
    : NAME COLON type                         { MK($$, fg_ast_param(B, $1, @1, $3, @3)); }
    ;

hit
    : %empty                                  { $$ = FG_HIT_FIRST; }
    | KW_FIRST                                { $$ = FG_HIT_FIRST; }
    | KW_UNIQUE                               { $$ = FG_HIT_UNIQUE; }
    ;

rows
    : %empty                                  { $$ = EMPTY; }
    | rows row                                { $$ = $1; PUSH($$, $2); }
    ;

row
    : BAR cells FATARROW expr                 { MK($$, fg_ast_table_row(B, &$2, $4, @$)); }
    ;

cells
    : cell                                    { $$ = EMPTY; PUSH($$, $1); }
    | cells COMMA cell                        { $$ = $1; PUSH($$, $3); }
    ;

cell
    : UNDERSCORE                              { MK($$, fg_ast_cell(B, FG_CELL_ANY, NULL, NULL, NULL, @$)); }
    | cell_value                              { MK($$, fg_ast_cell(B, FG_CELL_EQ, $1, NULL, NULL, @$)); }
    | LT cell_value                           { MK($$, fg_ast_cell(B, FG_CELL_LT, $2, NULL, NULL, @$)); }
    | LE cell_value                           { MK($$, fg_ast_cell(B, FG_CELL_LE, $2, NULL, NULL, @$)); }
    | GT cell_value                           { MK($$, fg_ast_cell(B, FG_CELL_GT, $2, NULL, NULL, @$)); }
    | GE cell_value                           { MK($$, fg_ast_cell(B, FG_CELL_GE, $2, NULL, NULL, @$)); }
    | cell_value DOTDOT cell_value            { MK($$, fg_ast_cell(B, FG_CELL_RANGE, $1, $3, NULL, @$)); }
    | LBRACKET cell_list RBRACKET             { MK($$, fg_ast_cell(B, FG_CELL_IN, NULL, NULL, &$2, @$)); }
    ;

cell_list
    : cell_value                              { $$ = EMPTY; PUSH($$, $1); }
    | cell_list COMMA cell_value              { $$ = $1; PUSH($$, $3); }
    ;

cell_value
    : literal
    | MINUS INT                               { MK($$, fg_ast_negate_literal(B, fg_ast_int(B, $2, @2), @$)); }
    | MINUS NUM                               { MK($$, fg_ast_negate_literal(B, fg_ast_num(B, $2, @2), @$)); }
    | NAME                                    { MK($$, fg_ast_name(B, $1, @1)); }
    ;

literal
    : INT                                     { MK($$, fg_ast_int(B, $1, @1)); }
    | NUM                                     { MK($$, fg_ast_num(B, $1, @1)); }
    | KW_TRUE                                 { MK($$, fg_ast_bool(B, true, @1)); }
    | KW_FALSE                                { MK($$, fg_ast_bool(B, false, @1)); }
    | lit_str
    ;

lit_str
    : string                                  { $$ = fg_ast_str_literal(B, $1, "a literal string"); }
    ;

/* ---- rule, decide ---- */

opt_message
    : %empty                                  { $$ = NULL; }
    | KW_ELSE string                          { $$ = $2; }
    ;

arms
    : %empty                                  { $$ = EMPTY; }
    | arms arm                                { $$ = $1; PUSH($$, $2); }
    ;

arm
    : KW_WHEN expr FATARROW expr              { MK($$, fg_ast_arm(B, $2, $4, @$)); }
    ;

otherwise_arm
    : KW_OTHERWISE FATARROW expr              { MK($$, fg_ast_arm(B, NULL, $3, @$)); }
    ;

/* ---- report ---- */

opt_name
    : %empty                                  { $$ = NULL; }
    | NAME
    ;

opt_by
    : %empty                                  { $$ = EMPTY; }
    | KW_BY by_list                           { $$ = $2; }
    ;

by_list
    : NAME                                    { $$ = EMPTY; PUSH($$, fg_ast_name(B, $1, @1)); }
    | by_list COMMA NAME                      { $$ = $1; PUSH($$, fg_ast_name(B, $3, @3)); }
    ;

report_items
    : %empty                                  { $$ = EMPTY; }
    | report_items report_item                { $$ = $1; PUSH($$, $2); }
    ;

report_item
    : NAME ASSIGN agg                         { MK($$, fg_ast_report_item(B, $1, @1, $3)); }
    ;

agg
    : NAME LPAREN args RPAREN                 { MK($$, fg_ast_call(B, $1, @1, &$3, @$)); }
    ;

/* ---- fixture, test ---- */

field_inits
    : %empty                                  { $$ = EMPTY; }
    | field_list
    | field_list COMMA
    ;

field_list
    : field_init                              { $$ = EMPTY; PUSH($$, $1); }
    | field_list COMMA field_init             { $$ = $1; PUSH($$, $3); }
    ;

field_init
    : NAME COLON fixture_value                { MK($$, fg_ast_field(B, $1, @1, $3)); }
    | NAME COLON KW_MISSING                   { MK($$, fg_ast_field(B, $1, @1, NULL)); }
    ;

fixture_value
    : literal
    | MINUS INT                               { MK($$, fg_ast_negate_literal(B, fg_ast_int(B, $2, @2), @$)); }
    | MINUS NUM                               { MK($$, fg_ast_negate_literal(B, fg_ast_num(B, $2, @2), @$)); }
    ;

opt_with
    : %empty                                  { $$ = EMPTY; }
    | KW_WITH LBRACE field_inits RBRACE       { $$ = $3; }
    ;

expects
    : %empty                                  { $$ = EMPTY; }
    | expects KW_EXPECT expr                  { $$ = $1; PUSH($$, $3); }
    ;

/* ---- expressions, loosest first ---- */

expr
    : if_expr
    | or_expr
    ;

if_expr
    : KW_IF expr KW_THEN expr KW_ELSE expr    { MK($$, fg_ast_if(B, $2, $4, $6, @$)); }
    ;

or_expr
    : or_expr KW_OR and_expr                  { MK($$, fg_ast_binary(B, FG_OP_OR, $1, @2, $3)); }
    | and_expr
    ;

and_expr
    : and_expr KW_AND not_expr                { MK($$, fg_ast_binary(B, FG_OP_AND, $1, @2, $3)); }
    | not_expr
    ;

not_expr
    : KW_NOT not_expr                         { MK($$, fg_ast_unary(B, FG_OP_NOT, $2, @$)); }
    | cmp_expr
    ;

/* Non-associative: both sides are one level tighter. */
cmp_expr
    : coal_expr cmp_op coal_expr              { MK($$, fg_ast_binary(B, $2, $1, @2, $3)); }
    | coal_expr KW_IN LBRACKET expr_list RBRACKET
                                              { MK($$, fg_ast_in(B, $1, &$4, @$)); }
    | coal_expr KW_BETWEEN coal_expr KW_AND coal_expr
                                              { MK($$, fg_ast_between(B, $1, $3, $5, @$)); }
    | coal_expr KW_IS KW_MISSING              { MK($$, fg_ast_is(B, $1, false, @$)); }
    | coal_expr KW_IS KW_PRESENT              { MK($$, fg_ast_is(B, $1, true, @$)); }
    | coal_expr
    ;

cmp_op
    : EQEQ                                    { $$ = FG_OP_EQ; }
    | NE                                      { $$ = FG_OP_NE; }
    | LT                                      { $$ = FG_OP_LT; }
    | LE                                      { $$ = FG_OP_LE; }
    | GT                                      { $$ = FG_OP_GT; }
    | GE                                      { $$ = FG_OP_GE; }
    ;

coal_expr
    : add_expr COALESCE coal_expr             { MK($$, fg_ast_binary(B, FG_OP_COALESCE, $1, @2, $3)); }
    | add_expr
    ;

add_expr
    : add_expr PLUS mul_expr                  { MK($$, fg_ast_binary(B, FG_OP_ADD, $1, @2, $3)); }
    | add_expr MINUS mul_expr                 { MK($$, fg_ast_binary(B, FG_OP_SUB, $1, @2, $3)); }
    | mul_expr
    ;

mul_expr
    : mul_expr STAR unary_expr                { MK($$, fg_ast_binary(B, FG_OP_MUL, $1, @2, $3)); }
    | mul_expr SLASH unary_expr               { MK($$, fg_ast_binary(B, FG_OP_DIV, $1, @2, $3)); }
    | unary_expr
    ;

unary_expr
    : MINUS unary_expr                        { MK($$, fg_ast_unary(B, FG_OP_NEG, $2, @$)); }
    | primary
    ;

primary
    : INT                                     { MK($$, fg_ast_int(B, $1, @1)); }
    | NUM                                     { MK($$, fg_ast_num(B, $1, @1)); }
    | KW_TRUE                                 { MK($$, fg_ast_bool(B, true, @1)); }
    | KW_FALSE                                { MK($$, fg_ast_bool(B, false, @1)); }
    | string
    | NAME                                    { MK($$, fg_ast_name(B, $1, @1)); }
    | NAME LPAREN args RPAREN                 { MK($$, fg_ast_call(B, $1, @1, &$3, @$)); }
    | LPAREN expr RPAREN                      { MK($$, fg_ast_paren(B, $2, @$)); }
    ;

args
    : %empty                                  { $$ = EMPTY; }
    | expr_list
    ;

expr_list
    : expr                                    { $$ = EMPTY; PUSH($$, $1); }
    | expr_list COMMA expr                    { $$ = $1; PUSH($$, $3); }
    ;

string
    : STR_BEGIN str_parts STR_END             { MK($$, fg_ast_str_done(B, $2, @$)); }
    ;

str_parts
    : %empty                                  { MK($$, fg_ast_str_new(B, @$)); }
    | str_parts STR_TEXT                      { MK($$, fg_ast_str_text(B, $1, $2, @2)); }
    | str_parts INTERP_BEGIN expr INTERP_END  { MK($$, fg_ast_str_interp(B, $1, $3, @3)); }
    ;

%%

/* ---------------- syntax error messages in words ---------------- */

enum { EXP_EXPR = 1, EXP_OP = 2, EXP_DECL = 4, EXP_NAME = 8, EXP_CELL = 16 };

static bool sym_starts_cell(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_UNDERSCORE: case YYSYMBOL_LT: case YYSYMBOL_LE: case YYSYMBOL_GT:
    case YYSYMBOL_GE: case YYSYMBOL_LBRACKET: case YYSYMBOL_MINUS: case YYSYMBOL_INT:
    case YYSYMBOL_NUM: case YYSYMBOL_STR_BEGIN: case YYSYMBOL_KW_TRUE: case YYSYMBOL_KW_FALSE:
    case YYSYMBOL_NAME:
        return true;
    default:
        return false;
    }
}

static bool sym_is_comparison(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_EQEQ: case YYSYMBOL_NE: case YYSYMBOL_LT: case YYSYMBOL_LE: case YYSYMBOL_GT:
    case YYSYMBOL_GE: case YYSYMBOL_KW_IN: case YYSYMBOL_KW_BETWEEN: case YYSYMBOL_KW_IS:
        return true;
    default:
        return false;
    }
}

static bool sym_starts_expr(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_INT: case YYSYMBOL_NUM: case YYSYMBOL_NAME: case YYSYMBOL_STR_BEGIN:
    case YYSYMBOL_LPAREN: case YYSYMBOL_KW_TRUE: case YYSYMBOL_KW_FALSE: case YYSYMBOL_KW_IF:
    case YYSYMBOL_KW_NOT:
        return true;
    default:
        return false;
    }
}

static bool sym_is_operator(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_PLUS: case YYSYMBOL_MINUS: case YYSYMBOL_STAR: case YYSYMBOL_SLASH:
    case YYSYMBOL_EQEQ: case YYSYMBOL_NE: case YYSYMBOL_LT: case YYSYMBOL_LE: case YYSYMBOL_GT:
    case YYSYMBOL_GE: case YYSYMBOL_KW_AND: case YYSYMBOL_KW_OR: case YYSYMBOL_COALESCE:
    case YYSYMBOL_KW_IN: case YYSYMBOL_KW_BETWEEN: case YYSYMBOL_KW_IS:
        return true;
    default:
        return false;
    }
}

static bool sym_starts_decl(yysymbol_kind_t k)
{
    switch (k) {
    case YYSYMBOL_YYEOF: case YYSYMBOL_KW_POLICY: case YYSYMBOL_KW_INPUT: case YYSYMBOL_KW_CONST:
    case YYSYMBOL_KW_LET: case YYSYMBOL_KW_FN: case YYSYMBOL_KW_TABLE: case YYSYMBOL_KW_RULE:
    case YYSYMBOL_KW_DECIDE: case YYSYMBOL_KW_OUTPUT: case YYSYMBOL_KW_REPORT:
    case YYSYMBOL_KW_FIXTURE: case YYSYMBOL_KW_TEST: case YYSYMBOL_KW_IMPORT:
        return true;
    default:
        return false;
    }
}

static bool sym_is_keyword(yysymbol_kind_t k)
{
    return k >= YYSYMBOL_KW_POLICY && k <= YYSYMBOL_KW_FALSE;
}

/* Describes the unexpected token, with its text where that helps. */
static void describe_token(const fg_parser *p, yysymbol_kind_t k, const fg_span *loc,
                           fg_strbuf *sb)
{
    switch (k) {
    case YYSYMBOL_YYEOF:
        fg_strbuf_adds(sb, "end of file");
        return;
    case YYSYMBOL_STR_BEGIN:
        fg_strbuf_adds(sb, "string");
        return;
    case YYSYMBOL_STR_END:
        fg_strbuf_adds(sb, "end of string");
        return;
    case YYSYMBOL_STR_TEXT:
        fg_strbuf_adds(sb, "string text");
        return;
    case YYSYMBOL_INTERP_BEGIN:
        fg_strbuf_adds(sb, "`{` in a string");
        return;
    case YYSYMBOL_INTERP_END:
        fg_strbuf_adds(sb, "`}` closing an interpolation");
        return;
    default:
        break;
    }
    if (loc->end > loc->start && loc->end <= p->len && loc->end - loc->start <= 40) {
        const char *what = k == YYSYMBOL_NAME ? "name " : (k == YYSYMBOL_INT || k == YYSYMBOL_NUM)
                                                             ? "number "
                                                             : "";
        fg_strbuf_printf(sb, "%s`%.*s`", what, (int)(loc->end - loc->start), p->text + loc->start);
        return;
    }
    fg_strbuf_adds(sb, yysymbol_name(k));
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, fg_parser *P)
{
    (void)scanner;
    enum { MAXTOK = YYNTOKENS };
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, expected, MAXTOK);
    yysymbol_kind_t got = yypcontext_token(ctx);
    const fg_span *loc = yypcontext_location(ctx);
    unsigned groups = 0;
    bool has_eqeq = false, has_coalesce = false;
    for (int i = 0; i < n; i++) {
        if (expected[i] == YYSYMBOL_UNDERSCORE)
            groups |= EXP_CELL;
        if (expected[i] == YYSYMBOL_COALESCE)
            has_coalesce = true;
        if (expected[i] == YYSYMBOL_INT)
            groups |= EXP_EXPR;
        if (expected[i] == YYSYMBOL_NAME)
            groups |= EXP_NAME;
        if (expected[i] == YYSYMBOL_PLUS)
            groups |= EXP_OP;
        if (expected[i] == YYSYMBOL_KW_CONST)
            groups |= EXP_DECL;
        if (expected[i] == YYSYMBOL_EQEQ)
            has_eqeq = true;
    }
    if (groups & EXP_EXPR)
        groups &= ~(unsigned)EXP_NAME;
    if (groups & EXP_CELL) /* cells start with literals and names too */
        groups &= ~(unsigned)(EXP_NAME | EXP_EXPR);

    /* A few mistakes deserve their own words. */
    if (sym_is_keyword(got) && (groups & EXP_NAME)) {
        fg_diag_add(P->b.diags, FG_SEV_ERROR, *loc, "a column with this name is read with `from`",
                    "`%.*s` is a reserved word and cannot be used as a name",
                    (int)(loc->end - loc->start), P->text + loc->start);
        return 0;
    }
    if (sym_is_comparison(got) && has_coalesce && !has_eqeq) {
        fg_diag_add(P->b.diags, FG_SEV_ERROR, *loc, "write `a < b and b < c`, or use parentheses",
                    "comparisons do not chain");
        return 0;
    }
    if (got == YYSYMBOL_KW_IF && (groups & EXP_EXPR)) {
        fg_diag_add(P->b.diags, FG_SEV_ERROR, *loc,
                    "write `(if c then a else b)` as an operand of an operator",
                    "`if` must be in parentheses here");
        return 0;
    }

    fg_strbuf sb;
    fg_strbuf_init(&sb, P->b.ar->alloc);
    fg_strbuf_adds(&sb, "unexpected ");
    describe_token(P, got, loc, &sb);

    /* Expected tokens, grouped: "an expression", "an operator", "a
     * declaration", "a name", then single tokens. */
    const char *items[16];
    int ni = 0;
    if (groups & EXP_CELL)
        items[ni++] = "a table cell";
    if (groups & EXP_EXPR)
        items[ni++] = "an expression";
    if (groups & EXP_NAME)
        items[ni++] = "a name";
    if (groups & EXP_OP)
        items[ni++] = "an operator";
    for (int i = 0; i < n && ni < 16; i++) {
        yysymbol_kind_t k = expected[i];
        if ((groups & EXP_EXPR) && sym_starts_expr(k))
            continue;
        if ((groups & EXP_EXPR) && k == YYSYMBOL_MINUS)
            continue;
        if ((groups & EXP_NAME) && k == YYSYMBOL_NAME)
            continue;
        if ((groups & EXP_CELL) && sym_starts_cell(k))
            continue;
        if ((groups & EXP_OP) && k == YYSYMBOL_LPAREN)
            continue; /* a call's `(` after a name */
        if ((groups & EXP_OP) && sym_is_operator(k))
            continue;
        if ((groups & EXP_DECL) && sym_starts_decl(k))
            continue;
        items[ni++] = yysymbol_name(k);
    }
    if (groups & EXP_DECL && ni < 16)
        items[ni++] = "a declaration";
    if (ni > 0 && ni <= 6) {
        fg_strbuf_adds(&sb, ", expected ");
        for (int i = 0; i < ni; i++) {
            if (i > 0)
                fg_strbuf_adds(&sb, i == ni - 1 ? " or " : ", ");
            fg_strbuf_adds(&sb, items[i]);
        }
    }
    const char *hint = NULL;
    if (got == YYSYMBOL_ASSIGN && has_eqeq)
        hint = "use `==` to compare";
    if (sb.failed)
        fg_diag_add(P->b.diags, FG_SEV_ERROR, *loc, hint, "syntax error");
    else
        fg_diag_add(P->b.diags, FG_SEV_ERROR, *loc, hint, "%s", sb.data);
    fg_strbuf_free(&sb);
    return 0;
}

/* Only called for "memory exhausted" (syntax errors go through the custom
 * report above). Bison's stack lives in the C heap and stops at YYMAXDEPTH
 * (10000) entries, which only nesting reaches (declarations are flat
 * lists): report that as nesting, like the builders' FG_MAX_NESTING check.
 * A failed arena is out of memory; fg_parse_file reports that itself. */
static void yyerror(const fg_span *loc, yyscan_t scanner, struct fg_parser *P, const char *msg)
{
    (void)scanner;
    (void)msg;
    if (P->b.ar->failed)
        return;
    fg_span at = *loc;
    if (at.end > at.start + 1)
        at.end = at.start + 1;
    fg_diag_add(P->b.diags, FG_SEV_ERROR, at, "split it with `let` declarations",
                "expression nested too deeply (limit %d)", FG_MAX_NESTING);
    P->too_deep = true;
}
