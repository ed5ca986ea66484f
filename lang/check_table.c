/* check_table.c — decision tables: one cell per parameter, cell operands
 * that are literals or consts of the parameter's type, non-empty ranges,
 * the catch-all warning, and for `unique` tables a proof that no two rows
 * overlap (cells are constant, so each is a finite union of intervals). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/format.h"
#include "check_int.h"

bool fg_chk_cell_value(fg_chk *ch, fg_expr *e, fg_value *out, fg_type *type)
{
    memset(out, 0, sizeof *out);
    e->param_index = -1;
    e->builtin = -1;
    e->widen = false;
    switch (e->kind) {
    case FG_E_INT:
        out->i = e->ival;
        *type = FG_T_INT;
        break;
    case FG_E_NUM:
        out->n = e->nval;
        *type = FG_T_NUM;
        break;
    case FG_E_BOOL:
        out->b = e->bval;
        *type = FG_T_BOOL;
        break;
    case FG_E_STR: {
        if (e->str.parts.n > 1 ||
            (e->str.parts.n == 1 && ((fg_strpart *)e->str.parts.items[0])->is_expr))
            goto bad;
        if (e->str.parts.n == 1)
            out->s = ((fg_strpart *)e->str.parts.items[0])->text;
        *type = FG_T_STR;
        break;
    }
    case FG_E_UNARY: {
        fg_expr *o = e->unary.operand;
        if (e->unary.op != FG_OP_NEG || (o->kind != FG_E_INT && o->kind != FG_E_NUM))
            goto bad;
        o->type = o->kind == FG_E_INT ? FG_T_INT : FG_T_NUM;
        if (o->kind == FG_E_INT) {
            out->i = o->ival == INT64_MIN ? o->ival : -o->ival;
            *type = FG_T_INT;
        } else {
            out->n = -o->nval;
            *type = FG_T_NUM;
        }
        break;
    }
    case FG_E_NAME: {
        fg_decl *d = fg_chk_lookup(ch, e->name.name);
        if (!d || d->kind != FG_D_CONST)
            goto bad;
        e->decl = d;
        fg_type t = fg_chk_decl(ch, d, e->span);
        if (t == FG_T_ERROR || !ch->info[d->order].cval_ok) {
            e->type = FG_T_ERROR;
            return false;
        }
        *out = ch->info[d->order].cval;
        *type = fg_type_base(t);
        break;
    }
    default:
        goto bad;
    }
    e->type = *type;
    return true;
bad:
    fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, NULL, "`%s` is not a literal or a const name",
                fg_chk_text(ch, e->span));
    e->type = FG_T_ERROR;
    return false;
}

/* ---- cells as sets of values, for checks and the overlap proof ---- */

typedef struct ivl {
    bool lo_inf, hi_inf, lo_open, hi_open;
    fg_value lo, hi;
} ivl;

typedef struct cellset {
    fg_type t; /* FG_T_INT, NUM, STR, BOOL */
    uint32_t n;
    ivl *v;
} cellset;

static double as_num(fg_value v, fg_type t)
{
    return t == FG_T_INT ? (double)v.i : v.n;
}

/* <0, 0, >0; a and b of type t (int, num, str, bool). */
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

static void to_num_set(cellset *s)
{
    if (s->t != FG_T_INT)
        return;
    for (uint32_t i = 0; i < s->n; i++) {
        s->v[i].lo.n = (double)s->v[i].lo.i;
        s->v[i].hi.n = (double)s->v[i].hi.i;
    }
    s->t = FG_T_NUM;
}

