/* test_faults.c — faults through the public API: a writer that fails after
 * N bytes (disk full, closed pipe) ends forge_eval with FORGE_EIO and a
 * message, for every N; and an allocator that fails at the k-th allocation,
 * for every k up to the total of compile + eval of a small policy, gives
 * FORGE_ENOMEM (or the normal result when the failed allocation was not
 * needed) with no crash and nothing leaked (live bytes back to 0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <forge.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define POLICY FORGE_TEST_DATA "/cli/policy.fp"
#define DATA FORGE_TEST_DATA "/cli/data.csv"

typedef struct failing_writer {
    size_t budget, written;
    int calls_after_fail;
} failing_writer;

static int fail_write(void *ud, const char *data, size_t len)
{
    (void)data;
    failing_writer *w = ud;
    if (w->written + len > w->budget) {
        w->calls_after_fail++;
        return -1;
    }
    w->written += len;
    return 0;
}

static int null_write(void *ud, const char *data, size_t len)
{
    (void)ud;
    (void)data;
    (void)len;
    return 0;
}

static forge_status eval_with(const forge_policy *p, forge_write_fn out, void *out_ud,
                              forge_write_fn err, void *err_ud, forge_summary *sum)
{
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = FORGE_ENGINE_INTERP;
    opt.data_path = DATA;
    opt.write_out = out;
    opt.out_ud = out_ud;
    opt.write_err = err;
    opt.err_ud = err_ud;
    return forge_eval(p, &opt, sum);
}

static void output_write_fails_after_n_bytes(void **state)
{
    (void)state;
    forge_policy *p = NULL;
    assert_int_equal(forge_compile_file(NULL, POLICY, &p), FORGE_OK);
    forge_summary sum;
    /* The whole output is 41 bytes (header + 3 rows); any budget below
     * that must fail the run. */
    failing_writer all = {SIZE_MAX, 0, 0};
    assert_int_equal(eval_with(p, fail_write, &all, null_write, NULL, &sum), FORGE_EROWS);
    assert_true(all.written > 0);
    for (size_t n = 0; n < all.written; n++) {
        failing_writer w = {n, 0, 0};
        forge_status st = eval_with(p, fail_write, &w, null_write, NULL, &sum);
        assert_int_equal(st, FORGE_EIO);
        assert_true(sum.message[0] != '\0');
        assert_true(w.calls_after_fail >= 1);
    }
    forge_policy_free(p);
}

static void error_write_fails(void **state)
{
    (void)state;
    forge_policy *p = NULL;
    assert_int_equal(forge_compile_file(NULL, POLICY, &p), FORGE_OK);
    forge_summary sum;
    failing_writer w = {0, 0, 0};
    /* data.csv has one row in error: its line cannot be written. */
    forge_status st = eval_with(p, null_write, NULL, fail_write, &w, &sum);
    assert_int_equal(st, FORGE_EIO);
    assert_true(sum.message[0] != '\0');
    forge_policy_free(p);
}

/* ---- the failing allocator ---- */

typedef struct oom_alloc {
    long fail_at; /* the allocation (1-based) that fails; 0: none */
    long count;
    size_t live;
} oom_alloc;

static void *oom_realloc(void *ud, void *ptr, size_t size)
{
    oom_alloc *a = ud;
    char *base = ptr ? (char *)ptr - 16 : NULL;
    size_t old = 0;
    if (base)
        memcpy(&old, base, sizeof old);
    if (size == 0) {
        free(base);
        a->live -= old;
        return NULL;
    }
    if (++a->count == a->fail_at)
        return NULL;
    char *nb = realloc(base, size + 16);
    if (!nb)
        return NULL;
    memcpy(nb, &size, sizeof size);
    a->live = a->live - old + size;
    return nb + 16;
}

/* The rows a run wrote (a fixed buffer: the test data is small). */
typedef struct captured {
    char data[1 << 16];
    size_t len;
} captured;

static int capture_write(void *ud, const char *data, size_t len)
{
    captured *c = ud;
    if (c->len + len > sizeof c->data)
        return -1;
    memcpy(c->data + c->len, data, len);
    c->len += len;
    return 0;
}

static forge_status compile_and_eval(oom_alloc *a, captured *out)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.realloc_fn = oom_realloc;
    cfg.alloc_ud = a;
    forge_policy *p = NULL;
    forge_status st = forge_compile_file(&cfg, POLICY, &p);
    if (st != FORGE_OK) {
        assert_null(p);
        return st;
    }
    forge_summary sum;
    out->len = 0;
    st = eval_with(p, capture_write, out, null_write, NULL, &sum);
    if (st == FORGE_ENOMEM)
        assert_true(sum.message[0] != '\0');
    forge_policy_free(p);
    return st;
}

static void oom_at_every_allocation(void **state)
{
    (void)state;
    oom_alloc clean = {0, 0, 0};
    static captured want, got;
    assert_int_equal(compile_and_eval(&clean, &want), FORGE_EROWS);
    assert_int_equal(clean.live, 0);
    long total = clean.count;
    assert_true(total > 10);
    long enomem = 0;
    for (long k = 1; k <= total; k++) {
        oom_alloc a = {k, 0, 0};
        forge_status st = compile_and_eval(&a, &got);
        if (st != FORGE_ENOMEM && st != FORGE_EROWS)
            fail_msg("allocation %ld of %ld failed: status %d, want FORGE_ENOMEM", k, total, st);
        if (a.live != 0)
            fail_msg("allocation %ld of %ld failed: %zu bytes leaked", k, total, a.live);
        if (st == FORGE_ENOMEM) {
            enomem++;
            continue;
        }
        /* A few allocations are optional (the vectorized interpreter's
         * scratch pool falls back to the row interpreter): a run that
         * finished despite the failure must have written exactly the same. */
        if (got.len != want.len || memcmp(got.data, want.data, want.len) != 0)
            fail_msg("allocation %ld of %ld failed: the run finished with other output", k, total);
    }
    print_message("%ld of %ld failed allocations reported as FORGE_ENOMEM\n", enomem, total);
    assert_true(enomem > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_write_fails_after_n_bytes),
        cmocka_unit_test(error_write_fails),
        cmocka_unit_test(oom_at_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
