/* lower.c — checked AST -> fg_program (lang/ir.h). Names become indices,
 * consts become literal nodes, implicit int->num widening becomes TO_NUM
 * nodes, string interpolation becomes CONCAT, and the per-row declarations
 * are laid out as slots in evaluation order: a depth-first post-order over
 * their dependencies, visiting declarations in source order, so each slot
 * reads only earlier ones and independent declarations keep source order.
 * Report arguments follow as FG_SLOT_REPORT slots. Runs only when checking
 * reported no error; its only failure is running out of memory. */
#include <string.h>

#include "../runtime/format.h"
#include "check_int.h"

typedef struct lw {
    fg_chk *ch;
    fg_program *p;
    fg_arena *ar; /* the program's arena */
    bool oom;
    fg_ptrvec order; /* slot decls in evaluation order (compile arena) */
    uint8_t *placed; /* by decl order */
} lw;

static void *lw_alloc(lw *w, size_t n)
{
    void *p = fg_arena_zalloc(w->ar, n ? n : 1);
    if (!p)
        w->oom = true;
    return p;
}

static const char *lw_str(lw *w, const char *s)
{
    if (!s)
        return NULL;
    char *d = fg_arena_strndup(w->ar, s, strlen(s));
    if (!d)
        w->oom = true;
    return d;
}

static fg_str lw_bytes(lw *w, fg_str s)
{
    fg_str r = {"", 0};
    char *d = fg_arena_strndup(w->ar, s.ptr ? s.ptr : "", s.len);
    if (!d) {
        w->oom = true;
        return r;
    }
    r.ptr = d;
    r.len = s.len;
    return r;
}

static fg_ir *node(lw *w, fg_op op, fg_type t, fg_span sp, uint32_t nargs)
{
    fg_ir *n = lw_alloc(w, sizeof *n);
    if (!n)
        return NULL;
    n->op = (uint16_t)op;
    n->type = t;
    n->span = sp;
    n->nargs = nargs;
    if (nargs) {
        n->args = lw_alloc(w, nargs * sizeof *n->args);
        if (!n->args)
            return NULL;
    }
    return n;
}

static fg_ir *const_node(lw *w, fg_value v, fg_type t, fg_span sp)
{
    static const fg_op ops[] = {FG_IR_CONST_INT, FG_IR_CONST_INT, FG_IR_CONST_NUM, FG_IR_CONST_BOOL,
                                FG_IR_CONST_STR};
    fg_type b = fg_type_base(t);
    fg_ir *n = node(w, ops[b <= FG_T_STR ? b : 0], b, sp, 0);
    if (!n)
        return NULL;
    switch (b) {
    case FG_T_INT:
        n->imm.i = v.i;
        break;
    case FG_T_NUM:
        n->imm.n = v.n;
        break;
    case FG_T_BOOL:
        n->imm.b = v.b;
        break;
    default:
        n->imm.s = lw_bytes(w, v.s);
        break;
    }
    return n;
}

static fg_ir *lower(lw *w, fg_expr *e);

/* An interpolated string becomes CONCAT of its parts; runs of text and
 * constants (`{DUST_LIMIT}`) are formatted now, as output formats them,
 * into one CONST_STR, so a string without per-row values is one constant. */
