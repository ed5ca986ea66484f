/* check.c — the checker's declaration level: one global scope over every
 * loaded file, duplicate names, on-demand checking of declarations in
 * dependency order (so names may be used before they are declared), the
 * cycle and recursion errors that fall out of it, and the checks of outputs,
 * reports, fixtures and tests. Expressions are typed in check_expr.c,
 * tables in check_table.c, consts folded in consteval.c. */
#include <stdio.h>
#include <string.h>

#include "check_int.h"

/* Stack entries standing for failed() / failed_count() in cycle paths. */
static void check_params(fg_chk *ch, const fg_ptrvec *params);
static const char fg_chk_tag_failed[] = "failed()";
static const char fg_chk_tag_count[] = "failed_count()";

void fg_chk_oom(fg_chk *ch)
{
    if (!ch->oom)
        fg_diag_add_nospan(ch->diags, FG_SEV_ERROR, NULL, "out of memory");
    ch->oom = true;
}

const char *fg_chk_kind_name(fg_decl_kind k)
{
    static const char *const names[] = {"policy",  "input", "const",  "let",    "fn",
                                        "table",   "rule",  "decide", "output", "report",
                                        "fixture", "test",  "import"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "declaration";
}

/* ---------------- scopes ---------------- */

static uint32_t chk_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static fg_chk_scope_ent *scope_new(fg_chk *ch, uint32_t n, uint32_t *cap)
{
    uint32_t c = 16;
    while (c < 2 * n + 8)
        c *= 2;
    *cap = c;
    fg_chk_scope_ent *t = fg_arena_zalloc(ch->ar, c * sizeof *t);
    if (!t)
        fg_chk_oom(ch);
    return t;
}

/* Inserts name -> d; returns the earlier declaration when the name is taken. */
static fg_decl *scope_put(fg_chk_scope_ent *t, uint32_t cap, const char *name, fg_decl *d)
{
    for (uint32_t i = chk_hash(name) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (!t[i].name) {
            t[i].name = name;
            t[i].decl = d;
            return NULL;
        }
        if (strcmp(t[i].name, name) == 0)
            return t[i].decl;
    }
}

static fg_decl *scope_get(const fg_chk_scope_ent *t, uint32_t cap, const char *name)
{
    if (!t)
        return NULL;
    for (uint32_t i = chk_hash(name) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        if (!t[i].name)
            return NULL;
        if (strcmp(t[i].name, name) == 0)
            return t[i].decl;
    }
}

fg_decl *fg_chk_lookup(const fg_chk *ch, const char *name)
{
    return scope_get(ch->scope, ch->scope_cap, name);
}

fg_decl *fg_chk_fixture(const fg_chk *ch, const char *name)
{
    return scope_get(ch->fixtures, ch->fixtures_cap, name);
}

static bool is_global(const fg_decl *d)
{
    switch (d->kind) {
    case FG_D_INPUT:
    case FG_D_CONST:
    case FG_D_LET:
    case FG_D_FN:
    case FG_D_TABLE:
    case FG_D_RULE:
    case FG_D_DECIDE:
        return true;
    case FG_D_OUTPUT:
        return d->output.value != NULL;
    default:
        return false;
    }
}

static void dup_error(fg_chk *ch, fg_decl *d, fg_decl *prev)
{
    fg_diag_add(ch->diags, FG_SEV_ERROR, d->name_span, NULL, "duplicate declaration of `%s`",
                d->name);
    fg_diag_add(ch->diags, FG_SEV_NOTE, prev->name_span, NULL, "`%s` is first declared here",
                prev->name);
}

static bool build_scopes(fg_chk *ch)
{
    uint32_t n = ch->decls.n;
    ch->scope = scope_new(ch, n, &ch->scope_cap);
    ch->fixtures = scope_new(ch, n, &ch->fixtures_cap);
    if (!ch->scope || !ch->fixtures)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        fg_decl *d = ch->decls.items[i];
        if (!d->name)
            continue;
        fg_decl *prev = NULL;
        if (is_global(d))
            prev = scope_put(ch->scope, ch->scope_cap, d->name, d);
        else if (d->kind == FG_D_FIXTURE)
            prev = scope_put(ch->fixtures, ch->fixtures_cap, d->name, d);
        if (prev)
            dup_error(ch, d, prev);
    }
    return true;
}

/* ---------------- on-demand checking and cycles ---------------- */

static const char *stack_label(const void *ent)
{
    if (ent == fg_chk_tag_failed || ent == fg_chk_tag_count)
        return ent;
    const fg_decl *d = ent;
    return d->name ? d->name : "?";
}

