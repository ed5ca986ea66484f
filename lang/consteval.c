/* consteval.c — folds `const` declarations at compile time with the same
 * arithmetic as the engines (int overflow, division by zero and non-finite
 * nums are errors) and the real built-in implementations, so a const means
 * exactly what the expression would mean at run time. A const that cannot
 * be evaluated is a compile error at the failing operation. */
#include <math.h>
#include <string.h>

#include "../runtime/format.h"
#include "../stdlib/builtins.h"
#include "cell_interval.h"
#include "check_int.h"

typedef struct ceval {
    fg_chk *ch;
    fg_decl *d;
} ceval;

static bool fail(ceval *c, fg_span at, const char *why)
{
    fg_diag_add(c->ch->diags, FG_SEV_ERROR, at, NULL, "const `%s` cannot be evaluated: %s",
                c->d->name ? c->d->name : "?", why);
    return false;
}

/* The type e's value has after its own widening. */
static fg_type vtype(const fg_expr *e)
{
    return e->widen ? FG_T_NUM : fg_type_base(e->type);
}

static bool ev(ceval *c, fg_expr *e, fg_value *out);

static bool finite_or_fail(ceval *c, fg_span at, double x)
{
    if (isfinite(x))
        return true;
    return fail(c, at, fg_rowerr_reason(FG_RE_NOT_FINITE));
}

static bool arith(ceval *c, fg_expr *e, fg_value a, fg_value b, fg_value *out)
{
    fg_binop op = e->binary.op;
    fg_span at = e->binary.op_span;
    if (op != FG_OP_DIV && fg_type_base(e->type) == FG_T_INT) {
        int64_t x = a.i, y = b.i, r = 0;
        bool ovf = false;
        if (op == FG_OP_ADD) {
            ovf = (y > 0 && x > INT64_MAX - y) || (y < 0 && x < INT64_MIN - y);
            r = ovf ? 0 : x + y;
        } else if (op == FG_OP_SUB) {
            ovf = (y < 0 && x > INT64_MAX + y) || (y > 0 && x < INT64_MIN + y);
            r = ovf ? 0 : x - y;
        } else {
            if (x != 0 && y != 0) {
                if ((x == -1 && y == INT64_MIN) || (y == -1 && x == INT64_MIN))
                    ovf = true;
                else if (x > 0 ? (y > 0 ? x > INT64_MAX / y : y < INT64_MIN / x)
                               : (y > 0 ? x < INT64_MIN / y : x < INT64_MAX / y))
                    ovf = true;
            }
            r = ovf ? 0 : x * y;
        }
        if (ovf)
            return fail(c, at, fg_rowerr_reason(FG_RE_INT_OVERFLOW));
        out->i = r;
        return true;
    }
    double x = a.n, y = b.n, r;
    switch (op) {
    case FG_OP_ADD:
        r = x + y;
        break;
    case FG_OP_SUB:
        r = x - y;
        break;
    case FG_OP_MUL:
        r = x * y;
        break;
    default:
        if (y == 0)
            return fail(c, at, fg_rowerr_reason(FG_RE_DIV_ZERO));
        r = x / y;
        break;
    }
    out->n = r;
    return finite_or_fail(c, at, r);
}

static bool ev_binary(ceval *c, fg_expr *e, fg_value *out)
{
    fg_value a, b;
    fg_binop op = e->binary.op;
    if (!ev(c, e->binary.lhs, &a))
        return false;
    if (op == FG_OP_AND || op == FG_OP_OR) {
        if (a.b == (op == FG_OP_OR)) {
            out->b = a.b;
            return true;
        }
        return ev(c, e->binary.rhs, out);
    }
    if (op == FG_OP_COALESCE) {
        if (!a.missing) {
            *out = a;
            return true;
        }
        return ev(c, e->binary.rhs, out);
    }
    if (!ev(c, e->binary.rhs, &b))
        return false;
    if (op <= FG_OP_DIV)
        return arith(c, e, a, b, out);
    int r = fg_cellint_cmp(a, b, vtype(e->binary.lhs));
    switch (op) {
    case FG_OP_EQ:
        out->b = r == 0;
        break;
    case FG_OP_NE:
        out->b = r != 0;
        break;
    case FG_OP_LT:
        out->b = r < 0;
        break;
    case FG_OP_LE:
        out->b = r <= 0;
        break;
    case FG_OP_GT:
        out->b = r > 0;
        break;
    default:
        out->b = r >= 0;
        break;
    }
    return true;
}

