/* report_int.h — the inside of a report accumulator, shared by report.c
 * (adding rows, merging, the result table) and report_io.c (its portable
 * encoding, for partial reports made in other processes). Not for other
 * modules: they go through report.h. */
#ifndef FG_REPORT_INT_H
#define FG_REPORT_INT_H

#include "report.h"

/* A 128-bit int sum in two's complement, as two 64-bit halves. */
typedef struct fg_i128 {
    uint64_t lo, hi;
} fg_i128;

/* The state of one aggregate of one group. */
typedef struct fg_rep_cell {
    uint64_t n;    /* COUNT_IF/SHARE: true rows; SUM/AVG/MIN/MAX: present values */
    fg_i128 isum;  /* int SUM/AVG */
    fg_xsum *x;    /* num SUM/AVG */
    fg_value best; /* MIN/MAX; a string points into buf */
    char *buf;     /* MIN/MAX of str: owned copy of the best string */
    uint32_t bufcap;
} fg_rep_cell;

typedef struct fg_rep_group {
    uint64_t hash;
    uint64_t rows;
    fg_value *key; /* nby values; strings in the accumulator's arena */
    fg_rep_cell *cells;
} fg_rep_group;

struct fg_report_acc {
    const fg_allocator *alloc;
    const fg_program *prog;
    const fg_report *rep;
    uint32_t index;
    fg_type *arg_types; /* base type of each col's argument (0 for count()) */
    fg_value *key;      /* scratch: the current row's group values */
    fg_arena arena;
    fg_rep_group **groups;
    uint32_t ngroups, gcap;
    uint32_t *slots; /* hash table: group index + 1, 0 when empty */
    uint32_t nslots; /* power of two */
};

/* The hash of a group's `by` values (-0 and 0 hash alike). */
uint64_t fg_report_hash_key(const fg_report *rep, const fg_value *key);
/* The group of key (made, with its strings copied, when new); NULL on OOM. */
fg_rep_group *fg_report_find_group(fg_report_acc *acc, const fg_value *key, uint64_t hash);
/* Folds the cells of one group into another's (same report): the one merge
 * rule behind fg_report_acc_merge, totals and decoding. False on OOM. */
bool fg_report_merge_cells(fg_report_acc *into, fg_rep_cell *dcells, const fg_rep_cell *scells);

#endif
