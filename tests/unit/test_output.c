/* test_output.c — exact bytes written by each output format (csv, tsv,
 * jsonl, table) for quoting, numbers and missing values, the quoting
 * helpers, and a failing sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "runtime/output.h"

static bool sb_write(void *ud, const char *data, size_t len)
{
    fg_strbuf_add(ud, data, len);
    return true;
}

static bool fail_write(void *ud, const char *data, size_t len)
{
    (void)data;
    (void)len;
    (*(int *)ud)++;
    return false;
}

static const char *const names[] = {"id", "status", "tax_relief", "n", "ok", "note"};
static const fg_type types[] = {
    FG_T_STR, FG_T_STR, FG_T_NUM, FG_T_INT | FG_T_OPT, FG_T_BOOL | FG_T_OPT, FG_T_STR | FG_T_OPT};

static fg_value vstr(const char *s)
{
    fg_value v = {.s = {s, (uint32_t)strlen(s)}, .missing = false};
    return v;
}
static fg_value vnum(double d)
{
    fg_value v = {.n = d, .missing = false};
    return v;
}
static fg_value vint(int64_t i)
{
    fg_value v = {.i = i, .missing = false};
    return v;
}
static fg_value vbool(bool b)
{
    fg_value v = {.b = b, .missing = false};
    return v;
}
static fg_value vmiss(void)
{
    fg_value v = {.i = 0, .missing = true};
    return v;
}

/* Writes the same three rows in a format and returns the bytes. */
static void write_rows(fg_out_format fmt, fg_strbuf *out)
{
    fg_byte_sink sink = {sb_write, out};
    fg_writer *w = fg_writer_new(NULL, fmt, sink, 6, names, types);
    assert_non_null(w);
    assert_true(fg_writer_header(w));
    fg_value r1[] = {vstr("F1"), vstr("admitted"), vnum(100000),
                     vint(-7),   vbool(true),      vstr("a, \"b\"")};
    fg_value r2[] = {vstr("F2"), vstr("exit"), vnum(0.1 + 0.2), vmiss(), vmiss(), vmiss()};
    fg_value r3[] = {vstr("Fé3"),   vstr(" pad"), vnum(1.5e-7),
                     vint(1234567), vbool(false), vstr("two\nlines\tand\\")};
    assert_true(fg_writer_row(w, r1));
    assert_true(fg_writer_row(w, r2));
    assert_true(fg_writer_row(w, r3));
    assert_true(fg_writer_finish(w));
    fg_writer_free(w);
}

static void test_csv(void **state)
{
    (void)state;
    fg_strbuf out;
    fg_strbuf_init(&out, NULL);
    write_rows(FG_FMT_CSV, &out);
    assert_string_equal(out.data, "id,status,tax_relief,n,ok,note\n"
                                  "F1,admitted,100000,-7,true,\"a, \"\"b\"\"\"\n"
                                  "F2,exit,0.30000000000000004,,,\n"
                                  "Fé3,\" pad\",1.5e-7,1234567,false,\"two\nlines\tand\\\"\n");
    fg_strbuf_free(&out);
}

static void test_tsv(void **state)
{
    (void)state;
    fg_strbuf out;
    fg_strbuf_init(&out, NULL);
    write_rows(FG_FMT_TSV, &out);
    assert_string_equal(out.data, "id\tstatus\ttax_relief\tn\tok\tnote\n"
                                  "F1\tadmitted\t100000\t-7\ttrue\t\"a, \"\"b\"\"\"\n"
                                  "F2\texit\t0.30000000000000004\t\t\t\n"
                                  "Fé3\t\" pad\"\t1.5e-7\t1234567\tfalse\t\"two\nlines\tand\\\"\n");
    fg_strbuf_free(&out);
}

static void test_jsonl(void **state)
{
    (void)state;
    fg_strbuf out;
    fg_strbuf_init(&out, NULL);
    write_rows(FG_FMT_JSONL, &out);
    assert_string_equal(
        out.data,
        "{\"id\":\"F1\",\"status\":\"admitted\",\"tax_relief\":100000,\"n\":-7,\"ok\":true,"
        "\"note\":\"a, \\\"b\\\"\"}\n"
        "{\"id\":\"F2\",\"status\":\"exit\",\"tax_relief\":0.30000000000000004,\"n\":null,"
        "\"ok\":null,\"note\":null}\n"
        "{\"id\":\"Fé3\",\"status\":\" pad\",\"tax_relief\":1.5e-7,\"n\":1234567,\"ok\":false,"
        "\"note\":\"two\\nlines\\tand\\\\\"}\n");
    fg_strbuf_free(&out);
}

