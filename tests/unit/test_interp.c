/* test_interp.c — the interpreter on hand-built programs: IR nodes made in
 * the program's arena, a batch filled by hand, then the slot values, rule
 * messages, failed() text, row error kinds and spans checked row by row
 * (a row in error must not stop the other rows). Every program and every
 * expression of the op tests also runs through both interpreters — the row
 * interpreter (opts.row_interp) and the vectorized one (the default of
 * fg_interp_batch) — which must agree on everything (compare_engines). */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include "runtime/engine.h"
#include "runtime/rt.h"
#include "stdlib/builtins.h"

/* ---- building IR by hand ---- */

static fg_program prog;

static fg_span SP(uint32_t start)
{
    return (fg_span){0, start, start + 1};
}

static fg_ir *node(fg_op op, fg_type t, uint32_t nargs, ...)
{
    fg_ir *n = fg_arena_zalloc(&prog.arena, sizeof *n);
    assert_non_null(n);
    n->op = (uint16_t)op;
    n->type = t;
    n->nargs = nargs;
    if (nargs) {
        n->args = fg_arena_alloc(&prog.arena, nargs * sizeof *n->args);
        assert_non_null(n->args);
        va_list ap;
        va_start(ap, nargs);
        for (uint32_t i = 0; i < nargs; i++)
            n->args[i] = va_arg(ap, fg_ir *);
        va_end(ap);
    }
    return n;
}

static fg_ir *at(fg_ir *n, uint32_t start)
{
    n->span = SP(start);
    return n;
}

static fg_ir *cint(int64_t v)
{
    fg_ir *n = node(FG_IR_CONST_INT, FG_T_INT, 0);
    n->imm.i = v;
    return n;
}

static fg_ir *cnum(double v)
{
    fg_ir *n = node(FG_IR_CONST_NUM, FG_T_NUM, 0);
    n->imm.n = v;
    return n;
}

static fg_ir *cbool(bool v)
{
    fg_ir *n = node(FG_IR_CONST_BOOL, FG_T_BOOL, 0);
    n->imm.b = v;
    return n;
}

static fg_str str_of(const char *s)
{
    return (fg_str){s, (uint32_t)strlen(s)};
}

static fg_ir *cstr(const char *s)
{
    fg_ir *n = node(FG_IR_CONST_STR, FG_T_STR, 0);
    n->imm.s = str_of(s);
    return n;
}

static fg_ir *indexed(fg_op op, fg_type t, uint32_t index)
{
    fg_ir *n = node(op, t, 0);
    n->imm.index = index;
    return n;
}

static fg_ir *cmp(fg_op op, fg_cmp c, fg_ir *a, fg_ir *b)
{
    fg_ir *n = node(op, FG_T_BOOL, 2, a, b);
    n->sub = (uint16_t)c;
    return n;
}

static fg_ir *call(fg_builtin id, fg_ir *a)
{
    fg_ir *n = node(FG_IR_CALL, fg_builtin_table[id].result, 1, a);
    n->sub = (uint16_t)id;
    return n;
}

static fg_value vint(int64_t i)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.i = i;
    return v;
}

static fg_value vnum(double n)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.n = n;
    return v;
}

static fg_value vstr(const char *s)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    v.s = str_of(s);
    return v;
}

static fg_ir_cell cell(fg_ir_cell_kind kind, fg_type cmp_type, uint32_t nvals, fg_value v0,
                       fg_value v1)
{
    fg_ir_cell c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.cmp_type = cmp_type;
    c.nvals = nvals;
    if (nvals) {
        c.vals = fg_arena_alloc(&prog.arena, nvals * sizeof *c.vals);
        c.vals[0] = v0;
        if (nvals > 1)
            c.vals[1] = v1;
    }
    return c;
}

/* ---- the program under test ----
 * input { a: int  b: num?  s: str  k: int? }
 * fn per_worker(x: num, n: int) -> num = if n > 0 then x / n else 0
 * fn twice(x: num) -> num = per_worker(x, 1) * 2
 * table grade(s: str, k: int?, x: num) -> str {
 *   | "east", _, _                  => "E"
 *   | ["north", "south"], < 0, _    => "NS-neg"
 *   | _, 1..5, >= 0.5               => "mid"
 *   | _, > 100.5, _                 => "big"
 *   | _, <= 0, < 0.0                => "small-neg"
 * }
 * slots: 0 let sum = a + 1                          (+ at 100)
 *        1 let ratio = (b ?? 1.0) / a               (/ at 110)
 *        2 rule positive: a > 0 else "a is {a}, s = {s}"
 *        3 rule short: len(s) < 5
 *        4 decide status { when positive and short => "ok"
 *                          when positive => "check" otherwise => "no" }
 *        5 output tbl = grade(s, k, ratio)           (call at 120)
 *        6 output reasons = failed()
 *        7 output nfail = failed_count()
 *        8 output w = twice(ratio)
 *        9 output inlist = s in ["x", "east"]
 *       10 output btw = a between -2 and 2
 *       11 report slot: a * 2                        (* at 130) */
enum {
    S_SUM,
    S_RATIO,
    S_POS,
    S_SHORT,
    S_STATUS,
    S_TBL,
    S_REASONS,
    S_NFAIL,
    S_W,
    S_IN,
    S_BTW,
    S_REP,
    NSLOTS
};

static const char *const grade_params[] = {"s", "k", "x"};
static fg_type grade_types[] = {FG_T_STR, FG_T_INT | FG_T_OPT, FG_T_NUM};
static const char *const pw_params[] = {"x", "n"};
static fg_type pw_types[] = {FG_T_NUM, FG_T_INT};
static const char *const twice_params[] = {"x"};
static fg_type twice_types[] = {FG_T_NUM};
static uint32_t rule_slots[] = {S_POS, S_SHORT};

static fg_ir *in_a(void)
{
    return indexed(FG_IR_INPUT, FG_T_INT, 0);
}
static fg_ir *in_s(void)
{
    return indexed(FG_IR_INPUT, FG_T_STR, 2);
}

