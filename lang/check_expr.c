/* check_expr.c — types expressions (SPEC "Types and values"): names and
 * what each context may see (purity), null safety, int->num widening,
 * operators, built-in overload choice and fn/table calls. Once a
 * subexpression is FG_T_ERROR its parents are too, without a second report. */
#include <stdio.h>
#include <string.h>

#include "../stdlib/builtins.h"
#include "check_int.h"

const char *fg_chk_text(fg_chk *ch, fg_span sp)
{
    if (sp.file >= ch->src->nfiles)
        return "?";
    const fg_file *f = ch->src->files[sp.file];
    size_t len = sp.end > sp.start ? sp.end - sp.start : 0;
    if (sp.end > f->len)
        len = 0;
    bool cut = len > 48;
    if (cut)
        len = 45;
    char *s = fg_arena_alloc(ch->ar, len + 4);
    if (!s)
        return "?";
    memcpy(s, f->text + sp.start, len);
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
            s[i] = ' ';
    if (cut)
        memcpy(s + len, "...", 3), len += 3;
    s[len] = '\0';
    return s;
}

static const char *default_for(fg_type t)
{
    switch (fg_type_base(t)) {
    case FG_T_STR:
        return "\"\"";
    case FG_T_BOOL:
        return "false";
    default:
        return "0";
    }
}

bool fg_chk_present(fg_chk *ch, fg_expr *e)
{
    if (!fg_type_is_opt(e->type))
        return true;
    const char *text = fg_chk_text(ch, e->span);
    char hint[256];
    snprintf(hint, sizeof hint, "write `%s ?? %s`, or test `%s is missing`", text,
             default_for(e->type), text);
    fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, hint, "`%s` may be missing (%s)", text,
                fg_type_name(e->type));
    return false;
}

bool fg_chk_assign(fg_chk *ch, fg_expr *e, fg_type want, const char *what)
{
    fg_type t = e->type;
    if (t == FG_T_ERROR || want == FG_T_ERROR)
        return true;
    if (fg_type_is_opt(t) && !fg_type_is_opt(want))
        return fg_chk_present(ch, e);
    fg_type bt = fg_type_base(t), bw = fg_type_base(want);
    if (bt == bw)
        return true;
    if (bt == FG_T_INT && bw == FG_T_NUM) {
        e->widen = true;
        return true;
    }
    fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, NULL, "%s must be %s, found %s", what,
                fg_type_name(fg_type_base(want)), fg_type_name(t));
    return false;
}

/* Both operands numeric: the ints among them widen when the other is num. */
static fg_type num_meet(fg_expr *a, fg_expr *b)
{
    if (fg_type_base(a->type) == FG_T_INT && fg_type_base(b->type) == FG_T_INT)
        return FG_T_INT;
    if (fg_type_base(a->type) == FG_T_INT)
        a->widen = true;
    if (fg_type_base(b->type) == FG_T_INT)
        b->widen = true;
    return FG_T_NUM;
}

static const char *article(fg_decl_kind k)
{
    return k == FG_D_INPUT || k == FG_D_OUTPUT ? "an" : "a";
}

static void purity_error(fg_chk *ch, fg_span at, const char *what, const char *kind)
{
    const fg_decl *cur = ch->cur;
    const char *cname = cur && cur->name ? cur->name : "?";
    if (ch->mode == FG_CHK_CONST)
        fg_diag_add(ch->diags, FG_SEV_ERROR, at,
                    "a const sees only literals, other consts, operators, `if` and built-ins",
                    "const `%s` cannot use %s (%s)", cname, what, kind);
    else
        fg_diag_add(ch->diags, FG_SEV_ERROR, at,
                    "fn and table bodies see only their parameters, consts, other fns and "
                    "tables, and built-ins",
                    "%s `%s` cannot use %s (%s)", fg_chk_kind_name(cur->kind), cname, what, kind);
}

