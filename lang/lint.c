/* lint.c — warnings about a policy that compiles but has dead parts.
 *
 * Use: every declaration reached from a root (an output, a report, a test
 * expect, a key input) through expression references (expr->decl, table
 * cells naming consts, `output x` aliases) is used; failed() and
 * failed_count() reach every rule. Rules are judged on the roots alone
 * (a rule no decide or output reads), then counted as roots themselves so
 * that what only a rule reads is not reported a second time.
 * Reachability: a decide arm after a literal `true` arm or repeating an
 * earlier condition's text; a table row whose every cell is a subset of the
 * same cell of an earlier row (cells folded with fg_chk_cell_fold, compared
 * as intervals). Only declarations of the main file are warned about. */
#include <stdio.h>
#include <string.h>

#include "lint.h"

typedef struct lint {
    fg_chk *ch;
    bool *used;      /* by decl->order */
    fg_ptrvec work;  /* decls marked but not walked yet */
    bool any_failed; /* failed()/failed_count() appears somewhere */
    bool oom;
} lint;

static void mark(lint *l, fg_decl *d)
{
    if (!d || l->used[d->order])
        return;
    l->used[d->order] = true;
    if (!fg_ptrvec_push(l->ch->ar, &l->work, d))
        l->oom = true;
}

static void mark_rules(lint *l)
{
    for (uint32_t i = 0; i < l->ch->decls.n; i++) {
        fg_decl *d = l->ch->decls.items[i];
        if (d->kind == FG_D_RULE)
            mark(l, d);
    }
}

static void walk_expr(lint *l, fg_expr *e)
{
    if (!e)
        return;
    if (e->decl && (e->kind == FG_E_NAME || e->kind == FG_E_CALL))
        mark(l, e->decl);
    switch (e->kind) {
    case FG_E_STR:
        for (uint32_t i = 0; i < e->str.parts.n; i++) {
            fg_strpart *p = e->str.parts.items[i];
            if (p->is_expr)
                walk_expr(l, p->expr);
        }
        break;
    case FG_E_CALL:
        if (!e->decl &&
            (strcmp(e->call.name, "failed") == 0 || strcmp(e->call.name, "failed_count") == 0))
            mark_rules(l);
        for (uint32_t i = 0; i < e->call.args.n; i++)
            walk_expr(l, e->call.args.items[i]);
        break;
    case FG_E_UNARY:
        walk_expr(l, e->unary.operand);
        break;
    case FG_E_BINARY:
        walk_expr(l, e->binary.lhs);
        walk_expr(l, e->binary.rhs);
        break;
    case FG_E_IF:
        walk_expr(l, e->if_.cond);
        walk_expr(l, e->if_.then_e);
        walk_expr(l, e->if_.else_e);
        break;
    case FG_E_IS:
        walk_expr(l, e->is.operand);
        break;
    case FG_E_IN:
        walk_expr(l, e->in.operand);
        for (uint32_t i = 0; i < e->in.items.n; i++)
            walk_expr(l, e->in.items.items[i]);
        break;
    case FG_E_BETWEEN:
        walk_expr(l, e->between.operand);
        walk_expr(l, e->between.lo);
        walk_expr(l, e->between.hi);
        break;
    default:
        break;
    }
}

/* Whether e (anywhere inside) calls failed() or failed_count(). */
static bool calls_failed(fg_expr *e);

static bool any_calls_failed(fg_ptrvec *v)
{
    for (uint32_t i = 0; i < v->n; i++)
        if (calls_failed(v->items[i]))
            return true;
    return false;
}

static bool calls_failed(fg_expr *e)
{
    if (!e)
        return false;
    switch (e->kind) {
    case FG_E_STR:
        for (uint32_t i = 0; i < e->str.parts.n; i++) {
            fg_strpart *p = e->str.parts.items[i];
            if (p->is_expr && calls_failed(p->expr))
                return true;
        }
        return false;
    case FG_E_CALL:
        if (!e->decl &&
            (strcmp(e->call.name, "failed") == 0 || strcmp(e->call.name, "failed_count") == 0))
            return true;
        return any_calls_failed(&e->call.args);
    case FG_E_UNARY:
        return calls_failed(e->unary.operand);
    case FG_E_BINARY:
        return calls_failed(e->binary.lhs) || calls_failed(e->binary.rhs);
    case FG_E_IF:
        return calls_failed(e->if_.cond) || calls_failed(e->if_.then_e) ||
               calls_failed(e->if_.else_e);
    case FG_E_IS:
        return calls_failed(e->is.operand);
    case FG_E_IN:
        return calls_failed(e->in.operand) || any_calls_failed(&e->in.items);
    case FG_E_BETWEEN:
        return calls_failed(e->between.operand) || calls_failed(e->between.lo) ||
               calls_failed(e->between.hi);
    default:
        return false;
    }
}

