/* test_api.c — the embedding API of include/forge.h as a host uses it:
 * introspection, one record at a time, caller-owned columns (missing
 * values, row errors, int->num columns, several chunks), CSV from a read
 * callback and from a FILE*, misuse (NULL handles, wrong types, unknown
 * names, reading before evaluating), NULL frees, allocator accounting (every
 * byte freed), a failing allocator at every k (FORGE_ENOMEM, no leak) and
 * several threads sharing one policy (results equal to one thread). Each
 * evaluating test runs on the interpreter and, when built, the JIT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <forge.h>

static const char POLICY[] =
    "policy \"loans\" version \"1.0\"\n"
    "input {\n"
    "  id     : str key\n"
    "  amount : int\n"
    "  rate   : num from \"Rate (%)\"\n"
    "  score  : num?\n"
    "  member : bool\n"
    "}\n"
    "rule small: amount <= 1000 else \"amount {amount} too big\"\n"
    "rule scored: score is present else \"no score\"\n"
    "output ok = amount <= 1000 and member\n"
    "output per = round(amount / (rate - 1), 2)\n"
    "output doubled = amount * 2\n"
    "output label = \"{id}:{amount}\"\n"
    "output score\n"
    "output reasons = failed()\n"
    "report by member {\n"
    "  n = count()\n"
    "  total = sum(amount)\n"
    "}\n"
    "fixture base = { id: \"a\", amount: 10, rate: 3, score: 1, member: true }\n"
    "test \"small member\" {\n"
    "  given base\n"
    "  expect ok\n"
    "}\n"
    "test \"big\" {\n"
    "  given base with { amount: 5000, member: false }\n"
    "  expect not ok\n"
    "}\n";

enum { IN_ID, IN_AMOUNT, IN_RATE, IN_SCORE, IN_MEMBER };
enum { OUT_OK, OUT_PER, OUT_DOUBLED, OUT_LABEL, OUT_SCORE, OUT_REASONS };

/* ---- allocators: counting (live bytes) and failing at the k-th call ---- */
#include "acct_alloc.h"

static forge_policy *compile_with(forge_engine engine, acct *a, forge_status *st_out)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.engine = engine;
    cfg.jit_no_cache = 1;
    if (a) {
        cfg.realloc_fn = acct_realloc;
        cfg.alloc_ud = a;
    }
    forge_policy *p = NULL;
    forge_status st = forge_compile_string(&cfg, "loans.fp", POLICY, strlen(POLICY), &p);
    if (st_out)
        *st_out = st;
    return p;
}

static forge_engine engines[2];
static int nengines;

static void find_engines(void)
{
    nengines = 0;
    engines[nengines++] = FORGE_ENGINE_INTERP;
    if (forge_jit_available())
        engines[nengines++] = FORGE_ENGINE_JIT;
}

