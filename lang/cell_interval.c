/* cell_interval.c — table cells as unions of intervals: folding a checked
 * cell, int closure, inclusion, intersection with an example value, and the
 * gaps the cells of a column leave on the number line. Pure interval math
 * over constant cells; the callers decide what to report. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cell_interval.h"

int fg_cellint_cmp(fg_value a, fg_value b, fg_type t)
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

bool fg_cellint_fold(fg_chk *ch, fg_cell *c, fg_type ptype, fg_cellint_set *s)
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
    fg_value *vals = fg_arena_zalloc(ch->ar, (nops ? nops : 1) * sizeof *vals);
    fg_type *types = fg_arena_zalloc(ch->ar, (nops ? nops : 1) * sizeof *types);
    if (!s->v || !vals || !types)
        return false;
    bool any_num = false;
    for (uint32_t i = 0; i < nops; i++) {
        if (!fg_chk_cell_value(ch, items[i], &vals[i], &types[i]))
            return false;
        any_num |= types[i] == FG_T_NUM;
    }
    if (s->t == FG_T_INT && any_num) /* an int parameter compared with num cells */
        s->t = FG_T_NUM;
    if (s->t == FG_T_NUM)
        for (uint32_t i = 0; i < nops; i++)
            if (types[i] == FG_T_INT)
                vals[i].n = (double)vals[i].i;
    fg_cellint *x = &s->v[0];
    switch (c->kind) {
    case FG_CELL_ANY:
        x->lo_inf = x->hi_inf = true;
        break;
    case FG_CELL_EQ:
        x->lo = x->hi = vals[0];
        x->lo_src = x->hi_src = items[0];
        break;
    case FG_CELL_LT:
    case FG_CELL_LE:
        x->lo_inf = true;
        x->hi = vals[0];
        x->hi_src = items[0];
        x->hi_open = c->kind == FG_CELL_LT;
        break;
    case FG_CELL_GT:
    case FG_CELL_GE:
        x->hi_inf = true;
        x->lo = vals[0];
        x->lo_src = items[0];
        x->lo_open = c->kind == FG_CELL_GT;
        break;
    case FG_CELL_RANGE:
        x->lo = vals[0];
        x->hi = vals[1];
        x->lo_src = items[0];
        x->hi_src = items[1];
        break;
    case FG_CELL_IN:
        for (uint32_t i = 0; i < nops; i++) {
            s->v[i].lo = s->v[i].hi = vals[i];
            s->v[i].lo_src = s->v[i].hi_src = items[i];
        }
        break;
    }
    return true;
}

void fg_cellint_close_ints(fg_cellint_set *s)
{
    if (s->t != FG_T_INT)
        return;
    for (uint32_t i = 0; i < s->n; i++) {
        fg_cellint *y = &s->v[i];
        if (!y->lo_inf && y->lo_open && y->lo.i < INT64_MAX)
            y->lo.i++, y->lo_open = false, y->lo_src = NULL;
        if (!y->hi_inf && y->hi_open && y->hi.i > INT64_MIN)
            y->hi.i--, y->hi_open = false, y->hi_src = NULL;
    }
}

static double as_num(fg_value v, fg_type t)
{
    return t == FG_T_INT ? (double)v.i : v.n;
}

/* Compares values of two sets' types (int against num as numbers). */
static int cmp_mixed(fg_value a, fg_type ta, fg_value b, fg_type tb)
{
    if (ta == tb)
        return fg_cellint_cmp(a, b, ta);
    double x = as_num(a, ta), y = as_num(b, tb);
    return x < y ? -1 : x > y;
}

/* b (of type tb) is inside a (of type ta). */
static bool ivl_within(const fg_cellint *b, fg_type tb, const fg_cellint *a, fg_type ta)
{
    bool lo = a->lo_inf;
    if (!lo && !b->lo_inf) {
        int c = cmp_mixed(a->lo, ta, b->lo, tb);
        lo = c < 0 || (c == 0 && (!a->lo_open || b->lo_open));
    }
    bool hi = a->hi_inf;
    if (!hi && !b->hi_inf) {
        int c = cmp_mixed(a->hi, ta, b->hi, tb);
        hi = c > 0 || (c == 0 && (!a->hi_open || b->hi_open));
    }
    return lo && hi;
}

bool fg_cellint_within(const fg_cellint_set *b, const fg_cellint_set *a)
{
    for (uint32_t i = 0; i < b->n; i++) {
        bool in = false;
        for (uint32_t j = 0; j < a->n && !in; j++)
            in = ivl_within(&b->v[i], b->t, &a->v[j], a->t);
        if (!in)
            return false;
    }
    return true;
}

