/* test_parse.c — the front end: lexer, parser and AST builders, on the SPEC
 * example, on precedence shapes (printed as S-expressions), on literals and
 * string interpolation, and on syntax and lexical errors with their
 * positions and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/parse.h"

static const char SPEC_EXAMPLE[] =
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
    "                    then min(relief_rate(region, export_share ?? 0) * rd_spend, RELIEF_CAP)\n"
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

/* ---------------- fixture ---------------- */

typedef struct ctx {
    fg_sources src;
    fg_arena ar;
    fg_diags diags;
    fg_ast ast;
    fg_strbuf out;
    bool ok;
} ctx;

static int setup(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    fg_sources_init(&c->src, NULL);
    fg_arena_init(&c->ar, NULL);
    fg_diags_init(&c->diags, NULL);
    fg_strbuf_init(&c->out, NULL);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    fg_strbuf_free(&c->out);
    fg_diags_free(&c->diags);
    fg_arena_free(&c->ar);
    fg_sources_free(&c->src);
    free(c);
    return 0;
}

static fg_ast *parse(ctx *c, const char *text)
{
    int id = fg_sources_add(&c->src, "t.fp", "t.fp", text, strlen(text));
    assert_true(id >= 0);
    c->ok = fg_parse_file(&c->src, (uint32_t)id, &c->ar, &c->diags, &c->ast);
    return &c->ast;
}

/* All diagnostics as `L:C: message [hint]` lines, in source order. */
static const char *diag_lines(ctx *c)
{
    fg_diags_sort(&c->diags);
    fg_strbuf_clear(&c->out);
    for (uint32_t i = 0; i < c->diags.n; i++) {
        fg_diag *d = &c->diags.items[i];
        fg_linecol lc = fg_sources_linecol(&c->src, d->span.file, d->span.start);
        fg_strbuf_printf(&c->out, "%u:%u: %s", lc.line, lc.col, d->message);
        if (d->hint)
            fg_strbuf_printf(&c->out, " [%s]", d->hint);
        fg_strbuf_addc(&c->out, '\n');
    }
    return c->out.data ? c->out.data : "";
}

static const char *span_text(ctx *c, fg_span s, char *buf, size_t cap)
{
    const fg_file *f = c->src.files[s.file];
    snprintf(buf, cap, "%.*s", (int)(s.end - s.start), f->text + s.start);
    return buf;
}

/* ---------------- S-expression printer ---------------- */

static void sx(fg_strbuf *sb, const fg_expr *e);

static void sx_list(fg_strbuf *sb, const fg_ptrvec *v)
{
    for (uint32_t i = 0; i < v->n; i++) {
        fg_strbuf_addc(sb, ' ');
        sx(sb, v->items[i]);
    }
}

static void sx(fg_strbuf *sb, const fg_expr *e)
{
    static const char *const binops[] = {"+",  "-", "*",  "/",   "==", "!=", "<",
                                         "<=", ">", ">=", "and", "or", "??"};
    if (!e) {
        fg_strbuf_adds(sb, "NULL");
        return;
    }
    switch (e->kind) {
    case FG_E_INT:
        fg_strbuf_printf(sb, "%lld", (long long)e->ival);
        break;
    case FG_E_NUM:
        fg_strbuf_printf(sb, "%.17gn", e->nval);
        break;
    case FG_E_BOOL:
        fg_strbuf_adds(sb, e->bval ? "true" : "false");
        break;
    case FG_E_STR:
        fg_strbuf_adds(sb, "(str");
        for (uint32_t i = 0; i < e->str.parts.n; i++) {
            const fg_strpart *p = e->str.parts.items[i];
            fg_strbuf_addc(sb, ' ');
            if (p->is_expr)
                sx(sb, p->expr);
            else
                fg_strbuf_printf(sb, "'%.*s'", (int)p->text.len, p->text.ptr);
        }
        fg_strbuf_addc(sb, ')');
        break;
    case FG_E_NAME:
        fg_strbuf_adds(sb, e->name.name);
        break;
    case FG_E_CALL:
        fg_strbuf_printf(sb, "(call %s", e->call.name);
        sx_list(sb, &e->call.args);
        fg_strbuf_addc(sb, ')');
        break;
    case FG_E_UNARY:
        fg_strbuf_adds(sb, e->unary.op == FG_OP_NEG ? "(neg " : "(not ");
        sx(sb, e->unary.operand);
        fg_strbuf_addc(sb, ')');
        break;
    case FG_E_BINARY:
        fg_strbuf_printf(sb, "(%s ", binops[e->binary.op]);
        sx(sb, e->binary.lhs);
        fg_strbuf_addc(sb, ' ');
        sx(sb, e->binary.rhs);
        fg_strbuf_addc(sb, ')');
        break;
    case FG_E_IF:
        fg_strbuf_adds(sb, "(if ");
        sx(sb, e->if_.cond);
        fg_strbuf_addc(sb, ' ');
        sx(sb, e->if_.then_e);
        fg_strbuf_addc(sb, ' ');
        sx(sb, e->if_.else_e);
        fg_strbuf_addc(sb, ')');
        break;
    case FG_E_IS:
        fg_strbuf_adds(sb, e->is.present ? "(present " : "(missing ");
        sx(sb, e->is.operand);
        fg_strbuf_addc(sb, ')');
        break;
    case FG_E_IN:
        fg_strbuf_adds(sb, "(in ");
        sx(sb, e->in.operand);
        sx_list(sb, &e->in.items);
        fg_strbuf_addc(sb, ')');
        break;
    case FG_E_BETWEEN:
        fg_strbuf_adds(sb, "(between ");
        sx(sb, e->between.operand);
        fg_strbuf_addc(sb, ' ');
        sx(sb, e->between.lo);
        fg_strbuf_addc(sb, ' ');
        sx(sb, e->between.hi);
        fg_strbuf_addc(sb, ')');
        break;
    }
}