/* ---- introspection ---- */
static void test_introspection(void **state)
{
    (void)state;
    forge_policy *p = compile_with(FORGE_ENGINE_INTERP, NULL, NULL);
    assert_non_null(p);
    assert_int_equal(forge_policy_ninputs(p), 5);
    assert_int_equal(forge_policy_noutputs(p), 6);
    assert_int_equal(forge_policy_nrules(p), 2);
    assert_int_equal(forge_policy_nreports(p), 1);
    assert_int_equal(forge_policy_ntests(p), 2);
    assert_string_equal(forge_policy_name(p), "loans");
    assert_string_equal(forge_policy_version(p), "1.0");
    assert_int_equal(forge_policy_engine(p), FORGE_ENGINE_INTERP);

    forge_input_info in;
    assert_int_equal(forge_policy_input(p, IN_ID, &in), FORGE_OK);
    assert_string_equal(in.name, "id");
    assert_int_equal(in.type, FORGE_TYPE_STR);
    assert_true(in.key);
    assert_false(in.optional);
    assert_int_equal(forge_policy_input(p, IN_RATE, &in), FORGE_OK);
    assert_string_equal(in.name, "rate");
    assert_string_equal(in.header, "Rate (%)");
    assert_int_equal(in.type, FORGE_TYPE_NUM);
    assert_false(in.key);
    assert_int_equal(forge_policy_input(p, IN_SCORE, &in), FORGE_OK);
    assert_true(in.optional);
    assert_int_equal(forge_policy_input(p, IN_MEMBER, &in), FORGE_OK);
    assert_int_equal(in.type, FORGE_TYPE_BOOL);
    assert_int_equal(forge_policy_input(p, 5, &in), FORGE_ENOTFOUND);
    assert_int_equal(forge_policy_input(p, 0, NULL), FORGE_EUSAGE);

    forge_output_info out;
    const char *names[] = {"ok", "per", "doubled", "label", "score", "reasons"};
    forge_type types[] = {FORGE_TYPE_BOOL, FORGE_TYPE_NUM, FORGE_TYPE_INT,
                          FORGE_TYPE_STR,  FORGE_TYPE_NUM, FORGE_TYPE_STR};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(forge_policy_output(p, i, &out), FORGE_OK);
        assert_string_equal(out.name, names[i]);
        assert_int_equal(out.type, types[i]);
        assert_int_equal(out.optional, i == OUT_SCORE);
        size_t idx = 99;
        assert_int_equal(forge_policy_output_index(p, names[i], &idx), FORGE_OK);
        assert_int_equal(idx, i);
    }
    assert_int_equal(forge_policy_output(p, 6, &out), FORGE_ENOTFOUND);
    size_t idx;
    assert_int_equal(forge_policy_input_index(p, "amount", &idx), FORGE_OK);
    assert_int_equal(idx, IN_AMOUNT);
    assert_int_equal(forge_policy_input_index(p, "Rate (%)", &idx), FORGE_ENOTFOUND);
    assert_int_equal(forge_policy_output_index(p, "nope", &idx), FORGE_ENOTFOUND);

    const char *s;
    assert_int_equal(forge_policy_rule(p, 0, &s), FORGE_OK);
    assert_string_equal(s, "small");
    assert_int_equal(forge_policy_rule(p, 1, &s), FORGE_OK);
    assert_string_equal(s, "scored");
    assert_int_equal(forge_policy_rule(p, 2, &s), FORGE_ENOTFOUND);
    assert_int_equal(forge_policy_test(p, 1, &s), FORGE_OK);
    assert_string_equal(s, "big");

    forge_report_info r;
    assert_int_equal(forge_policy_report(p, 0, &r), FORGE_OK);
    assert_null(r.name);
    assert_int_equal(r.nby, 1);
    assert_string_equal(r.by[0], "member");
    assert_int_equal(r.ncolumns, 2);
    assert_int_equal(forge_policy_report_column(p, 0, 1, &s), FORGE_OK);
    assert_string_equal(s, "total");
    assert_int_equal(forge_policy_report_column(p, 0, 2, &s), FORGE_ENOTFOUND);
    assert_int_equal(forge_policy_report(p, 1, &r), FORGE_ENOTFOUND);
    assert_string_equal(forge_type_name(FORGE_TYPE_NUM), "num");
    forge_policy_free(p);
}

