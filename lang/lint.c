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
 * same cell of an earlier row (cells folded by lang/cell_interval.c).
 * Coverage: a table without a catch-all row gets the numbers no row matches
 * (`table `t` has no row for x >= 30% and x < 50%`) where that is certain,
 * else the plain catch-all warning. Only declarations of the main file are
 * warned about. */
#include <stdio.h>
#include <string.h>

#include "../runtime/format.h"
#include "cell_interval.h"
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

/* ---------------- tables ---------------- */

/* Every row's cells folded, per row an array by parameter; int cells
 * closed (`> 5` is `>= 6`), so that `> 5` after `>= 6` is seen covered. */
static fg_cellint_set **fold_rows(fg_chk *ch, fg_decl *d)
{
    fg_ptrvec *rows = &d->table.rows, *params = &d->table.params;
    uint32_t np = params->n;
    fg_cellint_set **sets = fg_arena_zalloc(ch->ar, (rows->n ? rows->n : 1) * sizeof *sets);
    if (!sets)
        return NULL;
    for (uint32_t i = 0; i < rows->n; i++) {
        fg_table_row *r = rows->items[i];
        if (r->cells.n != np) /* never after a clean check */
            continue;
        sets[i] = fg_arena_zalloc(ch->ar, (np ? np : 1) * sizeof **sets);
        if (!sets[i])
            return NULL;
        for (uint32_t k = 0; k < np && sets[i]; k++) {
            if (!fg_cellint_fold(ch, r->cells.items[k], ((fg_param *)params->items[k])->type,
                                 &sets[i][k]))
                sets[i] = NULL;
            else
                fg_cellint_close_ints(&sets[i][k]);
        }
    }
    return sets;
}

/* Row-against-row comparison is quadratic: larger tables are not checked
 * (docs/limits.md), so a 100,000-row table still compiles in a second. */
#define FG_LINT_MAX_TABLE_ROWS 2000

static void check_rows(fg_chk *ch, fg_decl *d, fg_cellint_set **sets)
{
    fg_ptrvec *rows = &d->table.rows;
    uint32_t np = d->table.params.n;
    if (rows->n > FG_LINT_MAX_TABLE_ROWS)
        return;
    for (uint32_t i = 0; i < rows->n; i++) {
        if (!sets[i])
            continue;
        for (uint32_t j = 0; j < i; j++) {
            if (!sets[j])
                continue;
            bool all = true;
            for (uint32_t k = 0; k < np && all; k++)
                all = fg_cellint_within(&sets[i][k], &sets[j][k]);
            if (!all)
                continue;
            char hint[120];
            snprintf(hint, sizeof hint, "remove it, or move it above row %u", j + 1);
            fg_diag_add(ch->diags, FG_SEV_WARNING, ((fg_table_row *)rows->items[i])->span, hint,
                        "row %u of table `%s` is never matched: row %u matches first", i + 1,
                        d->name, j + 1);
            break;
        }
    }
}

/* At most this many gap warnings per table; a note counts the rest. */
#define FG_LINT_MAX_GAPS 4
/* A condition on another parameter names at most this many values (a
 * readable message, and linear work on tables of many rows). */
#define FG_LINT_MAX_NAMED 8

typedef struct gapctx {
    fg_chk *ch;
    fg_decl *d;
    fg_cellint_set **sets;
    fg_strbuf hint;
    uint32_t shown, more;
} gapctx;

static bool all_any(const fg_table_row *r, uint32_t skip)
{
    for (uint32_t k = 0; k < r->cells.n; k++)
        if (k != skip && ((fg_cell *)r->cells.items[k])->kind != FG_CELL_ANY)
            return false;
    return true;
}

/* A finite end of a num gap as the policy wrote it (`30%`, `8_000`, a const name). */
static void put_end(fg_chk *ch, fg_strbuf *sb, fg_value v, const fg_expr *src)
{
    if (src) {
        fg_strbuf_adds(sb, fg_chk_text(ch, src->span));
    } else {
        char buf[FG_NUM_BUF];
        fg_strbuf_add(sb, buf, fg_fmt_num(v.n, buf));
    }
}

/* The gap as a bool expression of the language: `x < 30%`, `x == 5`,
 * `x between 5 and 9`, `x >= 30% and x < 50%`. Int gaps are closed. */
