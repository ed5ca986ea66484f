/* report.c — report aggregation: groups keyed by their typed `by` values in
 * an open-addressing hash table, per-group aggregate state, exact sums, and
 * the sorted result table. Int sums are kept in 128 bits (two 64-bit
 * halves); num sums in fg_xsum, a carry-save fixed-point accumulator wide
 * enough for any double, so every sum is exact until it is rounded once. */
#include "report_int.h"

#include <math.h>
#include <string.h>

#include "format.h"

/* ---- exact num sums ----
 * The value is sum(w[i] * 2^(32*i)) * 2^-1074. Each addition adds at most
 * 2^33 to three words, so words stay far from int64 overflow for 2^29
 * additions; then carries are propagated (normalize) and each word holds a
 * 32-bit digit again, the top word the signed rest. */

#define XS_MASK 0xffffffffu
#define XS_NORM_EVERY (1u << 29)
#define XS_DIGIT 4294967296.0

void fg_xsum_init(fg_xsum *x)
{
    memset(x, 0, sizeof *x);
}

static void xs_normalize(int64_t *w)
{
    int64_t carry = 0;
    for (int i = 0; i < FG_XSUM_WORDS - 1; i++) {
        int64_t t = w[i] + carry;
        int64_t lo = (int64_t)((uint64_t)t & XS_MASK);
        carry = (t - lo) / (int64_t)4294967296;
        w[i] = lo;
    }
    w[FG_XSUM_WORDS - 1] += carry;
}

void fg_xsum_add(fg_xsum *x, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    unsigned be = (unsigned)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    unsigned p; /* bit position of m's lowest bit above 2^-1074 */
    if (be == 0) {
        if (m == 0)
            return;
        p = 0;
    } else {
        m |= UINT64_C(1) << 52;
        p = be - 1;
    }
    unsigned k = p / 32, s = p % 32;
    uint64_t v0 = (m & XS_MASK) << s;
    uint64_t v1 = (m >> 32) << s;
    int64_t d0 = (int64_t)(v0 & XS_MASK);
    int64_t d1 = (int64_t)((v0 >> 32) + (v1 & XS_MASK));
    int64_t d2 = (int64_t)(v1 >> 32);
    if (bits >> 63) {
        x->w[k] -= d0;
        x->w[k + 1] -= d1;
        x->w[k + 2] -= d2;
    } else {
        x->w[k] += d0;
        x->w[k + 1] += d1;
        x->w[k + 2] += d2;
    }
    if (++x->pending >= XS_NORM_EVERY) {
        xs_normalize(x->w);
        x->pending = 1;
    }
}

void fg_xsum_normalize(fg_xsum *x)
{
    xs_normalize(x->w);
    x->pending = 1;
}

void fg_xsum_merge(fg_xsum *into, const fg_xsum *from)
{
    int64_t t[FG_XSUM_WORDS];
    memcpy(t, from->w, sizeof t);
    xs_normalize(t);
    xs_normalize(into->w);
    for (int i = 0; i < FG_XSUM_WORDS; i++)
        into->w[i] += t[i];
    into->pending = 2;
}

