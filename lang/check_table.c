/* check_table.c — decision tables: one cell per parameter, cell operands
 * that are literals or consts of the parameter's type, non-empty ranges,
 * and for `unique` tables a proof that no two rows overlap (cells are
 * constant, so each is a finite union of intervals: lang/cell_interval.c).
 * The missing catch-all row is a lint warning (lang/lint.c), made precise
 * there by the values no row matches. */
#include <stdio.h>
#include <string.h>

#include "../runtime/format.h"
#include "cell_interval.h"

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

/* ---- the overlap proof of `unique` tables ---- */

static double as_num(fg_value v, fg_type t)
{
    return t == FG_T_INT ? (double)v.i : v.n;
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

static void check_unique(fg_chk *ch, fg_decl *d, fg_cellint_set **sets)
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
                if (!fg_cellint_meet(&sets[i][k], &sets[j][k], &ex, &has_ex, &t))
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
            cmp = fg_cellint_cmp(v[0], v[1], FG_T_STR);
        else if (t[0] == FG_T_INT && t[1] == FG_T_INT)
            cmp = fg_cellint_cmp(v[0], v[1], FG_T_INT);
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
    bool ok = true;
    char what[200];
    snprintf(what, sizeof what, "a result of table `%s`", d->name);
    fg_cellint_set **sets = fg_arena_zalloc(ch->ar, (rows->n ? rows->n : 1) * sizeof *sets);
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
            for (uint32_t k = 0; k < np; k++)
                if (!check_cell(ch, r->cells.items[k], params->items[k]))
                    row_ok = false;
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
            if (!fg_cellint_fold(ch, r->cells.items[k], ((fg_param *)params->items[k])->type,
                                 &sets[i][k]))
                sets[i] = NULL;
        if (!sets[i])
            ok = false;
    }
    if (rows->n == 0) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, d->name_span,
                    "write at least one row, e.g. `| _ => ...`", "table `%s` has no rows", d->name);
        return;
    }
    if (ok && d->table.hit == FG_HIT_UNIQUE)
        check_unique(ch, d, sets);
}

/* The cell's comparison type and folded values, for lowering. */
bool fg_chk_cell_fold(fg_chk *ch, fg_cell *c, fg_type ptype, fg_type *cmp, fg_value **vals,
                      uint32_t *nvals, fg_arena *out)
{
    fg_cellint_set s;
    if (!fg_cellint_fold(ch, c, ptype, &s))
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
        const fg_cellint *x = c->kind == FG_CELL_IN ? &s.v[i] : &s.v[0];
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
