/* report_io.c — the portable encoding of one report accumulator, so that
 * accumulators filled in other processes (Dask workers, mappers) can be
 * merged exactly. Little-endian throughout:
 *
 *   u32 ngroups, then per group:
 *     nby values (the `by` values), u64 rows, then per aggregate column:
 *       count()          nothing (the group's rows)
 *       count_if, share  u64 n
 *       sum, avg         u64 n; int: u64 lo, u64 hi (128-bit sum);
 *                        num: u8 first, u8 count, count x u64 words of the
 *                        normalized exact sum (words first..first+count-1)
 *       min, max         u64 n; when n > 0 the best value
 *   value: u8 missing (0/1); when present, int u64, num u64 (IEEE bits),
 *          bool u8 (0/1), str u32 length + bytes.
 *
 * Decoding reads each group into a scratch group and folds it in with
 * fg_report_merge_cells, the one merge rule, so decoding into a non-empty
 * accumulator is a merge. Every field is checked (ranges, finite numbers,
 * counts not above the group's rows): a bad encoding is FG_DECODE_BAD. */
#include <math.h>
#include <string.h>

#include "report_int.h"
#include "wire.h"

static bool has_xsum(const fg_report_acc *acc, uint32_t c)
{
    fg_agg agg = acc->rep->cols[c].agg;
    return (agg == FG_AGG_SUM || agg == FG_AGG_AVG) && acc->arg_types[c] == FG_T_NUM;
}

static void put_value(fg_strbuf *sb, fg_type t, const fg_value *v)
{
    fg_wire_u8(sb, v->missing ? 1 : 0);
    if (v->missing)
        return;
    switch (fg_type_base(t)) {
    case FG_T_INT:
        fg_wire_u64(sb, (uint64_t)v->i);
        break;
    case FG_T_NUM: {
        uint64_t bits;
        memcpy(&bits, &v->n, sizeof bits);
        fg_wire_u64(sb, bits);
        break;
    }
    case FG_T_BOOL:
        fg_wire_u8(sb, v->b ? 1 : 0);
        break;
    default:
        fg_wire_u32(sb, v->s.len);
        fg_strbuf_add(sb, v->s.ptr ? v->s.ptr : "", v->s.len);
        break;
    }
}

static void put_xsum(fg_strbuf *sb, const fg_xsum *x)
{
    fg_xsum n = *x;
    fg_xsum_normalize(&n);
    int lo = 0, hi = FG_XSUM_WORDS - 1;
    while (lo < FG_XSUM_WORDS && n.w[lo] == 0)
        lo++;
    while (hi >= lo && n.w[hi] == 0)
        hi--;
    int count = lo < FG_XSUM_WORDS ? hi - lo + 1 : 0;
    fg_wire_u8(sb, (uint8_t)(count ? lo : 0));
    fg_wire_u8(sb, (uint8_t)count);
    for (int i = 0; i < count; i++)
        fg_wire_u64(sb, (uint64_t)n.w[lo + i]);
}

bool fg_report_acc_encode(const fg_report_acc *acc, fg_strbuf *out)
{
    const fg_report *rep = acc->rep;
    fg_wire_u32(out, acc->ngroups);
    for (uint32_t i = 0; i < acc->ngroups; i++) {
        const fg_rep_group *g = acc->groups[i];
        for (uint32_t k = 0; k < rep->nby; k++)
            put_value(out, rep->by_types[k], &g->key[k]);
        fg_wire_u64(out, g->rows);
        for (uint32_t c = 0; c < rep->ncols; c++) {
            const fg_rep_cell *cell = &g->cells[c];
            switch (rep->cols[c].agg) {
            case FG_AGG_COUNT:
                break;
            case FG_AGG_COUNT_IF:
            case FG_AGG_SHARE:
                fg_wire_u64(out, cell->n);
                break;
            case FG_AGG_SUM:
            case FG_AGG_AVG:
                fg_wire_u64(out, cell->n);
                if (cell->x) {
                    put_xsum(out, cell->x);
                } else {
                    fg_wire_u64(out, cell->isum.lo);
                    fg_wire_u64(out, cell->isum.hi);
                }
                break;
            case FG_AGG_MIN:
            case FG_AGG_MAX:
                fg_wire_u64(out, cell->n);
                if (cell->n)
                    put_value(out, acc->arg_types[c], &cell->best);
                break;
            }
        }
    }
    return !out->failed;
}

