/* api_session.c — forge_session: per-thread scratch for evaluating one
 * shared, immutable policy. One record at a time (forge_eval_row) goes
 * through a one-row batch and the same engines as a CSV run (the policy's
 * JIT code or the interpreter), so values, row errors and rule messages
 * are those of `forgec eval`. Results are read back by index; strings are
 * copied, NUL-terminated, into the session's out arena. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "api_session.h"

forge_status fg_session_fail(forge_session *s, forge_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

forge_status forge_session_new(const forge_policy *p, forge_session **out)
{
    if (!out)
        return FORGE_EUSAGE;
    *out = NULL;
    if (!p)
        return FORGE_EUSAGE;
    const fg_allocator *alloc = fg_policy_alloc(p);
    forge_session *s = fg_calloc(alloc, 1, sizeof *s);
    if (!s)
        return FORGE_ENOMEM;
    s->policy = p;
    s->prog = fg_policy_program(p);
    s->alloc = alloc;
    s->jit = fg_policy_jit(p);
    fg_arena_init(&s->out, alloc);
    *out = s;
    return FORGE_OK;
}

static void release_blocks(forge_session *s)
{
    if (!s->cap)
        return;
    fg_session_restore_cols(s);
    fg_batch_free(&s->batch);
    fg_results_free(&s->res);
    fg_free(s->alloc, s->own);
    s->own = NULL;
    s->cap = 0;
}

void forge_session_free(forge_session *s)
{
    if (!s)
        return;
    release_blocks(s);
    fg_arena_free(&s->out);
    fg_free(s->alloc, s->errs);
    fg_free(s->alloc, s);
}

const char *forge_session_errmsg(const forge_session *s)
{
    return s ? s->errmsg : "";
}

forge_status fg_session_reserve(forge_session *s, uint32_t cap)
{
    if (s->cap >= cap)
        return FORGE_OK;
    release_blocks(s);
    s->state = FG_SESSION_NONE;
    const fg_program *prog = s->prog;
    if (!fg_batch_init(&s->batch, s->alloc, prog, cap))
        return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
    if (!fg_results_init(&s->res, s->alloc, prog, cap)) {
        fg_batch_free(&s->batch);
        return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
    }
    s->own = fg_calloc(s->alloc, prog->ninputs + 1, sizeof *s->own);
    if (!s->own) {
        fg_batch_free(&s->batch);
        fg_results_free(&s->res);
        return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
    }
    if (prog->ninputs)
        memcpy(s->own, s->batch.cols, prog->ninputs * sizeof *s->own);
    s->cap = cap;
    return FORGE_OK;
}

void fg_session_restore_cols(forge_session *s)
{
    if (s->own && s->prog->ninputs)
        memcpy(s->batch.cols, s->own, s->prog->ninputs * sizeof *s->own);
}

bool fg_session_run(forge_session *s, bool with_reports)
{
    fg_eval_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.with_reports = with_reports;
    if (s->jit)
        return fg_jit_batch(s->jit, s->prog, &s->batch, &s->res, &eo);
    return fg_interp_batch(s->prog, &s->batch, &s->res, &eo);
}

void fg_session_check_num(forge_session *s, uint32_t row, uint32_t col, double v)
{
    fg_rowerr *e = &s->batch.err[row];
    if (isfinite(v) || e->kind != FG_RE_NONE)
        return;
    e->kind = FG_RE_BAD_CELL;
    e->column = (int32_t)col;
    const char *text = isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
    char buf[32];
    int n = snprintf(buf, sizeof buf, "bad num \"%s\"", text);
    char *d = fg_arena_strndup(&s->batch.text, buf, (size_t)n);
    e->detail.ptr = d ? d : "";
    e->detail.len = d ? (uint32_t)n : 0;
}

forge_status forge_eval_row(forge_session *s, const forge_row *r)
{
    if (!s)
        return FORGE_EUSAGE;
    s->errmsg[0] = '\0';
    if (!r)
        return fg_session_fail(s, FORGE_EUSAGE, "no row given");
    if (r->policy != s->policy)
        return fg_session_fail(s, FORGE_EUSAGE, "the row was made for another policy");
    forge_status st = fg_session_reserve(s, 1);
    if (st != FORGE_OK)
        return st;
    const fg_program *prog = s->prog;
    fg_batch *b = &s->batch;
    fg_session_restore_cols(s);
    fg_batch_clear(b);
    fg_results_clear(&s->res);
    fg_arena_reset(&s->out);
    s->state = FG_SESSION_NONE;
    b->nrows = 1;
    b->line[0] = 1;
    memset(&b->err[0], 0, sizeof b->err[0]);
    b->err[0].column = -1;
    for (uint32_t c = 0; c < prog->ninputs; c++) {
        fg_column *col = &b->cols[c];
        const fg_value *v = &r->vals[c];
        col->missing[0] = v->missing;
        if (v->missing && !fg_type_is_opt(col->type) && b->err[0].kind == FG_RE_NONE) {
            b->err[0].kind = FG_RE_MISSING_CELL;
            b->err[0].column = (int32_t)c;
        }
        switch (fg_type_base(col->type)) {
        case FG_T_INT:
            col->i[0] = v->missing ? 0 : v->i;
            break;
        case FG_T_NUM:
            col->n[0] = v->missing ? 0 : v->n;
            if (!v->missing)
                fg_session_check_num(s, 0, c, v->n);
            break;
        case FG_T_BOOL:
            col->b[0] = !v->missing && v->b;
            break;
        default: {
            /* copied: an output that is an input must outlive changes to r */
            fg_str str = {"", 0};
            if (!v->missing && v->s.len) {
                char *d = fg_arena_strndup(&b->text, v->s.ptr, v->s.len);
                if (!d)
                    return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
                str.ptr = d;
                str.len = v->s.len;
            }
            col->s[0] = str;
            break;
        }
        }
    }
    bool ok = fg_session_run(s, false);
    s->rowerr = b->err[0];
    s->state = FG_SESSION_ROW;
    if (!ok)
        return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
    if (s->rowerr.kind != FG_RE_NONE) {
        forge_row_error e;
        if (fg_session_describe(s, &s->rowerr, &e) == FORGE_OK)
            return fg_session_fail(s, FORGE_EROWS, "the row is in error: %s", e.message);
        return fg_session_fail(s, FORGE_EROWS, "the row is in error");
    }
    return FORGE_OK;
}

