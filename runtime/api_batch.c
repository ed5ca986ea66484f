/* api_batch.c — forge_eval_columns: rows given as caller-owned columns,
 * evaluated chunk by chunk (fg_batch_rows rows at a time) by the session's
 * engine. Int and num columns are read in place: the batch's column
 * pointers are aimed at the caller's arrays (engines never write inputs).
 * Bool (uint8_t vs bool), missing flags and strings (pointer + length vs
 * fg_str) differ from the engine's layout and are converted one chunk at a
 * time into the batch's own arrays. Outputs go to the caller's arrays;
 * row errors are kept (with their details) until the next evaluation. */
#include <string.h>

#include "api_session.h"
#include "report.h"

/* Checks that every input column has the array its type needs. */
static forge_status check_columns(forge_session *s, const forge_column *in)
{
    const fg_program *prog = s->prog;
    if (prog->ninputs && !in)
        return fg_session_fail(s, FORGE_EUSAGE, "no input columns given");
    for (uint32_t c = 0; c < prog->ninputs; c++) {
        const forge_column *col = &in[c];
        const char *need = NULL;
        switch (fg_type_base(prog->inputs[c].type)) {
        case FG_T_INT:
            need = col->i ? NULL : "i";
            break;
        case FG_T_NUM:
            need = col->n || col->i ? NULL : "n (or i)";
            break;
        case FG_T_BOOL:
            need = col->b ? NULL : "b";
            break;
        default:
            need = col->s ? NULL : "s";
            break;
        }
        if (need)
            return fg_session_fail(s, FORGE_ETYPE, "input column %u (%s, %s) needs its %s array", c,
                                   prog->inputs[c].name, fg_type_name(prog->inputs[c].type), need);
    }
    return FORGE_OK;
}

static void row_missing(fg_batch *b, uint32_t row, uint32_t c)
{
    if (b->err[row].kind != FG_RE_NONE)
        return;
    b->err[row].kind = FG_RE_MISSING_CELL;
    b->err[row].column = (int32_t)c;
}

/* Points or converts the input columns of rows [start, start + n). */
static void load_chunk(forge_session *s, const forge_column *in, size_t start, uint32_t n)
{
    const fg_program *prog = s->prog;
    fg_batch *b = &s->batch;
    for (uint32_t c = 0; c < prog->ninputs; c++) {
        const forge_column *src = &in[c];
        fg_column *col = &b->cols[c];
        const fg_column *own = &s->own[c];
        bool opt = fg_type_is_opt(col->type);
        for (uint32_t r = 0; r < n; r++)
            col->missing[r] = src->missing && src->missing[start + r];
        switch (fg_type_base(col->type)) {
        case FG_T_INT:
            col->i = (int64_t *)(src->i + start);
            break;
        case FG_T_NUM:
            if (src->n) {
                col->n = (double *)(src->n + start);
            } else {
                for (uint32_t r = 0; r < n; r++)
                    own->n[r] = (double)src->i[start + r];
                col->n = own->n;
            }
            for (uint32_t r = 0; r < n; r++)
                if (!col->missing[r])
                    fg_session_check_num(s, r, c, col->n[r]);
            break;
        case FG_T_BOOL:
            for (uint32_t r = 0; r < n; r++)
                own->b[r] = src->b[start + r] != 0;
            break;
        default:
            for (uint32_t r = 0; r < n; r++) {
                const char *p = src->s[start + r];
                size_t len = p ? (src->len ? src->len[start + r] : strlen(p)) : 0;
                if (!p)
                    col->missing[r] = true;
                if (len > UINT32_MAX - 1) { /* beyond any cell the engine handles */
                    len = 0;
                    if (b->err[r].kind == FG_RE_NONE) {
                        b->err[r].kind = FG_RE_BAD_CELL;
                        b->err[r].column = (int32_t)c;
                    }
                }
                own->s[r].ptr = p ? p : "";
                own->s[r].len = (uint32_t)len;
            }
            break;
        }
        for (uint32_t r = 0; r < n && !opt; r++)
            if (col->missing[r])
                row_missing(b, r, c);
    }
}

/* Keeps the error of chunk row r (batch row start + r) for the host. */
static forge_status keep_error(forge_session *s, size_t row, const fg_rowerr *e)
{
    if (s->nerrs == s->errcap) {
        size_t cap = s->errcap ? s->errcap * 2 : 16;
        fg_batch_err *ne = fg_realloc(s->alloc, s->errs, cap * sizeof *ne);
        if (!ne)
            return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
        s->errs = ne;
        s->errcap = cap;
    }
    fg_batch_err *k = &s->errs[s->nerrs];
    k->row = row;
    k->err = *e;
    if (e->detail.len) {
        char *d = fg_arena_strndup(&s->out, e->detail.ptr, e->detail.len);
        if (!d)
            return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
        k->err.detail.ptr = d;
    }
    s->nerrs++;
    return FORGE_OK;
}

/* Writes int, num or bool output o of chunk row r to row `row` of the
 * caller's column. */
static void put_output(forge_session *s, uint32_t o, uint32_t r, size_t row, bool in_error,
                       forge_out_column *dst)
{
    fg_type t = s->prog->outputs[o].type;
    fg_value v;
    memset(&v, 0, sizeof v);
    if (in_error)
        v.missing = true;
    else
        v = fg_session_output_value(s, o, r);
    if (dst->missing)
        dst->missing[row] = v.missing;
    switch (fg_type_base(t)) {
    case FG_T_INT:
        if (dst->i)
            dst->i[row] = v.missing ? 0 : v.i;
        break;
    case FG_T_NUM:
        if (dst->n)
            dst->n[row] = v.missing ? 0 : v.n;
        break;
    default:
        if (dst->b)
            dst->b[row] = !v.missing && v.b;
        break;
    }
}

