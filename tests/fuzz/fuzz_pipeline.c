/* fuzz_pipeline.c — libFuzzer target: the whole pipeline. The first part of
 * the input drives the grammar-aware generator (fgen.c) to a policy; the
 * rest is the CSV data after the fixed header. The policy is compiled and
 * evaluated (interpreter) with forge_eval and its report run with
 * forge_report. Checks: rows read = evaluated + in error, and the status
 * says "rows in error" exactly when some are. */
#include <forge.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fgen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fgen g = {data, size, 0};
    fgen_buf pol = {0}, csv = {0}, out = {0}, err = {0};
    if (fgen_policy(&g, &pol) != 0 || fgen_rows(&g, &csv, 0) != 0 || fgen_rest(&g, &csv) != 0)
        goto done;
    forge_config cfg;
    forge_config_init(&cfg);
    forge_policy *p = NULL;
    if (forge_compile_string(&cfg, "gen.fp", pol.data, pol.len, &p) != FORGE_OK)
        goto done;
    FILE *in = fmemopen(csv.data, csv.len, "rb");
    if (!in) {
        forge_policy_free(p);
        goto done;
    }
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = FORGE_ENGINE_INTERP;
    opt.data_path = "-";
    opt.data_stream = in;
    opt.write_out = fgen_write;
    opt.out_ud = &out;
    opt.write_err = fgen_write;
    opt.err_ud = &err;
    forge_summary sum;
    forge_status st = forge_eval(p, &opt, &sum);
    if (st == FORGE_OK || st == FORGE_EROWS) {
        if (sum.rows_read != sum.rows_evaluated + sum.rows_in_error)
            abort();
        if ((st == FORGE_EROWS) != (sum.rows_in_error > 0))
            abort();
    }
    fclose(in);
    /* The same data through the report path. */
    in = fmemopen(csv.data, csv.len, "rb");
    if (in) {
        out.len = err.len = 0;
        opt.data_stream = in;
        forge_report(p, &opt, &sum);
        fclose(in);
    }
    forge_policy_free(p);
done:
    fgen_buf_free(&pol);
    fgen_buf_free(&csv);
    fgen_buf_free(&out);
    fgen_buf_free(&err);
    return 0;
}
