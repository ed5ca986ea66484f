/* cmd_diff.c — `forgec diff OLD.fp NEW.fp DATA`: the impact of a policy
 * change (forge_diff). Exit status: 0 the run finished (changed or not),
 * 3 some rows were in error in either policy, 5 with --fail-on-change when
 * something changed (a row's shared outputs, or the set of outputs or rules),
 * 1 a policy does not compile, 2 usage (also: different key columns), 4 I/O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void print_diag(void *ud, const forge_diag *d)
{
    (void)ud;
    fputs(d->rendered, stderr);
}

static int write_file(void *ud, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : -1;
}

void fc_help_diff(void)
{
    printf("usage: forgec diff OLD.fp NEW.fp DATA [options]\n\n"
           "Evaluates both policies on every row of DATA in one pass and compares them row\n"
           "by row (joined by the key columns, which must be the same): for each shared\n"
           "decide output a transition matrix (old value x new value), for each shared\n"
           "numeric output the exact totals before and after and the change, also per group\n"
           "of NEW's first report with `by`, the number of rows whose shared outputs\n"
           "changed, and the outputs and rules found in one policy only. Rows in error in\n"
           "either policy go to the error stream as eval writes them.\n\n"
           "options:\n"
           "  --rows                also list each changed row: old and new values of the\n"
           "                        outputs that changed, and the rules whose outcome flipped\n"
           "  --format FMT          text (default), csv or json\n"
           "  --fail-on-change      exit 5 when anything changed\n"
           "  -o, --output FILE     write the comparison to FILE\n"
           "  --errors FILE         write row error lines to FILE instead of standard error\n"
           "  --delimiter C         field delimiter: a single character, or 'tab'\n"
           "  --na LIST             extra missing-value markers, comma-separated\n"
           "  -I DIR                search DIR for imported policy files\n"
           "  -q, --quiet           no summary line, no progress line\n\n"
           "exit status: 0 done, 3 some rows in error, 5 changed (with --fail-on-change),\n"
           "             1 a policy does not compile, 2 usage or different keys, 4 I/O\n");
}

int fc_cmd_diff(int argc, char **argv)
{
    const char *pos[3] = {NULL, NULL, NULL}, *output = NULL, *errors = NULL, *na = NULL;
    const char *includes[FC_MAX_INCLUDES];
    size_t nincludes = 0;
    int npos = 0;
    char delimiter = 0;
    bool quiet = false, fail_on_change = false;
    forge_diff_options dopt;
    memset(&dopt, 0, sizeof dopt);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (npos == 3)
                return fc_usage_error("unexpected argument `%s`", a);
            pos[npos++] = a;
            continue;
        }
        char name[64];
        const char *val = NULL, *eq = strchr(a, '=');
        if (eq && a[1] == '-' && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
        if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
            fc_help_diff();
            return 0;
        }
        if (strcmp(name, "--rows") == 0) {
            dopt.rows = 1;
            continue;
        }
        if (strcmp(name, "--fail-on-change") == 0) {
            fail_on_change = true;
            continue;
        }
        if (strcmp(name, "-q") == 0 || strcmp(name, "--quiet") == 0) {
            quiet = true;
            continue;
        }
        bool valued = strcmp(name, "--format") == 0 || strcmp(name, "-o") == 0 ||
                      strcmp(name, "--output") == 0 || strcmp(name, "--errors") == 0 ||
                      strcmp(name, "--delimiter") == 0 || strcmp(name, "--na") == 0 ||
                      strcmp(name, "-I") == 0 || strcmp(name, "--engine") == 0;
        if (!valued)
            return fc_usage_error("unknown option `%s`", name);
        if (!val) {
            if (i + 1 >= argc)
                return fc_usage_error("option `%s` needs a value", name);
            val = argv[++i];
        }
        if (strcmp(name, "--format") == 0) {
            if (strcmp(val, "text") == 0)
                dopt.format = FORGE_DIFF_TEXT;
            else if (strcmp(val, "csv") == 0)
                dopt.format = FORGE_DIFF_CSV;
            else if (strcmp(val, "json") == 0)
                dopt.format = FORGE_DIFF_JSON;
            else
                return fc_usage_error("unknown format `%s` (use text, csv or json)", val);
        } else if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
            output = val;
        } else if (strcmp(name, "--errors") == 0) {
            errors = val;
        } else if (strcmp(name, "--na") == 0) {
            na = val;
        } else if (strcmp(name, "--delimiter") == 0) {
            if (strcmp(val, "tab") == 0 || strcmp(val, "\\t") == 0)
                delimiter = '\t';
            else if (strlen(val) == 1 && val[0] != '"' && val[0] != '\n' && val[0] != '\r')
                delimiter = val[0];
            else
                return fc_usage_error("bad delimiter `%s` (one character, or `tab`)", val);
        } else if (strcmp(name, "-I") == 0) {
            if (nincludes == FC_MAX_INCLUDES)
                return fc_usage_error("too many -I options%s", "");
            includes[nincludes++] = val;
        } else if (strcmp(val, "interp") != 0 && strcmp(val, "jit") != 0) {
            return fc_usage_error("unknown engine `%s` (use interp or jit)", val);
        } /* --engine: diff always evaluates with the interpreter */
    }
    if (npos < 3)
        return fc_usage_error("`%s` needs two policy files and a data file", "diff");

    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = print_diag;
    cfg.include_dirs = includes;
    cfg.ninclude_dirs = nincludes;
    forge_policy *po = NULL, *pn = NULL;
    forge_status st = forge_compile_file(&cfg, pos[0], &po);
    if (st == FORGE_OK)
        st = forge_compile_file(&cfg, pos[1], &pn);
    if (st != FORGE_OK) {
        forge_policy_free(po);
        return st == FORGE_ECOMPILE ? 1 : st == FORGE_EIO ? 4 : 4;
    }
    FILE *out = stdout, *err = stderr;
    char *tmp = NULL;
    int rc = 0;
    if (output && strcmp(output, "-") != 0 && fc_write_in_place(output)) {
        out = fopen(output, "wb");
        if (!out) {
            fprintf(stderr, "forgec: cannot write %s: %s\n", output, strerror(errno));
            forge_policy_free(po);
            forge_policy_free(pn);
            return 4;
        }
    } else if (output && strcmp(output, "-") != 0) {
        size_t n = strlen(output) + 32;
        tmp = malloc(n);
        if (tmp) {
            snprintf(tmp, n, "%s.tmp.%ld", output, (long)getpid());
            out = fopen(tmp, "wb");
        }
        if (!tmp || !out) {
            fprintf(stderr, "forgec: cannot write %s: %s\n", output, strerror(errno));
            free(tmp);
            forge_policy_free(po);
            forge_policy_free(pn);
            return 4;
        }
    }
    if (errors && !(err = fopen(errors, "wb"))) {
        fprintf(stderr, "forgec: cannot write %s: %s\n", errors, strerror(errno));
        err = stderr;
        rc = 4;
    }
    forge_diff_summary sum;
    memset(&sum, 0, sizeof sum);
    if (rc == 0) {
        forge_run_options opt;
        forge_run_options_init(&opt);
        opt.engine = FORGE_ENGINE_INTERP;
        opt.data_path = pos[2];
        opt.data_stream = stdin;
        opt.delimiter = delimiter;
        opt.na = na;
        opt.write_out = write_file;
        opt.out_ud = out;
        opt.write_err = write_file;
        opt.err_ud = err;
        fc_progress pr;
        if (fc_progress_init(&pr, pos[2], quiet)) {
            opt.progress = fc_progress_cb;
            opt.progress_ud = &pr;
        }
        /* the names the output uses for the two sides: the file names */
        dopt.old_name = pos[0];
        dopt.new_name = pos[1];
        st = forge_diff(po, pn, &opt, &dopt, &sum);
        fc_progress_done(&pr);
        bool out_ok = fflush(out) == 0 && !ferror(out);
        if (out != stdout && fclose(out) != 0)
            out_ok = false;
        out = stdout;
        if (!out_ok && (st == FORGE_OK || st == FORGE_EROWS)) {
            st = FORGE_EIO;
            snprintf(sum.message, sizeof sum.message, "cannot write %s",
                     output ? output : "the standard output");
        }
        if (st != FORGE_OK && st != FORGE_EROWS) {
            fprintf(stderr, "forgec: error: %s\n",
                    sum.message[0] ? sum.message : forge_status_text(st));
            rc = st == FORGE_EUSAGE ? 2 : 4;
        } else {
            bool changed = sum.rows_changed || sum.outputs_only_old || sum.outputs_only_new ||
                           sum.rules_only_old || sum.rules_only_new;
            if (!quiet)
                fprintf(
                    stderr, "forgec: %llu rows read, %llu compared, %llu in error, %llu changed\n",
                    (unsigned long long)sum.rows_read, (unsigned long long)sum.rows_compared,
                    (unsigned long long)sum.rows_in_error, (unsigned long long)sum.rows_changed);
            rc = fail_on_change && changed ? 5 : st == FORGE_EROWS ? 3 : 0;
        }
    }
    if (out != stdout && fclose(out) != 0 && rc != 4) {
        fprintf(stderr, "forgec: error: cannot write %s: %s\n", output, strerror(errno));
        rc = 4;
    }
    if (err != stderr)
        fclose(err);
    if (tmp) {
        if (rc == 0 || rc == 3 || rc == 5) {
            if (rename(tmp, output) != 0) {
                fprintf(stderr, "forgec: error: cannot write %s: %s\n", output, strerror(errno));
                remove(tmp);
                rc = 4;
            }
        } else {
            remove(tmp);
        }
        free(tmp);
    }
    forge_policy_free(po);
    forge_policy_free(pn);
    return rc;
}
