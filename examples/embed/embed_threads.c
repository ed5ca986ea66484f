/* embed_threads.c — columns held in memory, evaluated on several threads:
 * one immutable forge_policy (with its JIT code, when asked for) shared
 * by every thread, one forge_session per thread, each thread a slice of
 * the same caller-owned arrays. The results are checked against a
 * single-threaded run of the whole table.
 *
 *   embed_threads [interp|jit] [THREADS] [ROWS] */
#include <forge.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char POLICY[] = "input {\n"
                             "  employees : int\n"
                             "  capacity  : num\n"
                             "  output_t  : num?\n"
                             "  certified : bool\n"
                             "}\n"
                             "let utilisation = (output_t ?? 0) / capacity\n"
                             "rule scale: capacity >= 5000\n"
                             "rule quality: certified\n"
                             "output admitted = scale and quality\n"
                             "output utilisation_pct = round(utilisation * 100, 1)\n"
                             "output per_worker = round((output_t ?? 0) / employees, 2)\n";

enum { N_INPUTS = 4, N_OUTPUTS = 3 };

typedef struct table {
    size_t n;
    int64_t *employees;
    double *capacity, *output_t;
    uint8_t *output_missing, *certified;
} table;

typedef struct results {
    uint8_t *admitted, *err;
    double *util, *per_worker;
} results;

typedef struct job {
    const forge_policy *p;
    const table *t;
    results *r;
    size_t from, n, nerrors;
    forge_status st;
} job;

/* Evaluates rows [from, from + n) of t into r with session s. */
static forge_status eval_slice(forge_session *s, const table *t, results *r, size_t from, size_t n,
                               size_t *nerrors)
{
    forge_column in[N_INPUTS];
    memset(in, 0, sizeof in);
    in[0].i = t->employees + from;
    in[1].n = t->capacity + from;
    in[2].n = t->output_t + from;
    in[2].missing = t->output_missing + from;
    in[3].b = t->certified + from;
    forge_out_column out[N_OUTPUTS];
    memset(out, 0, sizeof out);
    out[0].b = r->admitted + from;
    out[1].n = r->util + from;
    out[2].n = r->per_worker + from;
    forge_status st = forge_eval_columns(s, in, n, out, r->err + from, nerrors);
    if (st != FORGE_OK && st != FORGE_EROWS)
        fprintf(stderr, "embed_threads: %s\n", forge_session_errmsg(s));
    return st;
}

static void *worker(void *ud)
{
    job *j = ud;
    forge_session *s = NULL; /* per thread: scratch memory and buffers */
    j->st = forge_session_new(j->p, &s);
    if (j->st == FORGE_OK)
        j->st = eval_slice(s, j->t, j->r, j->from, j->n, &j->nerrors);
    forge_session_free(s);
    return NULL;
}

static int alloc_results(results *r, size_t n)
{
    r->admitted = calloc(n, 1);
    r->err = calloc(n, 1);
    r->util = calloc(n, sizeof *r->util);
    r->per_worker = calloc(n, sizeof *r->per_worker);
    return r->admitted && r->err && r->util && r->per_worker;
}

static void free_results(results *r)
{
    free(r->admitted);
    free(r->err);
    free(r->util);
    free(r->per_worker);
}

int main(int argc, char **argv)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.engine = argc > 1 && strcmp(argv[1], "jit") == 0 ? FORGE_ENGINE_JIT : FORGE_ENGINE_INTERP;
    int nthreads = argc > 2 ? atoi(argv[2]) : 4;
    size_t nrows = argc > 3 ? (size_t)atoll(argv[3]) : 100000;
    if (nthreads < 1 || nthreads > 64 || nrows < 1) {
        fprintf(stderr, "usage: embed_threads [interp|jit] [THREADS 1..64] [ROWS]\n");
        return 2;
    }
    forge_policy *p = NULL;
    forge_status st = forge_compile_string(&cfg, "threads.fp", POLICY, strlen(POLICY), &p);
    if (st != FORGE_OK) {
        fprintf(stderr, "embed_threads: %s\n", forge_status_text(st));
        return 1;
    }

    table t = {nrows,
               calloc(nrows, sizeof(int64_t)),
               calloc(nrows, sizeof(double)),
               calloc(nrows, sizeof(double)),
               calloc(nrows, 1),
               calloc(nrows, 1)};
    results one, many;
    int ok = t.employees && t.capacity && t.output_t && t.output_missing && t.certified &&
             alloc_results(&one, nrows) && alloc_results(&many, nrows);
    if (!ok) {
        fprintf(stderr, "embed_threads: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < nrows; i++) { /* every 1000th firm has no employees: an error */
        t.employees[i] = i % 1000 == 999 ? 0 : (int64_t)(10 + i % 490);
        t.capacity[i] = 2000.0 + (double)(i % 9000);
        t.output_t[i] = t.capacity[i] * (double)(i % 100) / 100;
        t.output_missing[i] = i % 17 == 0;
        t.certified[i] = i % 3 != 0;
    }

    forge_session *s = NULL;
    size_t nerr_one = 0;
    st = forge_session_new(p, &s);
    if (st == FORGE_OK)
        st = eval_slice(s, &t, &one, 0, nrows, &nerr_one);
    forge_session_free(s);

    pthread_t th[64];
    job jobs[64];
    size_t per = nrows / (size_t)nthreads, nerr_many = 0;
    for (int k = 0; k < nthreads; k++) {
        size_t from = (size_t)k * per;
        size_t n = k == nthreads - 1 ? nrows - from : per;
        jobs[k] = (job){p, &t, &many, from, n, 0, FORGE_OK};
        pthread_create(&th[k], NULL, worker, &jobs[k]);
    }
    int bad = st != FORGE_OK && st != FORGE_EROWS;
    for (int k = 0; k < nthreads; k++) {
        pthread_join(th[k], NULL);
        bad |= jobs[k].st != FORGE_OK && jobs[k].st != FORGE_EROWS;
        nerr_many += jobs[k].nerrors;
    }
    size_t admitted = 0, diff = 0;
    for (size_t i = 0; i < nrows; i++) {
        admitted += one.admitted[i];
        diff += one.admitted[i] != many.admitted[i] || one.err[i] != many.err[i] ||
                one.util[i] != many.util[i] || one.per_worker[i] != many.per_worker[i];
    }
    printf("engine %s, %d threads, %zu rows: %zu admitted, %zu in error; "
           "%zu rows differ from one thread\n",
           forge_policy_engine(p) == FORGE_ENGINE_JIT ? "jit" : "interp", nthreads, nrows, admitted,
           nerr_many, diff);
    bad |= diff != 0 || nerr_one != nerr_many;

    free_results(&one);
    free_results(&many);
    free(t.employees);
    free(t.capacity);
    free(t.output_t);
    free(t.output_missing);
    free(t.certified);
    forge_policy_free(p);
    return bad ? 1 : 0;
}