static void report_cycle(fg_chk *ch, fg_decl *d, fg_span ref)
{
    uint32_t from = 0;
    for (uint32_t i = ch->stack.n; i-- > 0;)
        if (ch->stack.items[i] == d) {
            from = i;
            break;
        }
    fg_strbuf sb;
    fg_strbuf_init(&sb, ch->alloc);
    for (uint32_t i = from; i < ch->stack.n; i++)
        fg_strbuf_printf(&sb, "`%s` -> ", stack_label(ch->stack.items[i]));
    fg_strbuf_printf(&sb, "`%s`", stack_label(d));
    if (sb.failed) {
        fg_strbuf_free(&sb);
        fg_chk_oom(ch);
        return;
    }
    if (d->kind == FG_D_FN || d->kind == FG_D_TABLE)
        fg_diag_add(ch->diags, FG_SEV_ERROR, ref,
                    "fns and tables may not call themselves, directly or through others, so "
                    "every evaluation terminates",
                    "recursive call: %s", sb.data);
    else if (strstr(sb.data, "`failed()`") || strstr(sb.data, "`failed_count()`"))
        fg_diag_add(ch->diags, FG_SEV_ERROR, ref,
                    "failed() and failed_count() read every rule, so no rule may use them, "
                    "directly or through a let",
                    "dependency cycle: %s", sb.data);
    else
        fg_diag_add(ch->diags, FG_SEV_ERROR, ref, NULL, "dependency cycle: %s", sb.data);
    fg_strbuf_free(&sb);
}

static void check_body(fg_chk *ch, fg_decl *d);

fg_type fg_chk_decl(fg_chk *ch, fg_decl *d, fg_span ref)
{
    fg_chk_info *info = &ch->info[d->order];
    if (info->state == 2)
        return d->type;
    if (info->state == 1) {
        report_cycle(ch, d, ref);
        return FG_T_ERROR;
    }
    fg_decl *cur = ch->cur;
    fg_chk_mode mode = ch->mode;
    fg_ptrvec *params = ch->params;
    info->state = 1;
    if (!fg_ptrvec_push(ch->ar, &ch->stack, d))
        fg_chk_oom(ch);
    ch->cur = d;
    ch->mode = FG_CHK_ROW;
    ch->params = NULL;
    check_body(ch, d);
    if (ch->stack.n)
        ch->stack.n--;
    info->state = 2;
    ch->cur = cur;
    ch->mode = mode;
    ch->params = params;
    return d->type;
}

void fg_chk_failed_dep(fg_chk *ch, fg_span ref, bool count)
{
    if (ch->cur)
        ch->info[ch->cur->order].uses_failed = true;
    if (!fg_ptrvec_push(ch->ar, &ch->stack,
                        count ? (void *)fg_chk_tag_count : (void *)fg_chk_tag_failed)) {
        fg_chk_oom(ch);
        return;
    }
    for (uint32_t i = 0; i < ch->decls.n; i++) {
        fg_decl *r = ch->decls.items[i];
        if (r->kind == FG_D_RULE)
            fg_chk_decl(ch, r, ref);
    }
    ch->stack.n--;
}

/* decide: bool conditions, `otherwise` last and only last, values meet. */
static fg_type check_decide(fg_chk *ch, fg_decl *d)
{
    fg_ptrvec *arms = &d->decide.arms;
    fg_type meet = 0;
    bool bad = false, has_otherwise = false;
    for (uint32_t i = 0; i < arms->n; i++) {
        fg_decide_arm *a = arms->items[i];
        if (a->cond) {
            fg_chk_expr(ch, a->cond);
            fg_chk_assign(ch, a->cond, FG_T_BOOL, "a `when` condition");
        } else if (i + 1 != arms->n) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, a->span, NULL,
                        "`otherwise` must be the last arm of decide `%s`", d->name);
            bad = true;
        } else {
            has_otherwise = true;
        }
        fg_type t = fg_chk_expr(ch, a->value);
        if (t == FG_T_ERROR || !fg_chk_present(ch, a->value)) {
            bad = true;
            continue;
        }
        fg_type b = fg_type_base(t);
        if (!meet)
            meet = b;
        else if (meet != b && fg_type_is_numeric(meet) && fg_type_is_numeric(b))
            meet = FG_T_NUM;
        else if (meet != b) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, a->value->span, NULL,
                        "arms of decide `%s` have different types: %s and %s", d->name,
                        fg_type_name(meet), fg_type_name(b));
            bad = true;
        }
    }
    if (!has_otherwise)
        fg_diag_add(ch->diags, FG_SEV_ERROR, d->name_span, "add `otherwise => ...` as the last arm",
                    "decide `%s` has no `otherwise` arm", d->name);
    if (bad || !meet)
        return FG_T_ERROR;
    for (uint32_t i = 0; i < arms->n; i++) {
        fg_decide_arm *a = arms->items[i];
        fg_chk_assign(ch, a->value, meet, "a decide arm");
    }
    return meet;
}

