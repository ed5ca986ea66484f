/* test_testrun.c — the policy test runner on a hand-built program: a test
 * that passes, one whose expectations fail (with the values of their
 * parts), one missing required inputs, one whose row is in error and one
 * whose expectation hits a row error. The IR is built by hand over a small
 * source text so spans point at real tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "runtime/testrun.h"

static const char SRC[] = "input { region: str  employees: int  output_t: num? }\n"  /* 1 */
                          "let big = employees > 100\n"                              /* 2 */
                          "output status = if big then \"admitted\" else \"exit\"\n" /* 3 */
                          "let ratio = 10 / employees\n"                             /* 4 */
                          "test \"t\" {\n"                                           /* 5 */
                          "  expect status == \"admitted\"\n"                        /* 6 */
                          "  expect employees * 2 > 100 and big\n"                   /* 7 */
                          "  expect region in [\"east\", \"west\"]\n"                /* 8 */
                          "  expect output_t is missing\n"                           /* 9 */
                          "  expect 100 / (employees - 50) > 0\n"                    /* 10 */
                          "}\n";

typedef struct tb {
    fg_program *p;
    const char *text;
} tb;

/* The span of the n-th (0-based) occurrence of needle on the given line. */
static fg_span at(int line, const char *needle, int nth)
{
    const char *s = SRC;
    for (int l = 1; l < line; l++)
        s = strchr(s, '\n') + 1;
    const char *hit = strstr(s, needle);
    for (int i = 0; i < nth; i++)
        hit = strstr(hit + 1, needle);
    assert_non_null(hit);
    fg_span sp = {0, (uint32_t)(hit - SRC), (uint32_t)(hit - SRC + strlen(needle))};
    return sp;
}

static fg_ir *node(fg_program *p, fg_op op, fg_type t, fg_span sp, uint32_t nargs, ...)
{
    fg_ir *n = fg_arena_zalloc(&p->arena, sizeof *n);
    assert_non_null(n);
    n->op = (uint16_t)op;
    n->type = t;
    n->span = sp;
    n->nargs = nargs;
    if (nargs) {
        n->args = fg_arena_zalloc(&p->arena, nargs * sizeof *n->args);
        va_list ap;
        va_start(ap, nargs);
        for (uint32_t i = 0; i < nargs; i++)
            n->args[i] = va_arg(ap, fg_ir *);
        va_end(ap);
    }
    return n;
}

static fg_ir *cint(fg_program *p, int64_t v, fg_span sp)
{
    fg_ir *n = node(p, FG_IR_CONST_INT, FG_T_INT, sp, 0);
    n->imm.i = v;
    return n;
}

static fg_ir *cstr(fg_program *p, const char *s, fg_span sp)
{
    fg_ir *n = node(p, FG_IR_CONST_STR, FG_T_STR, sp, 0);
    n->imm.s.ptr = s;
    n->imm.s.len = (uint32_t)strlen(s);
    return n;
}

static fg_ir *ref(fg_program *p, fg_op op, uint32_t index, fg_type t, fg_span sp)
{
    fg_ir *n = node(p, op, t, sp, 0);
    n->imm.index = index;
    return n;
}

static fg_ir *cmp(fg_program *p, fg_op op, fg_cmp c, fg_span sp, fg_ir *a, fg_ir *b)
{
    fg_ir *n = node(p, op, FG_T_BOOL, sp, 2, a, b);
    n->sub = (uint16_t)c;
    return n;
}

static fg_span join(fg_span a, fg_span b)
{
    fg_span s = {a.file, a.start, b.end};
    return s;
}

enum { IN_REGION, IN_EMPLOYEES, IN_OUTPUT_T };

