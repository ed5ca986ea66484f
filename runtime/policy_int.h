/* policy_int.h — what public entry points outside api.c (runtime/explain.c)
 * may see of a forge_policy: its program and its allocator. */
#ifndef FG_POLICY_INT_H
#define FG_POLICY_INT_H

#include <forge.h>

#include "../lang/ir.h"

const fg_program *fg_policy_program(const forge_policy *p);
const fg_allocator *fg_policy_alloc(const forge_policy *p);

#endif
