/* cost.c — bounds the work one row can take. The language has no loops and
 * no recursion, but a fn may call an earlier fn several times, so the work
 * of a call can double at each level of a fn chain: 30 fns that each call
 * the previous one twice already mean 2^30 evaluations per row. This pass
 * counts the expression nodes a row evaluates with every fn and table call
 * expanded (memoised per declaration, in declaration order, saturating) and
 * rejects a policy over FG_MAX_ROW_COST, so evaluation time per row is
 * bounded by a known constant, not just "finite". */
#include "cost.h"

#define COST_SAT ((uint64_t)1 << 62)

typedef struct cost_ctx {
    const fg_ptrvec *decls;
    uint64_t *memo; /* per decl position: cost + 1, 0 = not computed yet */
} cost_ctx;

static uint64_t add(uint64_t a, uint64_t b)
{
    return a > COST_SAT - b ? COST_SAT : a + b;
}

static uint64_t expr_cost(cost_ctx *c, const fg_expr *e);

static uint64_t vec_cost(cost_ctx *c, const fg_ptrvec *v)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < v->n; i++)
        n = add(n, expr_cost(c, v->items[i]));
    return n;
}

/* The cost of one call of fn or table d: its body, or all its rows. */
static uint64_t decl_call_cost(cost_ctx *c, const fg_decl *d)
{
    if (d->order >= c->decls->n || c->decls->items[d->order] != d)
        return 1;
    if (c->memo[d->order])
        return c->memo[d->order] - 1;
    uint64_t n = 1;
    if (d->kind == FG_D_FN) {
        n = add(n, expr_cost(c, d->fn.body));
    } else if (d->kind == FG_D_TABLE) {
        for (uint32_t i = 0; i < d->table.rows.n; i++) {
            const fg_table_row *r = d->table.rows.items[i];
            n = add(n, add(1, expr_cost(c, r->result)));
        }
    }
    c->memo[d->order] = n + 1;
    return n;
}

static uint64_t expr_cost(cost_ctx *c, const fg_expr *e)
{
    if (!e)
        return 0;
    uint64_t n = 1;
    switch (e->kind) {
    case FG_E_STR:
        for (uint32_t i = 0; i < e->str.parts.n; i++) {
            const fg_strpart *p = e->str.parts.items[i];
            if (p->is_expr)
                n = add(n, expr_cost(c, p->expr));
        }
        break;
    case FG_E_CALL:
        n = add(n, vec_cost(c, &e->call.args));
        if (e->decl && (e->decl->kind == FG_D_FN || e->decl->kind == FG_D_TABLE))
            n = add(n, decl_call_cost(c, e->decl));
        break;
    case FG_E_UNARY:
        n = add(n, expr_cost(c, e->unary.operand));
        break;
    case FG_E_BINARY:
        n = add(n, add(expr_cost(c, e->binary.lhs), expr_cost(c, e->binary.rhs)));
        break;
    case FG_E_IF:
        n = add(n, expr_cost(c, e->if_.cond));
        n = add(n, add(expr_cost(c, e->if_.then_e), expr_cost(c, e->if_.else_e)));
        break;
    case FG_E_IS:
        n = add(n, expr_cost(c, e->is.operand));
        break;
    case FG_E_IN:
        n = add(n, add(expr_cost(c, e->in.operand), vec_cost(c, &e->in.items)));
        break;
    case FG_E_BETWEEN:
        n = add(n, expr_cost(c, e->between.operand));
        n = add(n, add(expr_cost(c, e->between.lo), expr_cost(c, e->between.hi)));
        break;
    default:
        break;
    }
    return n;
}

/* What one row evaluates for declaration d (0 for fns and tables: they
 * count where they are called). */
static uint64_t row_cost(cost_ctx *c, const fg_decl *d)
{
    switch (d->kind) {
    case FG_D_LET:
        return expr_cost(c, d->let.value);
    case FG_D_RULE:
        return add(expr_cost(c, d->rule.cond), expr_cost(c, d->rule.message));
    case FG_D_OUTPUT:
        return expr_cost(c, d->output.value);
    case FG_D_DECIDE: {
        uint64_t n = 0;
        for (uint32_t i = 0; i < d->decide.arms.n; i++) {
            const fg_decide_arm *a = d->decide.arms.items[i];
            n = add(n, add(expr_cost(c, a->cond), expr_cost(c, a->value)));
        }
        return n;
    }
    case FG_D_REPORT: {
        uint64_t n = 0;
        for (uint32_t i = 0; i < d->report.items.n; i++) {
            const fg_report_item *it = d->report.items.items[i];
            n = add(n, expr_cost(c, it->agg));
        }
        return n;
    }
    default:
        return 0;
    }
}

bool fg_cost_check(const fg_ptrvec *decls, const fg_allocator *alloc, fg_diags *diags)
{
    cost_ctx c = {decls, fg_calloc(alloc, decls->n ? decls->n : 1, sizeof(uint64_t))};
    if (!c.memo) {
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory");
        return false;
    }
    bool ok = true;
    uint64_t total = 0;
    for (uint32_t i = 0; i < decls->n && ok; i++) {
        const fg_decl *d = decls->items[i];
        uint64_t own =
            d->kind == FG_D_FN || d->kind == FG_D_TABLE ? decl_call_cost(&c, d) : row_cost(&c, d);
        total = add(total, d->kind == FG_D_FN || d->kind == FG_D_TABLE ? 0 : own);
        if (own > FG_MAX_ROW_COST || total > FG_MAX_ROW_COST) {
            fg_diag_add(diags, FG_SEV_ERROR, d->name ? d->name_span : d->span,
                        "a fn that calls another fn several times multiplies the work at "
                        "each level: compute the value once in a `let`",
                        "the policy would evaluate more than %llu expressions per row "
                        "(with fn calls expanded)",
                        (unsigned long long)FG_MAX_ROW_COST);
            ok = false;
        }
    }
    fg_free(alloc, c.memo);
    return ok;
}