/* ---- one record ---- */
static void rows_on(forge_engine engine)
{
    forge_status st;
    forge_policy *p = compile_with(engine, NULL, &st);
    assert_int_equal(st, FORGE_OK);
    assert_int_equal(forge_policy_engine(p), engine);
    forge_session *s = NULL;
    forge_row *r = NULL;
    assert_int_equal(forge_session_new(p, &s), FORGE_OK);
    assert_int_equal(forge_row_new(p, &r), FORGE_OK);

    /* reading before evaluating */
    forge_value v;
    assert_int_equal(forge_session_output(s, 0, &v), FORGE_EUSAGE);
    assert_string_not_equal(forge_session_errmsg(s), "");
    forge_row_error re;
    assert_int_equal(forge_session_row_error(s, &re), FORGE_EUSAGE);

    assert_int_equal(forge_row_set_str(r, IN_ID, "A1xyz", 2), FORGE_OK);
    assert_int_equal(forge_row_set_int_by_name(r, "amount", 500), FORGE_OK);
    assert_int_equal(forge_row_set_int(r, IN_RATE, 3), FORGE_OK); /* int widened to num */
    assert_int_equal(forge_row_set_num(r, IN_SCORE, 0.5), FORGE_OK);
    assert_int_equal(forge_row_set_bool_by_name(r, "member", 7), FORGE_OK);
    /* misuse */
    assert_int_equal(forge_row_set_num(r, IN_AMOUNT, 1.5), FORGE_ETYPE);
    assert_string_equal(forge_row_errmsg(r), "input amount is int, not num");
    assert_int_equal(forge_row_set_str(r, IN_MEMBER, "x", (size_t)-1), FORGE_ETYPE);
    assert_int_equal(forge_row_set_int(r, 9, 1), FORGE_ENOTFOUND);
    assert_int_equal(forge_row_set_int_by_name(r, "amt", 1), FORGE_ENOTFOUND);
    assert_string_equal(forge_row_errmsg(r), "no input called amt");
    assert_int_equal(forge_row_set_str(r, IN_ID, NULL, 0), FORGE_EUSAGE);

    assert_int_equal(forge_eval_row(s, r), FORGE_OK);
    assert_int_equal(forge_session_row_error(s, &re), FORGE_OK);
    assert_int_equal(re.kind, FORGE_ROW_OK);
    int b = -1, miss = -1;
    assert_int_equal(forge_session_output_bool(s, OUT_OK, &b, &miss), FORGE_OK);
    assert_int_equal(b, 1);
    assert_int_equal(miss, 0);
    double n = 0;
    assert_int_equal(forge_session_output_num(s, OUT_PER, &n, NULL), FORGE_OK);
    assert_true(n == 250.0);
    int64_t i = 0;
    assert_int_equal(forge_session_output_int(s, OUT_DOUBLED, &i, NULL), FORGE_OK);
    assert_int_equal(i, 1000);
    assert_int_equal(forge_session_output_num(s, OUT_DOUBLED, &n, NULL), FORGE_OK);
    assert_true(n == 1000.0);
    const char *str;
    size_t len;
    assert_int_equal(forge_session_output_str(s, OUT_LABEL, &str, &len, &miss), FORGE_OK);
    assert_string_equal(str, "A1:500");
    assert_int_equal(len, 6);
    assert_int_equal(forge_session_output(s, OUT_SCORE, &v), FORGE_OK);
    assert_false(v.missing);
    assert_true(v.n == 0.5);
    assert_int_equal(forge_session_output_str(s, OUT_REASONS, &str, &len, NULL), FORGE_OK);
    assert_string_equal(str, "");
    assert_int_equal(forge_session_output_int(s, OUT_LABEL, &i, NULL), FORGE_ETYPE);
    assert_string_equal(forge_session_errmsg(s), "output label is str, not int");
    assert_int_equal(forge_session_output(s, 6, &v), FORGE_ENOTFOUND);
    int failed = -1;
    const char *msg = NULL;
    assert_int_equal(forge_session_rule(s, 0, &failed, &msg), FORGE_OK);
    assert_int_equal(failed, 0);
    assert_string_equal(msg, "");
    assert_int_equal(forge_session_rule(s, 2, &failed, &msg), FORGE_ENOTFOUND);

    /* rules failing, an optional input missing */
    assert_int_equal(forge_row_set_int(r, IN_AMOUNT, 2000), FORGE_OK);
    assert_int_equal(forge_row_set_missing_by_name(r, "score"), FORGE_OK);
    assert_int_equal(forge_eval_row(s, r), FORGE_OK);
    assert_int_equal(forge_session_rule(s, 0, &failed, &msg), FORGE_OK);
    assert_int_equal(failed, 1);
    assert_string_equal(msg, "amount 2000 too big");
    assert_int_equal(forge_session_rule(s, 1, &failed, &msg), FORGE_OK);
    assert_int_equal(failed, 1);
    assert_string_equal(msg, "no score");
    assert_int_equal(forge_session_output_num(s, OUT_SCORE, &n, &miss), FORGE_OK);
    assert_int_equal(miss, 1);
    assert_int_equal(forge_session_output_str(s, OUT_REASONS, &str, NULL, NULL), FORGE_OK);
    assert_string_equal(str, "amount 2000 too big; no score");

    /* an evaluation error, located in the policy */
    assert_int_equal(forge_row_set_num(r, IN_RATE, 1), FORGE_OK);
    assert_int_equal(forge_eval_row(s, r), FORGE_EROWS);
    assert_int_equal(forge_session_output(s, 0, &v), FORGE_EROWS);
    assert_int_equal(forge_session_row_error(s, &re), FORGE_OK);
    assert_int_equal(re.kind, FORGE_ROW_DIV_ZERO);
    assert_string_equal(re.reason, "division by zero");
    assert_string_equal(re.message, "loans.fp:12:27: division by zero");
    assert_string_equal(re.file, "loans.fp");
    assert_int_equal(re.line, 12);
    assert_int_equal(re.col, 27);
    assert_int_equal(re.column, -1);

    /* a data error: a non-optional input missing */
    forge_row_clear(r);
    assert_int_equal(forge_row_set_str(r, IN_ID, "B", (size_t)-1), FORGE_OK);
    assert_int_equal(forge_eval_row(s, r), FORGE_EROWS);
    assert_int_equal(forge_session_row_error(s, &re), FORGE_OK);
    assert_int_equal(re.kind, FORGE_ROW_MISSING_VALUE);
    assert_int_equal(re.column, IN_AMOUNT);
    assert_string_equal(re.message, "column amount: missing value");
    assert_null(re.file);

    /* integer overflow */
    assert_int_equal(forge_row_set_int(r, IN_AMOUNT, INT64_MAX), FORGE_OK);
    assert_int_equal(forge_row_set_num(r, IN_RATE, 2), FORGE_OK);
    assert_int_equal(forge_row_set_bool(r, IN_MEMBER, 0), FORGE_OK);
    assert_int_equal(forge_eval_row(s, r), FORGE_EROWS);
    assert_int_equal(forge_session_row_error(s, &re), FORGE_OK);
    assert_int_equal(re.kind, FORGE_ROW_INT_OVERFLOW);
    assert_string_equal(re.message, "loans.fp:13:25: integer overflow");
    /* a NaN cell is a bad value, as in CSV */
    assert_int_equal(forge_row_set_int(r, IN_AMOUNT, 1), FORGE_OK);
    assert_int_equal(forge_row_set_num(r, IN_RATE, 0.0 / 0.0), FORGE_OK);
    assert_int_equal(forge_eval_row(s, r), FORGE_EROWS);
    assert_int_equal(forge_session_row_error(s, &re), FORGE_OK);
    assert_int_equal(re.kind, FORGE_ROW_BAD_VALUE);
    assert_string_equal(re.message, "column rate: bad num \"nan\"");

    /* a row of another policy */
    forge_policy *p2 = compile_with(engine, NULL, NULL);
    forge_row *r2 = NULL;
    assert_int_equal(forge_row_new(p2, &r2), FORGE_OK);
    assert_int_equal(forge_eval_row(s, r2), FORGE_EUSAGE);
    assert_string_equal(forge_session_errmsg(s), "the row was made for another policy");
    forge_row_free(r2);
    forge_policy_free(p2);

    forge_row_free(r);
    forge_session_free(s);
    forge_policy_free(p);
}