fg_value fg_session_output_value(const forge_session *s, uint32_t o, uint32_t row)
{
    const fg_output *out = &s->prog->outputs[o];
    if (out->src == FG_OUT_INPUT)
        return fg_batch_get(&s->batch, out->index, row);
    return s->res.vals[(size_t)out->index * s->res.cap + row];
}

/* Output and rule reads need an evaluated, error-free last record. */
static forge_status readable(forge_session *s)
{
    if (!s)
        return FORGE_EUSAGE;
    if (s->state != FG_SESSION_ROW)
        return fg_session_fail(s, FORGE_EUSAGE, "no row evaluated yet (forge_eval_row)");
    if (s->rowerr.kind != FG_RE_NONE)
        return fg_session_fail(s, FORGE_EROWS, "the last row is in error: no outputs");
    return FORGE_OK;
}

forge_status forge_session_output(forge_session *s, size_t index, forge_value *out)
{
    forge_status st = readable(s);
    if (st != FORGE_OK)
        return st;
    if (!out)
        return fg_session_fail(s, FORGE_EUSAGE, "no place for the value");
    if (index >= s->prog->noutputs)
        return fg_session_fail(s, FORGE_ENOTFOUND, "no output %zu (the policy has %u)", index,
                               s->prog->noutputs);
    fg_type t = s->prog->outputs[index].type;
    fg_value v = fg_session_output_value(s, (uint32_t)index, 0);
    memset(out, 0, sizeof *out);
    out->type = (forge_type)fg_type_base(t);
    out->missing = v.missing;
    out->s = "";
    if (v.missing) {
        out->s = NULL;
        return FORGE_OK;
    }
    switch (fg_type_base(t)) {
    case FG_T_INT:
        out->i = v.i;
        break;
    case FG_T_NUM:
        out->n = v.n;
        break;
    case FG_T_BOOL:
        out->b = v.b;
        break;
    default: {
        char *d = fg_arena_strndup(&s->out, v.s.ptr ? v.s.ptr : "", v.s.len);
        if (!d)
            return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
        out->s = d;
        out->len = v.s.len;
        break;
    }
    }
    return FORGE_OK;
}

/* Reads output index as `want`; FORGE_ETYPE names both types. */
static forge_status typed(forge_session *s, size_t index, forge_type want, forge_value *v)
{
    forge_status st = forge_session_output(s, index, v);
    if (st != FORGE_OK)
        return st;
    bool ok = v->type == want || (want == FORGE_TYPE_NUM && v->type == FORGE_TYPE_INT);
    if (!ok)
        return fg_session_fail(s, FORGE_ETYPE, "output %s is %s, not %s",
                               s->prog->outputs[index].name, forge_type_name(v->type),
                               forge_type_name(want));
    return FORGE_OK;
}

forge_status forge_session_output_int(forge_session *s, size_t index, int64_t *v, int *missing)
{
    forge_value x;
    forge_status st = typed(s, index, FORGE_TYPE_INT, &x);
    if (st == FORGE_OK && v)
        *v = x.i;
    if (st == FORGE_OK && missing)
        *missing = x.missing;
    return st;
}

