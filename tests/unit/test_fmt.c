/* test_fmt.c — `forgec fmt` (lang/fmt.c): the layout of each construct,
 * comments kept in place, idempotence, literals as written, syntax errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lang/fmt.h"

static const fg_allocator A = {0};

/* Formats text; returns a malloc'd copy of the result, or NULL on error. */
static char *fmt(const char *text, uint32_t *nerrors)
{
    fg_sources src;
    fg_diags d;
    fg_strbuf out;
    fg_sources_init(&src, &A);
    fg_diags_init(&d, &A);
    fg_strbuf_init(&out, &A);
    int f = fg_sources_add(&src, "t.fp", "t.fp", text, strlen(text));
    assert_true(f >= 0);
    bool ok = fg_fmt_file(&src, (uint32_t)f, &d, &out);
    char *r = ok ? strdup(out.data ? out.data : "") : NULL;
    if (nerrors)
        *nerrors = d.nerrors;
    fg_strbuf_free(&out);
    fg_diags_free(&d);
    fg_sources_free(&src);
    return r;
}

/* fmt(text) must be want, and fmt(want) must be want again. */
static void check(const char *text, const char *want)
{
    char *got = fmt(text, NULL);
    assert_non_null(got);
    assert_string_equal(got, want);
    char *again = fmt(got, NULL);
    assert_non_null(again);
    assert_string_equal(again, want);
    free(got);
    free(again);
}

static void test_every_construct(void **state)
{
    (void)state;
    check("policy \"p\"  version \"1\"\n"
          "input{a:int key\n"
          "b : num? from \"B\"}\n"
          "const X=1+2*3 # c\n"
          "let y=if a>1 then \"x\" else \"y\"\n"
          "table t(x:int)->str{\n"
          "|<3=>\"lo\"\n"
          "| _ => \"hi\" }\n"
          "rule r: a>0 else \"neg {a}\"\n"
          "decide d{when r=>1 otherwise=>2}\n"
          "output o=(a+1)*2\n"
          "report by d{n=count() s=sum(b)}\n"
          "fixture f={a:1,b:-2.5}\n"
          "test \"t\"{given f with{b:missing} expect o==4}\n",
          "policy \"p\" version \"1\"\n"
          "input {\n"
          "  a : int  key\n"
          "  b : num? from \"B\"\n"
          "}\n"
          "const X = 1 + 2 * 3  # c\n"
          "let y = if a > 1 then \"x\" else \"y\"\n"
          "table t(x: int) -> str {\n"
          "  | < 3 => \"lo\"\n"
          "  | _   => \"hi\"\n"
          "}\n"
          "rule r: a > 0 else \"neg {a}\"\n"
          "decide d {\n"
          "  when r    => 1\n"
          "  otherwise => 2\n"
          "}\n"
          "output o = (a + 1) * 2\n"
          "report by d {\n"
          "  n = count()\n"
          "  s = sum(b)\n"
          "}\n"
          "fixture f = { a: 1, b: -2.5 }\n"
          "test \"t\" {\n"
          "  given f with { b: missing }\n"
          "  expect o == 4\n"
          "}\n");
}

static void test_alignment_and_literals(void **state)
{
    (void)state;
    /* consts aligned within a run; a blank line starts a new run; literals
     * (`2_000_000`, `30%`, `1e6`, escapes) stay as written */
    check("const A = 2_000_000\nconst LONG_NAME = 30%\n\nconst B = 1e6\n"
          "output s = \"a\\tb\\{c\\u{e9}\"\n",
          "const A         = 2_000_000\nconst LONG_NAME = 30%\n\nconst B = 1e6\n"
          "output s = \"a\\tb\\{c\\u{e9}\"\n");
    /* table cells aligned per column, `=>` aligned; explicit `first` kept */
    check("table t(r: str, s: num) -> num first {\n| \"west\", _ => 0.20\n"
          "| _, >= 50% => 0.15\n| [\"a\",\"b\"], 30%..50% => -1\n}\n",
          "table t(r: str, s: num) -> num first {\n"
          "  | \"west\",     _        => 0.20\n"
          "  | _,          >= 50%   => 0.15\n"
          "  | [\"a\", \"b\"], 30%..50% => -1\n"
          "}\n");
    /* parentheses exactly where written, operators spaced, unary forms */
    check("output x = -(a)+ - b*(c??0)/2\noutput y = not(p or q) and z is missing\n"
          "output w = v between 1 and 2 or v in [3,4]\n",
          "output x = -(a) + -b * (c ?? 0) / 2\noutput y = not (p or q) and z is missing\n"
          "output w = v between 1 and 2 or v in [3, 4]\n");
}

static void test_line_breaking(void **state)
{
    (void)state;
    check("output tax_relief = if status == \"admitted\" then min(relief_rate(region, "
          "export_share ?? 0) * rd_spend, RELIEF_CAP) else 0\n"
          "rule environment: dust_mg_m3 <= DUST_LIMIT else \"dust {dust_mg_m3} mg/m3 exceeds "
          "{DUST_LIMIT} in this region\"\n",
          "output tax_relief = if status == \"admitted\"\n"
          "                    then min(relief_rate(region, export_share ?? 0) * rd_spend, "
          "RELIEF_CAP)\n"
          "                    else 0\n"
          "rule environment: dust_mg_m3 <= DUST_LIMIT\n"
          "  else \"dust {dust_mg_m3} mg/m3 exceeds {DUST_LIMIT} in this region\"\n");
    check("fixture typical = { id: \"T1\", region: \"east\", capacity_t: 9000, output_t: 8500, "
          "employees: 300, dust_mg_m3: 12, accidents_3y: 0 }\n",
          "fixture typical = { id: \"T1\", region: \"east\", capacity_t: 9000, output_t: 8500,\n"
          "                    employees: 300, dust_mg_m3: 12, accidents_3y: 0 }\n");
}

static void test_comments_kept(void **state)
{
    (void)state;
    check("# head\n\n\npolicy \"p\" # after policy\ninput { # opens\n  a: int key # k\n"
          "  # before b\n  b :num?\n\n\n  # before close\n} # closed\n"
          "table t(x: int) -> int { # hdr\n  | < 3 => 1 # r1\n  # between\n  | _ => 2\n"
          "  # end\n}\n# tail\n",
          "# head\n\npolicy \"p\"  # after policy\ninput {  # opens\n  a : int  key  # k\n"
          "  # before b\n  b : num?\n\n  # before close\n}  # closed\n"
          "table t(x: int) -> int {  # hdr\n  | < 3 => 1  # r1\n  # between\n  | _   => 2\n"
          "  # end\n}\n# tail\n");
    /* a `#` inside a string (or an interpolation's string) is no comment */
    check("output s = \"a#b{f(\"#\")}\" # real\n", "output s = \"a#b{f(\"#\")}\"  # real\n");
    /* trailing comments of one block are aligned; a comment inside an
     * expression that is joined onto one line moves to its end */
    check("let y = if a > 1 # why\n  then 1 else 2\n", "let y = if a > 1 then 1 else 2  # why\n");
}

static void test_syntax_error(void **state)
{
    (void)state;
    uint32_t nerr = 0;
    char *r = fmt("output x = (1 +\n", &nerr);
    assert_null(r);
    assert_true(nerr > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_construct), cmocka_unit_test(test_alignment_and_literals),
        cmocka_unit_test(test_line_breaking),   cmocka_unit_test(test_comments_kept),
        cmocka_unit_test(test_syntax_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