/* Folds a checked cell into interval form; false if an operand is bad. */
static bool cell_set(fg_chk *ch, fg_cell *c, fg_type ptype, cellset *s)
{
    fg_expr *ops[2] = {c->a, c->b};
    uint32_t nops = c->kind == FG_CELL_ANY ? 0 : c->kind == FG_CELL_RANGE ? 2 : 1;
    fg_expr **items = ops;
    if (c->kind == FG_CELL_IN) {
        nops = c->items.n;
        items = (fg_expr **)c->items.items;
    }
    s->t = fg_type_base(ptype);
    s->n = c->kind == FG_CELL_IN ? nops : 1;
    s->v = fg_arena_zalloc(ch->ar, (s->n ? s->n : 1) * sizeof *s->v);
    if (!s->v)
        return false;
    fg_value vals[2];
    fg_type types[2];
    bool any_num = false;
    for (uint32_t i = 0; i < nops; i++) {
        fg_value v;
        fg_type t;
        if (!fg_chk_cell_value(ch, items[i], &v, &t))
            return false;
        if (t == FG_T_NUM)
            any_num = true;
        if (c->kind == FG_CELL_IN) {
            s->v[i].lo = s->v[i].hi = v;
            types[0] = t;
            if (t == FG_T_INT && s->t == FG_T_NUM)
                s->v[i].lo.n = s->v[i].hi.n = (double)v.i;
        } else {
            vals[i] = v;
            types[i] = t;
        }
    }
    if (s->t == FG_T_INT && any_num) { /* an int parameter compared with num cells */
        s->t = FG_T_NUM;
        if (c->kind == FG_CELL_IN) {
            /* recompute: each item as num */
            for (uint32_t i = 0; i < nops; i++) {
                fg_value v;
                fg_type t;
                fg_chk_cell_value(ch, items[i], &v, &t);
                s->v[i].lo.n = s->v[i].hi.n = as_num(v, t);
            }
        }
    }
    if (c->kind != FG_CELL_IN) {
        for (uint32_t i = 0; i < nops; i++)
            if (s->t == FG_T_NUM && types[i] == FG_T_INT)
                vals[i].n = (double)vals[i].i;
        ivl *x = &s->v[0];
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
        default:
            break;
        }
    }
    return true;
}

/* Intersection of two intervals of type t; ex gets an example value. */
static bool ivl_meet(const ivl *a, const ivl *b, fg_type t, fg_value *ex, bool *has_ex)
{
    ivl m;
    if (a->lo_inf || (!b->lo_inf && cmp_vals(b->lo, a->lo, t) > 0) ||
        (!b->lo_inf && cmp_vals(b->lo, a->lo, t) == 0 && b->lo_open)) {
        m.lo_inf = b->lo_inf, m.lo = b->lo, m.lo_open = b->lo_open;
    } else {
        m.lo_inf = a->lo_inf, m.lo = a->lo, m.lo_open = a->lo_open;
    }
    if (a->hi_inf || (!b->hi_inf && cmp_vals(b->hi, a->hi, t) < 0) ||
        (!b->hi_inf && cmp_vals(b->hi, a->hi, t) == 0 && b->hi_open)) {
        m.hi_inf = b->hi_inf, m.hi = b->hi, m.hi_open = b->hi_open;
    } else {
        m.hi_inf = a->hi_inf, m.hi = a->hi, m.hi_open = a->hi_open;
    }
    *has_ex = false;
    if (t == FG_T_INT) { /* integers: make open ends closed */
        if (!m.lo_inf && m.lo_open) {
            if (m.lo.i == INT64_MAX)
                return false;
            m.lo.i++;
        }
        if (!m.hi_inf && m.hi_open) {
            if (m.hi.i == INT64_MIN)
                return false;
            m.hi.i--;
        }
        m.lo_open = m.hi_open = false;
    }
    if (!m.lo_inf && !m.hi_inf) {
        int c = cmp_vals(m.lo, m.hi, t);
        if (c > 0 || (c == 0 && (m.lo_open || m.hi_open)))
            return false;
    }
    if (m.lo_inf && m.hi_inf)
        return true;
    *has_ex = true;
    if (!m.lo_inf && !m.lo_open)
        *ex = m.lo;
    else if (!m.hi_inf && !m.hi_open)
        *ex = m.hi;
    else if (t == FG_T_NUM && !m.lo_inf && !m.hi_inf)
        ex->n = m.lo.n / 2 + m.hi.n / 2;
    else if (t == FG_T_NUM && !m.lo_inf)
        ex->n = m.lo.n + 1;
    else if (t == FG_T_NUM)
        ex->n = m.hi.n - 1;
    else
        *has_ex = false;
    return true;
}

static bool set_meet(cellset *a, cellset *b, fg_value *ex, bool *has_ex, fg_type *ext)
{
    if (a->t != b->t) {
        to_num_set(a);
        to_num_set(b);
    }
    *ext = a->t;
    for (uint32_t i = 0; i < a->n; i++)
        for (uint32_t j = 0; j < b->n; j++)
            if (ivl_meet(&a->v[i], &b->v[j], a->t, ex, has_ex))
                return true;
    return false;
}