/* Calls f on every expression directly inside d. */
static void each_expr(lint *l, fg_decl *d, void (*f)(lint *, fg_expr *))
{
    switch (d->kind) {
    case FG_D_CONST:
        f(l, d->const_.value);
        break;
    case FG_D_LET:
        f(l, d->let.value);
        break;
    case FG_D_FN:
        f(l, d->fn.body);
        break;
    case FG_D_TABLE:
        for (uint32_t i = 0; i < d->table.rows.n; i++) {
            fg_table_row *r = d->table.rows.items[i];
            for (uint32_t k = 0; k < r->cells.n; k++) {
                fg_cell *c = r->cells.items[k];
                f(l, c->a);
                f(l, c->b);
                for (uint32_t j = 0; j < c->items.n; j++)
                    f(l, c->items.items[j]);
            }
            f(l, r->result);
        }
        break;
    case FG_D_RULE:
        f(l, d->rule.cond);
        f(l, d->rule.message);
        break;
    case FG_D_DECIDE:
        for (uint32_t i = 0; i < d->decide.arms.n; i++) {
            fg_decide_arm *a = d->decide.arms.items[i];
            f(l, a->cond);
            f(l, a->value);
        }
        break;
    case FG_D_OUTPUT:
        if (d->output.value)
            f(l, d->output.value);
        else if (d->name)
            mark(l, fg_chk_lookup(l->ch, d->name)); /* `output x` */
        break;
    case FG_D_REPORT:
        for (uint32_t i = 0; i < d->report.by.n; i++)
            f(l, d->report.by.items[i]);
        for (uint32_t i = 0; i < d->report.items.n; i++)
            f(l, ((fg_report_item *)d->report.items.items[i])->agg);
        break;
    case FG_D_TEST:
        for (uint32_t i = 0; i < d->test.expects.n; i++)
            f(l, d->test.expects.items[i]);
        break;
    default:
        break;
    }
}

static void note_failed(lint *l, fg_expr *e)
{
    if (calls_failed(e))
        l->any_failed = true;
}

static void drain(lint *l)
{
    while (l->work.n && !l->oom) {
        fg_decl *d = l->work.items[--l->work.n];
        each_expr(l, d, walk_expr);
    }
}

static bool is_root(const fg_decl *d)
{
    return d->kind == FG_D_OUTPUT || d->kind == FG_D_REPORT || d->kind == FG_D_TEST ||
           (d->kind == FG_D_INPUT && d->input.key);
}

static void check_unused(lint *l, uint32_t main_file)
{
    fg_chk *ch = l->ch;
    for (uint32_t i = 0; i < ch->decls.n; i++) {
        fg_decl *d = ch->decls.items[i];
        each_expr(l, d, note_failed);
        if (is_root(d))
            mark(l, d);
    }
    drain(l);
    /* rules judged on the real roots only */
    for (uint32_t i = 0; i < ch->decls.n && !l->any_failed; i++) {
        fg_decl *d = ch->decls.items[i];
        if (d->kind == FG_D_RULE && d->file == main_file && d->name && !l->used[d->order])
            fg_diag_add(ch->diags, FG_SEV_WARNING, d->name_span,
                        "use it in a decide or an output, or remove it",
                        "rule `%s` is not used by any decide or output (its message still "
                        "appears in failed())",
                        d->name);
    }
    mark_rules(l);
    drain(l);
    for (uint32_t i = 0; i < ch->decls.n; i++) {
        fg_decl *d = ch->decls.items[i];
        if (l->used[d->order] || d->file != main_file || !d->name)
            continue;
        switch (d->kind) {
        case FG_D_INPUT:
        case FG_D_CONST:
        case FG_D_LET:
        case FG_D_DECIDE:
            fg_diag_add(ch->diags, FG_SEV_WARNING, d->name_span, "remove it, or output it",
                        "`%s` is declared but never used", d->name);
            break;
        case FG_D_FN:
        case FG_D_TABLE:
            fg_diag_add(ch->diags, FG_SEV_WARNING, d->name_span, "remove it",
                        "`%s` is declared but never used", d->name);
            break;
        default:
            break;
        }
    }
}

