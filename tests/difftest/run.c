/* run.c — the compare step of the difftest, shared by the random run and
 * the replay of regress/ cases: compile once, evaluate and report with two
 * engines and with the row interpreter (through the internal driver, with
 * fg_eval_opts.row_interp: the reference for the vectorized interpreter
 * that `interp` runs), capturing every byte written and the summary, then
 * compare them byte for byte and check that each run's counts add up. */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/driver.h"
#include "../../runtime/engine.h"
#include "../../runtime/policy_int.h"

static void buf_add(dt_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *p = realloc(b->p, nc);
        if (!p) {
            fputs("difftest: out of memory\n", stderr);
            abort();
        }
        b->p = p;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static int write_cb(void *ud, const char *data, size_t len)
{
    buf_add(ud, data, len);
    return 0;
}

static void diag_cb(void *ud, const forge_diag *d)
{
    dt_verdict *v = ud;
    buf_add(&v->diags, d->rendered, strlen(d->rendered));
    if (d->severity == FORGE_SEV_ERROR && !v->first_err[0])
        snprintf(v->first_err, sizeof v->first_err, "%s", d->message);
}

int dt_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : -1;
}

char *dt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    dt_buf b = {0};
    char tmp[8192];
    size_t n;
    buf_add(&b, "", 0);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(&b, tmp, n);
    fclose(f);
    if (len)
        *len = b.n;
    return b.p;
}

/* The row interpreter as an engine: fg_interp_batch with opts.row_interp. */
static bool row_interp_run(void *ud, const fg_program *prog, fg_batch *batch, fg_results *res,
                           const fg_eval_opts *opts)
{
    (void)ud;
    fg_eval_opts o = *opts;
    o.row_interp = true;
    return fg_interp_batch(prog, batch, res, &o);
}

/* row_interp: run through the internal driver with the row interpreter
 * instead of forge_eval / forge_report with engine e. */
static void run_one_as(const forge_policy *p, int report, forge_engine e, int row_interp,
                       forge_format fmt, const char *datapath, dt_one *o)
{
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = e;
    opt.format = fmt;
    opt.data_path = datapath;
    opt.data_name = "data.csv";
    opt.write_out = write_cb;
    opt.out_ud = &o->out;
    opt.write_err = write_cb;
    opt.err_ud = &o->err;
    buf_add(&o->out, "", 0);
    buf_add(&o->err, "", 0);
    memset(&o->sum, 0, sizeof o->sum);
    if (row_interp) {
        fg_engine eng = {row_interp_run, NULL};
        o->st = fg_driver_run_engine(fg_policy_alloc(p), fg_policy_program(p), &opt,
                                     report ? FG_RUN_REPORT : FG_RUN_EVAL, &eng, &o->sum);
    } else {
        o->st = report ? forge_report(p, &opt, &o->sum) : forge_eval(p, &opt, &o->sum);
    }
}

static void run_one(const forge_policy *p, int report, forge_engine e, forge_format fmt,
                    const char *datapath, dt_one *o)
{
    run_one_as(p, report, e, 0, fmt, datapath, o);
}

