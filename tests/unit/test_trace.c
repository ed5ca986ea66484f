/* test_trace.c — the interpreter's trace hooks and what explain and
 * coverage make of them, on a small compiled policy: rule outcomes with
 * their operands' values, decide arms tested, table lookups with the
 * matching row and the cells that failed before it, margins of failed
 * comparisons (int strict, num), the row error of a row in error, a
 * --where expression compiled against the policy, and coverage counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"
#include "lang/extra_expr.h"
#include "runtime/policy_int.h"
#include "runtime/rt.h"
#include "runtime/trace.h"

static const char SRC[] =
    "input {\n"                                                               /* 1 */
    "  id: str key\n"                                                         /* 2 */
    "  region: str\n"                                                         /* 3 */
    "  cap: num\n"                                                            /* 4 */
    "  n: int\n"                                                              /* 5 */
    "}\n"                                                                     /* 6 */
    "table minimum(region: str) -> num {\n"                                   /* 7 */
    "  | \"east\" => 100\n"                                                   /* 8 */
    "  | [\"north\", \"south\"] => 80\n"                                      /* 9 */
    "  | _ => 50\n"                                                           /* 10 */
    "}\n"                                                                     /* 11 */
    "fn half(x: num) -> num = x / 2\n"                                        /* 12 */
    "let h = half(cap)\n"                                                     /* 13 */
    "rule big: cap >= minimum(region) else \"too small\"\n"                   /* 14 */
    "rule many: n > 10\n"                                                     /* 15 */
    "let per = 100 / n\n"                                                     /* 16 */
    "decide size {\n"                                                         /* 17 */
    "  when big and many => \"large\"\n"                                      /* 18 */
    "  when big => \"medium\"\n"                                              /* 19 */
    "  otherwise => \"small\"\n"                                              /* 20 */
    "}\n"                                                                     /* 21 */
    "output size\n"                                                           /* 22 */
    "fixture f = { id: \"T\", region: \"east\", cap: 120, n: 20 }\n"          /* 23 */
    "test \"large\" { given f expect size == \"large\" }\n"                   /* 24 */
    "test \"small\" { given f with { cap: 10 } expect size == \"small\" }\n"; /* 25 */

static const fg_allocator alloc = {NULL, NULL};

typedef struct fx {
    fg_program *prog;
    fg_batch batch;
    fg_results res;
    fg_trace tr;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    fg_sources src;
    fg_diags diags;
    fg_sources_init(&src, &alloc);
    fg_diags_init(&diags, &alloc);
    f->prog = fg_compile_string(&alloc, &src, &diags, "t.fp", SRC, sizeof SRC - 1, NULL);
    fg_diags_free(&diags);
    fg_sources_free(&src);
    if (!f->prog || !fg_batch_init(&f->batch, &alloc, f->prog, 4) ||
        !fg_results_init(&f->res, &alloc, f->prog, 4) || !fg_trace_init(&f->tr, &alloc, f->prog))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    fg_trace_free(&f->tr);
    fg_results_free(&f->res);
    fg_batch_free(&f->batch);
    fg_program_free(f->prog);
    free(f);
    return 0;
}

static uint32_t slot_of(const fg_program *p, const char *name)
{
    for (uint32_t s = 0; s < p->nslots; s++)
        if (strcmp(p->slots[s].name, name) == 0)
            return s;
    fail_msg("no slot %s", name);
    return 0;
}

/* One row: region, cap, n. */
static void fill(fx *f, const char *region, double cap, int64_t n)
{
    fg_batch *b = &f->batch;
    fg_batch_clear(b);
    b->nrows = 1;
    b->line[0] = 2;
    memset(&b->err[0], 0, sizeof b->err[0]);
    b->err[0].column = -1;
    b->keytext[0].ptr = "A";
    b->keytext[0].len = 1;
    for (uint32_t i = 0; i < b->ncols; i++)
        b->cols[i].missing[0] = false;
    b->cols[0].s[0] = (fg_str){"A", 1};
    b->cols[1].s[0] = (fg_str){region, (uint32_t)strlen(region)};
    b->cols[2].n[0] = cap;
    b->cols[3].i[0] = n;
}