static void build_program(void)
{
    memset(&prog, 0, sizeof prog);
    fg_arena_init(&prog.arena, NULL);
    fg_arena *ar = &prog.arena;

    prog.ninputs = 4;
    prog.inputs = fg_arena_zalloc(ar, 4 * sizeof *prog.inputs);
    const char *names[] = {"a", "b", "s", "k"};
    fg_type types[] = {FG_T_INT, FG_T_NUM | FG_T_OPT, FG_T_STR, FG_T_INT | FG_T_OPT};
    for (int i = 0; i < 4; i++) {
        prog.inputs[i].name = prog.inputs[i].header = names[i];
        prog.inputs[i].type = types[i];
    }

    /* fns */
    prog.nfns = 2;
    prog.fns = fg_arena_zalloc(ar, 2 * sizeof *prog.fns);
    fg_fn *pw = &prog.fns[0];
    pw->name = "per_worker";
    pw->nparams = 2;
    pw->param_names = (const char **)pw_params;
    pw->param_types = pw_types;
    pw->result = FG_T_NUM;
    pw->body = node(FG_IR_IF, FG_T_NUM, 3,
                    cmp(FG_IR_CMP_INT, FG_CMP_GT, indexed(FG_IR_PARAM, FG_T_INT, 1), cint(0)),
                    at(node(FG_IR_DIV_NUM, FG_T_NUM, 2, indexed(FG_IR_PARAM, FG_T_NUM, 0),
                            node(FG_IR_TO_NUM, FG_T_NUM, 1, indexed(FG_IR_PARAM, FG_T_INT, 1))),
                       200),
                    cnum(0));
    fg_fn *tw = &prog.fns[1];
    tw->name = "twice";
    tw->nparams = 1;
    tw->param_names = (const char **)twice_params;
    tw->param_types = twice_types;
    tw->result = FG_T_NUM;
    fg_ir *inner = indexed(FG_IR_CALL_FN, FG_T_NUM, 0);
    inner->nargs = 2;
    inner->args = fg_arena_alloc(ar, 2 * sizeof *inner->args);
    inner->args[0] = indexed(FG_IR_PARAM, FG_T_NUM, 0);
    inner->args[1] = cint(1);
    tw->body = at(node(FG_IR_MUL_NUM, FG_T_NUM, 2, inner, cnum(2)), 210);

    /* table grade */
    prog.ntables = 1;
    prog.tables = fg_arena_zalloc(ar, sizeof *prog.tables);
    fg_table *t = &prog.tables[0];
    t->name = "grade";
    t->nparams = 3;
    t->param_names = (const char **)grade_params;
    t->param_types = grade_types;
    t->result = FG_T_STR;
    t->nrows = 5;
    t->rows = fg_arena_zalloc(ar, 5 * sizeof *t->rows);
    const char *results[] = {"E", "NS-neg", "mid", "big", "small-neg"};
    fg_value z = vint(0);
    for (int r = 0; r < 5; r++) {
        t->rows[r].cells = fg_arena_zalloc(ar, 3 * sizeof(fg_ir_cell));
        t->rows[r].result = cstr(results[r]);
        for (int c = 0; c < 3; c++)
            t->rows[r].cells[c] = cell(FG_IRCELL_ANY, grade_types[c] & FG_T_BASE_MASK, 0, z, z);
    }
    t->rows[0].cells[0] = cell(FG_IRCELL_EQ, FG_T_STR, 1, vstr("east"), z);
    t->rows[1].cells[0] = cell(FG_IRCELL_IN, FG_T_STR, 2, vstr("north"), vstr("south"));
    t->rows[1].cells[1] = cell(FG_IRCELL_LT, FG_T_INT, 1, vint(0), z);
    t->rows[2].cells[1] = cell(FG_IRCELL_RANGE, FG_T_INT, 2, vint(1), vint(5));
    t->rows[2].cells[2] = cell(FG_IRCELL_GE, FG_T_NUM, 1, vnum(0.5), z);
    t->rows[3].cells[1] = cell(FG_IRCELL_GT, FG_T_NUM, 1, vnum(100.5), z); /* int k widened */
    t->rows[4].cells[1] = cell(FG_IRCELL_LE, FG_T_INT, 1, vint(0), z);
    t->rows[4].cells[2] = cell(FG_IRCELL_LT, FG_T_NUM, 1, vnum(0.0), z);

    /* slots */
    prog.nslots = NSLOTS;
    prog.slots = fg_arena_zalloc(ar, NSLOTS * sizeof *prog.slots);
    fg_slot *s = prog.slots;
    for (int i = 0; i < NSLOTS; i++)
        s[i].kind = FG_SLOT_OUTPUT;
    s[S_SUM].kind = FG_SLOT_LET;
    s[S_SUM].type = FG_T_INT;
    s[S_SUM].expr = at(node(FG_IR_ADD_INT, FG_T_INT, 2, in_a(), cint(1)), 100);

    s[S_RATIO].kind = FG_SLOT_LET;
    s[S_RATIO].type = FG_T_NUM;
    s[S_RATIO].expr = at(node(FG_IR_DIV_NUM, FG_T_NUM, 2,
                              node(FG_IR_COALESCE, FG_T_NUM, 2,
                                   indexed(FG_IR_INPUT, FG_T_NUM | FG_T_OPT, 1), cnum(1.0)),
                              node(FG_IR_TO_NUM, FG_T_NUM, 1, in_a())),
                         110);

    s[S_POS].kind = FG_SLOT_RULE;
    s[S_POS].name = "positive";
    s[S_POS].type = FG_T_BOOL;
    s[S_POS].rule_index = 0;
    s[S_POS].expr = cmp(FG_IR_CMP_INT, FG_CMP_GT, in_a(), cint(0));
    s[S_POS].message = node(FG_IR_CONCAT, FG_T_STR, 4, cstr("a is "),
                            node(FG_IR_TO_STR, FG_T_STR, 1, in_a()), cstr(", s = "), in_s());

    s[S_SHORT].kind = FG_SLOT_RULE;
    s[S_SHORT].name = "short";
    s[S_SHORT].type = FG_T_BOOL;
    s[S_SHORT].rule_index = 1;
    s[S_SHORT].expr = cmp(FG_IR_CMP_INT, FG_CMP_LT, call(FG_B_LEN, in_s()), cint(5));

    s[S_STATUS].kind = FG_SLOT_DECIDE;
    s[S_STATUS].type = FG_T_STR;
    s[S_STATUS].expr =
        node(FG_IR_DECIDE, FG_T_STR, 5,
             node(FG_IR_AND, FG_T_BOOL, 2, indexed(FG_IR_SLOT, FG_T_BOOL, S_POS),
                  indexed(FG_IR_SLOT, FG_T_BOOL, S_SHORT)),
             cstr("ok"), indexed(FG_IR_SLOT, FG_T_BOOL, S_POS), cstr("check"), cstr("no"));

    fg_ir *tc = at(indexed(FG_IR_CALL_TABLE, FG_T_STR, 0), 120);
    tc->nargs = 3;
    tc->args = fg_arena_alloc(ar, 3 * sizeof *tc->args);
    tc->args[0] = in_s();
    tc->args[1] = indexed(FG_IR_INPUT, FG_T_INT | FG_T_OPT, 3);
    tc->args[2] = indexed(FG_IR_SLOT, FG_T_NUM, S_RATIO);
    s[S_TBL].type = FG_T_STR;
    s[S_TBL].expr = tc;

    s[S_REASONS].type = FG_T_STR;
    s[S_REASONS].expr = node(FG_IR_FAILED, FG_T_STR, 0);
    s[S_NFAIL].type = FG_T_INT;
    s[S_NFAIL].expr = node(FG_IR_FAILED_COUNT, FG_T_INT, 0);

    fg_ir *tw_call = indexed(FG_IR_CALL_FN, FG_T_NUM, 1);
    tw_call->nargs = 1;
    tw_call->args = fg_arena_alloc(ar, sizeof *tw_call->args);
    tw_call->args[0] = indexed(FG_IR_SLOT, FG_T_NUM, S_RATIO);
    s[S_W].type = FG_T_NUM;
    s[S_W].expr = tw_call;

    s[S_IN].type = FG_T_BOOL;
    s[S_IN].expr = node(FG_IR_IN, FG_T_BOOL, 3, in_s(), cstr("x"), cstr("east"));
    s[S_BTW].type = FG_T_BOOL;
    s[S_BTW].expr = node(FG_IR_BETWEEN, FG_T_BOOL, 3, in_a(), cint(-2), cint(2));

    s[S_REP].kind = FG_SLOT_REPORT;
    s[S_REP].type = FG_T_INT;
    s[S_REP].expr = at(node(FG_IR_MUL_INT, FG_T_INT, 2, in_a(), cint(2)), 130);
    prog.first_report_slot = S_REP;

    prog.nrules = 2;
    prog.rule_slots = rule_slots;
    assert_false(prog.arena.failed);
}

