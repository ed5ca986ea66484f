/* commands.c — forgec's commands over the public API: compile with
 * diagnostics on standard error, then eval / report / test / check. Output
 * given with -o goes to a temporary file renamed into place only when the
 * run succeeds, so a failed run never leaves a truncated file behind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* -o naming something that exists and is not a regular file (/dev/full, a
 * FIFO, /dev/stdout) is written in place: a temporary file renamed over it
 * would replace the device node itself. */
bool fc_write_in_place(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && !S_ISREG(sb.st_mode);
}

static void print_diag(void *ud, const forge_diag *d)
{
    (void)ud;
    fputs(d->rendered, stderr);
}

/* The first line of path (without its line end) for --schema-from-header. */
static forge_status read_header_line(const char *path, char **line, forge_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    FILE *f = fopen(path, "rb");
    size_t cap = 0;
    ssize_t n = f ? getline(line, &cap, f) : -1;
    int e = errno;
    if (f)
        fclose(f);
    if (n <= 0) {
        snprintf(sum->message, sizeof sum->message, "cannot read a header line from %s: %s", path,
                 f && n < 0 && !e ? "empty file" : strerror(e));
        return FORGE_EIO;
    }
    while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
        (*line)[--n] = '\0';
    return FORGE_OK;
}

/* The delimiter forgec assumes for a file name: tab for .tsv/.tab, else comma. */
static char delimiter_of(const char *path)
{
    size_t n = strlen(path);
    if (n > 3 && strcmp(path + n - 3, ".gz") == 0)
        n -= 3;
    if ((n >= 4 && strncmp(path + n - 4, ".tsv", 4) == 0) ||
        (n >= 4 && strncmp(path + n - 4, ".tab", 4) == 0))
        return '\t';
    return ',';
}

static int write_file(void *ud, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : -1;
}

static int exit_code(forge_status st)
{
    switch (st) {
    case FORGE_OK:
        return 0;
    case FORGE_ECOMPILE:
        return 1;
    case FORGE_EUSAGE:
        return 2;
    case FORGE_EROWS:
        return 3;
    case FORGE_ETESTS:
        return 1;
    case FORGE_EIO:
        return 4;
    case FORGE_ENOMEM:
        return 4;
    case FORGE_ENOTFOUND:
        return 2; /* embedding API statuses: not made by the CLI */
    case FORGE_ETYPE:
    case FORGE_EMISMATCH:
        return 2;
    }
    return 4;
}

static forge_policy *compile(const fc_options *o, int *rc)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = print_diag;
    cfg.include_dirs = o->includes;
    cfg.ninclude_dirs = o->nincludes;
    cfg.werror = o->werror;
    forge_policy *p = NULL;
    forge_status st = forge_compile_file(&cfg, o->policy, &p);
    *rc = exit_code(st);
    return p;
}

int fc_cmd_check(const fc_options *o)
{
    int rc;
    forge_policy *p = compile(o, &rc);
    if (!p)
        return rc;
    if (o->dump_ir && forge_dump_ir(p, write_file, stdout) != FORGE_OK)
        rc = 4;
    forge_policy_free(p);
    return rc;
}

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

int fc_cmd_test(const fc_options *o)
{
    if (o->coverage)
        return fc_cmd_test_coverage(o);
    int rc;
    forge_policy *p = compile(o, &rc);
    if (!p)
        return rc;
    unsigned passed = 0, failed = 0;
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = o->engine;
    opt.no_cache = o->no_cache;
    forge_summary sum;
    forge_status st = forge_run_tests_opt(p, &opt, print_test, NULL, &passed, &failed, &sum);
    if (st == FORGE_EUSAGE || st == FORGE_ECOMPILE) {
        fprintf(stderr, "forgec: error: %s\n", sum.message);
        forge_policy_free(p);
        return exit_code(st);
    }
    printf("%u passed, %u failed\n", passed, failed);
    forge_policy_free(p);
    if (st == FORGE_ENOMEM) {
        fprintf(stderr, "forgec: out of memory\n");
        return 4;
    }
    return failed ? 1 : 0;
}