static void test_table(void **state)
{
    (void)state;
    fg_strbuf out;
    fg_strbuf_init(&out, NULL);
    write_rows(FG_FMT_TABLE, &out);
    assert_string_equal(
        out.data, "id   status             tax_relief        n  ok     note\n"
                  "---  --------  -------------------  -------  -----  ----------------\n"
                  "F1   admitted               100000       -7  true   a, \"b\"\n"
                  "F2   exit      0.30000000000000004\n"
                  "Fé3   pad                   1.5e-7  1234567  false  two\\nlines\\tand\\\n");
    fg_strbuf_free(&out);
}

static void test_table_empty(void **state)
{
    (void)state;
    fg_strbuf out;
    fg_strbuf_init(&out, NULL);
    fg_byte_sink sink = {sb_write, &out};
    const char *const n2[] = {"region", "firms"};
    const fg_type t2[] = {FG_T_STR, FG_T_INT};
    fg_writer *w = fg_writer_new(NULL, FG_FMT_TABLE, sink, 2, n2, t2);
    assert_true(fg_writer_header(w));
    assert_true(fg_writer_finish(w));
    fg_writer_free(w);
    assert_string_equal(out.data, "region  firms\n------  -----\n");
    fg_strbuf_free(&out);
}

static void test_quote_helpers(void **state)
{
    (void)state;
    fg_strbuf sb;
    fg_strbuf_init(&sb, NULL);
    const char *cases[][2] = {
        {"plain", "plain"},     {"", ""},
        {"a,b", "\"a,b\""},     {"say \"x\"", "\"say \"\"x\"\"\""},
        {"cr\r", "\"cr\r\""},   {"lf\n", "\"lf\n\""},
        {" lead", "\" lead\""}, {"trail ", "\"trail \""},
        {"mid dle", "mid dle"}, {"tab\tx", "tab\tx"},
        {"\"", "\"\"\"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fg_strbuf_clear(&sb);
        fg_csv_quote(&sb, cases[i][0], strlen(cases[i][0]), ',');
        assert_string_equal(sb.data ? sb.data : "", cases[i][1]);
    }
    fg_strbuf_clear(&sb);
    fg_csv_quote(&sb, "tab\tx", 5, '\t');
    assert_string_equal(sb.data, "\"tab\tx\"");
    fg_strbuf_clear(&sb);
    fg_csv_quote(&sb, "a,b", 3, '\t');
    assert_string_equal(sb.data, "a,b");

    fg_strbuf_clear(&sb);
    fg_json_quote(&sb, "a\"\\\n\r\t\b\f\x01\x1f\x7f é", 14);
    assert_string_equal(sb.data, "\"a\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f\x7f é\"");
    fg_strbuf_clear(&sb);
    fg_json_quote(&sb, "", 0);
    assert_string_equal(sb.data, "\"\"");
    fg_strbuf_free(&sb);
}

static void test_failing_sink(void **state)
{
    (void)state;
    static const fg_out_format fmts[] = {FG_FMT_CSV, FG_FMT_TSV, FG_FMT_JSONL, FG_FMT_TABLE};
    for (size_t f = 0; f < 4; f++) {
        int calls = 0;
        fg_byte_sink sink = {fail_write, &calls};
        fg_writer *w = fg_writer_new(NULL, fmts[f], sink, 6, names, types);
        assert_non_null(w);
        fg_value r1[] = {vstr("F1"), vstr("x"), vnum(1), vint(1), vbool(true), vmiss()};
        bool ok = fg_writer_header(w);
        for (int i = 0; i < 5000 && ok; i++)
            ok = fg_writer_row(w, r1);
        if (ok)
            ok = fg_writer_finish(w);
        assert_false(ok);
        assert_int_equal(calls, 1);
        /* once failed, stays failed without writing again */
        assert_false(fg_writer_row(w, r1));
        assert_false(fg_writer_finish(w));
        assert_int_equal(calls, 1);
        fg_writer_free(w);
    }
}

/* Big outputs reach the sink in several blocks and arrive whole. */
static void test_buffering(void **state)
{
    (void)state;
    fg_strbuf out;
    fg_strbuf_init(&out, NULL);
    fg_byte_sink sink = {sb_write, &out};
    const char *const n1[] = {"k"};
    const fg_type t1[] = {FG_T_INT};
    fg_writer *w = fg_writer_new(NULL, FG_FMT_CSV, sink, 1, n1, t1);
    assert_true(fg_writer_header(w));
    for (int i = 0; i < 100000; i++) {
        fg_value v = vint(i);
        assert_true(fg_writer_row(w, &v));
    }
    assert_true(out.len > 0 && out.len < 588891); /* some flushed, not all */
    assert_true(fg_writer_finish(w));
    fg_writer_free(w);
    assert_int_equal(out.len, 2 + 588890);
    assert_memory_equal(out.data + out.len - 6, "99999\n", 6);
    fg_strbuf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),          cmocka_unit_test(test_tsv),
        cmocka_unit_test(test_jsonl),        cmocka_unit_test(test_table),
        cmocka_unit_test(test_table_empty),  cmocka_unit_test(test_quote_helpers),
        cmocka_unit_test(test_failing_sink), cmocka_unit_test(test_buffering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
