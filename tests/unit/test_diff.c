/* test_diff.c — forge_diff (runtime/diff.c): transition counts, exact
 * totals overall and by group, changed rows with flipped rules, names in
 * one policy only, row errors, and the key check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <forge.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int collect(void *ud, const char *data, size_t len)
{
    char **s = ud;
    size_t n = *s ? strlen(*s) : 0;
    char *p = realloc(*s, n + len + 1);
    if (!p)
        return -1;
    memcpy(p + n, data, len);
    p[n + len] = '\0';
    *s = p;
    return 0;
}

static forge_policy *compile(const char *text)
{
    forge_policy *p = NULL;
    assert_int_equal(forge_compile_string(NULL, "p.fp", text, strlen(text), &p), FORGE_OK);
    return p;
}

static const char *const OLD = "input { id: str key  grp: str  x: int }\n"
                               "decide level { when x >= 10 => \"high\" otherwise => \"low\" }\n"
                               "output level\noutput pay = x * 2\noutput gone = 1\n"
                               "rule big: x >= 15\nreport by grp { n = count() }\n";
static const char *const NEW = "input { id: str key  grp: str  x: int }\n"
                               "decide level { when x >= 20 => \"high\" otherwise => \"low\" }\n"
                               "output level\noutput pay = x * 3\noutput fresh = 2\n"
                               "rule big: x >= 5\nreport by grp { n = count() }\n";
static const char *const DATA = "id,grp,x\nA,g1,10\nB,g1,20\nC,g2,5\nD,g2,bad\n";

static forge_status run(const char *oldt, const char *newt, const char *data, int rows,
                        forge_diff_format fmt, char **out, char **err, forge_diff_summary *sum)
{
    char path[] = "/tmp/forge_test_diff_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(data, f);
    fclose(f);
    forge_policy *po = compile(oldt), *pn = compile(newt);
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.data_path = path;
    opt.data_name = "data.csv";
    opt.write_out = collect;
    opt.out_ud = out;
    opt.write_err = collect;
    opt.err_ud = err;
    forge_diff_options d = {fmt, rows, "old", "new"};
    forge_status st = forge_diff(po, pn, &opt, &d, sum);
    remove(path);
    forge_policy_free(po);
    forge_policy_free(pn);
    return st;
}

static void test_csv_with_rows(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    forge_diff_summary sum;
    forge_status st = run(OLD, NEW, DATA, 1, FORGE_DIFF_CSV, &out, &err, &sum);
    assert_int_equal(st, FORGE_EROWS);
    assert_int_equal(sum.rows_read, 4);
    assert_int_equal(sum.rows_compared, 3);
    assert_int_equal(sum.rows_in_error, 1);
    assert_int_equal(sum.rows_changed, 3);
    assert_int_equal(sum.outputs_only_old, 1);
    assert_int_equal(sum.outputs_only_new, 1);
    /* the same data error in both policies is written once */
    assert_string_equal(err, "data.csv:5: error: key D: column x: bad int \"bad\"\n");
    assert_string_equal(out, "id,kind,name,old,new\n"
                             "A,output,level,high,low\n"
                             "A,output,pay,20,30\n"
                             "A,rule,big,false,true\n"
                             "B,output,pay,40,60\n"
                             "C,output,pay,10,15\n"
                             "C,rule,big,false,true\n"
                             "\n"
                             "rows_read,rows_compared,rows_in_error,rows_changed\n"
                             "4,3,1,3\n"
                             "\n"
                             "output,old,new,rows\n"
                             "level,high,high,1\n"
                             "level,high,low,1\n"
                             "level,low,low,1\n"
                             "\n"
                             "output,old,new,change\n"
                             "pay,70,105,35\n"
                             "\n"
                             "output,grp,old,new,change\n"
                             "pay,g1,60,90,30\n"
                             "pay,g2,10,15,5\n"
                             "\n"
                             "policy,kind,name\n"
                             "old,output,gone\n"
                             "new,output,fresh\n");
    free(out);
    free(err);
}

static void test_text_matrix(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    forge_diff_summary sum;
    run(OLD, NEW, DATA, 0, FORGE_DIFF_TEXT, &out, &err, &sum);
    assert_non_null(strstr(out, "level: rows by old value (lines) and new value (columns)\n"
                                "old \\ new  \"high\"  \"low\"\n"
                                "---------  ------  -----\n"
                                "\"high\"          1      1\n"
                                "\"low\"           0      1\n"));
    free(out);
    free(err);
}

static void test_exact_totals(void **state)
{
    (void)state;
    /* 0.1 + 0.2 + 0.3 summed exactly is 0.6 (naive left-to-right: 0.6000000000000001) */
    char *out = NULL, *err = NULL;
    forge_diff_summary sum;
    const char *o = "input { id: str key  v: num }\noutput y = v\n";
    const char *n = "input { id: str key  v: num }\noutput y = v * 2\n";
    forge_status st = run(o, n, "id,v\na,0.1\nb,0.2\nc,0.3\n", 0, FORGE_DIFF_CSV, &out, &err, &sum);
    assert_int_equal(st, FORGE_OK);
    assert_null(err);
    assert_non_null(strstr(out, "output,old,new,change\ny,0.6,1.2,0.6\n"));
    free(out);
}

static void test_key_mismatch(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    forge_diff_summary sum;
    const char *o = "input { id: str key  v: num }\noutput y = v\n";
    const char *n = "input { firm: str key  v: num }\noutput y = v\n";
    forge_status st = run(o, n, "id,firm,v\na,b,1\n", 0, FORGE_DIFF_TEXT, &out, &err, &sum);
    assert_int_equal(st, FORGE_EUSAGE);
    assert_string_equal(sum.message, "the key columns differ: old has (id), new has (firm); rows "
                                     "can only be compared by the same key");
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_with_rows),
        cmocka_unit_test(test_text_matrix),
        cmocka_unit_test(test_exact_totals),
        cmocka_unit_test(test_key_mismatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