static fg_rowerr_kind trace_row(fx *f)
{
    fg_results_clear(&f->res);
    fg_trace_reset(&f->tr);
    fg_eval_opts o = {.with_reports = false, .tracer = &f->tr.hooks};
    fg_rowerr err;
    memset(&err, 0, sizeof err);
    return fg_interp_row(f->prog, &f->batch, &f->res, 0, &o, &err);
}

static void test_rule_operands_and_table(void **state)
{
    fx *f = *state;
    const fg_program *p = f->prog;
    fill(f, "south", 70, 12);
    assert_int_equal(trace_row(f), FG_RE_NONE);
    uint32_t big = slot_of(p, "big"), many = slot_of(p, "many"), h = slot_of(p, "h");
    assert_int_equal(f->tr.slot_state[big], 2);
    assert_false(f->tr.slot_val[big].b);
    assert_true(f->tr.slot_val[many].b);
    assert_true(f->tr.slot_val[h].n == 35);
    assert_int_equal(f->tr.rule_msg[big].len, 9);
    assert_memory_equal(f->tr.rule_msg[big].ptr, "too small", 9);
    /* operands of `cap >= minimum(region)` */
    const fg_ir *cmp = p->slots[big].expr;
    assert_int_equal(cmp->op, FG_IR_CMP_NUM);
    fg_value v;
    assert_true(fg_trace_value(&f->tr, cmp->args[0], &v));
    assert_true(v.n == 70);
    assert_true(fg_trace_value(&f->tr, cmp->args[1], &v));
    assert_true(v.n == 80);
    /* the table call: row 2 matched, row 1's cell fails */
    const fg_trace_call *c = fg_trace_find_call(&f->tr, cmp->args[1]);
    assert_non_null(c);
    assert_int_equal(c->row, 1);
    assert_memory_equal(c->args[0].s.ptr, "south", 5);
    const fg_table *t = &p->tables[0];
    assert_false(fg_rt_cell_matches(&t->rows[0].cells[0], FG_T_STR, c->args[0]));
    assert_true(fg_rt_cell_matches(&t->rows[1].cells[0], FG_T_STR, c->args[0]));
    /* the fn call was recorded with its argument */
    const fg_trace_call *fc = fg_trace_find_call(&f->tr, p->slots[h].expr);
    assert_non_null(fc);
    assert_true(fc->args[0].n == 70);
}

static void test_decide_arms(void **state)
{
    fx *f = *state;
    const fg_program *p = f->prog;
    fill(f, "east", 150, 3); /* big, not many: the second arm */
    assert_int_equal(trace_row(f), FG_RE_NONE);
    uint32_t size = slot_of(p, "size");
    const fg_ir *d = p->slots[size].expr;
    assert_int_equal(f->tr.arms.n, 2);
    const fg_trace_arm *a0 = f->tr.arms.items[0], *a1 = f->tr.arms.items[1];
    assert_ptr_equal(a0->decide, d);
    assert_int_equal(a0->arm, 0);
    assert_false(a0->taken);
    assert_int_equal(a1->arm, 1);
    assert_true(a1->taken);
    assert_memory_equal(f->tr.slot_val[size].s.ptr, "medium", 6);
    /* the otherwise arm is reported as arm 2, taken */
    fill(f, "west", 10, 3);
    assert_int_equal(trace_row(f), FG_RE_NONE);
    assert_int_equal(f->tr.arms.n, 3);
    const fg_trace_arm *a2 = f->tr.arms.items[2];
    assert_int_equal(a2->arm, 2);
    assert_true(a2->taken);
}

