/* test_lint.c — the table coverage check of lang/lint.c and the interval
 * module under it (lang/cell_interval.c): the gaps of a column computed on
 * hand-made interval sets (int and num domains, open and closed ends,
 * unbounded ends), then, on compiled policies, the exact list of
 * diagnostics: one warning per gap written as a bool expression with the
 * bounds as the policy wrote them, int columns reasoned on integers,
 * multi-column tables only where the gap is certain, the plain catch-all
 * warning where no gap is, and no warning with a catch-all row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/cell_interval.h"
#include "lang/compile.h"

/* ---------------- fg_cellint_gaps on hand-made sets ---------------- */

typedef struct ends {
    char lo, hi; /* '(' '[' or 'i' (unbounded) / ')' ']' or 'i' */
    double a, b;
} ends;

/* One set per interval, of type t (values as ints when t is FG_T_INT). */
static fg_cellint_set *make_sets(fg_arena *ar, fg_type t, const ends *e, uint32_t n)
{
    fg_cellint_set *s = fg_arena_zalloc(ar, n * sizeof *s);
    assert_non_null(s);
    for (uint32_t i = 0; i < n; i++) {
        fg_cellint *v = fg_arena_zalloc(ar, sizeof *v);
        assert_non_null(v);
        v->lo_inf = e[i].lo == 'i';
        v->hi_inf = e[i].hi == 'i';
        v->lo_open = e[i].lo == '(';
        v->hi_open = e[i].hi == ')';
        if (t == FG_T_INT) {
            v->lo.i = (int64_t)e[i].a;
            v->hi.i = (int64_t)e[i].b;
        } else {
            v->lo.n = e[i].a;
            v->hi.n = e[i].b;
        }
        s[i].t = t;
        s[i].n = 1;
        s[i].v = v;
    }
    return s;
}

/* The gaps as text: `(a, b]` with -inf/+inf, joined by spaces. */
static void gaps_text(const fg_cellint_set *s, uint32_t n, bool ints, char *out, size_t cap)
{
    fg_arena ar;
    fg_arena_init(&ar, NULL);
    const fg_cellint_set **p = fg_arena_zalloc(&ar, (n ? n : 1) * sizeof *p);
    assert_non_null(p);
    for (uint32_t i = 0; i < n; i++)
        p[i] = &s[i];
    fg_cellint *g;
    uint32_t ng;
    assert_true(fg_cellint_gaps(p, n, ints, &ar, &g, &ng));
    size_t len = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < ng; i++) {
        char lo[40], hi[40];
        if (ints) {
            snprintf(lo, sizeof lo, "%lld", (long long)g[i].lo.i);
            snprintf(hi, sizeof hi, "%lld", (long long)g[i].hi.i);
        } else {
            snprintf(lo, sizeof lo, "%g", g[i].lo.n);
            snprintf(hi, sizeof hi, "%g", g[i].hi.n);
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%c%s, %s%c", i ? " " : "",
                                g[i].lo_inf    ? '('
                                : g[i].lo_open ? '('
                                               : '[',
                                g[i].lo_inf ? "-inf" : lo, g[i].hi_inf ? "+inf" : hi,
                                g[i].hi_inf    ? ')'
                                : g[i].hi_open ? ')'
                                               : ']');
        assert_true(len < cap);
    }
    fg_arena_free(&ar);
}

static void test_gaps_num(void **state)
{
    (void)state;
    fg_arena ar;
    fg_arena_init(&ar, NULL);
    char buf[400];
    /* >= 0.5 and < 0.3: the gap [0.3, 0.5) */
    const ends a[] = {{'[', 'i', 0.5, 0}, {'i', ')', 0, 0.3}};
    gaps_text(make_sets(&ar, FG_T_NUM, a, 2), 2, false, buf, sizeof buf);
    assert_string_equal(buf, "[0.3, 0.5)");
    /* points left between open ends; (2, 3] and [3, 4) touch */
    const ends b[] = {{'i', ')', 0, 1}, {'(', ')', 1, 2}, {'(', ']', 2, 3}, {'[', ')', 3, 4}};
    gaps_text(make_sets(&ar, FG_T_NUM, b, 4), 4, false, buf, sizeof buf);
    assert_string_equal(buf, "[1, 1] [2, 2] [4, +inf)");
    /* nested and overlapping intervals, unsorted, closed points */
    const ends c[] = {{'[', ']', 5, 5}, {'[', ']', 0, 10}, {'[', ']', 2, 3}, {'(', 'i', 10, 0}};
    gaps_text(make_sets(&ar, FG_T_NUM, c, 4), 4, false, buf, sizeof buf);
    assert_string_equal(buf, "(-inf, 0)");
    /* everything covered */
    const ends d[] = {{'i', ']', 0, 0}, {'[', 'i', 0, 0}};
    gaps_text(make_sets(&ar, FG_T_NUM, d, 2), 2, false, buf, sizeof buf);
    assert_string_equal(buf, "");
    /* nothing at all: the whole line */
    gaps_text(NULL, 0, false, buf, sizeof buf);
    assert_string_equal(buf, "(-inf, +inf)");
    fg_arena_free(&ar);
}