/* Did-you-mean over globals (values or callables) and the parameters. */
static const char *closest(fg_chk *ch, const char *name, bool callables)
{
    fg_ptrvec cands = {0};
    if (!callables && ch->params)
        for (uint32_t i = 0; i < ch->params->n; i++)
            fg_ptrvec_push(ch->ar, &cands, (void *)((fg_param *)ch->params->items[i])->name);
    for (uint32_t i = 0; i < ch->decls.n; i++) {
        fg_decl *d = ch->decls.items[i];
        bool callable = d->kind == FG_D_FN || d->kind == FG_D_TABLE;
        if (!d->name || d->kind == FG_D_FIXTURE || d->kind == FG_D_REPORT || d->kind == FG_D_TEST ||
            callable != callables)
            continue;
        if (d->kind == FG_D_OUTPUT && !d->output.value)
            continue;
        fg_ptrvec_push(ch->ar, &cands, (void *)d->name);
    }
    if (callables) {
        for (int i = 0; i < FG_B_COUNT; i++)
            fg_ptrvec_push(ch->ar, &cands, (void *)fg_builtin_table[i].name);
        fg_ptrvec_push(ch->ar, &cands, (void *)"failed");
        fg_ptrvec_push(ch->ar, &cands, (void *)"failed_count");
    }
    return fg_closest_name(name, (const char *const *)cands.items, cands.n);
}

static fg_type check_name(fg_chk *ch, fg_expr *e)
{
    const char *name = e->name.name;
    if (strcmp(name, "_") == 0) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, NULL, "`_` is only allowed in table cells");
        return FG_T_ERROR;
    }
    if (ch->params)
        for (uint32_t i = 0; i < ch->params->n; i++) {
            fg_param *p = ch->params->items[i];
            if (strcmp(p->name, name) == 0) {
                e->param_index = (int32_t)i;
                return p->type;
            }
        }
    fg_decl *d = fg_chk_lookup(ch, name);
    if (!d) {
        const char *best = closest(ch, name, false);
        char hint[200];
        if (best)
            snprintf(hint, sizeof hint, "did you mean `%s`?", best);
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, best ? hint : NULL, "unknown name `%s`",
                    name);
        return FG_T_ERROR;
    }
    e->decl = d;
    char what[200];
    snprintf(what, sizeof what, "`%s`", name);
    char kind[64];
    snprintf(kind, sizeof kind, "%s %s", article(d->kind), fg_chk_kind_name(d->kind));
    switch (d->kind) {
    case FG_D_FN:
    case FG_D_TABLE:
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, NULL, "`%s` is %s; call it with arguments",
                    name, kind);
        return FG_T_ERROR;
    case FG_D_CONST:
        return fg_chk_decl(ch, d, e->span);
    case FG_D_INPUT:
    case FG_D_LET:
    case FG_D_RULE:
    case FG_D_DECIDE:
    case FG_D_OUTPUT:
        if (ch->mode != FG_CHK_ROW) {
            purity_error(ch, e->span, what, kind);
            return FG_T_ERROR;
        }
        if (d->kind != FG_D_INPUT && ch->cur &&
            !fg_ptrvec_push(ch->ar, &ch->info[ch->cur->order].deps, d))
            fg_chk_oom(ch);
        return fg_chk_decl(ch, d, e->span);
    default:
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, NULL, "`%s` is not a value", name);
        return FG_T_ERROR;
    }
}

static bool param_ok(fg_type arg, fg_type p)
{
    return fg_type_base(arg) == p || (fg_type_base(arg) == FG_T_INT && p == FG_T_NUM);
}

static bool variant_fits(const fg_builtin_info *b, fg_expr **args, uint32_t n)
{
    if (b->arity == -2) {
        if (n < 2)
            return false;
        for (uint32_t i = 0; i < n; i++)
            if (!param_ok(args[i]->type, b->params[0]))
                return false;
        return true;
    }
    if ((uint32_t)b->arity != n)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!param_ok(args[i]->type, b->params[i]))
            return false;
    return true;
}