/* ---------------- decide arms ---------------- */

static bool same_text(const fg_chk *ch, fg_span a, fg_span b)
{
    if (a.file != b.file || a.end - a.start != b.end - b.start || a.file >= ch->src->nfiles)
        return false;
    const char *t = ch->src->files[a.file]->text;
    return memcmp(t + a.start, t + b.start, a.end - a.start) == 0;
}

static void check_arms(fg_chk *ch, fg_decl *d)
{
    fg_ptrvec *arms = &d->decide.arms;
    for (uint32_t i = 1; i < arms->n; i++) {
        fg_decide_arm *a = arms->items[i];
        fg_decide_arm *earlier = NULL;
        for (uint32_t j = 0; j < i && !earlier; j++) {
            fg_decide_arm *b = arms->items[j];
            if (!b->cond)
                continue;
            if (b->cond->kind == FG_E_BOOL && b->cond->bval)
                earlier = b;
            else if (a->cond && same_text(ch, a->cond->span, b->cond->span))
                earlier = b;
        }
        if (!earlier)
            continue;
        fg_diag_add(ch->diags, FG_SEV_WARNING, a->span,
                    earlier->cond->kind == FG_E_BOOL
                        ? "remove it, or write the `true` arm as `otherwise`"
                        : "remove it, or change its condition",
                    "this arm is never taken: an earlier arm always matches first");
        fg_diag_add(ch->diags, FG_SEV_NOTE, earlier->span, NULL, "the earlier arm is here");
    }
}

/* ---------------- table rows ---------------- */

typedef struct ivl {
    bool lo_inf, hi_inf, lo_open, hi_open;
    fg_value lo, hi;
} ivl;

typedef struct cset {
    fg_type t; /* FG_T_INT, NUM, STR, BOOL */
    uint32_t n;
    ivl *v;
} cset;

static int cmp_vals(fg_value a, fg_value b, fg_type t)
{
    switch (t) {
    case FG_T_INT:
        return a.i < b.i ? -1 : a.i > b.i;
    case FG_T_NUM:
        return a.n < b.n ? -1 : a.n > b.n;
    case FG_T_BOOL:
        return (int)a.b - (int)b.b;
    default: {
        uint32_t m = a.s.len < b.s.len ? a.s.len : b.s.len;
        int c = m ? memcmp(a.s.ptr, b.s.ptr, m) : 0;
        if (c)
            return c;
        return a.s.len < b.s.len ? -1 : a.s.len > b.s.len;
    }
    }
}

/* Folds a cell into intervals; false when it cannot be folded. */
static bool fold(fg_chk *ch, fg_cell *c, fg_type ptype, cset *s)
{
    fg_value *vals;
    uint32_t n;
    if (!fg_chk_cell_fold(ch, c, ptype, &s->t, &vals, &n, ch->ar))
        return false;
    s->n = c->kind == FG_CELL_IN ? n : 1;
    s->v = fg_arena_zalloc(ch->ar, (s->n ? s->n : 1) * sizeof *s->v);
    if (!s->v)
        return false;
    ivl *x = s->v;
    switch (c->kind) {
    case FG_CELL_ANY:
        x->lo_inf = x->hi_inf = true;
        break;
    case FG_CELL_EQ:
        x->lo = x->hi = vals[0];
        break;
    case FG_CELL_LT:
    case FG_CELL_LE:
        x->lo_inf = true;
        x->hi = vals[0];
        x->hi_open = c->kind == FG_CELL_LT;
        break;
    case FG_CELL_GT:
    case FG_CELL_GE:
        x->hi_inf = true;
        x->lo = vals[0];
        x->lo_open = c->kind == FG_CELL_GT;
        break;
    case FG_CELL_RANGE:
        x->lo = vals[0];
        x->hi = vals[1];
        break;
    case FG_CELL_IN:
        for (uint32_t i = 0; i < n; i++)
            s->v[i].lo = s->v[i].hi = vals[i];
        break;
    }
    if (s->t == FG_T_INT) { /* integers: open ends become closed */
        for (uint32_t i = 0; i < s->n; i++) {
            ivl *y = &s->v[i];
            if (!y->lo_inf && y->lo_open && y->lo.i < INT64_MAX)
                y->lo.i++, y->lo_open = false;
            if (!y->hi_inf && y->hi_open && y->hi.i > INT64_MIN)
                y->hi.i--, y->hi_open = false;
        }
    }
    return true;
}

