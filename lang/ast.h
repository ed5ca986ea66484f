/* ast.h — the syntax tree built by the parser (grammar/parser.y) and
 * annotated in place by the checker (lang/check.c).
 *
 * Every node lives in the compile arena and carries the byte span of its
 * source text. Lists are fg_ptrvec of node pointers. Names are
 * NUL-terminated copies in the arena. The parser fills the "syntax" fields;
 * fields under "checker annotations" start zeroed and belong to the checker. */
#ifndef FG_AST_H
#define FG_AST_H

#include "source.h"
#include "types.h"

struct fg_decl;

/* ---------------- expressions ---------------- */

typedef enum fg_expr_kind {
    FG_E_INT,     /* integer literal: ival */
    FG_E_NUM,     /* num literal (incl. `1.5`, `1e6`, `30%`): nval */
    FG_E_BOOL,    /* true / false: bval */
    FG_E_STR,     /* string literal, with interpolation parts */
    FG_E_NAME,    /* identifier reference */
    FG_E_CALL,    /* name(args...) */
    FG_E_UNARY,   /* -x, not x */
    FG_E_BINARY,  /* lhs op rhs */
    FG_E_IF,      /* if cond then a else b */
    FG_E_IS,      /* x is missing / x is present */
    FG_E_IN,      /* x in [items] */
    FG_E_BETWEEN, /* x between lo and hi */
} fg_expr_kind;

typedef enum fg_unop { FG_OP_NEG, FG_OP_NOT } fg_unop;

typedef enum fg_binop {
    FG_OP_ADD,
    FG_OP_SUB,
    FG_OP_MUL,
    FG_OP_DIV,
    FG_OP_EQ,
    FG_OP_NE,
    FG_OP_LT,
    FG_OP_LE,
    FG_OP_GT,
    FG_OP_GE,
    FG_OP_AND,
    FG_OP_OR,
    FG_OP_COALESCE /* ?? */
} fg_binop;

/* One piece of a string literal: literal text (escapes already decoded) or
 * an interpolated expression `{expr}`. */
typedef struct fg_strpart {
    bool is_expr;
    fg_str text; /* when !is_expr; bytes live in the arena */
    struct fg_expr *expr;
    fg_span span;
} fg_strpart;

typedef struct fg_expr {
    fg_expr_kind kind;
    fg_span span;       /* the whole expression */
    bool parenthesized; /* written inside ( ) — kept for `forgec fmt` */
    uint32_t depth;     /* nesting: 1 for a leaf, 1 + deepest operand (fg_ast_nest) */
    union {
        int64_t ival;
        double nval;
        bool bval;
        struct {
            fg_ptrvec parts; /* fg_strpart*; empty for "" */
        } str;
        struct {
            const char *name;
        } name;
        struct {
            const char *name;
            fg_span name_span;
            fg_ptrvec args; /* fg_expr* */
        } call;
        struct {
            fg_unop op;
            struct fg_expr *operand;
        } unary;
        struct {
            fg_binop op;
            fg_span op_span; /* the operator token: where row errors point */
            struct fg_expr *lhs, *rhs;
        } binary;
        struct {
            struct fg_expr *cond, *then_e, *else_e;
        } if_;
        struct {
            struct fg_expr *operand;
            bool present; /* `is present` (true) or `is missing` (false) */
        } is;
        struct {
            struct fg_expr *operand;
            fg_ptrvec items; /* fg_expr* */
        } in;
        struct {
            struct fg_expr *operand, *lo, *hi;
        } between;
    };

    /* ---- checker annotations ---- */
    fg_type type;         /* static type after checking */
    struct fg_decl *decl; /* NAME/CALL: the declaration referred to, if any */
    int32_t param_index;  /* NAME: parameter of the enclosing fn/table, or -1 */
    int32_t builtin;      /* CALL: fg_builtin id, or -1 */
    bool widen;           /* an int that the context uses as num */
} fg_expr;

