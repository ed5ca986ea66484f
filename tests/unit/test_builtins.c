/* test_builtins.c — every built-in of stdlib/builtins.c through
 * fg_builtin_table, with the SPEC's examples verbatim and the edge cases
 * (ranges, overflow, non-finite results, UTF-8). */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <string.h>

#include "base/fg_base.h"
#include "runtime/format.h"
#include "stdlib/builtins.h"

static fg_arena scratch;

static int setup(void **state)
{
    (void)state;
    fg_arena_init(&scratch, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fg_arena_free(&scratch);
    return 0;
}

static fg_value I(int64_t i)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.i = i;
    return v;
}

static fg_value N(double n)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.n = n;
    return v;
}

static fg_value B(bool b)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.b = b;
    return v;
}

static fg_value S(const char *s)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.s.ptr = s;
    v.s.len = (uint32_t)strlen(s);
    return v;
}

static fg_rowerr_kind call(fg_builtin id, fg_value *out, uint32_t n, fg_value a0, fg_value a1,
                           fg_value a2, fg_value a3)
{
    fg_value args[4] = {a0, a1, a2, a3};
    memset(out, 0, sizeof *out);
    return fg_builtin_table[id].fn(&scratch, args, n, out);
}

static fg_value Z(void)
{
    return I(0);
}

static double num1(fg_builtin id, double x)
{
    fg_value out;
    assert_int_equal(call(id, &out, 1, N(x), Z(), Z(), Z()), FG_RE_NONE);
    return out.n;
}

static double round2(double x, int64_t d)
{
    fg_value out;
    assert_int_equal(call(FG_B_ROUND_DIGITS, &out, 2, N(x), I(d), Z(), Z()), FG_RE_NONE);
    return out.n;
}

static void assert_str(fg_value v, const char *want)
{
    assert_int_equal(v.s.len, strlen(want));
    assert_memory_equal(v.s.ptr, want, v.s.len);
}

/* The table is built from the X-macro list: names, arities, variant order. */
static void test_table(void **state)
{
    (void)state;
    assert_string_equal(fg_builtin_table[FG_B_MIN_INT].name, "min");
    assert_int_equal(fg_builtin_table[FG_B_MIN_INT].arity, -2);
    assert_int_equal(fg_builtin_table[FG_B_ROUND_DIGITS].params[1], FG_T_INT);
    assert_int_equal(fg_builtin_table[FG_B_CLAMP_INT].params[2], FG_T_INT);
    assert_int_equal(fg_builtin_table[FG_B_CLAMP_NUM].params[2], FG_T_NUM);
    assert_int_equal(fg_builtin_table[FG_B_STR_BOOL].result, FG_T_STR);
    for (int i = 0; i < FG_B_COUNT; i++) {
        assert_non_null(fg_builtin_table[i].fn);
        assert_non_null(fg_builtin_table[i].doc);
    }
}

