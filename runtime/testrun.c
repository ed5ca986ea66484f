/* testrun.c — the runner behind `forgec test`. A test first needs every
 * non-optional input (given by its fixture or `with`); its values fill a
 * one-row batch that the chosen engine evaluates exactly as `eval` would, so
 * a row error fails the test. Each `expect` is then evaluated on that row;
 * for a false one the report shows its source text and the actual values
 * of its parts (the non-constant operands of comparisons, calls and
 * `in`/`between`, looking through `and`/`or`/`not`). */
#include "testrun.h"

#include <string.h>

#include "engine.h"
#include "format.h"

typedef struct tr_ctx {
    const fg_program *prog;
    const fg_engine *eng; /* NULL: the interpreter */
    fg_batch batch;
    fg_results res;
    fg_strbuf out;  /* the current test's report */
    fg_ptrvec seen; /* parts already shown for the current expect (fg_ir *) */
    fg_arena arena; /* for `seen` */
} tr_ctx;

/* The source text of span, or NULL when it is not in a loaded file. */
static const char *span_text(const fg_program *prog, fg_span sp, size_t *len)
{
    const fg_sources *s = &prog->sources;
    if (sp.file >= s->nfiles || !s->files[sp.file] || sp.end <= sp.start ||
        sp.end > s->files[sp.file]->len)
        return NULL;
    *len = sp.end - sp.start;
    return s->files[sp.file]->text + sp.start;
}

static void add_loc(const fg_program *prog, fg_span sp, fg_strbuf *sb)
{
    const fg_sources *s = &prog->sources;
    if (sp.file >= s->nfiles || !s->files[sp.file])
        return;
    fg_linecol lc = fg_sources_linecol(s, sp.file, sp.start);
    fg_strbuf_printf(sb, "%s:%u:%u: ", s->files[sp.file]->name, (unsigned)lc.line,
                     (unsigned)lc.col);
}

/* `POLICY:L:C: detail-or-reason` (or `column NAME: ...` for data errors). */
static void add_rowerr(const fg_program *prog, const fg_rowerr *e, fg_strbuf *sb)
{
    if (e->column >= 0 && (uint32_t)e->column < prog->ninputs)
        fg_strbuf_printf(sb, "column %s: ", prog->inputs[e->column].name);
    else
        add_loc(prog, e->span, sb);
    if (e->detail.len)
        fg_strbuf_add(sb, e->detail.ptr, e->detail.len);
    else
        fg_strbuf_adds(sb, fg_rowerr_reason(e->kind));
}

/* A value as a test report shows it: strings quoted, missing spelled out. */
static void add_value(fg_strbuf *sb, fg_type t, const fg_value *v)
{
    if (v->missing) {
        fg_strbuf_adds(sb, "missing");
        return;
    }
    if (fg_type_base(t) != FG_T_STR) {
        fg_fmt_value(sb, t, *v);
        return;
    }
    fg_strbuf_addc(sb, '"');
    for (uint32_t i = 0; i < v->s.len; i++) {
        char ch = v->s.ptr[i];
        if (ch == '"' || ch == '\\')
            fg_strbuf_addc(sb, '\\');
        if (ch == '\n')
            fg_strbuf_adds(sb, "\\n");
        else
            fg_strbuf_addc(sb, ch);
    }
    fg_strbuf_addc(sb, '"');
}

static const fg_ir *strip(const fg_ir *n)
{
    while (n->op == FG_IR_TO_NUM && n->nargs == 1)
        n = n->args[0];
    return n;
}

static bool is_const(const fg_ir *n)
{
    return n->op == FG_IR_CONST_INT || n->op == FG_IR_CONST_NUM || n->op == FG_IR_CONST_BOOL ||
           n->op == FG_IR_CONST_STR;
}