static void fmt_example(fg_strbuf *sb, fg_value v, fg_type t)
{
    switch (t) {
    case FG_T_INT:
        fg_strbuf_printf(sb, "%lld", (long long)v.i);
        break;
    case FG_T_NUM: {
        char buf[FG_NUM_BUF];
        fg_strbuf_add(sb, buf, fg_fmt_num(v.n, buf));
        break;
    }
    case FG_T_BOOL:
        fg_strbuf_adds(sb, v.b ? "true" : "false");
        break;
    default:
        fg_strbuf_printf(sb, "\"%.*s\"", (int)v.s.len, v.s.ptr);
        break;
    }
}

static void check_unique(fg_chk *ch, fg_decl *d, cellset **sets)
{
    fg_ptrvec *rows = &d->table.rows, *params = &d->table.params;
    uint32_t np = params->n, reported = 0;
    for (uint32_t j = 1; j < rows->n && reported < 5; j++) {
        for (uint32_t i = 0; i < j && reported < 5; i++) {
            if (!sets[i] || !sets[j])
                continue;
            fg_strbuf sb;
            fg_strbuf_init(&sb, ch->alloc);
            bool all = true;
            for (uint32_t k = 0; k < np && all; k++) {
                fg_value ex;
                bool has_ex;
                fg_type t;
                if (!set_meet(&sets[i][k], &sets[j][k], &ex, &has_ex, &t))
                    all = false;
                else if (has_ex) {
                    fg_strbuf_printf(&sb, "%s%s = ", sb.len ? ", " : "",
                                     ((fg_param *)params->items[k])->name);
                    fmt_example(&sb, ex, t);
                }
            }
            if (all) {
                char hint[300];
                if (sb.len && sb.data)
                    snprintf(hint, sizeof hint, "both rows match %s", sb.data);
                fg_table_row *r = rows->items[j];
                fg_diag_add(ch->diags, FG_SEV_ERROR, r->span,
                            sb.len && sb.data ? hint : "both rows match every value",
                            "rows %u and %u of table `%s` overlap", i + 1, j + 1, d->name);
                reported++;
            }
            fg_strbuf_free(&sb);
        }
    }
}

static const char *cell_op(fg_cell_kind k)
{
    static const char *const ops[] = {"_", "=", "<", "<=", ">", ">=", "..", "[...]"};
    return ops[k];
}

/* Type of each operand against the parameter; false when an error was reported. */
static bool check_cell(fg_chk *ch, fg_cell *c, fg_param *p)
{
    fg_type pb = fg_type_base(p->type);
    if (c->kind == FG_CELL_ANY)
        return true;
    fg_expr *ops[2] = {c->a, c->b};
    uint32_t n = c->kind == FG_CELL_RANGE ? 2 : 1;
    fg_expr **items = ops;
    if (c->kind == FG_CELL_IN) {
        n = c->items.n;
        items = (fg_expr **)c->items.items;
    }
    bool ok = true;
    if (c->kind != FG_CELL_EQ && c->kind != FG_CELL_IN && pb == FG_T_BOOL) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, c->span, NULL,
                    "a `%s` cell needs a number or string parameter, but `%s` is bool",
                    cell_op(c->kind), p->name);
        ok = false;
    }
    fg_value v[2];
    fg_type t[2] = {0, 0};
    for (uint32_t i = 0; i < n; i++) {
        fg_value val;
        fg_type ty;
        if (!fg_chk_cell_value(ch, items[i], &val, &ty)) {
            ok = false;
            continue;
        }
        if (i < 2) {
            v[i] = val;
            t[i] = ty;
        }
        if (ty != pb && !(fg_type_is_numeric(ty) && fg_type_is_numeric(pb))) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, items[i]->span, NULL,
                        "cell value `%s` is %s, but parameter `%s` is %s",
                        fg_chk_text(ch, items[i]->span), fg_type_name(ty), p->name,
                        fg_type_name(p->type));
            ok = false;
        }
    }
    if (ok && c->kind == FG_CELL_RANGE) {
        int cmp;
        if (t[0] == FG_T_STR)
            cmp = cmp_vals(v[0], v[1], FG_T_STR);
        else if (t[0] == FG_T_INT && t[1] == FG_T_INT)
            cmp = cmp_vals(v[0], v[1], FG_T_INT);
        else {
            double a = as_num(v[0], t[0]), b = as_num(v[1], t[1]);
            cmp = a < b ? -1 : a > b;
        }
        if (cmp > 0) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, c->span, "write the low end first",
                        "the range `%s` is empty", fg_chk_text(ch, c->span));
            ok = false;
        }
    }
    return ok;
}