static bool ev_str(ceval *c, fg_expr *e, fg_value *out)
{
    fg_strbuf sb;
    fg_strbuf_init(&sb, c->ch->alloc);
    for (uint32_t i = 0; i < e->str.parts.n; i++) {
        fg_strpart *p = e->str.parts.items[i];
        if (!p->is_expr) {
            fg_strbuf_add(&sb, p->text.ptr, p->text.len);
            continue;
        }
        fg_value v;
        if (!ev(c, p->expr, &v)) {
            fg_strbuf_free(&sb);
            return false;
        }
        fg_fmt_value(&sb, vtype(p->expr), v);
    }
    char *s = fg_arena_strndup(c->ch->ar, sb.data ? sb.data : "", sb.len);
    bool failed = sb.failed;
    size_t len = sb.len;
    fg_strbuf_free(&sb);
    if (!s || failed) {
        fg_chk_oom(c->ch);
        return false;
    }
    out->s.ptr = s;
    out->s.len = (uint32_t)len;
    return true;
}

static bool ev_call(ceval *c, fg_expr *e, fg_value *out)
{
    if (e->builtin < 0)
        return fail(c, e->call.name_span, "only built-in functions may be called in a const");
    uint32_t n = e->call.args.n;
    fg_value *args = fg_arena_zalloc(c->ch->ar, (n ? n : 1) * sizeof *args);
    if (!args) {
        fg_chk_oom(c->ch);
        return false;
    }
    for (uint32_t i = 0; i < n; i++)
        if (!ev(c, e->call.args.items[i], &args[i]))
            return false;
    const fg_builtin_info *b = &fg_builtin_table[e->builtin];
    if (!b->fn)
        return fail(c, e->call.name_span, "the built-in is not available");
    fg_rowerr_kind k = b->fn(c->ch->ar, args, n, out);
    if (k != FG_RE_NONE)
        return fail(c, e->call.name_span, fg_rowerr_reason(k));
    if (fg_type_base(b->result) == FG_T_NUM)
        return finite_or_fail(c, e->call.name_span, out->n);
    return true;
}

static bool ev_member(ceval *c, fg_expr *x, fg_expr **items, uint32_t n, bool between,
                      fg_value *out)
{
    fg_value v, a;
    if (!ev(c, x, &v))
        return false;
    fg_type t = vtype(x);
    if (between) {
        fg_value b;
        if (!ev(c, items[0], &a) || !ev(c, items[1], &b))
            return false;
        out->b = fg_cellint_cmp(a, v, t) <= 0 && fg_cellint_cmp(v, b, t) <= 0;
        return true;
    }
    out->b = false;
    for (uint32_t i = 0; i < n; i++) {
        if (!ev(c, items[i], &a))
            return false;
        if (fg_cellint_cmp(v, a, t) == 0) {
            out->b = true;
            break;
        }
    }
    return true;
}

static bool ev(ceval *c, fg_expr *e, fg_value *out)
{
    memset(out, 0, sizeof *out);
    bool ok = true;
    switch (e->kind) {
    case FG_E_INT:
        out->i = e->ival;
        break;
    case FG_E_NUM:
        out->n = e->nval;
        ok = finite_or_fail(c, e->span, e->nval);
        break;
    case FG_E_BOOL:
        out->b = e->bval;
        break;
    case FG_E_STR:
        ok = ev_str(c, e, out);
        break;
    case FG_E_NAME: {
        fg_decl *d = e->decl;
        if (!d || d->kind != FG_D_CONST || !c->ch->info[d->order].cval_ok)
            return false; /* reported at that const */
        *out = c->ch->info[d->order].cval;
        break;
    }
    case FG_E_CALL:
        ok = ev_call(c, e, out);
        break;
    case FG_E_UNARY:
        if (!ev(c, e->unary.operand, out))
            return false;
        if (e->unary.op == FG_OP_NOT)
            out->b = !out->b;
        else if (fg_type_base(e->type) == FG_T_INT) {
            if (out->i == INT64_MIN)
                return fail(c, e->span, fg_rowerr_reason(FG_RE_INT_OVERFLOW));
            out->i = -out->i;
        } else
            out->n = -out->n;
        break;
    case FG_E_BINARY:
        ok = ev_binary(c, e, out);
        break;
    case FG_E_IF: {
        fg_value cv;
        if (!ev(c, e->if_.cond, &cv))
            return false;
        ok = ev(c, cv.b ? e->if_.then_e : e->if_.else_e, out);
        break;
    }
    case FG_E_IS: {
        fg_value v;
        if (!ev(c, e->is.operand, &v))
            return false;
        out->b = e->is.present ? !v.missing : v.missing;
        break;
    }
    case FG_E_IN:
        ok = ev_member(c, e->in.operand, (fg_expr **)e->in.items.items, e->in.items.n, false, out);
        break;
    case FG_E_BETWEEN: {
        fg_expr *items[2] = {e->between.lo, e->between.hi};
        ok = ev_member(c, e->between.operand, items, 2, true, out);
        break;
    }
    }
    if (ok && e->widen && fg_type_base(e->type) == FG_T_INT && !out->missing)
        out->n = (double)out->i;
    return ok;
}

void fg_ceval_const(fg_chk *ch, fg_decl *d)
{
    ceval c = {ch, d};
    fg_chk_info *info = &ch->info[d->order];
    info->cval_ok = ev(&c, d->const_.value, &info->cval);
}