static void test_row_error_stops_trace(void **state)
{
    fx *f = *state;
    const fg_program *p = f->prog;
    fill(f, "east", 150, 0); /* 100 / 0 in `per` */
    assert_int_equal(trace_row(f), FG_RE_DIV_ZERO);
    uint32_t per = slot_of(p, "per");
    assert_int_equal(f->tr.slot_state[per], 1); /* begun, never ended */
    assert_int_equal(f->tr.slot_state[slot_of(p, "size")], 0);
}

/* ---- explain through the public API, on a CSV file ---- */

static char out_buf[8192];
static size_t out_len;

static int collect(void *ud, const char *data, size_t len)
{
    (void)ud;
    if (out_len + len >= sizeof out_buf)
        return -1;
    memcpy(out_buf + out_len, data, len);
    out_len += len;
    out_buf[out_len] = '\0';
    return 0;
}

static forge_status explain(forge_policy *pol, const char *key, const char *where, int json,
                            forge_summary *sum)
{
    static const char csv[] = "id,region,cap,n\nA,south,70,12\nB,east,150,3\nC,west,10.5,0\n";
    const char *path = "/tmp/forge_test_trace.csv";
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite(csv, 1, sizeof csv - 1, fp);
    fclose(fp);
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.data_path = path;
    opt.data_name = "data.csv";
    opt.write_out = collect;
    forge_explain_options xo;
    forge_explain_options_init(&xo);
    xo.key = key;
    xo.where = where;
    xo.format = json ? FORGE_EXPLAIN_JSON : FORGE_EXPLAIN_TEXT;
    out_len = 0;
    out_buf[0] = '\0';
    forge_status st = forge_explain(pol, &opt, &xo, sum);
    remove(path);
    return st;
}

static void test_explain_text(void **state)
{
    (void)state;
    forge_policy *pol = NULL;
    assert_int_equal(forge_compile_string(NULL, "t.fp", SRC, sizeof SRC - 1, &pol), FORGE_OK);
    forge_summary sum;
    assert_int_equal(explain(pol, "A", NULL, 0, &sum), FORGE_OK);
    assert_int_equal(sum.rows_evaluated, 1);
    const char *want = "data.csv:2: key A\n"
                       "  let     h    = 35\n"
                       "  rule    big  FAIL  cap 70 >= minimum(region = \"south\") 80 (cap needs "
                       "+10)   \"too small\"\n"
                       "               minimum(region = \"south\") -> row 2 (t.fp:9)\n"
                       "                 row 1 (t.fp:8): region \"south\" does not match \"east\"\n"
                       "  rule    many pass  n 12 > 10\n"
                       "  let     per  = 8.333333333333334\n"
                       "  decide  size = \"small\"\n"
                       "               when #1 (t.fp:18): not taken: big false\n"
                       "               when #2 (t.fp:19): not taken: big false\n"
                       "               otherwise (t.fp:20): taken\n";
    assert_string_equal(out_buf, want);

    /* strict int margin: n 3 > 10 needs +8; the second arm fires */
    assert_int_equal(explain(pol, "B", NULL, 0, &sum), FORGE_OK);
    assert_non_null(strstr(out_buf, "  rule    many FAIL  n 3 > 10 (n needs +8)   \"rule many "
                                    "failed\"\n"));
    assert_non_null(strstr(out_buf, "when #1 (t.fp:18): not taken: many false\n"));
    assert_non_null(strstr(out_buf, "when #2 (t.fp:19): taken: big true\n"));
    assert_non_null(strstr(out_buf, "minimum(region = \"east\") -> row 1 (t.fp:8)\n"));

    /* a row in error is explained up to its error */
    assert_int_equal(explain(pol, "C", NULL, 0, &sum), FORGE_OK);
    assert_int_equal(sum.rows_in_error, 1);
    assert_non_null(strstr(out_buf, "  rule    big  FAIL  cap 10.5 >= minimum(region = \"west\") "
                                    "50 (cap needs +39.5)"));
    assert_non_null(strstr(out_buf, "  let     per  ERROR t.fp:16:15: division by zero\n"));
    assert_non_null(strstr(out_buf, "  row error: data.csv:4: error: key C: t.fp:16:15: "
                                    "division by zero\n"));
    assert_null(strstr(out_buf, "decide"));
    forge_policy_free(pol);
}

