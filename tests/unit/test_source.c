/* test_source.c — source files and line maps, diagnostics (counts, stable
 * sort) and their byte-exact rendering, and the "did you mean" helper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lang/source.h"

static fg_span sp(uint32_t file, uint32_t start, uint32_t end)
{
    fg_span s = {file, start, end};
    return s;
}

static void test_line_map_lf(void **state)
{
    (void)state;
    fg_sources s;
    fg_sources_init(&s, NULL);
    const char *text = "ab\ncde\n\nf\n";
    assert_int_equal(fg_sources_add(&s, "a.fp", NULL, text, strlen(text)), 0);
    const fg_file *f = s.files[0];
    assert_string_equal(f->name, "a.fp");
    assert_string_equal(f->path, "a.fp");
    assert_int_equal(f->len, strlen(text));
    assert_int_equal(f->nlines, 5);
    size_t len;
    const char *l = fg_sources_line(&s, 0, 2, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(l, "cde", 3);
    fg_sources_line(&s, 0, 3, &len);
    assert_int_equal(len, 0);
    l = fg_sources_line(&s, 0, 4, &len);
    assert_int_equal(len, 1);
    assert_memory_equal(l, "f", 1);
    fg_sources_line(&s, 0, 99, &len);
    assert_int_equal(len, 0);
    fg_linecol lc = fg_sources_linecol(&s, 0, 0);
    assert_int_equal(lc.line, 1);
    assert_int_equal(lc.col, 1);
    lc = fg_sources_linecol(&s, 0, 2); /* the '\n' ending line 1 */
    assert_int_equal(lc.line, 1);
    assert_int_equal(lc.col, 3);
    lc = fg_sources_linecol(&s, 0, 5);
    assert_int_equal(lc.line, 2);
    assert_int_equal(lc.col, 3);
    lc = fg_sources_linecol(&s, 0, 8);
    assert_int_equal(lc.line, 4);
    assert_int_equal(lc.col, 1);
    lc = fg_sources_linecol(&s, 0, 1000); /* clamped to the end */
    assert_int_equal(lc.line, 5);
    assert_int_equal(lc.col, 1);
    fg_sources_free(&s);
}