static void test_gaps_int(void **state)
{
    (void)state;
    fg_arena ar;
    fg_arena_init(&ar, NULL);
    char buf[400];
    /* < 5 and >= 6: only the integer 5 */
    const ends a[] = {{'i', ')', 0, 5}, {'[', 'i', 6, 0}};
    gaps_text(make_sets(&ar, FG_T_INT, a, 2), 2, true, buf, sizeof buf);
    assert_string_equal(buf, "[5, 5]");
    /* < 5 and > 4: no integer left out */
    const ends b[] = {{'i', ')', 0, 5}, {'(', 'i', 4, 0}};
    gaps_text(make_sets(&ar, FG_T_INT, b, 2), 2, true, buf, sizeof buf);
    assert_string_equal(buf, "");
    /* 1..10 and 20..30: below, between, above (the int range's ends are unbounded) */
    const ends c[] = {{'[', ']', 20, 30}, {'[', ']', 1, 10}};
    gaps_text(make_sets(&ar, FG_T_INT, c, 2), 2, true, buf, sizeof buf);
    assert_string_equal(buf, "(-inf, 0] [11, 19] [31, +inf)");
    /* num cells on an int column: < 2.5 is <= 2, > 3.5 is >= 4, 3.2 matches no integer */
    const ends d[] = {{'i', ')', 0, 2.5}, {'(', 'i', 3.5, 0}, {'[', ']', 3.2, 3.2}};
    gaps_text(make_sets(&ar, FG_T_NUM, d, 3), 3, true, buf, sizeof buf);
    assert_string_equal(buf, "[3, 3]");
    /* num bounds beyond the int range */
    const ends e[] = {{'i', ']', 0, -1e300}, {'[', ']', 0, 1e300}};
    gaps_text(make_sets(&ar, FG_T_NUM, e, 2), 2, true, buf, sizeof buf);
    assert_string_equal(buf, "(-inf, -1]");
    fg_arena_free(&ar);
}

/* ---------------- the warnings on compiled policies ---------------- */

/* Every diagnostic of compiling text but the unused-input warnings, sorted,
 * one per line: `SEV L:C: message [hint]`. */
static void diags_of(const char *text, char *out, size_t cap)
{
    fg_sources src;
    fg_diags diags;
    fg_sources_init(&src, NULL);
    fg_diags_init(&diags, NULL);
    fg_program *p = fg_compile_string(NULL, &src, &diags, "t.fp", text, strlen(text), NULL);
    fg_diags_sort(&diags);
    size_t len = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < diags.n; i++) {
        const fg_diag *d = &diags.items[i];
        if (strstr(d->message, "is declared but never used")) /* the inputs a case leaves */
            continue;
        fg_linecol lc = fg_sources_linecol(&src, d->span.file, d->span.start);
        const char *sev = d->severity == FG_SEV_ERROR     ? "E"
                          : d->severity == FG_SEV_WARNING ? "W"
                                                          : "N";
        len += (size_t)snprintf(out + len, cap - len, "%s %u:%u: %s%s%s%s\n", sev, lc.line, lc.col,
                                d->message, d->hint ? " [" : "", d->hint ? d->hint : "",
                                d->hint ? "]" : "");
        assert_true(len < cap);
    }
    fg_program_free(p);
    fg_diags_free(&diags);
    fg_sources_free(&src);
}

#define HEAD "input {\n  id : str key\n  s : str\n  x : num\n  n : int\n  b : bool\n}\n"
#define HINT1 " [add a row for them, or a catch-all row `| _ => ...`]\n"
#define HINT2 " [add a row for them, or a catch-all row `| _, _ => ...`]\n"