/* ---- the batch ---- */

typedef struct row_in {
    int64_t a;
    bool b_missing;
    double b;
    const char *s;
    bool k_missing;
    int64_t k;
} row_in;

static const row_in rows[] = {
    /* 0 */ {1, false, 2.5, "east", false, 3},
    /* 1 */ {INT64_MAX, false, 1, "x", false, 0}, /* a + 1 overflows */
    /* 2 */ {0, true, 0, "x", false, 0},          /* 1.0 / 0 */
    /* 3 */ {-2, true, 0, "northern", true, 0},   /* no table row, k missing */
    /* 4 */ {-3, false, 3, "south", false, -1},   /* both rules fail */
    /* 5 */ {1, false, 1, "bad", false, 1},       /* a data error already */
    /* 6 */ {2, true, 0, "Z\xC3\xBCrich", false, 101},
    /* 7 */ {5, false, 5, "ab", false, 2},
    /* 8 */ {-1, true, 0, "w", false, 0},
};
#define NROWS (sizeof rows / sizeof rows[0])

static fg_batch batch;
static fg_results res;

static void fill_batch(void)
{
    assert_true(fg_batch_init(&batch, NULL, &prog, 16));
    for (uint32_t r = 0; r < NROWS; r++) {
        batch.cols[0].i[r] = rows[r].a;
        batch.cols[1].n[r] = rows[r].b;
        batch.cols[1].missing[r] = rows[r].b_missing;
        batch.cols[2].s[r] = str_of(rows[r].s);
        batch.cols[3].i[r] = rows[r].k;
        batch.cols[3].missing[r] = rows[r].k_missing;
        batch.line[r] = r + 2;
    }
    batch.nrows = NROWS;
    batch.err[5].kind = FG_RE_BAD_CELL;
    batch.err[5].column = 0;
}

static int setup(void **state)
{
    (void)state;
    build_program();
    fill_batch();
    assert_true(fg_results_init(&res, NULL, &prog, 16));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fg_results_free(&res);
    fg_batch_free(&batch);
    fg_arena_free(&prog.arena);
    return 0;
}

static fg_value val(uint32_t slot, uint32_t row)
{
    return res.vals[slot * res.cap + row];
}

static void assert_fgstr(fg_str s, const char *want)
{
    assert_int_equal(s.len, strlen(want));
    if (s.len)
        assert_memory_equal(s.ptr, want, s.len);
}

static void assert_span(fg_span sp, uint32_t start)
{
    assert_int_equal(sp.file, 0);
    assert_int_equal(sp.start, start);
    assert_int_equal(sp.end, start + 1);
}

static void assert_same_value(fg_type t, fg_value a, fg_value b)
{
    assert_int_equal(a.missing, b.missing);
    switch (fg_type_base(t)) {
    case FG_T_INT:
        assert_int_equal(a.i, b.i);
        break;
    case FG_T_NUM:
        assert_memory_equal(&a.n, &b.n, sizeof a.n);
        break;
    case FG_T_BOOL:
        assert_int_equal(a.b, b.b);
        break;
    default:
        assert_int_equal(a.s.len, b.s.len);
        if (a.s.len)
            assert_memory_equal(a.s.ptr, b.s.ptr, a.s.len);
        break;
    }
}

/* Evaluates the batch with p by the row interpreter and by the vectorized
 * one, each from fresh results and the batch's current row errors, and
 * asserts they agree on every slot value (also of rows in error: the slots
 * before the error are written, the others not), rule message and row
 * error. The batch keeps the vectorized interpreter's row errors. */