int fc_cmd_run(const fc_options *o, bool report)
{
    int rc;
    forge_policy *p = compile(o, &rc);
    if (!p)
        return rc;

    FILE *out = stdout, *err = stderr;
    char *tmp_path = NULL;
    if (o->output && strcmp(o->output, "-") != 0 && fc_write_in_place(o->output)) {
        out = fopen(o->output, "wb");
        if (!out) {
            fprintf(stderr, "forgec: error: cannot write %s: %s\n", o->output, strerror(errno));
            forge_policy_free(p);
            return 4;
        }
    } else if (o->output && strcmp(o->output, "-") != 0) {
        size_t n = strlen(o->output) + 32;
        tmp_path = malloc(n);
        if (!tmp_path) {
            forge_policy_free(p);
            fprintf(stderr, "forgec: out of memory\n");
            return 4;
        }
        snprintf(tmp_path, n, "%s.tmp.%ld", o->output, (long)getpid());
        out = fopen(tmp_path, "wb");
        if (!out) {
            fprintf(stderr, "forgec: error: cannot write %s: %s\n", o->output, strerror(errno));
            free(tmp_path);
            forge_policy_free(p);
            return 4;
        }
    }
    if (o->errors) {
        err = fopen(o->errors, "wb");
        if (!err) {
            fprintf(stderr, "forgec: error: cannot write %s: %s\n", o->errors, strerror(errno));
            if (tmp_path) {
                fclose(out);
                remove(tmp_path);
                free(tmp_path);
            }
            forge_policy_free(p);
            return 4;
        }
    }

    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = o->engine;
    opt.no_cache = o->no_cache;
    opt.jobs = o->jobs;
    opt.format = o->format;
    if (report && !o->format_given)
        opt.format = isatty(fileno(out)) ? FORGE_FORMAT_TABLE : FORGE_FORMAT_CSV;
    opt.data_path = o->data;
    opt.data_stream = stdin;
    opt.delimiter = o->delimiter;
    opt.na = o->na;
    opt.write_out = write_file;
    opt.out_ud = out;
    opt.write_err = write_file;
    opt.err_ud = err;

    opt.report_totals = o->totals;
    fc_progress pr;
    if (fc_progress_init(&pr, o->data, o->quiet)) {
        opt.progress = fc_progress_cb;
        opt.progress_ud = &pr;
    }
    forge_summary sum;
    char *schema_line = NULL;
    forge_status st = FORGE_OK;
    if (o->no_header) {
        /* Headerless data: the header is --columns, or the first line of
         * --schema-from-header FILE (in that file's delimiter). */
        opt.no_header = 1;
        opt.columns = o->columns;
        if (o->schema_from) {
            st = read_header_line(o->schema_from, &schema_line, &sum);
            opt.columns = schema_line;
            opt.columns_delimiter = o->delimiter ? o->delimiter : delimiter_of(o->schema_from);
        }
    }
    if (st == FORGE_OK)
        st = report ? forge_report(p, &opt, &sum) : forge_eval(p, &opt, &sum);
    free(schema_line);
    fc_progress_done(&pr);

    bool out_ok = fflush(out) == 0 && !ferror(out);
    if (out != stdout && fclose(out) != 0)
        out_ok = false;
    int out_errno = errno;
    /* Row error lines are results too: losing them is an I/O failure. */
    bool err_ok = fflush(err) == 0 && !ferror(err);
    int err_errno = errno;
    if (err != stderr && fclose(err) != 0)
        err_ok = false;
    if (!err_ok && o->errors && (st == FORGE_OK || st == FORGE_EROWS)) {
        st = FORGE_EIO;
        snprintf(sum.message, sizeof sum.message, "cannot write %s: %s", o->errors,
                 strerror(err_errno));
    }
    if (!out_ok && (st == FORGE_OK || st == FORGE_EROWS)) {
        st = FORGE_EIO;
        snprintf(sum.message, sizeof sum.message, "cannot write %s: %s",
                 o->output ? o->output : "the standard output", strerror(out_errno));
    }
    if (tmp_path) {
        if (st == FORGE_OK || st == FORGE_EROWS) {
            if (rename(tmp_path, o->output) != 0) {
                snprintf(sum.message, sizeof sum.message, "cannot write %s: %s", o->output,
                         strerror(errno));
                st = FORGE_EIO;
                remove(tmp_path);
            }
        } else {
            remove(tmp_path);
        }
        free(tmp_path);
    }
    if (st != FORGE_OK && st != FORGE_EROWS) {
        fprintf(stderr, "forgec: error: %s\n",
                sum.message[0] ? sum.message : forge_status_text(st));
    } else if (!o->quiet) {
        fprintf(stderr, "forgec: %llu rows read, %llu evaluated, %llu in error\n",
                (unsigned long long)sum.rows_read, (unsigned long long)sum.rows_evaluated,
                (unsigned long long)sum.rows_in_error);
    }
    forge_policy_free(p);
    return exit_code(st);
}

/* `compile --emit KIND [-o FILE]`: the JIT's optimised code ahead of time,
 * written through a temporary file renamed into place on success. */
int fc_cmd_compile(const fc_options *o)
{
    int rc;
    forge_policy *p = compile(o, &rc);
    if (!p)
        return rc;
    FILE *out = stdout;
    char *tmp_path = NULL;
    if (o->output && strcmp(o->output, "-") != 0 && fc_write_in_place(o->output)) {
        out = fopen(o->output, "wb");
        if (!out) {
            fprintf(stderr, "forgec: cannot write %s: %s\n", o->output, strerror(errno));
            forge_policy_free(p);
            return 4;
        }
    } else if (o->output && strcmp(o->output, "-") != 0) {
        size_t n = strlen(o->output) + 32;
        tmp_path = malloc(n);
        if (tmp_path) {
            snprintf(tmp_path, n, "%s.tmp.%ld", o->output, (long)getpid());
            out = fopen(tmp_path, "wb");
        }
        if (!tmp_path || !out) {
            fprintf(stderr, "forgec: cannot write %s: %s\n", o->output, strerror(errno));
            free(tmp_path);
            forge_policy_free(p);
            return 4;
        }
    }
    forge_summary sum;
    forge_status st = forge_emit(p, o->emit, write_file, out, &sum);
    bool out_ok = fflush(out) == 0 && !ferror(out);
    if (out != stdout && fclose(out) != 0)
        out_ok = false;
    if (st == FORGE_OK && !out_ok) {
        st = FORGE_EIO;
        snprintf(sum.message, sizeof sum.message, "cannot write %s: %s",
                 o->output ? o->output : "the standard output", strerror(errno));
    }
    if (tmp_path) {
        if (st == FORGE_OK && rename(tmp_path, o->output) != 0) {
            snprintf(sum.message, sizeof sum.message, "cannot write %s: %s", o->output,
                     strerror(errno));
            st = FORGE_EIO;
        }
        if (st != FORGE_OK)
            remove(tmp_path);
        free(tmp_path);
    }
    if (st != FORGE_OK)
        fprintf(stderr, "forgec: error: %s\n",
                sum.message[0] ? sum.message : forge_status_text(st));
    forge_policy_free(p);
    return exit_code(st);
}
