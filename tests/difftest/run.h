/* run.h — one differential check: compile a policy, run eval and report
 * over a data file with two engines, and with the row interpreter (the
 * reference the vectorized `interp` engine is checked against), and compare
 * every byte and count. */
#ifndef DT_RUN_H
#define DT_RUN_H

#include <forge.h>
#include <stddef.h>

typedef struct dt_buf {
    char *p;
    size_t n, cap;
} dt_buf;

typedef struct dt_one {
    forge_status st;
    dt_buf out, err;
    forge_summary sum;
} dt_one;

enum {
    DT_OK = 0,
    DT_COMPILE,  /* the policy does not compile (generator or checker bug) */
    DT_MISMATCH, /* the two engines disagree */
    DT_COUNTS,   /* a run's status and counts do not add up */
    DT_IO        /* the data file could not be written */
};

typedef struct dt_verdict {
    int kind;
    char why[1024];      /* one line: what differs */
    char first_err[512]; /* DT_COMPILE: the first error message */
    dt_buf diags;        /* rendered diagnostics (warnings too) */
    dt_one res[2][2];    /* [engine a, b][eval, report] */
    dt_one row[2];       /* the row interpreter: [eval, report] */
} dt_verdict;

/* Checks one case; data is written to datapath first. Engines a and b,
 * then the row interpreter against engine a. */
int dt_check(const char *policy, size_t plen, const char *data, size_t dlen, const char *datapath,
             forge_engine ea, forge_engine eb, forge_format format, dt_verdict *v);
void dt_verdict_free(dt_verdict *v);

/* Writes a readable dump of one run (status, counts, stdout, stderr). */
void dt_dump_one(FILE *f, const char *title, const dt_one *o);

/* 1 when this build's library runs FORGE_ENGINE_JIT. */
int dt_jit_available(const char *scratch_path);

int dt_write_file(const char *path, const char *data, size_t len);
char *dt_read_file(const char *path, size_t *len);

#endif