static void check_body(fg_chk *ch, fg_decl *d)
{
    switch (d->kind) {
    case FG_D_INPUT:
        d->type = d->input.type;
        break;
    case FG_D_CONST:
        ch->mode = FG_CHK_CONST;
        d->type = fg_chk_expr(ch, d->const_.value);
        if (d->type != FG_T_ERROR)
            fg_ceval_const(ch, d);
        break;
    case FG_D_LET:
        d->type = fg_chk_expr(ch, d->let.value);
        break;
    case FG_D_FN: {
        ch->mode = FG_CHK_PURE;
        ch->params = &d->fn.params;
        check_params(ch, &d->fn.params);
        d->type = d->fn.result;
        char what[160];
        snprintf(what, sizeof what, "the body of fn `%s`", d->name);
        if (fg_chk_expr(ch, d->fn.body) != FG_T_ERROR)
            fg_chk_assign(ch, d->fn.body, d->fn.result, what);
        break;
    }
    case FG_D_TABLE:
        ch->mode = FG_CHK_PURE;
        ch->params = &d->table.params;
        check_params(ch, &d->table.params);
        d->type = d->table.result;
        fg_chk_table(ch, d);
        break;
    case FG_D_RULE:
        d->type = FG_T_BOOL;
        if (fg_chk_expr(ch, d->rule.cond) != FG_T_ERROR)
            fg_chk_assign(ch, d->rule.cond, FG_T_BOOL, "a rule condition");
        if (d->rule.message)
            fg_chk_expr(ch, d->rule.message);
        break;
    case FG_D_DECIDE:
        d->type = check_decide(ch, d);
        break;
    case FG_D_OUTPUT:
        if (d->output.value)
            d->type = fg_chk_expr(ch, d->output.value);
        break;
    default:
        break;
    }
}

/* ---------------- outputs, reports, fixtures, tests ---------------- */

static void check_output_alias(fg_chk *ch, fg_decl *d)
{
    fg_decl *t = fg_chk_lookup(ch, d->name);
    if (!t) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, d->name_span, NULL,
                    "`output %s` names no input, let, rule or decide", d->name);
        return;
    }
    if (t->kind != FG_D_INPUT && t->kind != FG_D_LET && t->kind != FG_D_RULE &&
        t->kind != FG_D_DECIDE) {
        fg_diag_add(ch->diags, FG_SEV_ERROR, d->name_span,
                    t->kind == FG_D_OUTPUT ? NULL : "write `output name = expr` for a new column",
                    "`output %s` must name an input, let, rule or decide, but `%s` is %s %s",
                    d->name, d->name, t->kind == FG_D_INPUT ? "an" : "a",
                    t->kind == FG_D_OUTPUT ? "output already" : fg_chk_kind_name(t->kind));
        return;
    }
    d->type = fg_chk_decl(ch, t, d->name_span);
}

static void check_outputs_once(fg_chk *ch)
{
    for (uint32_t i = 0; i < ch->decls.n; i++) {
        fg_decl *a = ch->decls.items[i];
        if (a->kind != FG_D_OUTPUT || a->output.value || !a->name)
            continue;
        for (uint32_t j = 0; j < i; j++) {
            fg_decl *b = ch->decls.items[j];
            if (b->kind == FG_D_OUTPUT && b->name && !b->output.value &&
                strcmp(a->name, b->name) == 0) {
                fg_diag_add(ch->diags, FG_SEV_ERROR, a->name_span, NULL,
                            "output `%s` appears twice", a->name);
                fg_diag_add(ch->diags, FG_SEV_NOTE, b->name_span, NULL, "`%s` is first output here",
                            b->name);
                break;
            }
        }
    }
}

/* Two parameters of one fn or table may not share a name. */
static void check_params(fg_chk *ch, const fg_ptrvec *params)
{
    for (uint32_t i = 0; i < params->n; i++) {
        const fg_param *p = params->items[i];
        for (uint32_t j = 0; j < i; j++) {
            const fg_param *q = params->items[j];
            if (strcmp(p->name, q->name) == 0) {
                fg_diag_add(ch->diags, FG_SEV_ERROR, p->span, "rename one of them",
                            "duplicate parameter `%s`", p->name);
                break;
            }
        }
    }
}