/* Parses `let x = TEXT` and prints the value. */
static const char *expr_sx(ctx *c, const char *text)
{
    char buf[512];
    snprintf(buf, sizeof buf, "let x = %s", text);
    fg_ast *ast = parse(c, buf);
    fg_strbuf_clear(&c->out);
    if (!c->ok || ast->decls.n != 1)
        return "<error>";
    fg_decl *d = ast->decls.items[0];
    sx(&c->out, d->let.value);
    return c->out.data;
}

static fg_decl *decl_at(fg_ast *ast, uint32_t i)
{
    assert_true(i < ast->decls.n);
    return ast->decls.items[i];
}

/* ---------------- the SPEC example ---------------- */

static void test_spec_example(void **state)
{
    ctx *c = *state;
    char buf[256];
    fg_ast *ast = parse(c, SPEC_EXAMPLE);
    assert_string_equal(diag_lines(c), "");
    assert_true(c->ok);
    assert_int_equal(ast->decls.n, 29);
    static const struct {
        fg_decl_kind kind;
        const char *name;
    } want[] = {
        {FG_D_POLICY, NULL},
        {FG_D_INPUT, "id"},
        {FG_D_INPUT, "region"},
        {FG_D_INPUT, "capacity_t"},
        {FG_D_INPUT, "output_t"},
        {FG_D_INPUT, "employees"},
        {FG_D_INPUT, "dust_mg_m3"},
        {FG_D_INPUT, "accidents_3y"},
        {FG_D_INPUT, "export_share"},
        {FG_D_INPUT, "rd_spend"},
        {FG_D_INPUT, "iso9001"},
        {FG_D_CONST, "DUST_LIMIT"},
        {FG_D_CONST, "RELIEF_CAP"},
        {FG_D_TABLE, "min_capacity"},
        {FG_D_TABLE, "relief_rate"},
        {FG_D_FN, "per_worker"},
        {FG_D_LET, "productivity"},
        {FG_D_RULE, "scale"},
        {FG_D_RULE, "environment"},
        {FG_D_RULE, "safety"},
        {FG_D_RULE, "quality"},
        {FG_D_DECIDE, "status"},
        {FG_D_OUTPUT, "status"},
        {FG_D_OUTPUT, "tax_relief"},
        {FG_D_OUTPUT, "reasons"},
        {FG_D_REPORT, NULL},
        {FG_D_FIXTURE, "typical"},
        {FG_D_TEST, NULL},
        {FG_D_TEST, NULL},
    };
    for (uint32_t i = 0; i < 29; i++) {
        fg_decl *d = decl_at(ast, i);
        assert_int_equal(d->kind, want[i].kind);
        assert_int_equal(d->order, i);
        assert_int_equal(d->file, 0);
        if (want[i].name) {
            assert_non_null(d->name);
            assert_string_equal(d->name, want[i].name);
            assert_string_equal(span_text(c, d->name_span, buf, sizeof buf), want[i].name);
        } else {
            assert_null(d->name);
        }
    }

    fg_decl *pol = decl_at(ast, 0);
    assert_string_equal(pol->policy.name, "forging-access");
    assert_string_equal(pol->policy.version, "2004.1");
    assert_string_equal(span_text(c, pol->span, buf, sizeof buf),
                        "policy \"forging-access\" version \"2004.1\"");

    /* input fields: types, key, from */
    fg_decl *id = decl_at(ast, 1);
    assert_int_equal(id->input.type, FG_T_STR);
    assert_true(id->input.key);
    assert_null(id->input.header);
    assert_string_equal(span_text(c, id->span, buf, sizeof buf), "id           : str  key");
    assert_false(decl_at(ast, 2)->input.key);
    assert_int_equal(decl_at(ast, 4)->input.type, FG_T_NUM | FG_T_OPT);
    assert_string_equal(span_text(c, decl_at(ast, 4)->input.type_span, buf, sizeof buf), "num?");
    assert_int_equal(decl_at(ast, 5)->input.type, FG_T_INT);
    assert_string_equal(decl_at(ast, 6)->input.header, "Dust (mg/m3)");
    assert_int_equal(decl_at(ast, 10)->input.type, FG_T_BOOL);

    /* consts */
    assert_int_equal(decl_at(ast, 11)->const_.value->kind, FG_E_INT);
    assert_int_equal(decl_at(ast, 11)->const_.value->ival, 30);
    assert_int_equal(decl_at(ast, 12)->const_.value->ival, 2000000);

    /* table min_capacity: EQ "east", IN [central north], ANY */
    fg_decl *mc = decl_at(ast, 13);
    assert_int_equal(mc->table.params.n, 1);
    fg_param *p0 = mc->table.params.items[0];
    assert_string_equal(p0->name, "region");
    assert_int_equal(p0->type, FG_T_STR);
    assert_int_equal(mc->table.result, FG_T_NUM);
    assert_int_equal(mc->table.hit, FG_HIT_FIRST);
    assert_int_equal(mc->table.rows.n, 3);
    fg_table_row *r0 = mc->table.rows.items[0];
    fg_cell *c0 = r0->cells.items[0];
    assert_int_equal(c0->kind, FG_CELL_EQ);
    fg_strbuf_clear(&c->out);
    sx(&c->out, c0->a);
    assert_string_equal(c->out.data, "(str 'east')");
    assert_int_equal(r0->result->ival, 8000);
    assert_string_equal(span_text(c, r0->span, buf, sizeof buf),
                        "| \"east\"               => 8_000");
    fg_cell *c1 = ((fg_table_row *)mc->table.rows.items[1])->cells.items[0];
    assert_int_equal(c1->kind, FG_CELL_IN);
    assert_int_equal(c1->items.n, 2);
    fg_strbuf_clear(&c->out);
    sx(&c->out, c1->items.items[1]);
    assert_string_equal(c->out.data, "(str 'north')");
    fg_cell *c2 = ((fg_table_row *)mc->table.rows.items[2])->cells.items[0];
    assert_int_equal(c2->kind, FG_CELL_ANY);

    /* table relief_rate: percent cells */
    fg_decl *rr = decl_at(ast, 14);
    assert_int_equal(rr->table.params.n, 2);
    assert_int_equal(rr->table.rows.n, 4);
    fg_table_row *rr1 = rr->table.rows.items[1];
    assert_int_equal(rr1->cells.n, 2);
    fg_cell *ge = rr1->cells.items[1];
    assert_int_equal(ge->kind, FG_CELL_GE);
    assert_int_equal(ge->a->kind, FG_E_NUM);
    assert_true(ge->a->nval == 0.5);
    fg_cell *range = ((fg_table_row *)rr->table.rows.items[2])->cells.items[1];
    assert_int_equal(range->kind, FG_CELL_RANGE);
    assert_true(range->a->nval == 0.3);
    assert_true(range->b->nval == 0.5);
    assert_string_equal(span_text(c, range->span, buf, sizeof buf), "30%..50%");
    assert_true(rr1->result->nval == 0.15);
    assert_int_equal(((fg_table_row *)rr->table.rows.items[3])->result->ival, 0);

    /* fn */
    fg_decl *fn = decl_at(ast, 15);
    assert_int_equal(fn->fn.params.n, 2);
    assert_int_equal(((fg_param *)fn->fn.params.items[1])->type, FG_T_INT);
    assert_int_equal(fn->fn.result, FG_T_NUM);
    fg_strbuf_clear(&c->out);
    sx(&c->out, fn->fn.body);
    assert_string_equal(c->out.data, "(if (> n 0) (/ x n) 0)");

    fg_strbuf_clear(&c->out);
    sx(&c->out, decl_at(ast, 16)->let.value);
    assert_string_equal(c->out.data, "(call per_worker (?? output_t 0) employees)");

    /* rules with interpolated messages */
    fg_decl *scale = decl_at(ast, 17);
    fg_strbuf_clear(&c->out);
    sx(&c->out, scale->rule.cond);
    sx(&c->out, scale->rule.message);
    assert_string_equal(c->out.data,
                        "(>= capacity_t (call min_capacity region))"
                        "(str 'capacity ' capacity_t ' t is below the regional minimum ' "
                        "(call min_capacity region) ' t')");
    fg_strpart *ip = scale->rule.message->str.parts.items[1];
    assert_true(ip->is_expr);
    assert_string_equal(span_text(c, ip->expr->span, buf, sizeof buf), "capacity_t");
    fg_strpart *ip3 = scale->rule.message->str.parts.items[3];
    assert_string_equal(span_text(c, ip3->expr->call.name_span, buf, sizeof buf), "min_capacity");
    assert_string_equal(span_text(c, scale->rule.cond->binary.op_span, buf, sizeof buf), ">=");
    fg_decl *quality = decl_at(ast, 20);
    fg_strbuf_clear(&c->out);
    sx(&c->out, quality->rule.message);
    assert_string_equal(c->out.data, "(str 'no ISO 9001 certificate')");

    /* decide */
    fg_decl *st = decl_at(ast, 21);
    assert_int_equal(st->decide.arms.n, 3);
    fg_decide_arm *a0 = st->decide.arms.items[0];
    fg_strbuf_clear(&c->out);
    sx(&c->out, a0->cond);
    assert_string_equal(c->out.data, "(and (and (and scale environment) safety) quality)");
    assert_null(((fg_decide_arm *)st->decide.arms.items[2])->cond);

    /* outputs */
    assert_null(decl_at(ast, 22)->output.value);
    fg_strbuf_clear(&c->out);
    sx(&c->out, decl_at(ast, 23)->output.value);
    assert_string_equal(c->out.data,
                        "(if (== status (str 'admitted')) (call min (* (call relief_rate region "
                        "(?? export_share 0)) rd_spend) RELIEF_CAP) 0)");
    assert_int_equal(decl_at(ast, 24)->output.value->kind, FG_E_CALL);

    /* report */
    fg_decl *rep = decl_at(ast, 25);
    assert_int_equal(rep->report.by.n, 1);
    assert_string_equal(((fg_expr *)rep->report.by.items[0])->name.name, "region");
    assert_int_equal(rep->report.items.n, 4);
    fg_report_item *it1 = rep->report.items.items[1];
    assert_string_equal(it1->label, "admitted");
    assert_int_equal(it1->agg->kind, FG_E_CALL);
    fg_strbuf_clear(&c->out);
    sx(&c->out, it1->agg);
    assert_string_equal(c->out.data, "(call count (== status (str 'admitted')))");
    assert_int_equal(((fg_report_item *)rep->report.items.items[0])->agg->call.args.n, 0);

    /* fixture */
    fg_decl *fx = decl_at(ast, 26);
    assert_int_equal(fx->fixture.fields.n, 10);
    fg_field_init *f8 = fx->fixture.fields.items[8];
    assert_string_equal(f8->name, "rd_spend");
    assert_int_equal(f8->value->kind, FG_E_NUM);
    assert_true(f8->value->nval == 1e6);
    fg_field_init *f9 = fx->fixture.fields.items[9];
    assert_int_equal(f9->value->kind, FG_E_BOOL);
    assert_true(f9->value->bval);

    /* tests */
    fg_decl *t0 = decl_at(ast, 27);
    assert_string_equal(t0->test.title, "a clean eastern exporter is admitted");
    assert_string_equal(t0->test.fixture, "typical");
    assert_int_equal(t0->test.with.n, 0);
    assert_int_equal(t0->test.expects.n, 2);
    fg_strbuf_clear(&c->out);
    sx(&c->out, t0->test.expects.items[1]);
    assert_string_equal(c->out.data, "(== tax_relief 100000)");
    fg_decl *t1 = decl_at(ast, 28);
    assert_int_equal(t1->test.with.n, 1);
    fg_field_init *w = t1->test.with.items[0];
    assert_string_equal(w->name, "accidents_3y");
    assert_int_equal(w->value->ival, 1);
}

