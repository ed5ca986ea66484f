/* test_check.c — the checker and lowering: the SPEC's complete example
 * compiles to the expected program shape (inputs, keys, slot order,
 * outputs, table cells, report slots, tests), and each static error gives
 * its exact message, hint and line:col. Imports are tested on real files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/compile.h"

static const char spec_example[] =
    "# Access standard for forging enterprises, with incentives.\n"
    "policy \"forging-access\" version \"2004.1\"\n"
    "\n"
    "input {\n"
    "  id           : str  key\n"
    "  region       : str\n"
    "  capacity_t   : num                      # annual capacity, tonnes\n"
    "  output_t     : num?                     # last year's output; may be missing\n"
    "  employees    : int\n"
    "  dust_mg_m3   : num  from \"Dust (mg/m3)\" # CSV header differs from the name\n"
    "  accidents_3y : int\n"
    "  export_share : num?\n"
    "  rd_spend     : num\n"
    "  iso9001      : bool\n"
    "}\n"
    "\n"
    "const DUST_LIMIT = 30\n"
    "const RELIEF_CAP = 2_000_000\n"
    "\n"
    "table min_capacity(region: str) -> num {\n"
    "  | \"east\"               => 8_000\n"
    "  | [\"central\", \"north\"] => 6_000\n"
    "  | _                    => 5_000\n"
    "}\n"
    "\n"
    "table relief_rate(region: str, export_share: num) -> num {\n"
    "  | \"west\", _        => 0.20\n"
    "  | _,      >= 50%   => 0.15\n"
    "  | _,      30%..50% => 0.10\n"
    "  | _,      _        => 0\n"
    "}\n"
    "\n"
    "fn per_worker(x: num, n: int) -> num = if n > 0 then x / n else 0\n"
    "\n"
    "let productivity = per_worker(output_t ?? 0, employees)\n"
    "\n"
    "rule scale: capacity_t >= min_capacity(region)\n"
    "  else \"capacity {capacity_t} t is below the regional minimum {min_capacity(region)} t\"\n"
    "rule environment: dust_mg_m3 <= DUST_LIMIT\n"
    "  else \"dust {dust_mg_m3} mg/m3 exceeds {DUST_LIMIT}\"\n"
    "rule safety: accidents_3y == 0 else \"{accidents_3y} serious accidents in 3 years\"\n"
    "rule quality: iso9001 else \"no ISO 9001 certificate\"\n"
    "\n"
    "decide status {\n"
    "  when scale and environment and safety and quality => \"admitted\"\n"
    "  when environment and safety                        => \"upgrade\"\n"
    "  otherwise                                          => \"exit\"\n"
    "}\n"
    "\n"
    "output status\n"
    "output tax_relief = if status == \"admitted\"\n"
    "                    then min(relief_rate(region, export_share ?? 0) * rd_spend, "
    "RELIEF_CAP)\n"
    "                    else 0\n"
    "output reasons = failed()\n"
    "\n"
    "report by region {\n"
    "  firms    = count()\n"
    "  admitted = count(status == \"admitted\")\n"
    "  relief   = sum(tax_relief)\n"
    "  capacity = avg(capacity_t)\n"
    "}\n"
    "\n"
    "fixture typical = { id: \"T1\", region: \"east\", capacity_t: 9000, output_t: 8500,\n"
    "                    employees: 300, dust_mg_m3: 12, accidents_3y: 0,\n"
    "                    export_share: 0.4, rd_spend: 1e6, iso9001: true }\n"
    "\n"
    "test \"a clean eastern exporter is admitted\" {\n"
    "  given typical\n"
    "  expect status == \"admitted\"\n"
    "  expect tax_relief == 100_000\n"
    "}\n"
    "test \"one accident means exit\" {\n"
    "  given typical with { accidents_3y: 1 }\n"
    "  expect status == \"exit\"\n"
    "}\n";

/* A compiled policy with its diagnostics. */
typedef struct run {
    fg_sources src;
    fg_diags diags;
    fg_program *prog;
    fg_strbuf dump;
} run;

static run *compile_text(const char *text)
{
    run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    fg_sources_init(&r->src, NULL);
    fg_diags_init(&r->diags, NULL);
    fg_strbuf_init(&r->dump, NULL);
    r->prog = fg_compile_string(NULL, &r->src, &r->diags, "t.fp", text, strlen(text), NULL);
    if (r->prog)
        fg_ir_dump(r->prog, &r->dump);
    return r;
}

static void run_free(run *r)
{
    fg_program_free(r->prog);
    fg_diags_free(&r->diags);
    fg_sources_free(&r->src);
    fg_strbuf_free(&r->dump);
    free(r);
}