/* Shows `text = value` for one part, once per distinct source text. */
static bool show_part(tr_ctx *cx, const fg_ir *n)
{
    const fg_program *prog = cx->prog;
    n = strip(n);
    size_t len = 0;
    const char *text = span_text(prog, n->span, &len);
    if (is_const(n) || !text)
        return true;
    for (uint32_t i = 0; i < cx->seen.n; i++) {
        const fg_ir *o = cx->seen.items[i];
        size_t olen = 0;
        const char *ot = span_text(prog, o->span, &olen);
        if (ot && olen == len && memcmp(ot, text, len) == 0)
            return true;
    }
    if (!fg_ptrvec_push(&cx->arena, &cx->seen, (void *)n))
        return false;
    fg_value v;
    fg_rowerr err;
    memset(&err, 0, sizeof err);
    fg_rowerr_kind k = fg_interp_expr(prog, &cx->batch, &cx->res, 0, n, &v, &err);
    if (k == FG_RE_OOM)
        return false;
    fg_strbuf_adds(&cx->out, "    ");
    fg_strbuf_add(&cx->out, text, len);
    if (k != FG_RE_NONE) {
        fg_strbuf_adds(&cx->out, ": error: ");
        add_rowerr(prog, &err, &cx->out);
    } else {
        fg_strbuf_adds(&cx->out, " = ");
        add_value(&cx->out, n->type, &v);
    }
    fg_strbuf_addc(&cx->out, '\n');
    return true;
}

/* Walks the boolean structure of an expectation down to its parts. */
static bool show_parts(tr_ctx *cx, const fg_ir *n)
{
    n = strip(n);
    switch (n->op) {
    case FG_IR_CONST_INT:
    case FG_IR_CONST_NUM:
    case FG_IR_CONST_BOOL:
    case FG_IR_CONST_STR:
        return true;
    case FG_IR_AND:
    case FG_IR_OR:
    case FG_IR_NOT:
        for (uint32_t i = 0; i < n->nargs; i++)
            if (!show_parts(cx, n->args[i]))
                return false;
        return true;
    case FG_IR_CMP_INT:
    case FG_IR_CMP_NUM:
    case FG_IR_CMP_STR:
    case FG_IR_CMP_BOOL:
    case FG_IR_IN:
    case FG_IR_BETWEEN:
    case FG_IR_CALL:
    case FG_IR_CALL_FN:
    case FG_IR_CALL_TABLE:
    case FG_IR_IS_MISSING:
    case FG_IR_IS_PRESENT:
    case FG_IR_COALESCE:
        for (uint32_t i = 0; i < n->nargs; i++)
            if (!show_part(cx, n->args[i]))
                return false;
        return true;
    default:
        return show_part(cx, n);
    }
}

/* Appends the names of required inputs the test does not give. */
static uint32_t missing_inputs(const fg_program *prog, const fg_test *t, fg_strbuf *sb)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < prog->ninputs; i++) {
        if (t->given[i] || fg_type_is_opt(prog->inputs[i].type))
            continue;
        fg_strbuf_printf(sb, "%s%s", n ? ", " : "", prog->inputs[i].name);
        n++;
    }
    return n;
}

static void fill_row(tr_ctx *cx, const fg_test *t)
{
    fg_batch *b = &cx->batch;
    fg_batch_clear(b);
    b->nrows = 1;
    b->line[0] = 0;
    memset(&b->err[0], 0, sizeof b->err[0]);
    b->err[0].kind = FG_RE_NONE;
    b->err[0].column = -1;
    for (uint32_t k = 0; k < b->nkeys; k++) {
        b->keytext[k].ptr = "";
        b->keytext[k].len = 0;
    }
    for (uint32_t i = 0; i < b->ncols; i++) {
        fg_column *c = &b->cols[i];
        const fg_value *v = &t->inputs[i];
        c->missing[0] = !t->given[i] || v->missing;
        switch (fg_type_base(c->type)) {
        case FG_T_INT:
            c->i[0] = c->missing[0] ? 0 : v->i;
            break;
        case FG_T_NUM:
            c->n[0] = c->missing[0] ? 0 : v->n;
            break;
        case FG_T_BOOL:
            c->b[0] = c->missing[0] ? false : v->b;
            break;
        default:
            c->s[0].ptr = c->missing[0] ? "" : v->s.ptr;
            c->s[0].len = c->missing[0] ? 0 : v->s.len;
            break;
        }
    }
}

