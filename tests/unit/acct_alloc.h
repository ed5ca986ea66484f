/* acct_alloc.h — a test allocator for forge_config.realloc_fn: counts the
 * live bytes (a leak shows as live != 0 at the end) and fails the fail_at-th
 * allocation (0: never), so a test can fail every allocation in turn.
 * FORGE_TEST_TRAP=k aborts at the k-th, for a debugger. One copy for
 * test_api and test_partial. */
#ifndef FG_TEST_ACCT_ALLOC_H
#define FG_TEST_ACCT_ALLOC_H

#include <stdlib.h>

typedef struct acct {
    long long live, calls;
    long long fail_at; /* 0: never */
    int failed;
} acct;

static inline void *acct_realloc(void *ud, void *ptr, size_t size)
{
    acct *a = ud;
    size_t *h = ptr ? (size_t *)ptr - 2 : NULL;
    if (size == 0) {
        if (h) {
            a->live -= (long long)h[0];
            free(h);
        }
        return NULL;
    }
    if (a->fail_at && ++a->calls == a->fail_at) {
        a->failed = 1;
        if (getenv("FORGE_TEST_TRAP") && atoll(getenv("FORGE_TEST_TRAP")) == a->fail_at)
            abort();
        return NULL;
    }
    size_t old = h ? h[0] : 0;
    size_t *nh = realloc(h, size + 2 * sizeof(size_t));
    if (!nh)
        return NULL;
    nh[0] = size;
    a->live += (long long)size - (long long)old;
    return nh + 2;
}

#endif