static void test_line_map_crlf_no_final_newline(void **state)
{
    (void)state;
    fg_sources s;
    fg_sources_init(&s, NULL);
    const char *crlf = "one\r\ntwo\r\nthree";
    assert_int_equal(fg_sources_add(&s, "c.fp", "dir/c.fp", crlf, strlen(crlf)), 0);
    const char *empty = "";
    assert_int_equal(fg_sources_add(&s, "e.fp", NULL, empty, 0), 1);
    assert_string_equal(s.files[0]->path, "dir/c.fp");
    assert_int_equal(s.files[0]->nlines, 3);
    size_t len;
    const char *l = fg_sources_line(&s, 0, 1, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(l, "one", 3);
    l = fg_sources_line(&s, 0, 3, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(l, "three", 5);
    fg_linecol lc = fg_sources_linecol(&s, 0, 7); /* 'o' of two */
    assert_int_equal(lc.line, 2);
    assert_int_equal(lc.col, 3);
    lc = fg_sources_linecol(&s, 0, 15); /* end of text */
    assert_int_equal(lc.line, 3);
    assert_int_equal(lc.col, 6);
    assert_int_equal(s.files[1]->nlines, 1);
    fg_sources_line(&s, 1, 1, &len);
    assert_int_equal(len, 0);
    /* the copy is NUL-terminated and independent of the caller's text */
    char mine[] = "x = 1";
    assert_int_equal(fg_sources_add(&s, "m.fp", NULL, mine, 3), 2);
    mine[0] = 'y';
    assert_string_equal(s.files[2]->text, "x =");
    fg_sources_free(&s);
}

static const char *render_all(const fg_sources *s, fg_diags *d, fg_strbuf *sb)
{
    fg_strbuf_clear(sb);
    for (uint32_t i = 0; i < d->n; i++)
        fg_diag_render(s, &d->items[i], sb);
    return sb->data ? sb->data : "";
}

static void test_render_exact(void **state)
{
    (void)state;
    fg_sources s;
    fg_sources_init(&s, NULL);
    const char *text = "input { capacity_t : num }\n"
                       "rule scale: capacity >= 5\n"
                       "\tlet x =\t1 + 2\n"
                       "let s = \"d\xC3\xA9j\xC3\xA0\" + y\n";
    fg_sources_add(&s, "rules.fp", NULL, text, strlen(text));
    fg_diags d;
    fg_diags_init(&d, NULL);
    fg_strbuf sb;
    fg_strbuf_init(&sb, NULL);

    /* "capacity" in line 2 is at offset 27 + 12 = 39 */
    fg_diag_add(&d, FG_SEV_ERROR, sp(0, 39, 47), "did you mean `capacity_t`?", "unknown name `%s`",
                "capacity");
    assert_string_equal(render_all(&s, &d, &sb), "rules.fp:2:13: error: unknown name `capacity`\n"
                                                 "   2 | rule scale: capacity >= 5\n"
                                                 "     |             ^~~~~~~~\n"
                                                 "     = hint: did you mean `capacity_t`?\n");
    fg_diags_free(&d);

    /* tabs are copied into the caret line; warning; no hint */
    fg_diags_init(&d, NULL);
    uint32_t l3 = 27 + 26;
    fg_diag_add(&d, FG_SEV_WARNING, sp(0, l3 + 9, l3 + 14), NULL, "odd sum");
    assert_string_equal(render_all(&s, &d, &sb), "rules.fp:3:10: warning: odd sum\n"
                                                 "   3 | \tlet x =\t1 + 2\n"
                                                 "     | \t       \t^~~~~\n");
    fg_diags_free(&d);

    /* a span running past the end of its line is cut there; a zero-width
     * span is one caret; a note; UTF-8 counted by code points */
    fg_diags_init(&d, NULL);
    uint32_t l4 = l3 + 15;
    fg_diag_add(&d, FG_SEV_NOTE, sp(0, 12, 60), NULL, "long");
    fg_diag_add(&d, FG_SEV_ERROR, sp(0, l3 - 1, l3 - 1), NULL, "here");
    fg_diag_add(&d, FG_SEV_ERROR, sp(0, l4 + 8, l4 + 16), NULL, "str");
    fg_diag_add(&d, FG_SEV_ERROR, sp(0, l4 + 19, l4 + 20), NULL, "y");
    assert_string_equal(render_all(&s, &d, &sb), "rules.fp:1:13: note: long\n"
                                                 "   1 | input { capacity_t : num }\n"
                                                 "     |             ^~~~~~~~~~~~~~\n"
                                                 "rules.fp:2:26: error: here\n"
                                                 "   2 | rule scale: capacity >= 5\n"
                                                 "     |                          ^\n"
                                                 "rules.fp:4:9: error: str\n"
                                                 "   4 | let s = \"d\xC3\xA9j\xC3\xA0\" + y\n"
                                                 "     |         ^~~~~~\n"
                                                 "rules.fp:4:20: error: y\n"
                                                 "   4 | let s = \"d\xC3\xA9j\xC3\xA0\" + y\n"
                                                 "     |                  ^\n");
    assert_int_equal(d.nerrors, 3);
    assert_int_equal(d.nwarnings, 0);
    fg_diags_free(&d);

    /* without a span */
    fg_diags_init(&d, NULL);
    fg_diag_add_nospan(&d, FG_SEV_ERROR, "check the path", "cannot open `%s`", "x.fp");
    fg_diag_add_nospan(&d, FG_SEV_WARNING, NULL, "plain");
    assert_string_equal(render_all(&s, &d, &sb), "error: cannot open `x.fp`\n"
                                                 "     = hint: check the path\n"
                                                 "warning: plain\n");
    assert_int_equal(d.nerrors, 1);
    assert_int_equal(d.nwarnings, 1);
    fg_diags_free(&d);
    fg_strbuf_free(&sb);
    fg_sources_free(&s);
}

static void test_render_wide_line_numbers(void **state)
{
    (void)state;
    fg_sources s;
    fg_sources_init(&s, NULL);
    /* 12345 lines: the gutter grows to the line number's width */
    size_t n = 12345;
    char *text = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++) {
        text[2 * i] = 'x';
        text[2 * i + 1] = '\n';
    }
    fg_sources_add(&s, "big.fp", NULL, text, n * 2);
    free(text);
    fg_diags d;
    fg_diags_init(&d, NULL);
    fg_strbuf sb;
    fg_strbuf_init(&sb, NULL);
    fg_diag_add(&d, FG_SEV_ERROR, sp(0, 2 * 12344, 2 * 12344 + 1), NULL, "m");
    fg_diag_add(&d, FG_SEV_ERROR, sp(0, 2 * 999, 2 * 999 + 1), NULL, "m");
    assert_string_equal(render_all(&s, &d, &sb), "big.fp:12345:1: error: m\n"
                                                 "12345 | x\n"
                                                 "      | ^\n"
                                                 "big.fp:1000:1: error: m\n"
                                                 "1000 | x\n"
                                                 "     | ^\n");
    fg_strbuf_free(&sb);
    fg_diags_free(&d);
    fg_sources_free(&s);
}

static void test_diags_sort_stable(void **state)
{
    (void)state;
    fg_diags d;
    fg_diags_init(&d, NULL);
    fg_diag_add(&d, FG_SEV_ERROR, sp(1, 5, 6), NULL, "f1 at 5");
    fg_diag_add(&d, FG_SEV_ERROR, sp(0, 9, 9), NULL, "f0 at 9 first");
    fg_diag_add(&d, FG_SEV_WARNING, sp(0, 3, 4), NULL, "f0 at 3");
    fg_diag_add(&d, FG_SEV_ERROR, sp(0, 9, 12), NULL, "f0 at 9 second");
    fg_diag_add_nospan(&d, FG_SEV_ERROR, NULL, "no span");
    fg_diags_sort(&d);
    const char *want[] = {"no span", "f0 at 3", "f0 at 9 first", "f0 at 9 second", "f1 at 5"};
    assert_int_equal(d.n, 5);
    for (uint32_t i = 0; i < 5; i++)
        assert_string_equal(d.items[i].message, want[i]);
    assert_int_equal(d.nerrors, 4);
    assert_int_equal(d.nwarnings, 1);
    assert_false(d.oom);
    fg_diags_free(&d);
    assert_int_equal(d.n, 0);
}

static void test_closest_name(void **state)
{
    (void)state;
    const char *const names[] = {"capacity_t", "region", "employees", "dust_mg_m3", "rd_spend"};
    assert_string_equal(fg_closest_name("capacity", names, 5), "capacity_t");
    assert_string_equal(fg_closest_name("regoin", names, 5), "region"); /* swap */
    assert_string_equal(fg_closest_name("employes", names, 5), "employees");
    assert_string_equal(fg_closest_name("rd_spnd", names, 5), "rd_spend");
    assert_null(fg_closest_name("xyz", names, 5));
    assert_null(fg_closest_name("region", names, 5)); /* itself is no suggestion */
    assert_null(fg_closest_name("", names, 5));
    const char *const short_names[] = {"a", "ab", "xy"};
    assert_string_equal(fg_closest_name("b", short_names, 3), "a"); /* distance 1 allowed */
    assert_null(fg_closest_name("cd", short_names + 2, 1));         /* 2 > max(1, 0) */
    const char *const ties[] = {"abcx", "abcy"};
    assert_string_equal(fg_closest_name("abcz", ties, 2), "abcx"); /* first wins */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_map_lf),
        cmocka_unit_test(test_line_map_crlf_no_final_newline),
        cmocka_unit_test(test_render_exact),
        cmocka_unit_test(test_render_wide_line_numbers),
        cmocka_unit_test(test_diags_sort_stable),
        cmocka_unit_test(test_closest_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
