/* explain.c — `forgec explain` and `forgec test --coverage` behind the
 * public API (forge_explain, forge_test_coverage).
 *
 * explain reads the data like eval, evaluates each batch with the
 * interpreter, picks the selected rows (by key, line or a --where
 * expression compiled against the policy by lang/extra_expr.c), and
 * evaluates each of them once more with a trace recorder attached
 * (runtime/trace.h). The trace is rendered slot by slot in evaluation
 * order: every let/output with its value, every rule with its outcome, the
 * values of the operands of its conditions (and, for a failed numeric
 * comparison, how far the operand is from the threshold) and its message,
 * which decide arm fired and why the earlier ones did not, and for each
 * table lookup the matching row and the cells that failed on the rows
 * before it. A row in error is explained up to its error. Text or JSON
 * (one document per row, one per line). */
#include <forge.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lang/extra_expr.h"
#include "csv.h"
#include "driver.h"
#include "engine.h"
#include "format.h"
#include "output.h"
#include "policy_int.h"
#include "rt.h"
#include "testrun.h"
#include "trace.h"

typedef struct xp {
    const fg_program *prog;
    const fg_batch *batch;
    fg_results *res;
    fg_trace *tr;
    fg_strbuf *sb;
    bool json;
    uint32_t row;
    int name_w; /* width of the slot-name column (text) */
} xp;

/* ---------------- small helpers ---------------- */

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

static fg_value const_value(const fg_ir *n)
{
    fg_value v;
    memset(&v, 0, sizeof v);
    switch (n->op) {
    case FG_IR_CONST_INT:
        v.i = n->imm.i;
        break;
    case FG_IR_CONST_NUM:
        v.n = n->imm.n;
        break;
    case FG_IR_CONST_BOOL:
        v.b = n->imm.b;
        break;
    default:
        v.s = n->imm.s;
        break;
    }
    return v;
}

/* The source text of the expression n stands for ("" when unknown). */
static const char *node_text(const xp *x, const fg_ir *n, size_t *len)
{
    fg_span sp = fg_trace_extent(x->prog, n);
    const fg_sources *s = &x->prog->sources;
    *len = 0;
    if (sp.file >= s->nfiles || !s->files[sp.file] || sp.end <= sp.start ||
        sp.end > s->files[sp.file]->len)
        return "";
    *len = sp.end - sp.start;
    return s->files[sp.file]->text + sp.start;
}

/* Appends an operand's source text, in parentheses when it is compound
 * (`(export_share ?? 0) 0.9` rather than `export_share ?? 0 0.9`). */
