/* mem_source.h — an in-memory byte source for the CSV reader tests
 * (test_csv, test_csv_mem) that hands out at most `step` bytes per read, so
 * records and fields straddle every refill boundary. Header-only. */
#ifndef FG_TEST_MEM_SOURCE_H
#define FG_TEST_MEM_SOURCE_H

#include <string.h>

typedef struct mem_src {
    const char *data;
    size_t len, pos, step;
} mem_src;

static inline size_t mem_read(void *ud, char *buf, size_t cap, const char **err)
{
    mem_src *m = ud;
    *err = NULL;
    size_t k = m->len - m->pos;
    if (k > cap)
        k = cap;
    if (k > m->step)
        k = m->step;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return k;
}

#endif