static void expect_diags(const char *text, const char *want)
{
    char got[4000];
    diags_of(text, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_num_column(void **state)
{
    (void)state;
    /* the bounds as written: percents, underscores, a const name */
    expect_diags(HEAD "const LIMIT = 3_000\n"
                      "table t(v: num) -> num {\n  | >= 50% => 1\n  | < 30% => 2\n}\n"
                      "table u(v: num) -> num {\n  | < 1_000 => 1\n  | 2_000..LIMIT => 2\n}\n"
                      "output a = t(x)\noutput c = u(x)\n",
                 "W 9:7: table `t` has no row for v >= 30% and v < 50%" HINT1
                 "W 13:7: table `u` has no row for v >= 1_000 and v < 2_000" HINT1
                 "W 13:7: table `u` has no row for v > LIMIT" HINT1);
    /* points: `== v`; a closed gap: `between`; an open end next to a point */
    expect_diags(HEAD
                 "table t(v: num) -> num {\n  | < 1 => 1\n  | > 1 => 2\n}\n"
                 "table u(v: num) -> num {\n  | <= 0 => 1\n  | >= 0.5 => 2\n  | < 0.25 => 3\n}\n"
                 "table w(v: num) -> num {\n  | [1, 2.5] => 1\n}\n"
                 "output a = t(x)\noutput c = u(x)\noutput d = w(x)\n",
                 "W 8:7: table `t` has no row for v == 1" HINT1
                 "W 12:7: table `u` has no row for v >= 0.25 and v < 0.5" HINT1
                 "W 17:7: table `w` has no row for v < 1" HINT1
                 "W 17:7: table `w` has no row for v > 1 and v < 2.5" HINT1
                 "W 17:7: table `w` has no row for v > 2.5" HINT1);
    /* closed on both sides: between; negative literals */
    expect_diags(HEAD "table t(v: num) -> num {\n  | < -2.5 => 1\n  | > -1 => 2\n}\n"
                      "output a = t(x)\n",
                 "W 8:7: table `t` has no row for v between -2.5 and -1" HINT1);
}

static void test_int_column(void **state)
{
    (void)state;
    expect_diags(HEAD "table t(k: int) -> str {\n  | < 5 => \"lo\"\n  | >= 6 => \"hi\"\n}\n"
                      "table u(k: int) -> str {\n  | [1, 2, 3] => \"a\"\n  | 7..9 => \"b\"\n}\n"
                      "table w(k: int) -> str {\n  | < 5 => \"lo\"\n  | > 4 => \"hi\"\n}\n"
                      "table z(k: int) -> str {\n  | <= 2.5 => \"lo\"\n  | >= 3 => \"hi\"\n}\n"
                      "output a = t(n)\noutput c = u(n)\noutput d = w(n)\noutput e = z(n)\n",
                 "W 8:7: table `t` has no row for k == 5" HINT1
                 "W 12:7: table `u` has no row for k <= 0" HINT1
                 "W 12:7: table `u` has no row for k between 4 and 6" HINT1
                 "W 12:7: table `u` has no row for k >= 10" HINT1
                 "W 16:7: table `w` has no catch-all row [add `| _ => ...` or every unmatched "
                 "row is a row error]\n"
                 "W 20:7: table `z` has no catch-all row [add `| _ => ...` or every unmatched "
                 "row is a row error]\n");
}

static void test_catch_all_row(void **state)
{
    (void)state;
    /* a catch-all row anywhere: nothing to say, whatever the other rows leave out */
    expect_diags(HEAD "table t(v: num, k: int) -> num {\n  | > 5, 1 => 1\n  | < 0, 2 => 2\n"
                      "  | _, _ => 0\n}\n"
                      "output a = t(x, n)\n",
                 "");
}

static void test_more_columns(void **state)
{
    (void)state;
    /* values of v outside every row's cell: a gap whatever s is */
    expect_diags(HEAD "table t(s: str, v: num) -> num {\n  | \"west\", >= 10 => 1\n"
                      "  | _, 20..50 => 2\n}\n"
                      "output a = t(s, x)\n",
                 "W 8:7: table `t` has no row for v < 10" HINT2);
    /* every v is matched by some row, but not for the regions no cell names */
    expect_diags(HEAD "table t(s: str, v: num) -> num {\n  | \"west\", _ => 0.2\n"
                      "  | _, >= 50% => 0.15\n  | _, 30%..50% => 0.1\n}\n"
                      "output a = t(s, x)\n",
                 "W 8:7: table `t` has no row for s != \"west\" and v < 30%" HINT2);
    expect_diags(
        HEAD "table t(s: str, v: num) -> num {\n  | [\"a\", \"b\"], _ => 1\n"
             "  | \"c\", _ => 2\n  | _, > 0 => 3\n}\n"
             "output a = t(s, x)\n",
        "W 8:7: table `t` has no row for not (s in [\"a\", \"b\", \"c\"]) and v <= 0" HINT2);
    /* a bool column naming both values leaves no other argument: not certain */
    expect_diags(HEAD "table t(f: bool, v: num) -> num {\n  | true, _ => 1\n"
                      "  | false, _ => 2\n  | _, > 0 => 3\n}\n"
                      "output a = t(b, x)\n",
                 "W 8:7: table `t` has no catch-all row [add `| _, _ => ...` or every unmatched "
                 "row is a row error]\n");
    /* a range in the other column: not certain either */
    expect_diags(HEAD "table t(k: int, v: num) -> num {\n  | > 3, _ => 1\n  | _, > 0 => 3\n}\n"
                      "output a = t(n, x)\n",
                 "W 8:7: table `t` has no catch-all row [add `| _, _ => ...` or every unmatched "
                 "row is a row error]\n");
    /* no row is `_` elsewhere: for other arguments nothing matches; the plain warning */
    expect_diags(HEAD
                 "table t(s: str, v: num) -> num {\n  | \"a\", _ => 1\n  | \"b\", > 0 => 2\n}\n"
                 "output a = t(s, x)\n",
                 "W 8:7: table `t` has no catch-all row [add `| _, _ => ...` or every unmatched "
                 "row is a row error]\n");
    /* more than 8 values to name: not worth a message; the plain warning */
    expect_diags(HEAD "table t(k: int, v: num) -> num {\n  | [1, 2, 3, 4, 5, 6, 7, 8, 9], _ => 1\n"
                      "  | _, > 0 => 2\n}\n"
                      "output a = t(n, x)\n",
                 "W 8:7: table `t` has no catch-all row [add `| _, _ => ...` or every unmatched "
                 "row is a row error]\n");
    expect_diags(
        HEAD "table t(k: int, v: num) -> num {\n  | [1, 2, 3, 4, 5, 6, 7, 8], _ => 1\n"
             "  | _, > 0 => 2\n}\n"
             "output a = t(n, x)\n",
        "W 8:7: table `t` has no row for not (k in [1, 2, 3, 4, 5, 6, 7, 8]) and v <= 0" HINT2);
    /* string-only tables keep the plain warning */
    expect_diags(HEAD "table t(s: str) -> num {\n  | \"a\" => 1\n}\noutput a = t(s)\n",
                 "W 8:7: table `t` has no catch-all row [add `| _ => ...` or every unmatched row "
                 "is a row error]\n");
}

/* The interval module under the unreachable-row check: int cells compare
 * as whole numbers, int and num cells as numbers. */
static void test_unreachable_rows(void **state)
{
    (void)state;
    expect_diags(HEAD "table t(k: int) -> str {\n  | >= 6 => \"a\"\n  | > 5 => \"b\"\n"
                      "  | 1..3 => \"c\"\n  | [1, 2.5] => \"d\"\n  | [1, 3.5] => \"e\"\n"
                      "  | _ => \"f\"\n}\n"
                      "output a = t(n)\n",
                 "W 10:3: row 2 of table `t` is never matched: row 1 matches first [remove it, "
                 "or move it above row 1]\n"
                 "W 12:3: row 4 of table `t` is never matched: row 3 matches first [remove it, "
                 "or move it above row 3]\n");
}

static void test_gap_cap(void **state)
{
    (void)state;
    expect_diags(HEAD "table t(k: int) -> num {\n  | [0, 2, 4, 6, 8] => 1\n}\n"
                      "output a = t(n)\n",
                 "W 8:7: table `t` has no row for k <= -1" HINT1
                 "W 8:7: table `t` has no row for k == 1" HINT1
                 "W 8:7: table `t` has no row for k == 3" HINT1
                 "W 8:7: table `t` has no row for k == 5" HINT1
                 "N 8:7: table `t` has 2 more gaps not shown\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gaps_num),         cmocka_unit_test(test_gaps_int),
        cmocka_unit_test(test_num_column),       cmocka_unit_test(test_int_column),
        cmocka_unit_test(test_catch_all_row),    cmocka_unit_test(test_more_columns),
        cmocka_unit_test(test_unreachable_rows), cmocka_unit_test(test_gap_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
