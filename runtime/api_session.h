/* api_session.h — the inside of a forge_session, shared by the files of
 * the embedding API: api_session.c (life cycle, one record, reading
 * results), api_batch.c (caller-owned columns) and api_row.c (records).
 * A session owns one input batch and one results block, sized lazily (one
 * row for records, fg_batch_rows for columns), plus an arena for what it
 * hands to the host (NUL-terminated strings, error texts), reset at every
 * evaluation. */
#ifndef FG_API_SESSION_H
#define FG_API_SESSION_H

#include "engine.h"
#include "policy_int.h"

typedef enum fg_session_state {
    FG_SESSION_NONE, /* nothing evaluated yet */
    FG_SESSION_ROW,  /* the last evaluation was forge_eval_row */
    FG_SESSION_BATCH /* the last evaluation was forge_eval_columns */
} fg_session_state;

/* A row in error in the last batch (detail copied into the out arena). */
typedef struct fg_batch_err {
    size_t row;
    fg_rowerr err;
} fg_batch_err;

struct forge_session {
    const forge_policy *policy;
    const fg_program *prog;
    const fg_allocator *alloc;
    fg_jit *jit;  /* the policy's shared code, or NULL: the interpreter */
    uint32_t cap; /* rows of batch and res; 0 before the first evaluation */
    fg_batch batch;
    fg_column *own; /* the batch's own column arrays (batches point cols elsewhere) */
    fg_results res;
    fg_session_state state;
    fg_rowerr rowerr; /* the last record's error */
    fg_arena out;
    size_t batch_rows;
    fg_batch_err *errs;
    size_t nerrs, errcap;
    char errmsg[256];
};

struct forge_row {
    const forge_policy *policy;
    const fg_allocator *alloc;
    uint32_t n;
    fg_value *vals; /* one per input; strings point into bufs */
    char **bufs;
    size_t *bufcaps;
    char errmsg[256];
};

/* Sets the session's message; returns st. */
forge_status fg_session_fail(forge_session *s, forge_status st, const char *fmt, ...);
/* Makes the batch and results hold at least cap rows. */
forge_status fg_session_reserve(forge_session *s, uint32_t cap);
/* Points every batch column back at the batch's own arrays. */
void fg_session_restore_cols(forge_session *s);
/* Runs the session's engine over its batch (with the report slots when
 * with_reports); false when out of memory. */
bool fg_session_run(forge_session *s, bool with_reports);
/* forge_eval_columns, and for partial reports: bad (may be NULL) marks rows
 * in error before evaluation (FG_RE_BAD_CELL, no column); with accs (one
 * per report, may be NULL) the report slots are evaluated too and every
 * row evaluated without error is added to them. */
struct fg_report_acc;
forge_status fg_session_eval_columns(forge_session *s, const forge_column *in, size_t nrows,
                                     forge_out_column *out, uint8_t *row_error, size_t *nerrors,
                                     const uint8_t *bad, struct fg_report_acc **accs);
/* A num cell that is NaN or infinite is a bad value (as in CSV). */
void fg_session_check_num(forge_session *s, uint32_t row, uint32_t col, double v);
/* Fills a forge_row_error from an internal row error (texts in s->out). */
forge_status fg_session_describe(forge_session *s, const fg_rowerr *e, forge_row_error *out);
/* The value of output o of batch row `row`. */
fg_value fg_session_output_value(const forge_session *s, uint32_t o, uint32_t row);

#endif