static fg_ir *lower_str(lw *w, fg_expr *e)
{
    uint32_t np = e->str.parts.n, nargs = 0;
    fg_ir **args = lw_alloc(w, (np + 1) * sizeof *args);
    fg_strbuf text;
    fg_strbuf_init(&text, w->ch->alloc);
    bool ok = args != NULL;
    for (uint32_t i = 0; ok && i <= np; i++) {
        fg_strpart *p = i < np ? e->str.parts.items[i] : NULL;
        fg_ir *a = p && p->is_expr ? lower(w, p->expr) : NULL;
        fg_value v;
        if (p && p->is_expr && !a) {
            ok = false;
        } else if (p && !p->is_expr) {
            fg_strbuf_add(&text, p->text.ptr, p->text.len);
        } else if (a && fg_ir_const_value(a, &v)) {
            fg_fmt_value(&text, a->type, v);
        } else { /* a per-row value, or the end: the text so far is one part */
            if (text.failed) {
                ok = false;
                break;
            }
            if (text.len || (!p && nargs == 0)) {
                fg_value t = {.s = {text.data ? text.data : "", (uint32_t)text.len}};
                ok = (args[nargs++] = const_node(w, t, FG_T_STR, p ? p->span : e->span)) != NULL;
                text.len = 0;
            }
            if (a && fg_type_base(a->type) != FG_T_STR) {
                fg_ir *s = node(w, FG_IR_TO_STR, FG_T_STR, p->expr->span, 1);
                if (s)
                    s->args[0] = a;
                a = s;
                ok = ok && a;
            }
            if (a)
                args[nargs++] = a;
        }
    }
    fg_strbuf_free(&text);
    if (!ok) {
        w->oom = true;
        return NULL;
    }
    if (nargs == 1 && args[0]->op == FG_IR_CONST_STR)
        return args[0];
    fg_ir *n = node(w, FG_IR_CONCAT, FG_T_STR, e->span, nargs);
    if (!n)
        return NULL;
    memcpy(n->args, args, nargs * sizeof *args);
    return n;
}

static fg_ir *lower_args(lw *w, fg_ir *n, fg_ptrvec *args, uint32_t first)
{
    if (!n)
        return NULL;
    for (uint32_t i = 0; i < args->n; i++)
        if (!(n->args[first + i] = lower(w, args->items[i])))
            return NULL;
    return n;
}

static fg_ir *lower_call(lw *w, fg_expr *e)
{
    fg_span sp = e->call.name_span;
    uint32_t n = e->call.args.n;
    if (e->builtin >= 0) {
        fg_ir *c = node(w, FG_IR_CALL, e->type, sp, n);
        if (c)
            c->sub = (uint16_t)e->builtin;
        return lower_args(w, c, &e->call.args, 0);
    }
    if (e->decl && (e->decl->kind == FG_D_FN || e->decl->kind == FG_D_TABLE)) {
        fg_ir *c =
            node(w, e->decl->kind == FG_D_FN ? FG_IR_CALL_FN : FG_IR_CALL_TABLE, e->type, sp, n);
        if (c)
            c->imm.index = (uint32_t)e->decl->index;
        return lower_args(w, c, &e->call.args, 0);
    }
    if (strcmp(e->call.name, "failed") == 0)
        return node(w, FG_IR_FAILED, FG_T_STR, sp, 0);
    return node(w, FG_IR_FAILED_COUNT, FG_T_INT, sp, 0);
}

static fg_ir *lower_name(lw *w, fg_expr *e)
{
    fg_ir *n;
    if (e->param_index >= 0) {
        n = node(w, FG_IR_PARAM, e->type, e->span, 0);
        if (n)
            n->imm.index = (uint32_t)e->param_index;
        return n;
    }
    fg_decl *d = e->decl;
    if (d->kind == FG_D_CONST)
        return const_node(w, w->ch->info[d->order].cval, d->type, e->span);
    n = node(w, d->kind == FG_D_INPUT ? FG_IR_INPUT : FG_IR_SLOT, d->type, e->span, 0);
    if (n)
        n->imm.index = (uint32_t)d->index;
    return n;
}

static fg_op arith_op(fg_binop op, bool is_int)
{
    switch (op) {
    case FG_OP_ADD:
        return is_int ? FG_IR_ADD_INT : FG_IR_ADD_NUM;
    case FG_OP_SUB:
        return is_int ? FG_IR_SUB_INT : FG_IR_SUB_NUM;
    case FG_OP_MUL:
        return is_int ? FG_IR_MUL_INT : FG_IR_MUL_NUM;
    default:
        return FG_IR_DIV_NUM;
    }
}

static fg_type post_type(const fg_expr *e)
{
    return e->widen ? FG_T_NUM : fg_type_base(e->type);
}