static fg_type check_builtin(fg_chk *ch, fg_expr *e, int first)
{
    const char *name = e->call.name;
    uint32_t n = e->call.args.n;
    fg_expr **args = (fg_expr **)e->call.args.items;
    for (uint32_t i = 0; i < n; i++)
        if (args[i]->type == FG_T_ERROR)
            return FG_T_ERROR;
    bool ok = true;
    for (uint32_t i = 0; i < n; i++)
        ok = fg_chk_present(ch, args[i]) && ok;
    if (!ok)
        return FG_T_ERROR;
    bool arity_ok = false;
    int min_ar = 99, max_ar = -1;
    fg_strbuf sigs;
    fg_strbuf_init(&sigs, ch->alloc);
    for (int i = first; i < FG_B_COUNT; i++) {
        const fg_builtin_info *b = &fg_builtin_table[i];
        if (strcmp(b->name, name) != 0)
            continue;
        if (variant_fits(b, args, n)) {
            e->builtin = i;
            fg_type want = b->params[0];
            for (uint32_t k = 0; k < n; k++) {
                if (b->arity != -2)
                    want = b->params[k];
                if (want == FG_T_NUM && fg_type_base(args[k]->type) == FG_T_INT)
                    args[k]->widen = true;
            }
            fg_strbuf_free(&sigs);
            return b->result;
        }
        int lo = b->arity == -2 ? 2 : b->arity, hi = b->arity == -2 ? 1000 : b->arity;
        if (lo < min_ar)
            min_ar = lo;
        if (hi > max_ar)
            max_ar = hi;
        if ((b->arity == -2 && n >= 2) || (b->arity >= 0 && (uint32_t)b->arity == n)) {
            arity_ok = true;
            fg_strbuf_adds(&sigs, sigs.len ? " or (" : "(");
            int np = b->arity == -2 ? 1 : b->arity;
            for (int k = 0; k < np; k++)
                fg_strbuf_printf(&sigs, "%s%s", k ? ", " : "", fg_type_name(b->params[k]));
            fg_strbuf_adds(&sigs, b->arity == -2 ? ", ...)" : ")");
        }
    }
    if (!arity_ok) {
        char exp[64];
        if (max_ar >= 1000)
            snprintf(exp, sizeof exp, "%d or more arguments", min_ar);
        else if (min_ar != max_ar)
            snprintf(exp, sizeof exp, "%d to %d arguments", min_ar, max_ar);
        else
            snprintf(exp, sizeof exp, "%d argument%s", min_ar, min_ar == 1 ? "" : "s");
        if (min_ar + 1 == max_ar)
            snprintf(exp, sizeof exp, "%d or %d arguments", min_ar, max_ar);
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->call.name_span, NULL, "`%s` takes %s, got %u", name,
                    exp, n);
    } else {
        fg_strbuf got;
        fg_strbuf_init(&got, ch->alloc);
        for (uint32_t k = 0; k < n; k++)
            fg_strbuf_printf(&got, "%s%s", k ? ", " : "", fg_type_name(args[k]->type));
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->call.name_span, NULL,
                    "`%s` cannot take (%s); it takes %s", name, got.data ? got.data : "",
                    sigs.data ? sigs.data : "?");
        fg_strbuf_free(&got);
    }
    fg_strbuf_free(&sigs);
    return FG_T_ERROR;
}

static fg_type check_user_call(fg_chk *ch, fg_expr *e, fg_decl *d)
{
    const char *name = e->call.name;
    if (ch->mode == FG_CHK_CONST) {
        char what[200], kind[64];
        snprintf(what, sizeof what, "`%s`", name);
        snprintf(kind, sizeof kind, "a %s", fg_chk_kind_name(d->kind));
        purity_error(ch, e->call.name_span, what, kind);
        return FG_T_ERROR;
    }
    e->decl = d;
    fg_type res = fg_chk_decl(ch, d, e->call.name_span);
    fg_ptrvec *params = d->kind == FG_D_FN ? &d->fn.params : &d->table.params;
    uint32_t n = e->call.args.n;
    if (n != params->n) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->call.name_span, NULL,
                    "%s `%s` takes %u argument%s, got %u", fg_chk_kind_name(d->kind), name,
                    params->n, params->n == 1 ? "" : "s", n);
        return FG_T_ERROR;
    }
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        fg_param *p = params->items[i];
        char what[200];
        snprintf(what, sizeof what, "argument %u (`%s`) of `%s`", i + 1, p->name, name);
        ok = fg_chk_assign(ch, e->call.args.items[i], p->type, what) && ok;
    }
    for (uint32_t i = 0; i < n; i++)
        if (((fg_expr *)e->call.args.items[i])->type == FG_T_ERROR)
            ok = false;
    return ok ? res : FG_T_ERROR;
}

