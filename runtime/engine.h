/* engine.h — what an engine (interpreter now, JIT later) must provide:
 * evaluate every slot of the program for every row of a batch.
 *
 * Results are columnar: results->vals[slot * cap + row]. Rows whose
 * batch->err is already set (data errors) are skipped. A row error found
 * while evaluating sets batch->err[row] (the first error in slot order
 * wins) and the row's remaining slots are not evaluated. Strings made
 * while evaluating live in results->scratch until the next batch. */
#ifndef FG_ENGINE_H
#define FG_ENGINE_H

#include "batch.h"

typedef struct fg_results {
    const fg_allocator *alloc;
    uint32_t nslots, cap;
    fg_value *vals;  /* [slot * cap + row] */
    uint32_t nrules;
    fg_str *rule_msgs; /* [rule_index * cap + row]: message of a failed rule */
    fg_arena scratch;
} fg_results;

bool fg_results_init(fg_results *r, const fg_allocator *alloc, const fg_program *prog,
                     uint32_t cap);
void fg_results_clear(fg_results *r); /* resets scratch */
void fg_results_free(fg_results *r);

typedef struct fg_eval_opts {
    bool with_reports; /* also evaluate FG_SLOT_REPORT slots */
} fg_eval_opts;

/* The interpreter. Returns false only when out of memory (rows are marked). */
bool fg_interp_batch(const fg_program *prog, fg_batch *batch, fg_results *res,
                     const fg_eval_opts *opts);

/* Evaluates one expression (e.g. a test's expect) for row `row`, after
 * fg_interp_batch computed the row's slots. Returns FG_RE_NONE and *out, or
 * the row error (with *err filled). */
fg_rowerr_kind fg_interp_expr(const fg_program *prog, const fg_batch *batch, fg_results *res,
                              uint32_t row, const fg_ir *expr, fg_value *out, fg_rowerr *err);

#endif
