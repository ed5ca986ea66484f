/* test_numfast.c — the fast number conversions (runtime/numfmt.c, Schubfach;
 * runtime/numparse.c, Clinger / Eisel-Lemire / big-integer slow path)
 * against references: the previous bisection formatter built on the C
 * library's printf and strtod (tests/unit/numfast_oracle.h) and strtod.
 * Edge values: every power of two and ten, their neighbours, subnormals,
 * DBL_MIN / DBL_MAX, halfway points between doubles (exact ties and the
 * texts just below and above), long digit strings; then a few thousand
 * random values (tests/unit/numfast_stress.c runs hundreds of millions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "numfast_oracle.h"
#include "runtime/format.h"

/* Midpoints between doubles need a wider long double (x86 80-bit, quad). */
#define HAVE_WIDE_LDBL (LDBL_MANT_DIG >= 55)

/* fg_fmt_num(d) equals the reference text; prints the first few misses. */
static size_t fmt_misses(double d, size_t bad)
{
    char got[FG_NUM_BUF], want[32];
    size_t n = fg_fmt_num(d, got);
    ref_fmt_num(d, want);
    if (n == strlen(got) && strcmp(got, want) == 0)
        return bad;
    if (bad < 10)
        print_error("fmt %016llx (%.17g): got %s, want %s\n", (unsigned long long)ref_to_bits(d), d,
                    got, want);
    return bad + 1;
}

/* fg_parse_num(t) agrees with strtod (validity and bits). */
static size_t parse_misses(const char *t, size_t bad)
{
    double got = 0, want = 0;
    bool gok = fg_parse_num(t, strlen(t), &got);
    bool wok = ref_parse_num(t, &want);
    if (gok == wok && (!gok || ref_to_bits(got) == ref_to_bits(want)))
        return bad;
    if (bad < 10)
        print_error("parse %.80s: got %d %a, want %d %a\n", t, gok, got, wok, want);
    return bad + 1;
}

/* d, its neighbours and their negatives through the formatter. */
static size_t fmt_around(double d, size_t bad)
{
    double v[3] = {nextafter(d, 0), d, nextafter(d, INFINITY)};
    for (int i = 0; i < 3; i++) {
        if (!isfinite(v[i]))
            continue;
        bad = fmt_misses(v[i], bad);
        bad = fmt_misses(-v[i], bad);
    }
    return bad;
}

static void test_fmt_powers(void **state)
{
    (void)state;
    size_t bad = 0;
    for (int p = -1074; p <= 1023; p++)
        bad = fmt_around(ldexp(1.0, p), bad);
    for (int p = -323; p <= 308; p++) {
        char t[16];
        snprintf(t, sizeof t, "1e%d", p);
        bad = fmt_around(strtod(t, NULL), bad);
        snprintf(t, sizeof t, "5e%d", p);
        bad = fmt_around(strtod(t, NULL), bad);
    }
    /* Integers around 2^53 and the 1e21 switch to exponent form. */
    for (int64_t x = 9007199254740900; x < 9007199254741100; x++)
        bad = fmt_misses((double)x, bad);
    bad = fmt_around(1e21, bad);
    bad = fmt_around(1e-7, bad);
    bad = fmt_around(1e-6, bad);
    assert_int_equal(bad, 0);
}

static void test_fmt_subnormal_extremes(void **state)
{
    (void)state;
    size_t bad = 0;
    for (uint64_t b = 1; b <= 3000; b++)
        bad = fmt_misses(ref_from_bits(b), bad);
    for (uint64_t b = 0x000fffffffffffffu - 1000; b <= 0x0010000000000000u + 1000; b++)
        bad = fmt_misses(ref_from_bits(b), bad);
    for (uint64_t b = 0x7fefffffffffffffu - 1000; b <= 0x7fefffffffffffffu; b++)
        bad = fmt_misses(ref_from_bits(b), bad);
    bad = fmt_around(DBL_MIN, bad);
    bad = fmt_around(DBL_MAX, bad);
    bad = fmt_around(DBL_EPSILON, bad);
    assert_int_equal(bad, 0);

    char buf[FG_NUM_BUF];
    fg_fmt_num(DBL_MAX, buf);
    assert_string_equal(buf, "1.7976931348623157e+308");
    fg_fmt_num(-5e-324, buf);
    assert_string_equal(buf, "-5e-324");
    fg_fmt_num(1e-322, buf); /* Java would write 9.9E-323; the shortest is 1 digit */
    assert_string_equal(buf, "1e-322");
    fg_fmt_num(1e23, buf);
    assert_string_equal(buf, "1e+23");
    fg_fmt_num(9007199254740993.0 * 2, buf);
    assert_string_equal(buf, "18014398509481984");
}

static void test_fmt_random(void **state)
{
    (void)state;
    uint64_t s = 0x243F6A8885A308D3u;
    size_t bad = 0;
    for (int i = 0; i < 30000; i++)
        bad = fmt_misses(ref_rand_double(&s), bad);
    assert_int_equal(bad, 0);
}

/* Whole numbers take a shortcut in fg_fmt_num: every integer to 100,000,
 * powers of ten and their neighbours, values near 2^53, random ones. */