static void test_min_max(void **state)
{
    (void)state;
    fg_value out;
    assert_int_equal(call(FG_B_MIN_INT, &out, 3, I(5), I(-3), I(7), Z()), FG_RE_NONE);
    assert_int_equal(out.i, -3);
    assert_int_equal(call(FG_B_MAX_INT, &out, 4, I(5), I(-3), I(INT64_MAX), I(0)), FG_RE_NONE);
    assert_int_equal(out.i, INT64_MAX);
    assert_int_equal(call(FG_B_MIN_INT, &out, 2, I(INT64_MIN), I(0), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, INT64_MIN);
    /* min(2, 1.5) is checked as the NUM variant with the int widened */
    assert_int_equal(call(FG_B_MIN_NUM, &out, 2, N(2), N(1.5), Z(), Z()), FG_RE_NONE);
    assert_true(out.n == 1.5);
    assert_int_equal(call(FG_B_MAX_NUM, &out, 3, N(2), N(1.5), N(-1e300), Z()), FG_RE_NONE);
    assert_true(out.n == 2.0);
}

static void test_abs(void **state)
{
    (void)state;
    fg_value out;
    assert_int_equal(call(FG_B_ABS_INT, &out, 1, I(-42), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 42);
    assert_int_equal(call(FG_B_ABS_INT, &out, 1, I(INT64_MAX), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, INT64_MAX);
    assert_int_equal(call(FG_B_ABS_INT, &out, 1, I(-INT64_MAX), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, INT64_MAX);
    assert_int_equal(call(FG_B_ABS_INT, &out, 1, I(INT64_MIN), Z(), Z(), Z()), FG_RE_INT_OVERFLOW);
    assert_true(num1(FG_B_ABS_NUM, -2.5) == 2.5);
    assert_false(signbit(num1(FG_B_ABS_NUM, -0.0)));
}

/* The shortcut of round/round_digits gives the bits the definition
 * (fg_round_text) gives, on values near rounding ties, with few and many
 * decimals, both signs, d from -20 to 20. */
static void test_round_shortcut_matches_text(void **state)
{
    (void)state;
    static const double scale[] = {1, 10, 100, 1000, 1e4, 1e6, 1e9, 1e-3, 1e-6};
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 400000; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double x = (double)(s >> 24) / scale[(s >> 4) % 9];
        if (i % 3 == 0) /* a tie: ...5 at some decimal */
            x = ((double)((s >> 30) * 10 + 5)) / scale[(s >> 8) % 9];
        if (i % 5 == 0)
            x = nextafter(x, (s & 1) ? INFINITY : -INFINITY);
        if (s & 2)
            x = -x;
        int64_t d = (int64_t)((s >> 12) % 41) - 20;
        fg_value out;
        double want;
        fg_rowerr_kind kw = fg_round_text(x, d, &want);
        fg_rowerr_kind kg = call(FG_B_ROUND_DIGITS, &out, 2, N(x), I(d), Z(), Z());
        assert_int_equal(kg, kw);
        if (memcmp(&out.n, &want, sizeof want) != 0)
            fail_msg("round(%.17g, %lld) = %.17g, text gives %.17g", x, (long long)d, out.n, want);
    }
}

static void test_round(void **state)
{
    (void)state;
    /* SPEC examples */
    assert_true(round2(2.675, 2) == 2.68);
    assert_true(round2(0.145, 2) == 0.15);
    assert_true(round2(1250, -2) == 1300);
    assert_true(num1(FG_B_ROUND, -2.5) == -3);
    /* half away from zero, both signs */
    assert_true(num1(FG_B_ROUND, 2.5) == 3);
    assert_true(num1(FG_B_ROUND, 0.5) == 1);
    assert_true(num1(FG_B_ROUND, -0.5) == -1);
    assert_true(num1(FG_B_ROUND, 2.4999) == 2);
    assert_true(num1(FG_B_ROUND, 1e21) == 1e21);
    assert_true(round2(-2.675, 2) == -2.68);
    assert_true(round2(1.005, 2) == 1.01);
    assert_true(round2(-1250, -2) == -1300);
    assert_true(round2(1249, -2) == 1200);
    assert_true(round2(950, -3) == 1000);
    assert_true(round2(449, -3) == 0);
    assert_true(round2(9.995, 2) == 10);
    assert_true(round2(99.5, 0) == 100);
    assert_true(round2(0.00145, 4) == 0.0015);
    assert_true(round2(1.5e-7, 7) == 2e-7);
    assert_true(round2(1.5e-7, 6) == 0);
    assert_true(round2(0.1 + 0.2, 15) == 0.3);
    assert_true(round2(0.30000000000000004, 17) == 0.30000000000000004);
    /* no negative zero from rounding a small negative number */
    assert_false(signbit(num1(FG_B_ROUND, -0.4)));
    assert_true(num1(FG_B_ROUND, 0) == 0);
    /* a huge d leaves x unchanged, a very negative d gives 0 */
    assert_true(round2(3.14159, INT64_MAX) == 3.14159);
    assert_true(round2(3.14159, 400) == 3.14159);
    assert_true(round2(3.14159, INT64_MIN) == 0);
    assert_true(round2(1e300, -300) == 1e300);
    assert_true(round2(5e300, -301) == 1e301);
    /* rounding up past the largest double is not finite */
    fg_value out;
    assert_int_equal(call(FG_B_ROUND_DIGITS, &out, 2, N(1.7976931348623157e308), I(-308), Z(), Z()),
                     FG_RE_NOT_FINITE);
}

static void test_floor_ceil_clamp(void **state)
{
    (void)state;
    fg_value out;
    assert_true(num1(FG_B_FLOOR, -1.5) == -2);
    assert_true(num1(FG_B_FLOOR, 1.5) == 1);
    assert_true(num1(FG_B_CEIL, -1.5) == -1);
    assert_true(num1(FG_B_CEIL, 1.2) == 2);
    assert_int_equal(call(FG_B_CLAMP_INT, &out, 3, I(15), I(0), I(10), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 10);
    assert_int_equal(call(FG_B_CLAMP_INT, &out, 3, I(-5), I(0), I(10), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 0);
    assert_int_equal(call(FG_B_CLAMP_INT, &out, 3, I(5), I(0), I(10), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 5);
    /* lo > hi: min(max(x, lo), hi) gives hi */
    assert_int_equal(call(FG_B_CLAMP_INT, &out, 3, I(5), I(10), I(0), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 0);
    assert_int_equal(call(FG_B_CLAMP_NUM, &out, 3, N(0.5), N(1), N(2), Z()), FG_RE_NONE);
    assert_true(out.n == 1);
    assert_int_equal(call(FG_B_CLAMP_NUM, &out, 3, N(0.5), N(2), N(1), Z()), FG_RE_NONE);
    assert_true(out.n == 1);
}

static void test_math(void **state)
{
    (void)state;
    fg_value out;
    assert_true(num1(FG_B_SQRT, 16) == 4);
    assert_true(num1(FG_B_SQRT, 0) == 0);
    assert_int_equal(call(FG_B_SQRT, &out, 1, N(-1), Z(), Z(), Z()), FG_RE_NOT_FINITE);
    assert_true(num1(FG_B_LOG, 1) == 0);
    assert_int_equal(call(FG_B_LOG, &out, 1, N(0), Z(), Z(), Z()), FG_RE_NOT_FINITE);
    assert_int_equal(call(FG_B_LOG, &out, 1, N(-1), Z(), Z(), Z()), FG_RE_NOT_FINITE);
    assert_true(num1(FG_B_EXP, 0) == 1);
    assert_int_equal(call(FG_B_EXP, &out, 1, N(1000), Z(), Z(), Z()), FG_RE_NOT_FINITE);
    assert_true(num1(FG_B_EXP, -1000) == 0);
    assert_int_equal(call(FG_B_POW, &out, 2, N(2), N(10), Z(), Z()), FG_RE_NONE);
    assert_true(out.n == 1024);
    assert_int_equal(call(FG_B_POW, &out, 2, N(0), N(-1), Z(), Z()), FG_RE_NOT_FINITE);
    assert_int_equal(call(FG_B_POW, &out, 2, N(-8), N(1.0 / 3), Z(), Z()), FG_RE_NOT_FINITE);
    assert_int_equal(call(FG_B_POW, &out, 2, N(10), N(400), Z(), Z()), FG_RE_NOT_FINITE);
}

static void test_mod(void **state)
{
    (void)state;
    fg_value out;
    assert_int_equal(call(FG_B_MOD_INT, &out, 2, I(-7), I(3), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 2);
    assert_int_equal(call(FG_B_MOD_INT, &out, 2, I(7), I(-3), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, -2);
    assert_int_equal(call(FG_B_MOD_INT, &out, 2, I(-7), I(-3), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, -1);
    assert_int_equal(call(FG_B_MOD_INT, &out, 2, I(7), I(3), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 1);
    assert_int_equal(call(FG_B_MOD_INT, &out, 2, I(-6), I(3), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 0);
    assert_int_equal(call(FG_B_MOD_INT, &out, 2, I(INT64_MIN), I(-1), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 0);
    assert_int_equal(call(FG_B_MOD_INT, &out, 2, I(INT64_MIN), I(INT64_MAX), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, INT64_MAX - 1);
    assert_int_equal(call(FG_B_MOD_INT, &out, 2, I(5), I(0), Z(), Z()), FG_RE_DIV_ZERO);
    assert_int_equal(call(FG_B_MOD_NUM, &out, 2, N(-7), N(3), Z(), Z()), FG_RE_NONE);
    assert_true(out.n == 2);
    assert_int_equal(call(FG_B_MOD_NUM, &out, 2, N(5.5), N(-2), Z(), Z()), FG_RE_NONE);
    assert_true(out.n == -0.5);
    assert_int_equal(call(FG_B_MOD_NUM, &out, 2, N(-1.5), N(1), Z(), Z()), FG_RE_NONE);
    assert_true(out.n == 0.5);
    assert_int_equal(call(FG_B_MOD_NUM, &out, 2, N(1), N(0), Z(), Z()), FG_RE_DIV_ZERO);
    assert_int_equal(call(FG_B_MOD_NUM, &out, 2, N(1), N(-0.0), Z(), Z()), FG_RE_DIV_ZERO);
}

static void test_int_num(void **state)
{
    (void)state;
    fg_value out;
    assert_int_equal(call(FG_B_INT_OF, &out, 1, N(2.9), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 2);
    assert_int_equal(call(FG_B_INT_OF, &out, 1, N(-2.9), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, -2);
    /* the range edges: -2^63 is in, 2^63 is out */
    assert_int_equal(call(FG_B_INT_OF, &out, 1, N(-9223372036854775808.0), Z(), Z(), Z()),
                     FG_RE_NONE);
    assert_int_equal(out.i, INT64_MIN);
    assert_int_equal(call(FG_B_INT_OF, &out, 1, N(9223372036854774784.0), Z(), Z(), Z()),
                     FG_RE_NONE);
    assert_int_equal(out.i, INT64_C(9223372036854774784));
    assert_int_equal(call(FG_B_INT_OF, &out, 1, N(9223372036854775808.0), Z(), Z(), Z()),
                     FG_RE_INT_RANGE);
    assert_int_equal(call(FG_B_INT_OF, &out, 1, N(-9223372036854777856.0), Z(), Z(), Z()),
                     FG_RE_INT_RANGE);
    assert_int_equal(call(FG_B_INT_OF, &out, 1, N(1e300), Z(), Z(), Z()), FG_RE_INT_RANGE);
    assert_true(num1(FG_B_NUM_OF, 3) == 3);
}

static void test_strings(void **state)
{
    (void)state;
    fg_value out;
    assert_int_equal(call(FG_B_LEN, &out, 1, S("abc"), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 3);
    assert_int_equal(call(FG_B_LEN, &out, 1, S(""), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 0);
    /* "Zürich" (ü is 2 bytes), "北京" (3 bytes each), an emoji (4 bytes) */
    assert_int_equal(call(FG_B_LEN, &out, 1, S("Z\xC3\xBCrich"), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 6);
    assert_int_equal(call(FG_B_LEN, &out, 1, S("\xE5\x8C\x97\xE4\xBA\xAC"), Z(), Z(), Z()),
                     FG_RE_NONE);
    assert_int_equal(out.i, 2);
    assert_int_equal(call(FG_B_LEN, &out, 1, S("\xF0\x9F\x98\x80!"), Z(), Z(), Z()), FG_RE_NONE);
    assert_int_equal(out.i, 2);

    assert_int_equal(call(FG_B_LOWER, &out, 1, S("AbC-\xC3\x9C"), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "abc-\xC3\x9C"); /* Ü unchanged */
    assert_int_equal(call(FG_B_UPPER, &out, 1, S("abz\xC3\xBC"), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "ABZ\xC3\xBC"); /* ü unchanged */
    assert_int_equal(call(FG_B_UPPER, &out, 1, S(""), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "");

    assert_int_equal(call(FG_B_TRIM, &out, 1, S(" \t a b \r\n"), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "a b");
    assert_int_equal(call(FG_B_TRIM, &out, 1, S(" \t "), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "");
    /* a non-ASCII space (U+00A0) is kept */
    assert_int_equal(call(FG_B_TRIM, &out, 1, S("\xC2\xA0x"), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "\xC2\xA0x");

    assert_int_equal(call(FG_B_CONTAINS, &out, 2, S("forging"), S("gin"), Z(), Z()), FG_RE_NONE);
    assert_true(out.b);
    assert_int_equal(call(FG_B_CONTAINS, &out, 2, S("forging"), S("Gin"), Z(), Z()), FG_RE_NONE);
    assert_false(out.b);
    assert_int_equal(call(FG_B_CONTAINS, &out, 2, S("ab"), S("abc"), Z(), Z()), FG_RE_NONE);
    assert_false(out.b);
    assert_int_equal(call(FG_B_CONTAINS, &out, 2, S(""), S(""), Z(), Z()), FG_RE_NONE);
    assert_true(out.b);
    assert_int_equal(call(FG_B_STARTS_WITH, &out, 2, S("forging"), S("for"), Z(), Z()), FG_RE_NONE);
    assert_true(out.b);
    assert_int_equal(call(FG_B_STARTS_WITH, &out, 2, S("fo"), S("for"), Z(), Z()), FG_RE_NONE);
    assert_false(out.b);
    assert_int_equal(call(FG_B_ENDS_WITH, &out, 2, S("forging"), S("ing"), Z(), Z()), FG_RE_NONE);
    assert_true(out.b);
    assert_int_equal(call(FG_B_ENDS_WITH, &out, 2, S("forging"), S(""), Z(), Z()), FG_RE_NONE);
    assert_true(out.b);
    assert_int_equal(call(FG_B_ENDS_WITH, &out, 2, S("forging"), S("forge"), Z(), Z()), FG_RE_NONE);
    assert_false(out.b);

    assert_int_equal(call(FG_B_CONCAT, &out, 3, S("a"), S(""), S("bc"), Z()), FG_RE_NONE);
    assert_str(out, "abc");
    assert_int_equal(call(FG_B_CONCAT, &out, 2, S(""), S(""), Z(), Z()), FG_RE_NONE);
    assert_str(out, "");
}

static void test_str(void **state)
{
    (void)state;
    fg_value out;
    assert_int_equal(call(FG_B_STR_INT, &out, 1, I(INT64_MIN), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "-9223372036854775808");
    assert_int_equal(call(FG_B_STR_NUM, &out, 1, N(100000), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "100000");
    assert_int_equal(call(FG_B_STR_NUM, &out, 1, N(0.1 + 0.2), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "0.30000000000000004");
    assert_int_equal(call(FG_B_STR_NUM, &out, 1, N(1e21), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "1e+21");
    assert_int_equal(call(FG_B_STR_NUM, &out, 1, N(1.5e-7), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "1.5e-7");
    assert_int_equal(call(FG_B_STR_NUM, &out, 1, N(-0.0), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "0");
    assert_int_equal(call(FG_B_STR_BOOL, &out, 1, B(true), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "true");
    assert_int_equal(call(FG_B_STR_BOOL, &out, 1, B(false), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "false");
    assert_int_equal(call(FG_B_STR_STR, &out, 1, S("x\"y"), Z(), Z(), Z()), FG_RE_NONE);
    assert_str(out, "x\"y");
}

/* A failing allocator makes the string builders report FG_RE_OOM. */
static void *fail_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    (void)ptr;
    (void)size;
    return NULL;
}

static void test_oom(void **state)
{
    (void)state;
    fg_allocator bad = {fail_realloc, NULL};
    fg_arena ar;
    fg_arena_init(&ar, &bad);
    fg_value args[2] = {S("a"), S("b")}, out;
    assert_int_equal(fg_builtin_table[FG_B_CONCAT].fn(&ar, args, 2, &out), FG_RE_OOM);
    assert_int_equal(fg_builtin_table[FG_B_UPPER].fn(&ar, args, 1, &out), FG_RE_OOM);
    fg_arena_free(&ar);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_round_shortcut_matches_text),
        cmocka_unit_test(test_abs),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_floor_ceil_clamp),
        cmocka_unit_test(test_math),
        cmocka_unit_test(test_mod),
        cmocka_unit_test(test_int_num),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_str),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
