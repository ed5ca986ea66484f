/* cmd_explain.c — `forgec explain` and `forgec test --coverage`: thin
 * users of forge_explain and forge_test_coverage. explain has its own
 * option parsing (its selectors do not fit the data commands' table):
 *   forgec explain POLICY DATA (--key K | --line N | --where EXPR [--limit N])
 *                  [--format text|json] [--delimiter C] [--na LIST] [-I DIR]
 * Exit: 0 explained, 1 the policy does not compile or no row was selected,
 * 2 usage (also a --where that does not compile), 3 an explained row is in
 * error, 4 I/O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const explain_help =
    "usage: forgec explain POLICY DATA (--key K | --line N | --where EXPR [--limit N])\n"
    "                      [--format text|json] [options]\n\n"
    "Explains how POLICY decided the selected rows of DATA: every let and output with its\n"
    "value; every rule with its outcome, the values of the operands of its condition,\n"
    "how far a failed numeric comparison is from its threshold (`needs +800`) and its\n"
    "message; which decide arm fired and why the earlier arms did not; which table row\n"
    "matched and, for the rows before it, the cells that did not match. A row in error\n"
    "is explained up to its error.\n\n"
    "selection (exactly one):\n"
    "  --key K               rows whose key is K (several key columns: A/B)\n"
    "  --line N              the row whose record starts on line N of DATA (header = 1)\n"
    "  --where EXPR          rows (not in error) where the bool expression EXPR, over the\n"
    "                        policy's names, is true; at most --limit of them\n"
    "  --limit N             at most N rows (default 10)\n\n"
    "options:\n"
    "  --format FMT          text (default) or json: one JSON document per row, one per line\n"
    "  --engine ENGINE       accepted for symmetry: the trace is always made by the\n"
    "                        interpreter (both engines give identical values by construction)\n"
    "  --delimiter C         field delimiter: a single character, or 'tab'\n"
    "  --na LIST             extra missing-value markers, comma-separated\n"
    "  -I DIR                search DIR for imported policy files\n\n"
    "exit status: 0 explained, 1 the policy does not compile or no row is selected,\n"
    "             2 usage (also a --where expression that does not compile),\n"
    "             3 an explained row is in error, 4 input/output failure\n";

void fc_explain_help(void)
{
    fputs(explain_help, stdout);
}

static void print_diag(void *ud, const forge_diag *d)
{
    (void)ud;
    fputs(d->rendered, stderr);
}

static int write_file(void *ud, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : -1;
}

static bool parse_count(const char *v, unsigned long long *out)
{
    char *end = NULL;
    if (!*v || *v == '-' || *v == '+')
        return false;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n == 0)
        return false;
    *out = n;
    return true;
}

int fc_cmd_explain(int argc, char **argv)
{
    forge_explain_options xo;
    forge_explain_options_init(&xo);
    forge_run_options opt;
    forge_run_options_init(&opt);
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    const char *includes[FC_MAX_INCLUDES];
    size_t nincludes = 0;
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
            if (npos == 2)
                return fc_usage_error("unexpected argument `%s`", a);
            pos[npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fc_explain_help();
            return 0;
        }
        char name[64];
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        if (eq && a[1] == '-' && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
        static const char *const valued[] = {"--key",   "--line",   "--where",
                                             "--limit", "--format", "--delimiter",
                                             "--na",    "--engine", "-I"};
        bool known = false;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
            known |= strcmp(name, valued[k]) == 0;
        if (!known)
            return fc_usage_error("unknown option `%s`", name);
        if (!val) {
            if (i + 1 >= argc)
                return fc_usage_error("option `%s` needs a value", name);
            val = argv[++i];
        }
        unsigned long long n;
        if (strcmp(name, "--key") == 0) {
            xo.key = val;
        } else if (strcmp(name, "--line") == 0) {
            if (!parse_count(val, &n))
                return fc_usage_error("--line needs a line number, not `%s`", val);
            xo.line = n;
        } else if (strcmp(name, "--where") == 0) {
            xo.where = val;
        } else if (strcmp(name, "--limit") == 0) {
            if (!parse_count(val, &n) || n > 1000000000ULL)
                return fc_usage_error("--limit needs a positive number, not `%s`", val);
            xo.limit = (unsigned)n;
        } else if (strcmp(name, "--format") == 0) {
            if (strcmp(val, "text") == 0)
                xo.format = FORGE_EXPLAIN_TEXT;
            else if (strcmp(val, "json") == 0)
                xo.format = FORGE_EXPLAIN_JSON;
            else
                return fc_usage_error("unknown explain format `%s` (use text or json)", val);
        } else if (strcmp(name, "--delimiter") == 0) {
            if (strcmp(val, "tab") == 0 || strcmp(val, "\\t") == 0)
                opt.delimiter = '\t';
            else if (strlen(val) == 1 && val[0] != '"' && val[0] != '\n' && val[0] != '\r')
                opt.delimiter = val[0];
            else
                return fc_usage_error("bad delimiter `%s` (one character, or `tab`)", val);
        } else if (strcmp(name, "--na") == 0) {
            opt.na = val;
        } else if (strcmp(name, "--engine") == 0) {
            if (strcmp(val, "interp") != 0 && strcmp(val, "jit") != 0)
                return fc_usage_error("unknown engine `%s` (use interp or jit)", val);
        } else {
            if (nincludes == FC_MAX_INCLUDES)
                return fc_usage_error("too many -I options%s", "");
            includes[nincludes++] = val;
        }
    }
    if (npos < 2)
        return fc_usage_error("`%s` needs a policy file and a data file", "explain");
    int nsel = (xo.key != NULL) + (xo.line != 0) + (xo.where != NULL);
    if (nsel != 1)
        return fc_usage_error("explain needs exactly one of --key, --line and --where%s", "");

    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = print_diag;
    cfg.include_dirs = includes;
    cfg.ninclude_dirs = nincludes;
    forge_policy *p = NULL;
    forge_status st = forge_compile_file(&cfg, pos[0], &p);
    if (!p)
        return st == FORGE_EIO ? 4 : 1;

    opt.data_path = pos[1];
    opt.data_stream = stdin;
    opt.write_out = write_file;
    opt.out_ud = stdout;
    xo.on_diag = print_diag;
    forge_summary sum;
    st = forge_explain(p, &opt, &xo, &sum);
    forge_policy_free(p);
    if (fflush(stdout) != 0 && st == FORGE_OK) {
        st = FORGE_EIO;
        snprintf(sum.message, sizeof sum.message, "cannot write the standard output: %s",
                 strerror(errno));
    }
    switch (st) {
    case FORGE_OK:
        break;
    case FORGE_EUSAGE:
        fprintf(stderr, "forgec: error: %s\n", sum.message);
        return 2;
    default:
        fprintf(stderr, "forgec: error: %s\n",
                sum.message[0] ? sum.message : forge_status_text(st));
        return 4;
    }
    if (sum.rows_evaluated == 0) {
        fprintf(stderr, "forgec: no row selected (%llu rows read)\n",
                (unsigned long long)sum.rows_read);
        return 1;
    }
    return sum.rows_in_error ? 3 : 0;
}

/* ---------------- test --coverage ---------------- */