static fg_program *build(void)
{
    fg_program *p = calloc(1, sizeof *p);
    assert_non_null(p);
    fg_arena_init(&p->arena, NULL);
    fg_sources_init(&p->sources, NULL);
    assert_int_equal(fg_sources_add(&p->sources, "policy.fp", "policy.fp", SRC, strlen(SRC)), 0);

    static fg_input inputs[3];
    inputs[0] = (fg_input){"region", "region", FG_T_STR, false, at(1, "region", 0)};
    inputs[1] = (fg_input){"employees", "employees", FG_T_INT, false, at(1, "employees", 0)};
    inputs[2] =
        (fg_input){"output_t", "output_t", FG_T_NUM | FG_T_OPT, false, at(1, "output_t", 0)};
    p->ninputs = 3;
    p->inputs = inputs;

    p->nslots = 3;
    p->slots = fg_arena_zalloc(&p->arena, 3 * sizeof *p->slots);
    /* let big = employees > 100 */
    p->slots[0].kind = FG_SLOT_LET;
    p->slots[0].name = "big";
    p->slots[0].type = FG_T_BOOL;
    p->slots[0].expr = cmp(p, FG_IR_CMP_INT, FG_CMP_GT, at(2, ">", 0),
                           ref(p, FG_IR_INPUT, IN_EMPLOYEES, FG_T_INT, at(2, "employees", 0)),
                           cint(p, 100, at(2, "100", 0)));
    /* output status = if big then "admitted" else "exit" */
    p->slots[1].kind = FG_SLOT_OUTPUT;
    p->slots[1].name = "status";
    p->slots[1].type = FG_T_STR;
    p->slots[1].expr = node(
        p, FG_IR_IF, FG_T_STR, at(3, "if", 0), 3, ref(p, FG_IR_SLOT, 0, FG_T_BOOL, at(3, "big", 0)),
        cstr(p, "admitted", at(3, "\"admitted\"", 0)), cstr(p, "exit", at(3, "\"exit\"", 0)));
    /* let ratio = 10 / employees */
    p->slots[2].kind = FG_SLOT_LET;
    p->slots[2].name = "ratio";
    p->slots[2].type = FG_T_NUM;
    p->slots[2].expr =
        node(p, FG_IR_DIV_NUM, FG_T_NUM, at(4, "/", 0), 2,
             node(p, FG_IR_TO_NUM, FG_T_NUM, at(4, "10", 0), 1, cint(p, 10, at(4, "10", 0))),
             node(p, FG_IR_TO_NUM, FG_T_NUM, at(4, "employees", 0), 1,
                  ref(p, FG_IR_INPUT, IN_EMPLOYEES, FG_T_INT, at(4, "employees", 0))));
    p->first_report_slot = 3;

    fg_expect *ex = fg_arena_zalloc(&p->arena, 5 * sizeof *ex);
    /* status == "admitted" */
    ex[0].span = join(at(6, "status", 0), at(6, "\"admitted\"", 0));
    ex[0].text = "status == \"admitted\"";
    ex[0].expr = cmp(p, FG_IR_CMP_STR, FG_CMP_EQ, at(6, "==", 0),
                     ref(p, FG_IR_SLOT, 1, FG_T_STR, at(6, "status", 0)),
                     cstr(p, "admitted", at(6, "\"admitted\"", 0)));
    /* employees * 2 > 100 and big (no text: the span is used) */
    ex[1].span = join(at(7, "employees", 0), at(7, "big", 0));
    fg_ir *mul = node(p, FG_IR_MUL_INT, FG_T_INT, join(at(7, "employees", 0), at(7, "2", 0)), 2,
                      ref(p, FG_IR_INPUT, IN_EMPLOYEES, FG_T_INT, at(7, "employees", 0)),
                      cint(p, 2, at(7, "2", 0)));
    ex[1].expr =
        node(p, FG_IR_AND, FG_T_BOOL, at(7, "and", 0), 2,
             cmp(p, FG_IR_CMP_INT, FG_CMP_GT, at(7, ">", 0), mul, cint(p, 100, at(7, "100", 0))),
             ref(p, FG_IR_SLOT, 0, FG_T_BOOL, at(7, "big", 0)));
    /* region in ["east", "west"] */
    ex[2].span = join(at(8, "region", 0), at(8, "]", 0));
    ex[2].text = "region in [\"east\", \"west\"]";
    ex[2].expr = node(p, FG_IR_IN, FG_T_BOOL, at(8, "in", 0), 3,
                      ref(p, FG_IR_INPUT, IN_REGION, FG_T_STR, at(8, "region", 0)),
                      cstr(p, "east", at(8, "\"east\"", 0)), cstr(p, "west", at(8, "\"west\"", 0)));
    /* output_t is missing */
    ex[3].span = join(at(9, "output_t", 0), at(9, "missing", 0));
    ex[3].text = "output_t is missing";
    ex[3].expr = node(p, FG_IR_IS_MISSING, FG_T_BOOL, at(9, "is", 0), 1,
                      ref(p, FG_IR_INPUT, IN_OUTPUT_T, FG_T_NUM | FG_T_OPT, at(9, "output_t", 0)));
    /* 100 / (employees - 50) > 0 */
    ex[4].span = join(at(10, "100", 0), at(10, "0", 3));
    ex[4].text = "100 / (employees - 50) > 0";
    fg_ir *sub = node(p, FG_IR_SUB_INT, FG_T_INT, at(10, "-", 0), 2,
                      ref(p, FG_IR_INPUT, IN_EMPLOYEES, FG_T_INT, at(10, "employees", 0)),
                      cint(p, 50, at(10, "50", 0)));
    fg_ir *div =
        node(p, FG_IR_DIV_NUM, FG_T_NUM, at(10, "/", 0), 2,
             node(p, FG_IR_TO_NUM, FG_T_NUM, at(10, "100", 0), 1, cint(p, 100, at(10, "100", 0))),
             node(p, FG_IR_TO_NUM, FG_T_NUM, sub->span, 1, sub));
    fg_ir *zero = node(p, FG_IR_CONST_NUM, FG_T_NUM, at(10, "0", 3), 0);
    zero->imm.n = 0;
    ex[4].expr = cmp(p, FG_IR_CMP_NUM, FG_CMP_GT, at(10, ">", 0), div, zero);

    /* the tests */
    p->ntests = 5;
    p->tests = fg_arena_zalloc(&p->arena, 5 * sizeof *p->tests);
    static const char *titles[] = {"a big eastern firm is admitted", "a small firm is admitted",
                                   "only a region", "no employees", "fifty employees"};
    static const uint32_t nexp[] = {4, 4, 1, 1, 1};
    static const uint32_t first[] = {0, 0, 0, 0, 4};
    static const char *regions[] = {"east", "north", "east", "west", "west"};
    static const int64_t emps[] = {300, 5, 0, 0, 50};
    for (uint32_t i = 0; i < 5; i++) {
        fg_test *t = &p->tests[i];
        t->title = titles[i];
        t->span = at(5, "test", 0);
        t->inputs = fg_arena_zalloc(&p->arena, 3 * sizeof *t->inputs);
        t->given = fg_arena_zalloc(&p->arena, 3 * sizeof *t->given);
        t->nexpects = nexp[i];
        t->expects = &ex[first[i]];
        t->inputs[IN_REGION].s.ptr = regions[i];
        t->inputs[IN_REGION].s.len = (uint32_t)strlen(regions[i]);
        t->given[IN_REGION] = true;
        t->inputs[IN_EMPLOYEES].i = emps[i];
        t->given[IN_EMPLOYEES] = i != 2;
        t->inputs[IN_EMPLOYEES].missing = i == 2;
        t->inputs[IN_OUTPUT_T].missing = true;
    }
    return p;
}