/* Reads one value of type t; false when it is not a valid one. */
static bool get_value(fg_wire_in *in, fg_type t, fg_value *v)
{
    memset(v, 0, sizeof *v);
    uint8_t miss = fg_wire_get_u8(in);
    if (miss > 1)
        return false;
    v->missing = miss == 1;
    if (v->missing)
        return !in->short_read;
    switch (fg_type_base(t)) {
    case FG_T_INT:
        v->i = (int64_t)fg_wire_get_u64(in);
        break;
    case FG_T_NUM: {
        uint64_t bits = fg_wire_get_u64(in);
        memcpy(&v->n, &bits, sizeof bits);
        if (!isfinite(v->n))
            return false;
        break;
    }
    case FG_T_BOOL: {
        uint8_t b = fg_wire_get_u8(in);
        if (b > 1)
            return false;
        v->b = b == 1;
        break;
    }
    default: {
        uint32_t len = fg_wire_get_u32(in);
        const unsigned char *p = len == UINT32_MAX ? NULL : fg_wire_bytes(in, len);
        if (!p)
            return false;
        v->s.ptr = (const char *)p;
        v->s.len = len;
        break;
    }
    }
    return !in->short_read;
}

/* A normalized exact sum: low words are 32-bit digits, the top word small. */
static bool get_xsum(fg_wire_in *in, fg_xsum *x)
{
    fg_xsum_init(x);
    unsigned lo = fg_wire_get_u8(in), count = fg_wire_get_u8(in);
    if (lo + count > FG_XSUM_WORDS)
        return false;
    for (unsigned i = 0; i < count; i++) {
        int64_t w = (int64_t)fg_wire_get_u64(in);
        bool top = lo + i == FG_XSUM_WORDS - 1;
        if (top ? (w > (INT64_C(1) << 32) || w < -(INT64_C(1) << 32))
                : (w < 0 || w > (int64_t)UINT32_MAX))
            return false;
        x->w[lo + i] = w;
    }
    x->pending = 1;
    return !in->short_read;
}

/* Reads the cells of one group into cells (scratch, xs for num sums). */
static bool get_cells(const fg_report_acc *acc, fg_wire_in *in, uint64_t rows, fg_rep_cell *cells,
                      fg_xsum *xs)
{
    const fg_report *rep = acc->rep;
    for (uint32_t c = 0; c < rep->ncols; c++) {
        fg_rep_cell *cell = &cells[c];
        memset(cell, 0, sizeof *cell);
        cell->best.missing = true;
        switch (rep->cols[c].agg) {
        case FG_AGG_COUNT:
            break;
        case FG_AGG_COUNT_IF:
        case FG_AGG_SHARE:
            cell->n = fg_wire_get_u64(in);
            break;
        case FG_AGG_SUM:
        case FG_AGG_AVG:
            cell->n = fg_wire_get_u64(in);
            if (has_xsum(acc, c)) {
                cell->x = &xs[c];
                if (!get_xsum(in, cell->x))
                    return false;
            } else {
                cell->isum.lo = fg_wire_get_u64(in);
                cell->isum.hi = fg_wire_get_u64(in);
            }
            break;
        case FG_AGG_MIN:
        case FG_AGG_MAX:
            cell->n = fg_wire_get_u64(in);
            if (cell->n && (!get_value(in, acc->arg_types[c], &cell->best) || cell->best.missing))
                return false;
            break;
        }
        if (cell->n > rows || in->short_read)
            return false;
    }
    return true;
}

fg_decode_status fg_report_acc_decode(fg_report_acc *acc, fg_wire_in *in)
{
    const fg_report *rep = acc->rep;
    fg_decode_status st = FG_DECODE_NOMEM;
    uint32_t ngroups = fg_wire_get_u32(in);
    fg_value *key = fg_calloc(acc->alloc, rep->nby + 1, sizeof *key);
    fg_rep_cell *cells = fg_calloc(acc->alloc, rep->ncols + 1, sizeof *cells);
    fg_xsum *xs = fg_calloc(acc->alloc, rep->ncols + 1, sizeof *xs);
    if (!key || !cells || !xs)
        goto done;
    st = FG_DECODE_BAD;
    if (in->short_read || (rep->nby == 0 && ngroups != 1))
        goto done; /* without `by` there is always exactly one group */
    for (uint32_t i = 0; i < ngroups; i++) {
        for (uint32_t k = 0; k < rep->nby; k++)
            if (!get_value(in, rep->by_types[k], &key[k]))
                goto done;
        uint64_t rows = fg_wire_get_u64(in);
        if (in->short_read || !get_cells(acc, in, rows, cells, xs))
            goto done;
        uint64_t h = rep->nby ? fg_report_hash_key(rep, key) : 0;
        fg_rep_group *g = fg_report_find_group(acc, key, h);
        if (!g || !fg_report_merge_cells(acc, g->cells, cells)) {
            st = FG_DECODE_NOMEM;
            goto done;
        }
        g->rows += rows;
    }
    st = FG_DECODE_OK;
done:
    fg_free(acc->alloc, key);
    fg_free(acc->alloc, cells);
    fg_free(acc->alloc, xs);
    return st;
}