static void compare_engines_alloc(const fg_program *p, bool with_reports, const fg_allocator *al)
{
    fg_results r1, r2;
    assert_true(fg_results_init(&r1, NULL, p, 16));
    assert_true(fg_results_init(&r2, NULL, p, 16));
    r1.alloc = r2.alloc = al ? al : r1.alloc;
    fg_rowerr saved[16], e1[16];
    memcpy(saved, batch.err, batch.nrows * sizeof *saved);
    fg_eval_opts o1 = {.with_reports = with_reports, .row_interp = true};
    fg_eval_opts o2 = {.with_reports = with_reports};
    bool ok1 = fg_interp_batch(p, &batch, &r1, &o1);
    memcpy(e1, batch.err, batch.nrows * sizeof *e1);
    memcpy(batch.err, saved, batch.nrows * sizeof *saved);
    bool ok2 = fg_interp_batch(p, &batch, &r2, &o2);
    assert_int_equal(ok1, ok2);
    for (uint32_t r = 0; r < batch.nrows; r++) {
        const fg_rowerr *a = &e1[r], *b = &batch.err[r];
        assert_int_equal(a->kind, b->kind);
        if (a->kind == FG_RE_NONE)
            continue;
        assert_int_equal(a->column, b->column);
        assert_int_equal(a->span.file, b->span.file);
        assert_int_equal(a->span.start, b->span.start);
        assert_int_equal(a->span.end, b->span.end);
        assert_int_equal(a->detail.len, b->detail.len);
        if (a->detail.len)
            assert_memory_equal(a->detail.ptr, b->detail.ptr, a->detail.len);
    }
    for (uint32_t sl = 0; sl < p->nslots; sl++)
        for (uint32_t r = 0; r < batch.nrows; r++)
            assert_same_value(p->slots[sl].expr->type, r1.vals[sl * r1.cap + r],
                              r2.vals[sl * r2.cap + r]);
    for (uint32_t ru = 0; ru < p->nrules; ru++)
        for (uint32_t r = 0; r < batch.nrows; r++) {
            fg_value a = {.s = r1.rule_msgs[ru * r1.cap + r]};
            fg_value b = {.s = r2.rule_msgs[ru * r2.cap + r]};
            assert_same_value(FG_T_STR, a, b);
        }
    r1.alloc = r2.alloc = NULL;
    fg_results_free(&r1);
    fg_results_free(&r2);
}

static void compare_engines(const fg_program *p, bool with_reports)
{
    compare_engines_alloc(p, with_reports, NULL);
}

/* Clears the row errors of evaluation (row 5 keeps its data error). */
static void reset_errors(void)
{
    for (uint32_t r = 0; r < NROWS; r++)
        if (r != 5)
            memset(&batch.err[r], 0, sizeof batch.err[r]);
}

/* Both interpreters on a program whose one slot is e, over every row. */
static void compare_expr(fg_ir *e)
{
    fg_program q = prog;
    fg_slot slot;
    memset(&slot, 0, sizeof slot);
    slot.kind = FG_SLOT_OUTPUT;
    slot.name = "e";
    slot.type = e->type;
    slot.expr = e;
    q.nslots = 1;
    q.slots = &slot;
    q.nrules = 0;
    q.rule_slots = NULL;
    q.first_report_slot = 1;
    reset_errors();
    compare_engines(&q, false);
    reset_errors();
}

static void test_batch(void **state)
{
    (void)state;
    fg_eval_opts opts = {.with_reports = false};
    assert_true(fg_interp_batch(&prog, &batch, &res, &opts));

    /* row 0: everything holds */
    assert_int_equal(batch.err[0].kind, FG_RE_NONE);
    assert_int_equal(val(S_SUM, 0).i, 2);
    assert_true(val(S_RATIO, 0).n == 2.5);
    assert_true(val(S_POS, 0).b);
    assert_true(val(S_SHORT, 0).b);
    assert_fgstr(val(S_STATUS, 0).s, "ok");
    assert_fgstr(val(S_TBL, 0).s, "E");
    assert_fgstr(val(S_REASONS, 0).s, "");
    assert_int_equal(val(S_NFAIL, 0).i, 0);
    assert_true(val(S_W, 0).n == 5.0);
    assert_true(val(S_IN, 0).b);
    assert_true(val(S_BTW, 0).b);
    assert_true(val(S_REP, 0).missing); /* report slots only with_reports */

    /* row 1: integer overflow at the + */
    assert_int_equal(batch.err[1].kind, FG_RE_INT_OVERFLOW);
    assert_int_equal(batch.err[1].column, -1);
    assert_span(batch.err[1].span, 100);
    assert_int_equal(batch.err[1].detail.len, 0);

    /* row 2: division by zero at the / */
    assert_int_equal(batch.err[2].kind, FG_RE_DIV_ZERO);
    assert_span(batch.err[2].span, 110);

    /* row 3: no table row; the missing k matches only `_` */
    assert_int_equal(batch.err[3].kind, FG_RE_NO_TABLE_ROW);
    assert_span(batch.err[3].span, 120);
    assert_fgstr(batch.err[3].detail,
                 "no row of table grade matches (s = \"northern\", k = missing, x = -0.5)");
    /* the rules before the error were evaluated, with their messages */
    assert_false(val(S_POS, 3).b);
    assert_fgstr(res.rule_msgs[0 * res.cap + 3], "a is -2, s = northern");
    assert_fgstr(res.rule_msgs[1 * res.cap + 3], "rule short failed");

    /* row 4: both rules fail; failed() joins in rule order */
    assert_int_equal(batch.err[4].kind, FG_RE_NONE);
    assert_true(val(S_RATIO, 4).n == -1.0);
    assert_fgstr(val(S_STATUS, 4).s, "no");
    assert_fgstr(val(S_TBL, 4).s, "NS-neg");
    assert_fgstr(val(S_REASONS, 4).s, "a is -3, s = south; rule short failed");
    assert_int_equal(val(S_NFAIL, 4).i, 2);
    assert_true(val(S_W, 4).n == -2.0);
    assert_false(val(S_IN, 4).b);
    assert_false(val(S_BTW, 4).b);

    /* row 5: the data error is kept as it was */
    assert_int_equal(batch.err[5].kind, FG_RE_BAD_CELL);
    assert_int_equal(batch.err[5].column, 0);

    /* row 6: len counts code points (6); int k = 101 against num > 100.5 */
    assert_int_equal(batch.err[6].kind, FG_RE_NONE);
    assert_false(val(S_SHORT, 6).b);
    assert_fgstr(val(S_STATUS, 6).s, "check");
    assert_fgstr(val(S_TBL, 6).s, "big");
    assert_fgstr(val(S_REASONS, 6).s, "rule short failed");
    assert_int_equal(val(S_NFAIL, 6).i, 1);
    assert_fgstr(res.rule_msgs[0 * res.cap + 6], "");

    /* row 7: range and >= cells */
    assert_int_equal(batch.err[7].kind, FG_RE_NONE);
    assert_fgstr(val(S_TBL, 7).s, "mid");
    assert_fgstr(val(S_STATUS, 7).s, "ok");
    assert_false(val(S_BTW, 7).b);

    /* row 8: <= and < cells; between is inclusive */
    assert_int_equal(batch.err[8].kind, FG_RE_NONE);
    assert_fgstr(val(S_TBL, 8).s, "small-neg");
    assert_true(val(S_BTW, 8).b);
    assert_fgstr(val(S_REASONS, 8).s, "a is -1, s = w");

    reset_errors();
    compare_engines(&prog, false);
    reset_errors();
    compare_engines(&prog, true);
}