static fg_ir *lower_binary(lw *w, fg_expr *e)
{
    fg_binop op = e->binary.op;
    fg_op irop;
    uint16_t sub = 0;
    if (op <= FG_OP_DIV)
        irop = arith_op(op, fg_type_base(e->type) == FG_T_INT);
    else if (op <= FG_OP_GE) {
        static const fg_op cmps[] = {0, FG_IR_CMP_INT, FG_IR_CMP_NUM, FG_IR_CMP_BOOL,
                                     FG_IR_CMP_STR};
        irop = cmps[post_type(e->binary.lhs)];
        sub = (uint16_t)(FG_CMP_EQ + (op - FG_OP_EQ));
    } else if (op == FG_OP_AND)
        irop = FG_IR_AND;
    else if (op == FG_OP_OR)
        irop = FG_IR_OR;
    else
        irop = FG_IR_COALESCE;
    fg_ir *n = node(w, irop, e->type, e->binary.op_span, 2);
    if (!n)
        return NULL;
    n->sub = sub;
    n->args[0] = lower(w, e->binary.lhs);
    n->args[1] = lower(w, e->binary.rhs);
    return n->args[0] && n->args[1] ? n : NULL;
}

static fg_ir *lower_raw(lw *w, fg_expr *e)
{
    fg_ir *n = NULL;
    fg_value v = {0};
    switch (e->kind) {
    case FG_E_INT:
        v.i = e->ival;
        return const_node(w, v, FG_T_INT, e->span);
    case FG_E_NUM:
        v.n = e->nval;
        return const_node(w, v, FG_T_NUM, e->span);
    case FG_E_BOOL:
        v.b = e->bval;
        return const_node(w, v, FG_T_BOOL, e->span);
    case FG_E_STR:
        return lower_str(w, e);
    case FG_E_NAME:
        return lower_name(w, e);
    case FG_E_CALL:
        return lower_call(w, e);
    case FG_E_UNARY:
        n = node(w,
                 e->unary.op == FG_OP_NOT            ? FG_IR_NOT
                 : fg_type_base(e->type) == FG_T_INT ? FG_IR_NEG_INT
                                                     : FG_IR_NEG_NUM,
                 e->type, e->span, 1);
        if (n && !(n->args[0] = lower(w, e->unary.operand)))
            return NULL;
        return n;
    case FG_E_BINARY:
        return lower_binary(w, e);
    case FG_E_IF:
        n = node(w, FG_IR_IF, e->type, e->span, 3);
        if (!n || !(n->args[0] = lower(w, e->if_.cond)) ||
            !(n->args[1] = lower(w, e->if_.then_e)) || !(n->args[2] = lower(w, e->if_.else_e)))
            return NULL;
        return n;
    case FG_E_IS:
        n = node(w, e->is.present ? FG_IR_IS_PRESENT : FG_IR_IS_MISSING, FG_T_BOOL, e->span, 1);
        if (n && !(n->args[0] = lower(w, e->is.operand)))
            return NULL;
        return n;
    case FG_E_IN:
        n = node(w, FG_IR_IN, FG_T_BOOL, e->span, e->in.items.n + 1);
        if (!n || !(n->args[0] = lower(w, e->in.operand)))
            return NULL;
        return lower_args(w, n, &e->in.items, 1);
    case FG_E_BETWEEN:
        n = node(w, FG_IR_BETWEEN, FG_T_BOOL, e->span, 3);
        if (!n || !(n->args[0] = lower(w, e->between.operand)) ||
            !(n->args[1] = lower(w, e->between.lo)) || !(n->args[2] = lower(w, e->between.hi)))
            return NULL;
        return n;
    }
    return NULL;
}

/* Lowers e, wrapping it in TO_NUM where the checker widened it. */
static fg_ir *lower(lw *w, fg_expr *e)
{
    fg_ir *n = lower_raw(w, e);
    if (!n || !e->widen || fg_type_base(n->type) != FG_T_INT)
        return n;
    fg_ir *t = node(w, FG_IR_TO_NUM, (fg_type)(FG_T_NUM | (n->type & FG_T_OPT)), e->span, 1);
    if (t)
        t->args[0] = n;
    return t;
}

/* ---------------- program parts ---------------- */

static bool is_slot_decl(const fg_decl *d)
{
    return d->kind == FG_D_LET || d->kind == FG_D_RULE || d->kind == FG_D_DECIDE ||
           (d->kind == FG_D_OUTPUT && d->output.value);
}