static void test_fmt_whole_numbers(void **state)
{
    (void)state;
    size_t bad = 0;
    for (int i = 0; i <= 100000; i++) {
        bad = fmt_misses((double)i, bad);
        bad = fmt_misses(-(double)i, bad);
    }
    double p = 1;
    for (int k = 0; k <= 22; k++, p *= 10) {
        bad = fmt_misses(p, bad);
        bad = fmt_misses(p - 1, bad);
        bad = fmt_misses(p + 1, bad);
    }
    for (int d = -3; d <= 3; d++)
        bad = fmt_misses(9007199254740992.0 + d, bad);
    uint64_t s = 0x13198A2E03707344u;
    for (int i = 0; i < 30000; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        bad = fmt_misses((double)(s >> (11 + i % 40)), bad);
    }
    assert_int_equal(bad, 0);
}

static void test_parse_edges(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "9007199254740993",
        "9007199254740993.0000000000000000000000000001",
        "9007199254740992.9999999999999999999999999999",
        "9007199254740995",
        "9007199254740994.5",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072013e-308",
        "2.2250738585072014e-308",
        "2.225073858507201136057409796709131975934819546351645648e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2."
        "470328229206232720882843964341106861825299013071623822127928412503377536351043759326499181"
        "8"
        "081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290"
        "858"
        "392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903"
        "706"
        "311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499"
        "977"
        "096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537"
        "458"
        "516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912"
        "623"
        "653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189"
        "313"
        "690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327"
        "667"
        "236328125e-324",
        "1e23",
        "9.999999999999999e22",
        "1.0000000000000001e23",
        "8.98846567431158e307",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017"
        "977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273"
        "854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704"
        "342711559699508093042880177904174497792",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017"
        "977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273"
        "854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704"
        "342711559699508093042880177904174497791.9999999999999999999999",
        "0.1",
        "0.2",
        "0.3",
        "0.30000000000000004",
        "7.038531e-26",
        "3.4e38",
        "123456.78",
        "5136.0",
        "1448997445238699",
        "0.000000000000000000000000000000000000000000001e300",
        "100000000000000000000000000000000000000000000000000000000000000000000000000000e-78",
        "1234567890123456789",
        "12345678901234567890",
        "123456789012345678901234567890e-10",
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.1000000000000000055511151231257827021181583404541015624",
        "0.1000000000000000055511151231257827021181583404541015626",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "7.3177701707893310e+15",
        "-0.0",
        "-1e-400",
        "0e999999999999",
        "1e-99999999999",
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        bad = parse_misses(texts[i], bad);
    assert_int_equal(bad, 0);

    double d = 0;
    assert_true(fg_parse_num("9007199254740993", 16, &d) && d == 9007199254740992.0);
    assert_true(fg_parse_num("2.2250738585072011e-308", 23, &d) &&
                ref_to_bits(d) == 0x000fffffffffffffu);
    assert_true(fg_parse_num("1e23", 4, &d) && d == 1e23);
    assert_false(fg_parse_num("1.7976931348623159e308", 22, &d));
    assert_true(fg_parse_num("-1e-400", 7, &d) && d == 0 && signbit(d));
}

/* More than 800 significant digits: the slow path keeps 800 and a sticky digit. */
static void test_parse_very_long(void **state)
{
    (void)state;
    if (!HAVE_WIDE_LDBL)
        skip();
    static char t[4000];
    double d = 0;
    /* 2^53 + 1 (a tie) then 900 more integer digits, all zero: ties to even. */
    snprintf(t, sizeof t, "9007199254740993%0900de-900", 0);
    assert_true(fg_parse_num(t, strlen(t), &d) && d == 9007199254740992.0);
    /* ... with a 1 as the 901st: just above the tie. */
    snprintf(t, sizeof t, "9007199254740993%0899d1e-900", 0);
    assert_true(fg_parse_num(t, strlen(t), &d) && d == 9007199254740994.0);
    assert_int_equal(parse_misses(t, 0), 0);
    /* Half the smallest subnormal, exactly (ties to 0), then a 1 far out. */
    snprintf(t, sizeof t, "%.800Le", (long double)5e-324 / 2);
    assert_true(fg_parse_num(t, strlen(t), &d) && d == 0);
    char *e = strchr(t, 'e');
    char tail[16];
    snprintf(tail, sizeof tail, "%s", e);
    snprintf(e, sizeof t - (size_t)(e - t), "%01000d1%s", 0, tail);
    assert_true(fg_parse_num(t, strlen(t), &d) && d == 5e-324);
    assert_int_equal(parse_misses(t, 0), 0);
    /* 3000 digits of 3 in fraction: 0.333... */
    t[0] = '.';
    memset(t + 1, '3', 3000);
    t[3001] = '\0';
    assert_true(fg_parse_num(t, strlen(t), &d) && d == 1.0 / 3);
}