static void test_reports_and_expr(void **state)
{
    (void)state;
    fg_results_clear(&res);
    for (uint32_t r = 0; r < NROWS; r++)
        if (r != 5)
            batch.err[r].kind = FG_RE_NONE;
    fg_eval_opts opts = {.with_reports = true};
    assert_true(fg_interp_batch(&prog, &batch, &res, &opts));
    assert_int_equal(val(S_REP, 0).i, 2);
    assert_false(val(S_REP, 0).missing);
    assert_int_equal(val(S_REP, 8).i, -2);

    /* an expect-like expression over the computed row */
    fg_value out;
    fg_rowerr err;
    fg_ir *e = cmp(FG_IR_CMP_STR, FG_CMP_EQ, indexed(FG_IR_SLOT, FG_T_STR, S_STATUS), cstr("ok"));
    assert_int_equal(fg_interp_expr(&prog, &batch, &res, 0, e, &out, &err), FG_RE_NONE);
    assert_true(out.b);
    assert_int_equal(fg_interp_expr(&prog, &batch, &res, 4, e, &out, &err), FG_RE_NONE);
    assert_false(out.b);
    /* failed() outside the slots sees every rule */
    e = node(FG_IR_FAILED, FG_T_STR, 0);
    assert_int_equal(fg_interp_expr(&prog, &batch, &res, 6, e, &out, &err), FG_RE_NONE);
    assert_fgstr(out.s, "rule short failed");
    /* an error inside a fn body points into the body */
    fg_ir *c = indexed(FG_IR_CALL_FN, FG_T_NUM, 1);
    c->nargs = 1;
    c->args = fg_arena_alloc(&prog.arena, sizeof *c->args);
    c->args[0] = cnum(1e308);
    assert_int_equal(fg_interp_expr(&prog, &batch, &res, 0, c, &out, &err), FG_RE_NOT_FINITE);
    assert_span(err.span, 210);
}

/* Evaluates a row-independent expression with fg_interp_expr on row 0. */
static fg_rowerr_kind ev(fg_ir *e, fg_value *out, fg_rowerr *err)
{
    compare_expr(e);
    memset(out, 0, sizeof *out);
    return fg_interp_expr(&prog, &batch, &res, 0, e, out, err);
}