static void visit(lw *w, fg_decl *d)
{
    if (w->placed[d->order])
        return;
    w->placed[d->order] = 1;
    fg_chk_info *info = &w->ch->info[d->order];
    for (uint32_t i = 0; i < info->deps.n; i++) {
        fg_decl *dep = info->deps.items[i];
        if (is_slot_decl(dep))
            visit(w, dep);
    }
    if (info->uses_failed)
        for (uint32_t i = 0; i < w->ch->decls.n; i++) {
            fg_decl *r = w->ch->decls.items[i];
            if (r->kind == FG_D_RULE)
                visit(w, r);
        }
    d->index = (int32_t)w->order.n;
    if (!fg_ptrvec_push(w->ch->ar, &w->order, d))
        w->oom = true;
}

static void lower_inputs(lw *w)
{
    fg_program *p = w->p;
    fg_ptrvec *decls = &w->ch->decls;
    for (uint32_t i = 0; i < decls->n; i++) {
        fg_decl *d = decls->items[i];
        if (d->kind == FG_D_INPUT) {
            p->ninputs++;
            p->nkeys += d->input.key;
        } else if (d->kind == FG_D_FN)
            d->index = (int32_t)p->nfns++;
        else if (d->kind == FG_D_TABLE)
            d->index = (int32_t)p->ntables++;
        else if (d->kind == FG_D_POLICY && !p->policy_name && !p->policy_version) {
            p->policy_name = lw_str(w, d->policy.name);
            p->policy_version = lw_str(w, d->policy.version);
        }
    }
    p->inputs = lw_alloc(w, p->ninputs * sizeof *p->inputs);
    p->keys = lw_alloc(w, p->nkeys * sizeof *p->keys);
    if (!p->inputs || !p->keys)
        return;
    uint32_t k = 0, n = 0;
    for (uint32_t i = 0; i < decls->n; i++) {
        fg_decl *d = decls->items[i];
        if (d->kind != FG_D_INPUT)
            continue;
        fg_input *in = &p->inputs[n];
        in->name = lw_str(w, d->name);
        in->header = lw_str(w, d->input.header ? d->input.header : d->name);
        in->type = d->input.type;
        in->key = d->input.key;
        in->span = d->span;
        if (d->input.key)
            p->keys[k++] = n;
        d->index = (int32_t)n++;
    }
}

static void lower_slot(lw *w, fg_slot *s, fg_decl *d, uint32_t *rule_index)
{
    s->name = lw_str(w, d->name);
    s->type = d->type;
    s->span = d->span;
    switch (d->kind) {
    case FG_D_LET:
        s->kind = FG_SLOT_LET;
        s->expr = lower(w, d->let.value);
        break;
    case FG_D_RULE:
        s->kind = FG_SLOT_RULE;
        s->expr = lower(w, d->rule.cond);
        s->rule_index = rule_index[d->order];
        if (d->rule.message)
            s->message = lower(w, d->rule.message);
        break;
    case FG_D_DECIDE: {
        s->kind = FG_SLOT_DECIDE;
        fg_ptrvec *arms = &d->decide.arms;
        fg_ir *n = node(w, FG_IR_DECIDE, d->type, d->span, 2 * arms->n - 1);
        if (!n)
            return;
        for (uint32_t i = 0; i < arms->n; i++) {
            fg_decide_arm *a = arms->items[i];
            if (a->cond)
                n->args[2 * i] = lower(w, a->cond);
            n->args[a->cond ? 2 * i + 1 : 2 * i] = lower(w, a->value);
        }
        s->expr = n;
        break;
    }
    default:
        s->kind = FG_SLOT_OUTPUT;
        s->expr = lower(w, d->output.value);
        break;
    }
    if (!s->expr)
        w->oom = true;
}

static fg_agg agg_of(const fg_expr *call)
{
    const char *n = call->call.name;
    if (strcmp(n, "count") == 0)
        return call->call.args.n ? FG_AGG_COUNT_IF : FG_AGG_COUNT;
    if (strcmp(n, "sum") == 0)
        return FG_AGG_SUM;
    if (strcmp(n, "avg") == 0)
        return FG_AGG_AVG;
    if (strcmp(n, "min") == 0)
        return FG_AGG_MIN;
    if (strcmp(n, "max") == 0)
        return FG_AGG_MAX;
    return FG_AGG_SHARE;
}