static void add_operand_text(fg_strbuf *sb, const char *text, size_t len)
{
    bool compound = memchr(text, ' ', len) != NULL;
    if (compound && len >= 2 && text[0] == '(' && text[len - 1] == ')') {
        int depth = 0;
        size_t i = 0;
        for (; i < len; i++) {
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        compound = i + 1 != len; /* already wrapped in one pair */
    }
    if (compound)
        fg_strbuf_addc(sb, '(');
    fg_strbuf_add(sb, text, len);
    if (compound)
        fg_strbuf_addc(sb, ')');
}

/* `file:line` of a span. */
static void add_where(const xp *x, fg_span sp, fg_strbuf *sb)
{
    const fg_sources *s = &x->prog->sources;
    if (sp.file >= s->nfiles || !s->files[sp.file]) {
        fg_strbuf_adds(sb, "?");
        return;
    }
    fg_linecol lc = fg_sources_linecol(s, sp.file, sp.start);
    fg_strbuf_printf(sb, "%s:%u", s->files[sp.file]->name, (unsigned)lc.line);
}

static unsigned span_line(const xp *x, fg_span sp)
{
    const fg_sources *s = &x->prog->sources;
    if (sp.file >= s->nfiles || !s->files[sp.file])
        return 0;
    return fg_sources_linecol(s, sp.file, sp.start).line;
}

/* A value as text: strings quoted, missing spelled out. */
static void add_value(fg_strbuf *sb, fg_type t, fg_value v)
{
    if (v.missing) {
        fg_strbuf_adds(sb, "missing");
        return;
    }
    if (fg_type_base(t) != FG_T_STR) {
        fg_fmt_value(sb, t, v);
        return;
    }
    fg_strbuf_addc(sb, '"');
    for (uint32_t i = 0; i < v.s.len; i++) {
        char ch = v.s.ptr[i];
        if (ch == '"' || ch == '\\')
            fg_strbuf_addc(sb, '\\');
        if (ch == '\n')
            fg_strbuf_adds(sb, "\\n");
        else
            fg_strbuf_addc(sb, ch);
    }
    fg_strbuf_addc(sb, '"');
}

/* A value as JSON: null when missing. */
static void add_json_value(fg_strbuf *sb, fg_type t, fg_value v)
{
    if (v.missing)
        fg_strbuf_adds(sb, "null");
    else if (fg_type_base(t) == FG_T_STR)
        fg_json_quote(sb, v.s.ptr, v.s.len);
    else
        fg_fmt_value(sb, t, v);
}

static void add_jstr(fg_strbuf *sb, const char *s, size_t n)
{
    fg_json_quote(sb, s, n);
}

/* The text of a row error: `column NAME: ...` or `POLICY:L:C: ...`. */
static void add_rowerr(const fg_program *prog, const fg_rowerr *e, fg_strbuf *sb)
{
    bool data = e->kind == FG_RE_BAD_CELL || e->kind == FG_RE_MISSING_CELL ||
                e->kind == FG_RE_RAGGED || e->kind == FG_RE_BAD_QUOTE;
    if (data) {
        if (e->column >= 0 && (uint32_t)e->column < prog->ninputs)
            fg_strbuf_printf(sb, "column %s: ", prog->inputs[e->column].name);
    } else if (e->span.file < prog->sources.nfiles) {
        fg_linecol lc = fg_sources_linecol(&prog->sources, e->span.file, e->span.start);
        fg_strbuf_printf(sb, "%s:%u:%u: ", prog->sources.files[e->span.file]->name, lc.line,
                         lc.col);
    }
    if (e->detail.len)
        fg_strbuf_add(sb, e->detail.ptr, e->detail.len);
    else
        fg_strbuf_adds(sb, fg_rowerr_reason(e->kind));
}

static const char *cmp_text(fg_cmp c)
{
    static const char *const t[] = {"==", "!=", "<", "<=", ">", ">="};
    return (unsigned)c < 6 ? t[c] : "?";
}

/* ---------------- operands ---------------- */

/* `name(p = v, ...)` of a recorded table lookup or fn call. */
static bool add_call(const xp *x, const fg_ir *n)
{
    const fg_trace_call *c = fg_trace_find_call(x->tr, n);
    if (!c)
        return false;
    const char *name;
    uint32_t np;
    const char *const *pn;
    const fg_type *pt;
    if (n->op == FG_IR_CALL_TABLE) {
        const fg_table *t = &x->prog->tables[n->imm.index];
        name = t->name, np = t->nparams, pn = t->param_names, pt = t->param_types;
    } else {
        const fg_fn *f = &x->prog->fns[n->imm.index];
        name = f->name, np = f->nparams, pn = f->param_names, pt = f->param_types;
    }
    fg_strbuf_printf(x->sb, "%s(", name);
    for (uint32_t i = 0; i < np; i++) {
        fg_strbuf_printf(x->sb, "%s%s = ", i ? ", " : "", pn[i]);
        add_value(x->sb, pt[i], c->args[i]);
    }
    fg_strbuf_addc(x->sb, ')');
    return true;
}

/* One operand: its text and value (text): `capacity_t 4200`,
 * `min_capacity(region = "west") 5000`, `0`; as JSON an object. */
static void add_operand(const xp *x, const fg_ir *n)
{
    const fg_ir *s = strip(n);
    size_t len;
    const char *text = node_text(x, s, &len);
    fg_value v;
    bool have = is_const(s) ? (v = const_value(s), true) : fg_trace_value(x->tr, s, &v);
    if (x->json) {
        fg_strbuf_adds(x->sb, "{\"text\":");
        add_jstr(x->sb, text, len);
        if (s->op == FG_IR_CALL_TABLE || s->op == FG_IR_CALL_FN) {
            const fg_trace_call *c = fg_trace_find_call(x->tr, s);
            if (c) {
                uint32_t np = s->op == FG_IR_CALL_TABLE ? x->prog->tables[s->imm.index].nparams
                                                        : x->prog->fns[s->imm.index].nparams;
                const char *const *pn = s->op == FG_IR_CALL_TABLE
                                            ? x->prog->tables[s->imm.index].param_names
                                            : x->prog->fns[s->imm.index].param_names;
                const fg_type *pt = s->op == FG_IR_CALL_TABLE
                                        ? x->prog->tables[s->imm.index].param_types
                                        : x->prog->fns[s->imm.index].param_types;
                fg_strbuf_adds(x->sb, ",\"args\":{");
                for (uint32_t i = 0; i < np; i++) {
                    if (i)
                        fg_strbuf_addc(x->sb, ',');
                    add_jstr(x->sb, pn[i], strlen(pn[i]));
                    fg_strbuf_addc(x->sb, ':');
                    add_json_value(x->sb, pt[i], c->args[i]);
                }
                fg_strbuf_addc(x->sb, '}');
            }
        }
        fg_strbuf_adds(x->sb, ",\"value\":");
        if (have)
            add_json_value(x->sb, s->type, v);
        else
            fg_strbuf_adds(x->sb, "null");
        fg_strbuf_addc(x->sb, '}');
        return;
    }
    if (is_const(s)) {
        fg_strbuf vt;
        fg_strbuf_init(&vt, x->sb->alloc);
        add_value(&vt, s->type, v);
        bool same = vt.data && vt.len == len && memcmp(vt.data, text, len) == 0;
        if (!same && len) {
            fg_strbuf_add(x->sb, text, len);
            fg_strbuf_addc(x->sb, ' ');
        }
        fg_strbuf_add(x->sb, vt.data ? vt.data : "", vt.len);
        fg_strbuf_free(&vt);
        return;
    }
    if ((s->op == FG_IR_CALL_TABLE || s->op == FG_IR_CALL_FN) && add_call(x, s))
        fg_strbuf_addc(x->sb, ' ');
    else if (len) {
        add_operand_text(x->sb, text, len);
        fg_strbuf_addc(x->sb, ' ');
    }
    if (have)
        add_value(x->sb, s->type, v);
    else
        fg_strbuf_adds(x->sb, "(not evaluated)");
}

/* The operand a reader would change: the non-constant side, lhs first. */
static void add_margin(const xp *x, const fg_ir *n)
{
    fg_cmp c = (fg_cmp)n->sub;
    if (c == FG_CMP_NE)
        return;
    const fg_ir *l = strip(n->args[0]), *r = strip(n->args[1]);
    bool flip = is_const(l);
    if (flip && is_const(r))
        return;
    fg_value a, b;
    if (!fg_trace_value(x->tr, n->args[0], &a) && !is_const(n->args[0]))
        return;
    if (!fg_trace_value(x->tr, n->args[1], &b) && !is_const(n->args[1]))
        return;
    if (is_const(n->args[0]))
        a = const_value(n->args[0]);
    if (is_const(n->args[1]))
        b = const_value(n->args[1]);
    if (flip) {
        fg_value t = a;
        a = b;
        b = t;
        c = c == FG_CMP_LT   ? FG_CMP_GT
            : c == FG_CMP_LE ? FG_CMP_GE
            : c == FG_CMP_GT ? FG_CMP_LT
            : c == FG_CMP_GE ? FG_CMP_LE
                             : c;
    }
    /* the subject must move by (b - a), past it for < and > */
    bool strict = c == FG_CMP_LT || c == FG_CMP_GT;
    char buf[FG_NUM_BUF + 2];
    bool more = false;
    if (n->op == FG_IR_CMP_INT) {
        int64_t d;
        if (fg_rt_sub_int(b.i, a.i, &d) != FG_RE_NONE)
            return;
        if (c == FG_CMP_GT && fg_rt_add_int(d, 1, &d) != FG_RE_NONE)
            return;
        if (c == FG_CMP_LT && fg_rt_sub_int(d, 1, &d) != FG_RE_NONE)
            return;
        buf[0] = '+';
        size_t k = fg_fmt_int(d, buf + (d > 0));
        buf[k + (d > 0)] = '\0';
    } else if (n->op == FG_IR_CMP_NUM) {
        double d = b.n - a.n;
        char tmp[40];
        snprintf(tmp, sizeof tmp, "%.15g", d); /* hide the last-bit noise of b - a */
        if (!fg_parse_num(tmp, strlen(tmp), &d))
            d = b.n - a.n;
        if (d == 0)
            d = 0; /* no -0 */
        buf[0] = '+';
        size_t k = fg_fmt_num(d, buf + (d > 0));
        buf[k + (d > 0)] = '\0';
        more = strict;
    } else {
        return;
    }
    size_t len;
    const char *name = node_text(x, flip ? r : l, &len);
    if (x->json) {
        fg_strbuf_adds(x->sb, ",\"margin\":{\"operand\":");
        add_jstr(x->sb, name, len);
        fg_strbuf_printf(x->sb, ",\"change\":%s,\"strict\":%s}", buf[0] == '+' ? buf + 1 : buf,
                         more ? "true" : "false");
        return;
    }
    fg_strbuf_adds(x->sb, " (");
    add_operand_text(x->sb, name, len);
    fg_strbuf_printf(x->sb, " needs %s%s)",
                     more ? (c == FG_CMP_GT ? "more than " : "less than ") : "", buf);
}

/* ---------------- conditions ---------------- */

static bool node_value(const xp *x, const fg_ir *n, fg_value *v)
{
    if (is_const(strip(n))) {
        *v = const_value(strip(n));
        return true;
    }
    return fg_trace_value(x->tr, n, v);
}

static void sep(const xp *x, bool *first)
{
    if (!*first)
        fg_strbuf_adds(x->sb, x->json ? "," : ", ");
    *first = false;
}

/* The parts of a bool expression that decided its value, following the
 * evaluation: for `a and b` false only the false part, for true both. */
static void add_atoms(const xp *x, const fg_ir *n, bool *first)
{
    n = strip(n);
    fg_value a, b;
    switch (n->op) {
    case FG_IR_AND:
    case FG_IR_OR: {
        bool decisive = n->op == FG_IR_OR;
        bool ha = node_value(x, n->args[0], &a), hb = node_value(x, n->args[1], &b);
        if (ha && a.b == decisive) {
            add_atoms(x, n->args[0], first);
            return;
        }
        if (hb && b.b == decisive) {
            add_atoms(x, n->args[1], first);
            return;
        }
        if (ha)
            add_atoms(x, n->args[0], first);
        if (hb)
            add_atoms(x, n->args[1], first);
        return;
    }
    case FG_IR_NOT: {
        sep(x, first);
        bool inner = true;
        fg_strbuf_adds(x->sb, x->json ? "{\"not\":[" : "not (");
        add_atoms(x, n->args[0], &inner);
        fg_strbuf_adds(x->sb, x->json ? "]}" : ")");
        return;
    }
    case FG_IR_CMP_INT:
    case FG_IR_CMP_NUM:
    case FG_IR_CMP_STR:
    case FG_IR_CMP_BOOL: {
        sep(x, first);
        fg_value r;
        bool hr = fg_trace_value(x->tr, n, &r);
        if (x->json) {
            size_t len;
            const char *text = node_text(x, n, &len);
            fg_strbuf_adds(x->sb, "{\"text\":");
            add_jstr(x->sb, text, len);
            fg_strbuf_printf(x->sb, ",\"op\":\"%s\",\"lhs\":", cmp_text((fg_cmp)n->sub));
            add_operand(x, n->args[0]);
            fg_strbuf_adds(x->sb, ",\"rhs\":");
            add_operand(x, n->args[1]);
            fg_strbuf_printf(x->sb, ",\"holds\":%s", !hr ? "null" : r.b ? "true" : "false");
            if (hr && !r.b)
                add_margin(x, n);
            fg_strbuf_addc(x->sb, '}');
            return;
        }
        add_operand(x, n->args[0]);
        fg_strbuf_printf(x->sb, " %s ", cmp_text((fg_cmp)n->sub));
        add_operand(x, n->args[1]);
        if (hr && !r.b)
            add_margin(x, n);
        return;
    }
    default:
        sep(x, first);
        add_operand(x, n);
        return;
    }
}

static bool is_condition(const fg_ir *n)
{
    n = strip(n);
    switch (n->op) {
    case FG_IR_AND:
    case FG_IR_OR:
    case FG_IR_NOT:
    case FG_IR_CMP_INT:
    case FG_IR_CMP_NUM:
    case FG_IR_CMP_STR:
    case FG_IR_CMP_BOOL:
    case FG_IR_IN:
    case FG_IR_BETWEEN:
    case FG_IR_IS_MISSING:
    case FG_IR_IS_PRESENT:
        return true;
    default:
        return false;
    }
}

/* ---------------- tables ---------------- */

static void add_cell_failures(const xp *x, const fg_table *t, uint32_t r, const fg_value *args)
{
    const fg_ir_table_row *row = &t->rows[r];
    bool first = true;
    for (uint32_t p = 0; p < t->nparams; p++) {
        const fg_ir_cell *c = &row->cells[p];
        if (fg_rt_cell_matches(c, t->param_types[p], args[p]))
            continue;
        const fg_sources *s = &x->prog->sources;
        const char *ct = "";
        size_t cl = 0;
        if (c->span.file < s->nfiles && c->span.end > c->span.start) {
            ct = s->files[c->span.file]->text + c->span.start;
            cl = c->span.end - c->span.start;
        }
        if (x->json) {
            if (!first)
                fg_strbuf_addc(x->sb, ',');
            fg_strbuf_adds(x->sb, "{\"param\":");
            add_jstr(x->sb, t->param_names[p], strlen(t->param_names[p]));
            fg_strbuf_adds(x->sb, ",\"value\":");
            add_json_value(x->sb, t->param_types[p], args[p]);
            fg_strbuf_adds(x->sb, ",\"cell\":");
            add_jstr(x->sb, ct, cl);
            fg_strbuf_addc(x->sb, '}');
        } else {
            fg_strbuf_adds(x->sb, first ? ": " : ", ");
            fg_strbuf_printf(x->sb, "%s ", t->param_names[p]);
            add_value(x->sb, t->param_types[p], args[p]);
            fg_strbuf_adds(x->sb, " does not match ");
            fg_strbuf_add(x->sb, ct, cl);
        }
        first = false;
    }
}

static void add_table_call(const xp *x, const fg_ir *n, bool *first)
{
    const fg_trace_call *c = fg_trace_find_call(x->tr, n);
    if (!c)
        return;
    const fg_table *t = &x->prog->tables[n->imm.index];
    uint32_t upto = c->row >= 0 ? (uint32_t)c->row : t->nrows;
    if (x->json) {
        sep(x, first);
        fg_strbuf_adds(x->sb, "{\"table\":");
        add_jstr(x->sb, t->name, strlen(t->name));
        fg_strbuf_adds(x->sb, ",\"args\":{");
        for (uint32_t i = 0; i < t->nparams; i++) {
            if (i)
                fg_strbuf_addc(x->sb, ',');
            add_jstr(x->sb, t->param_names[i], strlen(t->param_names[i]));
            fg_strbuf_addc(x->sb, ':');
            add_json_value(x->sb, t->param_types[i], c->args[i]);
        }
        fg_strbuf_adds(x->sb, "},\"row\":");
        if (c->row >= 0)
            fg_strbuf_printf(x->sb, "%d,\"line\":%u", c->row + 1,
                             span_line(x, t->rows[c->row].span));
        else
            fg_strbuf_adds(x->sb, "null,\"line\":null");
        fg_strbuf_adds(x->sb, ",\"rows_not_matching\":[");
        for (uint32_t r = 0; r < upto; r++) {
            fg_strbuf_printf(x->sb, "%s{\"row\":%u,\"line\":%u,\"cells\":[", r ? "," : "", r + 1,
                             span_line(x, t->rows[r].span));
            add_cell_failures(x, t, r, c->args);
            fg_strbuf_adds(x->sb, "]}");
        }
        fg_strbuf_adds(x->sb, "]}");
        return;
    }
    fg_strbuf_printf(x->sb, "%*s", 11 + x->name_w, "");
    add_call(x, n);
    if (c->row >= 0) {
        fg_strbuf_printf(x->sb, " -> row %d (", c->row + 1);
        add_where(x, t->rows[c->row].span, x->sb);
        fg_strbuf_adds(x->sb, ")\n");
    } else {
        fg_strbuf_adds(x->sb, " -> no row matches\n");
    }
    for (uint32_t r = 0; r < upto; r++) {
        fg_strbuf_printf(x->sb, "%*srow %u (", 13 + x->name_w, "", r + 1);
        add_where(x, t->rows[r].span, x->sb);
        fg_strbuf_addc(x->sb, ')');
        add_cell_failures(x, t, r, c->args);
        fg_strbuf_addc(x->sb, '\n');
    }
}

static void add_tables(const xp *x, const fg_ir *n, bool *first)
{
    for (uint32_t i = 0; i < n->nargs; i++)
        add_tables(x, n->args[i], first);
    if (n->op == FG_IR_CALL_TABLE)
        add_table_call(x, n, first);
}

/* ---------------- decide ---------------- */

static void add_arms(const xp *x, const fg_ir *d)
{
    const fg_ptrvec *arms = &x->tr->arms;
    uint32_t nwhen = d->nargs / 2;
    bool first = true;
    for (uint32_t i = 0; i < arms->n; i++) {
        const fg_trace_arm *a = arms->items[i];
        if (a->decide != d)
            continue;
        bool other = a->arm >= nwhen;
        const fg_ir *at = other ? d->args[d->nargs - 1] : d->args[2 * a->arm];
        fg_span sp = fg_trace_extent(x->prog, at);
        if (x->json) {
            sep(x, &first);
            fg_strbuf_printf(x->sb, "{\"arm\":%u,\"otherwise\":%s,\"line\":%u,\"taken\":%s",
                             a->arm + 1, other ? "true" : "false", span_line(x, sp),
                             a->taken ? "true" : "false");
            if (!other) {
                bool f2 = true;
                fg_strbuf_adds(x->sb, ",\"conditions\":[");
                add_atoms(x, at, &f2);
                fg_strbuf_addc(x->sb, ']');
            }
            fg_strbuf_addc(x->sb, '}');
            continue;
        }
        fg_strbuf_printf(x->sb, "%*s", 11 + x->name_w, "");
        if (other)
            fg_strbuf_adds(x->sb, "otherwise (");
        else
            fg_strbuf_printf(x->sb, "when #%u (", a->arm + 1);
        add_where(x, sp, x->sb);
        fg_strbuf_adds(x->sb, a->taken ? "): taken" : "): not taken");
        if (!other) {
            bool f2 = true;
            fg_strbuf_adds(x->sb, ": ");
            add_atoms(x, at, &f2);
        }
        fg_strbuf_addc(x->sb, '\n');
    }
}

/* ---------------- slots and rows ---------------- */

static const char *kind_name(fg_slot_kind k)
{
    switch (k) {
    case FG_SLOT_LET:
        return "let";
    case FG_SLOT_RULE:
        return "rule";
    case FG_SLOT_DECIDE:
        return "decide";
    case FG_SLOT_OUTPUT:
        return "output";
    default:
        return "report";
    }
}

static void add_slot(const xp *x, uint32_t s, const fg_rowerr *err, bool *first)
{
    const fg_program *p = x->prog;
    const fg_slot *sl = &p->slots[s];
    uint8_t st = x->tr->slot_state[s];
    fg_value v = x->tr->slot_val[s];
    bool failed_here = st == 1;
    bool is_rule = sl->kind == FG_SLOT_RULE;
    if (x->json) {
        sep(x, first);
        fg_strbuf_printf(x->sb, "{\"kind\":\"%s\",\"name\":", kind_name(sl->kind));
        add_jstr(x->sb, sl->name, strlen(sl->name));
        fg_strbuf_printf(x->sb, ",\"line\":%u", span_line(x, sl->span));
        if (failed_here) {
            fg_strbuf_adds(x->sb, ",\"error\":");
            fg_strbuf e;
            fg_strbuf_init(&e, x->sb->alloc);
            add_rowerr(p, err, &e);
            add_jstr(x->sb, e.data ? e.data : "", e.len);
            fg_strbuf_free(&e);
        } else if (is_rule) {
            fg_strbuf_printf(x->sb, ",\"outcome\":\"%s\"", v.b ? "pass" : "fail");
            if (!v.b) {
                fg_str m = x->tr->rule_msg[s];
                fg_strbuf_adds(x->sb, ",\"message\":");
                add_jstr(x->sb, m.ptr ? m.ptr : "", m.len);
            }
        } else {
            fg_strbuf_adds(x->sb, ",\"value\":");
            add_json_value(x->sb, sl->type, v);
        }
        if (!failed_here && (is_rule || is_condition(sl->expr))) {
            bool f2 = true;
            fg_strbuf_adds(x->sb, ",\"conditions\":[");
            add_atoms(x, sl->expr, &f2);
            fg_strbuf_addc(x->sb, ']');
        }
        if (sl->kind == FG_SLOT_DECIDE && sl->expr->op == FG_IR_DECIDE) {
            fg_strbuf_adds(x->sb, ",\"arms\":[");
            add_arms(x, sl->expr);
            fg_strbuf_addc(x->sb, ']');
        }
        bool f3 = true;
        fg_strbuf_adds(x->sb, ",\"tables\":[");
        add_tables(x, sl->expr, &f3);
        fg_strbuf_adds(x->sb, "]}");
        return;
    }
    fg_strbuf_printf(x->sb, "  %-7s %-*s ", kind_name(sl->kind), x->name_w, sl->name);
    if (failed_here) {
        fg_strbuf_adds(x->sb, "ERROR ");
        add_rowerr(p, err, x->sb);
    } else if (is_rule) {
        fg_strbuf_adds(x->sb, v.b ? "pass  " : "FAIL  ");
        bool f2 = true;
        add_atoms(x, sl->expr, &f2);
        if (!v.b) {
            fg_str m = x->tr->rule_msg[s];
            fg_strbuf_adds(x->sb, "   ");
            fg_value mv = {.s = m};
            add_value(x->sb, FG_T_STR, mv);
        }
    } else {
        fg_strbuf_adds(x->sb, "= ");
        add_value(x->sb, sl->type, v);
        if (is_condition(sl->expr)) {
            bool f2 = true;
            fg_strbuf_adds(x->sb, "   ");
            add_atoms(x, sl->expr, &f2);
        }
    }
    fg_strbuf_addc(x->sb, '\n');
    if (sl->kind == FG_SLOT_DECIDE && sl->expr->op == FG_IR_DECIDE)
        add_arms(x, sl->expr);
    bool f3 = true;
    add_tables(x, sl->expr, &f3);
}

static void add_key(const fg_batch *b, uint32_t row, fg_strbuf *sb)
{
    for (uint32_t k = 0; k < b->nkeys; k++) {
        const fg_str *t = &b->keytext[row * b->nkeys + k];
        if (k)
            fg_strbuf_addc(sb, '/');
        fg_strbuf_add(sb, t->ptr, t->len);
    }
}

/* Explains row `row` of the batch (already evaluated without tracing). */
static bool explain_row(xp *x, const char *data_name, bool *in_error)
{
    const fg_program *p = x->prog;
    const fg_batch *b = x->batch;
    uint32_t row = x->row;
    fg_trace_reset(x->tr);
    fg_rowerr err = b->err[row];
    bool data_error = err.kind == FG_RE_BAD_CELL || err.kind == FG_RE_MISSING_CELL ||
                      err.kind == FG_RE_RAGGED || err.kind == FG_RE_BAD_QUOTE;
    if (!data_error) {
        fg_eval_opts o = {.with_reports = false, .tracer = &x->tr->hooks};
        memset(&err, 0, sizeof err);
        err.column = -1;
        err.kind = fg_interp_row(p, b, x->res, row, &o, &err);
    }
    if (x->tr->oom || err.kind == FG_RE_OOM)
        return false;
    *in_error = err.kind != FG_RE_NONE;
    x->name_w = 4;
    for (uint32_t s = 0; s < p->first_report_slot; s++) {
        int w = (int)strlen(p->slots[s].name);
        if (w > x->name_w)
            x->name_w = w;
    }
    fg_strbuf *sb = x->sb;
    if (x->json) {
        fg_strbuf_adds(sb, "{\"data\":");
        add_jstr(sb, data_name, strlen(data_name));
        fg_strbuf_printf(sb, ",\"line\":%llu,\"key\":", (unsigned long long)b->line[row]);
        if (b->nkeys) {
            fg_strbuf k;
            fg_strbuf_init(&k, sb->alloc);
            add_key(b, row, &k);
            add_jstr(sb, k.data ? k.data : "", k.len);
            fg_strbuf_free(&k);
        } else {
            fg_strbuf_adds(sb, "null");
        }
        fg_strbuf_adds(sb, ",\"error\":");
        if (*in_error) {
            fg_strbuf e;
            fg_strbuf_init(&e, sb->alloc);
            add_rowerr(p, &err, &e);
            add_jstr(sb, e.data ? e.data : "", e.len);
            fg_strbuf_free(&e);
        } else {
            fg_strbuf_adds(sb, "null");
        }
        fg_strbuf_adds(sb, ",\"slots\":[");
    } else {
        fg_strbuf_printf(sb, "%s:%llu:", data_name, (unsigned long long)b->line[row]);
        if (b->nkeys) {
            fg_strbuf_adds(sb, " key ");
            add_key(b, row, sb);
        }
        fg_strbuf_addc(sb, '\n');
    }
    bool first = true;
    if (!data_error)
        for (uint32_t s = 0; s < p->first_report_slot; s++)
            if (x->tr->slot_state[s])
                add_slot(x, s, &err, &first);
    if (x->json) {
        fg_strbuf_adds(sb, "]}\n");
    } else if (*in_error) {
        /* the line eval writes for this row */
        fg_batch *mb = (fg_batch *)b;
        fg_rowerr saved = mb->err[row];
        mb->err[row] = err;
        fg_strbuf_adds(sb, "  row error: ");
        fg_driver_error_line(sb, p, data_name, mb, row);
        fg_strbuf_addc(sb, '\n');
        mb->err[row] = saved;
    }
    return !sb->failed;
}

/* ---------------- forge_explain ---------------- */

void forge_explain_options_init(forge_explain_options *xo)
{
    memset(xo, 0, sizeof *xo);
    xo->limit = 10;
}

static forge_status xfail(forge_summary *sum, forge_status st, const char *msg, const char *a)
{
    snprintf(sum->message, sizeof sum->message, msg, a ? a : "");
    return st;
}

static bool key_is(const fg_batch *b, uint32_t row, const char *key)
{
    size_t klen = strlen(key), pos = 0;
    for (uint32_t k = 0; k < b->nkeys; k++) {
        const fg_str *t = &b->keytext[row * b->nkeys + k];
        if (k) {
            if (pos >= klen || key[pos] != '/')
                return false;
            pos++;
        }
        if (pos + t->len > klen || memcmp(key + pos, t->ptr, t->len) != 0)
            return false;
        pos += t->len;
    }
    return b->nkeys > 0 && pos == klen;
}

/* The --where expression's diagnostics go to the explain options' callback,
 * through the same delivery as compile diagnostics. */
static void deliver(const forge_explain_options *xo, const fg_sources *src, fg_diags *d,
                    const fg_allocator *alloc)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = xo->on_diag;
    cfg.diag_ud = xo->diag_ud;
    fg_api_deliver_diags(&cfg, alloc, src, d);
}