static void test_rows(void **state)
{
    (void)state;
    for (int e = 0; e < nengines; e++)
        rows_on(engines[e]);
}

/* ---- columns ---- */
typedef struct cols {
    size_t n;
    char (*ids)[24]; /* "F" and any size_t */
    const char **id;
    int64_t *amount;
    double *rate;
    double *score;
    uint8_t *score_missing, *member, *amount_missing;
} cols;

/* Row k: a deterministic mix of fine rows, failing rules, missing scores,
 * division by zero (rate 1) and missing amounts. */
static void cols_make(cols *c, size_t n)
{
    c->n = n;
    c->ids = calloc(n, sizeof *c->ids);
    c->id = calloc(n, sizeof *c->id);
    c->amount = calloc(n, sizeof *c->amount);
    c->rate = calloc(n, sizeof *c->rate);
    c->score = calloc(n, sizeof *c->score);
    c->score_missing = calloc(n, 1);
    c->member = calloc(n, 1);
    c->amount_missing = calloc(n, 1);
    for (size_t k = 0; k < n; k++) {
        snprintf(c->ids[k], sizeof c->ids[k], "F%zu", k);
        c->id[k] = c->ids[k];
        c->amount[k] = (int64_t)((k * 37) % 1500);
        c->rate[k] = k % 97 == 5 ? 1.0 : 1.5 + (double)(k % 7);
        c->score[k] = (double)(k % 10) / 10;
        c->score_missing[k] = k % 3 == 0;
        c->member[k] = (uint8_t)(k % 5 ? 2 : 0); /* any non-zero is true */
        c->amount_missing[k] = k % 101 == 7;
    }
}

static void cols_free(cols *c)
{
    free(c->ids);
    free(c->id);
    free(c->amount);
    free(c->rate);
    free(c->score);
    free(c->score_missing);
    free(c->member);
    free(c->amount_missing);
}

static void cols_inputs(const cols *c, forge_column in[5])
{
    memset(in, 0, 5 * sizeof *in);
    in[IN_ID].s = c->id;
    in[IN_AMOUNT].i = c->amount;
    in[IN_AMOUNT].missing = c->amount_missing;
    in[IN_RATE].n = c->rate;
    in[IN_SCORE].n = c->score;
    in[IN_SCORE].missing = c->score_missing;
    in[IN_MEMBER].b = c->member;
}

typedef struct results {
    uint8_t *ok, *ok_m, *err, *score_m;
    double *per, *score;
    int64_t *doubled;
    const char **label, **reasons;
    size_t *label_len;
    size_t nerrors;
    forge_status st;
} results;

static void results_alloc(results *r, size_t n)
{
    memset(r, 0, sizeof *r);
    r->ok = calloc(n, 1);
    r->ok_m = calloc(n, 1);
    r->err = calloc(n, 1);
    r->score_m = calloc(n, 1);
    r->per = calloc(n, sizeof *r->per);
    r->score = calloc(n, sizeof *r->score);
    r->doubled = calloc(n, sizeof *r->doubled);
    r->label = calloc(n, sizeof *r->label);
    r->reasons = calloc(n, sizeof *r->reasons);
    r->label_len = calloc(n, sizeof *r->label_len);
}

static void results_free(results *r)
{
    free(r->ok);
    free(r->ok_m);
    free(r->err);
    free(r->score_m);
    free(r->per);
    free(r->score);
    free(r->doubled);
    free(r->label);
    free(r->reasons);
    free(r->label_len);
}

static forge_status eval_cols(forge_session *s, const cols *c, size_t from, size_t n, results *r)
{
    forge_column in[5];
    cols_inputs(c, in);
    for (int k = 0; k < 5; k++) { /* rows [from, from + n) */
        if (in[k].s)
            in[k].s += from;
        if (in[k].i)
            in[k].i += from;
        if (in[k].n)
            in[k].n += from;
        if (in[k].b)
            in[k].b += from;
        if (in[k].missing)
            in[k].missing += from;
    }
    forge_out_column out[6];
    memset(out, 0, sizeof out);
    out[OUT_OK].b = r->ok + from;
    out[OUT_OK].missing = r->ok_m + from;
    out[OUT_PER].n = r->per + from;
    out[OUT_DOUBLED].i = r->doubled + from;
    out[OUT_LABEL].s = r->label + from;
    out[OUT_LABEL].len = r->label_len + from;
    out[OUT_SCORE].n = r->score + from;
    out[OUT_SCORE].missing = r->score_m + from;
    out[OUT_REASONS].s = r->reasons + from;
    size_t ne = 0;
    forge_status st = forge_eval_columns(s, in, n, out, r->err + from, &ne);
    r->nerrors += ne;
    return st;
}