static fg_type check_call(fg_chk *ch, fg_expr *e)
{
    const char *name = e->call.name;
    for (uint32_t i = 0; i < e->call.args.n; i++)
        fg_chk_expr(ch, e->call.args.items[i]);
    bool is_failed = strcmp(name, "failed") == 0, is_count = strcmp(name, "failed_count") == 0;
    if (is_failed || is_count) {
        if (e->call.args.n) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, e->call.name_span, NULL,
                        "`%s` takes no arguments, got %u", name, e->call.args.n);
            return FG_T_ERROR;
        }
        if (ch->mode != FG_CHK_ROW) {
            char what[64];
            snprintf(what, sizeof what, "`%s()`", name);
            purity_error(ch, e->call.name_span, what, "it reads the row's rules");
            return FG_T_ERROR;
        }
        fg_chk_failed_dep(ch, e->call.name_span, is_count);
        return is_failed ? FG_T_STR : FG_T_INT;
    }
    if (ch->params)
        for (uint32_t i = 0; i < ch->params->n; i++)
            if (strcmp(((fg_param *)ch->params->items[i])->name, name) == 0) {
                fg_diag_add(ch->diags, FG_SEV_ERROR, e->call.name_span, NULL,
                            "`%s` is a parameter, not a fn or table", name);
                return FG_T_ERROR;
            }
    fg_decl *d = fg_chk_lookup(ch, name);
    if (d && (d->kind == FG_D_FN || d->kind == FG_D_TABLE))
        return check_user_call(ch, e, d);
    if (d) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->call.name_span, NULL,
                    "`%s` is %s %s, not a fn or table", name, article(d->kind),
                    fg_chk_kind_name(d->kind));
        return FG_T_ERROR;
    }
    for (int i = 0; i < FG_B_COUNT; i++)
        if (strcmp(fg_builtin_table[i].name, name) == 0)
            return check_builtin(ch, e, i);
    const char *best = closest(ch, name, true);
    char hint[200];
    if (best)
        snprintf(hint, sizeof hint, "did you mean `%s`?", best);
    fg_diag_add(ch->diags, FG_SEV_ERROR, e->call.name_span, best ? hint : NULL,
                "unknown function `%s`", name);
    return FG_T_ERROR;
}

static const char *binop_text(fg_binop op)
{
    static const char *const t[] = {"+",  "-", "*",  "/",   "==", "!=", "<",
                                    "<=", ">", ">=", "and", "or", "??"};
    return t[op];
}

static bool need_numeric(fg_chk *ch, fg_expr *x, const char *op)
{
    if (fg_type_is_numeric(x->type))
        return true;
    fg_diag_add(ch->diags, FG_SEV_ERROR, x->span, NULL,
                "operand of `%s` must be int or num, found %s", op, fg_type_name(x->type));
    return false;
}