typedef struct xrun {
    fg_file_source *fs;
    fg_csv_reader *reader;
    fg_csv_schema schema;
    bool have_schema, have_batch, have_res, have_trace;
    fg_batch batch;
    fg_results res;
    fg_trace trace;
    fg_arena arena;
    fg_strbuf out;
    fg_sources wsrc;
    fg_diags wdiags;
} xrun;

forge_status forge_explain(const forge_policy *pol, const forge_run_options *opt,
                           const forge_explain_options *xo, forge_summary *sum)
{
    forge_summary local;
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof *sum);
    const fg_program *prog = fg_policy_program(pol);
    const fg_allocator *alloc = fg_policy_alloc(pol);
    int nsel = (xo->key != NULL) + (xo->line != 0) + (xo->where != NULL);
    if (nsel != 1)
        return xfail(sum, FORGE_EUSAGE, "give exactly one of --key, --line and --where%s", NULL);
    if (xo->key && prog->nkeys == 0)
        return xfail(sum, FORGE_EUSAGE,
                     "the policy declares no key column: select rows with --line or --where%s",
                     NULL);
    if (!opt->data_path)
        return xfail(sum, FORGE_EUSAGE, "no data file given%s", NULL);
    unsigned limit = xo->limit ? xo->limit : 10;

    xrun r;
    memset(&r, 0, sizeof r);
    fg_arena_init(&r.arena, alloc);
    fg_strbuf_init(&r.out, alloc);
    fg_sources_init(&r.wsrc, alloc);
    fg_diags_init(&r.wdiags, alloc);
    forge_status st = FORGE_OK;
    const fg_ir *where = NULL;
    if (xo->where) {
        where = fg_compile_extra_expr(alloc, prog, &r.wsrc, &r.wdiags, "--where", xo->where,
                                      strlen(xo->where), FG_T_BOOL, &r.arena);
        fg_diags_sort(&r.wdiags);
        deliver(xo, &r.wsrc, &r.wdiags, alloc);
        if (!where) {
            st = r.wdiags.oom
                     ? FORGE_ENOMEM
                     : xfail(sum, FORGE_EUSAGE, "the --where expression is not valid%s", NULL);
            goto done;
        }
    }

    bool is_stdin = strcmp(opt->data_path, "-") == 0;
    const char *data_name = opt->data_name ? opt->data_name : is_stdin ? "<stdin>" : opt->data_path;
    const char *why = NULL;
    r.fs = fg_file_source_open(alloc, opt->data_path, opt->data_stream, &why);
    if (!r.fs) {
        snprintf(sum->message, sizeof sum->message, "cannot read %s: %s", data_name,
                 why ? why : "unknown error");
        st = FORGE_EIO;
        goto done;
    }
    char delim = opt->delimiter ? opt->delimiter
                 : is_stdin     ? ','
                                : fg_driver_delimiter_for(opt->data_path);
    r.reader = fg_csv_new(alloc, fg_file_source_bytes(r.fs), delim);
    if (!r.reader) {
        st = FORGE_ENOMEM;
        goto done;
    }
    fg_csv_record header;
    fg_csv_status cs = fg_csv_next(r.reader, &header);
    if (cs != FG_CSV_RECORD || header.bad_quote) {
        st = cs == FG_CSV_OOM ? FORGE_ENOMEM : FORGE_EIO;
        snprintf(sum->message, sizeof sum->message, "%s: %s", data_name,
                 cs == FG_CSV_IO_ERROR ? fg_csv_error(r.reader)
                 : cs == FG_CSV_EOF    ? "no header line (the input is empty)"
                                       : "malformed quoted field in the header");
        goto done;
    }
    fg_strbuf msg;
    fg_strbuf_init(&msg, alloc);
    r.have_schema = fg_csv_schema_init(&r.schema, alloc, prog, &header, &msg);
    if (!r.have_schema) {
        snprintf(sum->message, sizeof sum->message, "%s: %s", data_name,
                 msg.data ? msg.data : "bad header");
        fg_strbuf_free(&msg);
        st = FORGE_EIO;
        goto done;
    }
    fg_strbuf_free(&msg);
    r.schema.na = fg_driver_split_na(&r.arena, opt->na, &r.schema.nna);
    r.have_batch = fg_batch_init(&r.batch, alloc, prog, fg_batch_rows(prog));
    r.have_res = r.have_batch && fg_results_init(&r.res, alloc, prog, fg_batch_rows(prog));
    r.have_trace = r.have_res && fg_trace_init(&r.trace, alloc, prog);
    if (!r.have_trace) {
        st = FORGE_ENOMEM;
        goto done;
    }
    xp x = {.prog = prog,
            .batch = &r.batch,
            .res = &r.res,
            .tr = &r.trace,
            .sb = &r.out,
            .json = xo->format == FORGE_EXPLAIN_JSON};
    fg_eval_opts eopts = {.with_reports = false};
    unsigned shown = 0;
    bool stop = false;
    while (!stop) {
        fg_results_clear(&r.res);
        cs = fg_csv_fill_batch(r.reader, &r.schema, prog, &r.batch);
        if (cs == FG_CSV_EOF)
            break;
        if (cs == FG_CSV_IO_ERROR) {
            snprintf(sum->message, sizeof sum->message, "%s", fg_csv_error(r.reader));
            st = FORGE_EIO;
            goto done;
        }
        if (cs == FG_CSV_OOM || !fg_interp_batch(prog, &r.batch, &r.res, &eopts)) {
            st = FORGE_ENOMEM;
            goto done;
        }
        sum->rows_read += r.batch.nrows;
        for (uint32_t row = 0; row < r.batch.nrows && !stop; row++) {
            bool pick;
            if (xo->key) {
                pick = key_is(&r.batch, row, xo->key);
            } else if (xo->line) {
                pick = r.batch.line[row] == xo->line;
                stop = r.batch.line[row] >= xo->line;
            } else {
                fg_value v;
                pick = r.batch.err[row].kind == FG_RE_NONE &&
                       fg_interp_expr(prog, &r.batch, &r.res, row, where, &v, NULL) == FG_RE_NONE &&
                       !v.missing && v.b;
            }
            if (!pick)
                continue;
            x.row = row;
            fg_strbuf_clear(&r.out);
            if (shown && !x.json)
                fg_strbuf_addc(&r.out, '\n');
            bool in_error = false;
            if (!explain_row(&x, data_name, &in_error)) {
                st = FORGE_ENOMEM;
                goto done;
            }
            if (opt->write_out && opt->write_out(opt->out_ud, r.out.data, r.out.len) != 0) {
                snprintf(sum->message, sizeof sum->message, "cannot write the output");
                st = FORGE_EIO;
                goto done;
            }
            shown++;
            sum->rows_evaluated++;
            sum->rows_in_error += in_error;
            if (shown >= limit)
                stop = true;
        }
    }