/* ---------------- declarations ---------------- */

typedef enum fg_decl_kind {
    FG_D_POLICY, /* policy "name" version "v" */
    FG_D_INPUT,  /* one field of an input { } block */
    FG_D_CONST,
    FG_D_LET,
    FG_D_FN,
    FG_D_TABLE,
    FG_D_RULE,
    FG_D_DECIDE,
    FG_D_OUTPUT,
    FG_D_REPORT,
    FG_D_FIXTURE,
    FG_D_TEST,
    FG_D_IMPORT
} fg_decl_kind;

typedef struct fg_param {
    const char *name;
    fg_span span;
    fg_type type;
    fg_span type_span;
} fg_param;

typedef enum fg_cell_kind {
    FG_CELL_ANY,   /* _ */
    FG_CELL_EQ,    /* v */
    FG_CELL_LT,    /* < v */
    FG_CELL_LE,    /* <= v */
    FG_CELL_GT,    /* > v */
    FG_CELL_GE,    /* >= v */
    FG_CELL_RANGE, /* lo..hi (inclusive) */
    FG_CELL_IN     /* [a, b, ...] */
} fg_cell_kind;

/* Cell operands are literals (possibly negated: -5, -2.5%) or const names,
 * as fg_expr nodes of kind INT/NUM/STR/BOOL/NAME/UNARY(NEG). */
typedef struct fg_cell {
    fg_cell_kind kind;
    fg_span span;
    fg_expr *a, *b;  /* EQ/LT/LE/GT/GE: a; RANGE: a..b */
    fg_ptrvec items; /* IN: fg_expr* */
} fg_cell;

typedef struct fg_table_row {
    fg_span span;    /* from `|` to the end of the result expression */
    fg_ptrvec cells; /* fg_cell* */
    fg_expr *result;
} fg_table_row;

typedef enum fg_hit_policy { FG_HIT_FIRST, FG_HIT_UNIQUE } fg_hit_policy;

typedef struct fg_decide_arm {
    fg_span span;
    fg_expr *cond; /* NULL for `otherwise` */
    fg_expr *value;
} fg_decide_arm;

/* label = count() / count(cond) / sum(x) / avg(x) / min(x) / max(x) / share(cond) */
typedef struct fg_report_item {
    const char *label;
    fg_span label_span;
    fg_expr *agg; /* an FG_E_CALL node */
} fg_report_item;

/* field: literal   (in fixtures and `with { }`); `field: missing` sets it missing */
typedef struct fg_field_init {
    const char *name;
    fg_span name_span;
    fg_expr *value; /* literal expression; NULL when written `missing` */
} fg_field_init;

typedef struct fg_decl {
    fg_decl_kind kind;
    fg_span span;      /* the whole declaration */
    const char *name;  /* NULL for policy, import, an unnamed report, test */
    fg_span name_span; /* where the name is written */
    uint32_t order;    /* declaration order across all files */
    union {
        struct {
            const char *name, *version; /* either may be NULL */
        } policy;
        struct {
            fg_type type;
            fg_span type_span;
            bool key;
            const char *header; /* `from "..."`, or NULL: the CSV header is the name */
        } input;
        struct {
            fg_expr *value;
        } const_, let;
        struct {
            fg_ptrvec params; /* fg_param* */
            fg_type result;
            fg_span result_span;
            fg_expr *body;
        } fn;
        struct {
            fg_ptrvec params; /* fg_param* */
            fg_type result;
            fg_span result_span;
            fg_hit_policy hit;
            fg_ptrvec rows; /* fg_table_row* */
        } table;
        struct {
            fg_expr *cond;
            fg_expr *message; /* FG_E_STR, or NULL for the default message */
        } rule;
        struct {
            fg_ptrvec arms; /* fg_decide_arm*; the last has cond == NULL */
        } decide;
        struct {
            fg_expr *value; /* NULL for `output x` */
        } output;
        struct {
            fg_ptrvec by;    /* fg_expr* of kind NAME */
            fg_ptrvec items; /* fg_report_item* */
        } report;
        struct {
            fg_ptrvec fields; /* fg_field_init* */
        } fixture;
        struct {
            const char *title;
            const char *fixture; /* name after `given` */
            fg_span fixture_span;
            fg_ptrvec with;    /* fg_field_init* */
            fg_ptrvec expects; /* fg_expr* */
        } test;
        struct {
            const char *path;
            fg_span path_span;
        } import;
    };

    /* ---- checker annotations ---- */
    fg_type type;  /* value type of const/let/rule/decide/output/input */
    uint32_t file; /* file the declaration comes from */
    int32_t index; /* index in the IR (input, slot, fn or table), or -1 */
    uint8_t visit; /* cycle detection state */
    bool checked;
} fg_decl;