static void free_prog(fg_program *p)
{
    fg_sources_free(&p->sources);
    fg_arena_free(&p->arena);
    free(p);
}

typedef struct seen {
    int n;
    char *titles[8];
    bool passed[8];
    char *reports[8];
} seen;

static void collect(void *ud, const fg_test_outcome *o)
{
    seen *s = ud;
    assert_true(s->n < 8);
    s->titles[s->n] = strdup(o->title);
    s->passed[s->n] = o->passed;
    s->reports[s->n] = strdup(o->report);
    s->n++;
}

static void test_runs_every_test(void **state)
{
    (void)state;
    fg_program *p = build();
    seen s;
    memset(&s, 0, sizeof s);
    uint32_t np = 99, nf = 99;
    assert_true(fg_run_tests(NULL, p, collect, &s, &np, &nf));
    assert_int_equal(s.n, 5);
    assert_int_equal(np, 1);
    assert_int_equal(nf, 4);

    assert_string_equal(s.titles[0], "a big eastern firm is admitted");
    assert_true(s.passed[0]);
    assert_string_equal(s.reports[0], "");

    assert_false(s.passed[1]);
    assert_string_equal(s.reports[1], "  policy.fp:6:10: expected: status == \"admitted\"\n"
                                      "    status = \"exit\"\n"
                                      "  policy.fp:7:10: expected: employees * 2 > 100 and big\n"
                                      "    employees * 2 = 10\n"
                                      "    big = false\n"
                                      "  policy.fp:8:10: expected: region in [\"east\", \"west\"]\n"
                                      "    region = \"north\"\n");

    assert_false(s.passed[2]);
    assert_string_equal(s.reports[2],
                        "  policy.fp:5:1: missing input fields: employees (every non-optional "
                        "input must be given by the fixture or with)\n");

    assert_false(s.passed[3]);
    assert_string_equal(s.reports[3], "  policy.fp:4:16: division by zero\n");

    assert_false(s.passed[4]);
    assert_string_equal(s.reports[4], "  policy.fp:10:10: expected: 100 / (employees - 50) > 0\n"
                                      "    error: policy.fp:10:14: division by zero\n");
    for (int i = 0; i < s.n; i++) {
        free(s.titles[i]);
        free(s.reports[i]);
    }
    free_prog(p);
}

static void test_missing_several_and_no_callback(void **state)
{
    (void)state;
    fg_program *p = build();
    p->tests[2].given[IN_REGION] = false; /* now region and employees are missing */
    p->ntests = 3;
    seen s;
    memset(&s, 0, sizeof s);
    uint32_t np, nf;
    assert_true(fg_run_tests(NULL, p, collect, &s, &np, &nf));
    assert_string_equal(s.reports[2],
                        "  policy.fp:5:1: missing input fields: region, employees (every "
                        "non-optional input must be given by the fixture or with)\n");
    for (int i = 0; i < s.n; i++) {
        free(s.titles[i]);
        free(s.reports[i]);
    }
    /* counts without a callback */
    assert_true(fg_run_tests(NULL, p, NULL, NULL, &np, &nf));
    assert_int_equal(np, 1);
    assert_int_equal(nf, 2);
    free_prog(p);
}

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
    fg_program *p = build();
    bool done = false;
    for (int limit = 0; !done && limit < 1000; limit++) {
        fail_alloc f = {limit};
        fg_allocator a = {failing_realloc, &f};
        uint32_t np, nf;
        done = fg_run_tests(&a, p, NULL, NULL, &np, &nf);
        if (done) {
            assert_int_equal(np, 1);
            assert_int_equal(nf, 4);
        }
    }
    assert_true(done);
    free_prog(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_every_test),
        cmocka_unit_test(test_missing_several_and_no_callback),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