done:
    if (st == FORGE_ENOMEM && !sum->message[0])
        snprintf(sum->message, sizeof sum->message, "out of memory");
    if (r.have_trace)
        fg_trace_free(&r.trace);
    if (r.have_res)
        fg_results_free(&r.res);
    if (r.have_batch)
        fg_batch_free(&r.batch);
    if (r.have_schema)
        fg_csv_schema_free(&r.schema, alloc);
    fg_csv_free(r.reader);
    fg_file_source_close(r.fs);
    fg_strbuf_free(&r.out);
    fg_diags_free(&r.wdiags);
    fg_sources_free(&r.wsrc);
    fg_arena_free(&r.arena);
    return st;
}

/* ---------------- forge_test_coverage ---------------- */

typedef struct cov_run {
    fg_cov cov;
    forge_test_fn fn;
    void *ud;
} cov_run;

/* The engine the test runner calls: the interpreter with the coverage hooks. */
static bool cov_engine(void *ud, const fg_program *prog, fg_batch *batch, fg_results *res,
                       const fg_eval_opts *opts)
{
    cov_run *c = ud;
    fg_eval_opts o = {.with_reports = opts && opts->with_reports, .tracer = &c->cov.hooks};
    return fg_interp_batch(prog, batch, res, &o);
}

