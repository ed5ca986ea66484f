/* cost.h — the per-row evaluation cost bound (docs/security.md). */
#ifndef FG_COST_H
#define FG_COST_H

#include "ast.h"

/* The most expression nodes one row may evaluate, fn calls expanded. */
#define FG_MAX_ROW_COST ((uint64_t)10000000)

/* After checking: reports, at the first declaration that passes
 * FG_MAX_ROW_COST, a policy whose evaluation of one row would; false then
 * (or when out of memory: a diagnostic says so). decls is the checker's
 * list, where decl->order is the position in it. */
bool fg_cost_check(const fg_ptrvec *decls, const fg_allocator *alloc, fg_diags *diags);

#endif
