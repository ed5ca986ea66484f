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
#include "output.h"

typedef struct fg_results {
    const fg_allocator *alloc;
    uint32_t nslots, cap;
    fg_value *vals; /* [slot * cap + row] */
    uint32_t nrules;
    fg_str *rule_msgs; /* [rule_index * cap + row]: message of a failed rule */
    fg_arena scratch;
    struct fg_vpool *vpool; /* the vectorized interpreter's columns, kept between batches */
} fg_results;

bool fg_results_init(fg_results *r, const fg_allocator *alloc, const fg_program *prog,
                     uint32_t cap);
void fg_results_clear(fg_results *r); /* resets scratch */
/* Rows per batch for prog: FG_BATCH_ROWS, fewer when the program has so
 * many slots, rules and inputs that a full batch of results would pass
 * FG_BATCH_BYTES (10,000 rules must not need gigabytes). At least 16. */
#define FG_BATCH_BYTES ((size_t)64 << 20)
uint32_t fg_batch_rows(const fg_program *prog);
void fg_results_free(fg_results *r);

struct fg_tracer; /* runtime/trace.h: optional evaluation hooks (explain, coverage) */

typedef struct fg_eval_opts {
    bool with_reports; /* also evaluate FG_SLOT_REPORT slots */
    /* Only the output and report slots' values are read afterwards (a
     * plain `forgec eval`): an engine may leave the other slots' values
     * and the rule messages unwritten. */
    bool outputs_only;
    /* NULL in normal runs. When set, the interpreter reports what it
     * evaluates (slots, node values, decide arms, table rows, fn calls). */
    const struct fg_tracer *tracer;
    /* Tests only: evaluate with the row interpreter even without a tracer
     * (to check the vectorized interpreter against it). */
    bool row_interp;
} fg_eval_opts;

/* The interpreter. Returns false only when out of memory (rows are marked).
 * Without a tracer (and without opts->row_interp) the batch is evaluated by
 * the vectorized interpreter (runtime/vinterp.c), else by the row
 * interpreter (runtime/interp.c); both give identical results. */
bool fg_interp_batch(const fg_program *prog, fg_batch *batch, fg_results *res,
                     const fg_eval_opts *opts);
/* The vectorized interpreter: the same contract, one IR node at a time over
 * the whole batch; opts->tracer is ignored. */
bool fg_vinterp_batch(const fg_program *prog, fg_batch *batch, fg_results *res,
                      const fg_eval_opts *opts);
/* Frees the columns the vectorized interpreter keeps in r (fg_results_free). */
void fg_vinterp_free(fg_results *r);

/* Evaluates the slots of one row of a batch (again) with opts, e.g. with a
 * tracer attached; the row's data error, if any, is not looked at. Returns
 * FG_RE_NONE or the row error (with *err filled). */
fg_rowerr_kind fg_interp_row(const fg_program *prog, const fg_batch *batch, fg_results *res,
                             uint32_t row, const fg_eval_opts *opts, fg_rowerr *err);

/* Evaluates one expression (e.g. a test's expect) for row `row`, after
 * fg_interp_batch computed the row's slots. Returns FG_RE_NONE and *out, or
 * the row error (with *err filled). */
fg_rowerr_kind fg_interp_expr(const fg_program *prog, const fg_batch *batch, fg_results *res,
                              uint32_t row, const fg_ir *expr, fg_value *out, fg_rowerr *err);

/* ---- engines as values: what the driver and the test runner call per batch ---- */

/* Evaluates a batch like fg_interp_batch; false only when out of memory. */
typedef bool (*fg_batch_fn)(void *ud, const fg_program *prog, fg_batch *batch, fg_results *res,
                            const fg_eval_opts *opts);
typedef struct fg_engine {
    fg_batch_fn run;
    void *ud;
} fg_engine;

/* ---- the LLVM JIT (runtime/jit/ in libforge, runtime/jitmod/ in the
 * forge-jit.so module that alone links LLVM; runtime/jit_none.c when built
 * without LLVM) ----
 * A compiled policy is immutable and owns its machine code; it may be used
 * by one thread at a time per fg_results/fg_batch pair. */
typedef struct fg_jit fg_jit;

/* Who maps the machine code: AUTO is runtime/objload.c for an object from
 * the cache (no LLVM loaded) and ORC LLJIT for one just compiled; the
 * others force one loader (tests). */
typedef enum fg_jit_loader { FG_JIT_LOAD_AUTO, FG_JIT_LOAD_LLJIT, FG_JIT_LOAD_OWN } fg_jit_loader;

typedef struct fg_jit_options {
    bool no_cache;         /* neither read nor write the compiled-code cache */
    const char *cache_dir; /* NULL: $XDG_CACHE_HOME/forgec, else $HOME/.cache/forgec */
    fg_jit_loader loader;
    /* Optional out: set when fg_jit_compile failed because forge-jit.so
     * could not be loaded (FG_JIT_NO_MODULE), so the default engine can
     * fall back to the interpreter. */
    bool *no_module;
} fg_jit_options;

typedef enum fg_emit_kind { FG_EMIT_LLVM, FG_EMIT_ASM, FG_EMIT_OBJ } fg_emit_kind;

/* The fixed text of a build without LLVM. */
#define FG_JIT_UNAVAILABLE "the jit engine is not available in this build (built without LLVM)"
/* How a message about a missing or unusable forge-jit.so starts. */
#define FG_JIT_NO_MODULE "the jit engine is not available"

bool fg_jit_available(void);
/* Compiles prog to native code (or loads it from the cache); NULL with a
 * message in err on failure. opts may be NULL. */
fg_jit *fg_jit_compile(const fg_allocator *alloc, const fg_program *prog,
                       const fg_jit_options *opts, fg_strbuf *err);
/* Whether fg_jit_compile found the object in the cache. */
bool fg_jit_from_cache(const fg_jit *jit);
/* Whether the code was mapped by runtime/objload.c (not LLJIT), and whether
 * forge-jit.so (hence LLVM) had to be opened for it. */
bool fg_jit_own_loader(const fg_jit *jit);
bool fg_jit_module_loaded(const fg_jit *jit);
/* Same contract as fg_interp_batch; opts->tracer is not supported (tracing
 * runs use the interpreter). */
bool fg_jit_batch(fg_jit *jit, const fg_program *prog, fg_batch *batch, fg_results *res,
                  const fg_eval_opts *opts);
void fg_jit_free(fg_jit *jit);
/* Writes the optimised module of prog ahead of time: LLVM IR text,
 * assembly or a native object exporting forge_policy_eval (include/forge_aot.h). */
bool fg_jit_emit(const fg_program *prog, fg_emit_kind kind, fg_byte_sink sink, fg_strbuf *err);

#endif