static void print_diags(const run *r)
{
    fg_strbuf sb;
    fg_strbuf_init(&sb, NULL);
    for (uint32_t i = 0; i < r->diags.n; i++)
        fg_diag_render(&r->src, &r->diags.items[i], &sb);
    fprintf(stderr, "%s", sb.data ? sb.data : "");
    fg_strbuf_free(&sb);
}

/* Asserts a diagnostic with exactly this severity, message, position and hint. */
static void expect_diag(const run *r, fg_severity sev, const char *msg, uint32_t line, uint32_t col,
                        const char *hint)
{
    for (uint32_t i = 0; i < r->diags.n; i++) {
        const fg_diag *d = &r->diags.items[i];
        if (d->severity != sev || strcmp(d->message, msg) != 0)
            continue;
        fg_linecol lc = fg_sources_linecol(&r->src, d->span.file, d->span.start);
        if (lc.line != line || lc.col != col)
            continue;
        if (hint && (!d->hint || strcmp(d->hint, hint) != 0))
            continue;
        return;
    }
    print_diags(r);
    fail_msg("no diagnostic %d:%d: %s (hint %s)", (int)line, (int)col, msg, hint ? hint : "-");
}

static void expect_error(const char *text, const char *msg, uint32_t line, uint32_t col,
                         const char *hint)
{
    run *r = compile_text(text);
    assert_null(r->prog);
    expect_diag(r, FG_SEV_ERROR, msg, line, col, hint);
    run_free(r);
}

/* lang/lint.c: failed() uses every rule; `output x` uses x; inputs read
 * only by a rule are used; a rule nothing reads is reported without failed(). */
static void test_lint_uses(void **state)
{
    (void)state;
    run *r = compile_text("input {\n  id : str key\n  a : int\n  b : int\n}\n"
                          "let twice = a * 2\n"
                          "rule r1: b > 0\n"
                          "output twice\n"
                          "output reasons = failed()\n");
    assert_non_null(r->prog);
    if (r->diags.nwarnings)
        print_diags(r);
    assert_int_equal(r->diags.nwarnings, 0);
    run_free(r);
    r = compile_text("input {\n  id : str key\n  b : int\n}\n"
                     "rule r1: b > 0\n"
                     "decide d {\n  when true => 1\n  when b > 1 => 2\n  otherwise => 3\n}\n");
    assert_non_null(r->prog);
    expect_diag(r, FG_SEV_WARNING,
                "rule `r1` is not used by any decide or output (its message still appears in "
                "failed())",
                5, 6, NULL);
    expect_diag(r, FG_SEV_WARNING, "`d` is declared but never used", 6, 8, NULL);
    expect_diag(r, FG_SEV_WARNING, "this arm is never taken: an earlier arm always matches first",
                8, 3, NULL);
    expect_diag(r, FG_SEV_NOTE, "the earlier arm is here", 7, 3, NULL);
    assert_int_equal(r->diags.nwarnings, 4); /* and the otherwise arm */
    run_free(r);
}