static fg_type check_binary(fg_chk *ch, fg_expr *e)
{
    fg_expr *l = e->binary.lhs, *r = e->binary.rhs;
    fg_binop op = e->binary.op;
    const char *ot = binop_text(op);
    fg_type lt = fg_chk_expr(ch, l), rt = fg_chk_expr(ch, r);
    if (lt == FG_T_ERROR || rt == FG_T_ERROR)
        return FG_T_ERROR;
    char what[64];
    switch (op) {
    case FG_OP_AND:
    case FG_OP_OR: {
        snprintf(what, sizeof what, "operand of `%s`", ot);
        bool ok = fg_chk_assign(ch, l, FG_T_BOOL, what);
        ok = fg_chk_assign(ch, r, FG_T_BOOL, what) && ok;
        return ok ? FG_T_BOOL : FG_T_ERROR;
    }
    case FG_OP_COALESCE: {
        if (!fg_type_is_opt(lt)) {
            const char *text = fg_chk_text(ch, l->span);
            fg_diag_add(ch->diags, FG_SEV_WARNING, e->binary.op_span, "remove `?? ...`",
                        "`%s` is never missing (%s), so `??` has no effect", text,
                        fg_type_name(lt));
        }
        fg_type lb = fg_type_base(lt), rb = fg_type_base(rt), res;
        if (lb == rb)
            res = lb;
        else if (fg_type_is_numeric(lb) && fg_type_is_numeric(rb))
            res = num_meet(l, r);
        else {
            fg_diag_add(ch->diags, FG_SEV_ERROR, e->binary.op_span, NULL,
                        "the operands of `??` have different types: %s and %s", fg_type_name(lt),
                        fg_type_name(rt));
            return FG_T_ERROR;
        }
        return (fg_type)(res | (fg_type_is_opt(rt) ? FG_T_OPT : 0));
    }
    default:
        break;
    }
    bool ok = fg_chk_present(ch, l);
    ok = fg_chk_present(ch, r) && ok;
    if (!ok)
        return FG_T_ERROR;
    switch (op) {
    case FG_OP_ADD:
    case FG_OP_SUB:
    case FG_OP_MUL:
    case FG_OP_DIV: {
        bool n1 = need_numeric(ch, l, ot), n2 = need_numeric(ch, r, ot);
        if (!n1 || !n2)
            return FG_T_ERROR;
        fg_type t = num_meet(l, r);
        if (op == FG_OP_DIV) {
            l->widen = fg_type_base(lt) == FG_T_INT;
            r->widen = fg_type_base(rt) == FG_T_INT;
            t = FG_T_NUM;
        }
        return t;
    }
    default: {
        fg_type lb = fg_type_base(lt), rb = fg_type_base(rt);
        if (fg_type_is_numeric(lb) && fg_type_is_numeric(rb)) {
            num_meet(l, r);
            return FG_T_BOOL;
        }
        if (lb == rb && lb == FG_T_STR)
            return FG_T_BOOL;
        if (lb == rb && lb == FG_T_BOOL) {
            if (op == FG_OP_EQ || op == FG_OP_NE)
                return FG_T_BOOL;
            fg_diag_add(ch->diags, FG_SEV_ERROR, e->binary.op_span, NULL,
                        "bools compare only with `==` and `!=`, not `%s`", ot);
            return FG_T_ERROR;
        }
        fg_diag_add(ch->diags, FG_SEV_ERROR, e->binary.op_span, NULL, "cannot compare %s with %s",
                    fg_type_name(lt), fg_type_name(rt));
        return FG_T_ERROR;
    }
    }
}

/* `in` and `between`: operand and the others share a base type. */
static fg_type check_members(fg_chk *ch, fg_expr *x, fg_expr **items, uint32_t n, const char *op,
                             bool ordered)
{
    fg_type xt = fg_chk_expr(ch, x);
    bool ok = xt != FG_T_ERROR;
    for (uint32_t i = 0; i < n; i++)
        if (fg_chk_expr(ch, items[i]) == FG_T_ERROR)
            ok = false;
    if (!ok)
        return FG_T_ERROR;
    ok = fg_chk_present(ch, x);
    for (uint32_t i = 0; i < n; i++)
        ok = fg_chk_present(ch, items[i]) && ok;
    if (!ok)
        return FG_T_ERROR;
    fg_type xb = fg_type_base(xt);
    if (ordered && xb == FG_T_BOOL) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, x->span, NULL,
                    "`%s` needs numbers or strings, found bool", op);
        return FG_T_ERROR;
    }
    bool any_num = xb == FG_T_NUM;
    for (uint32_t i = 0; i < n; i++) {
        fg_type ib = fg_type_base(items[i]->type);
        if (ib == xb || (fg_type_is_numeric(ib) && fg_type_is_numeric(xb))) {
            any_num = any_num || ib == FG_T_NUM;
            continue;
        }
        fg_diag_add(ch->diags, FG_SEV_ERROR, items[i]->span, NULL, "`%s` compares %s with %s", op,
                    fg_type_name(xb), fg_type_name(ib));
        ok = false;
    }
    if (!ok)
        return FG_T_ERROR;
    if (any_num) {
        x->widen = xb == FG_T_INT;
        for (uint32_t i = 0; i < n; i++)
            items[i]->widen = fg_type_base(items[i]->type) == FG_T_INT;
    }
    return FG_T_BOOL;
}

