/* batch.h — a columnar batch of input rows: one typed vector per policy
 * input with a missing flag per cell, the line each record starts on, the
 * raw text of the key cells (for error lines) and a row error per row.
 * Only the columns the policy declares are stored. String cells point into
 * the batch's arena, which is reset when the batch is refilled. */
#ifndef FG_BATCH_H
#define FG_BATCH_H

#include "../lang/ir.h"
#include "rowerr.h"

#define FG_BATCH_ROWS 4096

typedef struct fg_column {
    fg_type type;  /* the input's declared type */
    int64_t *i;    /* FG_T_INT */
    double *n;     /* FG_T_NUM */
    bool *b;       /* FG_T_BOOL */
    fg_str *s;     /* FG_T_STR */
    bool *missing; /* always allocated */
} fg_column;

typedef struct fg_batch {
    const fg_allocator *alloc;
    uint32_t nrows, cap, ncols;
    fg_column *cols; /* ncols == program inputs, same order */
    uint64_t *line;  /* physical line (1-based; header = 1) where each record starts */
    uint32_t nkeys;
    fg_str *keytext; /* [row * nkeys + k]: raw text of key column k ("" if absent) */
    fg_rowerr *err;  /* per row; kind FG_RE_NONE when the row is fine */
    fg_arena text;   /* string cells, key texts and error details */
} fg_batch;

/* Allocates a batch for prog's inputs with room for cap rows. */
bool fg_batch_init(fg_batch *b, const fg_allocator *alloc, const fg_program *prog, uint32_t cap);
void fg_batch_clear(fg_batch *b); /* nrows = 0, text arena reset */
void fg_batch_free(fg_batch *b);
/* Reads one cell as a value (for the interpreter and writers). */
static inline fg_value fg_batch_get(const fg_batch *b, uint32_t col, uint32_t row)
{
    const fg_column *c = &b->cols[col];
    fg_value v;
    v.s.ptr = NULL;
    v.s.len = 0;
    v.missing = c->missing[row];
    switch (fg_type_base(c->type)) {
    case FG_T_INT:
        v.i = c->i[row];
        break;
    case FG_T_NUM:
        v.n = c->n[row];
        break;
    case FG_T_BOOL:
        v.b = c->b[row];
        break;
    default:
        v.s = c->s[row];
        break;
    }
    return v;
}

#endif