forge_status forge_session_output_num(forge_session *s, size_t index, double *v, int *missing)
{
    forge_value x;
    forge_status st = typed(s, index, FORGE_TYPE_NUM, &x);
    if (st == FORGE_OK && v)
        *v = x.type == FORGE_TYPE_INT ? (double)x.i : x.n;
    if (st == FORGE_OK && missing)
        *missing = x.missing;
    return st;
}

forge_status forge_session_output_bool(forge_session *s, size_t index, int *v, int *missing)
{
    forge_value x;
    forge_status st = typed(s, index, FORGE_TYPE_BOOL, &x);
    if (st == FORGE_OK && v)
        *v = x.b;
    if (st == FORGE_OK && missing)
        *missing = x.missing;
    return st;
}

forge_status forge_session_output_str(forge_session *s, size_t index, const char **v, size_t *len,
                                      int *missing)
{
    forge_value x;
    forge_status st = typed(s, index, FORGE_TYPE_STR, &x);
    if (st != FORGE_OK)
        return st;
    if (v)
        *v = x.missing ? "" : x.s;
    if (len)
        *len = x.len;
    if (missing)
        *missing = x.missing;
    return FORGE_OK;
}

forge_status forge_session_rule(forge_session *s, size_t index, int *failed, const char **message)
{
    forge_status st = readable(s);
    if (st != FORGE_OK)
        return st;
    if (index >= s->prog->nrules)
        return fg_session_fail(s, FORGE_ENOTFOUND, "no rule %zu (the policy has %u)", index,
                               s->prog->nrules);
    fg_value v = s->res.vals[(size_t)s->prog->rule_slots[index] * s->res.cap];
    bool f = !v.missing && !v.b;
    if (failed)
        *failed = f;
    if (message) {
        fg_str m = f ? s->res.rule_msgs[index * s->res.cap] : (fg_str){"", 0};
        char *d = fg_arena_strndup(&s->out, m.ptr ? m.ptr : "", m.len);
        if (!d)
            return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
        *message = d;
    }
    return FORGE_OK;
}

forge_status fg_session_describe(forge_session *s, const fg_rowerr *e, forge_row_error *out)
{
    const fg_program *prog = s->prog;
    memset(out, 0, sizeof *out);
    out->kind = (forge_row_error_kind)e->kind;
    out->column = -1;
    out->reason = e->kind == FG_RE_NONE ? "" : fg_rowerr_reason(e->kind);
    out->detail = "";
    out->message = "";
    if (e->kind == FG_RE_NONE)
        return FORGE_OK;
    char *detail = fg_arena_strndup(&s->out, e->detail.ptr ? e->detail.ptr : "", e->detail.len);
    if (!detail)
        return FORGE_ENOMEM;
    out->detail = detail;
    const char *text = e->detail.len ? detail : out->reason;
    bool data = e->kind == FG_RE_BAD_CELL || e->kind == FG_RE_MISSING_CELL ||
                e->kind == FG_RE_RAGGED || e->kind == FG_RE_BAD_QUOTE;
    fg_strbuf sb;
    fg_strbuf_init(&sb, s->alloc);
    if (data) {
        if (e->column >= 0 && (uint32_t)e->column < prog->ninputs) {
            out->column = e->column;
            fg_strbuf_printf(&sb, "column %s: ", prog->inputs[e->column].name);
        }
    } else if (e->span.file < prog->sources.nfiles) {
        fg_linecol lc = fg_sources_linecol(&prog->sources, e->span.file, e->span.start);
        out->file = prog->sources.files[e->span.file]->name;
        out->line = lc.line;
        out->col = lc.col;
        fg_strbuf_printf(&sb, "%s:%u:%u: ", out->file, lc.line, lc.col);
    }
    fg_strbuf_adds(&sb, text);
    char *msg = sb.failed ? NULL : fg_arena_strndup(&s->out, sb.data ? sb.data : "", sb.len);
    fg_strbuf_free(&sb);
    if (!msg)
        return FORGE_ENOMEM;
    out->message = msg;
    return FORGE_OK;
}

forge_status forge_session_row_error(forge_session *s, forge_row_error *out)
{
    if (!s)
        return FORGE_EUSAGE;
    if (!out)
        return fg_session_fail(s, FORGE_EUSAGE, "no place for the error");
    if (s->state != FG_SESSION_ROW)
        return fg_session_fail(s, FORGE_EUSAGE, "no row evaluated yet (forge_eval_row)");
    if (fg_session_describe(s, &s->rowerr, out) != FORGE_OK)
        return fg_session_fail(s, FORGE_ENOMEM, "out of memory");
    return FORGE_OK;
}
