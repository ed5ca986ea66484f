/* policy_int.h — what public entry points outside api.c (runtime/explain.c,
 * runtime/api_*.c) may see of a forge_policy: its program, its allocator
 * and its JIT code. */
#ifndef FG_POLICY_INT_H
#define FG_POLICY_INT_H

#include <forge.h>

#include "../lang/ir.h"

const fg_program *fg_policy_program(const forge_policy *p);
/* Hands every diagnostic, in source order, to cfg->on_diag. */
void fg_api_deliver_diags(const forge_config *cfg, const fg_allocator *alloc, const fg_sources *src,
                          fg_diags *diags);
const fg_allocator *fg_policy_alloc(const forge_policy *p);
/* The policy's own JIT code (cfg->engine FORGE_ENGINE_JIT), else NULL. */
struct fg_jit *fg_policy_jit(const forge_policy *p);
/* Makes the machine code of a policy being compiled (api_engine.c);
 * failures are reported as one diagnostic through cfg->on_diag. */
forge_status fg_policy_compile_jit(const forge_config *cfg, const fg_program *prog,
                                   const fg_allocator *alloc, struct fg_jit **out);
/* forge_report's reading and evaluation, adding every evaluated row to
 * accs (one accumulator per report) instead of writing tables (api.c, for
 * partial reports). sum must not be NULL. */
struct fg_report_acc;
forge_status fg_api_report_into(const forge_policy *p, const forge_run_options *opt,
                                struct fg_report_acc **accs, forge_summary *sum);

#endif
