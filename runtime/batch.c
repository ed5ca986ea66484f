/* batch.c — allocation of columnar input batches: one typed vector and a
 * missing-flag vector per program input, plus the per-row line numbers,
 * raw key texts and row errors. Everything is allocated once for `cap`
 * rows; refilling only resets the text arena. */
#include "batch.h"

#include <string.h>

bool fg_batch_init(fg_batch *b, const fg_allocator *alloc, const fg_program *prog, uint32_t cap)
{
    memset(b, 0, sizeof *b);
    b->alloc = alloc;
    b->cap = cap;
    b->ncols = prog->ninputs;
    b->nkeys = prog->nkeys;
    fg_arena_init(&b->text, alloc);
    b->cols = fg_calloc(alloc, b->ncols ? b->ncols : 1, sizeof *b->cols);
    b->line = fg_calloc(alloc, cap ? cap : 1, sizeof *b->line);
    b->keytext = fg_calloc(alloc, (size_t)cap * b->nkeys + 1, sizeof *b->keytext);
    b->err = fg_calloc(alloc, cap ? cap : 1, sizeof *b->err);
    if (!b->cols || !b->line || !b->keytext || !b->err)
        goto fail;
    for (uint32_t c = 0; c < b->ncols; c++) {
        fg_column *col = &b->cols[c];
        col->type = prog->inputs[c].type;
        col->missing = fg_calloc(alloc, cap ? cap : 1, sizeof *col->missing);
        if (!col->missing)
            goto fail;
        size_t n = cap ? cap : 1;
        bool ok = false;
        switch (fg_type_base(col->type)) {
        case FG_T_INT:
            ok = (col->i = fg_calloc(alloc, n, sizeof *col->i)) != NULL;
            break;
        case FG_T_NUM:
            ok = (col->n = fg_calloc(alloc, n, sizeof *col->n)) != NULL;
            break;
        case FG_T_BOOL:
            ok = (col->b = fg_calloc(alloc, n, sizeof *col->b)) != NULL;
            break;
        default:
            ok = (col->s = fg_calloc(alloc, n, sizeof *col->s)) != NULL;
            break;
        }
        if (!ok)
            goto fail;
    }
    return true;
fail:
    fg_batch_free(b);
    return false;
}

void fg_batch_clear(fg_batch *b)
{
    b->nrows = 0;
    fg_arena_reset(&b->text);
}

void fg_batch_free(fg_batch *b)
{
    if (!b)
        return;
    if (b->cols) {
        for (uint32_t c = 0; c < b->ncols; c++) {
            fg_column *col = &b->cols[c];
            fg_free(b->alloc, col->i);
            fg_free(b->alloc, col->n);
            fg_free(b->alloc, col->b);
            fg_free(b->alloc, col->s);
            fg_free(b->alloc, col->missing);
        }
    }
    fg_free(b->alloc, b->cols);
    fg_free(b->alloc, b->line);
    fg_free(b->alloc, b->keytext);
    fg_free(b->alloc, b->err);
    fg_arena_free(&b->text);
    b->cols = NULL;
    b->line = NULL;
    b->keytext = NULL;
    b->err = NULL;
    b->nrows = b->cap = b->ncols = 0;
}