/* ---------------- expressions ---------------- */

static void test_precedence(void **state)
{
    static const char *const cases[][2] = {
        {"not a == b", "(not (== a b))"},
        {"a ?? b ?? c", "(?? a (?? b c))"},
        {"-x * y", "(* (neg x) y)"},
        {"a - b - c", "(- (- a b) c)"},
        {"a + b * c", "(+ a (* b c))"},
        {"a / b / c", "(/ (/ a b) c)"},
        {"a or b and c", "(or a (and b c))"},
        {"not a and b", "(and (not a) b)"},
        {"not not a", "(not (not a))"},
        {"a + b ?? c", "(?? (+ a b) c)"},
        {"a ?? b + c", "(?? a (+ b c))"},
        {"a ?? b < c", "(< (?? a b) c)"},
        {"x between 1 and 5 and y", "(and (between x 1 5) y)"},
        {"x between a ?? 0 and b + 1", "(between x (?? a 0) (+ b 1))"},
        {"x in [1, 2, a + 1]", "(in x 1 2 (+ a 1))"},
        {"x is missing or y is present", "(or (missing x) (present y))"},
        {"x ?? 0 is missing", "(missing (?? x 0))"},
        {"if a then 1 else if b then 2 else 3", "(if a 1 (if b 2 3))"},
        {"f(if a then 1 else 2, g())", "(call f (if a 1 2) (call g))"},
        {"1 + (if c then 2 else 3)", "(+ 1 (if c 2 3))"},
        {"- - 3", "(neg (neg 3))"},
        {"-(a + b)", "(neg (+ a b))"},
        {"int(x) + num(y) + str(z)", "(+ (+ (call int x) (call num y)) (call str z))"},
        {"a != b", "(!= a b)"},
        {"a <= b or a >= b", "(or (<= a b) (>= a b))"},
        {"true and false", "(and true false)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ctx *c = *state;
        teardown(state);
        setup(state);
        c = *state;
        const char *got = expr_sx(c, cases[i][0]);
        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("%s: got %s, want %s (diags: %s)", cases[i][0], got, cases[i][1],
                     diag_lines(c));
    }
}

static void test_spans_and_parens(void **state)
{
    ctx *c = *state;
    char buf[64];
    fg_ast *ast = parse(c, "let x = (a + b) * -c");
    assert_true(c->ok);
    fg_expr *e = decl_at(ast, 0)->let.value;
    assert_int_equal(e->kind, FG_E_BINARY);
    assert_string_equal(span_text(c, e->span, buf, sizeof buf), "(a + b) * -c");
    assert_string_equal(span_text(c, e->binary.op_span, buf, sizeof buf), "*");
    assert_true(e->binary.lhs->parenthesized);
    assert_string_equal(span_text(c, e->binary.lhs->span, buf, sizeof buf), "(a + b)");
    assert_string_equal(span_text(c, e->binary.lhs->binary.op_span, buf, sizeof buf), "+");
    assert_false(e->binary.rhs->parenthesized);
    assert_string_equal(span_text(c, e->binary.rhs->span, buf, sizeof buf), "-c");
    assert_string_equal(span_text(c, decl_at(ast, 0)->span, buf, sizeof buf),
                        "let x = (a + b) * -c");
    assert_int_equal(e->param_index, -1);
    assert_int_equal(e->builtin, -1);
}

static void test_numbers(void **state)
{
    ctx *c = *state;
    fg_ast *ast = parse(c, "let a = 50%\nlet b = 1.1%\nlet c = 1e6\nlet d = 2_000_000\n"
                           "let e = 1.5\nlet f = 2.5e1%\nlet g = 9223372036854775807\n"
                           "let h = 0.07%\nlet i = 100%\n");
    assert_string_equal(diag_lines(c), "");
    double want_num[] = {0.5, 0.011, 1e6, 0, 1.5, 0.25, 0, 0.0007, 1.0};
    for (uint32_t i = 0; i < 9; i++) {
        fg_expr *v = decl_at(ast, i)->let.value;
        if (i == 3) {
            assert_int_equal(v->kind, FG_E_INT);
            assert_int_equal(v->ival, 2000000);
        } else if (i == 6) {
            assert_int_equal(v->kind, FG_E_INT);
            assert_true(v->ival == INT64_MAX);
        } else {
            assert_int_equal(v->kind, FG_E_NUM);
            assert_true(v->nval == want_num[i]);
        }
    }
    /* exact decimal, not 1.1 / 100 */
    assert_true(((fg_decl *)ast->decls.items[1])->let.value->nval == strtod("0.011", NULL));
}

static void test_ranges_lex(void **state)
{
    ctx *c = *state;
    fg_ast *ast = parse(c, "table t(x: int, y: num) -> str unique {\n"
                           "  | 1..5, 30%..50% => \"a\"\n"
                           "  | -5..-1, < -2.5 => \"b\"\n"
                           "  | [1, LIMIT, -3], <= 0 => \"c\"\n"
                           "  | LIMIT, > 1e3 => \"d\"\n"
                           "  | _, _ => \"e\"\n"
                           "}\n");
    assert_string_equal(diag_lines(c), "");
    fg_decl *t = decl_at(ast, 0);
    assert_int_equal(t->table.hit, FG_HIT_UNIQUE);
    assert_int_equal(t->table.result, FG_T_STR);
    assert_int_equal(t->table.rows.n, 5);
    fg_table_row *r0 = t->table.rows.items[0];
    fg_cell *a = r0->cells.items[0];
    assert_int_equal(a->kind, FG_CELL_RANGE);
    assert_int_equal(a->a->ival, 1);
    assert_int_equal(a->b->ival, 5);
    fg_table_row *r1 = t->table.rows.items[1];
    fg_cell *neg = r1->cells.items[0];
    assert_int_equal(neg->kind, FG_CELL_RANGE);
    assert_int_equal(neg->a->kind, FG_E_INT);
    assert_int_equal(neg->a->ival, -5);
    assert_int_equal(neg->b->ival, -1);
    fg_cell *lt = r1->cells.items[1];
    assert_int_equal(lt->kind, FG_CELL_LT);
    assert_true(lt->a->nval == -2.5);
    fg_cell *in = ((fg_table_row *)t->table.rows.items[2])->cells.items[0];
    assert_int_equal(in->kind, FG_CELL_IN);
    assert_int_equal(in->items.n, 3);
    assert_int_equal(((fg_expr *)in->items.items[1])->kind, FG_E_NAME);
    assert_int_equal(((fg_expr *)in->items.items[2])->ival, -3);
    fg_cell *eqn = ((fg_table_row *)t->table.rows.items[3])->cells.items[0];
    assert_int_equal(eqn->kind, FG_CELL_EQ);
    assert_string_equal(eqn->a->name.name, "LIMIT");
}

static void test_strings(void **state)
{
    ctx *c = *state;
    char buf[64];
    fg_ast *ast =
        parse(c, "let s = \"a\\\"b\\\\c\\nd\\te\\{f}\\u{e9}\\u{1F600}{x + 1}!{\"in{y}\"}\"\n"
                 "let e = \"\"\n");
    assert_string_equal(diag_lines(c), "");
    fg_expr *s = decl_at(ast, 0)->let.value;
    fg_strbuf_clear(&c->out);
    sx(&c->out, s);
    assert_string_equal(c->out.data, "(str 'a\"b\\c\nd\te{f}\xC3\xA9\xF0\x9F\x98\x80' (+ x 1) '!' "
                                     "(str 'in' y))");
    fg_strpart *p1 = s->str.parts.items[1];
    assert_string_equal(span_text(c, p1->expr->span, buf, sizeof buf), "x + 1");
    assert_string_equal(span_text(c, p1->expr->binary.op_span, buf, sizeof buf), "+");
    fg_strpart *p3 = s->str.parts.items[3];
    assert_string_equal(span_text(c, p3->expr->span, buf, sizeof buf), "\"in{y}\"");
    fg_expr *e = decl_at(ast, 1)->let.value;
    assert_int_equal(e->kind, FG_E_STR);
    assert_int_equal(e->str.parts.n, 0);
    /* braces inside an interpolation nest */
    teardown(state);
    setup(state);
    c = *state;
    assert_string_equal(expr_sx(c, "\"{f(\"}\")}\""), "(str (call f (str '}')))");
}

static void test_inputs_fixtures(void **state)
{
    ctx *c = *state;
    fg_ast *ast = parse(c, "input { a : int from \"A\" key\n b: str? key from \"B b\" }\n"
                           "input { c : bool }\n"
                           "fixture f = { a: -3, b: missing, c: false, d: -2.5%, e: \"x\", }\n"
                           "fixture g = { }\n"
                           "test \"t\" { given f with { a: 1, } expect a == 1 expect true }\n"
                           "report { n = count() }\n"
                           "report named by a, b { s = share(c) }\n"
                           "import \"lib/std.fp\"\n"
                           "policy \"p\"\n");
    assert_string_equal(diag_lines(c), "");
    assert_int_equal(ast->decls.n, 10);
    fg_decl *a = decl_at(ast, 0), *b = decl_at(ast, 1);
    assert_true(a->input.key);
    assert_string_equal(a->input.header, "A");
    assert_true(b->input.key);
    assert_string_equal(b->input.header, "B b");
    assert_int_equal(b->input.type, FG_T_STR | FG_T_OPT);
    assert_string_equal(decl_at(ast, 2)->name, "c");
    fg_decl *f = decl_at(ast, 3);
    assert_int_equal(f->fixture.fields.n, 5);
    fg_field_init *fa = f->fixture.fields.items[0];
    assert_int_equal(fa->value->ival, -3);
    assert_null(((fg_field_init *)f->fixture.fields.items[1])->value);
    assert_false(((fg_field_init *)f->fixture.fields.items[2])->value->bval);
    assert_true(((fg_field_init *)f->fixture.fields.items[3])->value->nval == -0.025);
    assert_int_equal(decl_at(ast, 4)->fixture.fields.n, 0);
    fg_decl *t = decl_at(ast, 5);
    assert_int_equal(t->test.with.n, 1);
    assert_int_equal(t->test.expects.n, 2);
    fg_decl *r1 = decl_at(ast, 6), *r2 = decl_at(ast, 7);
    assert_null(r1->name);
    assert_int_equal(r1->report.by.n, 0);
    assert_string_equal(r2->name, "named");
    assert_int_equal(r2->report.by.n, 2);
    assert_string_equal(decl_at(ast, 8)->import.path, "lib/std.fp");
    assert_string_equal(decl_at(ast, 9)->policy.name, "p");
    assert_null(decl_at(ast, 9)->policy.version);
}

static void test_parse_expr_entry(void **state)
{
    ctx *c = *state;
    const char *text = "region == \"east\" and capacity_t > 5";
    int id = fg_sources_add(&c->src, "<where>", NULL, text, strlen(text));
    fg_expr *e = fg_parse_expr(&c->src, (uint32_t)id, &c->ar, &c->diags);
    assert_non_null(e);
    sx(&c->out, e);
    assert_string_equal(c->out.data, "(and (== region (str 'east')) (> capacity_t 5))");
    const char *bad = "a +";
    id = fg_sources_add(&c->src, "<where>", NULL, bad, strlen(bad));
    assert_null(fg_parse_expr(&c->src, (uint32_t)id, &c->ar, &c->diags));
    assert_int_equal(c->diags.nerrors, 1);
}

/* ---------------- errors ---------------- */

static void check_errors(void **state, const char *text, const char *want)
{
    ctx *c = *state;
    teardown(state);
    setup(state);
    c = *state;
    parse(c, text);
    assert_false(c->ok);
    const char *got = diag_lines(c);
    if (strcmp(got, want) != 0)
        fail_msg("for:\n%s\ngot:\n%s\nwant:\n%s", text, got, want);
}

static void test_syntax_errors(void **state)
{
    check_errors(state, "let a = (1 + )\n", "1:14: unexpected `)`, expected an expression\n");
    check_errors(state, "rule r: a < b < c\n",
                 "1:15: comparisons do not chain [write `a < b and b < c`, or use parentheses]\n");
    check_errors(state, "let z = 1 + if c then 2 else 3\n",
                 "1:13: `if` must be in parentheses here [write `(if c then a else b)` as an "
                 "operand of an operator]\n");
    check_errors(state, "decide d {\n  when a \"x\"\n  otherwise => 1\n}\n",
                 "2:10: unexpected string, expected an operator or `=>`\n");
    check_errors(state, "decide d { when a => 1 }\n",
                 "1:24: unexpected `}`, expected an operator, `when` or `otherwise`\n");
    check_errors(state, "rule q: a = b\n",
                 "1:11: unexpected `=`, expected an operator, `else` or a declaration "
                 "[use `==` to compare]\n");
    check_errors(state, "let key = 5\n",
                 "1:5: `key` is a reserved word and cannot be used as a name [a column with "
                 "this name is read with `from`]\n");
    check_errors(state, "input { from : str }\n",
                 "1:9: `from` is a reserved word and cannot be used as a name [a column with "
                 "this name is read with `from`]\n");
    check_errors(state, "fn f(x: integer) -> num = x\n",
                 "1:9: unknown type `integer` [the types are `int`, `num`, `bool` and `str`]\n");
    check_errors(state, "let e =\n", "1:8: unexpected end of file, expected an expression\n");
    check_errors(state, "table t(x: int) -> int { | 1, => 2 }\n",
                 "1:31: unexpected `=>`, expected a table cell\n");
    check_errors(state, "let x = 1\nlet y = 2 3\n",
                 "2:11: unexpected number `3`, expected an operator or a declaration\n");
    check_errors(
        state, "policy \"a{b}\"\n",
        "1:11: this string cannot interpolate `{...}` [write `\\{` for a literal brace]\n");
    check_errors(state, "output o = \"ok {1 + }\"\n",
                 "1:21: unexpected `}` closing an interpolation, expected an expression\n");
}

static void test_several_errors(void **state)
{
    ctx *c;
    check_errors(state,
                 "let a = (1 + )\n"
                 "let ok1 = 1\n"
                 "rule r: x >\n"
                 "let = 3\n"
                 "fn f(x: num) -> num = x +\n"
                 "output ok2 = 2\n",
                 "1:14: unexpected `)`, expected an expression\n"
                 "4:1: unexpected `let`, expected an expression\n"
                 "4:5: unexpected `=`, expected a name\n"
                 "6:1: unexpected `output`, expected an expression\n");
    c = *state;
    /* the good declarations survive */
    assert_int_equal(c->ast.decls.n, 2);
    assert_string_equal(decl_at(&c->ast, 0)->name, "ok1");
    assert_string_equal(decl_at(&c->ast, 1)->name, "ok2");
}

static void test_lexical_errors(void **state)
{
    check_errors(state, "let s = \"a\\qb\"\n",
                 "1:11: unknown escape sequence [the escapes are \\\" \\\\ \\n \\t \\{ and "
                 "\\u{HEX}]\n");
    check_errors(state, "let s = \"\\u{110000}\" + \"\\u{D800}\" + \"\\u12\"\n",
                 "1:10: bad code point in `\\u{...}` [a code point is at most 10FFFF and not a "
                 "surrogate (D800-DFFF)]\n"
                 "1:25: bad code point in `\\u{...}` [a code point is at most 10FFFF and not a "
                 "surrogate (D800-DFFF)]\n"
                 "1:38: bad `\\u` escape [write a code point as \\u{HEX}, e.g. \\u{e9}]\n");
    check_errors(state, "let s = \"abc\nlet t = 1\n",
                 "1:13: unterminated string [close the string with `\"` on the same line; write "
                 "\\n for a line break]\n");
    check_errors(state, "let s = \"abc",
                 "1:13: unterminated string [close the string with `\"`]\n");
    check_errors(state, "let n = 2__0 + 1_ + 3_.5\n",
                 "1:9: misplaced `_` in a number [`_` goes only between two digits, as in "
                 "2_000_000]\n"
                 "1:16: misplaced `_` in a number [`_` goes only between two digits, as in "
                 "2_000_000]\n"
                 "1:21: misplaced `_` in a number [`_` goes only between two digits, as in "
                 "2_000_000]\n");
    check_errors(state, "let n = _\n", "1:9: unexpected `_`, expected an expression\n");
    check_errors(state, "let n = 9223372036854775808\n",
                 "1:9: integer literal is too large for int [an int is at most "
                 "9223372036854775807; write a num such as 1e19]\n");
    check_errors(state, "let n = 1e999\n",
                 "1:9: number is too large [the largest num is about 1.8e308]\n");
    check_errors(state, "let n = 12abc + 1.x\n",
                 "1:9: malformed number [numbers are written like 42, 1.5, 1e6, 2_000_000 or "
                 "30%]\n"
                 "1:17: malformed number [numbers are written like 42, 1.5, 1e6, 2_000_000 or "
                 "30%]\n");
    check_errors(state, "let n = 1 + .5\nlet m = 1 . 2\n",
                 "1:13: a number cannot start with `.` [write a digit before the point: 0.5]\n"
                 "2:11: unexpected `.` [a decimal point is followed by a digit: 0.5]\n"
                 "2:13: unexpected number `2`, expected an operator or a declaration\n");
    check_errors(state, "let m = a && b || !c\n",
                 "1:11: `&&` is not an operator [use `and`]\n"
                 "1:16: `||` is not an operator [use `or`]\n"
                 "1:19: `!` is not an operator [use `not`]\n");
    check_errors(state, "let m = a % b\n",
                 "1:11: `%` is not an operator [use mod(a, b); `%` right after a number makes a "
                 "percentage]\n");
    check_errors(state, "let m = \xC3\xA9t\xC3\xA9\n",
                 "1:9: non-ASCII characters are allowed only in strings and comments [names are "
                 "ASCII letters, digits and `_`]\n");
}

static void test_lexer_errors_keep_parsing(void **state)
{
    ctx *c;
    check_errors(state, "let a = 1 && 2\nlet b = \"\\q\"\nlet c = 3\n",
                 "1:11: `&&` is not an operator [use `and`]\n"
                 "2:10: unknown escape sequence [the escapes are \\\" \\\\ \\n \\t \\{ and "
                 "\\u{HEX}]\n");
    c = *state;
    assert_int_equal(c->ast.decls.n, 3);
}

static void test_crlf_and_comments(void **state)
{
    ctx *c = *state;
    fg_ast *ast = parse(c, "# head\r\nlet a = 1 # one\r\nlet b =\r\n  a\r\n");
    assert_string_equal(diag_lines(c), "");
    assert_int_equal(ast->decls.n, 2);
    fg_linecol lc = fg_sources_linecol(&c->src, 0, decl_at(ast, 1)->let.value->span.start);
    assert_int_equal(lc.line, 4);
    assert_int_equal(lc.col, 3);
}

/* An allocator that fails after a budget of allocations. */
typedef struct budget {
    int left;
} budget;

static void *budget_realloc(void *ud, void *ptr, size_t size)
{
    budget *b = ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (b->left-- <= 0)
        return NULL;
    return realloc(ptr, size);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    bool completed = false;
    for (int n = 0; n < 200 && !completed; n++) {
        budget bud = {n};
        fg_allocator fail = {budget_realloc, &bud};
        fg_sources src;
        fg_sources_init(&src, NULL);
        fg_sources_add(&src, "t.fp", NULL, SPEC_EXAMPLE, strlen(SPEC_EXAMPLE));
        fg_arena ar;
        fg_arena_init(&ar, &fail);
        fg_diags diags;
        fg_diags_init(&diags, NULL);
        fg_ast ast;
        bool ok = fg_parse_file(&src, 0, &ar, &diags, &ast);
        if (ok) {
            assert_int_equal(ast.decls.n, 29);
            completed = true;
        } else {
            assert_true(diags.nerrors >= 1);
            assert_string_equal(diags.items[diags.n - 1].message,
                                "out of memory while parsing t.fp");
        }
        fg_diags_free(&diags);
        fg_arena_free(&ar);
        fg_sources_free(&src);
    }
    assert_true(completed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_spec_example, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spans_and_parens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranges_lex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inputs_fixtures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_expr_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_several_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lexical_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lexer_errors_keep_parsing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf_and_comments, setup, teardown),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
