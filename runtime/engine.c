/* engine.c — the columnar results every engine fills: one value per slot
 * and row, one message per rule and row, and the scratch arena holding the
 * strings made while evaluating a batch. */
#include "engine.h"

bool fg_results_init(fg_results *r, const fg_allocator *alloc, const fg_program *prog, uint32_t cap)
{
    r->alloc = alloc;
    r->nslots = prog->nslots;
    r->cap = cap;
    r->nrules = prog->nrules;
    r->vals = fg_calloc(alloc, (size_t)r->nslots * cap, sizeof(fg_value));
    r->rule_msgs = fg_calloc(alloc, (size_t)r->nrules * cap, sizeof(fg_str));
    fg_arena_init(&r->scratch, alloc);
    r->vpool = NULL;
    if (!r->vals || !r->rule_msgs) {
        fg_results_free(r);
        return false;
    }
    return true;
}

uint32_t fg_batch_rows(const fg_program *prog)
{
    /* Per row: a value per slot, a message per rule, a cell per input. */
    size_t per_row = ((size_t)prog->nslots + prog->ninputs + 1) * sizeof(fg_value) +
                     (size_t)prog->nrules * sizeof(fg_str);
    size_t rows = FG_BATCH_BYTES / per_row;
    if (rows > FG_BATCH_ROWS)
        rows = FG_BATCH_ROWS;
    return rows < 16 ? 16 : (uint32_t)rows;
}

void fg_results_clear(fg_results *r)
{
    if (r)
        fg_arena_reset(&r->scratch);
}

void fg_results_free(fg_results *r)
{
    if (!r)
        return;
    fg_free(r->alloc, r->vals);
    fg_free(r->alloc, r->rule_msgs);
    fg_arena_free(&r->scratch);
    fg_vinterp_free(r);
    r->vals = NULL;
    r->rule_msgs = NULL;
}
