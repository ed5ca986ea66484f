/* driver.c — the ahead-of-time test's host program: it is linked with an
 * object written by `forgec compile --emit obj` (exporting forge_policy_eval)
 * and the static libforge.a, compiles the same policy for its metadata
 * (inputs, outputs, rule names, tables) and runs the normal evaluation
 * pipeline with the object's function as the engine, so its output can be
 * compared byte for byte with `forgec eval`. It uses internal headers: it
 * is a test, not an example of the public API.
 * Usage: aot_driver POLICY DATA */
#include <stdio.h>
#include <string.h>

#include "../../include/forge_aot.h"
#include "../../lang/compile.h"
#include "../../runtime/driver.h"
#include "../../runtime/jit/jit_abi.h"

static int write_file(void *ud, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : -1;
}

static bool aot_run(void *ud, const fg_program *prog, fg_batch *batch, fg_results *res,
                    const fg_eval_opts *opts)
{
    (void)ud;
    return fg_jit_run_fn(forge_policy_eval, prog, batch, res, opts);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s POLICY DATA\n", argv[0]);
        return 2;
    }
    fg_sources src;
    fg_diags diags;
    fg_sources_init(&src, NULL);
    fg_diags_init(&diags, NULL);
    fg_compile_options copt = {NULL, 0, NULL};
    fg_program *prog = fg_compile_file(NULL, &src, &diags, argv[1], argv[1], &copt);
    fg_diags_free(&diags);
    fg_sources_free(&src);
    if (!prog) {
        fprintf(stderr, "%s does not compile\n", argv[1]);
        return 1;
    }
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.data_path = argv[2];
    opt.write_out = write_file;
    opt.out_ud = stdout;
    opt.write_err = write_file;
    opt.err_ud = stderr;
    fg_engine eng = {aot_run, NULL};
    forge_summary sum;
    forge_status st = fg_driver_run_engine(NULL, prog, &opt, FG_RUN_EVAL, &eng, &sum);
    if (st == FORGE_OK || st == FORGE_EROWS)
        fprintf(stderr, "forgec: %llu rows read, %llu evaluated, %llu in error\n",
                (unsigned long long)sum.rows_read, (unsigned long long)sum.rows_evaluated,
                (unsigned long long)sum.rows_in_error);
    else
        fprintf(stderr, "error: %s\n", sum.message);
    fg_program_free(prog);
    return (int)st;
}
