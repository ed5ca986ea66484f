/* forge_aot.h — calling a policy compiled ahead of time.
 *
 * `forgec compile POLICY --emit obj -o policy.o` writes a native object
 * (for the host CPU it ran on) exporting one function:
 *
 *     void forge_policy_eval(struct fg_jit_ctx *ctx);
 *
 * It evaluates every slot of the policy for ctx->nrows rows of a columnar
 * batch, exactly as the interpreter and the JIT do. The context (its layout
 * is runtime/jit/jit_abi.h, FG_JIT_ABI_VERSION 2) holds, in this order:
 *   uint32_t nrows, cap, with_reports, oom;
 *   const void *const *col_vals;     per policy input: int64_t*, double*, bool* or fg_str*
 *   const bool *const *col_missing;  per policy input: missing flags
 *   fg_value *vals;                  results: vals[slot * cap + row]
 *   fg_str *rule_msgs;               rule_msgs[rule * cap + row]
 *   fg_rowerr *err;                  one per row; rows with kind != 0 are skipped,
 *                                    evaluation errors are recorded here
 *   fg_arena *scratch;               strings made while evaluating
 *   const fg_program *prog;          the same policy, compiled by libforge
 *   const fg_results *res;           the results vals/rule_msgs belong to
 *   char *str_at, *str_end;          room for strings the code builds (NULL, NULL to start)
 *   uint32_t outputs_only;           non-zero: only output and report slots are stored
 * The simplest way to fill it is fg_jit_run_fn() (jit_abi.h), which takes
 * the program, a batch and results like the interpreter's fg_interp_batch.
 *
 * Linking: the object calls libforge's runtime entry points
 * (fg_jit_rt_rowerr, fg_jit_rt_call, fg_jit_rt_cmp_str, fg_jit_rt_table_miss,
 * fg_jit_rt_rule_msg, fg_jit_rt_str_room, fg_jit_rt_join, fg_jit_rt_fmt_num,
 * fg_jit_rt_fmt_int),
 * memcmp and memcpy. Link it with the static library libforge.a (built with
 * the JIT): hidden visibility does not stop a static link. The shared
 * libforge.so does not export these symbols.
 *
 * tests/aot/ links the example policy's object this way and checks that it
 * writes the same rows as `forgec eval`. */
#ifndef FORGE_AOT_H
#define FORGE_AOT_H

#ifdef __cplusplus
extern "C" {
#endif

struct fg_jit_ctx;

/* Defined by the object `forgec compile --emit obj` writes. */
void forge_policy_eval(struct fg_jit_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif
