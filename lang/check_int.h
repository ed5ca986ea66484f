/* check_int.h — internal to the front end: the checker's working state,
 * shared by the stages between the AST and the IR (lang/check.c scope,
 * declarations and cycles; lang/check_expr.c expression types; lang/check_table.c
 * decision tables; lang/consteval.c constant folding; lang/lower.c IR).
 *
 * All declarations of all loaded files are in one list, decl->order being
 * the index in it. Per-declaration facts the AST has no field for live in a
 * parallel array of fg_chk_info. Everything is allocated in the compile arena. */
#ifndef FG_CHECK_INT_H
#define FG_CHECK_INT_H

#include "ast.h"
#include "ir.h"

/* What the expression being checked may see. */
typedef enum fg_chk_mode {
    FG_CHK_ROW,   /* let, rule, decide, output, report, expect: every global */
    FG_CHK_PURE,  /* fn and table bodies: params, consts, fns, tables, built-ins */
    FG_CHK_CONST, /* const: literals, consts, operators, if, built-ins */
} fg_chk_mode;

typedef struct fg_chk_info {
    fg_ptrvec deps;   /* fg_decl* row values (let/rule/decide/output) read */
    bool uses_failed; /* reads failed() or failed_count(): depends on every rule */
    uint8_t state;    /* 0 unchecked, 1 in progress, 2 done */
    bool cval_ok;     /* const: folded without error */
    fg_value cval;    /* const: the folded value (strings in the compile arena) */
} fg_chk_info;

typedef struct fg_chk_scope_ent {
    const char *name;
    fg_decl *decl;
} fg_chk_scope_ent;

typedef struct fg_chk {
    const fg_allocator *alloc;
    fg_arena *ar; /* compile arena: AST and checker data */
    const fg_sources *src;
    fg_diags *diags;
    fg_ptrvec decls; /* fg_decl*, decl->order == index */
    fg_chk_info *info;

    fg_chk_scope_ent *scope; /* open addressing over global names */
    uint32_t scope_cap;
    fg_chk_scope_ent *fixtures; /* fixture names, the same way */
    uint32_t fixtures_cap;

    /* the declaration being checked and what it may see */
    fg_decl *cur;
    fg_chk_mode mode;
    fg_ptrvec *params; /* fg_param* of the fn/table being checked, or NULL */
    fg_ptrvec stack;   /* decls in progress (NULL stands for failed()) */
    bool oom;
} fg_chk;

/* ---- check.c ---- */
/* Runs every static check over ch->decls; false when an error was reported. */
bool fg_chk_run(fg_chk *ch);
fg_decl *fg_chk_lookup(const fg_chk *ch, const char *name);
fg_decl *fg_chk_fixture(const fg_chk *ch, const char *name);
/* Makes sure d is checked; returns its value type, or FG_T_ERROR after a
 * reported cycle. ref is where it is referenced (for the cycle error). */
fg_type fg_chk_decl(fg_chk *ch, fg_decl *d, fg_span ref);
/* Runs a check of every rule on behalf of failed()/failed_count() at ref. */
void fg_chk_failed_dep(fg_chk *ch, fg_span ref, bool count);
const char *fg_chk_kind_name(fg_decl_kind k); /* "let", "input", ... */
void fg_chk_oom(fg_chk *ch);

/* ---- check_expr.c ---- */
/* Types e (and its children) in the current context; returns e->type. */
fg_type fg_chk_expr(fg_chk *ch, fg_expr *e);
/* Checks that e (already typed) can be used where `want` is expected:
 * null safety, int->num widening (sets e->widen); what names the place. */
bool fg_chk_assign(fg_chk *ch, fg_expr *e, fg_type want, const char *what);
/* Reports "`x` may be missing (T?)" when e is optional; false then. */
bool fg_chk_present(fg_chk *ch, fg_expr *e);
/* The source text of e, cut to a readable length, in the arena. */
const char *fg_chk_text(fg_chk *ch, fg_span sp);

/* ---- check_table.c ---- */
void fg_chk_table(fg_chk *ch, fg_decl *d);
/* Folds a table cell operand (literal, negated literal, const name). */
bool fg_chk_cell_value(fg_chk *ch, fg_expr *e, fg_value *out, fg_type *type);
/* A checked cell's comparison type and values (strings copied into out). */
bool fg_chk_cell_fold(fg_chk *ch, fg_cell *c, fg_type ptype, fg_type *cmp, fg_value **vals,
                      uint32_t *nvals, fg_arena *out);

/* ---- consteval.c ---- */
/* Folds const d (already typed); reports an error at the failing node. */
void fg_ceval_const(fg_chk *ch, fg_decl *d);

/* ---- lower.c ---- */
/* Lowers the checked declarations into a new program (sources not set). */
fg_program *fg_lower(fg_chk *ch);
/* Lowers one more checked expression (after fg_lower numbered the slots)
 * into arena ar: `forgec explain --where` (lang/extra_expr.c). */
fg_ir *fg_lower_expr(fg_chk *ch, fg_expr *e, fg_arena *ar);

#endif