static const char *const agg_names[] = {"count", "sum", "avg", "min", "max", "share"};

static void check_report(fg_chk *ch, fg_decl *d)
{
    for (uint32_t i = 0; i < d->report.by.n; i++) {
        fg_expr *e = d->report.by.items[i];
        fg_type t = fg_chk_expr(ch, e);
        if (t != FG_T_ERROR && e->kind == FG_E_NAME && e->decl && (e->decl->kind == FG_D_CONST)) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, e->span, NULL,
                        "`by %s` must name a row value (input, let, rule, decide or output), "
                        "not a const",
                        e->name.name);
            e->type = FG_T_ERROR;
        }
    }
    for (uint32_t i = 0; i < d->report.items.n; i++) {
        fg_report_item *it = d->report.items.items[i];
        for (uint32_t j = 0; j < i; j++) {
            fg_report_item *o = d->report.items.items[j];
            if (it->label && o->label && strcmp(it->label, o->label) == 0) {
                fg_diag_add(ch->diags, FG_SEV_ERROR, it->label_span, NULL,
                            "duplicate report column `%s`", it->label);
                break;
            }
        }
        fg_expr *call = it->agg;
        if (!call || call->kind != FG_E_CALL)
            continue;
        const char *name = call->call.name;
        size_t k = 0;
        while (k < 6 && strcmp(agg_names[k], name) != 0)
            k++;
        if (k == 6) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, call->call.name_span,
                        "a report column is one of count(), count(cond), sum(x), avg(x), "
                        "min(x), max(x), share(cond)",
                        "unknown aggregate `%s`", name);
            continue;
        }
        uint32_t n = call->call.args.n;
        bool is_count = k == 0, is_cond = k == 0 || k == 5;
        if ((is_count && n > 1) || (!is_count && n != 1)) {
            fg_diag_add(ch->diags, FG_SEV_ERROR, call->call.name_span, NULL,
                        "`%s` takes %s, got %u", name, is_count ? "0 or 1 arguments" : "1 argument",
                        n);
            continue;
        }
        call->type = (k == 0) ? FG_T_INT : FG_T_NUM;
        call->builtin = -1;
        call->param_index = -1;
        if (n == 0)
            continue;
        fg_expr *arg = call->call.args.items[0];
        fg_type t = fg_chk_expr(ch, arg);
        if (t == FG_T_ERROR)
            continue;
        fg_type b = fg_type_base(t);
        if (is_cond && b != FG_T_BOOL)
            fg_diag_add(ch->diags, FG_SEV_ERROR, arg->span, NULL,
                        "the argument of `%s` must be bool, found %s", name, fg_type_name(t));
        else if (!is_cond && !fg_type_is_numeric(b) && k != 3 && k != 4)
            fg_diag_add(ch->diags, FG_SEV_ERROR, arg->span, NULL,
                        "the argument of `%s` must be int or num, found %s", name, fg_type_name(t));
    }
}

/* Literal of a fixture field: checked against the input's type. */
static void check_fields(fg_chk *ch, fg_ptrvec *fields, const char *where)
{
    for (uint32_t i = 0; i < fields->n; i++) {
        fg_field_init *f = fields->items[i];
        for (uint32_t j = 0; j < i; j++) {
            fg_field_init *o = fields->items[j];
            if (strcmp(o->name, f->name) == 0) {
                fg_diag_add(ch->diags, FG_SEV_ERROR, f->name_span, NULL,
                            "field `%s` is given twice in %s", f->name, where);
                break;
            }
        }
        fg_decl *in = fg_chk_lookup(ch, f->name);
        if (!in || in->kind != FG_D_INPUT) {
            const char *cands[512];
            size_t nc = 0;
            for (uint32_t j = 0; j < ch->decls.n && nc < 512; j++) {
                fg_decl *d = ch->decls.items[j];
                if (d->kind == FG_D_INPUT && d->name)
                    cands[nc++] = d->name;
            }
            const char *best = fg_closest_name(f->name, cands, nc);
            char hint[200];
            if (best)
                snprintf(hint, sizeof hint, "did you mean `%s`?", best);
            fg_diag_add(ch->diags, FG_SEV_ERROR, f->name_span, best ? hint : NULL,
                        in ? "`%s` in %s is not an input (it is %s %s)"
                           : "unknown input `%s` in %s%s%s",
                        f->name, where, in ? "a" : "", in ? fg_chk_kind_name(in->kind) : "");
            continue;
        }
        if (!f->value)
            continue;
        fg_value v;
        fg_type t;
        if (!fg_chk_cell_value(ch, f->value, &v, &t))
            continue;
        fg_type want = fg_type_base(in->input.type);
        if (t != want && !(t == FG_T_INT && want == FG_T_NUM))
            fg_diag_add(ch->diags, FG_SEV_ERROR, f->value->span, NULL,
                        "input `%s` is %s, but the value is %s", f->name,
                        fg_type_name(in->input.type), fg_type_name(t));
    }
}