static void columns_on(forge_engine engine)
{
    forge_policy *p = compile_with(engine, NULL, NULL);
    assert_non_null(p);
    forge_session *s = NULL, *s1 = NULL;
    forge_row *row = NULL;
    assert_int_equal(forge_session_new(p, &s), FORGE_OK);
    assert_int_equal(forge_session_new(p, &s1), FORGE_OK);
    assert_int_equal(forge_row_new(p, &row), FORGE_OK);
    size_t n = 10000; /* more than one chunk (4096 rows) */
    cols c;
    cols_make(&c, n);
    results r;
    results_alloc(&r, n);
    assert_int_equal(forge_session_batch_error(s, 0, NULL), FORGE_EUSAGE);
    forge_status st = eval_cols(s, &c, 0, n, &r);
    assert_int_equal(st, FORGE_EROWS);
    size_t expect_errors = 0;
    for (size_t k = 0; k < n; k++) {
        /* each row against the same row evaluated as a record */
        forge_row_clear(row);
        forge_row_set_str(row, IN_ID, c.id[k], (size_t)-1);
        if (!c.amount_missing[k])
            forge_row_set_int(row, IN_AMOUNT, c.amount[k]);
        forge_row_set_num(row, IN_RATE, c.rate[k]);
        if (!c.score_missing[k])
            forge_row_set_num(row, IN_SCORE, c.score[k]);
        forge_row_set_bool(row, IN_MEMBER, c.member[k]);
        forge_status rs = forge_eval_row(s1, row);
        forge_row_error e1, e2;
        assert_int_equal(forge_session_row_error(s1, &e1), FORGE_OK);
        assert_int_equal(forge_session_batch_error(s, k, &e2), FORGE_OK);
        assert_int_equal(r.err[k], e1.kind);
        assert_int_equal(e2.kind, e1.kind);
        assert_string_equal(e2.message, e1.message);
        if (rs == FORGE_EROWS) {
            expect_errors++;
            assert_int_equal(r.ok_m[k], 1);
            assert_null(r.label[k]);
            continue;
        }
        assert_int_equal(rs, FORGE_OK);
        int b, miss;
        forge_session_output_bool(s1, OUT_OK, &b, NULL);
        assert_int_equal(r.ok[k], b);
        assert_int_equal(r.ok_m[k], 0);
        double d;
        forge_session_output_num(s1, OUT_PER, &d, NULL);
        assert_true(r.per[k] == d);
        int64_t i;
        forge_session_output_int(s1, OUT_DOUBLED, &i, NULL);
        assert_int_equal(r.doubled[k], i);
        const char *str;
        size_t len;
        forge_session_output_str(s1, OUT_LABEL, &str, &len, NULL);
        assert_string_equal(r.label[k], str);
        assert_int_equal(r.label_len[k], len);
        forge_session_output_num(s1, OUT_SCORE, &d, &miss);
        assert_int_equal(r.score_m[k], miss);
        assert_int_equal(r.score_m[k], c.score_missing[k]);
        forge_session_output_str(s1, OUT_REASONS, &str, NULL, NULL);
        assert_string_equal(r.reasons[k], str);
    }
    assert_int_equal(r.nerrors, expect_errors);
    assert_true(expect_errors > 100);
    forge_row_error e;
    assert_int_equal(forge_session_batch_error(s, 5, &e), FORGE_OK); /* rate 1 */
    assert_int_equal(e.kind, FORGE_ROW_DIV_ZERO);
    assert_int_equal(forge_session_batch_error(s, 7, &e), FORGE_OK); /* amount missing */
    assert_string_equal(e.message, "column amount: missing value");
    assert_int_equal(forge_session_batch_error(s, n, &e), FORGE_ENOTFOUND);
    /* after a batch, record reads are refused */
    forge_value v;
    assert_int_equal(forge_session_output(s, 0, &v), FORGE_EUSAGE);

    /* an int column feeding the num input; no outputs wanted */
    int64_t rates[3] = {2, 3, 1};
    forge_column in[5];
    cols_inputs(&c, in);
    in[IN_RATE].n = NULL;
    in[IN_RATE].i = rates;
    uint8_t err[3];
    size_t ne = 9;
    assert_int_equal(forge_eval_columns(s, in, 3, NULL, err, &ne), FORGE_EROWS);
    assert_int_equal(ne, 1); /* rate 1: division by zero */
    assert_int_equal(err[0], FORGE_ROW_OK);
    assert_int_equal(err[2], FORGE_ROW_DIV_ZERO);
    /* a column without its array */
    in[IN_MEMBER].b = NULL;
    assert_int_equal(forge_eval_columns(s, in, 3, NULL, NULL, NULL), FORGE_ETYPE);
    assert_string_equal(forge_session_errmsg(s), "input column 4 (member, bool) needs its b array");
    /* zero rows */
    cols_inputs(&c, in);
    assert_int_equal(forge_eval_columns(s, in, 0, NULL, NULL, &ne), FORGE_OK);
    assert_int_equal(ne, 0);

    results_free(&r);
    cols_free(&c);
    forge_row_free(row);
    forge_session_free(s);
    forge_session_free(s1);
    forge_policy_free(p);
}