static fg_type check_if(fg_chk *ch, fg_expr *e)
{
    fg_type ct = fg_chk_expr(ch, e->if_.cond);
    fg_type at = fg_chk_expr(ch, e->if_.then_e), bt = fg_chk_expr(ch, e->if_.else_e);
    bool ok = ct != FG_T_ERROR && fg_chk_assign(ch, e->if_.cond, FG_T_BOOL, "an `if` condition");
    if (at == FG_T_ERROR || bt == FG_T_ERROR || !ok)
        return FG_T_ERROR;
    ok = fg_chk_present(ch, e->if_.then_e);
    ok = fg_chk_present(ch, e->if_.else_e) && ok;
    if (!ok)
        return FG_T_ERROR;
    fg_type a = fg_type_base(at), b = fg_type_base(bt);
    if (a == b)
        return a;
    if (fg_type_is_numeric(a) && fg_type_is_numeric(b))
        return num_meet(e->if_.then_e, e->if_.else_e);
    fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, NULL,
                "the branches of `if` have different types: %s and %s", fg_type_name(a),
                fg_type_name(b));
    return FG_T_ERROR;
}

fg_type fg_chk_expr(fg_chk *ch, fg_expr *e)
{
    fg_type t = FG_T_ERROR;
    e->param_index = -1;
    e->builtin = -1;
    e->widen = false;
    switch (e->kind) {
    case FG_E_INT:
        t = FG_T_INT;
        break;
    case FG_E_NUM:
        t = FG_T_NUM;
        break;
    case FG_E_BOOL:
        t = FG_T_BOOL;
        break;
    case FG_E_STR: {
        bool ok = true;
        for (uint32_t i = 0; i < e->str.parts.n; i++) {
            fg_strpart *p = e->str.parts.items[i];
            if (!p->is_expr)
                continue;
            if (fg_chk_expr(ch, p->expr) == FG_T_ERROR || !fg_chk_present(ch, p->expr))
                ok = false;
        }
        t = ok ? FG_T_STR : FG_T_ERROR;
        break;
    }
    case FG_E_NAME:
        t = check_name(ch, e);
        break;
    case FG_E_CALL:
        t = check_call(ch, e);
        break;
    case FG_E_UNARY: {
        fg_type o = fg_chk_expr(ch, e->unary.operand);
        if (o == FG_T_ERROR)
            break;
        if (e->unary.op == FG_OP_NOT) {
            t = fg_chk_assign(ch, e->unary.operand, FG_T_BOOL, "the operand of `not`") ? FG_T_BOOL
                                                                                       : FG_T_ERROR;
        } else if (fg_chk_present(ch, e->unary.operand) &&
                   need_numeric(ch, e->unary.operand, "-")) {
            t = fg_type_base(o);
        }
        break;
    }
    case FG_E_BINARY:
        t = check_binary(ch, e);
        break;
    case FG_E_IF:
        t = check_if(ch, e);
        break;
    case FG_E_IS:
        t = fg_chk_expr(ch, e->is.operand) == FG_T_ERROR ? FG_T_ERROR : FG_T_BOOL;
        break;
    case FG_E_IN:
        t = check_members(ch, e->in.operand, (fg_expr **)e->in.items.items, e->in.items.n, "in",
                          false);
        break;
    case FG_E_BETWEEN: {
        fg_expr *items[2] = {e->between.lo, e->between.hi};
        t = check_members(ch, e->between.operand, items, 2, "between", true);
        break;
    }
    }
    e->type = t;
    return t;
}
