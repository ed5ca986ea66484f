/* trace.h — optional evaluation hooks and the two recorders built on them.
 *
 * The interpreter (runtime/interp.c) calls the hooks of an fg_tracer when
 * one is given in fg_eval_opts, and never otherwise, so a normal run pays
 * one NULL test per node. Any hook may be NULL. Events, in evaluation order:
 *   slot_begin / slot_end: a slot's expression starts / produced a value
 *     (for a rule, the condition; its message comes after, in rule_msg);
 *   node: a node was evaluated without error, with its value (this covers
 *     the operands of comparisons, call arguments, conditions...);
 *   decide_arm: a decide arm was tested (cond value) — the otherwise arm
 *     is reported as taken with arm == number of `when` arms;
 *   table: a table was looked up with its arguments, and the row that
 *     matched (-1: none, a row error follows);
 *   fn_call: a user fn is about to run with its arguments.
 * Values handed to hooks are valid until the results' scratch is reset.
 *
 * Recorders: fg_trace keeps one row's events for `forgec explain`
 * (runtime/explain.c renders them); fg_cov accumulates, over many rows,
 * what was exercised for `forgec test --coverage`. */
#ifndef FG_TRACE_H
#define FG_TRACE_H

#include "../lang/ir.h"
#include "engine.h"

typedef struct fg_tracer {
    void *ud;
    void (*slot_begin)(void *ud, uint32_t slot);
    void (*slot_end)(void *ud, uint32_t slot, fg_value v);
    void (*rule_msg)(void *ud, uint32_t slot, fg_str msg);
    void (*node)(void *ud, const fg_ir *n, fg_value v);
    void (*decide_arm)(void *ud, const fg_ir *decide, uint32_t arm, bool taken);
    void (*table)(void *ud, const fg_ir *call, const fg_table *t, const fg_value *args,
                  int32_t row);
    void (*fn_call)(void *ud, const fg_ir *call, const fg_fn *fn, const fg_value *args);
} fg_tracer;

/* ---------------- one row's trace (explain) ---------------- */

typedef struct fg_trace_call {
    const fg_ir *call;
    fg_value *args; /* one per parameter */
    int32_t row;    /* table: matching row, -1 none; fn: unused */
} fg_trace_call;

typedef struct fg_trace_arm {
    const fg_ir *decide;
    uint32_t arm;
    bool taken;
} fg_trace_arm;

typedef struct fg_trace {
    const fg_allocator *alloc;
    const fg_program *prog;
    fg_arena arena; /* reset per row */
    /* node -> last value, open addressing on the node's address */
    const fg_ir **keys;
    fg_value *vals;
    uint32_t cap, n;
    fg_ptrvec calls;     /* fg_trace_call*: table lookups and fn calls, in order */
    fg_ptrvec arms;      /* fg_trace_arm*: decide arm events, in order */
    uint8_t *slot_state; /* per slot: 0 not begun, 1 begun, 2 ended */
    fg_value *slot_val;  /* per slot: value at slot_end */
    fg_str *rule_msg;    /* per slot: message of a failed rule */
    bool oom;
    fg_tracer hooks; /* ud = this trace */
} fg_trace;

bool fg_trace_init(fg_trace *t, const fg_allocator *alloc, const fg_program *prog);
void fg_trace_reset(fg_trace *t); /* before each row */
void fg_trace_free(fg_trace *t);
/* The value node n had when last evaluated in this row; false when it was not. */
bool fg_trace_value(const fg_trace *t, const fg_ir *n, fg_value *out);
/* The recorded table lookup or fn call of call node n (NULL when none). */
const fg_trace_call *fg_trace_find_call(const fg_trace *t, const fg_ir *n);

/* The source extent of the expression n stands for (a binary node's span
 * is only its operator, a call's only its name). */
fg_span fg_trace_extent(const fg_program *prog, const fg_ir *n);

/* ---------------- coverage over many rows (test --coverage) ---------------- */

typedef struct fg_cov {
    const fg_allocator *alloc;
    const fg_program *prog;
    uint32_t *rule_pass, *rule_fail; /* per rule index */
    uint32_t **arm_taken;            /* per slot (decide slots only): per arm */
    uint32_t **row_taken;            /* per table: per row */
    uint32_t *fn_calls;              /* per fn */
    uint32_t *let_evals;             /* per slot (let slots only) */
    fg_tracer hooks;
} fg_cov;

bool fg_cov_init(fg_cov *c, const fg_allocator *alloc, const fg_program *prog);
void fg_cov_free(fg_cov *c);
/* Items: each rule's two outcomes, each decide arm, each table row, each fn
 * and each let. Appends one line per item not covered, as
 * `FILE:LINE: what never ...`, in source order; returns the counts. */
void fg_cov_report(const fg_cov *c, fg_strbuf *sb, uint32_t *covered, uint32_t *total);

#endif