static void test_columns(void **state)
{
    (void)state;
    for (int e = 0; e < nengines; e++)
        columns_on(engines[e]);
}

/* ---- CSV streams through callbacks ---- */
static const char CSV[] = "id,amount,Rate (%),score,member\n"
                          "A1,500,3,0.5,true\n"
                          "A2,2000,1,,false\n"
                          "A3,x,2,,true\n";

typedef struct mem_in {
    const char *data;
    size_t len, pos, chunk;
} mem_in;

static long long mem_read(void *ud, char *buf, size_t cap)
{
    mem_in *m = ud;
    size_t n = m->len - m->pos;
    if (n > cap)
        n = cap;
    if (n > m->chunk)
        n = m->chunk; /* small reads: records span calls */
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (long long)n;
}

static long long bad_read(void *ud, char *buf, size_t cap)
{
    (void)ud;
    (void)buf;
    (void)cap;
    return -1;
}

typedef struct mem_out {
    char buf[4096];
    size_t len;
} mem_out;

static int mem_write(void *ud, const char *data, size_t len)
{
    mem_out *m = ud;
    if (m->len + len >= sizeof m->buf)
        return -1;
    memcpy(m->buf + m->len, data, len);
    m->len += len;
    m->buf[m->len] = '\0';
    return 0;
}

static void test_streams(void **state)
{
    (void)state;
    for (int e = 0; e < nengines; e++) {
        forge_policy *p = compile_with(engines[e], NULL, NULL);
        forge_run_options opt;
        forge_run_options_init(&opt);
        opt.engine = engines[e];
        mem_in in = {CSV, strlen(CSV), 0, 7};
        mem_out out = {{0}, 0}, err = {{0}, 0};
        opt.read = mem_read;
        opt.read_ud = &in;
        opt.write_out = mem_write;
        opt.out_ud = &out;
        opt.write_err = mem_write;
        opt.err_ud = &err;
        forge_summary sum;
        assert_int_equal(forge_eval(p, &opt, &sum), FORGE_EROWS);
        assert_string_equal(out.buf, "id,ok,per,doubled,label,score,reasons\n"
                                     "A1,true,250,1000,A1:500,0.5,\n");
        assert_string_equal(err.buf, "<input>:3: error: key A2: loans.fp:12:27: division by zero\n"
                                     "<input>:4: error: key A3: column amount: bad int \"x\"\n");
        assert_int_equal(sum.rows_read, 3);
        assert_int_equal(sum.rows_evaluated, 1);

        /* the same from a FILE* alone, as jsonl, and a report */
        FILE *f = fmemopen((void *)CSV, strlen(CSV), "r");
        assert_non_null(f);
        forge_run_options_init(&opt);
        opt.engine = engines[e];
        opt.data_stream = f;
        opt.format = FORGE_FORMAT_JSONL;
        out.len = err.len = 0;
        out.buf[0] = err.buf[0] = '\0';
        opt.write_out = mem_write;
        opt.out_ud = &out;
        opt.write_err = mem_write;
        opt.err_ud = &err;
        assert_int_equal(forge_eval(p, &opt, &sum), FORGE_EROWS);
        fclose(f);
        assert_string_equal(out.buf, "{\"id\":\"A1\",\"ok\":true,\"per\":250,\"doubled\":1000,"
                                     "\"label\":\"A1:500\",\"score\":0.5,\"reasons\":\"\"}\n");
        assert_non_null(strstr(err.buf, "<stream>:3: error: key A2"));

        const char ok_csv[] = "id,amount,Rate (%),score,member\nA,1,3,,true\nB,2,3,1,true\n"
                              "C,4,2,,false\n";
        mem_in in2 = {ok_csv, strlen(ok_csv), 0, 4096};
        forge_run_options_init(&opt);
        opt.engine = engines[e];
        opt.read = mem_read;
        opt.read_ud = &in2;
        out.len = 0;
        out.buf[0] = '\0';
        opt.write_out = mem_write;
        opt.out_ud = &out;
        assert_int_equal(forge_report(p, &opt, &sum), FORGE_OK);
        assert_string_equal(out.buf, "member,n,total\nfalse,1,4\ntrue,2,3\n");

        /* a failing read callback is FORGE_EIO; no input at all FORGE_EUSAGE */
        opt.read = bad_read;
        assert_int_equal(forge_eval(p, &opt, &sum), FORGE_EIO);
        assert_non_null(strstr(sum.message, "the read callback failed"));
        opt.read = NULL;
        assert_int_equal(forge_eval(p, &opt, &sum), FORGE_EUSAGE);
        forge_policy_free(p);
    }
}