/* Every power of two and ten, in several spellings, and their halfway points. */
static void test_parse_powers(void **state)
{
    (void)state;
    size_t bad = 0;
    char t[1300];
    for (int p = -340; p <= 320; p++) {
        snprintf(t, sizeof t, "1e%d", p);
        bad = parse_misses(t, bad);
        snprintf(t, sizeof t, "0.000%de%d", 1, p + 4);
        bad = parse_misses(t, bad);
        snprintf(t, sizeof t, "9.999999999999999999999e%d", p);
        bad = parse_misses(t, bad);
    }
    for (int p = -1074; p <= 1023; p++) {
        double x = ldexp(1.0, p);
        const int prec[] = {16, 17, 25, 40, 780};
        for (size_t i = 0; i < sizeof prec / sizeof prec[0]; i++) {
            snprintf(t, sizeof t, "%.*e", prec[i], x);
            bad = parse_misses(t, bad);
        }
        char buf[FG_NUM_BUF];
        fg_fmt_num(x, buf);
        bad = parse_misses(buf, bad);
        /* Halfway to the next double up and down. */
        if (!HAVE_WIDE_LDBL)
            continue;
        snprintf(t, sizeof t, "%.800Le", ((long double)x + nextafter(x, INFINITY)) / 2);
        bad = parse_misses(t, bad);
        snprintf(t, sizeof t, "%.800Le", ((long double)x + nextafter(x, 0)) / 2);
        bad = parse_misses(t, bad);
    }
    assert_int_equal(bad, 0);
}

static void test_parse_halfway_random(void **state)
{
    (void)state;
    if (!HAVE_WIDE_LDBL)
        skip();
    uint64_t s = 0x13198A2E03707344u;
    size_t bad = 0;
    char t[1300];
    for (int i = 0; i < 3000; i++) {
        ref_halfway_text(&s, t, sizeof t);
        bad = parse_misses(t, bad);
    }
    assert_int_equal(bad, 0);
}

static void test_parse_random(void **state)
{
    (void)state;
    uint64_t s = 0xA4093822299F31D0u;
    size_t bad = 0;
    char t[160];
    for (int i = 0; i < 30000; i++) {
        ref_rand_decimal(&s, t);
        bad = parse_misses(t, bad);
    }
    assert_int_equal(bad, 0);
}

/* The two directions agree: the formatted text reads back to the same double. */
static void test_round_trip(void **state)
{
    (void)state;
    uint64_t s = 0x082EFA98EC4E6C89u;
    for (int i = 0; i < 30000; i++) {
        double d = ref_rand_double(&s), back = 0;
        char buf[FG_NUM_BUF];
        size_t n = fg_fmt_num(d, buf);
        assert_true(fg_parse_num(buf, n, &back));
        assert_true(ref_to_bits(back) == ref_to_bits(d == 0 ? 0.0 : d));
    }
}

static void test_parse_grammar(void **state)
{
    (void)state;
    double d = 0;
    static const char *const good[] = {"5.", ".5",  "-.5",  "+5.",  "0",    "00",   "0.",
                                       ".0", "1E5", "1e+5", "1e-5", "1e05", "-0e-0"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(fg_parse_num(good[i], strlen(good[i]), &d));
    static const char *const bad[] = {"1e",   "+.e1", " 1",       "1 ",  "inf",   "nan",  "0x1p3",
                                      ".",    "+",    "-",        "",    "e5",    "1e+",  "1e-",
                                      "1.5.", "1..5", "--1",      "+-1", "1e5e5", "1ee5", ".e5",
                                      "1e5.", "1d5",  "\xd9\xa1", "1\0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(
            fg_parse_num(bad[i], strlen(bad[i]) + (i + 1 == sizeof bad / sizeof bad[0]), &d));
    /* The length is honoured: "1.2" of "1.25". */
    assert_true(fg_parse_num("1.25", 3, &d) && d == 1.2);
}

static void test_parse_int_edges(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_true(fg_parse_int("922337203685477580", 18, &v) && v == 922337203685477580);
    assert_true(fg_parse_int("9223372036854775799", 19, &v) && v == 9223372036854775799);
    assert_true(fg_parse_int("9223372036854775807", 19, &v) && v == INT64_MAX);
    assert_false(fg_parse_int("9223372036854775808", 19, &v));
    assert_false(fg_parse_int("9223372036854775810", 19, &v));
    assert_false(fg_parse_int("9300000000000000000", 19, &v));
    assert_true(fg_parse_int("-9223372036854775808", 20, &v) && v == INT64_MIN);
    assert_false(fg_parse_int("-9223372036854775809", 20, &v));
    assert_false(fg_parse_int("92233720368547758070", 20, &v));
    assert_false(fg_parse_int("1/", 2, &v));
    assert_false(fg_parse_int("1:", 2, &v));
    assert_false(fg_parse_int("\xb1", 1, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_powers),    cmocka_unit_test(test_fmt_subnormal_extremes),
        cmocka_unit_test(test_fmt_random),    cmocka_unit_test(test_fmt_whole_numbers),
        cmocka_unit_test(test_parse_edges),   cmocka_unit_test(test_parse_very_long),
        cmocka_unit_test(test_parse_powers),  cmocka_unit_test(test_parse_halfway_random),
        cmocka_unit_test(test_parse_random),  cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_parse_grammar), cmocka_unit_test(test_parse_int_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