static const char *slot_name(lw *w, const char *report, const char *what, const char *label)
{
    fg_strbuf sb;
    fg_strbuf_init(&sb, w->ch->alloc);
    fg_strbuf_printf(&sb, "%s#%s%s", report ? report : "report", what, label);
    const char *s = sb.failed ? NULL : lw_str(w, sb.data);
    if (sb.failed)
        w->oom = true;
    fg_strbuf_free(&sb);
    return s;
}

static void lower_reports(lw *w, uint32_t *next_slot)
{
    fg_program *p = w->p;
    fg_ptrvec *decls = &w->ch->decls;
    for (uint32_t i = 0; i < decls->n; i++)
        p->nreports += ((fg_decl *)decls->items[i])->kind == FG_D_REPORT;
    p->reports = lw_alloc(w, p->nreports * sizeof *p->reports);
    if (!p->reports)
        return;
    uint32_t r = 0;
    for (uint32_t i = 0; i < decls->n; i++) {
        fg_decl *d = decls->items[i];
        if (d->kind != FG_D_REPORT)
            continue;
        fg_report *rep = &p->reports[r++];
        rep->name = lw_str(w, d->name);
        rep->span = d->span;
        rep->nby = d->report.by.n;
        rep->by_names = lw_alloc(w, rep->nby * sizeof *rep->by_names);
        rep->by_slots = lw_alloc(w, rep->nby * sizeof *rep->by_slots);
        rep->by_types = lw_alloc(w, rep->nby * sizeof *rep->by_types);
        rep->ncols = d->report.items.n;
        rep->cols = lw_alloc(w, rep->ncols * sizeof *rep->cols);
        if (!rep->by_names || !rep->by_slots || !rep->by_types || !rep->cols)
            return;
        for (uint32_t b = 0; b < rep->nby; b++) {
            fg_expr *e = d->report.by.items[b];
            fg_slot *s = &p->slots[*next_slot];
            s->kind = FG_SLOT_REPORT;
            s->name = slot_name(w, d->name, "by.", e->name.name);
            s->type = e->type;
            s->span = e->span;
            s->expr = lower(w, e);
            rep->by_names[b] = lw_str(w, e->name.name);
            rep->by_types[b] = e->type;
            rep->by_slots[b] = (*next_slot)++;
        }
        for (uint32_t c = 0; c < rep->ncols; c++) {
            fg_report_item *it = d->report.items.items[c];
            fg_report_col *col = &rep->cols[c];
            col->label = lw_str(w, it->label);
            col->agg = agg_of(it->agg);
            col->slot = -1;
            if (it->agg->call.args.n) {
                fg_expr *a = it->agg->call.args.items[0];
                fg_slot *s = &p->slots[*next_slot];
                s->kind = FG_SLOT_REPORT;
                s->name = slot_name(w, d->name, "", it->label);
                s->type = a->type;
                s->span = a->span;
                s->expr = lower(w, a);
                col->arg_type = a->type;
                col->slot = (int32_t)(*next_slot)++;
            }
            switch (col->agg) {
            case FG_AGG_COUNT:
            case FG_AGG_COUNT_IF:
                col->type = FG_T_INT;
                break;
            case FG_AGG_SUM:
            case FG_AGG_MIN:
            case FG_AGG_MAX:
                col->type = fg_type_base(col->arg_type);
                break;
            default:
                col->type = FG_T_NUM;
                break;
            }
        }
    }
}

static void lower_outputs(lw *w)
{
    fg_program *p = w->p;
    fg_ptrvec *decls = &w->ch->decls;
    for (uint32_t i = 0; i < decls->n; i++)
        p->noutputs += ((fg_decl *)decls->items[i])->kind == FG_D_OUTPUT;
    p->outputs = lw_alloc(w, p->noutputs * sizeof *p->outputs);
    if (!p->outputs)
        return;
    uint32_t k = 0;
    for (uint32_t i = 0; i < decls->n; i++) {
        fg_decl *d = decls->items[i];
        if (d->kind != FG_D_OUTPUT)
            continue;
        fg_output *o = &p->outputs[k++];
        o->name = lw_str(w, d->name);
        o->type = d->type;
        fg_decl *t = d->output.value ? d : fg_chk_lookup(w->ch, d->name);
        o->src = t->kind == FG_D_INPUT ? FG_OUT_INPUT : FG_OUT_SLOT;
        o->index = (uint32_t)t->index;
    }
}