static void print_test(void *ud, const forge_test_result *r)
{
    (void)ud;
    if (r->passed) {
        printf("ok    %s\n", r->title);
    } else {
        printf("FAIL  %s\n", r->title);
        fputs(r->report, stdout);
        size_t n = strlen(r->report);
        if (n && r->report[n - 1] != '\n')
            putchar('\n');
    }
}

int fc_cmd_test_coverage(const fc_options *o)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = print_diag;
    cfg.include_dirs = o->includes;
    cfg.ninclude_dirs = o->nincludes;
    forge_policy *p = NULL;
    forge_status st = forge_compile_file(&cfg, o->policy, &p);
    if (!p)
        return st == FORGE_EIO ? 4 : 1;
    unsigned passed = 0, failed = 0;
    forge_coverage cov;
    memset(&cov, 0, sizeof cov);
    /* test outcomes, the items not covered, the total, then `N passed, N failed` */
    st = forge_test_coverage(p, print_test, NULL, &passed, &failed, write_file, stdout, &cov);
    forge_policy_free(p);
    if (st == FORGE_ENOMEM || st == FORGE_EIO) {
        fprintf(stderr, "forgec: error: %s\n", forge_status_text(st));
        return 4;
    }
    /* rounded down, so a total below --coverage-min never shows as reaching it */
    double shown = (double)(unsigned long long)(cov.percent * 10.0 + 1e-9) / 10.0;
    printf("coverage: %u of %u items (%.1f%%)\n", cov.covered, cov.total, shown);
    printf("%u passed, %u failed\n", passed, failed);
    bool below = o->coverage_min_given && cov.percent < o->coverage_min;
    if (below) {
        fflush(stdout);
        fprintf(stderr, "forgec: coverage %.1f%% is below --coverage-min %g%%\n", shown,
                o->coverage_min);
    }
    return failed || below ? 1 : 0;
}
