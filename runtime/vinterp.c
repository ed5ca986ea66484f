/* vinterp.c — the vectorized interpreter: evaluates every slot of the
 * program over a whole batch, one IR node at a time (column at a time).
 * Each node writes a typed temporary column (values + missing flags) for
 * the active rows, named by a selection vector of row indices in ascending
 * order. A node that raises a row error records it for those rows (the
 * first in slot order wins, as each row leaves the selection at once) and
 * removes them from the selection, so they raise nothing later and write
 * no later slot. Laziness is kept by sub-selections: the right side of
 * and/or, each `if` branch, the default of `??`, each decide arm, each
 * table row's result and a rule's message are evaluated only on the rows
 * that need them, exactly as the row interpreter would.
 *
 * One semantics: the operations are the helpers of rt.h (table cells by
 * fg_rt_cell_filter) and the built-ins; only the trivial int/num/bool
 * arithmetic and comparisons are inlined in the loops, with the same
 * checks. The vectorized interpreter is checked against the row
 * interpreter (runtime/interp.c) by tests/unit/test_interp.c and by the
 * differential tester (tests/difftest). It serves fg_interp_batch when no
 * tracer is attached and opts->row_interp is off; traces (explain,
 * coverage), fg_interp_row and fg_interp_expr use the row interpreter.
 * Temporary columns come from a pool sized to the batch, kept in
 * fg_results between batches; when it cannot be had (out of memory, or a
 * tree so deep that its live columns would pass FG_BATCH_BYTES) the batch
 * is evaluated by the row interpreter. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "../stdlib/builtins.h"
#include "engine.h"
#include "rt.h"

/* A pool buffer: header, then rows * 16 bytes of values, then rows missing
 * flags. Also used for selection vectors (rows * 4 bytes). */
typedef union vbuf {
    struct {
        union vbuf *next_free;
        union vbuf *next_all;
    } h;
    max_align_t align_;
} vbuf;

/* A column: values indexed by batch row. Owned (buf set: the values and
 * flags live in buf, or the flags are the shared all-false array) or a
 * view of storage that outlives it (input columns, fn/table arguments). */
typedef struct vcol {
    union {
        int64_t *i;
        double *n;
        bool *b;
        fg_str *s;
        void *p;
    } v;
    bool *miss;
    vbuf *buf;
} vcol;

/* Active rows, ascending. */
typedef struct vsel {
    uint32_t *idx;
    uint32_t n;
    vbuf *buf;
} vsel;

typedef struct vvm {
    const fg_program *prog;
    const fg_batch *batch;
    fg_results *res;
    uint32_t rows; /* rows of the batch evaluated: every buffer's length */
    uint32_t cur_slot;
    vbuf *free_list, *all;
    size_t bytes, buf_size;
    bool *zeros;       /* rows falses: the missing flags of never-missing columns */
    uint8_t *dead;     /* per row: a row error was raised */
    fg_rowerr *err;    /* per row: that error */
    uint32_t nerr;     /* errors raised so far (to know when to prune) */
    bool oom;          /* an FG_RE_OOM row error was raised */
    const vcol *frame; /* parameters of the fn or table body being evaluated */
    fg_arena tmp;      /* per-node argument arrays */
} vvm;

/* ---- the pool ---- */

static vbuf *vb_get(vvm *vm)
{
    vbuf *b = vm->free_list;
    if (b) {
        vm->free_list = b->h.next_free;
        return b;
    }
    if (vm->bytes + vm->buf_size > FG_BATCH_BYTES)
        return NULL;
    b = fg_malloc(vm->res->alloc, vm->buf_size);
    if (!b)
        return NULL;
    vm->bytes += vm->buf_size;
    b->h.next_all = vm->all;
    vm->all = b;
    return b;
}

static void vb_put(vvm *vm, vbuf *b)
{
    if (b) {
        b->h.next_free = vm->free_list;
        vm->free_list = b;
    }
}

static void *vb_data(vbuf *b)
{
    return b + 1;
}
static bool *vb_miss(vvm *vm, vbuf *b)
{
    return (bool *)((char *)(b + 1) + (size_t)vm->rows * 16);
}

/* A new owned column; own_miss: with its own flags, else never missing. */
static bool col_new(vvm *vm, vcol *c, bool own_miss)
{
    c->buf = vb_get(vm);
    if (!c->buf)
        return false;
    c->v.p = vb_data(c->buf);
    c->miss = own_miss ? vb_miss(vm, c->buf) : vm->zeros;
    return true;
}

static void col_free(vvm *vm, vcol *c)
{
    vb_put(vm, c->buf);
    c->buf = NULL;
}

static bool sel_new(vvm *vm, vsel *s)
{
    s->buf = vb_get(vm);
    if (!s->buf)
        return false;
    s->idx = vb_data(s->buf);
    s->n = 0;
    return true;
}

static void sel_free(vvm *vm, vsel *s)
{
    vb_put(vm, s->buf);
    s->buf = NULL;
}

/* Runs BODY with r bound to each active row of s; a dense selection
 * (rows 0..n-1, the common case) gets a plain loop the compiler vectorizes. */