void fg_chk_table(fg_chk *ch, fg_decl *d)
{
    fg_ptrvec *rows = &d->table.rows, *params = &d->table.params;
    uint32_t np = params->n;
    bool catch_all = false, ok = true;
    char what[200];
    snprintf(what, sizeof what, "a result of table `%s`", d->name);
    cellset **sets = fg_arena_zalloc(ch->ar, (rows->n ? rows->n : 1) * sizeof *sets);
    if (!sets) {
        fg_chk_oom(ch);
        return;
    }
    for (uint32_t i = 0; i < rows->n; i++) {
        fg_table_row *r = rows->items[i];
        bool row_ok = true;
        if (r->cells.n != np) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, r->span, NULL,
                        "row %u of table `%s` has %u cell%s, but the table has %u parameter%s",
                        i + 1, d->name, r->cells.n, r->cells.n == 1 ? "" : "s", np,
                        np == 1 ? "" : "s");
            row_ok = false;
        } else {
            bool all_any = true;
            for (uint32_t k = 0; k < np; k++) {
                fg_cell *c = r->cells.items[k];
                if (c->kind != FG_CELL_ANY)
                    all_any = false;
                if (!check_cell(ch, c, params->items[k]))
                    row_ok = false;
            }
            if (all_any)
                catch_all = true;
        }
        if (fg_chk_expr(ch, r->result) != FG_T_ERROR)
            fg_chk_assign(ch, r->result, d->table.result, what);
        if (!row_ok) {
            ok = false;
            continue;
        }
        sets[i] = fg_arena_zalloc(ch->ar, (np ? np : 1) * sizeof **sets);
        if (!sets[i]) {
            fg_chk_oom(ch);
            return;
        }
        for (uint32_t k = 0; k < np; k++)
            if (!cell_set(ch, r->cells.items[k], ((fg_param *)params->items[k])->type, &sets[i][k]))
                sets[i] = NULL;
        if (!sets[i])
            ok = false;
    }
    if (rows->n == 0) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, d->name_span,
                    "write at least one row, e.g. `| _ => ...`", "table `%s` has no rows", d->name);
        return;
    }
    if (!catch_all) {
        fg_strbuf sb;
        fg_strbuf_init(&sb, ch->alloc);
        fg_strbuf_adds(&sb, "add `| ");
        for (uint32_t k = 0; k < np; k++)
            fg_strbuf_adds(&sb, k ? ", _" : "_");
        fg_strbuf_adds(&sb, " => ...` or every unmatched row is a row error");
        fg_diag_add(ch->diags, FG_SEV_WARNING, d->name_span, sb.data,
                    "table `%s` has no catch-all row", d->name);
        fg_strbuf_free(&sb);
    }
    if (ok && d->table.hit == FG_HIT_UNIQUE)
        check_unique(ch, d, sets);
}

/* The cell's comparison type and folded values, for lowering. */
bool fg_chk_cell_fold(fg_chk *ch, fg_cell *c, fg_type ptype, fg_type *cmp, fg_value **vals,
                      uint32_t *nvals, fg_arena *out)
{
    cellset s;
    if (!cell_set(ch, c, ptype, &s))
        return false;
    *cmp = s.t;
    *nvals = 0;
    *vals = NULL;
    if (c->kind == FG_CELL_ANY)
        return true;
    uint32_t n = c->kind == FG_CELL_IN ? s.n : c->kind == FG_CELL_RANGE ? 2 : 1;
    fg_value *v = fg_arena_zalloc(out, n * sizeof *v);
    if (!v)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const ivl *x = c->kind == FG_CELL_IN ? &s.v[i] : &s.v[0];
        v[i] = (c->kind == FG_CELL_IN || c->kind == FG_CELL_EQ || c->kind == FG_CELL_GT ||
                c->kind == FG_CELL_GE || (c->kind == FG_CELL_RANGE && i == 0))
                   ? x->lo
                   : x->hi;
        if (s.t == FG_T_STR) {
            char *p = fg_arena_strndup(out, v[i].s.ptr ? v[i].s.ptr : "", v[i].s.len);
            if (!p)
                return false;
            v[i].s.ptr = p;
        }
    }
    *vals = v;
    *nvals = n;
    return true;
}