/* Runs one test, leaving its report in cx->out. false: out of memory. */
static bool run_one(tr_ctx *cx, const fg_test *t, bool *passed)
{
    const fg_program *prog = cx->prog;
    fg_strbuf_clear(&cx->out);
    *passed = false;

    fg_strbuf names;
    fg_strbuf_init(&names, cx->out.alloc);
    uint32_t nmissing = missing_inputs(prog, t, &names);
    if (nmissing) {
        fg_strbuf_adds(&cx->out, "  ");
        add_loc(prog, t->span, &cx->out);
        fg_strbuf_printf(&cx->out,
                         "missing input fields: %s (every non-optional input must be given by "
                         "the fixture or with)\n",
                         names.data ? names.data : "");
    }
    bool oom = names.failed;
    fg_strbuf_free(&names);
    if (nmissing || oom)
        return !oom && !cx->out.failed;

    fill_row(cx, t);
    fg_results_clear(&cx->res);
    fg_eval_opts opts = {.with_reports = false};
    bool ok = cx->eng ? cx->eng->run(cx->eng->ud, prog, &cx->batch, &cx->res, &opts)
                      : fg_interp_batch(prog, &cx->batch, &cx->res, &opts);
    if (!ok)
        return false;
    if (cx->batch.err[0].kind != FG_RE_NONE) {
        fg_strbuf_adds(&cx->out, "  ");
        add_rowerr(prog, &cx->batch.err[0], &cx->out);
        fg_strbuf_addc(&cx->out, '\n');
        return !cx->out.failed;
    }

    bool all = true;
    for (uint32_t e = 0; e < t->nexpects; e++) {
        const fg_expect *ex = &t->expects[e];
        fg_value v;
        fg_rowerr err;
        memset(&err, 0, sizeof err);
        fg_rowerr_kind k = fg_interp_expr(prog, &cx->batch, &cx->res, 0, ex->expr, &v, &err);
        if (k == FG_RE_OOM)
            return false;
        if (k == FG_RE_NONE && !v.missing && v.b)
            continue;
        all = false;
        fg_strbuf_adds(&cx->out, "  ");
        add_loc(prog, ex->span, &cx->out);
        fg_strbuf_adds(&cx->out, "expected: ");
        size_t len = 0;
        const char *text = ex->text;
        if (text)
            fg_strbuf_adds(&cx->out, text);
        else if ((text = span_text(prog, ex->span, &len)) != NULL)
            fg_strbuf_add(&cx->out, text, len);
        fg_strbuf_addc(&cx->out, '\n');
        if (k != FG_RE_NONE) {
            fg_strbuf_adds(&cx->out, "    error: ");
            add_rowerr(prog, &err, &cx->out);
            fg_strbuf_addc(&cx->out, '\n');
            continue;
        }
        cx->seen.n = 0;
        if (!show_parts(cx, ex->expr))
            return false;
    }
    *passed = all;
    if (all)
        fg_strbuf_clear(&cx->out);
    return !cx->out.failed;
}

bool fg_run_tests(const fg_allocator *alloc, const fg_program *prog, fg_test_cb on_result, void *ud,
                  uint32_t *passed, uint32_t *failed)
{
    return fg_run_tests_engine(alloc, prog, NULL, on_result, ud, passed, failed);
}

bool fg_run_tests_engine(const fg_allocator *alloc, const fg_program *prog, const fg_engine *eng,
                         fg_test_cb on_result, void *ud, uint32_t *passed, uint32_t *failed)
{
    uint32_t np = 0, nf = 0;
    bool ok = false, have_batch = false, have_res = false;
    tr_ctx cx;
    memset(&cx, 0, sizeof cx);
    cx.prog = prog;
    cx.eng = eng;
    fg_strbuf_init(&cx.out, alloc);
    fg_arena_init(&cx.arena, alloc);
    if (!fg_batch_init(&cx.batch, alloc, prog, 1))
        goto done;
    have_batch = true;
    if (!fg_results_init(&cx.res, alloc, prog, 1))
        goto done;
    have_res = true;
    for (uint32_t i = 0; i < prog->ntests; i++) {
        const fg_test *t = &prog->tests[i];
        bool pass;
        if (!run_one(&cx, t, &pass))
            goto done;
        if (pass)
            np++;
        else
            nf++;
        if (on_result) {
            fg_test_outcome o = {t->title, pass, pass || !cx.out.data ? "" : cx.out.data};
            on_result(ud, &o);
        }
    }
    ok = true;
done:
    if (have_res)
        fg_results_free(&cx.res);
    if (have_batch)
        fg_batch_free(&cx.batch);
    fg_arena_free(&cx.arena);
    fg_strbuf_free(&cx.out);
    if (passed)
        *passed = np;
    if (failed)
        *failed = nf;
    return ok;
}