static void test_ops(void **state)
{
    (void)state;
    fg_value v;
    fg_rowerr err;
    fg_ir *div0 = at(node(FG_IR_DIV_NUM, FG_T_NUM, 2, cnum(1), cnum(-0.0)), 300);
    fg_ir *bad = cmp(FG_IR_CMP_NUM, FG_CMP_GT, div0, cnum(0));

    /* int arithmetic and its overflow */
    assert_int_equal(ev(at(node(FG_IR_NEG_INT, FG_T_INT, 1, cint(INT64_MIN)), 301), &v, &err),
                     FG_RE_INT_OVERFLOW);
    assert_span(err.span, 301);
    assert_int_equal(ev(node(FG_IR_SUB_INT, FG_T_INT, 2, cint(INT64_MIN), cint(1)), &v, &err),
                     FG_RE_INT_OVERFLOW);
    assert_int_equal(
        ev(node(FG_IR_MUL_INT, FG_T_INT, 2, cint(INT64_MAX / 2 + 1), cint(2)), &v, &err),
        FG_RE_INT_OVERFLOW);
    assert_int_equal(ev(node(FG_IR_MUL_INT, FG_T_INT, 2, cint(-4), cint(5)), &v, &err), FG_RE_NONE);
    assert_int_equal(v.i, -20);
    assert_int_equal(ev(node(FG_IR_NEG_INT, FG_T_INT, 1, cint(INT64_MAX)), &v, &err), FG_RE_NONE);
    assert_int_equal(v.i, -INT64_MAX);
    /* num arithmetic: non-finite and division by -0 */
    assert_int_equal(ev(div0, &v, &err), FG_RE_DIV_ZERO);
    assert_span(err.span, 300);
    assert_int_equal(ev(node(FG_IR_MUL_NUM, FG_T_NUM, 2, cnum(1e200), cnum(1e200)), &v, &err),
                     FG_RE_NOT_FINITE);
    assert_int_equal(ev(node(FG_IR_ADD_NUM, FG_T_NUM, 2, cnum(1.7e308), cnum(1.7e308)), &v, &err),
                     FG_RE_NOT_FINITE);
    assert_int_equal(ev(node(FG_IR_SUB_NUM, FG_T_NUM, 2, cnum(0.5), cnum(0.25)), &v, &err),
                     FG_RE_NONE);
    assert_true(v.n == 0.25);
    assert_int_equal(ev(node(FG_IR_NEG_NUM, FG_T_NUM, 1, cnum(2)), &v, &err), FG_RE_NONE);
    assert_true(v.n == -2);

    /* short-circuits: the erroring operand is never evaluated */
    assert_int_equal(ev(node(FG_IR_AND, FG_T_BOOL, 2, cbool(false), bad), &v, &err), FG_RE_NONE);
    assert_false(v.b);
    assert_int_equal(ev(node(FG_IR_OR, FG_T_BOOL, 2, cbool(true), bad), &v, &err), FG_RE_NONE);
    assert_true(v.b);
    assert_int_equal(ev(node(FG_IR_AND, FG_T_BOOL, 2, cbool(true), bad), &v, &err), FG_RE_DIV_ZERO);
    assert_int_equal(ev(node(FG_IR_IF, FG_T_NUM, 3, cbool(true), cnum(7), div0), &v, &err),
                     FG_RE_NONE);
    assert_true(v.n == 7);
    assert_int_equal(ev(node(FG_IR_IF, FG_T_NUM, 3, cbool(false), div0, cnum(8)), &v, &err),
                     FG_RE_NONE);
    assert_true(v.n == 8);
    /* ?? evaluates its default only when needed: row 0 has b = 2.5 */
    fg_ir *b_in = indexed(FG_IR_INPUT, FG_T_NUM | FG_T_OPT, 1);
    assert_int_equal(ev(node(FG_IR_COALESCE, FG_T_NUM, 2, b_in, div0), &v, &err), FG_RE_NONE);
    assert_true(v.n == 2.5);
    assert_false(v.missing);
    assert_int_equal(fg_interp_expr(&prog, &batch, &res, 2,
                                    node(FG_IR_COALESCE, FG_T_NUM, 2, b_in, div0), &v, &err),
                     FG_RE_DIV_ZERO);
    assert_int_equal(fg_interp_expr(&prog, &batch, &res, 2,
                                    node(FG_IR_IS_MISSING, FG_T_BOOL, 1, b_in), &v, &err),
                     FG_RE_NONE);
    assert_true(v.b);
    assert_int_equal(ev(node(FG_IR_IS_PRESENT, FG_T_BOOL, 1, b_in), &v, &err), FG_RE_NONE);
    assert_true(v.b);
    /* TO_NUM of a missing int is missing (row 3: k missing) */
    fg_ir *k_in = indexed(FG_IR_INPUT, FG_T_INT | FG_T_OPT, 3);
    assert_int_equal(fg_interp_expr(&prog, &batch, &res, 3,
                                    node(FG_IR_TO_NUM, FG_T_NUM | FG_T_OPT, 1, k_in), &v, &err),
                     FG_RE_NONE);
    assert_true(v.missing);
    /* DECIDE stops at the first true arm */
    assert_int_equal(
        ev(node(FG_IR_DECIDE, FG_T_NUM, 5, cbool(true), cnum(1), bad, cnum(2), cnum(3)), &v, &err),
        FG_RE_NONE);
    assert_true(v.n == 1);
    assert_int_equal(ev(node(FG_IR_DECIDE, FG_T_NUM, 3, cbool(false), div0, cnum(3)), &v, &err),
                     FG_RE_NONE);
    assert_true(v.n == 3);
    assert_int_equal(ev(node(FG_IR_NOT, FG_T_BOOL, 1, cbool(false)), &v, &err), FG_RE_NONE);
    assert_true(v.b);

    /* comparisons */
    assert_int_equal(ev(cmp(FG_IR_CMP_STR, FG_CMP_LT, cstr("ab"), cstr("abc")), &v, &err),
                     FG_RE_NONE);
    assert_true(v.b);
    assert_int_equal(ev(cmp(FG_IR_CMP_STR, FG_CMP_GT, cstr("b"), cstr("abc")), &v, &err),
                     FG_RE_NONE);
    assert_true(v.b);
    assert_int_equal(ev(cmp(FG_IR_CMP_STR, FG_CMP_LT, cstr("Z"), cstr("a")), &v, &err), FG_RE_NONE);
    assert_true(v.b); /* byte-wise */
    assert_int_equal(ev(cmp(FG_IR_CMP_NUM, FG_CMP_EQ, cnum(-0.0), cnum(0.0)), &v, &err),
                     FG_RE_NONE);
    assert_true(v.b);
    assert_int_equal(ev(cmp(FG_IR_CMP_INT, FG_CMP_NE, cint(1), cint(1)), &v, &err), FG_RE_NONE);
    assert_false(v.b);
    assert_int_equal(ev(cmp(FG_IR_CMP_INT, FG_CMP_GE, cint(1), cint(1)), &v, &err), FG_RE_NONE);
    assert_true(v.b);
    assert_int_equal(ev(cmp(FG_IR_CMP_BOOL, FG_CMP_EQ, cbool(true), cbool(false)), &v, &err),
                     FG_RE_NONE);
    assert_false(v.b);
    /* in / between on nums */
    assert_int_equal(ev(node(FG_IR_IN, FG_T_BOOL, 3, cnum(0.5), cnum(0.25), cnum(0.5)), &v, &err),
                     FG_RE_NONE);
    assert_true(v.b);
    assert_int_equal(
        ev(node(FG_IR_BETWEEN, FG_T_BOOL, 3, cstr("m"), cstr("a"), cstr("z")), &v, &err),
        FG_RE_NONE);
    assert_true(v.b);

    /* strings */
    assert_int_equal(ev(node(FG_IR_TO_STR, FG_T_STR, 1, cnum(0.1)), &v, &err), FG_RE_NONE);
    assert_fgstr(v.s, "0.1");
    assert_int_equal(ev(node(FG_IR_TO_STR, FG_T_STR, 1, cbool(false)), &v, &err), FG_RE_NONE);
    assert_fgstr(v.s, "false");
    assert_int_equal(ev(node(FG_IR_CONCAT, FG_T_STR, 3, cstr("x="),
                             node(FG_IR_TO_STR, FG_T_STR, 1, cint(-7)), cstr("!")),
                        &v, &err),
                     FG_RE_NONE);
    assert_fgstr(v.s, "x=-7!");

    /* a built-in's row error points at the call */
    fg_ir *sq = at(call(FG_B_SQRT, cnum(-1)), 310);
    assert_int_equal(ev(sq, &v, &err), FG_RE_NOT_FINITE);
    assert_span(err.span, 310);
    assert_int_equal(err.column, -1);
}

/* A deep (left-leaning) tree of additions still evaluates. */
static void test_deep_tree(void **state)
{
    (void)state;
    fg_ir *e = cint(0);
    for (int i = 0; i < 2000; i++)
        e = node(FG_IR_ADD_INT, FG_T_INT, 2, e, cint(1));
    fg_value v;
    fg_rowerr err;
    assert_int_equal(ev(e, &v, &err), FG_RE_NONE);
    assert_int_equal(v.i, 2000);
    /* nested fn calls grow the argument stack past its first size */
    fg_ir *c = cnum(1);
    for (int i = 0; i < 100; i++) {
        fg_ir *n = indexed(FG_IR_CALL_FN, FG_T_NUM, 1);
        n->nargs = 1;
        n->args = fg_arena_alloc(&prog.arena, sizeof *n->args);
        n->args[0] = c;
        c = n;
    }
    fg_ir *sum = node(FG_IR_CONCAT, FG_T_STR, 2, node(FG_IR_TO_STR, FG_T_STR, 1, c), cstr(""));
    assert_int_equal(ev(sum, &v, &err), FG_RE_NONE);
    assert_fgstr(v.s, "1.2676506002282294e+30"); /* 2^100 */
}

