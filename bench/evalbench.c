/* evalbench.c — evaluation-only micro-benchmark of the engines: fills an
 * in-memory batch with generated rows for a policy (default: the forging
 * example), then times evaluating N rows (the batch evaluated N/4096
 * times, no CSV reading or output) with the row interpreter, the vectorized
 * interpreter (what --engine interp runs) and the JIT, the
 * median of several runs (CPU time), with the options `forgec eval` uses
 * (outputs only, no reports); and the JIT's compile time, cold (no cache) and
 * warm (object loaded from the cache).
 * Usage: evalbench [POLICY] [N] [RUNS]   (built by `make evalbench`, not a test) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang/compile.h"
#include "runtime/engine.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the process: evaluation is single-threaded, and this does
 * not count the time other processes take from a shared machine. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Plausible values per type; names the example uses get realistic ranges. */
static void fill(const fg_program *p, fg_batch *b)
{
    static const char *const regions[] = {"east", "west", "north", "central", "south"};
    static char ids[FG_BATCH_ROWS][12];
    fg_batch_clear(b);
    b->nrows = b->cap;
    for (uint32_t r = 0; r < b->nrows; r++) {
        b->line[r] = r + 2;
        memset(&b->err[r], 0, sizeof b->err[r]);
        b->err[r].column = -1;
        snprintf(ids[r % FG_BATCH_ROWS], sizeof ids[0], "F%05u", r);
        for (uint32_t k = 0; k < b->nkeys; k++)
            b->keytext[r * b->nkeys + k] = (fg_str){ids[r % FG_BATCH_ROWS], 6};
        for (uint32_t i = 0; i < p->ninputs; i++) {
            fg_column *c = &b->cols[i];
            const char *name = p->inputs[i].name;
            bool miss = fg_type_is_opt(c->type) && rnd() % 10 == 0;
            c->missing[r] = miss;
            switch (fg_type_base(c->type)) {
            case FG_T_INT:
                c->i[r] =
                    strstr(name, "accident") ? (int64_t)(rnd() % 3 == 0) : (int64_t)(rnd() % 600);
                break;
            case FG_T_NUM:
                c->n[r] = strstr(name, "share")  ? (double)(rnd() % 100) / 100
                          : strstr(name, "dust") ? (double)(rnd() % 400) / 10
                                                 : (double)(rnd() % 20000);
                break;
            case FG_T_BOOL:
                c->b[r] = rnd() % 4 != 0;
                break;
            default: {
                const char *s =
                    strstr(name, "region") ? regions[rnd() % 5] : ids[r % FG_BATCH_ROWS];
                c->s[r] = (fg_str){s, (uint32_t)strlen(s)};
                break;
            }
            }
        }
    }
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "examples/forging/policy.fp";
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    int runs = argc > 3 ? atoi(argv[3]) : 7;
    if (runs < 1 || runs > 99)
        runs = 7;
    fg_sources src;
    fg_diags diags;
    fg_sources_init(&src, NULL);
    fg_diags_init(&diags, NULL);
    fg_compile_options copt = {NULL, 0, NULL};
    fg_program *p = fg_compile_file(NULL, &src, &diags, path, path, &copt);
    fg_diags_free(&diags);
    fg_sources_free(&src);
    if (!p) {
        fprintf(stderr, "evalbench: %s does not compile\n", path);
        return 1;
    }
    fg_strbuf err;
    fg_strbuf_init(&err, NULL);
    double t[99];

    /* compile times: cold (no cache), then warm from a fresh cache entry */
    char dir[] = "/tmp/evalbench_cacheXXXXXX";
    if (!mkdtemp(dir))
        return 4;
    fg_jit_options cold = {.no_cache = true, .cache_dir = NULL};
    fg_jit_options warm = {.no_cache = false, .cache_dir = dir};
    fg_jit *j = NULL;
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        j = fg_jit_compile(NULL, p, &cold, &err);
        t[i] = now_ms() - t0;
        if (!j) {
            fprintf(stderr, "evalbench: jit: %s\n", err.data ? err.data : "?");
            return 1;
        }
        fg_jit_free(j);
    }
    printf("jit compile, cold (no cache): %.2f ms (median of %d)\n", median(t, runs), runs);
    fg_jit_free(fg_jit_compile(NULL, p, &warm, &err)); /* writes the entry */
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        j = fg_jit_compile(NULL, p, &warm, &err);
        t[i] = now_ms() - t0;
        if (!j || !fg_jit_from_cache(j)) {
            fprintf(stderr, "evalbench: warm compile did not hit the cache\n");
            return 1;
        }
        if (i + 1 < runs)
            fg_jit_free(j);
    }
    printf("jit compile, warm (cache hit): %.2f ms (median of %d)\n", median(t, runs), runs);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "evalbench: could not remove %s\n", dir);

    fg_batch b;
    fg_results res;
    if (!fg_batch_init(&b, NULL, p, FG_BATCH_ROWS) ||
        !fg_results_init(&res, NULL, p, FG_BATCH_ROWS))
        return 4;
    fill(p, &b);
    fg_rowerr *saved = malloc(sizeof *saved * b.nrows);
    memcpy(saved, b.err, sizeof *saved * b.nrows);
    long batches = (n + FG_BATCH_ROWS - 1) / FG_BATCH_ROWS;
    fg_eval_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.outputs_only = true; /* as `forgec eval` evaluates */
    /* engines: the row interpreter, the vectorized interpreter, the JIT */
    static const char *const ename[3] = {"row", "interp", "jit"};
    double med[3];
    for (int e = 0; e < 3; e++) {
        eo.row_interp = e == 0;
        for (int i = 0; i < runs; i++) {
            double t0 = cpu_ms();
            for (long k = 0; k < batches; k++) {
                memcpy(b.err, saved, sizeof *saved * b.nrows); /* a fresh batch each time */
                fg_results_clear(&res);
                bool ok =
                    e < 2 ? fg_interp_batch(p, &b, &res, &eo) : fg_jit_batch(j, p, &b, &res, &eo);
                if (!ok)
                    return 4;
            }
            t[i] = cpu_ms() - t0;
        }
        med[e] = median(t, runs);
        uint32_t nerr = 0;
        for (uint32_t r = 0; r < b.nrows; r++)
            nerr += b.err[r].kind != FG_RE_NONE;
        printf("%-6s %ld rows: %8.2f ms  (%.1f ns/row, %u of %u rows of the batch in error)\n",
               ename[e], batches * FG_BATCH_ROWS, med[e],
               med[e] * 1e6 / ((double)batches * FG_BATCH_ROWS), nerr, b.nrows);
    }
    printf("vectorized interpreter speed-up over the row interpreter: %.2fx\n", med[0] / med[1]);
    printf("jit speed-up over the (vectorized) interpreter: %.2fx\n", med[1] / med[2]);
    free(saved);
    fg_results_free(&res);
    fg_batch_free(&b);
    fg_jit_free(j);
    fg_strbuf_free(&err);
    fg_program_free(p);
    return 0;
}