/* Describes the first difference of two byte strings. */
static void first_diff(char *why, size_t n, const char *what, const dt_buf *a, const dt_buf *b)
{
    size_t i = 0, line = 1;
    while (i < a->n && i < b->n && a->p[i] == b->p[i]) {
        if (a->p[i] == '\n')
            line++;
        i++;
    }
    snprintf(why, n, "%s differs at line %zu (byte %zu): %.60s | %.60s", what, line, i,
             i < a->n ? a->p + i : "<end>", i < b->n ? b->p + i : "<end>");
    for (char *c = why; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
}

static int counts_ok(const dt_one *o, const char *what, char *why, size_t n)
{
    if (o->st != FORGE_OK && o->st != FORGE_EROWS) {
        snprintf(why, n, "%s: status %d (%s): %s", what, (int)o->st, forge_status_text(o->st),
                 o->sum.message);
        return 0;
    }
    const forge_summary *s = &o->sum;
    if (s->rows_read != s->rows_evaluated + s->rows_in_error) {
        snprintf(why, n, "%s: %llu rows read != %llu evaluated + %llu in error", what,
                 (unsigned long long)s->rows_read, (unsigned long long)s->rows_evaluated,
                 (unsigned long long)s->rows_in_error);
        return 0;
    }
    if ((o->st == FORGE_EROWS) != (s->rows_in_error > 0)) {
        snprintf(why, n, "%s: status %d with %llu rows in error", what, (int)o->st,
                 (unsigned long long)s->rows_in_error);
        return 0;
    }
    return 1;
}

/* Whether two runs wrote the same bytes, status and counts; else v->why. */
static int same_run(const dt_one *a, const dt_one *b, int r, const char *who, dt_verdict *v)
{
    static const char *const what[2] = {"eval", "report"};
    char w[96];
    if (a->st != b->st) {
        snprintf(v->why, sizeof v->why, "%s%s status differs: %d vs %d", who, what[r], (int)a->st,
                 (int)b->st);
        return 0;
    }
    if (a->out.n != b->out.n || memcmp(a->out.p, b->out.p, a->out.n) != 0) {
        snprintf(w, sizeof w, "%s%s output", who, what[r]);
        first_diff(v->why, sizeof v->why, w, &a->out, &b->out);
        return 0;
    }
    if (a->err.n != b->err.n || memcmp(a->err.p, b->err.p, a->err.n) != 0) {
        snprintf(w, sizeof w, "%s%s error lines", who, what[r]);
        first_diff(v->why, sizeof v->why, w, &a->err, &b->err);
        return 0;
    }
    if (a->sum.rows_read != b->sum.rows_read || a->sum.rows_evaluated != b->sum.rows_evaluated ||
        a->sum.rows_in_error != b->sum.rows_in_error ||
        strcmp(a->sum.message, b->sum.message) != 0) {
        snprintf(v->why, sizeof v->why, "%s%s summary differs", who, what[r]);
        return 0;
    }
    return 1;
}

int dt_check(const char *policy, size_t plen, const char *data, size_t dlen, const char *datapath,
             forge_engine ea, forge_engine eb, forge_format format, dt_verdict *v)
{
    memset(v, 0, sizeof *v);
    buf_add(&v->diags, "", 0);
    if (dt_write_file(datapath, data, dlen) != 0) {
        snprintf(v->why, sizeof v->why, "cannot write %s", datapath);
        return v->kind = DT_IO;
    }
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = diag_cb;
    cfg.diag_ud = v;
    forge_policy *p = NULL;
    forge_status st = forge_compile_string(&cfg, "policy.fp", policy, plen, &p);
    if (st != FORGE_OK || !p) {
        snprintf(v->why, sizeof v->why, "the policy does not compile (status %d): %s", (int)st,
                 v->first_err);
        forge_policy_free(p);
        return v->kind = DT_COMPILE;
    }
    forge_engine eng[2] = {ea, eb};
    for (int e = 0; e < 2; e++)
        for (int r = 0; r < 2; r++)
            run_one(p, r, eng[e], format, datapath, &v->res[e][r]);
    for (int r = 0; r < 2; r++)
        run_one_as(p, r, FORGE_ENGINE_INTERP, 1, format, datapath, &v->row[r]);
    forge_policy_free(p);
    static const char *const what[2] = {"eval", "report"};
    for (int r = 0; r < 2; r++) {
        if (!same_run(&v->res[0][r], &v->res[1][r], r, "", v))
            return v->kind = DT_MISMATCH;
        if (!same_run(&v->res[0][r], &v->row[r], r, "row interpreter vs engine a: ", v))
            return v->kind = DT_MISMATCH;
    }
    for (int e = 0; e < 2; e++)
        for (int r = 0; r < 2; r++) {
            char w[64];
            snprintf(w, sizeof w, "%s with engine %c", what[r], "ab"[e]);
            if (!counts_ok(&v->res[e][r], w, v->why, sizeof v->why))
                return v->kind = DT_COUNTS;
        }
    /* eval and report read the same rows (report may have more rows in
     * error: its aggregate arguments are evaluated too) */
    const forge_summary *s1 = &v->res[0][0].sum, *s2 = &v->res[0][1].sum;
    if (s1->rows_read != s2->rows_read || s2->rows_in_error < s1->rows_in_error) {
        snprintf(v->why, sizeof v->why,
                 "eval and report counts differ: %llu/%llu read, %llu/%llu in error",
                 (unsigned long long)s1->rows_read, (unsigned long long)s2->rows_read,
                 (unsigned long long)s1->rows_in_error, (unsigned long long)s2->rows_in_error);
        return v->kind = DT_COUNTS;
    }
    /* every row in error has exactly one error line */
    size_t lines = 0;
    const dt_buf *eb_ = &v->res[0][0].err;
    for (size_t i = 0; i < eb_->n; i++)
        lines += eb_->p[i] == '\n';
    if (lines < s1->rows_in_error) {
        snprintf(v->why, sizeof v->why, "%zu error lines for %llu rows in error", lines,
                 (unsigned long long)s1->rows_in_error);
        return v->kind = DT_COUNTS;
    }
    return v->kind = DT_OK;
}

void dt_verdict_free(dt_verdict *v)
{
    free(v->diags.p);
    for (int e = 0; e < 2; e++)
        for (int r = 0; r < 2; r++) {
            free(v->res[e][r].out.p);
            free(v->res[e][r].err.p);
        }
    for (int r = 0; r < 2; r++) {
        free(v->row[r].out.p);
        free(v->row[r].err.p);
    }
    memset(v, 0, sizeof *v);
}

void dt_dump_one(FILE *f, const char *title, const dt_one *o)
{
    fprintf(f, "=== %s: status %d (%s), %llu read, %llu evaluated, %llu in error%s%s\n", title,
            (int)o->st, forge_status_text(o->st), (unsigned long long)o->sum.rows_read,
            (unsigned long long)o->sum.rows_evaluated, (unsigned long long)o->sum.rows_in_error,
            o->sum.message[0] ? ": " : "", o->sum.message);
    fprintf(f, "--- stdout\n");
    fwrite(o->out.p ? o->out.p : "", 1, o->out.n, f);
    fprintf(f, "--- stderr\n");
    fwrite(o->err.p ? o->err.p : "", 1, o->err.n, f);
}

int dt_jit_available(const char *scratch_path)
{
    static const char pol[] = "input {\n  id : str key\n}\noutput o = 1\n";
    if (dt_write_file(scratch_path, "id\nA\n", 5) != 0)
        return 0;
    forge_config cfg;
    forge_config_init(&cfg);
    forge_policy *p = NULL;
    if (forge_compile_string(&cfg, "probe.fp", pol, sizeof pol - 1, &p) != FORGE_OK)
        return 0;
    dt_one o;
    memset(&o, 0, sizeof o);
    run_one(p, 0, FORGE_ENGINE_JIT, FORGE_FORMAT_CSV, scratch_path, &o);
    forge_policy_free(p);
    free(o.out.p);
    free(o.err.p);
    return o.st == FORGE_OK;
}