/* One parsed file. */
typedef struct fg_ast {
    uint32_t file;
    fg_ptrvec decls; /* fg_decl*, in source order */
} fg_ast;

/* ---- builder helpers used by the parser's actions (lang/ast.c) ---- */
fg_expr *fg_ast_expr(fg_arena *ar, fg_expr_kind kind, fg_span span);
fg_decl *fg_ast_decl(fg_arena *ar, fg_decl_kind kind, fg_span span);
fg_span fg_span_join(fg_span a, fg_span b);

/* What the builders below need: where nodes go and where errors go. Every
 * builder returns NULL (or false) only when the arena is out of memory; a
 * builder that reports a syntax-level error still returns a usable node.
 * order: the next declaration number (fg_ast_add_decl increments it). */
/* The deepest expression nesting accepted. Later stages (checker, lowering,
 * interpreter, JIT) recurse over expressions, so a bound here keeps their
 * stack use bounded: deeper text is a compile error, never a stack overflow. */
#define FG_MAX_NESTING 1000

typedef struct fg_ast_builder {
    fg_arena *ar;
    fg_diags *diags;
    uint32_t file;
    uint32_t order;
} fg_ast_builder;

/* `key` / `from "..."` after an input field's type, in either order. */
typedef struct fg_input_attrs {
    bool key;
    const char *header;
} fg_input_attrs;

bool fg_ast_push(fg_ast_builder *b, fg_ptrvec *v, void *item);
/* Appends decl to ast with decl->file and decl->order set. */
bool fg_ast_add_decl(fg_ast_builder *b, fg_ast *ast, fg_decl *decl);

fg_expr *fg_ast_int(fg_ast_builder *b, int64_t v, fg_span span);
fg_expr *fg_ast_num(fg_ast_builder *b, double v, fg_span span);
fg_expr *fg_ast_bool(fg_ast_builder *b, bool v, fg_span span);
fg_expr *fg_ast_name(fg_ast_builder *b, const char *name, fg_span span);
fg_expr *fg_ast_call(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *args,
                     fg_span span);