static int find_slot(const fg_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nslots; i++)
        if (p->slots[i].name && strcmp(p->slots[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Every SLOT node of slot s refers to an earlier slot. */
static bool reads_only_earlier(const fg_ir *n, uint32_t s)
{
    if (!n)
        return true;
    if (n->op == FG_IR_SLOT && n->imm.index >= s)
        return false;
    for (uint32_t i = 0; i < n->nargs; i++)
        if (!reads_only_earlier(n->args[i], s))
            return false;
    return true;
}

static bool dump_has(const run *r, const char *text)
{
    bool ok = r->dump.data && strstr(r->dump.data, text);
    if (!ok)
        fprintf(stderr, "dump lacks: %s\n%s", text, r->dump.data ? r->dump.data : "");
    return ok;
}

/* ---------------- the SPEC example ---------------- */

static void test_spec_example(void **state)
{
    (void)state;
    run *r = compile_text(spec_example);
    if (!r->prog)
        print_diags(r);
    assert_non_null(r->prog);
    assert_int_equal(r->diags.nerrors, 0);
    /* the example's `productivity` is never output (lang/lint.c): exactly
     * these four warnings, nothing else */
    assert_int_equal(r->diags.nwarnings, 4);
    expect_diag(r, FG_SEV_WARNING, "`output_t` is declared but never used", 8, 3,
                "remove it, or output it");
    expect_diag(r, FG_SEV_WARNING, "`employees` is declared but never used", 9, 3, NULL);
    expect_diag(r, FG_SEV_WARNING, "`per_worker` is declared but never used", 33, 4, "remove it");
    expect_diag(r, FG_SEV_WARNING, "`productivity` is declared but never used", 35, 5, NULL);
    const fg_program *p = r->prog;
    assert_string_equal(p->policy_name, "forging-access");
    assert_string_equal(p->policy_version, "2004.1");

    assert_int_equal(p->ninputs, 10);
    assert_string_equal(p->inputs[0].name, "id");
    assert_true(p->inputs[0].key);
    assert_int_equal(p->nkeys, 1);
    assert_int_equal(p->keys[0], 0);
    assert_int_equal(p->inputs[3].type, FG_T_NUM | FG_T_OPT);
    assert_string_equal(p->inputs[5].name, "dust_mg_m3");
    assert_string_equal(p->inputs[5].header, "Dust (mg/m3)");
    assert_string_equal(p->inputs[9].header, "iso9001");

    /* slots: lets/rules/decides/outputs in dependency order, then reports */
    static const char *const order[] = {"productivity", "scale",  "environment", "safety",
                                        "quality",      "status", "tax_relief",  "reasons"};
    assert_int_equal(p->first_report_slot, 8);
    assert_int_equal(p->nslots, 8 + 4); /* by region + 3 aggregate arguments */
    for (uint32_t i = 0; i < 8; i++)
        assert_string_equal(p->slots[i].name, order[i]);
    for (uint32_t i = 0; i < p->nslots; i++) {
        assert_true(reads_only_earlier(p->slots[i].expr, i));
        assert_true(reads_only_earlier(p->slots[i].message, i));
    }
    assert_int_equal(p->slots[1].kind, FG_SLOT_RULE);
    assert_int_equal(p->slots[5].kind, FG_SLOT_DECIDE);
    assert_int_equal(p->slots[6].kind, FG_SLOT_OUTPUT);
    assert_int_equal(p->nrules, 4);
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(p->rule_slots[i], 1 + i);
        assert_int_equal(p->slots[1 + i].rule_index, i);
    }
    assert_non_null(p->slots[1].message);
    assert_int_equal(p->slots[1].message->op, FG_IR_CONCAT);
    assert_int_equal(p->slots[4].message->op, FG_IR_CONST_STR);
    assert_int_equal(p->slots[5].expr->op, FG_IR_DECIDE);
    assert_int_equal(p->slots[5].expr->nargs, 5);
    assert_int_equal(p->slots[7].expr->op, FG_IR_FAILED);
    for (uint32_t i = 8; i < p->nslots; i++)
        assert_int_equal(p->slots[i].kind, FG_SLOT_REPORT);

    /* outputs in declaration order */
    assert_int_equal(p->noutputs, 3);
    assert_string_equal(p->outputs[0].name, "status");
    assert_int_equal(p->outputs[0].src, FG_OUT_SLOT);
    assert_int_equal(p->outputs[0].index, 5);
    assert_int_equal(p->outputs[0].type, FG_T_STR);
    assert_string_equal(p->outputs[1].name, "tax_relief");
    assert_int_equal(p->outputs[1].type, FG_T_NUM);
    assert_string_equal(p->outputs[2].name, "reasons");

    /* fns and tables */
    assert_int_equal(p->nfns, 1);
    assert_string_equal(p->fns[0].name, "per_worker");
    assert_int_equal(p->fns[0].nparams, 2);
    assert_int_equal(p->ntables, 2);
    const fg_table *mc = &p->tables[0];
    assert_string_equal(mc->name, "min_capacity");
    assert_int_equal(mc->nrows, 3);
    assert_int_equal(mc->rows[0].cells[0].kind, FG_IRCELL_EQ);
    assert_int_equal(mc->rows[0].cells[0].cmp_type, FG_T_STR);
    assert_int_equal(mc->rows[1].cells[0].kind, FG_IRCELL_IN);
    assert_int_equal(mc->rows[1].cells[0].nvals, 2);
    assert_memory_equal(mc->rows[1].cells[0].vals[1].s.ptr, "north", 5);
    assert_int_equal(mc->rows[2].cells[0].kind, FG_IRCELL_ANY);
    const fg_table *rr = &p->tables[1];
    assert_int_equal(rr->rows[1].cells[1].kind, FG_IRCELL_GE);
    assert_int_equal(rr->rows[1].cells[1].cmp_type, FG_T_NUM);
    assert_true(rr->rows[1].cells[1].vals[0].n == 0.5);
    assert_int_equal(rr->rows[2].cells[1].kind, FG_IRCELL_RANGE);
    assert_true(rr->rows[2].cells[1].vals[0].n == 0.3);
    assert_true(rr->rows[2].cells[1].vals[1].n == 0.5);

    /* the report */
    assert_int_equal(p->nreports, 1);
    const fg_report *rep = &p->reports[0];
    assert_null(rep->name);
    assert_int_equal(rep->nby, 1);
    assert_string_equal(rep->by_names[0], "region");
    assert_int_equal(rep->by_slots[0], 8);
    assert_int_equal(rep->ncols, 4);
    assert_int_equal(rep->cols[0].agg, FG_AGG_COUNT);
    assert_int_equal(rep->cols[0].slot, -1);
    assert_int_equal(rep->cols[1].agg, FG_AGG_COUNT_IF);
    assert_int_equal(rep->cols[1].slot, 9);
    assert_int_equal(rep->cols[2].agg, FG_AGG_SUM);
    assert_int_equal(rep->cols[2].type, FG_T_NUM);
    assert_int_equal(rep->cols[3].agg, FG_AGG_AVG);

    /* tests: fixture values per input, `with` overrides, widening */
    assert_int_equal(p->ntests, 2);
    const fg_test *t0 = &p->tests[0], *t1 = &p->tests[1];
    assert_string_equal(t0->title, "a clean eastern exporter is admitted");
    for (uint32_t i = 0; i < p->ninputs; i++)
        assert_true(t0->given[i]);
    assert_memory_equal(t0->inputs[1].s.ptr, "east", 4);
    assert_true(t0->inputs[2].n == 9000.0); /* int literal for a num input */
    assert_int_equal(t0->inputs[6].i, 0);
    assert_int_equal(t1->inputs[6].i, 1);
    assert_true(t1->inputs[9].b);
    assert_int_equal(t0->nexpects, 2);
    assert_string_equal(t0->expects[0].text, "status == \"admitted\"");
    assert_int_equal(t0->expects[1].expr->op, FG_IR_CMP_NUM);
    assert_int_equal(t1->nexpects, 1);

    /* widening and spans in the IR */
    assert_true(dump_has(r, "(CMP_NUM:bool <= (INPUT 5 dust_mg_m3:num) (TO_NUM:num "
                            "(CONST_INT 30)))"));
    assert_true(dump_has(r, "(DIV_NUM:num (PARAM 0 x:num) (TO_NUM:num (PARAM 1 n:int)))"));
    assert_true(dump_has(r, "(COALESCE:num (INPUT 3 output_t:num?) (TO_NUM:num (CONST_INT 0)))"));
    const fg_ir *div = p->fns[0].body->args[1];
    assert_int_equal(div->op, FG_IR_DIV_NUM);
    fg_linecol lc = fg_sources_linecol(&p->sources, div->span.file, div->span.start);
    assert_int_equal(lc.line, 33);
    assert_int_equal(lc.col, 56); /* the `/` token */
    run_free(r);
}

static void test_slot_order_follows_dependencies(void **state)
{
    (void)state;
    run *r = compile_text("input { a : int }\n"
                          "rule big: b > 10\n"
                          "let c = 1\n"
                          "let b = a * 2\n"
                          "output o = count\n"
                          "let count = failed_count()\n");
    assert_non_null(r->prog);
    const fg_program *p = r->prog;
    assert_int_equal(find_slot(p, "b"), 0);
    assert_int_equal(find_slot(p, "big"), 1);
    assert_int_equal(find_slot(p, "c"), 2);
    assert_int_equal(find_slot(p, "count"), 3);
    assert_int_equal(find_slot(p, "o"), 4);
    assert_true(dump_has(r, "0 let b: int = (MUL_INT:int (INPUT 0 a:int) (CONST_INT 2))"));
    run_free(r);
}

static void test_consts_fold(void **state)
{
    (void)state;
    run *r = compile_text("input { a : num }\n"
                          "const K = 5\n"
                          "const S = \"cap {K * 2} t {1.5}\"\n"
                          "const P = pow(2, 10) + K\n"
                          "const L = len(S)\n"
                          "output s = S\n"
                          "output p = a + P\n"
                          "output l = L\n");
    if (!r->prog)
        print_diags(r);
    assert_non_null(r->prog);
    assert_true(dump_has(r, "output s: str = (CONST_STR \"cap 10 t 1.5\")"));
    assert_true(dump_has(r, "(ADD_NUM:num (INPUT 0 a:num) (CONST_NUM 1029))"));
    assert_true(dump_has(r, "output l: int = (CONST_INT 12)"));
    run_free(r);
}

static void test_int_literal_widening(void **state)
{
    (void)state;
    run *r = compile_text("input { x : num  n : int }\n"
                          "let a = x + 5\n"
                          "let b = min(n, 2.5)\n"
                          "let c = n in [1, 2.5]\n"
                          "let d = if x > 1 then 1 else 0.5\n"
                          "fn half(v: num) -> num = v / 2\n"
                          "let e = half(n)\n");
    if (!r->prog)
        print_diags(r);
    assert_non_null(r->prog);
    assert_true(dump_has(r, "(ADD_NUM:num (INPUT 0 x:num) (TO_NUM:num (CONST_INT 5)))"));
    assert_true(dump_has(r, "(CALL:num min (TO_NUM:num (INPUT 1 n:int)) (CONST_NUM 2.5))"));
    assert_true(dump_has(r, "(IN:bool (TO_NUM:num (INPUT 1 n:int)) (TO_NUM:num (CONST_INT 1)) "
                            "(CONST_NUM 2.5))"));
    assert_true(dump_has(r, "(IF:num (CMP_NUM:bool > (INPUT 0 x:num) (TO_NUM:num (CONST_INT 1))) "
                            "(TO_NUM:num (CONST_INT 1)) (CONST_NUM 0.5))"));
    assert_true(dump_has(r, "(CALL_FN:num half (TO_NUM:num (INPUT 1 n:int)))"));
    run_free(r);
}

/* ---------------- errors ---------------- */

static void test_unknown_name_hint(void **state)
{
    (void)state;
    expect_error("input { capacity_t : num }\nrule r: capacty_t > 5\n", "unknown name `capacty_t`",
                 2, 9, "did you mean `capacity_t`?");
    expect_error("input { a : num }\nlet x = sqr(a)\n", "unknown function `sqr`", 2, 9,
                 "did you mean `sqrt`?");
}

static void test_null_safety(void **state)
{
    (void)state;
    expect_error("input { output_t : num? }\nlet y = output_t * 2\n",
                 "`output_t` may be missing (num?)", 2, 9,
                 "write `output_t ?? 0`, or test `output_t is missing`");
    expect_error("input { s : str? }\nlet y = \"x {s}\"\n", "`s` may be missing (str?)", 2, 13,
                 "write `s ?? \"\"`, or test `s is missing`");
    /* a let of an optional value is optional, checked where used */
    expect_error("input { o : int? }\nlet x = o\nrule r: x > 1\n", "`x` may be missing (int?)", 3,
                 9, NULL);
    /* optional accepted: ??, is missing, T? parameter, report aggregates */
    run *r = compile_text("input { o : num? }\nfn f(v: num?) -> num = v ?? 1\n"
                          "let a = f(o)\nlet b = o is missing\noutput c = o\n"
                          "report { s = sum(o) }\n");
    if (!r->prog)
        print_diags(r);
    assert_non_null(r->prog);
    run_free(r);
    r = compile_text("input { n : int }\nlet x = n ?? 3\n");
    assert_non_null(r->prog);
    expect_diag(r, FG_SEV_WARNING, "`n` is never missing (int), so `??` has no effect", 2, 11,
                NULL);
    run_free(r);
}

static void test_type_mismatches(void **state)
{
    (void)state;
    expect_error("input { region : str }\nlet z = region + 1\n",
                 "operand of `+` must be int or num, found str", 2, 9, NULL);
    expect_error("input { f : bool }\nlet s = if f then 1 else \"a\"\n",
                 "the branches of `if` have different types: int and str", 2, 9, NULL);
    expect_error("let s = \"a\" < 3\n", "cannot compare str with int", 2 - 1, 13, NULL);
    expect_error("input { n : int }\nrule r: n\n", "a rule condition must be bool, found int", 2, 9,
                 NULL);
    expect_error("input { f : bool }\nlet c = f < true\n",
                 "bools compare only with `==` and `!=`, not `<`", 2, 11, NULL);
    expect_error("input { n : int }\nlet u = len(n)\n", "`len` cannot take (int); it takes (str)",
                 2, 9, NULL);
    expect_error("let v = sqrt(1, 2)\n", "`sqrt` takes 1 argument, got 2", 1, 9, NULL);
    expect_error("let v = min(1)\n", "`min` takes 2 or more arguments, got 1", 1, 9, NULL);
    expect_error("fn f(x: num) -> num = x\nlet v = f(\"a\")\n",
                 "argument 1 (`x`) of `f` must be num, found str", 2, 11, NULL);
    expect_error("fn f(x: num) -> int = x\n", "the body of fn `f` must be int, found num", 1, 23,
                 NULL);
    expect_error("input { f : bool }\ndecide d { when f => 1 otherwise => \"x\" }\n",
                 "arms of decide `d` have different types: int and str", 2, 37, NULL);
}

static void test_no_cascade(void **state)
{
    (void)state;
    run *r = compile_text("let a = nosuch + 1\nlet b = a * 2 + \"x\"\nlet c = b > 1\n");
    assert_null(r->prog);
    expect_diag(r, FG_SEV_ERROR, "unknown name `nosuch`", 1, 9, NULL);
    assert_int_equal(r->diags.nerrors, 1);
    run_free(r);
    /* several independent errors in one run */
    r = compile_text("let a = x1\nlet b = x2\n");
    assert_int_equal(r->diags.nerrors, 2);
    run_free(r);
}

static void test_duplicates(void **state)
{
    (void)state;
    run *r = compile_text("input { a : int }\nlet dup = 1\nconst dup = 2\nlet a = 3\n");
    assert_null(r->prog);
    expect_diag(r, FG_SEV_ERROR, "duplicate declaration of `dup`", 3, 7, NULL);
    expect_diag(r, FG_SEV_NOTE, "`dup` is first declared here", 2, 5, NULL);
    expect_diag(r, FG_SEV_ERROR, "duplicate declaration of `a`", 4, 5, NULL);
    run_free(r);
}

static void test_dependency_cycle(void **state)
{
    (void)state;
    expect_error("let a = b + 1\nlet b = c\nlet c = a\n",
                 "dependency cycle: `a` -> `b` -> `c` -> `a`", 3, 9, NULL);
    expect_error("const B = C + 1\nconst C = B\n", "dependency cycle: `B` -> `C` -> `B`", 2, 11,
                 NULL);
    expect_error("let x = x + 1\n", "dependency cycle: `x` -> `x`", 1, 9, NULL);
}

static void test_fn_recursion(void **state)
{
    (void)state;
    const char *hint = "fns and tables may not call themselves, directly or through others, so "
                       "every evaluation terminates";
    expect_error("fn f(n: int) -> int = if n > 0 then f(n - 1) else 0\n",
                 "recursive call: `f` -> `f`", 1, 37, hint);
    expect_error("fn f(n: int) -> int = g(n)\nfn g(n: int) -> int = f(n) + 1\n",
                 "recursive call: `f` -> `g` -> `f`", 2, 23, hint);
}

static void test_failed_in_rule(void **state)
{
    (void)state;
    const char *hint = "failed() and failed_count() read every rule, so no rule may use them, "
                       "directly or through a let";
    expect_error("rule r1: failed_count() == 0\n",
                 "dependency cycle: `r1` -> `failed_count()` -> `r1`", 1, 10, hint);
    expect_error("let f1 = failed()\nrule q: f1 != \"\"\n",
                 "dependency cycle: `f1` -> `failed()` -> `q` -> `f1`", 2, 9, hint);
    /* outside rules it is fine */
    run *r = compile_text("input { a : int }\nrule r: a > 0\nlet n = failed_count()\n"
                          "output m = failed()\n");
    assert_non_null(r->prog);
    assert_true(dump_has(r, "let n: int = (FAILED_COUNT:int)"));
    run_free(r);
}

static void test_purity(void **state)
{
    (void)state;
    expect_error("input { capacity_t : num }\nfn g(n: int) -> num = n + capacity_t\n",
                 "fn `g` cannot use `capacity_t` (an input)", 2, 27,
                 "fn and table bodies see only their parameters, consts, other fns and tables, "
                 "and built-ins");
    expect_error("let x = 1\nconst C = x + 1\n", "const `C` cannot use `x` (a let)", 2, 11,
                 "a const sees only literals, other consts, operators, `if` and built-ins");
    expect_error("fn f(n: int) -> int = n\nconst C = f(1)\n", "const `C` cannot use `f` (a fn)", 2,
                 11, NULL);
    expect_error("table t(a: int) -> int { | _ => failed_count() }\n",
                 "table `t` cannot use `failed_count()` (it reads the row's rules)", 1, 33, NULL);
    /* parameters shadow globals */
    run *r = compile_text("input { n : int }\nfn f(n: int) -> int = n + 1\nlet x = f(n)\n");
    assert_non_null(r->prog);
    assert_true(dump_has(r, "(ADD_INT:int (PARAM 0 n:int) (CONST_INT 1))"));
    run_free(r);
}

static void test_tables(void **state)
{
    (void)state;
    expect_error("table t(a: int, b: str) -> num {\n  | 7 => 3\n  | _, _ => 0\n}\n",
                 "row 1 of table `t` has 1 cell, but the table has 2 parameters", 2, 3, NULL);
    expect_error("table t(a: int) -> num {\n  | \"q\" => 4\n  | _ => 0\n}\n",
                 "cell value `\"q\"` is str, but parameter `a` is int", 2, 5, NULL);
    expect_error("table t(a: int) -> num {\n  | 9..2 => 5\n  | _ => 0\n}\n",
                 "the range `9..2` is empty", 2, 5, "write the low end first");
    expect_error("table t(a: bool) -> num {\n  | < 3 => 5\n  | _ => 0\n}\n",
                 "a `<` cell needs a number or string parameter, but `a` is bool", 2, 5, NULL);
    expect_error("table t(a: int) -> str {\n  | 1 => 5\n  | _ => \"x\"\n}\n",
                 "a result of table `t` must be str, found int", 2, 10, NULL);
    /* num cells for an int parameter compare as num; consts fold into cells */
    run *r = compile_text("const LO = -2\ntable t(a: int) -> int {\n  | < 2.5 => 1\n"
                          "  | LO..5 => 2\n  | _ => 0\n}\n");
    if (!r->prog)
        print_diags(r);
    assert_non_null(r->prog);
    assert_int_equal(r->prog->tables[0].rows[0].cells[0].cmp_type, FG_T_NUM);
    assert_int_equal(r->prog->tables[0].rows[1].cells[0].cmp_type, FG_T_INT);
    assert_int_equal(r->prog->tables[0].rows[1].cells[0].vals[0].i, -2);
    run_free(r);
}

static void test_unique_overlap(void **state)
{
    (void)state;
    expect_error("table t(a: int, b: num) -> num unique {\n"
                 "  | 1..5, < 10 => 1\n"
                 "  | 3, >= 5 => 2\n"
                 "  | 6, _ => 3\n"
                 "}\n",
                 "rows 1 and 2 of table `t` overlap", 3, 3, "both rows match a = 3, b = 5");
    /* disjoint rows are fine (a warning remains for the missing catch-all) */
    run *r = compile_text("table t(a: int, s: str) -> int unique {\n | < 3, _ => 1\n"
                          " | >= 3, \"x\" => 2\n | 3..9, [\"y\", \"z\"] => 3\n}\n");
    if (!r->prog)
        print_diags(r);
    assert_non_null(r->prog);
    assert_true(r->prog->tables[0].unique);
    run_free(r);
}

static void test_catch_all_warning(void **state)
{
    (void)state;
    /* no number of `a` is certain to match no row (tests/unit/test_lint.c) */
    run *r = compile_text("table t(a: int, b: str) -> num {\n  | < 1, \"x\" => 1\n"
                          "  | >= 1, \"y\" => 2\n}\n");
    assert_non_null(r->prog);
    expect_diag(r, FG_SEV_WARNING, "table `t` has no catch-all row", 1, 7,
                "add `| _, _ => ...` or every unmatched row is a row error");
    run_free(r);
    /* where one is, the warning names it instead */
    r = compile_text("table t(a: int, b: str) -> num {\n  | 1, \"x\" => 1\n}\n");
    assert_non_null(r->prog);
    expect_diag(r, FG_SEV_WARNING, "table `t` has no row for a <= 0", 1, 7,
                "add a row for them, or a catch-all row `| _, _ => ...`");
    expect_diag(r, FG_SEV_WARNING, "table `t` has no row for a >= 2", 1, 7, NULL);
    run_free(r);
}

static void test_const_errors(void **state)
{
    (void)state;
    expect_error("const A = 10 / 0\n", "const `A` cannot be evaluated: division by zero", 1, 14,
                 NULL);
    expect_error("const B = 9223372036854775807 + 1\n",
                 "const `B` cannot be evaluated: integer overflow", 1, 31, NULL);
    expect_error("const C = sqrt(-1)\n",
                 "const `C` cannot be evaluated: result is not a finite number", 1, 11, NULL);
}

static void test_outputs(void **state)
{
    (void)state;
    expect_error("output nosuch\n", "`output nosuch` names no input, let, rule or decide", 1, 8,
                 NULL);
    expect_error("const A = 1\noutput A\n",
                 "`output A` must name an input, let, rule or decide, but `A` is a const", 2, 8,
                 "write `output name = expr` for a new column");
    run *r = compile_text("input { region : str }\noutput region\noutput region\n");
    assert_null(r->prog);
    expect_diag(r, FG_SEV_ERROR, "output `region` appears twice", 3, 8, NULL);
    expect_diag(r, FG_SEV_NOTE, "`region` is first output here", 2, 8, NULL);
    run_free(r);
    r = compile_text("input { k : int key  region : str }\noutput region\n");
    assert_non_null(r->prog);
    assert_int_equal(r->prog->outputs[0].src, FG_OUT_INPUT);
    assert_int_equal(r->prog->outputs[0].index, 1);
    run_free(r);
}

static void test_reports(void **state)
{
    (void)state;
    expect_error("input { c : num }\nreport { m = median(c) }\n", "unknown aggregate `median`", 2,
                 14,
                 "a report column is one of count(), count(cond), sum(x), avg(x), min(x), "
                 "max(x), share(cond)");
    expect_error("input { n : int }\nreport { s = share(n) }\n",
                 "the argument of `share` must be bool, found int", 2, 20, NULL);
    expect_error("input { s : str }\nreport { t = sum(s) }\n",
                 "the argument of `sum` must be int or num, found str", 2, 18, NULL);
}

static void test_fixtures(void **state)
{
    (void)state;
    expect_error("input { id : str  capacity : num }\nfixture fx = { id: \"a\", capacty: 5 }\n",
                 "unknown input `capacty` in fixture `fx`", 2, 25, "did you mean `capacity`?");
    expect_error("input { n : int }\nfixture fx = { n: \"x\" }\n",
                 "input `n` is int, but the value is str", 2, 19, NULL);
    expect_error("input { n : int }\nfixture fx = { n: 1 }\ntest \"t\" { given fy expect n > 0 }\n",
                 "unknown fixture `fy`", 3, 18, "did you mean `fx`?");
    expect_error("input { n : int }\nfixture fx = { n: 1 }\n"
                 "test \"t\" { given fx expect n + 1 }\n",
                 "an `expect` must be bool, found int", 3, 28, NULL);
    /* not given / missing: given false, value missing */
    run *r =
        compile_text("input { a : int  b : num?  c : str }\nfixture fx = { a: 1, b: missing }\n"
                     "test \"t\" { given fx with { c: \"z\" } expect a == 1 }\n");
    if (!r->prog)
        print_diags(r);
    assert_non_null(r->prog);
    const fg_test *t = &r->prog->tests[0];
    assert_true(t->given[0]);
    assert_int_equal(t->inputs[0].i, 1);
    assert_false(t->given[1]);
    assert_true(t->inputs[1].missing);
    assert_true(t->given[2]);
    assert_memory_equal(t->inputs[2].s.ptr, "z", 1);
    run_free(r);
}

/* ---------------- files and imports ---------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_imports(void **state)
{
    (void)state;
    char dir[] = "/tmp/fg_check_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "main.fp",
               "import \"lib.fp\"\ninput { a : num }\noutput b = scale(a) + RATE\n");
    write_file(dir, "lib.fp",
               "import \"main.fp\"\nimport \"lib.fp\"\nconst RATE = 2\n"
               "fn scale(x: num) -> num = x * RATE\nlet ignored = 1\n");
    char path[600];
    snprintf(path, sizeof path, "%s/main.fp", dir);
    fg_sources src;
    fg_diags diags;
    fg_sources_init(&src, NULL);
    fg_diags_init(&diags, NULL);
    fg_program *p = fg_compile_file(NULL, &src, &diags, "main.fp", path, NULL);
    if (!p) {
        fg_strbuf sb;
        fg_strbuf_init(&sb, NULL);
        for (uint32_t i = 0; i < diags.n; i++)
            fg_diag_render(&src, &diags.items[i], &sb);
        fprintf(stderr, "%s", sb.data ? sb.data : "");
        fg_strbuf_free(&sb);
    }
    assert_non_null(p);
    assert_int_equal(src.nfiles, 2);
    assert_int_equal(p->sources.nfiles, 2);
    assert_int_equal(p->nfns, 1);
    assert_int_equal(p->nslots, 1);
    assert_int_equal(diags.nwarnings, 1);
    assert_string_equal(diags.items[0].message, "let `ignored` is ignored in an imported file");
    fg_program_free(p);
    fg_diags_free(&diags);
    fg_sources_free(&src);

    /* a missing import, then a missing main file */
    write_file(dir, "bad.fp", "import \"nope.fp\"\n");
    snprintf(path, sizeof path, "%s/bad.fp", dir);
    fg_sources_init(&src, NULL);
    fg_diags_init(&diags, NULL);
    assert_null(fg_compile_file(NULL, &src, &diags, "bad.fp", path, NULL));
    assert_string_equal(diags.items[0].message, "cannot find import `nope.fp`");
    fg_diags_free(&diags);
    fg_sources_free(&src);

    fg_sources_init(&src, NULL);
    fg_diags_init(&diags, NULL);
    snprintf(path, sizeof path, "%s/absent.fp", dir);
    assert_null(fg_compile_file(NULL, &src, &diags, "rules.fp", path, NULL));
    assert_false(diags.items[0].has_span);
    assert_string_equal(diags.items[0].message, "cannot read rules.fp: No such file or directory");
    fg_diags_free(&diags);
    fg_sources_free(&src);

    const char *names[] = {"main.fp", "lib.fp", "bad.fp"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_example),
        cmocka_unit_test(test_slot_order_follows_dependencies),
        cmocka_unit_test(test_consts_fold),
        cmocka_unit_test(test_int_literal_widening),
        cmocka_unit_test(test_unknown_name_hint),
        cmocka_unit_test(test_null_safety),
        cmocka_unit_test(test_type_mismatches),
        cmocka_unit_test(test_no_cascade),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_dependency_cycle),
        cmocka_unit_test(test_fn_recursion),
        cmocka_unit_test(test_failed_in_rule),
        cmocka_unit_test(test_purity),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_unique_overlap),
        cmocka_unit_test(test_catch_all_warning),
        cmocka_unit_test(test_lint_uses),
        cmocka_unit_test(test_const_errors),
        cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_reports),
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_imports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