static void put_gap(fg_chk *ch, fg_strbuf *sb, const char *x, const fg_cellint *g, bool ints)
{
    if (ints) {
        long long lo = (long long)g->lo.i, hi = (long long)g->hi.i;
        if (!g->lo_inf && !g->hi_inf && lo == hi)
            fg_strbuf_printf(sb, "%s == %lld", x, lo);
        else if (g->lo_inf)
            fg_strbuf_printf(sb, "%s <= %lld", x, hi);
        else if (g->hi_inf)
            fg_strbuf_printf(sb, "%s >= %lld", x, lo);
        else
            fg_strbuf_printf(sb, "%s between %lld and %lld", x, lo, hi);
        return;
    }
    if (g->lo_inf || g->hi_inf) {
        bool below = g->lo_inf;
        fg_strbuf_printf(sb, "%s %s ", x,
                         below ? (g->hi_open ? "<" : "<=") : (g->lo_open ? ">" : ">="));
        put_end(ch, sb, below ? g->hi : g->lo, below ? g->hi_src : g->lo_src);
    } else if (!g->lo_open && !g->hi_open && g->lo.n == g->hi.n) {
        fg_strbuf_printf(sb, "%s == ", x);
        put_end(ch, sb, g->lo, g->lo_src);
    } else if (!g->lo_open && !g->hi_open) {
        fg_strbuf_printf(sb, "%s between ", x);
        put_end(ch, sb, g->lo, g->lo_src);
        fg_strbuf_adds(sb, " and ");
        put_end(ch, sb, g->hi, g->hi_src);
    } else {
        fg_strbuf_printf(sb, "%s %s ", x, g->lo_open ? ">" : ">=");
        put_end(ch, sb, g->lo, g->lo_src);
        fg_strbuf_printf(sb, " and %s %s ", x, g->hi_open ? "<" : "<=");
        put_end(ch, sb, g->hi, g->hi_src);
    }
}

/* A condition on parameter j met only by values that none of its non-`_`
 * cells matches (`region != "west"`, `not (n in [1, 2])`); nothing when
 * every cell of j is `_`. False when no such condition is certain (j has a
 * comparison or range cell, or is a bool column naming both values), when
 * it would name more than FG_LINT_MAX_NAMED values, or out of memory. */
static bool put_generic(gapctx *g, fg_strbuf *sb, uint32_t j)
{
    fg_ptrvec *rows = &g->d->table.rows;
    fg_ptrvec texts = {0};
    bool seen[2] = {false, false};
    for (uint32_t i = 0; i < rows->n; i++) {
        fg_cell *c = ((fg_table_row *)rows->items[i])->cells.items[j];
        if (c->kind == FG_CELL_ANY)
            continue;
        if (c->kind != FG_CELL_EQ && c->kind != FG_CELL_IN)
            return false;
        const fg_cellint_set *s = &g->sets[i][j];
        for (uint32_t v = 0; v < s->n; v++) {
            if (s->t == FG_T_BOOL)
                seen[s->v[v].lo.b] = true;
            const char *t = fg_chk_text(g->ch, s->v[v].lo_src->span);
            bool dup = false;
            for (uint32_t u = 0; u < texts.n && !dup; u++)
                dup = strcmp(texts.items[u], t) == 0;
            if (!dup &&
                (texts.n == FG_LINT_MAX_NAMED || !fg_ptrvec_push(g->ch->ar, &texts, (void *)t)))
                return false;
        }
    }
    if (seen[0] && seen[1])
        return false;
    if (!texts.n)
        return true;
    const char *name = ((fg_param *)g->d->table.params.items[j])->name;
    if (sb->len)
        fg_strbuf_adds(sb, " and ");
    if (texts.n == 1) {
        fg_strbuf_printf(sb, "%s != %s", name, (const char *)texts.items[0]);
        return true;
    }
    fg_strbuf_printf(sb, "not (%s in [", name);
    for (uint32_t u = 0; u < texts.n; u++)
        fg_strbuf_printf(sb, "%s%s", u ? ", " : "", (const char *)texts.items[u]);
    fg_strbuf_adds(sb, "])");
    return true;
}

/* Reports the values of numeric parameter k that no row matches: those
 * outside every row's cell k whatever the other arguments; failing that,
 * when every other parameter's cells are `_` or plain values, those outside
 * the cells k of the rows that are `_` elsewhere, for the other arguments
 * that no cell names. */