static bool lower_params(lw *w, fg_ptrvec *params, uint32_t *n, const char ***names,
                         fg_type **types)
{
    *n = params->n;
    *names = lw_alloc(w, params->n * sizeof **names);
    *types = lw_alloc(w, params->n * sizeof **types);
    if (!*names || !*types)
        return false;
    for (uint32_t i = 0; i < params->n; i++) {
        fg_param *pa = params->items[i];
        (*names)[i] = lw_str(w, pa->name);
        (*types)[i] = pa->type;
    }
    return true;
}

static void lower_callables(lw *w)
{
    fg_program *p = w->p;
    fg_ptrvec *decls = &w->ch->decls;
    p->fns = lw_alloc(w, p->nfns * sizeof *p->fns);
    p->tables = lw_alloc(w, p->ntables * sizeof *p->tables);
    if (!p->fns || !p->tables)
        return;
    for (uint32_t i = 0; i < decls->n && !w->oom; i++) {
        fg_decl *d = decls->items[i];
        if (d->kind == FG_D_FN) {
            fg_fn *f = &p->fns[d->index];
            f->name = lw_str(w, d->name);
            f->result = d->fn.result;
            f->span = d->span;
            if (lower_params(w, &d->fn.params, &f->nparams, &f->param_names, &f->param_types))
                f->body = lower(w, d->fn.body);
            if (!f->body)
                w->oom = true;
        } else if (d->kind == FG_D_TABLE) {
            fg_table *t = &p->tables[d->index];
            t->name = lw_str(w, d->name);
            t->result = d->table.result;
            t->unique = d->table.hit == FG_HIT_UNIQUE;
            t->span = d->span;
            if (!lower_params(w, &d->table.params, &t->nparams, &t->param_names, &t->param_types))
                return;
            t->nrows = d->table.rows.n;
            t->rows = lw_alloc(w, t->nrows * sizeof *t->rows);
            if (!t->rows)
                return;
            for (uint32_t r = 0; r < t->nrows; r++) {
                fg_table_row *row = d->table.rows.items[r];
                fg_ir_table_row *ir = &t->rows[r];
                ir->span = row->span;
                ir->cells = lw_alloc(w, t->nparams * sizeof *ir->cells);
                if (!ir->cells)
                    return;
                for (uint32_t c = 0; c < t->nparams; c++) {
                    fg_cell *cell = row->cells.items[c];
                    fg_ir_cell *ic = &ir->cells[c];
                    ic->kind = (fg_ir_cell_kind)cell->kind;
                    ic->span = cell->span;
                    if (!fg_chk_cell_fold(w->ch, cell, t->param_types[c], &ic->cmp_type, &ic->vals,
                                          &ic->nvals, w->ar))
                        w->oom = true;
                }
                if (!(ir->result = lower(w, row->result)))
                    w->oom = true;
            }
        }
    }
}

static void apply_fields(lw *w, fg_test *t, fg_ptrvec *fields)
{
    for (uint32_t i = 0; i < fields->n; i++) {
        fg_field_init *f = fields->items[i];
        fg_decl *in = fg_chk_lookup(w->ch, f->name);
        uint32_t k = (uint32_t)in->index;
        fg_value v = {.missing = true};
        t->given[k] = f->value != NULL;
        if (f->value) {
            fg_type vt;
            fg_chk_cell_value(w->ch, f->value, &v, &vt);
            if (vt == FG_T_INT && fg_type_base(in->input.type) == FG_T_NUM)
                v.n = (double)v.i;
            if (vt == FG_T_STR)
                v.s = lw_bytes(w, v.s);
            v.missing = false;
        }
        t->inputs[k] = v;
    }
}

