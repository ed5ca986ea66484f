/* testrun.h — runs a policy's own tests (`fixture`, `test`): each test's
 * inputs become a one-row batch evaluated like `eval`, then every `expect`
 * is checked on that row. A failing test comes with a multi-line report
 * naming the expectation and the actual values of its parts. The runner
 * never prints: outcomes go to a callback.
 *
 * A report (two-space indented lines, each ending in LF) looks like
 *   policy.fp:93:3: expected: status == "admitted"
 *     status = "exit"
 * or, for a test that cannot run,
 *   policy.fp:88:1: missing input fields: employees, iso9001 (every ...)
 *   policy.fp:40:20: division by zero
 * Ownership: outcome strings are valid only during the callback. */
#ifndef FG_TESTRUN_H
#define FG_TESTRUN_H

#include "../lang/ir.h"

typedef struct fg_test_outcome {
    const char *title;
    bool passed;
    const char *report; /* "" when passed */
} fg_test_outcome;

typedef void (*fg_test_cb)(void *ud, const fg_test_outcome *o);

/* Runs every test of prog in declaration order with the interpreter,
 * calling on_result (may be NULL) once per test. *passed and *failed (may be
 * NULL) receive the counts. Returns false only when out of memory. */
bool fg_run_tests(const fg_allocator *alloc, const fg_program *prog, fg_test_cb on_result, void *ud,
                  uint32_t *passed, uint32_t *failed);
/* The same, evaluating each test's row with eng (NULL: the interpreter);
 * expectations are evaluated on the computed slots by the interpreter. */
struct fg_engine;
bool fg_run_tests_engine(const fg_allocator *alloc, const fg_program *prog,
                         const struct fg_engine *eng, fg_test_cb on_result, void *ud,
                         uint32_t *passed, uint32_t *failed);

#endif
