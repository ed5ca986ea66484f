/* test_report.c — report aggregation: exact num sums (fsum semantics),
 * independence from row order and merging, 128-bit int sums and their
 * overflow, group ordering, emptiness rules and the written table. Programs,
 * batches and results are built by hand in an arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/report.h"

/* ---- building programs and batches by hand ---- */

static fg_value VI(int64_t i)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.i = i;
    return v;
}
static fg_value VN(double n)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.n = n;
    return v;
}
static fg_value VB(bool b)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.b = b;
    return v;
}
static fg_value VS(const char *s)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.s.ptr = s;
    v.s.len = (uint32_t)strlen(s);
    return v;
}
static fg_value VM(void)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.missing = true;
    return v;
}

static const char *const LABELS[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
static const char *const BYNAMES[] = {"region", "size", "b2"};

/* A program with one report: by slots 0..nby-1, then one slot per
 * aggregate column (count() gets no slot). */
static fg_program *mk_prog(uint32_t nby, const fg_type *by_types, uint32_t ncols,
                           const fg_agg *aggs, const fg_type *arg_types)
{
    fg_program *p = calloc(1, sizeof *p);
    assert_non_null(p);
    fg_arena_init(&p->arena, NULL);
    p->nslots = nby + ncols;
    p->slots = fg_arena_zalloc(&p->arena, (p->nslots + 1) * sizeof *p->slots);
    p->nreports = 1;
    p->reports = fg_arena_zalloc(&p->arena, sizeof *p->reports);
    fg_report *r = p->reports;
    r->nby = nby;
    r->by_names = (const char **)BYNAMES;
    r->by_slots = fg_arena_zalloc(&p->arena, (nby + 1) * sizeof *r->by_slots);
    r->by_types = fg_arena_zalloc(&p->arena, (nby + 1) * sizeof *r->by_types);
    r->ncols = ncols;
    r->cols = fg_arena_zalloc(&p->arena, (ncols + 1) * sizeof *r->cols);
    for (uint32_t k = 0; k < nby; k++) {
        r->by_slots[k] = k;
        r->by_types[k] = by_types[k];
        p->slots[k].kind = FG_SLOT_REPORT;
        p->slots[k].type = by_types[k];
    }
    for (uint32_t c = 0; c < ncols; c++) {
        r->cols[c].label = LABELS[c];
        r->cols[c].agg = aggs[c];
        r->cols[c].arg_type = arg_types[c];
        r->cols[c].slot = aggs[c] == FG_AGG_COUNT ? -1 : (int32_t)(nby + c);
        p->slots[nby + c].kind = FG_SLOT_REPORT;
        p->slots[nby + c].type = arg_types[c];
    }
    return p;
}

static void free_prog(fg_program *p)
{
    fg_arena_free(&p->arena);
    free(p);
}

/* Adds nrows rows; vals is [row][slot] (nslots per row); errs (may be
 * NULL) marks rows in error. */
static bool add_rows(fg_report_acc *acc, const fg_program *p, uint32_t nrows, const fg_value *vals,
                     const bool *errs)
{
    fg_batch b;
    fg_results res;
    memset(&b, 0, sizeof b);
    memset(&res, 0, sizeof res);
    uint32_t cap = nrows + 3; /* cap != nrows on purpose */
    b.nrows = nrows;
    b.cap = cap;
    b.err = calloc(cap, sizeof *b.err);
    res.cap = cap;
    res.nslots = p->nslots;
    res.vals = calloc((size_t)cap * (p->nslots + 1), sizeof *res.vals);
    assert_non_null(b.err);
    assert_non_null(res.vals);
    for (uint32_t r = 0; r < nrows; r++) {
        if (errs && errs[r])
            b.err[r].kind = FG_RE_DIV_ZERO;
        for (uint32_t s = 0; s < p->nslots; s++)
            res.vals[(size_t)s * cap + r] = vals[(size_t)r * p->nslots + s];
    }
    bool ok = fg_report_acc_add(acc, &b, &res);
    free(b.err);
    free(res.vals);
    return ok;
}

static const fg_value *cell(const fg_report_table *t, uint32_t row, uint32_t col)
{
    assert_true(row < t->nrows);
    assert_true(col < t->ncols);
    return &t->cells[(size_t)row * t->ncols + col];
}

static double xsum_of(const double *v, size_t n)
{
    fg_xsum x;
    fg_xsum_init(&x);
    for (size_t i = 0; i < n; i++)
        fg_xsum_add(&x, v[i]);
    bool ovf;
    double r = fg_xsum_round(&x, &ovf);
    assert_false(ovf);
    return r;
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- exact num sums ---- */

static void test_fsum_cancellation(void **state)
{
    (void)state;
    double v[] = {1e100, 1.0, -1e100};
    assert_true(same_bits(xsum_of(v, 3), 1.0));
    double w[] = {DBL_MAX, DBL_MAX, -DBL_MAX}; /* no intermediate overflow */
    assert_true(same_bits(xsum_of(w, 3), DBL_MAX));
    double sub[] = {4.9406564584124654e-324, 4.9406564584124654e-324};
    assert_true(same_bits(xsum_of(sub, 2), 9.8813129168249309e-324));
    double neg[] = {-1e100, -1.0, 1e100};
    assert_true(same_bits(xsum_of(neg, 3), -1.0));
    double zero[] = {1.5, -1.5};
    assert_true(same_bits(xsum_of(zero, 2), 0.0));
    assert_true(same_bits(xsum_of(NULL, 0), 0.0));
}

static void test_fsum_rounding(void **state)
{
    (void)state;
    double tenths[100000];
    for (size_t i = 0; i < 100000; i++)
        tenths[i] = 0.1;
    /* math.fsum([0.1] * n): the exact sum rounded once */
    assert_true(same_bits(xsum_of(tenths, 10), 1.0));
    assert_true(same_bits(xsum_of(tenths, 1000), 100.0));
    assert_true(same_bits(xsum_of(tenths, 100000), 10000.0));
    double pt[] = {0.1, 0.2};
    assert_true(same_bits(xsum_of(pt, 2), 0.30000000000000004));
    /* ties to even, and a sticky bit far below breaking the tie */
    double tie[] = {1.0, ldexp(1.0, -53)};
    assert_true(same_bits(xsum_of(tie, 2), 1.0));
    double tie2[] = {1.0, ldexp(1.0, -53), ldexp(1.0, -1074)};
    assert_true(same_bits(xsum_of(tie2, 3), 1.0 + ldexp(1.0, -52)));
    double tie3[] = {1.0 + ldexp(1.0, -52), ldexp(1.0, -53)};
    assert_true(same_bits(xsum_of(tie3, 2), 1.0 + ldexp(1.0, -51)));
    double big[] = {1e308, 1e308};
    fg_xsum x;
    fg_xsum_init(&x);
    fg_xsum_add(&x, big[0]);
    fg_xsum_add(&x, big[1]);
    bool ovf;
    fg_xsum_round(&x, &ovf);
    assert_true(ovf);
}

/* A deterministic generator (no global state). */
static uint64_t lcg(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *s >> 11;
}

static double wild(uint64_t *s)
{
    double m = (double)(lcg(s) % 1000000) / 997.0;
    int e = (int)(lcg(s) % 80) - 40;
    double v = ldexp(m, e);
    return lcg(s) & 1 ? -v : v;
}

static bool table_equal(const fg_report_table *a, const fg_report_table *b)
{
    if (a->nrows != b->nrows || a->ncols != b->ncols)
        return false;
    for (size_t i = 0; i < (size_t)a->nrows * a->ncols; i++) {
        const fg_value *x = &a->cells[i], *y = &b->cells[i];
        if (x->missing != y->missing)
            return false;
        if (x->missing)
            continue;
        fg_type t = a->types[i % a->ncols];
        if (fg_type_base(t) == FG_T_NUM && !same_bits(x->n, y->n))
            return false;
        if (fg_type_base(t) == FG_T_INT && x->i != y->i)
            return false;
        if (fg_type_base(t) == FG_T_BOOL && x->b != y->b)
            return false;
    }
    return true;
}

static void test_order_and_merge_independence(void **state)
{
    (void)state;
    fg_type by[] = {FG_T_BOOL};
    fg_agg aggs[] = {FG_AGG_COUNT, FG_AGG_SUM, FG_AGG_AVG, FG_AGG_MIN, FG_AGG_MAX, FG_AGG_SUM};
    fg_type args[] = {0, FG_T_NUM, FG_T_NUM, FG_T_NUM, FG_T_NUM, FG_T_INT};
    fg_program *p = mk_prog(1, by, 6, aggs, args);
    enum { N = 3000 };
    fg_value *rows = calloc((size_t)N * p->nslots, sizeof *rows);
    assert_non_null(rows);
    uint64_t seed = 42;
    for (uint32_t r = 0; r < N; r++) {
        fg_value *row = &rows[(size_t)r * p->nslots];
        row[0] = VB(lcg(&seed) & 1);
        double v = wild(&seed);
        row[1] = VM();
        for (uint32_t c = 2; c <= 5; c++)
            row[c] = VN(v);
        /* int sums that leave the 64-bit range on the way */
        row[6] = VI(lcg(&seed) % 2 ? INT64_MAX - (int64_t)r : INT64_MIN + (int64_t)r);
    }
    fg_report_acc *one = fg_report_acc_new(NULL, p, 0);
    assert_non_null(one);
    assert_true(add_rows(one, p, N, rows, NULL));
    fg_report_table t1;
    assert_true(fg_report_acc_table(one, &t1));
    assert_int_equal(t1.nrows, 2);

    /* shuffle, then split into three accumulators merged in another order */
    for (uint32_t r = N - 1; r > 0; r--) {
        uint32_t j = (uint32_t)(lcg(&seed) % (r + 1));
        for (uint32_t s = 0; s < p->nslots; s++) {
            fg_value t = rows[(size_t)r * p->nslots + s];
            rows[(size_t)r * p->nslots + s] = rows[(size_t)j * p->nslots + s];
            rows[(size_t)j * p->nslots + s] = t;
        }
    }
    fg_report_acc *parts[3];
    uint32_t cut[] = {0, 700, 2100, N};
    for (int i = 0; i < 3; i++) {
        parts[i] = fg_report_acc_new(NULL, p, 0);
        assert_non_null(parts[i]);
        assert_true(
            add_rows(parts[i], p, cut[i + 1] - cut[i], &rows[(size_t)cut[i] * p->nslots], NULL));
    }
    assert_true(fg_report_acc_merge(parts[2], parts[0]));
    assert_true(fg_report_acc_merge(parts[2], parts[1]));
    fg_report_table t2;
    assert_true(fg_report_acc_table(parts[2], &t2));
    assert_true(table_equal(&t1, &t2));
    assert_int_equal(t1.noverflows, t2.noverflows);

    fg_report_table_free(&t1);
    fg_report_table_free(&t2);
    fg_report_acc_free(one);
    for (int i = 0; i < 3; i++)
        fg_report_acc_free(parts[i]);
    free(rows);
    free_prog(p);
}

/* ---- int sums ---- */

static void test_int_sum_overflow(void **state)
{
    (void)state;
    fg_type by[] = {FG_T_STR};
    fg_agg aggs[] = {FG_AGG_SUM, FG_AGG_AVG};
    fg_type args[] = {FG_T_INT, FG_T_INT};
    fg_program *p = mk_prog(1, by, 2, aggs, args);
    fg_value rows[] = {
        VS("east"),     VI(INT64_MAX), VI(INT64_MAX), /* east: over the top, stays over */
        VS("east"),     VI(1),         VI(1),         VS("mid"),     VI(INT64_MAX),
        VI(INT64_MAX), /* mid: overflows midway, ends in range */
        VS("mid"),      VI(INT64_MAX), VI(INT64_MAX), VS("mid"),     VI(-INT64_MAX),
        VI(-INT64_MAX), VS("low"),     VI(INT64_MIN), VI(INT64_MIN), /* low: down to INT64_MIN
                                                                        exactly */
        VS("low"),      VI(-1),        VI(-1),        VS("low"),     VI(1),
        VI(1),          VS("neg"),     VI(INT64_MIN), VI(INT64_MIN), /* neg: one below the range */
        VS("neg"),      VI(-1),        VI(-1),
    };
    fg_report_acc *acc = fg_report_acc_new(NULL, p, 0);
    assert_non_null(acc);
    assert_true(add_rows(acc, p, 10, rows, NULL));
    fg_report_table t;
    assert_true(fg_report_acc_table(acc, &t));
    assert_int_equal(t.nrows, 4);
    assert_int_equal(t.types[1], FG_T_INT | FG_T_OPT);
    assert_int_equal(t.types[2], FG_T_NUM | FG_T_OPT);
    /* east */
    assert_memory_equal(cell(&t, 0, 0)->s.ptr, "east", 4);
    assert_true(cell(&t, 0, 1)->missing);
    assert_true(same_bits(cell(&t, 0, 2)->n, ldexp(1.0, 62)));
    /* low */
    assert_false(cell(&t, 1, 1)->missing);
    assert_true(cell(&t, 1, 1)->i == INT64_MIN);
    /* mid */
    assert_false(cell(&t, 2, 1)->missing);
    assert_true(cell(&t, 2, 1)->i == INT64_MAX);
    assert_true(same_bits(cell(&t, 2, 2)->n, 9223372036854775807.0 / 3));
    /* neg */
    assert_true(cell(&t, 3, 1)->missing);
    assert_int_equal(t.noverflows, 2);
    assert_int_equal(t.overflows[0].row, 0);
    assert_int_equal(t.overflows[0].col, 0);
    assert_int_equal(t.overflows[1].row, 3);
    fg_strbuf sb;
    fg_strbuf_init(&sb, NULL);
    fg_report_overflow_text(p, &t, &t.overflows[0], &sb);
    assert_string_equal(sb.data,
                        "report by region: column c0, group region = \"east\": sum outside "
                        "the 64-bit int range, cell left empty");
    fg_strbuf_free(&sb);
    fg_report_table_free(&t);
    fg_report_acc_free(acc);
    free_prog(p);
}

static void test_int_avg_rounding(void **state)
{
    (void)state;
    fg_agg aggs[] = {FG_AGG_AVG, FG_AGG_AVG};
    fg_type args[] = {FG_T_INT, FG_T_INT};
    fg_program *p = mk_prog(0, NULL, 2, aggs, args);
    /* 2^53 + 1 rounds to 2^53 (tie to even), 2^53 + 3 to 2^53 + 4 */
    fg_value rows[] = {VI(9007199254740993), VI(9007199254740995)};
    fg_report_acc *acc = fg_report_acc_new(NULL, p, 0);
    assert_true(add_rows(acc, p, 1, rows, NULL));
    fg_report_table t;
    assert_true(fg_report_acc_table(acc, &t));
    assert_true(same_bits(cell(&t, 0, 0)->n, 9007199254740992.0));
    assert_true(same_bits(cell(&t, 0, 1)->n, 9007199254740996.0));
    fg_report_table_free(&t);
    fg_report_acc_free(acc);
    free_prog(p);
}

/* ---- num overflow ---- */

static void test_num_sum_overflow(void **state)
{
    (void)state;
    fg_agg aggs[] = {FG_AGG_SUM, FG_AGG_AVG};
    fg_type args[] = {FG_T_NUM, FG_T_NUM};
    fg_program *p = mk_prog(0, NULL, 2, aggs, args);
    fg_value rows[] = {VN(1.7e308), VN(1.7e308), VN(1.7e308), VN(1.7e308)};
    fg_report_acc *acc = fg_report_acc_new(NULL, p, 0);
    assert_true(add_rows(acc, p, 2, rows, NULL));
    fg_report_table t;
    assert_true(fg_report_acc_table(acc, &t));
    assert_true(cell(&t, 0, 0)->missing);
    assert_true(same_bits(cell(&t, 0, 1)->n, 1.7e308));
    assert_int_equal(t.noverflows, 1);
    fg_strbuf sb;
    fg_strbuf_init(&sb, NULL);
    fg_report_overflow_text(p, &t, &t.overflows[0], &sb);
    assert_string_equal(sb.data, "report: column c0: sum beyond the num range, cell left empty");
    fg_strbuf_free(&sb);
    fg_report_table_free(&t);
    fg_report_acc_free(acc);
    free_prog(p);
}

/* ---- groups ---- */

static void test_group_order(void **state)
{
    (void)state;
    fg_type by[] = {FG_T_BOOL | FG_T_OPT, FG_T_NUM};
    fg_agg aggs[] = {FG_AGG_COUNT};
    fg_type args[] = {0};
    fg_program *p = mk_prog(2, by, 1, aggs, args);
    fg_value rows[] = {
        VB(true),  VN(10),  VM(), VB(false), VN(9),   VM(), VM(),      VN(2.5),  VM(),
        VB(true),  VN(-1),  VM(), VB(true),  VN(9),   VM(), VB(false), VN(-0.0), VM(),
        VB(false), VN(0.0), VM(), VM(),      VN(2.5), VM(), VB(true),  VN(10),   VM(),
    };
    fg_report_acc *acc = fg_report_acc_new(NULL, p, 0);
    assert_true(add_rows(acc, p, 9, rows, NULL));
    fg_report_table t;
    assert_true(fg_report_acc_table(acc, &t));
    /* missing first, false before true, numbers numerically; -0 and 0 one group */
    assert_int_equal(t.nrows, 6);
    assert_true(cell(&t, 0, 0)->missing);
    assert_true(cell(&t, 0, 1)->n == 2.5);
    assert_int_equal(cell(&t, 0, 2)->i, 2);
    assert_false(cell(&t, 1, 0)->b);
    assert_true(cell(&t, 1, 1)->n == 0);
    assert_false(signbit(cell(&t, 1, 1)->n));
    assert_int_equal(cell(&t, 1, 2)->i, 2);
    assert_false(cell(&t, 2, 0)->b);
    assert_true(cell(&t, 2, 1)->n == 9);
    assert_true(cell(&t, 3, 0)->b);
    assert_true(cell(&t, 3, 1)->n == -1);
    assert_true(cell(&t, 4, 1)->n == 9);
    assert_true(cell(&t, 5, 1)->n == 10);
    assert_int_equal(cell(&t, 5, 2)->i, 2);
    assert_string_equal(t.names[0], "region");
    assert_string_equal(t.names[2], "c0");
    fg_report_table_free(&t);
    fg_report_acc_free(acc);
    free_prog(p);
}

static void test_group_strings_and_ints(void **state)
{
    (void)state;
    fg_type by[] = {FG_T_STR | FG_T_OPT, FG_T_INT};
    fg_agg aggs[] = {FG_AGG_COUNT};
    fg_type args[] = {0};
    fg_program *p = mk_prog(2, by, 1, aggs, args);
    char buf[8][4]; /* strings copied by the accumulator: overwritten below */
    const char *names[] = {"b", "a", "B", "ab", "", "a", "b", "a"};
    int64_t nums[] = {1, 20, 1, 1, 1, 3, 1, -5};
    fg_value rows[8 * 3];
    for (int i = 0; i < 8; i++) {
        strcpy(buf[i], names[i]);
        rows[i * 3] = VS(buf[i]);
        rows[i * 3 + 1] = VI(nums[i]);
        rows[i * 3 + 2] = VM();
    }
    rows[4 * 3] = VM(); /* a missing string sorts before "" */
    fg_report_acc *acc = fg_report_acc_new(NULL, p, 0);
    assert_true(add_rows(acc, p, 8, rows, NULL));
    memset(buf, 'x', sizeof buf);
    fg_report_table t;
    assert_true(fg_report_acc_table(acc, &t));
    fg_report_acc_free(acc); /* the table owns its strings */
    const char *want_s[] = {NULL, "B", "a", "a", "a", "ab", "b"};
    int64_t want_i[] = {1, 1, -5, 3, 20, 1, 1};
    int64_t want_n[] = {1, 1, 1, 1, 1, 1, 2};
    assert_int_equal(t.nrows, 7);
    for (uint32_t r = 0; r < 7; r++) {
        if (!want_s[r]) {
            assert_true(cell(&t, r, 0)->missing);
        } else {
            assert_int_equal(cell(&t, r, 0)->s.len, strlen(want_s[r]));
            assert_memory_equal(cell(&t, r, 0)->s.ptr, want_s[r], strlen(want_s[r]));
        }
        assert_int_equal(cell(&t, r, 1)->i, want_i[r]);
        assert_int_equal(cell(&t, r, 2)->i, want_n[r]);
    }
    fg_report_table_free(&t);
    free_prog(p);
}

/* ---- emptiness ---- */

static fg_agg ALL_AGGS[] = {FG_AGG_COUNT, FG_AGG_COUNT_IF, FG_AGG_SUM, FG_AGG_SUM,
                            FG_AGG_AVG,   FG_AGG_MIN,      FG_AGG_MAX, FG_AGG_SHARE};
static fg_type ALL_ARGS[] = {0,
                             FG_T_BOOL | FG_T_OPT,
                             FG_T_INT | FG_T_OPT,
                             FG_T_NUM | FG_T_OPT,
                             FG_T_NUM | FG_T_OPT,
                             FG_T_INT | FG_T_OPT,
                             FG_T_STR | FG_T_OPT,
                             FG_T_BOOL};

static void test_no_rows(void **state)
{
    (void)state;
    fg_program *p = mk_prog(0, NULL, 8, ALL_AGGS, ALL_ARGS);
    fg_report_acc *acc = fg_report_acc_new(NULL, p, 0);
    assert_non_null(acc);
    fg_report_table t;
    assert_true(fg_report_acc_table(acc, &t));
    assert_int_equal(t.nrows, 1);
    assert_int_equal(t.ncols, 8);
    assert_int_equal(cell(&t, 0, 0)->i, 0);
    assert_int_equal(cell(&t, 0, 1)->i, 0);
    assert_false(cell(&t, 0, 2)->missing);
    assert_int_equal(cell(&t, 0, 2)->i, 0);
    assert_false(cell(&t, 0, 3)->missing);
    assert_true(same_bits(cell(&t, 0, 3)->n, 0.0));
    for (uint32_t c = 4; c < 8; c++)
        assert_true(cell(&t, 0, c)->missing);
    assert_int_equal(t.types[0], FG_T_INT);
    assert_int_equal(t.types[2], FG_T_INT | FG_T_OPT);
    assert_int_equal(t.types[3], FG_T_NUM | FG_T_OPT);
    assert_int_equal(t.types[5], FG_T_INT | FG_T_OPT);
    assert_int_equal(t.types[6], FG_T_STR | FG_T_OPT);
    assert_int_equal(t.types[7], FG_T_NUM | FG_T_OPT);
    fg_report_table_free(&t);
    fg_report_acc_free(acc);

    /* with `by` and no rows there is no group at all */
    fg_type by[] = {FG_T_STR};
    fg_program *q = mk_prog(1, by, 8, ALL_AGGS, ALL_ARGS);
    acc = fg_report_acc_new(NULL, q, 0);
    assert_true(add_rows(acc, q, 0, NULL, NULL));
    assert_true(fg_report_acc_table(acc, &t));
    assert_int_equal(t.nrows, 0);
    assert_int_equal(t.ncols, 9);
    fg_report_table_free(&t);
    fg_report_acc_free(acc);
    free_prog(q);
    free_prog(p);
}

static void test_missing_values_and_errors(void **state)
{
    (void)state;
    fg_program *p = mk_prog(0, NULL, 8, ALL_AGGS, ALL_ARGS);
    /* slots: -, count_if, sum int, sum num, avg num, min int, max str, share */
    fg_value rows[] = {
        VM(), VB(true),  VM(),   VM(),     VM(),   VM(),    VM(),        VB(true),
        VM(), VM(),      VI(5),  VN(0.5),  VN(1),  VI(7),   VS("pear"),  VB(false),
        VM(), VB(false), VI(-2), VN(0.25), VM(),   VI(-3),  VS("apple"), VB(true),
        VM(), VB(true),  VI(99), VN(99),   VN(99), VI(-99), VS("zzz"),   VB(true), /* error */
        VM(), VB(true),  VM(),   VM(),     VN(2),  VI(7),   VS("fig"),   VB(false),
    };
    bool errs[] = {false, false, false, true, false};
    fg_report_acc *acc = fg_report_acc_new(NULL, p, 0);
    assert_true(add_rows(acc, p, 5, rows, errs));
    fg_report_table t;
    assert_true(fg_report_acc_table(acc, &t));
    assert_int_equal(cell(&t, 0, 0)->i, 4);          /* rows */
    assert_int_equal(cell(&t, 0, 1)->i, 2);          /* cond present and true */
    assert_int_equal(cell(&t, 0, 2)->i, 3);          /* int sum */
    assert_true(same_bits(cell(&t, 0, 3)->n, 0.75)); /* num sum */
    assert_true(same_bits(cell(&t, 0, 4)->n, 1.5));  /* avg over present values */
    assert_int_equal(cell(&t, 0, 5)->i, -3);         /* min keeps int */
    assert_int_equal(cell(&t, 0, 6)->s.len, 4);      /* max of strings byte-wise */
    assert_memory_equal(cell(&t, 0, 6)->s.ptr, "pear", 4);
    assert_true(same_bits(cell(&t, 0, 7)->n, 0.5)); /* share: 2 of 4 rows */
    fg_report_table_free(&t);

    /* rows but no present value: sum 0, avg/min/max empty, share defined */
    fg_value none[] = {VM(), VM(), VM(), VM(), VM(), VM(), VM(), VB(false)};
    fg_report_acc *acc2 = fg_report_acc_new(NULL, p, 0);
    assert_true(add_rows(acc2, p, 1, none, NULL));
    assert_true(fg_report_acc_table(acc2, &t));
    assert_int_equal(cell(&t, 0, 0)->i, 1);
    assert_int_equal(cell(&t, 0, 1)->i, 0);
    assert_int_equal(cell(&t, 0, 2)->i, 0);
    assert_true(same_bits(cell(&t, 0, 3)->n, 0.0));
    assert_true(cell(&t, 0, 4)->missing);
    assert_true(cell(&t, 0, 5)->missing);
    assert_true(cell(&t, 0, 6)->missing);
    assert_false(cell(&t, 0, 7)->missing);
    assert_true(same_bits(cell(&t, 0, 7)->n, 0.0));
    fg_report_table_free(&t);

    /* merging keeps min/max and counts */
    assert_true(fg_report_acc_merge(acc2, acc));
    assert_true(fg_report_acc_table(acc2, &t));
    assert_int_equal(cell(&t, 0, 0)->i, 5);
    assert_int_equal(cell(&t, 0, 5)->i, -3);
    assert_memory_equal(cell(&t, 0, 6)->s.ptr, "pear", 4);
    assert_true(same_bits(cell(&t, 0, 7)->n, 0.4));
    fg_report_table_free(&t);
    fg_report_acc_free(acc2);
    fg_report_acc_free(acc);
    free_prog(p);
}

static void test_min_max_signed_zero(void **state)
{
    (void)state;
    fg_agg aggs[] = {FG_AGG_MIN, FG_AGG_MAX};
    fg_type args[] = {FG_T_NUM, FG_T_NUM};
    fg_program *p = mk_prog(0, NULL, 2, aggs, args);
    fg_value a[] = {VN(0.0), VN(0.0), VN(-0.0), VN(-0.0)};
    fg_value b[] = {VN(-0.0), VN(-0.0), VN(0.0), VN(0.0)};
    fg_report_acc *x = fg_report_acc_new(NULL, p, 0);
    fg_report_acc *y = fg_report_acc_new(NULL, p, 0);
    assert_true(add_rows(x, p, 2, a, NULL));
    assert_true(add_rows(y, p, 2, b, NULL));
    fg_report_table tx, ty;
    assert_true(fg_report_acc_table(x, &tx));
    assert_true(fg_report_acc_table(y, &ty));
    assert_true(table_equal(&tx, &ty));
    assert_true(signbit(cell(&tx, 0, 0)->n));
    assert_false(signbit(cell(&tx, 0, 1)->n));
    fg_report_table_free(&tx);
    fg_report_table_free(&ty);
    fg_report_acc_free(x);
    fg_report_acc_free(y);
    free_prog(p);
}

/* ---- writing ---- */

static bool sb_write(void *ud, const char *data, size_t len)
{
    fg_strbuf_add(ud, data, len);
    return true;
}

static void test_write_csv(void **state)
{
    (void)state;
    fg_type by[] = {FG_T_STR};
    fg_agg aggs[] = {FG_AGG_COUNT, FG_AGG_SUM, FG_AGG_AVG, FG_AGG_SHARE};
    fg_type args[] = {0, FG_T_NUM, FG_T_INT, FG_T_BOOL};
    fg_program *p = mk_prog(1, by, 4, aggs, args);
    fg_value rows[] = {
        VS("west"), VM(),      VN(5),      VI(3), VB(true), VS("east"), VM(),     VN(0.1),
        VI(1),      VB(false), VS("east"), VM(),  VN(0.2),  VI(2),      VB(true),
    };
    fg_report_acc *acc = fg_report_acc_new(NULL, p, 0);
    assert_true(add_rows(acc, p, 3, rows, NULL));
    fg_report_table t;
    assert_true(fg_report_acc_table(acc, &t));
    fg_strbuf sb;
    fg_strbuf_init(&sb, NULL);
    fg_byte_sink sink = {sb_write, &sb};
    assert_true(fg_report_table_write(&t, FG_FMT_CSV, sink));
    assert_string_equal(sb.data, "region,c0,c1,c2,c3\n"
                                 "east,2,0.30000000000000004,1.5,0.5\n"
                                 "west,1,5,3,1\n");
    fg_strbuf_free(&sb);
    fg_report_table_free(&t);
    fg_report_acc_free(acc);
    free_prog(p);
}

/* ---- out of memory ---- */

typedef struct fail_alloc {
    int left;
} fail_alloc;

static void *failing_realloc(void *ud, void *ptr, size_t size)
{
    fail_alloc *f = ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (f->left-- <= 0)
        return NULL;
    return realloc(ptr, size);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    fg_type by[] = {FG_T_STR};
    fg_agg aggs[] = {FG_AGG_SUM, FG_AGG_MAX};
    fg_type args[] = {FG_T_NUM, FG_T_STR};
    fg_program *p = mk_prog(1, by, 2, aggs, args);
    enum { N = 200 };
    static char names[N][8];
    fg_value rows[N * 3];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "g%d", i % 90);
        rows[i * 3] = VS(names[i]);
        rows[i * 3 + 1] = VN(i * 0.5);
        rows[i * 3 + 2] = VS(names[i]);
    }
    bool done = false;
    for (int limit = 0; !done && limit < 10000; limit++) {
        fail_alloc f = {limit};
        fg_allocator a = {failing_realloc, &f};
        fg_report_acc *acc = fg_report_acc_new(&a, p, 0);
        if (!acc)
            continue;
        fg_report_table t;
        if (add_rows(acc, p, N, rows, NULL) && fg_report_acc_table(acc, &t)) {
            assert_int_equal(t.nrows, 90);
            fg_report_table_free(&t);
            done = true;
        }
        fg_report_acc_free(acc);
    }
    assert_true(done);
    free_prog(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fsum_cancellation),
        cmocka_unit_test(test_fsum_rounding),
        cmocka_unit_test(test_order_and_merge_independence),
        cmocka_unit_test(test_int_sum_overflow),
        cmocka_unit_test(test_int_avg_rounding),
        cmocka_unit_test(test_num_sum_overflow),
        cmocka_unit_test(test_group_order),
        cmocka_unit_test(test_group_strings_and_ints),
        cmocka_unit_test(test_no_rows),
        cmocka_unit_test(test_missing_values_and_errors),
        cmocka_unit_test(test_min_max_signed_zero),
        cmocka_unit_test(test_write_csv),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