static void lower_tests(lw *w)
{
    fg_program *p = w->p;
    fg_ptrvec *decls = &w->ch->decls;
    for (uint32_t i = 0; i < decls->n; i++)
        p->ntests += ((fg_decl *)decls->items[i])->kind == FG_D_TEST;
    p->tests = lw_alloc(w, p->ntests * sizeof *p->tests);
    if (!p->tests)
        return;
    uint32_t k = 0;
    for (uint32_t i = 0; i < decls->n && !w->oom; i++) {
        fg_decl *d = decls->items[i];
        if (d->kind != FG_D_TEST)
            continue;
        fg_test *t = &p->tests[k++];
        t->title = lw_str(w, d->test.title ? d->test.title : "");
        t->span = d->span;
        t->inputs = lw_alloc(w, p->ninputs * sizeof *t->inputs);
        t->given = lw_alloc(w, p->ninputs * sizeof *t->given);
        t->nexpects = d->test.expects.n;
        t->expects = lw_alloc(w, t->nexpects * sizeof *t->expects);
        if (!t->inputs || !t->given || !t->expects)
            return;
        for (uint32_t j = 0; j < p->ninputs; j++)
            t->inputs[j].missing = true;
        fg_decl *fx = d->test.fixture ? fg_chk_fixture(w->ch, d->test.fixture) : NULL;
        if (fx)
            apply_fields(w, t, &fx->fixture.fields);
        apply_fields(w, t, &d->test.with);
        for (uint32_t j = 0; j < t->nexpects; j++) {
            fg_expr *e = d->test.expects.items[j];
            fg_expect *x = &t->expects[j];
            x->span = e->span;
            const fg_file *f = w->ch->src->files[e->span.file];
            char *txt =
                fg_arena_strndup(w->ar, f->text + e->span.start, e->span.end - e->span.start);
            if (!txt)
                w->oom = true;
            x->text = txt;
            if (!(x->expr = lower(w, e)))
                w->oom = true;
        }
    }
}

fg_program *fg_lower(fg_chk *ch)
{
    fg_program *p = fg_malloc(ch->alloc, sizeof *p);
    if (!p) {
        fg_chk_oom(ch);
        return NULL;
    }
    memset(p, 0, sizeof *p);
    fg_arena_init(&p->arena, ch->alloc);
    fg_sources_init(&p->sources, ch->alloc);
    lw w = {.ch = ch, .p = p, .ar = &p->arena};
    fg_ptrvec *decls = &ch->decls;
    w.placed = fg_arena_zalloc(ch->ar, decls->n + 1);
    uint32_t *rule_index = fg_arena_zalloc(ch->ar, (decls->n + 1) * sizeof *rule_index);
    if (!w.placed || !rule_index)
        goto fail;
    lower_inputs(&w);
    for (uint32_t i = 0; i < decls->n; i++) {
        fg_decl *d = decls->items[i];
        if (d->kind == FG_D_RULE)
            rule_index[d->order] = p->nrules++;
        if (is_slot_decl(d))
            visit(&w, d);
    }
    uint32_t nreport = 0;
    for (uint32_t i = 0; i < decls->n; i++) {
        fg_decl *d = decls->items[i];
        if (d->kind != FG_D_REPORT)
            continue;
        nreport += d->report.by.n;
        for (uint32_t j = 0; j < d->report.items.n; j++)
            nreport += ((fg_report_item *)d->report.items.items[j])->agg->call.args.n > 0;
    }
    p->first_report_slot = w.order.n;
    p->nslots = w.order.n + nreport;
    p->slots = lw_alloc(&w, p->nslots * sizeof *p->slots);
    p->rule_slots = lw_alloc(&w, p->nrules * sizeof *p->rule_slots);
    if (w.oom)
        goto fail;
    for (uint32_t i = 0; i < w.order.n && !w.oom; i++) {
        fg_decl *d = w.order.items[i];
        lower_slot(&w, &p->slots[i], d, rule_index);
        if (d->kind == FG_D_RULE)
            p->rule_slots[rule_index[d->order]] = i;
    }
    uint32_t next = w.order.n;
    lower_reports(&w, &next);
    lower_outputs(&w);
    lower_callables(&w);
    lower_tests(&w);
    if (w.oom || p->arena.failed)
        goto fail;
    return p;
fail:
    fg_chk_oom(ch);
    fg_program_free(p);
    return NULL;
}

fg_ir *fg_lower_expr(fg_chk *ch, fg_expr *e, fg_arena *ar)
{
    lw w = {.ch = ch, .ar = ar};
    fg_ir *n = lower(&w, e);
    return w.oom ? NULL : n;
}
