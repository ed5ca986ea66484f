/* trace.c — the recorders behind the interpreter's optional hooks
 * (trace.h). fg_trace remembers one row: the value of every node evaluated
 * (a small hash map keyed by the node's address), each table lookup and fn
 * call with its arguments, each decide arm tested, and each slot's value
 * and rule message; explain.c turns that into text or JSON. fg_cov counts,
 * over all the rows of `forgec test`, which rule outcomes, decide arms,
 * table rows, fns and lets were exercised, and lists what never was. */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- one row's trace ---------------- */

static uint32_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= 0x9E3779B1u;
    return (uint32_t)(x ^ (x >> 15));
}

static bool map_grow(fg_trace *t)
{
    uint32_t cap = t->cap ? t->cap * 2 : 256;
    const fg_ir **keys = fg_calloc(t->alloc, cap, sizeof *keys);
    fg_value *vals = fg_calloc(t->alloc, cap, sizeof *vals);
    if (!keys || !vals) {
        fg_free(t->alloc, keys);
        fg_free(t->alloc, vals);
        return false;
    }
    for (uint32_t i = 0; i < t->cap; i++) {
        if (!t->keys[i])
            continue;
        uint32_t j = ptr_hash(t->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = t->keys[i];
        vals[j] = t->vals[i];
    }
    fg_free(t->alloc, t->keys);
    fg_free(t->alloc, t->vals);
    t->keys = keys;
    t->vals = vals;
    t->cap = cap;
    return true;
}

static void on_node(void *ud, const fg_ir *n, fg_value v)
{
    fg_trace *t = ud;
    if ((t->n + 1) * 2 > t->cap && !map_grow(t)) {
        t->oom = true;
        return;
    }
    uint32_t j = ptr_hash(n) & (t->cap - 1);
    while (t->keys[j] && t->keys[j] != n)
        j = (j + 1) & (t->cap - 1);
    if (!t->keys[j]) {
        t->keys[j] = n;
        t->n++;
    }
    t->vals[j] = v;
}

bool fg_trace_value(const fg_trace *t, const fg_ir *n, fg_value *out)
{
    if (!t->cap)
        return false;
    uint32_t j = ptr_hash(n) & (t->cap - 1);
    while (t->keys[j]) {
        if (t->keys[j] == n) {
            *out = t->vals[j];
            return true;
        }
        j = (j + 1) & (t->cap - 1);
    }
    return false;
}

static void on_slot_begin(void *ud, uint32_t slot)
{
    fg_trace *t = ud;
    t->slot_state[slot] = 1;
}

static void on_slot_end(void *ud, uint32_t slot, fg_value v)
{
    fg_trace *t = ud;
    t->slot_state[slot] = 2;
    t->slot_val[slot] = v;
}

static void on_rule_msg(void *ud, uint32_t slot, fg_str msg)
{
    fg_trace *t = ud;
    t->rule_msg[slot] = msg;
}

static void on_arm(void *ud, const fg_ir *decide, uint32_t arm, bool taken)
{
    fg_trace *t = ud;
    fg_trace_arm *a = fg_arena_alloc(&t->arena, sizeof *a);
    if (!a || !fg_ptrvec_push(&t->arena, &t->arms, a)) {
        t->oom = true;
        return;
    }
    a->decide = decide;
    a->arm = arm;
    a->taken = taken;
}

static void add_call(fg_trace *t, const fg_ir *call, const fg_value *args, uint32_t nargs,
                     int32_t row)
{
    fg_trace_call *c = fg_arena_alloc(&t->arena, sizeof *c);
    fg_value *copy = fg_arena_alloc(&t->arena, (nargs ? nargs : 1) * sizeof *copy);
    if (!c || !copy || !fg_ptrvec_push(&t->arena, &t->calls, c)) {
        t->oom = true;
        return;
    }
    if (nargs)
        memcpy(copy, args, nargs * sizeof *copy);
    c->call = call;
    c->args = copy;
    c->row = row;
}

static void on_table(void *ud, const fg_ir *call, const fg_table *tb, const fg_value *args,
                     int32_t row)
{
    add_call(ud, call, args, tb->nparams, row);
}

static void on_fn(void *ud, const fg_ir *call, const fg_fn *fn, const fg_value *args)
{
    add_call(ud, call, args, fn->nparams, -1);
}

const fg_trace_call *fg_trace_find_call(const fg_trace *t, const fg_ir *n)
{
    /* the last one: a call node inside a fn body may run several times */
    for (uint32_t i = t->calls.n; i-- > 0;) {
        const fg_trace_call *c = t->calls.items[i];
        if (c->call == n)
            return c;
    }
    return NULL;
}

bool fg_trace_init(fg_trace *t, const fg_allocator *alloc, const fg_program *prog)
{
    memset(t, 0, sizeof *t);
    t->alloc = alloc;
    t->prog = prog;
    fg_arena_init(&t->arena, alloc);
    uint32_t n = prog->nslots ? prog->nslots : 1;
    t->slot_state = fg_calloc(alloc, n, sizeof *t->slot_state);
    t->slot_val = fg_calloc(alloc, n, sizeof *t->slot_val);
    t->rule_msg = fg_calloc(alloc, n, sizeof *t->rule_msg);
    t->hooks = (fg_tracer){.ud = t,
                           .slot_begin = on_slot_begin,
                           .slot_end = on_slot_end,
                           .rule_msg = on_rule_msg,
                           .node = on_node,
                           .decide_arm = on_arm,
                           .table = on_table,
                           .fn_call = on_fn};
    if (!t->slot_state || !t->slot_val || !t->rule_msg || !map_grow(t)) {
        fg_trace_free(t);
        return false;
    }
    return true;
}

void fg_trace_reset(fg_trace *t)
{
    fg_arena_reset(&t->arena);
    memset(&t->calls, 0, sizeof t->calls);
    memset(&t->arms, 0, sizeof t->arms);
    if (t->cap)
        memset(t->keys, 0, t->cap * sizeof *t->keys);
    t->n = 0;
    uint32_t n = t->prog->nslots;
    if (n) {
        memset(t->slot_state, 0, n * sizeof *t->slot_state);
        memset(t->rule_msg, 0, n * sizeof *t->rule_msg);
    }
    t->oom = false;
}

void fg_trace_free(fg_trace *t)
{
    fg_free(t->alloc, t->keys);
    fg_free(t->alloc, t->vals);
    fg_free(t->alloc, t->slot_state);
    fg_free(t->alloc, t->slot_val);
    fg_free(t->alloc, t->rule_msg);
    fg_arena_free(&t->arena);
    t->keys = NULL;
    t->vals = NULL;
    t->slot_state = NULL;
    t->slot_val = NULL;
    t->rule_msg = NULL;
    t->cap = 0;
}

/* ---------------- source extents ---------------- */

static void extent_walk(const fg_ir *n, uint32_t file, uint32_t *lo, uint32_t *hi)
{
    if (n->span.file == file && n->span.end > n->span.start) {
        if (n->span.start < *lo)
            *lo = n->span.start;
        if (n->span.end > *hi)
            *hi = n->span.end;
    }
    for (uint32_t i = 0; i < n->nargs; i++)
        extent_walk(n->args[i], file, lo, hi);
}

fg_span fg_trace_extent(const fg_program *prog, const fg_ir *n)
{
    fg_span sp = n->span;
    const fg_sources *s = &prog->sources;
    if (sp.file >= s->nfiles || !s->files[sp.file])
        return sp;
    uint32_t lo = sp.start, hi = sp.end;
    extent_walk(n, sp.file, &lo, &hi);
    /* A binary node's span is its operator and a call's its name: the
     * leaves give the extent, then unbalanced parentheses are closed. */
    const char *text = s->files[sp.file]->text;
    uint32_t len = (uint32_t)s->files[sp.file]->len;
    int depth = 0, open_unclosed = 0;
    for (uint32_t i = lo; i < hi; i++) {
        if (text[i] == '(')
            depth++;
        else if (text[i] == ')') {
            if (depth)
                depth--;
            else
                open_unclosed++; /* a ')' whose '(' is before lo */
        }
    }
    while (depth > 0 && hi < len) {
        if (text[hi] == ')')
            depth--;
        else if (text[hi] == '(')
            depth++;
        hi++;
    }
    while (open_unclosed > 0 && lo > 0) {
        lo--;
        if (text[lo] == '(')
            open_unclosed--;
        else if (text[lo] == ')')
            open_unclosed++;
    }
    sp.start = lo;
    sp.end = hi;
    return sp;
}

/* ---------------- coverage ---------------- */

static void cov_slot_begin(void *ud, uint32_t slot)
{
    (void)ud;
    (void)slot;
}

static void cov_slot_end(void *ud, uint32_t slot, fg_value v)
{
    fg_cov *c = ud;
    const fg_slot *s = &c->prog->slots[slot];
    if (s->kind == FG_SLOT_LET)
        c->let_evals[slot]++;
    else if (s->kind == FG_SLOT_RULE && !v.missing) {
        if (v.b)
            c->rule_pass[s->rule_index]++;
        else
            c->rule_fail[s->rule_index]++;
    }
}

static void cov_arm(void *ud, const fg_ir *decide, uint32_t arm, bool taken)
{
    fg_cov *c = ud;
    if (!taken)
        return;
    for (uint32_t s = 0; s < c->prog->nslots; s++)
        if (c->prog->slots[s].expr == decide && c->arm_taken[s]) {
            c->arm_taken[s][arm]++;
            return;
        }
}

static void cov_table(void *ud, const fg_ir *call, const fg_table *t, const fg_value *args,
                      int32_t row)
{
    (void)call;
    (void)args;
    fg_cov *c = ud;
    if (row >= 0)
        c->row_taken[t - c->prog->tables][row]++;
}

static void cov_fn(void *ud, const fg_ir *call, const fg_fn *fn, const fg_value *args)
{
    (void)call;
    (void)args;
    fg_cov *c = ud;
    c->fn_calls[fn - c->prog->fns]++;
}

static uint32_t narms(const fg_slot *s)
{
    return s->expr->nargs / 2 + 1;
}

bool fg_cov_init(fg_cov *c, const fg_allocator *alloc, const fg_program *prog)
{
    memset(c, 0, sizeof *c);
    c->alloc = alloc;
    c->prog = prog;
    uint32_t ns = prog->nslots ? prog->nslots : 1;
    c->rule_pass = fg_calloc(alloc, prog->nrules + 1, sizeof *c->rule_pass);
    c->rule_fail = fg_calloc(alloc, prog->nrules + 1, sizeof *c->rule_fail);
    c->arm_taken = fg_calloc(alloc, ns, sizeof *c->arm_taken);
    c->row_taken = fg_calloc(alloc, prog->ntables + 1, sizeof *c->row_taken);
    c->fn_calls = fg_calloc(alloc, prog->nfns + 1, sizeof *c->fn_calls);
    c->let_evals = fg_calloc(alloc, ns, sizeof *c->let_evals);
    bool ok =
        c->rule_pass && c->rule_fail && c->arm_taken && c->row_taken && c->fn_calls && c->let_evals;
    for (uint32_t s = 0; ok && s < prog->nslots; s++)
        if (prog->slots[s].kind == FG_SLOT_DECIDE && prog->slots[s].expr->op == FG_IR_DECIDE)
            ok = (c->arm_taken[s] = fg_calloc(alloc, narms(&prog->slots[s]), sizeof(uint32_t)));
    for (uint32_t t = 0; ok && t < prog->ntables; t++)
        ok = (c->row_taken[t] = fg_calloc(alloc, prog->tables[t].nrows + 1, sizeof(uint32_t)));
    c->hooks = (fg_tracer){.ud = c,
                           .slot_begin = cov_slot_begin,
                           .slot_end = cov_slot_end,
                           .decide_arm = cov_arm,
                           .table = cov_table,
                           .fn_call = cov_fn};
    if (!ok)
        fg_cov_free(c);
    return ok;
}

void fg_cov_free(fg_cov *c)
{
    const fg_allocator *a = c->alloc;
    if (c->arm_taken)
        for (uint32_t s = 0; s < c->prog->nslots; s++)
            fg_free(a, c->arm_taken[s]);
    if (c->row_taken)
        for (uint32_t t = 0; t < c->prog->ntables; t++)
            fg_free(a, c->row_taken[t]);
    fg_free(a, c->rule_pass);
    fg_free(a, c->rule_fail);
    fg_free(a, c->arm_taken);
    fg_free(a, c->row_taken);
    fg_free(a, c->fn_calls);
    fg_free(a, c->let_evals);
    memset(c, 0, sizeof *c);
}

/* One item not covered: where, and the text after `FILE:LINE: `. */
typedef struct cov_gap {
    fg_span at;
    char what[200];
} cov_gap;

static int gap_cmp(const void *a, const void *b)
{
    const cov_gap *x = a, *y = b;
    if (x->at.file != y->at.file)
        return x->at.file < y->at.file ? -1 : 1;
    if (x->at.start != y->at.start)
        return x->at.start < y->at.start ? -1 : 1;
    return strcmp(x->what, y->what);
}

static void gap(cov_gap *gaps, uint32_t *n, fg_span at, const char *fmt, const char *a,
                const char *b, unsigned k)
{
    cov_gap *g = &gaps[(*n)++];
    g->at = at;
    snprintf(g->what, sizeof g->what, fmt, a, b, k);
}

void fg_cov_report(const fg_cov *c, fg_strbuf *sb, uint32_t *covered, uint32_t *total)
{
    const fg_program *p = c->prog;
    uint32_t items = 2 * p->nrules + p->nfns, cov = 0;
    for (uint32_t s = 0; s < p->nslots; s++) {
        if (p->slots[s].kind == FG_SLOT_LET)
            items++;
        else if (c->arm_taken[s])
            items += narms(&p->slots[s]);
    }
    for (uint32_t t = 0; t < p->ntables; t++)
        items += p->tables[t].nrows;
    cov_gap *gaps = fg_calloc(c->alloc, items + 1, sizeof *gaps);
    uint32_t ng = 0;
    for (uint32_t s = 0; s < p->nslots; s++) {
        const fg_slot *sl = &p->slots[s];
        if (sl->kind == FG_SLOT_RULE) {
            bool pass = c->rule_pass[sl->rule_index], fail = c->rule_fail[sl->rule_index];
            cov += pass + fail;
            if (gaps && !pass)
                gap(gaps, &ng, sl->span, "rule %s never passed%s", sl->name, "", 0);
            if (gaps && !fail)
                gap(gaps, &ng, sl->span, "rule %s never failed%s", sl->name, "", 0);
        } else if (sl->kind == FG_SLOT_LET) {
            cov += c->let_evals[s] > 0;
            if (gaps && !c->let_evals[s])
                gap(gaps, &ng, sl->span, "let %s never evaluated%s", sl->name, "", 0);
        } else if (c->arm_taken[s]) {
            uint32_t na = narms(sl);
            for (uint32_t a = 0; a < na; a++) {
                if (c->arm_taken[s][a]) {
                    cov++;
                    continue;
                }
                if (!gaps)
                    continue;
                bool other = a + 1 == na;
                const fg_ir *at = sl->expr->args[2 * a];
                fg_span sp = fg_trace_extent(p, at);
                if (other)
                    gap(gaps, &ng, sp, "decide %s: `otherwise` never taken%s", sl->name, "", 0);
                else
                    gap(gaps, &ng, sp, "decide %s: `when` arm %s%u never taken", sl->name, "",
                        a + 1);
            }
        }
    }
    for (uint32_t f = 0; f < p->nfns; f++) {
        cov += c->fn_calls[f] > 0;
        if (gaps && !c->fn_calls[f])
            gap(gaps, &ng, p->fns[f].span, "fn %s never evaluated%s", p->fns[f].name, "", 0);
    }
    for (uint32_t t = 0; t < p->ntables; t++) {
        const fg_table *tb = &p->tables[t];
        for (uint32_t r = 0; r < tb->nrows; r++) {
            if (c->row_taken[t][r]) {
                cov++;
                continue;
            }
            if (gaps)
                gap(gaps, &ng, tb->rows[r].span, "table %s: row %s%u never taken", tb->name, "",
                    r + 1);
        }
    }
    if (!gaps)
        sb->failed = true;
    else {
        qsort(gaps, ng, sizeof *gaps, gap_cmp);
        for (uint32_t i = 0; i < ng; i++) {
            const fg_sources *s = &p->sources;
            if (gaps[i].at.file < s->nfiles && s->files[gaps[i].at.file]) {
                fg_linecol lc = fg_sources_linecol(s, gaps[i].at.file, gaps[i].at.start);
                fg_strbuf_printf(sb, "%s:%u: ", s->files[gaps[i].at.file]->name, (unsigned)lc.line);
            }
            fg_strbuf_printf(sb, "%s\n", gaps[i].what);
        }
    }
    fg_free(c->alloc, gaps);
    *covered = cov;
    *total = items;
}