static void to_num(fg_cellint_set *s)
{
    if (s->t != FG_T_INT)
        return;
    for (uint32_t i = 0; i < s->n; i++) {
        s->v[i].lo.n = (double)s->v[i].lo.i;
        s->v[i].hi.n = (double)s->v[i].hi.i;
    }
    s->t = FG_T_NUM;
}

/* Intersection of two intervals of type t; ex gets an example value. */
static bool ivl_meet(const fg_cellint *a, const fg_cellint *b, fg_type t, fg_value *ex,
                     bool *has_ex)
{
    fg_cellint m;
    if (a->lo_inf || (!b->lo_inf && fg_cellint_cmp(b->lo, a->lo, t) > 0) ||
        (!b->lo_inf && fg_cellint_cmp(b->lo, a->lo, t) == 0 && b->lo_open)) {
        m.lo_inf = b->lo_inf, m.lo = b->lo, m.lo_open = b->lo_open;
    } else {
        m.lo_inf = a->lo_inf, m.lo = a->lo, m.lo_open = a->lo_open;
    }
    if (a->hi_inf || (!b->hi_inf && fg_cellint_cmp(b->hi, a->hi, t) < 0) ||
        (!b->hi_inf && fg_cellint_cmp(b->hi, a->hi, t) == 0 && b->hi_open)) {
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
        int c = fg_cellint_cmp(m.lo, m.hi, t);
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

bool fg_cellint_meet(fg_cellint_set *a, fg_cellint_set *b, fg_value *ex, bool *has_ex, fg_type *ext)
{
    if (a->t != b->t) {
        to_num(a);
        to_num(b);
    }
    *ext = a->t;
    for (uint32_t i = 0; i < a->n; i++)
        for (uint32_t j = 0; j < b->n; j++)
            if (ivl_meet(&a->v[i], &b->v[j], a->t, ex, has_ex))
                return true;
    return false;
}

/* ---- gaps ---- */

typedef struct sorted_ivl {
    fg_cellint v;
    uint32_t order; /* ties keep the cells' order, so messages are stable */
} sorted_ivl;

/* Num domain: by low end, unbounded first, a closed end before an open one. */
static int by_lo_num(const void *pa, const void *pb)
{
    const sorted_ivl *a = pa, *b = pb;
    if (a->v.lo_inf != b->v.lo_inf)
        return a->v.lo_inf ? -1 : 1;
    if (!a->v.lo_inf) {
        if (a->v.lo.n != b->v.lo.n)
            return a->v.lo.n < b->v.lo.n ? -1 : 1;
        if (a->v.lo_open != b->v.lo_open)
            return a->v.lo_open ? 1 : -1;
    }
    return a->order < b->order ? -1 : a->order > b->order;
}

static int by_lo_int(const void *pa, const void *pb)
{
    const sorted_ivl *a = pa, *b = pb;
    if (a->v.lo.i != b->v.lo.i)
        return a->v.lo.i < b->v.lo.i ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* An int or num interval as a closed interval of integers; false if empty. */
static bool to_int_domain(const fg_cellint *x, fg_type t, fg_cellint *out)
{
    memset(out, 0, sizeof *out);
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (t == FG_T_INT) {
        if (!x->lo_inf) {
            if (x->lo_open && x->lo.i == INT64_MAX)
                return false;
            lo = x->lo_open ? x->lo.i + 1 : x->lo.i;
        }
        if (!x->hi_inf) {
            if (x->hi_open && x->hi.i == INT64_MIN)
                return false;
            hi = x->hi_open ? x->hi.i - 1 : x->hi.i;
        }
    } else {
        const double two63 = 9223372036854775808.0;
        if (!x->lo_inf) {
            double d = x->lo_open ? floor(x->lo.n) + 1 : ceil(x->lo.n);
            if (d >= two63)
                return false;
            if (d > -two63)
                lo = (int64_t)d;
        }
        if (!x->hi_inf) {
            double d = x->hi_open ? ceil(x->hi.n) - 1 : floor(x->hi.n);
            if (d < -two63)
                return false;
            if (d < two63)
                hi = (int64_t)d;
        }
    }
    if (lo > hi)
        return false;
    out->lo.i = lo;
    out->hi.i = hi;
    return true;
}

static void add_int_gap(fg_cellint *g, uint32_t *n, int64_t lo, int64_t hi)
{
    fg_cellint *x = &g[(*n)++];
    memset(x, 0, sizeof *x);
    x->lo.i = lo;
    x->hi.i = hi;
    x->lo_inf = lo == INT64_MIN;
    x->hi_inf = hi == INT64_MAX;
}

static void gaps_int(const sorted_ivl *iv, uint32_t m, fg_cellint *g, uint32_t *ng)
{
    int64_t reach = 0;
    for (uint32_t i = 0; i < m; i++) {
        int64_t lo = iv[i].v.lo.i, hi = iv[i].v.hi.i;
        if (i == 0) {
            if (lo > INT64_MIN)
                add_int_gap(g, ng, INT64_MIN, lo - 1);
            reach = hi;
            continue;
        }
        if (reach == INT64_MAX)
            return;
        if (lo > reach + 1)
            add_int_gap(g, ng, reach + 1, lo - 1);
        if (hi > reach)
            reach = hi;
    }
    if (m == 0)
        add_int_gap(g, ng, INT64_MIN, INT64_MAX);
    else if (reach < INT64_MAX)
        add_int_gap(g, ng, reach + 1, INT64_MAX);
}

static void gaps_num(const sorted_ivl *iv, uint32_t m, fg_cellint *g, uint32_t *ng)
{
    fg_cellint reach; /* the hi end of what is covered from the first interval on */
    memset(&reach, 0, sizeof reach);
    for (uint32_t i = 0; i < m; i++) {
        const fg_cellint *x = &iv[i].v;
        if (i == 0) {
            if (!x->lo_inf) {
                fg_cellint *y = &g[(*ng)++];
                memset(y, 0, sizeof *y);
                y->lo_inf = true;
                y->hi = x->lo, y->hi_open = !x->lo_open, y->hi_src = x->lo_src;
            }
            reach = *x;
            continue;
        }
        if (reach.hi_inf)
            return;
        int c = x->lo_inf ? -1 : fg_cellint_cmp(x->lo, reach.hi, FG_T_NUM);
        if (c > 0 || (c == 0 && reach.hi_open && x->lo_open)) {
            fg_cellint *y = &g[(*ng)++];
            memset(y, 0, sizeof *y);
            y->lo = reach.hi, y->lo_open = !reach.hi_open, y->lo_src = reach.hi_src;
            y->hi = x->lo, y->hi_open = !x->lo_open, y->hi_src = x->lo_src;
        }
        if (x->hi_inf) {
            reach.hi_inf = true;
            continue;
        }
        int h = fg_cellint_cmp(x->hi, reach.hi, FG_T_NUM);
        if (h > 0 || (h == 0 && reach.hi_open && !x->hi_open))
            reach.hi = x->hi, reach.hi_open = x->hi_open, reach.hi_src = x->hi_src;
    }
    fg_cellint *y = &g[*ng];
    memset(y, 0, sizeof *y);
    if (m == 0) {
        y->lo_inf = y->hi_inf = true;
        (*ng)++;
    } else if (!reach.hi_inf) {
        y->lo = reach.hi, y->lo_open = !reach.hi_open, y->lo_src = reach.hi_src;
        y->hi_inf = true;
        (*ng)++;
    }
}

bool fg_cellint_gaps(const fg_cellint_set *const *sets, uint32_t n, bool int_domain, fg_arena *ar,
                     fg_cellint **gaps, uint32_t *ngaps)
{
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += sets[i]->n;
    sorted_ivl *iv = fg_arena_alloc(ar, (total ? total : 1) * sizeof *iv);
    fg_cellint *g = fg_arena_alloc(ar, (total + 1) * sizeof *g);
    if (!iv || !g)
        return false;
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        const fg_cellint_set *s = sets[i];
        for (uint32_t j = 0; j < s->n; j++) {
            sorted_ivl *x = &iv[m];
            x->order = m;
            if (int_domain) {
                if (!to_int_domain(&s->v[j], s->t, &x->v))
                    continue;
            } else {
                x->v = s->v[j];
                if (s->t == FG_T_INT) {
                    x->v.lo.n = (double)s->v[j].lo.i;
                    x->v.hi.n = (double)s->v[j].hi.i;
                }
            }
            m++;
        }
    }
    qsort(iv, m, sizeof *iv, int_domain ? by_lo_int : by_lo_num);
    *ngaps = 0;
    if (int_domain)
        gaps_int(iv, m, g, ngaps);
    else
        gaps_num(iv, m, g, ngaps);
    *gaps = g;
    return true;
}