static void test_explain_where_and_json(void **state)
{
    (void)state;
    forge_policy *pol = NULL;
    assert_int_equal(forge_compile_string(NULL, "t.fp", SRC, sizeof SRC - 1, &pol), FORGE_OK);
    forge_summary sum;
    /* rows in error (C) are not selected by where */
    assert_int_equal(explain(pol, NULL, "not big or size == \"medium\"", 1, &sum), FORGE_OK);
    assert_int_equal(sum.rows_evaluated, 2);
    assert_int_equal(sum.rows_read, 3);
    assert_non_null(
        strstr(out_buf, "{\"data\":\"data.csv\",\"line\":2,\"key\":\"A\",\"error\":null,"));
    assert_non_null(
        strstr(out_buf, "\"margin\":{\"operand\":\"cap\",\"change\":10,\"strict\":false}"));
    assert_non_null(strstr(out_buf, "\"line\":3,\"key\":\"B\""));
    assert_non_null(strstr(out_buf, "{\"arm\":2,\"otherwise\":false,\"line\":19,\"taken\":true"));
    /* a where that does not type-check */
    assert_int_equal(explain(pol, NULL, "cap + 1", 0, &sum), FORGE_EUSAGE);
    assert_int_equal(explain(pol, NULL, "nope > 1", 0, &sum), FORGE_EUSAGE);
    forge_policy_free(pol);
}

static void test_extra_expr_indices(void **state)
{
    fx *f = *state;
    fg_sources src;
    fg_diags diags;
    fg_arena ar;
    fg_sources_init(&src, &alloc);
    fg_diags_init(&diags, &alloc);
    fg_arena_init(&ar, &alloc);
    const char *text = "size == \"large\" and h > 1";
    fg_ir *e = fg_compile_extra_expr(&alloc, f->prog, &src, &diags, "--where", text, strlen(text),
                                     FG_T_BOOL, &ar);
    assert_non_null(e);
    assert_int_equal(diags.nerrors, 0);
    assert_int_equal(e->op, FG_IR_AND);
    const fg_ir *lhs = e->args[0]->args[0];
    assert_int_equal(lhs->op, FG_IR_SLOT);
    assert_int_equal(lhs->imm.index, slot_of(f->prog, "size"));
    fg_arena_free(&ar);
    fg_diags_free(&diags);
    fg_sources_free(&src);
}

static void test_coverage(void **state)
{
    (void)state;
    forge_policy *pol = NULL;
    assert_int_equal(forge_compile_string(NULL, "t.fp", SRC, sizeof SRC - 1, &pol), FORGE_OK);
    unsigned passed = 0, failed = 0;
    forge_coverage cov;
    out_len = 0;
    assert_int_equal(forge_test_coverage(pol, NULL, NULL, &passed, &failed, collect, NULL, &cov),
                     FORGE_OK);
    assert_int_equal(passed, 2);
    /* items: 2 rules x 2 + 3 arms + 3 rows + 1 fn + 2 lets = 13; the tests
     * (east, 120, 20) and (east, 10, 20) never fail `many`, never take the
     * second arm, never match rows 2 and 3 */
    assert_int_equal(cov.total, 13);
    assert_int_equal(cov.covered, 9);
    assert_string_equal(out_buf, "t.fp:9: table minimum: row 2 never taken\n"
                                 "t.fp:10: table minimum: row 3 never taken\n"
                                 "t.fp:15: rule many never failed\n"
                                 "t.fp:19: decide size: `when` arm 2 never taken\n");
    forge_policy_free(pol);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_operands_and_table),
        cmocka_unit_test(test_decide_arms),
        cmocka_unit_test(test_row_error_stops_trace),
        cmocka_unit_test(test_explain_text),
        cmocka_unit_test(test_explain_where_and_json),
        cmocka_unit_test(test_extra_expr_indices),
        cmocka_unit_test(test_coverage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