fg_expr *fg_ast_unary(fg_ast_builder *b, fg_unop op, fg_expr *operand, fg_span span);
/* -literal folded into the literal (cells, fixtures). */
fg_expr *fg_ast_negate_literal(fg_ast_builder *b, fg_expr *lit, fg_span span);
fg_expr *fg_ast_binary(fg_ast_builder *b, fg_binop op, fg_expr *lhs, fg_span op_span, fg_expr *rhs);
fg_expr *fg_ast_if(fg_ast_builder *b, fg_expr *c, fg_expr *t, fg_expr *e, fg_span span);
fg_expr *fg_ast_is(fg_ast_builder *b, fg_expr *x, bool present, fg_span span);
fg_expr *fg_ast_in(fg_ast_builder *b, fg_expr *x, fg_ptrvec *items, fg_span span);
fg_expr *fg_ast_between(fg_ast_builder *b, fg_expr *x, fg_expr *lo, fg_expr *hi, fg_span span);
fg_expr *fg_ast_paren(fg_ast_builder *b, fg_expr *e, fg_span span);
/* String literals: start empty, add decoded text and `{expr}` parts. */
fg_expr *fg_ast_str_new(fg_ast_builder *b, fg_span span);
fg_expr *fg_ast_str_text(fg_ast_builder *b, fg_expr *s, fg_str text, fg_span span);
fg_expr *fg_ast_str_interp(fg_ast_builder *b, fg_expr *s, fg_expr *e, fg_span span);
fg_expr *fg_ast_str_done(fg_ast_builder *b, fg_expr *s, fg_span span);
/* A string that must not interpolate (`what` names the place for the error). */
fg_expr *fg_ast_str_literal(fg_ast_builder *b, fg_expr *s, const char *what);
const char *fg_ast_str_plain(fg_ast_builder *b, fg_expr *s, const char *what);

/* `int`, `num?`...: unknown names are reported and give FG_T_ERROR. */
fg_type fg_ast_type(fg_ast_builder *b, const char *name, bool opt, fg_span span);
fg_param *fg_ast_param(fg_ast_builder *b, const char *name, fg_span span, fg_type type,
                       fg_span type_span);
fg_input_attrs fg_ast_attr_key(fg_ast_builder *b, fg_input_attrs a, fg_span span);
fg_input_attrs fg_ast_attr_from(fg_ast_builder *b, fg_input_attrs a, const char *header,
                                fg_span span);
fg_cell *fg_ast_cell(fg_ast_builder *b, fg_cell_kind kind, fg_expr *a, fg_expr *bb,
                     fg_ptrvec *items, fg_span span);
fg_table_row *fg_ast_table_row(fg_ast_builder *b, fg_ptrvec *cells, fg_expr *result, fg_span span);
fg_decide_arm *fg_ast_arm(fg_ast_builder *b, fg_expr *cond, fg_expr *value, fg_span span);
fg_report_item *fg_ast_report_item(fg_ast_builder *b, const char *label, fg_span label_span,
                                   fg_expr *agg);
fg_field_init *fg_ast_field(fg_ast_builder *b, const char *name, fg_span name_span, fg_expr *value);

fg_decl *fg_ast_policy(fg_ast_builder *b, const char *name, const char *version, fg_span span);
fg_decl *fg_ast_input(fg_ast_builder *b, const char *name, fg_span name_span, fg_type type,
                      fg_span type_span, fg_input_attrs attrs, fg_span span);
/* const / let / output (value may be NULL for `output x`). */
fg_decl *fg_ast_valdecl(fg_ast_builder *b, fg_decl_kind kind, const char *name, fg_span name_span,
                        fg_expr *value, fg_span span);
fg_decl *fg_ast_fn(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *params,
                   fg_type result, fg_span result_span, fg_expr *body, fg_span span);
fg_decl *fg_ast_table(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *params,
                      fg_type result, fg_span result_span, fg_hit_policy hit, fg_ptrvec *rows,
                      fg_span span);
fg_decl *fg_ast_rule(fg_ast_builder *b, const char *name, fg_span name_span, fg_expr *cond,
                     fg_expr *message, fg_span span);
fg_decl *fg_ast_decide(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *arms,
                       fg_decide_arm *otherwise, fg_span span);
fg_decl *fg_ast_report(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *by,
                       fg_ptrvec *items, fg_span span);
fg_decl *fg_ast_fixture(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *fields,
                        fg_span span);
fg_decl *fg_ast_test(fg_ast_builder *b, const char *title, const char *fixture,
                     fg_span fixture_span, fg_ptrvec *with, fg_ptrvec *expects, fg_span span);
fg_decl *fg_ast_import(fg_ast_builder *b, const char *path, fg_span path_span, fg_span span);

#endif