static void check_test(fg_chk *ch, fg_decl *d)
{
    if (d->test.fixture && !fg_chk_fixture(ch, d->test.fixture)) {
        const char *cands[512];
        size_t nc = 0;
        for (uint32_t j = 0; j < ch->decls.n && nc < 512; j++) {
            fg_decl *f = ch->decls.items[j];
            if (f->kind == FG_D_FIXTURE && f->name)
                cands[nc++] = f->name;
        }
        const char *best = fg_closest_name(d->test.fixture, cands, nc);
        char hint[200];
        if (best)
            snprintf(hint, sizeof hint, "did you mean `%s`?", best);
        fg_diag_add(ch->diags, FG_SEV_ERROR, d->test.fixture_span, best ? hint : NULL,
                    "unknown fixture `%s`", d->test.fixture);
    }
    check_fields(ch, &d->test.with, "`with`");
    for (uint32_t i = 0; i < d->test.expects.n; i++) {
        fg_expr *e = d->test.expects.items[i];
        if (fg_chk_expr(ch, e) != FG_T_ERROR)
            fg_chk_assign(ch, e, FG_T_BOOL, "an `expect`");
    }
}

/* A policy without key columns or outputs would write empty rows. */
static void check_writes_something(fg_chk *ch)
{
    for (uint32_t i = 0; i < ch->decls.n; i++) {
        const fg_decl *d = ch->decls.items[i];
        if (d->kind == FG_D_OUTPUT || (d->kind == FG_D_INPUT && d->input.key))
            return;
    }
    fg_diag_add_nospan(ch->diags, FG_SEV_WARNING,
                       "declare a key column (`id : str key`) or an `output`",
                       "the policy has no key columns and no outputs: eval writes empty rows");
}

bool fg_chk_run(fg_chk *ch)
{
    uint32_t errors0 = ch->diags->nerrors;
    uint32_t n = ch->decls.n;
    ch->info = fg_arena_zalloc(ch->ar, (n ? n : 1) * sizeof *ch->info);
    if (!ch->info || !build_scopes(ch)) {
        fg_chk_oom(ch);
        return false;
    }
    fg_decl *policy = NULL;
    for (uint32_t i = 0; i < n; i++) {
        fg_decl *d = ch->decls.items[i];
        d->index = -1;
        if (d->kind == FG_D_POLICY) {
            if (policy) {
                fg_diag_add(ch->diags, FG_SEV_ERROR, d->span, NULL,
                            "the `policy` header appears twice");
                fg_diag_add(ch->diags, FG_SEV_NOTE, policy->span, NULL, "first header here");
            } else {
                policy = d;
            }
        }
    }
    for (uint32_t i = 0; i < n && !ch->oom; i++) {
        fg_decl *d = ch->decls.items[i];
        ch->cur = d;
        ch->mode = FG_CHK_ROW;
        ch->params = NULL;
        ch->stack.n = 0;
        switch (d->kind) {
        case FG_D_OUTPUT:
            if (d->output.value)
                fg_chk_decl(ch, d, d->name_span);
            else
                check_output_alias(ch, d);
            break;
        case FG_D_REPORT:
            check_report(ch, d);
            break;
        case FG_D_FIXTURE: {
            char where[200];
            snprintf(where, sizeof where, "fixture `%s`", d->name ? d->name : "?");
            check_fields(ch, &d->fixture.fields, where);
            break;
        }
        case FG_D_TEST:
            check_test(ch, d);
            break;
        case FG_D_POLICY:
        case FG_D_IMPORT:
            break;
        default:
            fg_chk_decl(ch, d, d->name_span);
            break;
        }
    }
    ch->cur = NULL;
    check_outputs_once(ch);
    check_writes_something(ch);
    return !ch->oom && ch->diags->nerrors == errors0;
}