/* Writes string output o of the chunk's n rows (batch rows start..): the
 * copies go into one block, back to back, each followed by its NUL, so a
 * host may read a run of rows in one go (bindings/python does). */
static forge_status put_strings(forge_session *s, uint32_t o, uint32_t n, size_t start,
                                forge_out_column *dst)
{
    const fg_batch *b = &s->batch;
    size_t total = 0;
    for (uint32_t r = 0; r < n; r++) {
        if (b->err[r].kind != FG_RE_NONE)
            continue;
        fg_value v = fg_session_output_value(s, o, r);
        if (!v.missing)
            total += (size_t)v.s.len + 1;
    }
    char *block = NULL;
    if (total && (dst->s || dst->len)) {
        block = fg_arena_alloc(&s->out, total);
        if (!block)
            return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
    }
    for (uint32_t r = 0; r < n; r++) {
        fg_value v;
        memset(&v, 0, sizeof v);
        v.missing = true;
        if (b->err[r].kind == FG_RE_NONE)
            v = fg_session_output_value(s, o, r);
        const char *p = NULL;
        if (!v.missing && block) {
            if (v.s.len)
                memcpy(block, v.s.ptr, v.s.len);
            block[v.s.len] = '\0';
            p = block;
            block += (size_t)v.s.len + 1;
        }
        if (dst->missing)
            dst->missing[start + r] = v.missing;
        if (dst->s)
            dst->s[start + r] = p;
        if (dst->len)
            dst->len[start + r] = v.missing ? 0 : v.s.len;
    }
    return FORGE_OK;
}

forge_status fg_session_eval_columns(forge_session *s, const forge_column *in, size_t nrows,
                                     forge_out_column *out, uint8_t *row_error, size_t *nerrors,
                                     const uint8_t *bad, fg_report_acc **accs)
{
    if (!s)
        return FORGE_EUSAGE;
    s->errmsg[0] = '\0';
    if (nerrors)
        *nerrors = 0;
    forge_status st = check_columns(s, in);
    if (st != FORGE_OK)
        return st;
    st = fg_session_reserve(s, fg_batch_rows(s->prog));
    if (st != FORGE_OK)
        return st;
    const fg_program *prog = s->prog;
    fg_batch *b = &s->batch;
    fg_arena_reset(&s->out);
    s->nerrs = 0;
    s->state = FG_SESSION_BATCH;
    s->batch_rows = nrows;
    for (size_t start = 0; start < nrows; start += s->cap) {
        uint32_t n = nrows - start < s->cap ? (uint32_t)(nrows - start) : s->cap;
        fg_session_restore_cols(s);
        fg_batch_clear(b);
        fg_results_clear(&s->res);
        b->nrows = n;
        memset(b->err, 0, n * sizeof *b->err);
        for (uint32_t r = 0; r < n; r++) {
            b->err[r].column = -1;
            b->line[r] = start + r + 1;
            if (bad && bad[start + r])
                b->err[r].kind = FG_RE_BAD_CELL; /* the caller found it in error */
        }
        load_chunk(s, in, start, n);
        bool ok = fg_session_run(s, accs != NULL);
        for (uint32_t i = 0; ok && accs && i < prog->nreports; i++)
            ok = fg_report_acc_add(accs[i], b, &s->res);
        for (uint32_t r = 0; r < n && st == FORGE_OK; r++) {
            if (row_error)
                row_error[start + r] = (uint8_t)b->err[r].kind;
            if (b->err[r].kind != FG_RE_NONE)
                st = keep_error(s, start + r, &b->err[r]);
        }
        for (uint32_t o = 0; out && o < prog->noutputs && st == FORGE_OK; o++) {
            if (fg_type_base(prog->outputs[o].type) == FG_T_STR) {
                st = put_strings(s, o, n, start, &out[o]);
                continue;
            }
            for (uint32_t r = 0; r < n; r++)
                put_output(s, o, r, start + r, b->err[r].kind != FG_RE_NONE, &out[o]);
        }
        fg_session_restore_cols(s);
        if (st != FORGE_OK)
            return st;
        if (!ok)
            return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
    }
    if (nerrors)
        *nerrors = s->nerrs;
    if (s->nerrs)
        return fg_session_fail(s, FORGE_EROWS, "%zu of %zu rows are in error", s->nerrs, nrows);
    return FORGE_OK;
}

forge_status forge_eval_columns(forge_session *s, const forge_column *in, size_t nrows,
                                forge_out_column *out, uint8_t *row_error, size_t *nerrors)
{
    return fg_session_eval_columns(s, in, nrows, out, row_error, nerrors, NULL, NULL);
}

forge_status forge_session_batch_error(forge_session *s, size_t row, forge_row_error *out)
{
    if (!s)
        return FORGE_EUSAGE;
    if (!out)
        return fg_session_fail(s, FORGE_EUSAGE, "no place for the error");
    if (s->state != FG_SESSION_BATCH)
        return fg_session_fail(s, FORGE_EUSAGE, "no batch evaluated yet (forge_eval_columns)");
    if (row >= s->batch_rows)
        return fg_session_fail(s, FORGE_ENOTFOUND, "no row %zu (the batch had %zu)", row,
                               s->batch_rows);
    size_t lo = 0, hi = s->nerrs; /* errors are kept in row order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->errs[mid].row < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    fg_rowerr none;
    memset(&none, 0, sizeof none);
    none.column = -1;
    const fg_rowerr *e = lo < s->nerrs && s->errs[lo].row == row ? &s->errs[lo].err : &none;
    if (fg_session_describe(s, e, out) != FORGE_OK)
        return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
    return FORGE_OK;
}