static unsigned bitlen64(uint64_t v)
{
    unsigned n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

/* Rounds the exact sum to nearest, ties to even, as q * 2^e with q < 2^53
 * (no range limit). False when the sum is zero. */
static bool xs_round_parts(const fg_xsum *x, bool *neg, uint64_t *q_out, int *e_out)
{
    int64_t w[FG_XSUM_WORDS];
    memcpy(w, x->w, sizeof w);
    xs_normalize(w);
    *neg = w[FG_XSUM_WORDS - 1] < 0;
    if (*neg) {
        for (int i = 0; i < FG_XSUM_WORDS; i++)
            w[i] = -w[i];
        xs_normalize(w);
    }
    int top = FG_XSUM_WORDS - 1;
    while (top >= 0 && w[top] == 0)
        top--;
    if (top < 0)
        return false;
    unsigned len = 32u * (unsigned)top + bitlen64((uint64_t)w[top]);
    if (len <= 53) {
        *q_out = (uint64_t)w[0] | (top > 0 ? (uint64_t)w[1] << 32 : 0);
        *e_out = -1074;
        return true;
    }
    unsigned shift = len - 53;
    uint64_t q = 0;
    for (unsigned j = 0; j < 53; j++) {
        unsigned b = shift + j;
        if (((uint64_t)w[b / 32] >> (b % 32)) & 1)
            q |= UINT64_C(1) << j;
    }
    unsigned g = shift - 1;
    bool guard = ((uint64_t)w[g / 32] >> (g % 32)) & 1;
    bool sticky = ((uint64_t)w[g / 32] & ((UINT64_C(1) << (g % 32)) - 1)) != 0;
    for (unsigned i = 0; !sticky && i < g / 32; i++)
        sticky = w[i] != 0;
    if (guard && (sticky || (q & 1))) {
        q++;
        if (q == UINT64_C(1) << 53) {
            q >>= 1;
            shift++;
        }
    }
    *q_out = q;
    *e_out = (int)shift - 1074;
    return true;
}

double fg_xsum_round(const fg_xsum *x, bool *overflow)
{
    bool neg;
    uint64_t q;
    int e;
    *overflow = false;
    if (!xs_round_parts(x, &neg, &q, &e))
        return 0.0;
    if (e + (int)bitlen64(q) > 1024) {
        *overflow = true;
        return 0.0;
    }
    double r = ldexp((double)q, e); /* exact: q has at most 53 bits */
    return neg ? -r : r;
}

/* The rounded exact sum divided by n; finite even when the sum itself
 * would round beyond the double range (scaling by 2^e commutes with the
 * correctly rounded division while the result is normal). */
static double xs_mean(const fg_xsum *x, uint64_t n)
{
    bool neg;
    uint64_t q;
    int e;
    if (!xs_round_parts(x, &neg, &q, &e))
        return 0.0;
    double r;
    if (e + (int)bitlen64(q) > 1024)
        r = ldexp((double)q / (double)n, e);
    else
        r = ldexp((double)q, e) / (double)n;
    return neg ? -r : r;
}

/* ---- 128-bit int sums (two's complement in two halves) ---- */

static void i128_add64(fg_i128 *a, int64_t v)
{
    uint64_t lo = a->lo + (uint64_t)v;
    a->hi += (lo < a->lo ? 1u : 0u) + (v < 0 ? UINT64_MAX : 0u);
    a->lo = lo;
}

static void i128_add(fg_i128 *a, const fg_i128 *b)
{
    uint64_t lo = a->lo + b->lo;
    a->hi += b->hi + (lo < a->lo ? 1u : 0u);
    a->lo = lo;
}

static bool i128_to_i64(const fg_i128 *a, int64_t *out)
{
    if (a->hi == 0 && a->lo <= (uint64_t)INT64_MAX) {
        *out = (int64_t)a->lo;
        return true;
    }
    if (a->hi == UINT64_MAX && a->lo > (uint64_t)INT64_MAX) {
        *out = -(int64_t)(~a->lo) - 1;
        return true;
    }
    return false;
}

/* The value correctly rounded (nearest, ties to even). */
static double i128_to_double(const fg_i128 *a)
{
    uint64_t hi = a->hi, lo = a->lo;
    bool neg = (hi >> 63) != 0;
    if (neg) {
        lo = ~lo + 1;
        hi = ~hi + (lo == 0 ? 1u : 0u);
    }
    double r;
    if (hi == 0 && lo < (UINT64_C(1) << 53)) {
        r = (double)lo;
    } else {
        unsigned len = hi ? 64 + bitlen64(hi) : bitlen64(lo);
        unsigned s = len - 53; /* 1..75 */
        uint64_t q = s < 64 ? (lo >> s) | (hi << (64 - s)) : hi >> (s - 64);
        q &= (UINT64_C(1) << 53) - 1;
        unsigned g = s - 1;
        bool guard = g < 64 ? (lo >> g) & 1 : (hi >> (g - 64)) & 1;
        bool sticky;
        if (g < 64)
            sticky = (lo & ((UINT64_C(1) << g) - 1)) != 0;
        else
            sticky = lo != 0 || (hi & ((UINT64_C(1) << (g - 64)) - 1)) != 0;
        if (guard && (sticky || (q & 1))) {
            q++;
            if (q == UINT64_C(1) << 53) {
                q >>= 1;
                s++;
            }
        }
        r = ldexp((double)q, (int)s);
    }
    return neg ? -r : r;
}

/* ---- groups ---- */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

uint64_t fg_report_hash_key(const fg_report *rep, const fg_value *key)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
    for (uint32_t k = 0; k < rep->nby; k++) {
        const fg_value *v = &key[k];
        uint64_t x;
        if (v->missing) {
            x = UINT64_C(0x5bd1e9955bd1e995);
        } else {
            switch (fg_type_base(rep->by_types[k])) {
            case FG_T_INT:
                x = (uint64_t)v->i;
                break;
            case FG_T_NUM: {
                double d = v->n == 0 ? 0.0 : v->n; /* -0 and 0 are one group */
                memcpy(&x, &d, sizeof x);
                break;
            }
            case FG_T_BOOL:
                x = v->b ? 2 : 1;
                break;
            default:
                x = UINT64_C(0xcbf29ce484222325);
                for (uint32_t i = 0; i < v->s.len; i++)
                    x = (x ^ (unsigned char)v->s.ptr[i]) * UINT64_C(0x100000001b3);
                break;
            }
        }
        h = mix64(h ^ x) + k;
    }
    return h;
}

