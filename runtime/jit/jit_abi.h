/* jit_abi.h — the one contract between the C runtime and the code the
 * JIT generates (the idea of PostgreSQL's llvmjit_types.c): the context
 * handed to a compiled policy's batch function, and the runtime entry points
 * that code calls. codegen.c mirrors fg_jit_ctx field by field (checked by
 * static assertions there) and declares the entry points with the same
 * signatures; the code loaders bind them by address (ORC LLJIT in
 * forge-jit.so, runtime/objload.c for cached objects: jit_rt.c's
 * fg_jit_rt_symbols), the linker binds them in an ahead-of-time object
 * (include/forge_aot.h).
 *
 * Entry points take only scalars and pointers (no struct passed by value),
 * so no C calling-convention detail leaks into the code generator. Every
 * entry point that can fail records the row error itself (kind, policy span,
 * detail) in ctx->err[row], sets ctx->oom for FG_RE_OOM, and returns the
 * kind; generated code then only abandons the row. Generated code also
 * calls the C library's memcmp (string equality). */
#ifndef FG_JIT_ABI_H
#define FG_JIT_ABI_H

#include "../engine.h"

/* Bumped whenever fg_jit_ctx or an entry point changes (part of the cache key). */
#define FG_JIT_ABI_VERSION 2
/* The exported batch function of a compiled policy: void NAME(fg_jit_ctx *). */
#define FG_JIT_ENTRY_NAME "forge_policy_eval"

typedef struct fg_jit_ctx {
    uint32_t nrows;                 /* rows to evaluate: min(batch rows, results cap) */
    uint32_t cap;                   /* results stride: vals[slot * cap + row] */
    uint32_t with_reports;          /* non-zero: evaluate FG_SLOT_REPORT slots too */
    uint32_t oom;                   /* set by entry points when a row ran out of memory */
    const void *const *col_vals;    /* per input: int64_t*, double*, bool* or fg_str* */
    const bool *const *col_missing; /* per input: the missing flags */
    fg_value *vals;                 /* results->vals */
    fg_str *rule_msgs;              /* results->rule_msgs */
    fg_rowerr *err;                 /* batch->err, one per row */
    fg_arena *scratch;              /* results->scratch */
    const fg_program *prog;
    const fg_results *res;
    char *str_at, *str_end; /* room for strings generated code builds (in scratch) */
    uint32_t outputs_only;  /* non-zero: fg_eval_opts.outputs_only */
} fg_jit_ctx;

typedef void (*fg_jit_fn)(fg_jit_ctx *ctx);

/* Fills a context for one batch and runs fn over it; false when a row ran
 * out of memory (the row is marked, as the interpreter does). */
bool fg_jit_run_fn(fg_jit_fn fn, const fg_program *prog, fg_batch *batch, fg_results *res,
                   const fg_eval_opts *opts);

/* ---- runtime entry points called by generated code ---- */

/* Records row error `kind` raised at span (file, start, end). */
void fg_jit_rt_rowerr(fg_jit_ctx *ctx, uint32_t row, int32_t kind, uint32_t file, uint32_t start,
                      uint32_t end);
/* Built-in `id` (fg_builtin) over args[0..nargs): fg_builtin_table[id].fn. */
int32_t fg_jit_rt_call(fg_jit_ctx *ctx, uint32_t row, uint32_t id, const fg_value *args,
                       uint32_t nargs, fg_value *out, uint32_t file, uint32_t start, uint32_t end);
/* fg_rt_cmp_str: <0, 0, >0. */
int32_t fg_jit_rt_cmp_str(const char *a, uint32_t alen, const char *b, uint32_t blen);
/* No row of table `table` matches args: records FG_RE_NO_TABLE_ROW with its detail. */
int32_t fg_jit_rt_table_miss(fg_jit_ctx *ctx, uint32_t row, uint32_t table, const fg_value *args,
                             uint32_t file, uint32_t start, uint32_t end);
/* The default message of the rule in `slot` (`rule NAME failed`). */
int32_t fg_jit_rt_rule_msg(fg_jit_ctx *ctx, uint32_t row, uint32_t slot, fg_str *out);
/* Fresh string room of at least max bytes in the scratch arena, set as
 * ctx->str_at .. str_end and returned; NULL, with FG_RE_OOM recorded at the
 * span, when there is none (or max exceeds a string's 4 GiB limit). */
char *fg_jit_rt_str_room(fg_jit_ctx *ctx, uint32_t row, uint64_t max, uint32_t file, uint32_t start,
                         uint32_t end);
/* failed() of several failed rules: their n messages joined by "; "
 * (fg_rt_join_messages). Generated code writes each message after a "; ",
 * so messages that lie back to back are taken as they are, uncopied. */
int32_t fg_jit_rt_join(fg_jit_ctx *ctx, uint32_t row, const fg_str *msgs, uint32_t n, fg_str *out,
                       uint32_t file, uint32_t start, uint32_t end);
/* fg_fmt_num / fg_fmt_int into dst (FG_NUM_BUF bytes of room): the length. */
uint32_t fg_jit_rt_fmt_num(double v, char *dst);
uint32_t fg_jit_rt_fmt_int(int64_t v, char *dst);
#endif