static void cov_test(void *ud, const fg_test_outcome *o)
{
    cov_run *c = ud;
    if (!c->fn)
        return;
    forge_test_result r = {o->title, o->passed, o->report ? o->report : ""};
    c->fn(c->ud, &r);
}

forge_status forge_test_coverage(const forge_policy *pol, forge_test_fn on_result, void *ud,
                                 unsigned *passed, unsigned *failed, forge_write_fn write,
                                 void *write_ud, forge_coverage *cov)
{
    const fg_program *prog = fg_policy_program(pol);
    const fg_allocator *alloc = fg_policy_alloc(pol);
    cov_run c = {.fn = on_result, .ud = ud};
    if (!fg_cov_init(&c.cov, alloc, prog))
        return FORGE_ENOMEM;
    fg_engine eng = {cov_engine, &c};
    uint32_t np = 0, nf = 0;
    forge_status st = FORGE_OK;
    if (!fg_run_tests_engine(alloc, prog, &eng, cov_test, &c, &np, &nf)) {
        st = FORGE_ENOMEM;
        goto done;
    }
    fg_strbuf sb;
    fg_strbuf_init(&sb, alloc);
    uint32_t covered = 0, total = 0;
    fg_cov_report(&c.cov, &sb, &covered, &total);
    if (sb.failed)
        st = FORGE_ENOMEM;
    else if (write && sb.len && write(write_ud, sb.data, sb.len) != 0)
        st = FORGE_EIO;
    fg_strbuf_free(&sb);
    if (cov) {
        cov->covered = covered;
        cov->total = total;
        cov->percent = total ? 100.0 * covered / total : 100.0;
    }
    if (st == FORGE_OK && nf)
        st = FORGE_ETESTS;
done:
    if (passed)
        *passed = np;
    if (failed)
        *failed = nf;
    fg_cov_free(&c.cov);
    return st;
}