static void *fail_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return NULL;
}

/* Out of memory while evaluating: the row is marked and the batch reports it. */
static void test_oom(void **state)
{
    (void)state;
    fg_allocator bad = {fail_realloc, NULL};
    fg_results r;
    assert_true(fg_results_init(&r, NULL, &prog, 16));
    fg_arena_free(&r.scratch);
    fg_arena_init(&r.scratch, &bad);
    for (uint32_t i = 0; i < NROWS; i++)
        if (i != 5)
            batch.err[i].kind = FG_RE_NONE;
    fg_eval_opts opts = {.with_reports = false};
    assert_false(fg_interp_batch(&prog, &batch, &r, &opts));
    fg_rowerr_kind k0 = batch.err[0].kind, k3 = batch.err[3].kind, k5 = batch.err[5].kind;
    fg_results_free(&r);
    assert_int_equal(k0, FG_RE_NONE); /* row 0 makes no string */
    assert_int_equal(k3, FG_RE_OOM);  /* the rule message's concatenation */
    assert_int_equal(k5, FG_RE_BAD_CELL);
}

/* The vectorized interpreter falls back to the row interpreter when it
 * cannot allocate its columns: the same results as the row interpreter
 * with the same (failing) allocator. */
static void test_vinterp_fallback(void **state)
{
    (void)state;
    fg_allocator bad = {fail_realloc, NULL};
    reset_errors();
    compare_engines_alloc(&prog, false, &bad);
    assert_int_equal(batch.err[1].kind, FG_RE_INT_OVERFLOW); /* before the first call */
    assert_int_equal(batch.err[4].kind, FG_RE_OOM);          /* twice(): the row's argument stack */
    reset_errors();
}

static fg_ir *num_a(void)
{
    return node(FG_IR_TO_NUM, FG_T_NUM, 1, in_a());
}

static fg_ir *sub_num(fg_ir *x, double c, uint32_t at_)
{
    return at(node(FG_IR_SUB_NUM, FG_T_NUM, 2, x, cnum(c)), at_);
}

static fg_ir *div_num(fg_ir *x, fg_ir *y, uint32_t at_)
{
    return at(node(FG_IR_DIV_NUM, FG_T_NUM, 2, x, y), at_);
}

/* Row errors that depend on the row inside lazy constructs: each raised
 * only on the rows that evaluate it, the first in slot order winning, the
 * row's later slots untouched; compared between the two interpreters. */
