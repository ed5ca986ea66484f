/* fuzz_diff.c — libFuzzer target: differential testing of the two engines.
 * A generated well-typed policy (fgen.c) is evaluated over generated rows
 * by the interpreter and by the JIT; the output rows, the row error lines,
 * the status and the counts must be identical. While the build has no JIT
 * (or FORGE_ENGINE_JIT answers FORGE_EUSAGE) every input is skipped. A
 * mismatch prints the policy and the data, then aborts. */
#include <forge.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fgen.h"

typedef struct run_out {
    fgen_buf out, err;
    forge_status st;
    forge_summary sum;
} run_out;

static void run(const forge_policy *p, forge_engine eng, const fgen_buf *csv, run_out *r)
{
    memset(r, 0, sizeof *r);
    FILE *in = fmemopen(csv->data, csv->len, "rb");
    if (!in) {
        r->st = FORGE_EIO;
        return;
    }
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = eng;
    opt.no_cache = 1;
    opt.data_path = "-";
    opt.data_stream = in;
    opt.write_out = fgen_write;
    opt.out_ud = &r->out;
    opt.write_err = fgen_write;
    opt.err_ud = &r->err;
    r->st = forge_eval(p, &opt, &r->sum);
    fclose(in);
}

static int same(const fgen_buf *a, const fgen_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void free_run(run_out *r)
{
    fgen_buf_free(&r->out);
    fgen_buf_free(&r->err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!forge_jit_available())
        return 0;
    fgen g = {data, size, 0};
    fgen_buf pol = {0}, csv = {0};
    run_out a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (fgen_policy(&g, &pol) != 0 || fgen_rows(&g, &csv, 12) != 0)
        goto done;
    forge_config cfg;
    forge_config_init(&cfg);
    forge_policy *p = NULL;
    if (forge_compile_string(&cfg, "gen.fp", pol.data, pol.len, &p) != FORGE_OK)
        goto done;
    run(p, FORGE_ENGINE_JIT, &csv, &b);
    if (b.st == FORGE_EUSAGE) { /* no JIT in this build (yet) */
        forge_policy_free(p);
        goto done;
    }
    run(p, FORGE_ENGINE_INTERP, &csv, &a);
    forge_policy_free(p);
    if (a.st != b.st || !same(&a.out, &b.out) || !same(&a.err, &b.err) ||
        a.sum.rows_read != b.sum.rows_read || a.sum.rows_evaluated != b.sum.rows_evaluated ||
        a.sum.rows_in_error != b.sum.rows_in_error) {
        fprintf(stderr, "engines differ\n--- policy\n%s--- data\n%s", pol.data, csv.data);
        fprintf(stderr, "--- interp (status %d)\n%s%s--- jit (status %d)\n%s%s", a.st,
                a.out.data ? a.out.data : "", a.err.data ? a.err.data : "", b.st,
                b.out.data ? b.out.data : "", b.err.data ? b.err.data : "");
        abort();
    }
done:
    free_run(&a);
    free_run(&b);
    fgen_buf_free(&pol);
    fgen_buf_free(&csv);
    return 0;
}