static bool column_gaps(gapctx *g, uint32_t k)
{
    fg_chk *ch = g->ch;
    fg_ptrvec *rows = &g->d->table.rows, *params = &g->d->table.params;
    fg_param *p = params->items[k];
    fg_type pt = fg_type_base(p->type);
    if (pt != FG_T_INT && pt != FG_T_NUM)
        return true;
    const fg_cellint_set **col = fg_arena_alloc(ch->ar, (rows->n ? rows->n : 1) * sizeof *col);
    if (!col)
        return false;
    fg_strbuf cond;
    fg_strbuf_init(&cond, ch->alloc);
    fg_cellint *gaps = NULL;
    uint32_t n = 0, ngaps = 0;
    for (uint32_t i = 0; i < rows->n; i++)
        if (g->sets[i])
            col[n++] = &g->sets[i][k];
    if (n < rows->n) /* a row not folded: nothing is certain */
        goto done;
    if (!fg_cellint_gaps(col, n, pt == FG_T_INT, ch->ar, &gaps, &ngaps))
        goto fail;
    if (ngaps == 0 && params->n > 1) {
        for (uint32_t j = 0; j < params->n; j++)
            if (j != k && !put_generic(g, &cond, j))
                goto done;
        n = 0;
        for (uint32_t i = 0; i < rows->n; i++)
            if (all_any(rows->items[i], k))
                col[n++] = &g->sets[i][k];
        if (n == 0) /* no row for such arguments at all: the catch-all warning says it */
            goto done;
        if (!fg_cellint_gaps(col, n, pt == FG_T_INT, ch->ar, &gaps, &ngaps))
            goto fail;
    }
    for (uint32_t i = 0; i < ngaps; i++) {
        if (g->shown == FG_LINT_MAX_GAPS) {
            g->more++;
            continue;
        }
        size_t base = cond.len;
        if (base)
            fg_strbuf_adds(&cond, " and ");
        put_gap(ch, &cond, p->name, &gaps[i], pt == FG_T_INT);
        if (cond.failed)
            goto fail;
        fg_diag_add(ch->diags, FG_SEV_WARNING, g->d->name_span, g->hint.data,
                    "table `%s` has no row for %s", g->d->name, cond.data);
        g->shown++;
        cond.len = base;
        if (cond.data)
            cond.data[base] = '\0';
    }
done:
    fg_strbuf_free(&cond);
    return true;
fail:
    fg_strbuf_free(&cond);
    return false;
}

/* A table without a catch-all row: the values no row matches, or, when
 * none is certain, the plain catch-all warning. */
static bool check_coverage(fg_chk *ch, fg_decl *d, fg_cellint_set **sets)
{
    fg_ptrvec *rows = &d->table.rows;
    uint32_t np = d->table.params.n;
    for (uint32_t i = 0; i < rows->n; i++)
        if (all_any(rows->items[i], UINT32_MAX))
            return true;
    gapctx g = {ch, d, sets, {0}, 0, 0};
    fg_strbuf_init(&g.hint, ch->alloc);
    fg_strbuf_adds(&g.hint, "add a row for them, or a catch-all row `| ");
    for (uint32_t k = 0; k < np; k++)
        fg_strbuf_adds(&g.hint, k ? ", _" : "_");
    fg_strbuf_adds(&g.hint, " => ...`");
    bool ok = !g.hint.failed;
    for (uint32_t k = 0; k < np && ok; k++)
        ok = column_gaps(&g, k);
    if (ok && g.more)
        fg_diag_add(ch->diags, FG_SEV_NOTE, d->name_span, NULL,
                    "table `%s` has %u more gap%s not shown", d->name, g.more,
                    g.more == 1 ? "" : "s");
    if (ok && !g.shown) {
        fg_strbuf_clear(&g.hint);
        fg_strbuf_adds(&g.hint, "add `| ");
        for (uint32_t k = 0; k < np; k++)
            fg_strbuf_adds(&g.hint, k ? ", _" : "_");
        fg_strbuf_adds(&g.hint, " => ...` or every unmatched row is a row error");
        ok = !g.hint.failed;
        if (ok)
            fg_diag_add(ch->diags, FG_SEV_WARNING, d->name_span, g.hint.data,
                        "table `%s` has no catch-all row", d->name);
    }
    fg_strbuf_free(&g.hint);
    return ok;
}

static bool check_table(fg_chk *ch, fg_decl *d)
{
    fg_cellint_set **sets = fold_rows(ch, d);
    if (!sets || !check_coverage(ch, d, sets))
        return false;
    check_rows(ch, d, sets);
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
        else if (d->kind == FG_D_TABLE && d->name && !check_table(ch, d))
            return false;
    }
    return !ch->diags->oom;
}