static void to_num(cset *s)
{
    if (s->t != FG_T_INT)
        return;
    for (uint32_t i = 0; i < s->n; i++) {
        s->v[i].lo.n = (double)s->v[i].lo.i;
        s->v[i].hi.n = (double)s->v[i].hi.i;
    }
    s->t = FG_T_NUM;
}

/* b is inside a (both of type t). */
static bool ivl_within(const ivl *b, const ivl *a, fg_type t)
{
    bool lo = a->lo_inf;
    if (!lo && !b->lo_inf) {
        int c = cmp_vals(a->lo, b->lo, t);
        lo = c < 0 || (c == 0 && (!a->lo_open || b->lo_open));
    }
    bool hi = a->hi_inf;
    if (!hi && !b->hi_inf) {
        int c = cmp_vals(a->hi, b->hi, t);
        hi = c > 0 || (c == 0 && (!a->hi_open || b->hi_open));
    }
    return lo && hi;
}

static bool set_within(cset *b, cset *a)
{
    if (a->t != b->t) {
        to_num(a);
        to_num(b);
    }
    for (uint32_t i = 0; i < b->n; i++) {
        bool in = false;
        for (uint32_t j = 0; j < a->n && !in; j++)
            in = ivl_within(&b->v[i], &a->v[j], a->t);
        if (!in)
            return false;
    }
    return true;
}

/* Row-against-row comparison is quadratic: larger tables are not checked
 * (docs/limits.md), so a 100,000-row table still compiles in a second. */
#define FG_LINT_MAX_TABLE_ROWS 2000

static bool check_rows(fg_chk *ch, fg_decl *d)
{
    fg_ptrvec *rows = &d->table.rows, *params = &d->table.params;
    uint32_t np = params->n;
    if (rows->n > FG_LINT_MAX_TABLE_ROWS)
        return true;
    cset **sets = fg_arena_zalloc(ch->ar, (rows->n ? rows->n : 1) * sizeof *sets);
    if (!sets)
        return false;
    for (uint32_t i = 0; i < rows->n; i++) {
        fg_table_row *r = rows->items[i];
        if (r->cells.n != np)
            continue;
        sets[i] = fg_arena_zalloc(ch->ar, (np ? np : 1) * sizeof **sets);
        if (!sets[i])
            return false;
        for (uint32_t k = 0; k < np && sets[i]; k++)
            if (!fold(ch, r->cells.items[k], ((fg_param *)params->items[k])->type, &sets[i][k]))
                sets[i] = NULL;
        if (!sets[i])
            continue;
        for (uint32_t j = 0; j < i; j++) {
            if (!sets[j])
                continue;
            bool all = true;
            for (uint32_t k = 0; k < np && all; k++)
                all = set_within(&sets[i][k], &sets[j][k]);
            if (!all)
                continue;
            char hint[120];
            snprintf(hint, sizeof hint, "remove it, or move it above row %u", j + 1);
            fg_diag_add(ch->diags, FG_SEV_WARNING, r->span, hint,
                        "row %u of table `%s` is never matched: row %u matches first", i + 1,
                        d->name, j + 1);
            break;
        }
    }
    return true;
}

bool fg_lint_run(fg_chk *ch, uint32_t main_file)
{
    lint l;
    memset(&l, 0, sizeof l);
    l.ch = ch;
    l.used = fg_arena_zalloc(ch->ar, (ch->decls.n ? ch->decls.n : 1) * sizeof *l.used);
    if (!l.used)
        return false;
    check_unused(&l, main_file);
    if (l.oom)
        return false;
    for (uint32_t i = 0; i < ch->decls.n; i++) {
        fg_decl *d = ch->decls.items[i];
        if (d->file != main_file)
            continue;
        if (d->kind == FG_D_DECIDE)
            check_arms(ch, d);
        else if (d->kind == FG_D_TABLE && d->name && !check_rows(ch, d))
            return false;
    }
    return !ch->diags->oom;
}