/* Typed order: missing first, numbers numerically, false before true,
 * strings byte-wise (a prefix first). */
static int cmp_value(fg_type t, const fg_value *a, const fg_value *b)
{
    if (a->missing || b->missing)
        return a->missing == b->missing ? 0 : (a->missing ? -1 : 1);
    switch (fg_type_base(t)) {
    case FG_T_INT:
        return a->i < b->i ? -1 : a->i > b->i;
    case FG_T_NUM:
        return a->n < b->n ? -1 : a->n > b->n;
    case FG_T_BOOL:
        return (int)a->b - (int)b->b;
    default: {
        uint32_t n = a->s.len < b->s.len ? a->s.len : b->s.len;
        int c = n ? memcmp(a->s.ptr, b->s.ptr, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return a->s.len < b->s.len ? -1 : a->s.len > b->s.len;
    }
    }
}

static bool key_equal(const fg_report *rep, const fg_value *a, const fg_value *b)
{
    for (uint32_t k = 0; k < rep->nby; k++)
        if (cmp_value(rep->by_types[k], &a[k], &b[k]) != 0)
            return false;
    return true;
}

static bool is_num_sum(const fg_report_acc *acc, uint32_t c)
{
    fg_agg agg = acc->rep->cols[c].agg;
    return (agg == FG_AGG_SUM || agg == FG_AGG_AVG) && acc->arg_types[c] == FG_T_NUM;
}

static fg_rep_group *new_group(fg_report_acc *acc, const fg_value *key, uint64_t hash)
{
    const fg_report *rep = acc->rep;
    fg_rep_group *g = fg_arena_zalloc(&acc->arena, sizeof *g);
    if (!g)
        return NULL;
    g->hash = hash;
    if (rep->nby) {
        g->key = fg_arena_alloc(&acc->arena, rep->nby * sizeof *g->key);
        if (!g->key)
            return NULL;
        for (uint32_t k = 0; k < rep->nby; k++) {
            g->key[k] = key[k];
            if (g->key[k].missing) {
                g->key[k].i = 0;
                g->key[k].s.len = 0;
            } else if (fg_type_base(rep->by_types[k]) == FG_T_STR) {
                char *p =
                    fg_arena_strndup(&acc->arena, key[k].s.ptr ? key[k].s.ptr : "", key[k].s.len);
                if (!p)
                    return NULL;
                g->key[k].s.ptr = p;
            } else if (fg_type_base(rep->by_types[k]) == FG_T_NUM && key[k].n == 0) {
                g->key[k].n = 0.0;
            }
        }
    }
    if (rep->ncols) {
        g->cells = fg_arena_zalloc(&acc->arena, rep->ncols * sizeof *g->cells);
        if (!g->cells)
            return NULL;
    }
    for (uint32_t c = 0; c < rep->ncols; c++) {
        g->cells[c].best.missing = true;
        if (is_num_sum(acc, c)) {
            g->cells[c].x = fg_arena_alloc(&acc->arena, sizeof(fg_xsum));
            if (!g->cells[c].x)
                return NULL;
            fg_xsum_init(g->cells[c].x);
        }
    }
    if (acc->ngroups == acc->gcap) {
        uint32_t cap = acc->gcap ? acc->gcap * 2 : 16;
        fg_rep_group **ng = fg_realloc(acc->alloc, acc->groups, cap * sizeof *ng);
        if (!ng)
            return NULL;
        acc->groups = ng;
        acc->gcap = cap;
    }
    acc->groups[acc->ngroups++] = g;
    return g;
}

static bool rehash(fg_report_acc *acc)
{
    uint32_t n = acc->nslots ? acc->nslots * 2 : 64;
    uint32_t *t = fg_calloc(acc->alloc, n, sizeof *t);
    if (!t)
        return false;
    for (uint32_t i = 0; i < acc->ngroups; i++) {
        uint32_t j = (uint32_t)acc->groups[i]->hash & (n - 1);
        while (t[j])
            j = (j + 1) & (n - 1);
        t[j] = i + 1;
    }
    fg_free(acc->alloc, acc->slots);
    acc->slots = t;
    acc->nslots = n;
    return true;
}

fg_rep_group *fg_report_find_group(fg_report_acc *acc, const fg_value *key, uint64_t hash)
{
    if (acc->rep->nby == 0)
        return acc->groups[0];
    if ((uint64_t)(acc->ngroups + 1) * 2 > acc->nslots && !rehash(acc))
        return NULL;
    uint32_t mask = acc->nslots - 1;
    uint32_t j = (uint32_t)hash & mask;
    while (acc->slots[j]) {
        fg_rep_group *g = acc->groups[acc->slots[j] - 1];
        if (g->hash == hash && key_equal(acc->rep, g->key, key))
            return g;
        j = (j + 1) & mask;
    }
    fg_rep_group *g = new_group(acc, key, hash);
    if (!g)
        return NULL;
    acc->slots[j] = acc->ngroups;
    return g;
}

void fg_report_acc_free(fg_report_acc *acc)
{
    if (!acc)
        return;
    for (uint32_t i = 0; i < acc->ngroups; i++)
        for (uint32_t c = 0; c < acc->rep->ncols; c++)
            fg_free(acc->alloc, acc->groups[i]->cells[c].buf);
    fg_free(acc->alloc, acc->groups);
    fg_free(acc->alloc, acc->slots);
    fg_arena_free(&acc->arena);
    fg_free(acc->alloc, acc);
}

fg_report_acc *fg_report_acc_new(const fg_allocator *alloc, const fg_program *prog,
                                 uint32_t report_index)
{
    if (!prog || report_index >= prog->nreports)
        return NULL;
    fg_report_acc *acc = fg_calloc(alloc, 1, sizeof *acc);
    if (!acc)
        return NULL;
    acc->alloc = alloc;
    acc->prog = prog;
    acc->rep = &prog->reports[report_index];
    acc->index = report_index;
    fg_arena_init(&acc->arena, alloc);
    const fg_report *rep = acc->rep;
    if (rep->ncols) {
        acc->arg_types = fg_arena_zalloc(&acc->arena, rep->ncols * sizeof *acc->arg_types);
        if (!acc->arg_types)
            goto fail;
    }
    for (uint32_t c = 0; c < rep->ncols; c++) {
        const fg_report_col *col = &rep->cols[c];
        fg_type t = col->arg_type;
        if (col->slot >= 0 && (uint32_t)col->slot < prog->nslots &&
            fg_type_base(prog->slots[col->slot].type) != FG_T_ERROR)
            t = prog->slots[col->slot].type; /* the values are read as the slot's type */
        acc->arg_types[c] = col->slot >= 0 ? fg_type_base(t) : 0;
    }
    if (rep->nby) {
        acc->key = fg_arena_zalloc(&acc->arena, rep->nby * sizeof *acc->key);
        if (!acc->key)
            goto fail;
    } else if (!new_group(acc, NULL, 0)) {
        goto fail; /* without `by` there is always exactly one group */
    }
    return acc;
fail:
    fg_report_acc_free(acc);
    return NULL;
}

static bool set_best(fg_report_acc *acc, fg_rep_cell *cell, fg_type t, const fg_value *v)
{
    cell->best = *v;
    if (fg_type_base(t) != FG_T_STR)
        return true;
    if (v->s.len > cell->bufcap || !cell->buf) {
        uint32_t cap = v->s.len < 16 ? 16 : v->s.len;
        char *nb = fg_realloc(acc->alloc, cell->buf, cap);
        if (!nb)
            return false;
        cell->buf = nb;
        cell->bufcap = cap;
    }
    if (v->s.len)
        memcpy(cell->buf, v->s.ptr, v->s.len);
    cell->best.s.ptr = cell->buf;
    return true;
}

/* Folds one present value into a MIN/MAX cell. Ties between -0 and 0 are
 * broken by sign so the result never depends on row order. */
static bool minmax_value(fg_report_acc *acc, fg_rep_cell *cell, fg_agg agg, fg_type t,
                         const fg_value *v)
{
    bool better;
    if (cell->best.missing) {
        better = true;
    } else {
        int c = cmp_value(t, v, &cell->best);
        if (c == 0 && fg_type_base(t) == FG_T_NUM && v->n == 0)
            c = signbit(v->n) && !signbit(cell->best.n)   ? -1
                : !signbit(v->n) && signbit(cell->best.n) ? 1
                                                          : 0;
        better = agg == FG_AGG_MIN ? c < 0 : c > 0;
    }
    return better ? set_best(acc, cell, t, v) : true;
}

static bool add_value(fg_report_acc *acc, fg_rep_cell *cell, uint32_t c, const fg_value *v)
{
    fg_agg agg = acc->rep->cols[c].agg;
    switch (agg) {
    case FG_AGG_COUNT:
        return true;
    case FG_AGG_COUNT_IF:
    case FG_AGG_SHARE:
        if (!v->missing && v->b)
            cell->n++;
        return true;
    case FG_AGG_SUM:
    case FG_AGG_AVG:
        if (v->missing)
            return true;
        cell->n++;
        if (acc->arg_types[c] == FG_T_NUM)
            fg_xsum_add(cell->x, v->n);
        else
            i128_add64(&cell->isum, v->i);
        return true;
    case FG_AGG_MIN:
    case FG_AGG_MAX:
        if (v->missing)
            return true;
        cell->n++;
        return minmax_value(acc, cell, agg, acc->arg_types[c], v);
    }
    return true;
}

bool fg_report_acc_add(fg_report_acc *acc, const fg_batch *batch, const fg_results *res)
{
    const fg_report *rep = acc->rep;
    for (uint32_t row = 0; row < batch->nrows; row++) {
        if (batch->err[row].kind != FG_RE_NONE)
            continue;
        uint64_t h = 0;
        if (rep->nby) {
            for (uint32_t k = 0; k < rep->nby; k++)
                acc->key[k] = res->vals[(size_t)rep->by_slots[k] * res->cap + row];
            h = fg_report_hash_key(rep, acc->key);
        }
        fg_rep_group *g = fg_report_find_group(acc, acc->key, h);
        if (!g)
            return false;
        g->rows++;
        for (uint32_t c = 0; c < rep->ncols; c++) {
            const fg_report_col *col = &rep->cols[c];
            if (col->slot < 0)
                continue;
            if (!add_value(acc, &g->cells[c], c, &res->vals[(size_t)col->slot * res->cap + row]))
                return false;
        }
    }
    return true;
}

/* Folds the cells of src into dst (same report). */
bool fg_report_merge_cells(fg_report_acc *into, fg_rep_cell *dcells, const fg_rep_cell *scells)
{
    const fg_report *rep = into->rep;
    for (uint32_t c = 0; c < rep->ncols; c++) {
        fg_rep_cell *d = &dcells[c];
        const fg_rep_cell *s = &scells[c];
        switch (rep->cols[c].agg) {
        case FG_AGG_COUNT:
            break;
        case FG_AGG_COUNT_IF:
        case FG_AGG_SHARE:
            d->n += s->n;
            break;
        case FG_AGG_SUM:
        case FG_AGG_AVG:
            d->n += s->n;
            if (d->x)
                fg_xsum_merge(d->x, s->x);
            else
                i128_add(&d->isum, &s->isum);
            break;
        case FG_AGG_MIN:
        case FG_AGG_MAX:
            if (s->n) {
                if (!minmax_value(into, d, rep->cols[c].agg, into->arg_types[c], &s->best))
                    return false;
                d->n += s->n;
            }
            break;
        }
    }
    return true;
}

bool fg_report_acc_merge(fg_report_acc *into, const fg_report_acc *from)
{
    if (from->rep != into->rep)
        return false;
    for (uint32_t i = 0; i < from->ngroups; i++) {
        const fg_rep_group *src = from->groups[i];
        fg_rep_group *dst = fg_report_find_group(into, src->key, src->hash);
        if (!dst)
            return false;
        dst->rows += src->rows;
        if (!fg_report_merge_cells(into, dst->cells, src->cells))
            return false;
    }
    return true;
}

/* ---- the result table ---- */

typedef struct sort_ctx {
    const fg_report *rep;
} sort_ctx;

static int cmp_group(const sort_ctx *cx, const fg_rep_group *a, const fg_rep_group *b)
{
    for (uint32_t k = 0; k < cx->rep->nby; k++) {
        int c = cmp_value(cx->rep->by_types[k], &a->key[k], &b->key[k]);
        if (c)
            return c;
    }
    return 0;
}

/* Stable merge sort (qsort has no context argument in C11). */
static void sort_groups(const sort_ctx *cx, fg_rep_group **a, fg_rep_group **tmp, uint32_t n)
{
    if (n < 2)
        return;
    uint32_t h = n / 2;
    sort_groups(cx, a, tmp, h);
    sort_groups(cx, a + h, tmp, n - h);
    uint32_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_group(cx, a[j], a[i]) < 0 ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static fg_type col_type(const fg_report_acc *acc, uint32_t c)
{
    switch (acc->rep->cols[c].agg) {
    case FG_AGG_COUNT:
    case FG_AGG_COUNT_IF:
        return FG_T_INT;
    case FG_AGG_SUM:
    case FG_AGG_MIN:
    case FG_AGG_MAX:
        return (fg_type)(acc->arg_types[c] | FG_T_OPT);
    case FG_AGG_AVG:
    case FG_AGG_SHARE:
        return (fg_type)(FG_T_NUM | FG_T_OPT);
    }
    return FG_T_INT;
}

static fg_value val_missing(void)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.missing = true;
    return v;
}

/* Computes one aggregate cell; *overflow when the sum left its range. */
static fg_value cell_value(const fg_report_acc *acc, const fg_rep_group *g, uint32_t c,
                           fg_arena *ar, bool *overflow)
{
    const fg_rep_cell *cell = &g->cells[c];
    fg_value v;
    memset(&v, 0, sizeof v);
    *overflow = false;
    switch (acc->rep->cols[c].agg) {
    case FG_AGG_COUNT:
        v.i = (int64_t)g->rows;
        break;
    case FG_AGG_COUNT_IF:
        v.i = (int64_t)cell->n;
        break;
    case FG_AGG_SHARE:
        if (g->rows == 0)
            return val_missing();
        v.n = (double)cell->n / (double)g->rows;
        break;
    case FG_AGG_SUM:
        if (cell->x) {
            v.n = fg_xsum_round(cell->x, overflow);
        } else if (!i128_to_i64(&cell->isum, &v.i)) {
            *overflow = true;
        }
        if (*overflow)
            return val_missing();
        break;
    case FG_AGG_AVG:
        if (cell->n == 0)
            return val_missing();
        if (cell->x)
            v.n = xs_mean(cell->x, cell->n);
        else
            v.n = i128_to_double(&cell->isum) / (double)cell->n;
        break;
    case FG_AGG_MIN:
    case FG_AGG_MAX:
        if (cell->n == 0)
            return val_missing();
        v = cell->best;
        if (!v.missing && acc->arg_types[c] == FG_T_STR) {
            char *p = fg_arena_strndup(ar, v.s.ptr ? v.s.ptr : "", v.s.len);
            if (!p)
                return val_missing();
            v.s.ptr = p;
        }
        break;
    }
    v.missing = false;
    return v;
}

void fg_report_table_free(fg_report_table *t)
{
    if (!t)
        return;
    fg_arena_free(&t->arena);
    memset(t, 0, sizeof *t);
}

bool fg_report_acc_table(const fg_report_acc *acc, fg_report_table *out)
{
    const fg_report *rep = acc->rep;
    memset(out, 0, sizeof *out);
    out->alloc = acc->alloc;
    out->report_index = acc->index;
    fg_arena_init(&out->arena, acc->alloc);
    fg_arena *ar = &out->arena;
    fg_rep_group **order = NULL, **tmp = NULL;
    out->nby = rep->nby;
    out->ncols = rep->nby + rep->ncols;
    out->names = fg_arena_alloc(ar, (out->ncols + 1) * sizeof *out->names);
    out->types = fg_arena_alloc(ar, (out->ncols + 1) * sizeof *out->types);
    if (!out->names || !out->types)
        goto fail;
    for (uint32_t k = 0; k < rep->nby; k++) {
        out->names[k] = rep->by_names[k];
        out->types[k] = rep->by_types[k];
    }
    for (uint32_t c = 0; c < rep->ncols; c++) {
        out->names[rep->nby + c] = rep->cols[c].label;
        out->types[rep->nby + c] = col_type(acc, c);
    }
    uint32_t n = acc->ngroups;
    order = fg_calloc(acc->alloc, n + 1, sizeof *order);
    tmp = fg_calloc(acc->alloc, n + 1, sizeof *tmp);
    if (!order || !tmp)
        goto fail;
    if (n)
        memcpy(order, acc->groups, n * sizeof *order);
    sort_ctx cx = {rep};
    sort_groups(&cx, order, tmp, n);
    out->nrows = n;
    out->cells = fg_arena_alloc(ar, ((size_t)n * out->ncols + 1) * sizeof *out->cells);
    if (!out->cells)
        goto fail;
    uint32_t novf = 0;
    for (uint32_t r = 0; r < n; r++) {
        const fg_rep_group *g = order[r];
        fg_value *row = &out->cells[(size_t)r * out->ncols];
        for (uint32_t k = 0; k < rep->nby; k++) {
            row[k] = g->key[k];
            if (!row[k].missing && fg_type_base(rep->by_types[k]) == FG_T_STR) {
                char *p = fg_arena_strndup(ar, row[k].s.ptr, row[k].s.len);
                if (!p)
                    goto fail;
                row[k].s.ptr = p;
            }
        }
        for (uint32_t c = 0; c < rep->ncols; c++) {
            bool ovf;
            row[rep->nby + c] = cell_value(acc, g, c, ar, &ovf);
            if (ovf) {
                fg_report_overflow *no = fg_arena_alloc(ar, (novf + 1) * sizeof *no);
                if (!no)
                    goto fail;
                if (novf)
                    memcpy(no, out->overflows, novf * sizeof *no);
                no[novf].row = r;
                no[novf].col = c;
                out->overflows = no;
                out->noverflows = ++novf;
            }
        }
    }
    if (ar->failed)
        goto fail;
    fg_free(acc->alloc, order);
    fg_free(acc->alloc, tmp);
    return true;
fail:
    fg_free(acc->alloc, order);
    fg_free(acc->alloc, tmp);
    fg_report_table_free(out);
    return false;
}

bool fg_report_table_write(const fg_report_table *t, fg_out_format fmt, fg_byte_sink sink)
{
    fg_writer *w = fg_writer_new(t->alloc, fmt, sink, t->ncols, t->names, t->types);
    if (!w)
        return false;
    bool ok = fg_writer_header(w);
    for (uint32_t r = 0; ok && r < t->nrows; r++)
        ok = fg_writer_row(w, &t->cells[(size_t)r * t->ncols]);
    if (ok)
        ok = fg_writer_finish(w);
    fg_writer_free(w);
    return ok;
}

/* A value as tests and warnings show it: strings quoted, missing spelled out. */
static void show_value(fg_strbuf *sb, fg_type t, const fg_value *v)
{
    if (v->missing) {
        fg_strbuf_adds(sb, "missing");
        return;
    }
    if (fg_type_base(t) != FG_T_STR) {
        fg_fmt_value(sb, t, *v);
        return;
    }
    fg_strbuf_addc(sb, '"');
    for (uint32_t i = 0; i < v->s.len; i++) {
        char ch = v->s.ptr[i];
        if (ch == '"' || ch == '\\')
            fg_strbuf_addc(sb, '\\');
        if (ch == '\n')
            fg_strbuf_adds(sb, "\\n");
        else
            fg_strbuf_addc(sb, ch);
    }
    fg_strbuf_addc(sb, '"');
}

void fg_report_overflow_text(const fg_program *prog, const fg_report_table *t,
                             const fg_report_overflow *o, fg_strbuf *sb)
{
    const fg_report *rep = &prog->reports[t->report_index];
    fg_strbuf_adds(sb, "report");
    if (rep->name) {
        fg_strbuf_printf(sb, " %s", rep->name);
    } else if (rep->nby) {
        fg_strbuf_adds(sb, " by ");
        for (uint32_t k = 0; k < rep->nby; k++)
            fg_strbuf_printf(sb, "%s%s", k ? ", " : "", rep->by_names[k]);
    }
    fg_strbuf_printf(sb, ": column %s", rep->cols[o->col].label);
    if (rep->nby) {
        fg_strbuf_adds(sb, ", group ");
        const fg_value *row = &t->cells[(size_t)o->row * t->ncols];
        for (uint32_t k = 0; k < rep->nby; k++) {
            fg_strbuf_printf(sb, "%s%s = ", k ? ", " : "", rep->by_names[k]);
            show_value(sb, rep->by_types[k], &row[k]);
        }
    }
    if (fg_type_base(t->types[t->nby + o->col]) == FG_T_NUM)
        fg_strbuf_adds(sb, ": sum beyond the num range, cell left empty");
    else
        fg_strbuf_adds(sb, ": sum outside the 64-bit int range, cell left empty");
}

/* ---- totals over all groups ---- */

static fg_value cell_value(const fg_report_acc *acc, const fg_rep_group *g, uint32_t c,
                           fg_arena *ar, bool *overflow);

bool fg_report_acc_totals(fg_report_acc *acc, fg_report_table *t)
{
    const fg_report *rep = acc->rep;
    fg_rep_group tot;
    memset(&tot, 0, sizeof tot);
    bool ok = false;
    tot.cells = fg_calloc(acc->alloc, rep->ncols + 1, sizeof *tot.cells);
    if (!tot.cells)
        return false;
    for (uint32_t c = 0; c < rep->ncols; c++) {
        tot.cells[c].best.missing = true;
        if (is_num_sum(acc, c)) {
            tot.cells[c].x = fg_malloc(acc->alloc, sizeof *tot.cells[c].x);
            if (!tot.cells[c].x)
                goto done;
            fg_xsum_init(tot.cells[c].x);
        }
    }
    for (uint32_t i = 0; i < acc->ngroups; i++) {
        tot.rows += acc->groups[i]->rows;
        if (!fg_report_merge_cells(acc, tot.cells, acc->groups[i]->cells))
            goto done;
    }
    t->totals = fg_arena_alloc(&t->arena, (t->ncols + 1) * sizeof *t->totals);
    if (!t->totals)
        goto done;
    for (uint32_t k = 0; k < rep->nby; k++)
        t->totals[k] = val_missing();
    for (uint32_t c = 0; c < rep->ncols; c++) {
        bool ovf;
        t->totals[rep->nby + c] = cell_value(acc, &tot, c, &t->arena, &ovf);
    }
    ok = !t->arena.failed;
done:
    for (uint32_t c = 0; c < rep->ncols; c++) {
        fg_free(acc->alloc, tot.cells[c].x);
        fg_free(acc->alloc, tot.cells[c].buf);
    }
    fg_free(acc->alloc, tot.cells);
    return ok;
}

bool fg_report_table_write_ex(const fg_report_table *t, fg_out_format fmt, fg_byte_sink sink,
                              fg_totals_style totals, bool grouping)
{
    if (!t->totals || totals == FG_TOTALS_NONE || t->nby == 0) {
        fg_writer *w = fg_writer_new(t->alloc, fmt, sink, t->ncols, t->names, t->types);
        if (!w)
            return false;
        fg_writer_set_grouping(w, grouping);
        bool ok = fg_writer_header(w);
        for (uint32_t r = 0; ok && r < t->nrows; r++)
            ok = fg_writer_row(w, &t->cells[(size_t)r * t->ncols]);
        ok = ok && fg_writer_finish(w);
        fg_writer_free(w);
        return ok;
    }
    /* one more column in front (COLUMN), or by columns as text (LABEL) */
    uint32_t lead = totals == FG_TOTALS_COLUMN ? 1 : 0, n = t->ncols + lead;
    const char **names = fg_calloc(t->alloc, n + 1, sizeof *names);
    fg_type *types = fg_calloc(t->alloc, n + 1, sizeof *types);
    fg_value *row = fg_calloc(t->alloc, n + 1, sizeof *row);
    fg_strbuf txt;
    fg_strbuf_init(&txt, t->alloc);
    fg_writer *w = NULL;
    bool ok = false;
    if (!names || !types || !row)
        goto done;
    if (lead) {
        names[0] = "row";
        types[0] = FG_T_STR;
    }
    for (uint32_t c = 0; c < t->ncols; c++) {
        names[lead + c] = t->names[c];
        types[lead + c] = t->types[c];
        if (!lead && c < t->nby)
            types[c] = (fg_type)(FG_T_STR | FG_T_OPT);
    }
    w = fg_writer_new(t->alloc, fmt, sink, n, names, types);
    if (!w)
        goto done;
    fg_writer_set_grouping(w, grouping);
    ok = fg_writer_header(w);
    for (uint32_t r = 0; ok && r <= t->nrows; r++) {
        const fg_value *src = r < t->nrows ? &t->cells[(size_t)r * t->ncols] : t->totals;
        fg_strbuf_clear(&txt);
        if (lead) {
            row[0].missing = false;
            row[0].s.ptr = r < t->nrows ? "group" : "total";
            row[0].s.len = (uint32_t)strlen(row[0].s.ptr);
        }
        /* by values as text first (the buffer must not move while rows point in it) */
        size_t offs[64];
        uint32_t nb = t->nby < 64 ? t->nby : 64;
        for (uint32_t k = 0; !lead && k < nb; k++) {
            offs[k] = txt.len;
            if (r == t->nrows && k == 0)
                fg_strbuf_adds(&txt, "total");
            else if (r < t->nrows)
                fg_fmt_value(&txt, t->types[k], src[k]);
        }
        if (txt.failed) {
            ok = false;
            break;
        }
        for (uint32_t c = 0; c < t->ncols; c++) {
            fg_value v = src[c];
            if (!lead && c < nb) {
                size_t end = c + 1 < nb ? offs[c + 1] : txt.len;
                v.missing = end == offs[c] && (r == t->nrows || src[c].missing);
                v.s.ptr = txt.data ? txt.data + offs[c] : "";
                v.s.len = (uint32_t)(end - offs[c]);
            }
            row[lead + c] = v;
        }
        ok = fg_writer_row(w, row);
    }
    ok = ok && fg_writer_finish(w);
done:
    fg_writer_free(w);
    fg_strbuf_free(&txt);
    fg_free(t->alloc, names);
    fg_free(t->alloc, types);
    fg_free(t->alloc, row);
    return ok;
}
