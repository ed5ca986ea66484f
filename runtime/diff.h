/* diff.h — `forgec diff`: two compiled policies evaluated over the same
 * data in one pass, compared row by row (joined by the key columns, which
 * must be the same), summed up as transition matrices of shared decide
 * outputs, exact before/after totals of shared numeric outputs (overall and
 * per group of the new policy's first report with `by`), the outputs and
 * rules found in one policy only, and optionally the changed rows. */
#ifndef FG_DIFF_H
#define FG_DIFF_H

#include "../include/forge.h"
#include "../lang/ir.h"

forge_status fg_diff_run(const fg_allocator *alloc, const fg_program *oldp, const fg_program *newp,
                         const forge_run_options *opt, const forge_diff_options *dopt,
                         forge_diff_summary *sum);

#endif