#define FOR_SEL(s, ...)                                                                            \
    do {                                                                                           \
        const uint32_t *ix_ = (s)->idx;                                                            \
        uint32_t n_ = (s)->n;                                                                      \
        if (n_ && ix_[n_ - 1] == n_ - 1) {                                                         \
            for (uint32_t r = 0; r < n_; r++) {                                                    \
                __VA_ARGS__                                                                        \
            }                                                                                      \
        } else {                                                                                   \
            for (uint32_t k_ = 0; k_ < n_; k_++) {                                                 \
                uint32_t r = ix_[k_];                                                              \
                __VA_ARGS__                                                                        \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* ---- row errors ---- */

static void vraise_at(vvm *vm, uint32_t row, fg_span span, fg_rowerr_kind k)
{
    fg_rowerr *e = &vm->err[row];
    e->kind = k;
    e->column = -1;
    e->span = span;
    e->detail.ptr = "";
    e->detail.len = 0;
    vm->dead[row] = 1;
    vm->nerr++;
    if (k == FG_RE_OOM)
        vm->oom = true;
}

static void vraise(vvm *vm, uint32_t row, const fg_ir *n, fg_rowerr_kind k)
{
    vraise_at(vm, row, n->span, k);
}

/* Drops the rows in error from s. */
static void sel_prune(vvm *vm, vsel *s)
{
    uint32_t j = 0;
    for (uint32_t k = 0; k < s->n; k++) {
        uint32_t r = s->idx[k];
        s->idx[j] = r;
        j += !vm->dead[r];
    }
    s->n = j;
}

/* ---- values <-> columns (slow paths: built-ins, strings, tables) ---- */

/* Row r of column c (of type t) written field by field into *d (a value
 * built on the stack and then copied would stall on the store of its flag). */
static inline void vload(fg_value *d, const vcol *c, fg_type t, uint32_t r)
{
    d->missing = c->miss[r];
    switch (fg_type_base(t)) {
    case FG_T_INT:
        d->i = c->v.i[r];
        break;
    case FG_T_NUM:
        d->n = c->v.n[r];
        break;
    case FG_T_BOOL:
        d->b = c->v.b[r];
        break;
    default:
        d->s = c->v.s[r];
        break;
    }
}

static inline void vput(vcol *c, fg_type t, uint32_t r, fg_value v)
{
    switch (fg_type_base(t)) {
    case FG_T_INT:
        c->v.i[r] = v.i;
        break;
    case FG_T_NUM:
        c->v.n[r] = v.n;
        break;
    case FG_T_BOOL:
        c->v.b[r] = v.b;
        break;
    default:
        c->v.s[r] = v.s;
        break;
    }
}

/* dst[r] = src[r] (values of base type t and missing flags) for r in s. */
static void vcopy(vcol *dst, const vcol *src, fg_type t, const vsel *s)
{
    switch (fg_type_base(t)) {
    case FG_T_INT: {
        int64_t *d = dst->v.i;
        const int64_t *x = src->v.i;
        FOR_SEL(s, d[r] = x[r];);
        break;
    }
    case FG_T_NUM: {
        double *d = dst->v.n;
        const double *x = src->v.n;
        FOR_SEL(s, d[r] = x[r];);
        break;
    }
    case FG_T_BOOL: {
        bool *d = dst->v.b;
        const bool *x = src->v.b;
        FOR_SEL(s, d[r] = x[r];);
        break;
    }
    default: {
        fg_str *d = dst->v.s;
        const fg_str *x = src->v.s;
        FOR_SEL(s, d[r] = x[r];);
        break;
    }
    }
    if (dst->miss != src->miss) {
        bool *dm = dst->miss;
        const bool *sm = src->miss;
        FOR_SEL(s, dm[r] = sm[r];);
    }
}

/* An owned copy of c over s when c is a view (a fn's result may be one of
 * its arguments, which are freed when the call returns). */
static bool col_own(vvm *vm, vcol *c, fg_type t, const vsel *s)
{
    if (c->buf)
        return true;
    vcol o;
    if (!col_new(vm, &o, true))
        return false;
    vcopy(&o, c, t, s);
    *c = o;
    return true;
}

/* Splits s by the bool column c: t gets the rows where it is true, f (when
 * not NULL) the others. */
static void sel_split(const vsel *s, const bool *c, vsel *t, vsel *f)
{
    uint32_t nt = 0, nf = 0;
    for (uint32_t k = 0; k < s->n; k++) {
        uint32_t r = s->idx[k];
        if (c[r])
            t->idx[nt++] = r;
        else if (f)
            f->idx[nf++] = r;
    }
    t->n = nt;
    if (f)
        f->n = nf;
}

static void sel_copy(vsel *d, const vsel *s)
{
    memcpy(d->idx, s->idx, (size_t)s->n * sizeof *s->idx);
    d->n = s->n;
}

/* ---- evaluation ---- */

static bool ve(vvm *vm, const fg_ir *n, vsel *s, vcol *out);

/* Evaluates n's arguments in order over s (which loses the rows in error
 * on the way); cols gets one column per argument. */
static bool ve_args(vvm *vm, const fg_ir *n, vsel *s, vcol *cols)
{
    for (uint32_t i = 0; i < n->nargs; i++)
        if (!ve(vm, n->args[i], s, &cols[i]))
            return false;
    return true;
}

static void free_args(vvm *vm, vcol *cols, uint32_t nargs)
{
    for (uint32_t i = 0; i < nargs; i++)
        col_free(vm, &cols[i]);
}

/* Room for nargs columns and nargs values (small calls use the stack). */
typedef struct vargs {
    vcol cols_small[8];
    fg_value vals_small[8];
    vcol *cols;
    fg_value *vals;
} vargs;

static bool vargs_init(vvm *vm, vargs *a, uint32_t nargs)
{
    if (nargs <= 8) {
        a->cols = a->cols_small;
        a->vals = a->vals_small;
        return true;
    }
    a->cols = fg_arena_alloc(&vm->tmp, nargs * sizeof *a->cols);
    a->vals = fg_arena_alloc(&vm->tmp, nargs * sizeof *a->vals);
    return a->cols && a->vals;
}

/* The values of row r of the argument columns of n into vals. */
static void load_args(const fg_ir *n, const vcol *cols, uint32_t r, fg_value *vals)
{
    for (uint32_t i = 0; i < n->nargs; i++)
        vload(&vals[i], &cols[i], n->args[i]->type, r);
}

#if defined(__GNUC__) && !defined(FG_PORTABLE_ARITH)
#define V_ADD_OV(a, b, o) __builtin_add_overflow(a, b, o)
#define V_SUB_OV(a, b, o) __builtin_sub_overflow(a, b, o)
#define V_MUL_OV(a, b, o) __builtin_mul_overflow(a, b, o)
#else
#define V_ADD_OV(a, b, o) (fg_rt_add_int(a, b, o) != FG_RE_NONE)
#define V_SUB_OV(a, b, o) (fg_rt_sub_int(a, b, o) != FG_RE_NONE)
#define V_MUL_OV(a, b, o) (fg_rt_mul_int(a, b, o) != FG_RE_NONE)
#endif

static bool ve_int_arith(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vcol a, b;
    if (!ve(vm, n->args[0], s, &a) || !ve(vm, n->args[1], s, &b) || !col_new(vm, out, false))
        return false;
    const int64_t *x = a.v.i, *y = b.v.i;
    int64_t *o = out->v.i;
    bool any = false;
    switch ((fg_op)n->op) {
    case FG_IR_ADD_INT:
        FOR_SEL(s, any |= V_ADD_OV(x[r], y[r], &o[r]););
        break;
    case FG_IR_SUB_INT:
        FOR_SEL(s, any |= V_SUB_OV(x[r], y[r], &o[r]););
        break;
    default:
        FOR_SEL(s, any |= V_MUL_OV(x[r], y[r], &o[r]););
        break;
    }
    if (any) {
        for (uint32_t k = 0; k < s->n; k++) {
            uint32_t r = s->idx[k];
            fg_rowerr_kind e = n->op == FG_IR_ADD_INT   ? fg_rt_add_int(x[r], y[r], &o[r])
                               : n->op == FG_IR_SUB_INT ? fg_rt_sub_int(x[r], y[r], &o[r])
                                                        : fg_rt_mul_int(x[r], y[r], &o[r]);
            if (e != FG_RE_NONE)
                vraise(vm, r, n, e);
        }
        sel_prune(vm, s);
    }
    col_free(vm, &a);
    col_free(vm, &b);
    return true;
}

static bool ve_num_arith(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vcol a, b;
    if (!ve(vm, n->args[0], s, &a) || !ve(vm, n->args[1], s, &b) || !col_new(vm, out, false))
        return false;
    const double *x = a.v.n, *y = b.v.n;
    double *o = out->v.n;
    bool any = false;
    switch ((fg_op)n->op) {
    case FG_IR_ADD_NUM:
        FOR_SEL(s, o[r] = x[r] + y[r]; any |= !isfinite(o[r]););
        break;
    case FG_IR_SUB_NUM:
        FOR_SEL(s, o[r] = x[r] - y[r]; any |= !isfinite(o[r]););
        break;
    case FG_IR_MUL_NUM:
        FOR_SEL(s, o[r] = x[r] * y[r]; any |= !isfinite(o[r]););
        break;
    default:
        FOR_SEL(s, o[r] = x[r] / y[r]; any |= (y[r] == 0) | !isfinite(o[r]););
        break;
    }
    if (any) {
        /* the checks of rt.h, again on the rows of the batch that failed one */
        for (uint32_t k = 0; k < s->n; k++) {
            uint32_t r = s->idx[k];
            fg_rowerr_kind e;
            switch ((fg_op)n->op) {
            case FG_IR_ADD_NUM:
                e = fg_rt_add_num(x[r], y[r], &o[r]);
                break;
            case FG_IR_SUB_NUM:
                e = fg_rt_sub_num(x[r], y[r], &o[r]);
                break;
            case FG_IR_MUL_NUM:
                e = fg_rt_mul_num(x[r], y[r], &o[r]);
                break;
            default:
                e = fg_rt_div_num(x[r], y[r], &o[r]);
                break;
            }
            if (e != FG_RE_NONE)
                vraise(vm, r, n, e);
        }
        sel_prune(vm, s);
    }
    col_free(vm, &a);
    col_free(vm, &b);
    return true;
}

/* One comparison loop per operator; X, Y are the operand expressions. */
#define CMP_LOOPS(SUB, X, Y)                                                                       \
    switch ((fg_cmp)(SUB)) {                                                                       \
    case FG_CMP_EQ:                                                                                \
        FOR_SEL(s, o[r] = (X) == (Y););                                                            \
        break;                                                                                     \
    case FG_CMP_NE:                                                                                \
        FOR_SEL(s, o[r] = (X) != (Y););                                                            \
        break;                                                                                     \
    case FG_CMP_LT:                                                                                \
        FOR_SEL(s, o[r] = (X) < (Y););                                                             \
        break;                                                                                     \
    case FG_CMP_LE:                                                                                \
        FOR_SEL(s, o[r] = (X) <= (Y););                                                            \
        break;                                                                                     \
    case FG_CMP_GT:                                                                                \
        FOR_SEL(s, o[r] = (X) > (Y););                                                             \
        break;                                                                                     \
    case FG_CMP_GE:                                                                                \
        FOR_SEL(s, o[r] = (X) >= (Y););                                                            \
        break;                                                                                     \
    }

static bool ve_compare(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vcol a, b;
    if (!ve(vm, n->args[0], s, &a) || !ve(vm, n->args[1], s, &b) || !col_new(vm, out, false))
        return false;
    bool *o = out->v.b;
    switch ((fg_op)n->op) {
    case FG_IR_CMP_INT: {
        const int64_t *x = a.v.i, *y = b.v.i;
        CMP_LOOPS(n->sub, x[r], y[r])
        break;
    }
    case FG_IR_CMP_NUM: {
        const double *x = a.v.n, *y = b.v.n;
        CMP_LOOPS(n->sub, x[r], y[r])
        break;
    }
    case FG_IR_CMP_BOOL: {
        const bool *x = a.v.b, *y = b.v.b;
        CMP_LOOPS(n->sub, (int)x[r], (int)y[r])
        break;
    }
    default: {
        const fg_str *x = a.v.s, *y = b.v.s;
        fg_cmp c = (fg_cmp)n->sub;
        FOR_SEL(s, o[r] = fg_rt_cmp_strs(c, x[r], y[r]););
        break;
    }
    }
    col_free(vm, &a);
    col_free(vm, &b);
    return true;
}

/* AND / OR: the right side only on the rows whose left side does not decide. */
static bool ve_logic(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    bool is_and = n->op == FG_IR_AND;
    vcol a, b;
    vsel t;
    if (!ve(vm, n->args[0], s, &a) || !sel_new(vm, &t))
        return false;
    /* t: rows where the right side is evaluated */
    uint32_t nt = 0;
    for (uint32_t k = 0; k < s->n; k++) {
        uint32_t r = s->idx[k];
        t.idx[nt] = r;
        nt += a.v.b[r] == is_and;
    }
    t.n = nt;
    if (nt == 0) { /* the left side decides every row: its value, never missing */
        sel_free(vm, &t);
        *out = a;
        out->miss = vm->zeros;
        return true;
    }
    if (nt == s->n) { /* the right side decides every row */
        sel_free(vm, &t);
        col_free(vm, &a);
        return ve(vm, n->args[1], s, out);
    }
    if (!col_new(vm, out, true))
        return false;
    bool *o = out->v.b, *om = out->miss;
    const bool *x = a.v.b;
    FOR_SEL(s, o[r] = x[r]; om[r] = false;);
    uint32_t before = vm->nerr;
    if (!ve(vm, n->args[1], &t, &b))
        return false;
    vcopy(out, &b, FG_T_BOOL, &t);
    col_free(vm, &b);
    col_free(vm, &a);
    sel_free(vm, &t);
    if (vm->nerr != before)
        sel_prune(vm, s);
    return true;
}

static bool ve_if(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vcol c, x;
    vsel t, f;
    if (!ve(vm, n->args[0], s, &c) || !sel_new(vm, &t) || !sel_new(vm, &f))
        return false;
    sel_split(s, c.v.b, &t, &f);
    col_free(vm, &c);
    if (f.n == 0 || t.n == 0) { /* one branch for every row */
        sel_free(vm, &t);
        sel_free(vm, &f);
        return ve(vm, n->args[f.n == 0 ? 1 : 2], s, out);
    }
    if (!col_new(vm, out, true))
        return false;
    uint32_t before = vm->nerr;
    for (int br = 0; br < 2; br++) {
        vsel *bs = br == 0 ? &t : &f;
        if (!ve(vm, n->args[1 + br], bs, &x))
            return false;
        vcopy(out, &x, n->type, bs);
        col_free(vm, &x);
    }
    sel_free(vm, &t);
    sel_free(vm, &f);
    if (vm->nerr != before)
        sel_prune(vm, s);
    return true;
}

static bool ve_coalesce(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vcol a, b;
    vsel m;
    if (!ve(vm, n->args[0], s, &a) || !sel_new(vm, &m))
        return false;
    sel_split(s, a.miss, &m, NULL);
    if (m.n == 0) { /* every value present: a as it is */
        sel_free(vm, &m);
        *out = a;
        return true;
    }
    if (!col_new(vm, out, true))
        return false;
    vcopy(out, &a, n->type, s);
    col_free(vm, &a);
    uint32_t before = vm->nerr;
    if (!ve(vm, n->args[1], &m, &b))
        return false;
    vcopy(out, &b, n->type, &m);
    col_free(vm, &b);
    sel_free(vm, &m);
    if (vm->nerr != before)
        sel_prune(vm, s);
    return true;
}

/* IN: the operand once; each list item only on the rows not yet found equal. */
static bool ve_in(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vcol a, x;
    vsel rest;
    if (!ve(vm, n->args[0], s, &a) || !col_new(vm, out, false) || !sel_new(vm, &rest))
        return false;
    bool *o = out->v.b;
    FOR_SEL(s, o[r] = false;);
    sel_copy(&rest, s);
    fg_type t = n->args[0]->type;
    uint32_t before = vm->nerr;
    for (uint32_t i = 1; i < n->nargs && rest.n; i++) {
        if (!ve(vm, n->args[i], &rest, &x))
            return false;
        uint32_t j = 0;
        for (uint32_t k = 0; k < rest.n; k++) {
            uint32_t r = rest.idx[k];
            bool eq;
            switch (fg_type_base(t)) {
            case FG_T_INT:
                eq = a.v.i[r] == x.v.i[r];
                break;
            case FG_T_NUM:
                eq = a.v.n[r] == x.v.n[r];
                break;
            case FG_T_BOOL:
                eq = a.v.b[r] == x.v.b[r];
                break;
            default:
                eq = fg_rt_cmp_str(a.v.s[r], x.v.s[r]) == 0;
                break; /* fg_rt_equal */
            }
            o[r] = eq;
            rest.idx[j] = r;
            j += !eq;
        }
        rest.n = j;
        col_free(vm, &x);
    }
    col_free(vm, &a);
    sel_free(vm, &rest);
    if (vm->nerr != before)
        sel_prune(vm, s);
    return true;
}

static bool ve_between(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vcol a, lo, hi;
    if (!ve(vm, n->args[0], s, &a) || !ve(vm, n->args[1], s, &lo) || !ve(vm, n->args[2], s, &hi) ||
        !col_new(vm, out, false))
        return false;
    bool *o = out->v.b;
    switch (fg_type_base(n->args[0]->type)) {
    case FG_T_INT: {
        const int64_t *x = a.v.i, *l = lo.v.i, *h = hi.v.i;
        FOR_SEL(s, o[r] = l[r] <= x[r] && x[r] <= h[r];);
        break;
    }
    case FG_T_NUM: {
        const double *x = a.v.n, *l = lo.v.n, *h = hi.v.n;
        FOR_SEL(s, o[r] = l[r] <= x[r] && x[r] <= h[r];);
        break;
    }
    case FG_T_BOOL: {
        const bool *x = a.v.b, *l = lo.v.b, *h = hi.v.b;
        FOR_SEL(s, o[r] = l[r] <= x[r] && x[r] <= h[r];);
        break;
    }
    default: {
        const fg_str *x = a.v.s, *l = lo.v.s, *h = hi.v.s;
        FOR_SEL(s, o[r] = fg_rt_cmp_str(l[r], x[r]) <= 0 && fg_rt_cmp_str(x[r], h[r]) <= 0;);
        break;
    }
    }
    col_free(vm, &a);
    col_free(vm, &lo);
    col_free(vm, &hi);
    return true;
}

/* CALL (built-in) and CONCAT: the rt/stdlib function per row. */
static bool ve_call(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vargs a;
    if (!vargs_init(vm, &a, n->nargs) || !ve_args(vm, n, s, a.cols) || !col_new(vm, out, false))
        return false;
    bool any = false;
    if (n->op == FG_IR_CALL) {
        fg_builtin_fn fn = fg_builtin_table[n->sub].fn;
        for (uint32_t k = 0; k < s->n; k++) {
            uint32_t r = s->idx[k];
            fg_value v;
            load_args(n, a.cols, r, a.vals);
            fg_rowerr_kind e = fn(&vm->res->scratch, a.vals, n->nargs, &v);
            if (e != FG_RE_NONE) {
                vraise(vm, r, n, e);
                any = true;
            } else {
                vput(out, n->type, r, v);
            }
        }
    } else {
        for (uint32_t k = 0; k < s->n; k++) {
            uint32_t r = s->idx[k];
            load_args(n, a.cols, r, a.vals);
            fg_rowerr_kind e = fg_rt_concat(&vm->res->scratch, a.vals, n->nargs, &out->v.s[r]);
            if (e != FG_RE_NONE) {
                vraise(vm, r, n, e);
                any = true;
            }
        }
    }
    free_args(vm, a.cols, n->nargs);
    if (any)
        sel_prune(vm, s);
    return true;
}

static bool ve_call_fn(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    const fg_fn *fn = &vm->prog->fns[n->imm.index];
    vargs a;
    if (!vargs_init(vm, &a, n->nargs) || !ve_args(vm, n, s, a.cols))
        return false;
    const vcol *saved = vm->frame;
    vm->frame = a.cols;
    bool ok = ve(vm, fn->body, s, out) && col_own(vm, out, fn->body->type, s);
    vm->frame = saved;
    if (!ok)
        return false;
    free_args(vm, a.cols, n->nargs);
    return true;
}

/* rest -= sub, both ascending, sub a subset of rest. */
static void sel_minus(vsel *rest, const vsel *sub)
{
    uint32_t j = 0, q = 0;
    for (uint32_t k = 0; k < rest->n; k++) {
        uint32_t r = rest->idx[k];
        if (q < sub->n && sub->idx[q] == r) {
            q++;
            continue;
        }
        rest->idx[j++] = r;
    }
    rest->n = j;
}

/* CALL_TABLE: table rows in order over the rows not yet matched; each
 * row's result only on the rows it matched. */
static bool ve_call_table(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    const fg_table *t = &vm->prog->tables[n->imm.index];
    vargs a;
    vsel rest, cand;
    if (!vargs_init(vm, &a, n->nargs) || !ve_args(vm, n, s, a.cols) || !col_new(vm, out, true) ||
        !sel_new(vm, &rest) || !sel_new(vm, &cand))
        return false;
    sel_copy(&rest, s);
    uint32_t before = vm->nerr;
    const vcol *saved = vm->frame;
    for (uint32_t tr = 0; tr < t->nrows && rest.n; tr++) {
        const fg_ir_table_row *row = &t->rows[tr];
        /* cand: the rows of rest that every cell matches */
        sel_copy(&cand, &rest);
        for (uint32_t p = 0; p < t->nparams && cand.n; p++) {
            const fg_ir_cell *c = &row->cells[p];
            if (c->kind == FG_IRCELL_ANY)
                continue; /* matches anything, missing too */
            cand.n = fg_rt_cell_filter(c, t->param_types[p], a.cols[p].v.p, a.cols[p].miss,
                                       cand.idx, cand.n);
        }
        if (cand.n == 0)
            continue;
        sel_minus(&rest, &cand);
        vcol x;
        vm->frame = a.cols;
        bool ok = ve(vm, row->result, &cand, &x);
        vm->frame = saved;
        if (!ok)
            return false;
        vcopy(out, &x, n->type, &cand);
        col_free(vm, &x);
    }
    /* no table row matches: the error names the arguments */
    for (uint32_t k = 0; k < rest.n; k++) {
        uint32_t r = rest.idx[k];
        fg_str detail;
        load_args(n, a.cols, r, a.vals);
        fg_rowerr_kind e = fg_rt_table_nomatch(&vm->res->scratch, t, a.vals, &detail);
        vraise(vm, r, n, e);
        vm->err[r].detail = detail;
    }
    free_args(vm, a.cols, n->nargs);
    sel_free(vm, &rest);
    sel_free(vm, &cand);
    if (vm->nerr != before)
        sel_prune(vm, s);
    return true;
}

/* DECIDE: each arm's condition on the rows no earlier arm took. */
static bool ve_decide(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    vsel rest, took;
    vcol c, x;
    if (!col_new(vm, out, true) || !sel_new(vm, &rest) || !sel_new(vm, &took))
        return false;
    sel_copy(&rest, s);
    uint32_t before = vm->nerr;
    uint32_t i = 0;
    for (; i + 1 < n->nargs && rest.n; i += 2) {
        if (!ve(vm, n->args[i], &rest, &c))
            return false;
        /* took: rows whose condition holds; rest keeps the others */
        uint32_t nt = 0, nf = 0;
        for (uint32_t k = 0; k < rest.n; k++) {
            uint32_t r = rest.idx[k];
            if (c.v.b[r])
                took.idx[nt++] = r;
            else
                rest.idx[nf++] = r;
        }
        took.n = nt;
        rest.n = nf;
        col_free(vm, &c);
        if (nt == 0)
            continue;
        if (!ve(vm, n->args[i + 1], &took, &x))
            return false;
        vcopy(out, &x, n->type, &took);
        col_free(vm, &x);
    }
    if (rest.n) {
        if (!ve(vm, n->args[n->nargs - 1], &rest, &x))
            return false;
        vcopy(out, &x, n->type, &rest);
        col_free(vm, &x);
    }
    sel_free(vm, &rest);
    sel_free(vm, &took);
    if (vm->nerr != before)
        sel_prune(vm, s);
    return true;
}

static bool ve_const(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    if (!col_new(vm, out, false))
        return false;
    switch ((fg_op)n->op) {
    case FG_IR_CONST_INT: {
        int64_t *o = out->v.i, c = n->imm.i;
        FOR_SEL(s, o[r] = c;);
        break;
    }
    case FG_IR_CONST_NUM: {
        double *o = out->v.n, c = n->imm.n;
        FOR_SEL(s, o[r] = c;);
        break;
    }
    case FG_IR_CONST_BOOL: {
        bool *o = out->v.b, c = n->imm.b;
        FOR_SEL(s, o[r] = c;);
        break;
    }
    default: {
        fg_str *o = out->v.s, c = n->imm.s;
        FOR_SEL(s, o[r] = c;);
        break;
    }
    }
    return true;
}

/* A view of input column i. */
static void view_input(vvm *vm, uint32_t i, vcol *out)
{
    const fg_column *c = &vm->batch->cols[i];
    switch (fg_type_base(c->type)) {
    case FG_T_INT:
        out->v.i = c->i;
        break;
    case FG_T_NUM:
        out->v.n = c->n;
        break;
    case FG_T_BOOL:
        out->v.b = c->b;
        break;
    default:
        out->v.s = c->s;
        break;
    }
    out->miss = c->missing;
    out->buf = NULL;
}

/* Slot values (computed earlier for these rows) gathered into a column. */
static bool ve_slot(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    if (!col_new(vm, out, true))
        return false;
    const fg_value *src = vm->res->vals + (size_t)n->imm.index * vm->res->cap;
    bool *om = out->miss;
    switch (fg_type_base(n->type)) {
    case FG_T_INT: {
        int64_t *o = out->v.i;
        FOR_SEL(s, o[r] = src[r].i; om[r] = src[r].missing;);
        break;
    }
    case FG_T_NUM: {
        double *o = out->v.n;
        FOR_SEL(s, o[r] = src[r].n; om[r] = src[r].missing;);
        break;
    }
    case FG_T_BOOL: {
        bool *o = out->v.b;
        FOR_SEL(s, o[r] = src[r].b; om[r] = src[r].missing;);
        break;
    }
    default: {
        fg_str *o = out->v.s;
        FOR_SEL(s, o[r] = src[r].s; om[r] = src[r].missing;);
        break;
    }
    }
    return true;
}

/* Evaluates n over the rows of s into out; rows that raise a row error
 * leave s. False only when the pool is exhausted (the caller falls back). */
static bool ve(vvm *vm, const fg_ir *n, vsel *s, vcol *out)
{
    if (s->n == 0) { /* nothing to compute; any column will do */
        out->v.p = vm->zeros;
        out->miss = vm->zeros;
        out->buf = NULL;
        return true;
    }
    vcol a;
    switch ((fg_op)n->op) {
    case FG_IR_CONST_INT:
    case FG_IR_CONST_NUM:
    case FG_IR_CONST_BOOL:
    case FG_IR_CONST_STR:
        return ve_const(vm, n, s, out);
    case FG_IR_INPUT:
        view_input(vm, n->imm.index, out);
        return true;
    case FG_IR_SLOT:
        return ve_slot(vm, n, s, out);
    case FG_IR_PARAM:
        *out = vm->frame[n->imm.index];
        out->buf = NULL;
        return true;

    case FG_IR_TO_NUM: {
        if (!ve(vm, n->args[0], s, &a) || !col_new(vm, out, true))
            return false;
        const int64_t *x = a.v.i;
        const bool *am = a.miss;
        double *o = out->v.n;
        bool *om = out->miss;
        FOR_SEL(s, o[r] = am[r] ? 0 : (double)x[r]; om[r] = am[r];);
        col_free(vm, &a);
        return true;
    }
    case FG_IR_NEG_INT: {
        if (!ve(vm, n->args[0], s, &a) || !col_new(vm, out, false))
            return false;
        const int64_t *x = a.v.i;
        int64_t *o = out->v.i;
        bool any = false;
        FOR_SEL(s, o[r] = (int64_t)(0 - (uint64_t)x[r]); any |= x[r] == INT64_MIN;);
        if (any) {
            for (uint32_t k = 0; k < s->n; k++) {
                uint32_t r = s->idx[k];
                fg_rowerr_kind e = fg_rt_neg_int(x[r], &o[r]);
                if (e != FG_RE_NONE)
                    vraise(vm, r, n, e);
            }
            sel_prune(vm, s);
        }
        col_free(vm, &a);
        return true;
    }
    case FG_IR_NEG_NUM: {
        if (!ve(vm, n->args[0], s, &a) || !col_new(vm, out, false))
            return false;
        const double *x = a.v.n;
        double *o = out->v.n;
        FOR_SEL(s, o[r] = -x[r];);
        col_free(vm, &a);
        return true;
    }
    case FG_IR_ADD_INT:
    case FG_IR_SUB_INT:
    case FG_IR_MUL_INT:
        return ve_int_arith(vm, n, s, out);
    case FG_IR_ADD_NUM:
    case FG_IR_SUB_NUM:
    case FG_IR_MUL_NUM:
    case FG_IR_DIV_NUM:
        return ve_num_arith(vm, n, s, out);
    case FG_IR_CMP_INT:
    case FG_IR_CMP_NUM:
    case FG_IR_CMP_STR:
    case FG_IR_CMP_BOOL:
        return ve_compare(vm, n, s, out);

    case FG_IR_NOT:
    case FG_IR_IS_MISSING:
    case FG_IR_IS_PRESENT: {
        if (!ve(vm, n->args[0], s, &a) || !col_new(vm, out, false))
            return false;
        bool *o = out->v.b;
        const bool *x = n->op == FG_IR_NOT ? a.v.b : a.miss;
        bool flip = n->op != FG_IR_IS_MISSING;
        FOR_SEL(s, o[r] = x[r] != flip;);
        col_free(vm, &a);
        return true;
    }
    case FG_IR_AND:
    case FG_IR_OR:
        return ve_logic(vm, n, s, out);
    case FG_IR_IF:
        return ve_if(vm, n, s, out);
    case FG_IR_COALESCE:
        return ve_coalesce(vm, n, s, out);
    case FG_IR_IN:
        return ve_in(vm, n, s, out);
    case FG_IR_BETWEEN:
        return ve_between(vm, n, s, out);
    case FG_IR_CALL:
    case FG_IR_CONCAT:
        return ve_call(vm, n, s, out);
    case FG_IR_CALL_FN:
        return ve_call_fn(vm, n, s, out);
    case FG_IR_CALL_TABLE:
        return ve_call_table(vm, n, s, out);
    case FG_IR_DECIDE:
        return ve_decide(vm, n, s, out);

    case FG_IR_TO_STR: {
        if (!ve(vm, n->args[0], s, &a) || !col_new(vm, out, false))
            return false;
        fg_type t = n->args[0]->type;
        bool any = false;
        fg_value v; /* its flag is written only when set (see vload) */
        memset(&v, 0, sizeof v);
        for (uint32_t k = 0; k < s->n; k++) {
            uint32_t r = s->idx[k];
            fg_rowerr_kind e;
            switch (fg_type_base(t)) {
            case FG_T_INT:
                v.i = a.v.i[r];
                break;
            case FG_T_NUM:
                v.n = a.v.n[r];
                break;
            case FG_T_BOOL:
                v.b = a.v.b[r];
                break;
            default:
                v.s = a.v.s[r];
                break;
            }
            if (a.miss[r]) {
                v.missing = true;
                e = fg_rt_to_str(&vm->res->scratch, t, v, &out->v.s[r]);
                v.missing = false;
            } else {
                e = fg_rt_to_str(&vm->res->scratch, t, v, &out->v.s[r]);
            }
            if (e != FG_RE_NONE) {
                vraise(vm, r, n, e);
                any = true;
            }
        }
        col_free(vm, &a);
        if (any)
            sel_prune(vm, s);
        return true;
    }
    case FG_IR_FAILED: {
        if (!col_new(vm, out, false))
            return false;
        bool any = false;
        for (uint32_t k = 0; k < s->n; k++) {
            uint32_t r = s->idx[k];
            fg_rowerr_kind e =
                fg_rt_failed(&vm->res->scratch, vm->prog, vm->res, r, vm->cur_slot, &out->v.s[r]);
            if (e != FG_RE_NONE) {
                vraise(vm, r, n, e);
                any = true;
            }
        }
        if (any)
            sel_prune(vm, s);
        return true;
    }
    case FG_IR_FAILED_COUNT: {
        if (!col_new(vm, out, false))
            return false;
        int64_t *o = out->v.i;
        FOR_SEL(s, o[r] = fg_rt_failed_count(vm->prog, vm->res, r, vm->cur_slot););
        return true;
    }
    case FG_IR_OP_COUNT:
        break;
    }
    /* unreachable for a well-formed program: every op is handled above */
    for (uint32_t k = 0; k < s->n; k++)
        vraise(vm, s->idx[k], n, FG_RE_OOM);
    s->n = 0;
    return col_new(vm, out, false);
}

/* Stores column c (of type t) as slot values of the rows of s. */
static void store_slot(vvm *vm, uint32_t slot, const vcol *c, fg_type t, const vsel *s)
{
    fg_value *dst = vm->res->vals + (size_t)slot * vm->res->cap;
    const bool *m = c->miss;
    switch (fg_type_base(t)) {
    case FG_T_INT: {
        const int64_t *x = c->v.i;
        FOR_SEL(s, dst[r].i = x[r]; dst[r].missing = m[r];);
        break;
    }
    case FG_T_NUM: {
        const double *x = c->v.n;
        FOR_SEL(s, dst[r].n = x[r]; dst[r].missing = m[r];);
        break;
    }
    case FG_T_BOOL: {
        const bool *x = c->v.b;
        FOR_SEL(s, dst[r].b = x[r]; dst[r].missing = m[r];);
        break;
    }
    default: {
        const fg_str *x = c->v.s;
        FOR_SEL(s, dst[r].s = x[r]; dst[r].missing = m[r];);
        break;
    }
    }
}

/* A rule's message on the rows where it failed (false, not missing). */
static bool rule_messages(vvm *vm, const fg_slot *slot, const vcol *c, vsel *s)
{
    fg_results *res = vm->res;
    fg_str *msg = res->rule_msgs + (size_t)slot->rule_index * res->cap;
    const bool *x = c->v.b, *m = c->miss;
    FOR_SEL(s, msg[r].ptr = ""; msg[r].len = 0;);
    vsel f;
    if (!sel_new(vm, &f))
        return false;
    uint32_t nf = 0;
    for (uint32_t k = 0; k < s->n; k++) {
        uint32_t r = s->idx[k];
        f.idx[nf] = r;
        nf += !m[r] && !x[r];
    }
    f.n = nf;
    if (nf && slot->message) {
        vcol t;
        uint32_t before = vm->nerr;
        if (!ve(vm, slot->message, &f, &t))
            return false;
        const fg_str *ts = t.v.s;
        FOR_SEL(&f, msg[r] = ts[r];);
        col_free(vm, &t);
        if (vm->nerr != before)
            sel_prune(vm, s);
    } else if (nf) {
        /* `rule NAME failed`: made once, shared by the rows */
        fg_str dm;
        if (fg_rt_rule_default_msg(&res->scratch, slot->name, &dm) != FG_RE_NONE) {
            for (uint32_t k = 0; k < f.n; k++)
                vraise_at(vm, f.idx[k], slot->span, FG_RE_OOM);
            sel_prune(vm, s);
        } else {
            FOR_SEL(&f, msg[r] = dm;);
        }
    }
    sel_free(vm, &f);
    return true;
}

/* The slots in order over the active rows; false when the pool ran out. */
static bool vm_slots(vvm *vm, vsel *s, bool with_reports)
{
    const fg_program *prog = vm->prog;
    size_t cap = vm->res->cap;
    for (uint32_t i = 0; i < prog->nslots && s->n; i++) {
        const fg_slot *slot = &prog->slots[i];
        if (slot->kind == FG_SLOT_REPORT && !with_reports) {
            fg_value *dst = vm->res->vals + i * cap;
            FOR_SEL(s, memset(&dst[r], 0, sizeof dst[r]); dst[r].missing = true;);
            continue;
        }
        vm->cur_slot = i;
        vcol c;
        if (!ve(vm, slot->expr, s, &c))
            return false;
        store_slot(vm, i, &c, slot->expr->type, s);
        if (slot->kind == FG_SLOT_RULE && !rule_messages(vm, slot, &c, s))
            return false;
        col_free(vm, &c);
    }
    vm->cur_slot = prog->nslots;
    return true;
}

/* Kept in fg_results between batches: the buffers (all free between
 * batches) and the per-row arrays, for batches of `rows` rows. */
struct fg_vpool {
    vbuf *all;
    size_t bytes;
    uint32_t rows;
    bool too_deep; /* a batch needed more than FG_BATCH_BYTES of columns */
    char *mem;     /* per row: an error, a false, a dead flag */
};

void fg_vinterp_free(fg_results *r)
{
    struct fg_vpool *p = r->vpool;
    if (!p)
        return;
    while (p->all) {
        vbuf *b = p->all;
        p->all = b->h.next_all;
        fg_free(r->alloc, b);
    }
    fg_free(r->alloc, p->mem);
    fg_free(r->alloc, p);
    r->vpool = NULL;
}

/* The pool of res for batches of up to `rows` rows (NULL when out of
 * memory). A smaller batch (the last of a chunk, runtime/pipeline.c) keeps
 * the pool: reallocating it would refault its memory every chunk. */
static struct fg_vpool *pool_for(fg_results *res, uint32_t rows)
{
    struct fg_vpool *p = res->vpool;
    if (p && p->rows >= rows)
        return p;
    fg_vinterp_free(res);
    p = fg_malloc(res->alloc, sizeof *p);
    if (!p)
        return NULL;
    memset(p, 0, sizeof *p);
    p->rows = rows;
    p->mem = fg_malloc(res->alloc, (size_t)rows * (2 + sizeof(fg_rowerr)));
    if (!p->mem) {
        fg_free(res->alloc, p);
        return NULL;
    }
    res->vpool = p;
    return p;
}

/* Evaluates the batch; false with *fallback set when the columns could not
 * be had. */
static bool vinterp(const fg_program *prog, fg_batch *batch, fg_results *res,
                    const fg_eval_opts *opts, uint32_t rows, struct fg_vpool *p, bool *fallback)
{
    vvm vm;
    memset(&vm, 0, sizeof vm);
    vm.prog = prog;
    vm.batch = batch;
    vm.res = res;
    vm.rows = rows;
    vm.buf_size = sizeof(vbuf) + (size_t)p->rows * 17; /* the pool's buffers, rows <= p->rows */
    /* every buffer is free between batches */
    vm.all = p->all;
    vm.bytes = p->bytes;
    for (vbuf *b = vm.all; b; b = b->h.next_all)
        b->h.next_free = b->h.next_all;
    vm.free_list = vm.all;
    vm.err = (fg_rowerr *)(void *)p->mem; /* fg_malloc memory: aligned for any type */
    vm.zeros = (bool *)(p->mem + (size_t)rows * sizeof(fg_rowerr));
    vm.dead = (uint8_t *)vm.zeros + rows;
    memset(vm.zeros, 0, (size_t)rows * 2);
    fg_arena_init(&vm.tmp, res->alloc);
    bool done = false;
    vsel s;
    if (sel_new(&vm, &s)) {
        uint32_t n = 0;
        for (uint32_t r = 0; r < rows; r++) {
            s.idx[n] = r;
            n += batch->err[r].kind == FG_RE_NONE;
        }
        s.n = n;
        done = vm_slots(&vm, &s, opts && opts->with_reports);
    }
    fg_arena_free(&vm.tmp);
    p->all = vm.all;
    p->bytes = vm.bytes;
    if (!done) {
        *fallback = true;
        return false;
    }
    for (uint32_t r = 0; r < rows && vm.nerr; r++)
        if (vm.dead[r])
            batch->err[r] = vm.err[r];
    return !vm.oom;
}

bool fg_vinterp_batch(const fg_program *prog, fg_batch *batch, fg_results *res,
                      const fg_eval_opts *opts)
{
    uint32_t rows = batch->nrows < res->cap ? batch->nrows : res->cap;
    if (rows == 0)
        return true;
    struct fg_vpool *p = pool_for(res, rows);
    bool fallback = !p || p->too_deep;
    if (!fallback) {
        bool ok = vinterp(prog, batch, res, opts, rows, p, &fallback);
        if (!fallback)
            return ok;
        /* keep no more than the memory that did not suffice */
        fg_vinterp_free(res);
        p = pool_for(res, rows);
        if (p)
            p->too_deep = true;
    }
    /* no room for the columns: the row interpreter evaluates the batch */
    fg_eval_opts o;
    memset(&o, 0, sizeof o);
    if (opts)
        o = *opts;
    o.row_interp = true;
    return fg_interp_batch(prog, batch, res, &o);
}