/* ---- misuse and NULLs ---- */
static void test_null_and_misuse(void **state)
{
    (void)state;
    forge_policy_free(NULL);
    forge_session_free(NULL);
    forge_row_free(NULL);
    forge_row_clear(NULL);
    forge_session *s = (forge_session *)1;
    forge_row *r = (forge_row *)1;
    assert_int_equal(forge_session_new(NULL, &s), FORGE_EUSAGE);
    assert_null(s);
    assert_int_equal(forge_row_new(NULL, &r), FORGE_EUSAGE);
    assert_null(r);
    assert_int_equal(forge_eval_row(NULL, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_eval_columns(NULL, NULL, 0, NULL, NULL, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_session_output(NULL, 0, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_session_output_int(NULL, 0, NULL, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_session_rule(NULL, 0, NULL, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_session_row_error(NULL, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_session_batch_error(NULL, 0, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_row_set_int(NULL, 0, 1), FORGE_EUSAGE);
    assert_int_equal(forge_row_set_str_by_name(NULL, "id", "x", 1), FORGE_EUSAGE);
    assert_int_equal(forge_policy_ninputs(NULL), 0);
    assert_int_equal(forge_policy_input(NULL, 0, NULL), FORGE_EUSAGE);
    assert_null(forge_policy_name(NULL));
    assert_string_equal(forge_session_errmsg(NULL), "");
    assert_string_equal(forge_row_errmsg(NULL), "");
    assert_string_equal(forge_status_text(FORGE_ENOTFOUND), "no such name or index");

    forge_policy *p = compile_with(FORGE_ENGINE_INTERP, NULL, NULL);
    assert_int_equal(forge_session_new(p, &s), FORGE_OK);
    assert_int_equal(forge_eval_row(s, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_eval_columns(s, NULL, 1, NULL, NULL, NULL), FORGE_EUSAGE);
    forge_session_free(s);
    forge_policy_free(p);

    /* a policy that does not compile */
    forge_policy *bad = (forge_policy *)1;
    assert_int_equal(forge_compile_string(NULL, "x.fp", "output = ", 9, &bad), FORGE_ECOMPILE);
    assert_null(bad);
    /* the JIT asked for in a build without it */
    if (!forge_jit_available()) {
        forge_status st;
        assert_null(compile_with(FORGE_ENGINE_JIT, NULL, &st));
        assert_int_equal(st, FORGE_EUSAGE);
    }
}

/* Compile, record, columns, stream, tests: everything the API allocates. */
static forge_status scenario(acct *a, forge_engine engine)
{
    forge_status st;
    forge_policy *p = compile_with(engine, a, &st);
    forge_session *s = NULL;
    forge_row *r = NULL;
    cols c;
    cols_make(&c, 300);
    results res;
    results_alloc(&res, 300);
    if (st != FORGE_OK)
        goto done;
    if ((st = forge_session_new(p, &s)) != FORGE_OK || (st = forge_row_new(p, &r)) != FORGE_OK)
        goto done;
    if ((st = forge_row_set_str(r, IN_ID, "some id long enough", (size_t)-1)) != FORGE_OK ||
        (st = forge_row_set_int(r, IN_AMOUNT, 2000)) != FORGE_OK ||
        (st = forge_row_set_num(r, IN_RATE, 3)) != FORGE_OK ||
        (st = forge_row_set_bool(r, IN_MEMBER, 1)) != FORGE_OK)
        goto done;
    if ((st = forge_eval_row(s, r)) != FORGE_OK)
        goto done;
    const char *str;
    if ((st = forge_session_output_str(s, OUT_REASONS, &str, NULL, NULL)) != FORGE_OK)
        goto done;
    assert_string_equal(str, "amount 2000 too big; no score");
    st = eval_cols(s, &c, 0, c.n, &res);
    if (st != FORGE_EROWS)
        goto done;
    forge_row_error e;
    if ((st = forge_session_batch_error(s, 5, &e)) != FORGE_OK)
        goto done;
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = FORGE_ENGINE_INTERP;
    mem_in in = {CSV, strlen(CSV), 0, 4096};
    mem_out out = {{0}, 0};
    opt.read = mem_read;
    opt.read_ud = &in;
    opt.write_out = mem_write;
    opt.out_ud = &out;
    forge_summary sum;
    st = forge_eval(p, &opt, &sum);
    if (st != FORGE_EROWS)
        goto done;
    unsigned passed = 0, failed = 0;
    st = forge_run_tests(p, FORGE_ENGINE_INTERP, NULL, NULL, &passed, &failed);
done:
    forge_row_free(r);
    forge_session_free(s);
    forge_policy_free(p);
    results_free(&res);
    cols_free(&c);
    return st;
}

static void test_alloc_accounting(void **state)
{
    (void)state;
    acct a = {0, 0, 0, 0};
    assert_int_equal(scenario(&a, FORGE_ENGINE_INTERP), FORGE_OK);
    assert_int_equal(a.live, 0);
}

/* Fails the k-th allocation for every k: FORGE_ENOMEM, never a crash, and
 * every byte freed. */
static void test_alloc_failing(void **state)
{
    (void)state;
    acct count = {0, 0, 1LL << 60, 0};
    assert_int_equal(scenario(&count, FORGE_ENGINE_INTERP), FORGE_OK);
    long long total = count.calls;
    assert_true(total > 50);
    long long nomem = 0;
    for (long long k = 1; k <= total; k++) {
        acct a = {0, 0, k, 0};
        forge_status st = scenario(&a, FORGE_ENGINE_INTERP);
        /* FORGE_OK only where the library has a fallback that needs less
         * memory (the vectorized interpreter's columns: the row
         * interpreter takes over); the scenario checked the results. */
        if (st != FORGE_ENOMEM && st != FORGE_OK)
            fail_msg("allocation %lld of %lld failed: status %d (%s)", k, total, (int)st,
                     forge_status_text(st));
        nomem += st == FORGE_ENOMEM;
        assert_int_equal(a.live, 0);
    }
    assert_true(nomem > total * 3 / 4);
}

/* ---- threads: one policy, one session per thread ---- */
#define NTHREADS 8
#define THREAD_ROWS 20000

typedef struct job {
    const forge_policy *p;
    const cols *c;
    results *r;
    size_t from, n;
    forge_status st;
    size_t nerrors; /* this thread's count: summed after join, not shared */
} job;

static void *thread_main(void *ud)
{
    job *j = ud;
    forge_session *s = NULL;
    j->st = forge_session_new(j->p, &s);
    results mine = *j->r; /* the same arrays (disjoint slices), a private count */
    mine.nerrors = 0;
    if (j->st == FORGE_OK)
        j->st = eval_cols(s, j->c, j->from, j->n, &mine);
    j->nerrors = mine.nerrors;
    /* strings point into the session: compare before freeing it */
    for (size_t k = j->from; j->st == FORGE_EROWS && k < j->from + j->n; k++)
        if (j->r->label[k])
            j->r->label[k] = strdup(j->r->label[k]);
    forge_session_free(s);
    return NULL;
}

static void threads_on(forge_engine engine)
{
    forge_policy *p = compile_with(engine, NULL, NULL);
    assert_non_null(p);
    cols c;
    cols_make(&c, THREAD_ROWS);
    results one, many;
    results_alloc(&one, THREAD_ROWS);
    results_alloc(&many, THREAD_ROWS);
    forge_session *s = NULL;
    assert_int_equal(forge_session_new(p, &s), FORGE_OK);
    assert_int_equal(eval_cols(s, &c, 0, THREAD_ROWS, &one), FORGE_EROWS);

    pthread_t th[NTHREADS];
    job jobs[NTHREADS];
    size_t per = THREAD_ROWS / NTHREADS;
    for (int t = 0; t < NTHREADS; t++) {
        jobs[t] = (job){p, &c, &many, (size_t)t * per, per, FORGE_OK, 0};
        assert_int_equal(pthread_create(&th[t], NULL, thread_main, &jobs[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(jobs[t].st, FORGE_EROWS);
    }
    for (int t = 0; t < NTHREADS; t++) /* after every join: threads read `many` */
        many.nerrors += jobs[t].nerrors;
    for (size_t k = 0; k < THREAD_ROWS; k++) {
        assert_int_equal(one.err[k], many.err[k]);
        assert_int_equal(one.ok[k], many.ok[k]);
        assert_true(one.per[k] == many.per[k]);
        assert_int_equal(one.doubled[k], many.doubled[k]);
        assert_int_equal(one.score_m[k], many.score_m[k]);
        if (one.label[k])
            assert_string_equal(one.label[k], many.label[k]);
        else
            assert_null(many.label[k]);
        free((void *)many.label[k]);
    }
    assert_int_equal(one.nerrors, many.nerrors);
    forge_session_free(s);
    results_free(&one);
    results_free(&many);
    cols_free(&c);
    forge_policy_free(p);
}

static void test_threads(void **state)
{
    (void)state;
    for (int e = 0; e < nengines; e++)
        threads_on(engines[e]);
}

int main(void)
{
    find_engines();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_introspection),   cmocka_unit_test(test_rows),
        cmocka_unit_test(test_columns),         cmocka_unit_test(test_streams),
        cmocka_unit_test(test_null_and_misuse), cmocka_unit_test(test_alloc_accounting),
        cmocka_unit_test(test_alloc_failing),   cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