static void test_vinterp_lazy_rows(void **state)
{
    (void)state;
    fg_arena *ar = &prog.arena;
    fg_ir *a_pos = cmp(FG_IR_CMP_INT, FG_CMP_GT, in_a(), cint(0));
    fg_ir *b_in = indexed(FG_IR_INPUT, FG_T_NUM | FG_T_OPT, 1);
    fg_ir *k_in = indexed(FG_IR_INPUT, FG_T_INT | FG_T_OPT, 3);
    /* 1 / (a - 1) errs on a = 1 (rows 0, 5), 1 / (a - 2) on a = 2 (row 6) */
    fg_ir *inv1 = div_num(cnum(1), sub_num(num_a(), 1, 0), 400);
    fg_ir *inv2 = div_num(cnum(1), sub_num(num_a(), 2, 0), 401);
    compare_expr(
        node(FG_IR_AND, FG_T_BOOL, 2, a_pos, cmp(FG_IR_CMP_NUM, FG_CMP_GT, inv1, cnum(0))));
    compare_expr(node(FG_IR_OR, FG_T_BOOL, 2, a_pos, cmp(FG_IR_CMP_NUM, FG_CMP_GT, inv2, cnum(0))));
    compare_expr(node(FG_IR_IF, FG_T_NUM, 3, a_pos, inv1, inv2));
    compare_expr(
        node(FG_IR_IF, FG_T_NUM, 3, cmp(FG_IR_CMP_INT, FG_CMP_GT, in_a(), cint(-100)), inv1, inv2));
    compare_expr(node(FG_IR_COALESCE, FG_T_NUM, 2, b_in, inv2));
    compare_expr(node(FG_IR_COALESCE, FG_T_NUM | FG_T_OPT, 2, b_in,
                      node(FG_IR_TO_NUM, FG_T_NUM | FG_T_OPT, 1, k_in)));
    compare_expr(node(FG_IR_IN, FG_T_BOOL, 4, num_a(), cnum(5), inv2, inv1));
    compare_expr(node(FG_IR_DECIDE, FG_T_NUM, 5, cmp(FG_IR_CMP_NUM, FG_CMP_LT, inv2, cnum(0)), inv1,
                      a_pos, cnum(7), node(FG_IR_NEG_NUM, FG_T_NUM, 1, inv1)));
    compare_expr(node(FG_IR_TO_STR, FG_T_STR, 1, k_in));
    compare_expr(node(FG_IR_IS_PRESENT, FG_T_BOOL, 1, k_in));
    compare_expr(node(FG_IR_NOT, FG_T_BOOL, 1, node(FG_IR_IS_MISSING, FG_T_BOOL, 1, b_in)));
    compare_expr(at(node(FG_IR_MUL_INT, FG_T_INT, 2, in_a(), cint(INT64_MAX / 4)), 402));
    compare_expr(at(node(FG_IR_NEG_INT, FG_T_INT, 1,
                         at(node(FG_IR_SUB_INT, FG_T_INT, 2, in_a(), cint(INT64_MAX)), 403)),
                    404));
    compare_expr(node(FG_IR_BETWEEN, FG_T_BOOL, 3, in_s(), cstr("b"), cstr("x")));
    compare_expr(cmp(FG_IR_CMP_STR, FG_CMP_GE, in_s(), cstr("south")));
    /* a right-leaning chain keeps many columns alive at once */
    fg_ir *chain = cint(0);
    for (int i = 0; i < 60; i++)
        chain = at(node(FG_IR_ADD_INT, FG_T_INT, 2,
                        at(node(FG_IR_MUL_INT, FG_T_INT, 2, in_a(), cint(i)), 500), chain),
                   501);
    compare_expr(chain);

    /* a program with its own fns, a table whose results err, and a rule
     * whose message errs */
    fg_program q = prog;
    q.fns = fg_arena_zalloc(ar, 3 * sizeof *q.fns);
    memcpy(q.fns, prog.fns, 2 * sizeof *q.fns);
    q.nfns = 3;
    fg_fn *id = &q.fns[2]; /* fn id(x: num) -> num = x (its result is its argument) */
    id->name = "id";
    id->nparams = 1;
    id->param_names = (const char **)twice_params;
    id->param_types = twice_types;
    id->result = FG_T_NUM;
    id->body = indexed(FG_IR_PARAM, FG_T_NUM, 0);
    q.tables = fg_arena_zalloc(ar, 2 * sizeof *q.tables);
    q.tables[0] = prog.tables[0];
    q.ntables = 2;
    fg_table *t = &q.tables[1]; /* scale(x: num, k: int?) */
    static const char *const sc_params[] = {"x", "k"};
    static fg_type sc_types[] = {FG_T_NUM, FG_T_INT | FG_T_OPT};
    t->name = "scale";
    t->nparams = 2;
    t->param_names = (const char **)sc_params;
    t->param_types = sc_types;
    t->result = FG_T_NUM;
    t->nrows = 3;
    t->rows = fg_arena_zalloc(ar, 3 * sizeof *t->rows);
    fg_value z = vint(0);
    for (int r = 0; r < 3; r++) {
        t->rows[r].cells = fg_arena_zalloc(ar, 2 * sizeof(fg_ir_cell));
        t->rows[r].cells[0] = cell(FG_IRCELL_ANY, FG_T_NUM, 0, z, z);
        t->rows[r].cells[1] = cell(FG_IRCELL_ANY, FG_T_INT, 0, z, z);
    }
    fg_ir *px = indexed(FG_IR_PARAM, FG_T_NUM, 0);
    t->rows[0].cells[0] = cell(FG_IRCELL_GE, FG_T_NUM, 1, vnum(1), z);
    t->rows[0].cells[1] = cell(FG_IRCELL_IN, FG_T_INT, 2, vint(0), vint(3));
    t->rows[0].result = div_num(px, sub_num(indexed(FG_IR_PARAM, FG_T_NUM, 0), 2, 0), 410);
    t->rows[1].cells[1] = cell(FG_IRCELL_RANGE, FG_T_NUM, 2, vnum(-1.5), vnum(1.5));
    t->rows[1].result = node(FG_IR_NEG_NUM, FG_T_NUM, 1, px);
    t->rows[2].cells[0] = cell(FG_IRCELL_LT, FG_T_NUM, 1, vnum(2), z);
    t->rows[2].result = at(node(FG_IR_MUL_NUM, FG_T_NUM, 2, px, cnum(1e308)), 411);

    enum { Q_ID, Q_SC, Q_R1, Q_R2, Q_FAIL, Q_CNT, Q_REP, Q_N };
    fg_slot *sl = fg_arena_zalloc(ar, Q_N * sizeof *sl);
    for (int i = 0; i < Q_N; i++)
        sl[i].kind = FG_SLOT_OUTPUT;
    fg_ir *idc = indexed(FG_IR_CALL_FN, FG_T_NUM, 2);
    idc->nargs = 1;
    idc->args = fg_arena_alloc(ar, sizeof *idc->args);
    idc->args[0] = num_a();
    sl[Q_ID].type = FG_T_NUM;
    sl[Q_ID].expr = idc;
    fg_ir *scc = at(indexed(FG_IR_CALL_TABLE, FG_T_NUM, 1), 412);
    scc->nargs = 2;
    scc->args = fg_arena_alloc(ar, 2 * sizeof *scc->args);
    scc->args[0] = indexed(FG_IR_SLOT, FG_T_NUM, Q_ID);
    scc->args[1] = k_in;
    sl[Q_SC].type = FG_T_NUM;
    sl[Q_SC].expr = scc;
    sl[Q_R1].kind = FG_SLOT_RULE;
    sl[Q_R1].name = "r1";
    sl[Q_R1].type = FG_T_BOOL;
    sl[Q_R1].rule_index = 0;
    sl[Q_R1].expr = cmp(FG_IR_CMP_INT, FG_CMP_LT, in_a(), cint(0));
    sl[Q_R1].message =
        node(FG_IR_CONCAT, FG_T_STR, 2, cstr("inv "), node(FG_IR_TO_STR, FG_T_STR, 1, inv1));
    sl[Q_R2].kind = FG_SLOT_RULE;
    sl[Q_R2].name = "r2";
    sl[Q_R2].type = FG_T_BOOL;
    sl[Q_R2].rule_index = 1;
    sl[Q_R2].expr = node(FG_IR_IS_PRESENT, FG_T_BOOL, 1, k_in);
    sl[Q_FAIL].type = FG_T_STR;
    sl[Q_FAIL].expr = node(FG_IR_FAILED, FG_T_STR, 0);
    sl[Q_CNT].type = FG_T_INT;
    sl[Q_CNT].expr = node(FG_IR_FAILED_COUNT, FG_T_INT, 0);
    sl[Q_REP].kind = FG_SLOT_REPORT;
    sl[Q_REP].type = FG_T_NUM;
    sl[Q_REP].expr = div_num(cnum(1), num_a(), 413);
    static uint32_t q_rules[] = {Q_R1, Q_R2};
    q.slots = sl;
    q.nslots = Q_N;
    q.nrules = 2;
    q.rule_slots = q_rules;
    q.first_report_slot = Q_REP;
    assert_false(ar->failed);
    reset_errors();
    compare_engines(&q, false);
    /* spot checks: row 0 (a = 1) errs in r1's message, after its value */
    assert_int_equal(batch.err[0].kind, FG_RE_DIV_ZERO);
    assert_span(batch.err[0].span, 400);
    assert_int_equal(batch.err[6].kind, FG_RE_NO_TABLE_ROW);
    assert_span(batch.err[6].span, 412);
    assert_fgstr(batch.err[6].detail, "no row of table scale matches (x = 2, k = 101)");
    assert_int_equal(batch.err[2].kind, FG_RE_NONE);
    reset_errors();
    compare_engines(&q, true);
    assert_int_equal(batch.err[2].kind, FG_RE_DIV_ZERO); /* the report slot: 1 / 0 */
    assert_span(batch.err[2].span, 413);
    reset_errors();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_reports_and_expr),
        cmocka_unit_test(test_ops),
        cmocka_unit_test(test_deep_tree),
        cmocka_unit_test(test_oom),
        cmocka_unit_test(test_vinterp_fallback),
        cmocka_unit_test(test_vinterp_lazy_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
