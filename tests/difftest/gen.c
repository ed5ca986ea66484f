/* gen.c — random, well-typed Forge policies with matching CSV data.
 *
 * Generation is type-directed: gx() builds an expression of a requested
 * type from the names in scope (each symbol knows its kind and type), so
 * every policy should compile. The rules of the language are respected by
 * construction: optional values reach only `??`, `is missing/present`,
 * `T?` parameters and report aggregates; fn and table bodies see only their
 * parameters, consts, fns and tables; every declaration refers only to
 * earlier ones (no cycles, no recursion); rules never see failed() (even
 * through a let); consts are built with interval bounds so that folding
 * them cannot fail. Row expressions are free to overflow, divide by zero
 * or take sqrt/log of bad values: those are row errors both engines must
 * report identically. The CSV data matches the input block, with edge
 * values, missing, bad and ragged cells, and every quoting form. */
#include "gen.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

#define LIM 1e12 /* const operands stay within this, so folding never overflows */

enum { K_INPUT, K_CONST, K_LET, K_RULE, K_DECIDE, K_OUTPUT, K_FN, K_TABLE, K_PARAM };
enum { C_CONST, C_PURE, C_ROW, C_RULE };

typedef struct sym {
    char name[24];
    int kind, type;
    int tainted; /* reads failed()/failed_count(), directly or not */
    double lo, hi;
    int np, ptype[4];
    /* inputs */
    int key;
    char header[64]; /* CSV header text (unescaped) */
    char from[200];  /* `from "..."` source text, or "" */
} sym;

typedef struct G {
    dt_rng r;
    dt_case *c;
    sym syms[160];
    int nsyms;
    int ctx;
    sym params[4];
    int nparams;
    int tainted; /* the expression being built reads failed() */
    int maxdepth;
} G;

/* ---------------- small helpers ---------------- */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("difftest: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static unsigned R(G *g, unsigned n)
{
    return dt_below(&g->r, n);
}
static int P(G *g, unsigned pct)
{
    return dt_pct(&g->r, pct);
}
static const char *pick(G *g, const char *const *a, size_t n)
{
    return a[R(g, (unsigned)n)];
}
#define PICK(g, arr) pick(g, arr, sizeof arr / sizeof arr[0])

static dt_node *alloc_node(G *g)
{
    dt_node *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->next_alloc = g->c->allocs;
    g->c->allocs = n;
    return n;
}

static dt_node *leaf(G *g, int type, const char *text)
{
    dt_node *n = alloc_node(g);
    n->tmpl = xstrdup(text);
    n->type = type;
    return n;
}

static dt_node *leaff(G *g, int type, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return leaf(g, type, buf);
}

/* A node from a template where each `@` is the next kid. */
static dt_node *mkv(G *g, int type, const char *t, int nk, dt_node **kids)
{
    dt_node *n = alloc_node(g);
    size_t len = strlen(t);
    n->tmpl = xmalloc(len * 2 + 1);
    char *o = n->tmpl;
    int k = 0;
    for (const char *p = t; *p; p++) {
        if (*p == '@') {
            *o++ = 1;
            *o++ = (char)(k++ + 1);
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
    n->nkids = nk;
    n->kids = xmalloc(sizeof(dt_node *) * (size_t)(nk ? nk : 1));
    for (int i = 0; i < nk; i++)
        n->kids[i] = kids[i];
    n->type = type;
    return n;
}

static dt_node *mk(G *g, int type, const char *t, ...)
{
    dt_node *kids[8];
    int nk = 0;
    va_list ap;
    va_start(ap, t);
    for (const char *p = t; *p; p++)
        if (*p == '@')
            kids[nk++] = va_arg(ap, dt_node *);
    va_end(ap);
    return mkv(g, type, t, nk, kids);
}

/* A list node: kids rendered one after another (decls, rows, items). */
typedef struct nlist {
    dt_node *k[256];
    int n;
} nlist;

static dt_node *mklist(G *g, const char *pre, nlist *l, const char *post)
{
    size_t plen = strlen(pre), qlen = strlen(post);
    dt_node *n = alloc_node(g);
    n->tmpl = xmalloc(plen + qlen + 2 * (size_t)l->n + 1);
    memcpy(n->tmpl, pre, plen);
    char *o = n->tmpl + plen;
    for (int i = 0; i < l->n; i++) {
        *o++ = 1;
        *o++ = (char)(i + 1);
    }
    memcpy(o, post, qlen + 1);
    n->nkids = l->n;
    n->kids = xmalloc(sizeof(dt_node *) * (size_t)(l->n ? l->n : 1));
    memcpy(n->kids, l->k, sizeof(dt_node *) * (size_t)l->n);
    return n;
}

static void push(nlist *l, dt_node *n)
{
    if (l->n < 250)
        l->k[l->n++] = n;
}

static int base(int t)
{
    return t & 7;
}
static int isopt(int t)
{
    return (t & DT_OPT) != 0;
}

static const char *tname(int t)
{
    static const char *const n[] = {"?", "int", "num",  "bool", "str",   "?",   "?",
                                    "?", "?",   "int?", "num?", "bool?", "str?"};
    return n[t & 15];
}

/* ---------------- literals ---------------- */

static const char *const small_ints[] = {"0",  "1",   "2",    "3",         "5",  "7",  "10", "12",
                                         "42", "100", "1000", "1_000_000", "64", "99", "250"};
static const char *const edge_ints[] = {"9223372036854775807", "3037000500",
                                        "4611686018427387904", "4294967296",
                                        "2_147_483_648",       "9_007_199_254_740_993"};
static const char *const nums[] = {"0.1",
                                   "0.2",
                                   "1.5",
                                   "2.675",
                                   "0.145",
                                   "2.5",
                                   "0.5",
                                   "1e6",
                                   "30%",
                                   "1.1%",
                                   "50%",
                                   "0.25",
                                   "3.75",
                                   "1e-3",
                                   "12.5",
                                   "1_000.5",
                                   "100.0",
                                   "0.001",
                                   "7.0",
                                   "1.005",
                                   "1e21",
                                   "1.5e-7",
                                   "5e-324",
                                   "9007199254740993.0",
                                   "1e308",
                                   "1.7976931348623157e308",
                                   "0.30000000000000004",
                                   "123456789.125",
                                   "1e-7",
                                   "4.35",
                                   "0.0"};
static const char *const strs[] = {"\"\"",
                                   "\"a\"",
                                   "\"east\"",
                                   "\"west\"",
                                   "\"north\"",
                                   "\"x,y\"",
                                   "\"say \\\"hi\\\"\"",
                                   "\"back\\\\slash\"",
                                   "\"line\\nbreak\"",
                                   "\"tab\\there\"",
                                   "\"caf\\u{e9}\"",
                                   "\"\xe6\x97\xa5\xe6\x9c\xac\"",
                                   "\"\\{brace}\"",
                                   "\"  pad  \"",
                                   "\"MiXeD\"",
                                   "\"F0001\"",
                                   "\"ab\"",
                                   "\"Ab\"",
                                   "\"b\"",
                                   "\"\xc3\xa9t\xc3\xa9\""};
static const char *const ints_for_cells[] = {"0",  "1",  "2",   "3",  "5",
                                             "10", "42", "100", "-1", "-5"};

/* Interval of a literal's value (for const bounds). */
static void lit_bounds(dt_node *n)
{
    char buf[128];
    size_t j = 0;
    int pct = 0;
    for (const char *p = n->tmpl; *p && j < sizeof buf - 1; p++) {
        if (*p == '_')
            continue;
        if (*p == '%') {
            pct = 1;
            continue;
        }
        buf[j++] = *p;
    }
    buf[j] = 0;
    double v = strtod(buf, NULL);
    if (pct)
        v /= 100;
    n->lo = n->hi = v;
}

static dt_node *lit(G *g, int t)
{
    dt_node *n;
    switch (base(t)) {
    case DT_INT:
        n = leaf(g, DT_INT, P(g, 8) ? PICK(g, edge_ints) : PICK(g, small_ints));
        lit_bounds(n);
        return n;
    case DT_NUM:
        if (P(g, 15))
            n = leaff(g, DT_NUM, "%u.%u", R(g, 1000), R(g, 100));
        else
            n = leaf(g, DT_NUM, PICK(g, nums));
        lit_bounds(n);
        return n;
    case DT_BOOL:
        n = leaf(g, DT_BOOL, P(g, 50) ? "true" : "false");
        return n;
    default:
        return leaf(g, DT_STR, PICK(g, strs));
    }
}

/* ---------------- scope ---------------- */

static int visible(G *g, const sym *s)
{
    switch (g->ctx) {
    case C_CONST:
        return s->kind == K_CONST;
    case C_PURE:
        return s->kind == K_CONST;
    case C_ROW:
        return s->kind == K_INPUT || s->kind == K_CONST || s->kind == K_LET || s->kind == K_RULE ||
               s->kind == K_DECIDE;
    default:
        return (s->kind == K_INPUT || s->kind == K_CONST || s->kind == K_LET || s->kind == K_RULE ||
                s->kind == K_DECIDE) &&
               !s->tainted;
    }
}

/* want non-opt T: exact, or int for num. want opt: same base, opt preferred. */
static int fits(int want, int have, int allow_plain_for_opt)
{
    if (isopt(want)) {
        if (base(have) != base(want))
            return 0;
        return isopt(have) || allow_plain_for_opt;
    }
    if (isopt(have))
        return 0;
    return have == want || (want == DT_NUM && have == DT_INT);
}

/* A name of type `want` in scope (params of the fn/table included), or NULL. */
static dt_node *name_of(G *g, int want, int plain_ok)
{
    const char *cand[200];
    int ctype[200], ctaint[200];
    double clo[200], chi[200];
    int nc = 0;
    if (g->ctx == C_PURE)
        for (int i = 0; i < g->nparams; i++)
            if (fits(want, g->params[i].type, plain_ok) && nc < 200) {
                ctype[nc] = g->params[i].type;
                ctaint[nc] = 0;
                clo[nc] = -INFINITY;
                chi[nc] = INFINITY;
                cand[nc++] = g->params[i].name;
            }
    for (int i = 0; i < g->nsyms; i++) {
        sym *s = &g->syms[i];
        if (!visible(g, s) || !fits(want, s->type, plain_ok) || nc >= 200)
            continue;
        /* a const shadowed by a parameter is not reachable */
        int shadowed = 0;
        if (g->ctx == C_PURE)
            for (int j = 0; j < g->nparams; j++)
                shadowed |= strcmp(g->params[j].name, s->name) == 0;
        if (shadowed)
            continue;
        ctype[nc] = s->type;
        ctaint[nc] = s->tainted;
        clo[nc] = s->lo;
        chi[nc] = s->hi;
        cand[nc++] = s->name;
    }
    if (!nc)
        return NULL;
    int k = (int)R(g, (unsigned)nc);
    dt_node *n = leaf(g, ctype[k], cand[k]);
    n->lo = clo[k];
    n->hi = chi[k];
    g->tainted |= ctaint[k];
    return n;
}

static int have_opt(G *g, int b)
{
    if (g->ctx == C_PURE) {
        for (int i = 0; i < g->nparams; i++)
            if (g->params[i].type == (b | DT_OPT))
                return 1;
        return 0;
    }
    if (g->ctx == C_CONST)
        return 0;
    for (int i = 0; i < g->nsyms; i++)
        if (visible(g, &g->syms[i]) && g->syms[i].type == (b | DT_OPT))
            return 1;
    return 0;
}

/* ---------------- expressions ---------------- */

static dt_node *gx(G *g, int t, int d);

static int in_lim(const dt_node *n)
{
    return n->lo >= -LIM && n->hi <= LIM;
}

static dt_node *setb(dt_node *n, double a, double b)
{
    n->lo = a < b ? a : b;
    n->hi = a < b ? b : a;
    return n;
}

static dt_node *num_or_int(G *g, int want, int d)
{
    return gx(g, want == DT_NUM && P(g, 30) ? DT_INT : want, d);
}

/* Result type of an arithmetic operator over two operands. */
static int meet(dt_node *a, dt_node *b)
{
    return base(a->type) == DT_INT && base(b->type) == DT_INT ? DT_INT : DT_NUM;
}

/* A call to a fn or table of result type t (and its args), or NULL. */
static dt_node *user_call(G *g, int t, int d)
{
    int cand[160], nc = 0;
    for (int i = 0; i < g->nsyms; i++) {
        sym *s = &g->syms[i];
        if ((s->kind == K_FN || s->kind == K_TABLE) && fits(t, s->type, 0))
            cand[nc++] = i;
    }
    if (!nc || g->ctx == C_CONST)
        return NULL;
    sym *s = &g->syms[cand[R(g, (unsigned)nc)]];
    char tm[64];
    snprintf(tm, sizeof tm, "%s(", s->name);
    dt_node *kids[4];
    for (int i = 0; i < s->np; i++) {
        strcat(tm, i ? ", @" : "@");
        int pt = s->ptype[i];
        if (isopt(pt) && !have_opt(g, base(pt)))
            pt = base(pt);
        kids[i] = gx(g, pt, d + 1);
    }
    strcat(tm, ")");
    return mkv(g, s->type, tm, s->np, kids);
}

static dt_node *gx_int(G *g, int d)
{
    int cst = g->ctx == C_CONST;
    for (int tries = 0; tries < 6; tries++) {
        dt_node *a, *b, *c, *n;
        switch (R(g, 16)) {
        case 0:
        case 1:
        case 2:
            a = gx(g, DT_INT, d + 1);
            b = gx(g, DT_INT, d + 1);
            {
                static const char *const ops[] = {"(@ + @)", "(@ - @)", "(@ * @)"};
                int k = (int)R(g, 3);
                n = mk(g, DT_INT, ops[k], a, b);
                if (cst) {
                    if (!in_lim(a) || !in_lim(b))
                        continue;
                    if (k == 0)
                        setb(n, a->lo + b->lo, a->hi + b->hi);
                    else if (k == 1)
                        setb(n, a->lo - b->hi, a->hi - b->lo);
                    else {
                        double p[4] = {a->lo * b->lo, a->lo * b->hi, a->hi * b->lo, a->hi * b->hi};
                        double lo = p[0], hi = p[0];
                        for (int i = 1; i < 4; i++) {
                            lo = p[i] < lo ? p[i] : lo;
                            hi = p[i] > hi ? p[i] : hi;
                        }
                        if (lo < -4e18 || hi > 4e18)
                            continue;
                        setb(n, lo, hi);
                    }
                }
                return n;
            }
        case 3:
            a = gx(g, DT_INT, d + 1);
            if (cst && !in_lim(a))
                continue;
            return setb(mk(g, DT_INT, "(-@)", a), -a->hi, -a->lo);
        case 4:
            a = gx(g, DT_INT, d + 1);
            if (cst && !in_lim(a))
                continue;
            return setb(mk(g, DT_INT, "abs(@)", a), 0, fmax(fabs(a->lo), fabs(a->hi)));
        case 5:
            a = gx(g, DT_INT, d + 1);
            b = gx(g, DT_INT, d + 1);
            if (P(g, 30)) {
                c = gx(g, DT_INT, d + 1);
                n = mk(g, DT_INT, P(g, 50) ? "min(@, @, @)" : "max(@, @, @)", a, b, c);
                return setb(n, fmin(a->lo, fmin(b->lo, c->lo)), fmax(a->hi, fmax(b->hi, c->hi)));
            }
            n = mk(g, DT_INT, P(g, 50) ? "min(@, @)" : "max(@, @)", a, b);
            return setb(n, fmin(a->lo, b->lo), fmax(a->hi, b->hi));
        case 6:
            a = gx(g, DT_INT, d + 1);
            b = gx(g, DT_INT, d + 1);
            c = gx(g, DT_INT, d + 1);
            if (cst && b->hi > c->lo)
                continue;
            return setb(mk(g, DT_INT, "clamp(@, @, @)", a, b, c), fmin(a->lo, b->lo),
                        fmax(a->hi, c->hi));
        case 7:
            a = gx(g, DT_INT, d + 1);
            b = gx(g, DT_INT, d + 1);
            if (cst && ((b->lo <= 0 && b->hi >= 0) || !in_lim(a) || !in_lim(b)))
                continue;
            {
                double m = fmax(fabs(b->lo), fabs(b->hi));
                return setb(
                    mk(g, DT_INT, !cst && P(g, 40) ? "mod(@, max(abs(@), 1))" : "mod(@, @)", a, b),
                    -m, m);
            }
        case 8:
            a = gx(g, DT_NUM, d + 1);
            if (cst && !in_lim(a))
                continue;
            return setb(mk(g, DT_INT, "int(@)", a), trunc(a->lo), trunc(a->hi));
        case 9:
            a = gx(g, DT_STR, d + 1);
            return setb(mk(g, DT_INT, "len(@)", a), 0, 400);
        case 10:
            if (g->ctx != C_ROW || P(g, 60))
                continue;
            g->tainted = 1;
            return leaf(g, DT_INT, "failed_count()");
        case 11:
            a = gx(g, DT_BOOL, d + 1);
            b = gx(g, DT_INT, d + 1);
            c = gx(g, DT_INT, d + 1);
            return setb(mk(g, DT_INT, "(if @ then @ else @)", a, b, c), fmin(b->lo, c->lo),
                        fmax(b->hi, c->hi));
        case 12:
            if (!have_opt(g, DT_INT))
                continue;
            a = gx(g, DT_INT | DT_OPT, d + 1);
            b = gx(g, DT_INT, d + 1);
            return mk(g, DT_INT, "(@ ?? @)", a, b);
        case 13:
        case 14:
            n = user_call(g, DT_INT, d);
            if (!n)
                continue;
            return n;
        default:
            n = name_of(g, DT_INT, 0);
            if (!n)
                continue;
            return n;
        }
    }
    return lit(g, DT_INT);
}

static dt_node *gx_num(G *g, int d)
{
    int cst = g->ctx == C_CONST;
    for (int tries = 0; tries < 6; tries++) {
        dt_node *a, *b, *c, *n;
        switch (R(g, 22)) {
        case 0:
        case 1:
        case 2: {
            a = num_or_int(g, DT_NUM, d + 1);
            b = num_or_int(g, DT_NUM, d + 1);
            static const char *const ops[] = {"(@ + @)", "(@ - @)", "(@ * @)"};
            int k = (int)R(g, 3);
            if (cst && (!in_lim(a) || !in_lim(b)))
                continue;
            n = mk(g, meet(a, b), ops[k], a, b);
            if (k == 0)
                setb(n, a->lo + b->lo, a->hi + b->hi);
            else if (k == 1)
                setb(n, a->lo - b->hi, a->hi - b->lo);
            else {
                double m = fmax(fabs(a->lo), fabs(a->hi)) * fmax(fabs(b->lo), fabs(b->hi));
                if (cst && n->type == DT_INT && m > 4e18)
                    continue;
                setb(n, -m, m);
            }
            return n;
        }
        case 3:
        case 4:
            a = num_or_int(g, DT_NUM, d + 1);
            b = num_or_int(g, DT_NUM, d + 1);
            if (cst) {
                if (!in_lim(a) || !in_lim(b) || (b->lo <= 1e-6 && b->hi >= -1e-6))
                    continue;
                double m = fmin(fabs(b->lo), fabs(b->hi));
                double x = fmax(fabs(a->lo), fabs(a->hi)) / m;
                return setb(mk(g, DT_NUM, "(@ / @)", a, b), -x, x);
            }
            return mk(g, DT_NUM, P(g, 40) ? "(@ / max(abs(@), 1))" : "(@ / @)", a, b);
        case 5:
            a = gx(g, DT_NUM, d + 1);
            if (cst && (a->lo < 0 || !in_lim(a)))
                continue;
            return setb(mk(g, DT_NUM, !cst && P(g, 60) ? "sqrt(abs(@))" : "sqrt(@)", a), 0,
                        sqrt(fabs(a->hi)) + 1);
        case 6:
            a = gx(g, DT_NUM, d + 1);
            if (cst && (a->lo < 1e-300 || !in_lim(a)))
                continue;
            return setb(mk(g, DT_NUM, !cst && P(g, 60) ? "log((abs(@) + 1))" : "log(@)", a),
                        log(fabs(a->lo) + 1e-300) - 1, log(fabs(a->hi) + 1) + 1);
        case 7:
            a = gx(g, DT_NUM, d + 1);
            if (cst && (a->hi > 20 || a->lo < -LIM))
                continue;
            return setb(mk(g, DT_NUM, !cst && P(g, 60) ? "exp(min(@, 50))" : "exp(@)", a), 0,
                        exp(fmin(a->hi, 700)) + 1);
        case 8:
            a = gx(g, DT_NUM, d + 1);
            b = num_or_int(g, DT_NUM, d + 1);
            if (cst && (a->lo < 1e-3 || a->hi > 1e3 || b->lo < -4 || b->hi > 4))
                continue;
            return setb(mk(g, DT_NUM,
                           !cst && P(g, 60) ? "pow((abs(@) + 0.5), clamp(@, -3, 3))" : "pow(@, @)",
                           a, b),
                        0, 1e13);
        case 9: {
            static const char *const f[] = {"floor(@)", "ceil(@)", "round(@)", "num(@)", "abs(@)"};
            a = num_or_int(g, DT_NUM, d + 1);
            if (cst && !in_lim(a))
                continue;
            int k = (int)R(g, 5);
            n = mk(g, k == 4 ? a->type : DT_NUM, f[k], a);
            return setb(n, k == 4 ? 0 : a->lo - 1, fmax(fabs(a->lo), fabs(a->hi)) + 1);
        }
        case 10: {
            a = num_or_int(g, DT_NUM, d + 1);
            if (cst && !in_lim(a))
                continue;
            b = P(g, 80) ? leaff(g, DT_INT, "%d", (int)R(g, 8) - 3) : gx(g, DT_INT, d + 1);
            if (cst && !(b->tmpl[0] != 1 && strlen(b->tmpl) < 4)) /* literal digits only */
                continue;
            double m = fmax(fabs(a->lo), fabs(a->hi)) * 2 + 1000;
            return setb(mk(g, DT_NUM, "round(@, @)", a, b), -m, m);
        }
        case 11: {
            a = gx(g, DT_NUM, d + 1);
            b = num_or_int(g, DT_NUM, d + 1);
            if (P(g, 30)) {
                c = num_or_int(g, DT_NUM, d + 1);
                n = mk(g, DT_NUM, P(g, 50) ? "min(@, @, @)" : "max(@, @, @)", a, b, c);
                return setb(n, fmin(a->lo, fmin(b->lo, c->lo)), fmax(a->hi, fmax(b->hi, c->hi)));
            }
            n = mk(g, DT_NUM, P(g, 50) ? "min(@, @)" : "max(@, @)", a, b);
            return setb(n, fmin(a->lo, b->lo), fmax(a->hi, b->hi));
        }
        case 12:
            a = gx(g, DT_NUM, d + 1);
            b = num_or_int(g, DT_NUM, d + 1);
            c = num_or_int(g, DT_NUM, d + 1);
            if (cst && b->hi > c->lo)
                continue;
            return setb(mk(g, DT_NUM, "clamp(@, @, @)", a, b, c), fmin(a->lo, b->lo),
                        fmax(a->hi, c->hi));
        case 13:
            a = gx(g, DT_NUM, d + 1);
            b = num_or_int(g, DT_NUM, d + 1);
            if (cst && ((b->lo <= 1e-6 && b->hi >= -1e-6) || !in_lim(a) || !in_lim(b)))
                continue;
            {
                double m = fmax(fabs(b->lo), fabs(b->hi));
                return setb(mk(g, DT_NUM, "mod(@, @)", a, b), -m, m);
            }
        case 14:
            a = gx(g, DT_NUM, d + 1);
            if (cst && !in_lim(a))
                continue;
            return setb(mk(g, a->type, "(-@)", a), -a->hi, -a->lo);
        case 15:
            a = gx(g, DT_BOOL, d + 1);
            b = num_or_int(g, DT_NUM, d + 1);
            c = num_or_int(g, DT_NUM, d + 1);
            return setb(mk(g, meet(b, c), "(if @ then @ else @)", a, b, c), fmin(b->lo, c->lo),
                        fmax(b->hi, c->hi));
        case 16:
            if (!have_opt(g, DT_NUM))
                continue;
            a = gx(g, DT_NUM | DT_OPT, d + 1);
            b = num_or_int(g, DT_NUM, d + 1);
            return mk(g, DT_NUM, "(@ ?? @)", a, b);
        case 17:
        case 18:
            n = user_call(g, DT_NUM, d);
            if (!n)
                continue;
            return n;
        default:
            n = name_of(g, DT_NUM, 0);
            if (!n)
                continue;
            return n;
        }
    }
    return lit(g, P(g, 20) ? DT_INT : DT_NUM);
}

/* A comparison of two values of one random comparable type. */
static dt_node *cmp(G *g, int d)
{
    static const char *const ops[] = {"(@ == @)", "(@ != @)", "(@ < @)",
                                      "(@ <= @)", "(@ > @)",  "(@ >= @)"};
    int k = (int)R(g, 10);
    if (k < 6) {
        int t = P(g, 50) ? DT_NUM : DT_INT;
        return mk(g, DT_BOOL, PICK(g, ops), num_or_int(g, t, d + 1), num_or_int(g, t, d + 1));
    }
    if (k < 9)
        return mk(g, DT_BOOL, PICK(g, ops), gx(g, DT_STR, d + 1), gx(g, DT_STR, d + 1));
    return mk(g, DT_BOOL, P(g, 50) ? "(@ == @)" : "(@ != @)", gx(g, DT_BOOL, d + 1),
              gx(g, DT_BOOL, d + 1));
}

static dt_node *gx_bool(G *g, int d)
{
    for (int tries = 0; tries < 6; tries++) {
        dt_node *a, *b, *c, *n;
        switch (R(g, 20)) {
        case 0:
        case 1:
        case 2:
            return cmp(g, d);
        case 3:
        case 4:
            return mk(g, DT_BOOL, P(g, 50) ? "(@ and @)" : "(@ or @)", gx(g, DT_BOOL, d + 1),
                      gx(g, DT_BOOL, d + 1));
        case 5:
            return mk(g, DT_BOOL, "(not @)", gx(g, DT_BOOL, d + 1));
        case 6: {
            int t = P(g, 70) ? (P(g, 50) ? DT_NUM : DT_INT) : DT_STR;
            a = num_or_int(g, t, d + 1);
            b = num_or_int(g, t, d + 1);
            c = num_or_int(g, t, d + 1);
            return mk(g, DT_BOOL, "(@ between @ and @)", a, b, c);
        }
        case 7: {
            int t = (int)R(g, 4) + 1;
            dt_node *k[6];
            int ni = 1 + (int)R(g, 4);
            char tm[64] = "(@ in [";
            k[0] = num_or_int(g, t, d + 1);
            for (int i = 0; i < ni; i++) {
                k[i + 1] = R(g, 3) ? lit(g, t == DT_NUM && P(g, 40) ? DT_INT : t)
                                   : num_or_int(g, t, d + 1);
                strcat(tm, i ? ", @" : "@");
            }
            strcat(tm, "])");
            return mkv(g, DT_BOOL, tm, ni + 1, k);
        }
        case 8: {
            int t = (int)R(g, 4) + 1;
            if (!have_opt(g, t)) {
                if (g->ctx == C_CONST || P(g, 70))
                    continue;
                a = gx(g, t, d + 1); /* `is` on a plain value is allowed */
            } else {
                a = gx(g, t | DT_OPT, d + 1);
            }
            return mk(g, DT_BOOL, P(g, 50) ? "(@ is missing)" : "(@ is present)", a);
        }
        case 9: {
            static const char *const f[] = {"contains(@, @)", "starts_with(@, @)",
                                            "ends_with(@, @)"};
            return mk(g, DT_BOOL, PICK(g, f), gx(g, DT_STR, d + 1), gx(g, DT_STR, d + 1));
        }
        case 10:
            a = gx(g, DT_BOOL, d + 1);
            b = gx(g, DT_BOOL, d + 1);
            c = gx(g, DT_BOOL, d + 1);
            return mk(g, DT_BOOL, "(if @ then @ else @)", a, b, c);
        case 11:
            if (!have_opt(g, DT_BOOL))
                continue;
            return mk(g, DT_BOOL, "(@ ?? @)", gx(g, DT_BOOL | DT_OPT, d + 1),
                      gx(g, DT_BOOL, d + 1));
        case 12:
        case 13:
            n = user_call(g, DT_BOOL, d);
            if (!n)
                continue;
            return n;
        default:
            n = name_of(g, DT_BOOL, 0);
            if (!n)
                continue;
            return n;
        }
    }
    return lit(g, DT_BOOL);
}

static const char *const str_bits[] = {
    "pre ", " mid ", "x", ", ", " \\\"q\\\" ", "\\n", "%", "\\{lit\\}", "\xc3\xa9", "=", ""};

static dt_node *gx_str(G *g, int d)
{
    for (int tries = 0; tries < 6; tries++) {
        dt_node *a, *b, *c, *n;
        switch (R(g, 18)) {
        case 0:
        case 1: {
            int ni = 1 + (int)R(g, 2);
            dt_node *k[2];
            char tm[256] = "\"";
            for (int i = 0; i < ni; i++) {
                strcat(tm, PICK(g, str_bits));
                strcat(tm, "{@}");
                int t = (int)R(g, 4) + 1;
                k[i] = num_or_int(g, t, d + 1);
            }
            strcat(tm, PICK(g, str_bits));
            strcat(tm, "\"");
            return mkv(g, DT_STR, tm, ni, k);
        }
        case 2:
        case 3: {
            static const char *const f[] = {"lower(@)", "upper(@)", "trim(@)"};
            return mk(g, DT_STR, PICK(g, f), gx(g, DT_STR, d + 1));
        }
        case 4:
            a = gx(g, DT_STR, d + 1);
            b = gx(g, DT_STR, d + 1);
            if (P(g, 30))
                return mk(g, DT_STR, "concat(@, @, @)", a, b, gx(g, DT_STR, d + 1));
            return mk(g, DT_STR, "concat(@, @)", a, b);
        case 5:
        case 6: {
            int t = (int)R(g, 4) + 1;
            return mk(g, DT_STR, "str(@)", gx(g, t, d + 1));
        }
        case 7:
            a = gx(g, DT_BOOL, d + 1);
            b = gx(g, DT_STR, d + 1);
            c = gx(g, DT_STR, d + 1);
            return mk(g, DT_STR, "(if @ then @ else @)", a, b, c);
        case 8:
            if (!have_opt(g, DT_STR))
                continue;
            return mk(g, DT_STR, "(@ ?? @)", gx(g, DT_STR | DT_OPT, d + 1), gx(g, DT_STR, d + 1));
        case 9:
            if (g->ctx != C_ROW)
                continue;
            g->tainted = 1;
            return leaf(g, DT_STR, "failed()");
        case 10:
        case 11:
            n = user_call(g, DT_STR, d);
            if (!n)
                continue;
            return n;
        default:
            n = name_of(g, DT_STR, 0);
            if (!n)
                continue;
            return n;
        }
    }
    return lit(g, DT_STR);
}

/* An optional expression of base b: an optional name, or `x ?? y` with y optional. */
static dt_node *gx_opt(G *g, int b, int d)
{
    dt_node *n = name_of(g, b | DT_OPT, 0);
    if (!n)
        return gx(g, b, d);
    if (d < g->maxdepth && P(g, 20)) {
        dt_node *y = name_of(g, b | DT_OPT, 0);
        if (y && fits(b, base(y->type), 0))
            return mk(g, b | DT_OPT, "(@ ?? @)", n, y);
    }
    return n;
}

static dt_node *gx(G *g, int t, int d)
{
    if (isopt(t))
        return gx_opt(g, base(t), d);
    if (d >= g->maxdepth || P(g, 12)) {
        /* leaves: a name if one fits, else a literal */
        dt_node *n = P(g, 65) ? name_of(g, t, 0) : NULL;
        if (n)
            return n;
        if (t == DT_NUM && P(g, 25))
            return lit(g, DT_INT);
        return lit(g, t);
    }
    switch (t) {
    case DT_INT:
        return gx_int(g, d);
    case DT_NUM:
        return gx_num(g, d);
    case DT_BOOL:
        return gx_bool(g, d);
    default:
        return gx_str(g, d);
    }
}

/* ---------------- declarations ---------------- */

static sym *add_sym(G *g, int kind, const char *prefix, int type)
{
    sym *s = &g->syms[g->nsyms];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s%d", prefix, g->nsyms);
    s->kind = kind;
    s->type = type;
    s->lo = -INFINITY;
    s->hi = INFINITY;
    g->nsyms++;
    return s;
}

static const char *const from_headers[] = {"Dust (mg/m3)",     "in",      "Amount, EUR",
                                           "say \"x\"",        "key",     "output",
                                           "col with  spaces", "Ünïcode", "from"};

static dt_node *gen_input(G *g)
{
    nlist cols = {.n = 0};
    int nkeys = P(g, 15) ? 0 : (P(g, 80) ? 1 : 2);
    int ncols = 3 + (int)R(g, 6);
    int used_from = 0;
    for (int i = 0; i < nkeys + ncols; i++) {
        int key = i < nkeys;
        int t = key ? (P(g, 70) ? DT_STR : DT_INT) : (int)R(g, 4) + 1;
        if (!key && P(g, 40))
            t |= DT_OPT;
        sym *s = add_sym(g, K_INPUT, key ? "id" : "c", t);
        s->key = key;
        memcpy(s->header, s->name, sizeof s->name);
        if (P(g, 20)) {
            int k = (int)R(g, sizeof from_headers / sizeof from_headers[0]);
            if (!(used_from & (1 << k))) {
                used_from |= 1 << k;
                snprintf(s->header, sizeof s->header, "%s", from_headers[k]);
                char esc[96];
                size_t j = 0;
                for (const char *p = from_headers[k]; *p && j < sizeof esc - 3; p++) {
                    if (*p == '"' || *p == '\\')
                        esc[j++] = '\\';
                    esc[j++] = *p;
                }
                esc[j] = 0;
                snprintf(s->from, sizeof s->from, " from \"%s\"", esc);
            }
        }
        dt_node *n =
            leaff(g, DT_NONE, "  %s : %s%s%s\n", s->name, tname(t), key ? " key" : "", s->from);
        n->droppable = 1;
        push(&cols, n);
    }
    return mklist(g, "input {\n", &cols, "}\n");
}

static dt_node *gen_const(G *g)
{
    int t = (int)R(g, 4) + 1;
    g->ctx = C_CONST;
    g->maxdepth = 3;
    dt_node *e = gx(g, t, 0);
    sym *s = add_sym(g, K_CONST, "K", e->type);
    s->lo = e->lo;
    s->hi = e->hi;
    if (base(e->type) != DT_INT && base(e->type) != DT_NUM) {
        s->lo = -INFINITY;
        s->hi = INFINITY;
    }
    char tm[64];
    snprintf(tm, sizeof tm, "const %s = @\n", s->name);
    return mk(g, DT_NONE, tm, e);
}

/* Parameters of a fn or table: names p<k>, or a global's name to shadow it. */
static void gen_params(G *g, int np, int allow_opt, char *sig, size_t sigsz)
{
    g->nparams = np;
    sig[0] = 0;
    for (int i = 0; i < np; i++) {
        sym *p = &g->params[i];
        memset(p, 0, sizeof *p);
        p->kind = K_PARAM;
        p->type = (int)R(g, 4) + 1;
        if (allow_opt && P(g, 20))
            p->type |= DT_OPT;
        int shadow = -1;
        if (P(g, 20) && g->nsyms) {
            int j = (int)R(g, (unsigned)g->nsyms);
            if (g->syms[j].kind == K_INPUT || g->syms[j].kind == K_LET ||
                g->syms[j].kind == K_CONST)
                shadow = j;
        }
        if (shadow >= 0)
            snprintf(p->name, sizeof p->name, "%s", g->syms[shadow].name);
        else
            snprintf(p->name, sizeof p->name, "p%d", i);
        for (int j = 0; j < i; j++)
            if (strcmp(g->params[j].name, p->name) == 0)
                snprintf(p->name, sizeof p->name, "p%d", i);
        size_t l = strlen(sig);
        snprintf(sig + l, sigsz - l, "%s%s: %s", i ? ", " : "", p->name, tname(p->type));
    }
}

static dt_node *gen_fn(G *g)
{
    char sig[200];
    int rt = (int)R(g, 4) + 1;
    gen_params(g, 1 + (int)R(g, 3), 1, sig, sizeof sig);
    g->ctx = C_PURE;
    g->maxdepth = 3;
    dt_node *body = gx(g, rt, 0);
    sym *s = add_sym(g, K_FN, "f", rt);
    s->np = g->nparams;
    for (int i = 0; i < g->nparams; i++)
        s->ptype[i] = g->params[i].type;
    char tm[300];
    snprintf(tm, sizeof tm, "fn %s(%s) -> %s = @\n", s->name, sig, tname(rt));
    g->nparams = 0;
    return mk(g, DT_NONE, tm, body);
}

/* A cell value literal of type t (or a const of that type, when allowed). */
static void cell_value(G *g, int t, int const_ok, char *out, size_t n)
{
    if (const_ok && P(g, 20)) {
        int cand[160], nc = 0;
        for (int i = 0; i < g->nsyms; i++)
            if (g->syms[i].kind == K_CONST && fits(t, g->syms[i].type, 0)) {
                int shadowed = 0;
                for (int j = 0; j < g->nparams; j++)
                    shadowed |= strcmp(g->params[j].name, g->syms[i].name) == 0;
                if (!shadowed)
                    cand[nc++] = i;
            }
        if (nc) {
            snprintf(out, n, "%s", g->syms[cand[R(g, (unsigned)nc)]].name);
            return;
        }
    }
    switch (t) {
    case DT_INT:
        snprintf(out, n, "%s", PICK(g, ints_for_cells));
        break;
    case DT_NUM:
        if (P(g, 50))
            snprintf(out, n, "%s", PICK(g, ints_for_cells));
        else
            snprintf(out, n, "%s%s", P(g, 20) ? "-" : "", PICK(g, nums));
        break;
    case DT_BOOL:
        snprintf(out, n, "%s", P(g, 50) ? "true" : "false");
        break;
    default:
        snprintf(out, n, "%s", PICK(g, strs));
        break;
    }
}

/* The value of a numeric literal's text (`-`, `_` and `%` allowed). */
static double lit_value(const char *t)
{
    char buf[128];
    size_t j = 0;
    int pct = 0;
    for (const char *p = t; *p && j < sizeof buf - 1; p++) {
        if (*p == '_')
            continue;
        if (*p == '%') {
            pct = 1;
            continue;
        }
        buf[j++] = *p;
    }
    buf[j] = 0;
    double v = strtod(buf, NULL);
    return pct ? v / 100 : v;
}

static void rand_cell(G *g, int t, char *out, size_t n)
{
    char a[64], b[64], c[64];
    int k = (int)R(g, 10);
    if (k < 3) {
        snprintf(out, n, "_");
        return;
    }
    cell_value(g, t, 1, a, sizeof a);
    if (k < 5 || t == DT_BOOL) {
        if (t == DT_BOOL && k >= 8) {
            snprintf(out, n, "[%s]", a);
            return;
        }
        snprintf(out, n, "%s", a);
        return;
    }
    if (k < 7) {
        static const char *const ops[] = {"<", "<=", ">", ">="};
        snprintf(out, n, "%s %s", PICK(g, ops), a);
        return;
    }
    cell_value(g, t, 1, b, sizeof b);
    if (k < 8) { /* literals only, low end first: an empty range is an error */
        static const char *const plain[] = {"\"a\"",    "\"b\"", "\"east\"", "\"m\"",
                                            "\"west\"", "\"\"",  "\"Ab\""};
        if (t == DT_STR) {
            snprintf(a, sizeof a, "%s", PICK(g, plain));
            snprintf(b, sizeof b, "%s", PICK(g, plain));
            if (strcmp(a, b) > 0) {
                snprintf(out, n, "%s..%s", b, a);
                return;
            }
        } else {
            cell_value(g, t, 0, a, sizeof a);
            cell_value(g, t, 0, b, sizeof b);
            if (lit_value(a) > lit_value(b)) {
                snprintf(out, n, "%s..%s", b, a);
                return;
            }
        }
        snprintf(out, n, "%s..%s", a, b);
        return;
    }
    cell_value(g, t, 1, c, sizeof c);
    snprintf(out, n, "[%s, %s, %s]", a, b, c);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static dt_node *gen_table(G *g)
{
    char sig[200];
    int rt = (int)R(g, 4) + 1;
    int np = 1 + (int)R(g, 3);
    gen_params(g, np, 0, sig, sizeof sig);
    int uniq = P(g, 30);
    g->ctx = C_PURE;
    g->maxdepth = 2;
    nlist rows = {.n = 0};
    int nrows = 2 + (int)R(g, 5);
    /* unique: one int or str column gets pairwise disjoint literal cells */
    int disc = -1;
    if (uniq) {
        for (int i = 0; i < np; i++)
            if (g->params[i].type == DT_INT || g->params[i].type == DT_STR)
                disc = i;
        if (disc < 0)
            uniq = 0;
    }
    char cells[4][20][200];
    int ncells = nrows;
    if (uniq) {
        if (g->params[disc].type == DT_INT) {
            long long v[16];
            int nv = 2 + (int)R(g, 10);
            for (int i = 0; i < nv; i++)
                v[i] = (long long)R(g, 40) - 10;
            qsort(v, (size_t)nv, sizeof v[0], cmp_ll);
            int m = 0;
            for (int i = 0; i < nv; i++)
                if (!m || v[m - 1] != v[i])
                    v[m++] = v[i];
            ncells = 0;
            if (P(g, 50)) {
                int lt = P(g, 50); /* `< v0` or `<= v0-1`: both exclude v0 */
                snprintf(cells[disc][ncells++], 200, "%s %lld", lt ? "<" : "<=", v[0] - !lt);
            }
            for (int i = 0; i < m;) {
                int take = (i + 1 < m && P(g, 50)) ? 2 : 1;
                if (take == 1)
                    snprintf(cells[disc][ncells++], 200, P(g, 70) ? "%lld" : "[%lld]", v[i]);
                else if (P(g, 50))
                    snprintf(cells[disc][ncells++], 200, "%lld..%lld", v[i], v[i + 1]);
                else
                    snprintf(cells[disc][ncells++], 200, "[%lld, %lld]", v[i], v[i + 1]);
                i += take;
            }
            if (P(g, 50)) {
                int gt = P(g, 50);
                snprintf(cells[disc][ncells++], 200, "%s %lld", gt ? ">" : ">=", v[m - 1] + !gt);
            }
        } else {
            static const char *const w[] = {"\"a\"",          "\"b\"",    "\"east\"", "\"west\"",
                                            "\"north\"",      "\"\"",     "\"Ab\"",   "\"x,y\"",
                                            "\"caf\\u{e9}\"", "\"F0001\""};
            int order[10];
            for (int i = 0; i < 10; i++)
                order[i] = i;
            for (int i = 9; i > 0; i--) {
                int j = (int)R(g, (unsigned)i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            ncells = 0;
            for (int i = 0; i < 2 + (int)R(g, 6) && i < 10;) {
                if (P(g, 30) && i + 1 < 10) {
                    snprintf(cells[disc][ncells++], 200, "[%s, %s]", w[order[i]], w[order[i + 1]]);
                    i += 2;
                } else {
                    snprintf(cells[disc][ncells++], 200, "%s", w[order[i]]);
                    i++;
                }
            }
        }
        nrows = ncells;
    }
    for (int r = 0; r < nrows; r++)
        for (int i = 0; i < np; i++)
            if (!uniq || i != disc) {
                if (uniq) { /* literal cells only, so the proof applies */
                    char a[64];
                    cell_value(g, g->params[i].type, 0, a, sizeof a);
                    snprintf(cells[i][r], 200, "%s", P(g, 50) ? "_" : a);
                } else {
                    rand_cell(g, g->params[i].type, cells[i][r], 200);
                }
            }
    int catchall = !uniq && P(g, 60);
    for (int r = 0; r < nrows + catchall; r++) {
        char tm[1000] = "  | ";
        for (int i = 0; i < np; i++) {
            if (i)
                strcat(tm, ", ");
            strcat(tm, r < nrows ? cells[i][r] : "_");
        }
        strcat(tm, " => @\n");
        /* cells may hold `@`? never: literals come from fixed pools */
        dt_node *e = gx(g, rt, 0);
        dt_node *row = mk(g, DT_NONE, tm, e);
        row->droppable = 1;
        push(&rows, row);
    }
    sym *s = add_sym(g, K_TABLE, "t", rt);
    s->np = np;
    for (int i = 0; i < np; i++)
        s->ptype[i] = g->params[i].type;
    g->nparams = 0;
    char pre[300];
    snprintf(pre, sizeof pre, "table %s(%s) -> %s%s {\n", s->name, sig, tname(rt),
             uniq ? " unique" : (P(g, 50) ? " first" : ""));
    return mklist(g, pre, &rows, "}\n");
}

static dt_node *gen_let(G *g)
{
    int t = (int)R(g, 4) + 1;
    g->ctx = C_ROW;
    g->maxdepth = 3;
    g->tainted = 0;
    dt_node *e;
    if (P(g, 15) && have_opt(g, t))
        e = gx(g, t | DT_OPT, 0);
    else
        e = gx(g, t, 0);
    sym *s = add_sym(g, K_LET, "v", e->type);
    s->tainted = g->tainted;
    char tm[64];
    snprintf(tm, sizeof tm, "let %s = @\n", s->name);
    return mk(g, DT_NONE, tm, e);
}

static dt_node *gen_rule(G *g)
{
    g->ctx = C_RULE;
    g->maxdepth = 3;
    g->tainted = 0;
    dt_node *e = gx(g, DT_BOOL, 0);
    dt_node *msg = NULL;
    if (P(g, 70)) {
        g->maxdepth = 2;
        msg = gx_str(g, 0);
        if (msg->tmpl[0] != '"')
            msg = NULL; /* the message is a string literal, maybe interpolated */
        if (P(g, 50) && !msg) {
            dt_node *k = gx(g, (int)R(g, 4) + 1, 1);
            msg = mk(g, DT_STR, "\"value {@} is wrong, \\\"really\\\"\"", k);
        }
    }
    sym *s = add_sym(g, K_RULE, "r", DT_BOOL);
    char tm[64];
    if (msg) {
        snprintf(tm, sizeof tm, "rule %s: @\n  else @\n", s->name);
        return mk(g, DT_NONE, tm, e, msg);
    }
    snprintf(tm, sizeof tm, "rule %s: @\n", s->name);
    return mk(g, DT_NONE, tm, e);
}

static dt_node *gen_decide(G *g)
{
    int t = (int)R(g, 4) + 1;
    g->ctx = C_ROW;
    g->maxdepth = 3;
    g->tainted = 0;
    nlist arms = {.n = 0};
    int narms = 1 + (int)R(g, 3), all_int = 1;
    for (int i = 0; i <= narms; i++) {
        dt_node *v = num_or_int(g, t, 1);
        all_int &= base(v->type) == DT_INT;
        dt_node *arm;
        if (i < narms) {
            arm = mk(g, DT_NONE, "  when @ => @\n", gx(g, DT_BOOL, 1), v);
            arm->droppable = 1;
        } else {
            arm = mk(g, DT_NONE, "  otherwise => @\n", v);
        }
        push(&arms, arm);
    }
    sym *s = add_sym(g, K_DECIDE, "d", t == DT_NUM && all_int ? DT_INT : t);
    s->tainted = g->tainted;
    char pre[64];
    snprintf(pre, sizeof pre, "decide %s {\n", s->name);
    return mklist(g, pre, &arms, "}\n");
}

static dt_node *gen_output(G *g, unsigned char *aliased)
{
    g->ctx = C_ROW;
    g->maxdepth = 3;
    g->tainted = 0;
    if (P(g, 30)) {
        int cand[160], nc = 0;
        for (int i = 0; i < g->nsyms; i++) {
            int k = g->syms[i].kind;
            if ((k == K_INPUT || k == K_LET || k == K_RULE || k == K_DECIDE) && !aliased[i])
                cand[nc++] = i;
        }
        if (nc) {
            int i = cand[R(g, (unsigned)nc)];
            aliased[i] = 1;
            return leaff(g, DT_NONE, "output %s\n", g->syms[i].name);
        }
    }
    int t = (int)R(g, 4) + 1;
    dt_node *e = P(g, 10) && have_opt(g, t) ? gx(g, t | DT_OPT, 0) : gx(g, t, 0);
    sym *s = add_sym(g, K_OUTPUT, "o", e->type);
    s->tainted = g->tainted;
    char tm[64];
    snprintf(tm, sizeof tm, "output %s = @\n", s->name);
    return mk(g, DT_NONE, tm, e);
}

static dt_node *gen_report(G *g, int idx)
{
    g->ctx = C_ROW;
    g->maxdepth = 2;
    char pre[200];
    int n = snprintf(pre, sizeof pre, "report");
    if (P(g, 60))
        n += snprintf(pre + n, sizeof pre - (size_t)n, " rep%d", idx);
    int nby = P(g, 40) ? 0 : 1 + (int)R(g, 2), emitted = 0;
    for (int i = 0; i < nby; i++) {
        int cand[160], nc = 0;
        for (int j = 0; j < g->nsyms; j++) {
            int k = g->syms[j].kind;
            if (k == K_INPUT || k == K_LET || k == K_RULE || k == K_DECIDE ||
                (k == K_OUTPUT && P(g, 30)))
                cand[nc++] = j;
        }
        if (!nc)
            break;
        const char *nm = g->syms[cand[R(g, (unsigned)nc)]].name;
        if (strstr(pre, nm))
            continue;
        n += snprintf(pre + n, sizeof pre - (size_t)n, "%s%s", emitted++ ? ", " : " by ", nm);
    }
    snprintf(pre + n, sizeof pre - (size_t)n, " {\n");
    nlist items = {.n = 0};
    int ni = 1 + (int)R(g, 6);
    for (int i = 0; i < ni; i++) {
        char tm[64];
        dt_node *it;
        int k = (int)R(g, 7);
        static const char *const aggs[] = {"sum", "avg", "min", "max"};
        if (k == 0) {
            snprintf(tm, sizeof tm, "  a%d = count()\n", i);
            it = leaf(g, DT_NONE, tm);
        } else if (k <= 2) {
            snprintf(tm, sizeof tm, "  a%d = %s(@)\n", i, k == 1 ? "count" : "share");
            it = mk(g, DT_NONE, tm, gx(g, P(g, 30) ? DT_BOOL | DT_OPT : DT_BOOL, 0));
        } else {
            int t = P(g, 50) ? DT_INT : DT_NUM;
            snprintf(tm, sizeof tm, "  a%d = %s(@)\n", i, aggs[k - 3]);
            it = mk(g, DT_NONE, tm, gx(g, P(g, 40) ? t | DT_OPT : t, 0));
        }
        it->droppable = 1;
        push(&items, it);
    }
    return mklist(g, pre, &items, "}\n");
}

/* ---------------- data ---------------- */

static const char *const int_cells[] = {"0",
                                        "1",
                                        "-1",
                                        "42",
                                        "007",
                                        "+5",
                                        "9223372036854775807",
                                        "-9223372036854775808",
                                        "-9223372036854775807",
                                        "3037000500",
                                        "-3037000500",
                                        "4611686018427387904",
                                        "1000000",
                                        "-100",
                                        "2",
                                        "3",
                                        "10"};
static const char *const bad_int_cells[] = {"12x", "1.5",  " 4",  "9223372036854775808",
                                            "--1", "0x10", "1e3", "4 "};
static const char *const num_cells[] = {"0.1",
                                        "0.2",
                                        "0.30000000000000004",
                                        "1e21",
                                        "1e+21",
                                        "1.5e-7",
                                        "5e-324",
                                        "9007199254740993",
                                        "-0.0",
                                        "-0",
                                        "1.7976931348623157e308",
                                        "2.675",
                                        "0.145",
                                        "1250",
                                        "123456789012345680000",
                                        "1e-7",
                                        "100",
                                        "3.14159",
                                        ".5",
                                        "5.",
                                        "+2.5",
                                        "1E3",
                                        "-1e-300",
                                        "0",
                                        "1",
                                        "-2.5",
                                        "4.35",
                                        "1e-5",
                                        "0.000001",
                                        "1e300"};
static const char *const bad_num_cells[] = {"abc",   "1e", "inf",   "nan",      "1e400",
                                            "1.2.3", " 1", "0x1p3", "Infinity", "1,5"};
static const char *const bool_cells[] = {"true", "false", "TRUE", "False", "yes",
                                         "No",   "1",     "0",    "YES",   "tRuE"};
static const char *const bad_bool_cells[] = {"maybe", "2", "t", "y", "on"};
static const char *const str_cells[] = {
    "east",    "west",  "north",      "central",      "a",           "Ab",
    "b",       "x,y",   "say \"hi\"", "line1\nline2", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",
    "  pad  ", "MiXeD", "F0001",      "{brace}",      "back\\slash", "tab\there",
    "NA",      "ab",    "\"quoted\"", "x\r\ny"};

static void sb_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t nc = (*cap ? *cap * 2 : 256);
        while (nc < *len + n + 1)
            nc *= 2;
        char *p = realloc(*buf, nc);
        if (!p) {
            fputs("difftest: out of memory\n", stderr);
            abort();
        }
        *buf = p;
        *cap = nc;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = 0;
}

/* Appends a CSV field: quoted when needed (and sometimes when not). */
static void csv_field(G *g, char **b, size_t *l, size_t *c, const char *v)
{
    int need = strpbrk(v, ",\"\n\r") != NULL;
    if (!need && !(*v && P(g, 5))) {
        sb_add(b, l, c, v, strlen(v));
        return;
    }
    sb_add(b, l, c, "\"", 1);
    for (const char *p = v; *p; p++) {
        sb_add(b, l, c, p, 1);
        if (*p == '"')
            sb_add(b, l, c, "\"", 1); /* a quote is doubled */
    }
    sb_add(b, l, c, "\"", 1);
}

/* A cell's text; fault: 0 none, 1 bad value, 2 missing (one per faulty row). */
static void cell_text(G *g, const sym *s, int row, int fault, char *out, size_t n)
{
    int t = s->type;
    if (s->key) {
        if (fault == 2) {
            out[0] = 0;
            return;
        }
        if (base(t) == DT_INT)
            snprintf(out, n, P(g, 10) ? "00%d" : "%d", row + 1);
        else
            snprintf(out, n, P(g, 5) ? "F%04d,x" : "F%04d", row + 1);
        return;
    }
    if (fault == 2 || (isopt(t) && P(g, 5))) {
        out[0] = 0;
        return;
    }
    int bad = fault == 1;
    switch (base(t)) {
    case DT_INT:
        if (bad)
            snprintf(out, n, "%s", PICK(g, bad_int_cells));
        else if (P(g, 60))
            snprintf(out, n, "%d", (int)R(g, 200) - 50);
        else
            snprintf(out, n, "%s", PICK(g, int_cells));
        break;
    case DT_NUM:
        if (bad)
            snprintf(out, n, "%s", PICK(g, bad_num_cells));
        else if (P(g, 50))
            snprintf(out, n, "%d.%02u", (int)R(g, 2000) - 500, R(g, 100));
        else
            snprintf(out, n, "%s", PICK(g, num_cells));
        break;
    case DT_BOOL:
        snprintf(out, n, "%s", bad ? PICK(g, bad_bool_cells) : PICK(g, bool_cells));
        break;
    default:
        snprintf(out, n, "%s", PICK(g, str_cells));
        break;
    }
}

static void gen_data(G *g)
{
    dt_case *c = g->c;
    const sym *cols[64];
    int ncols = 0;
    for (int i = 0; i < g->nsyms && ncols < 60; i++)
        if (g->syms[i].kind == K_INPUT)
            cols[ncols++] = &g->syms[i];
    int nextra = (int)R(g, 5);
    static const char *const extra_names[] = {"notes", "dup", "dup", "Extra, col"};
    int idx[64], n = 0;
    for (int i = 0; i < ncols; i++)
        idx[n++] = i;
    for (int i = 0; i < nextra; i++)
        idx[n++] = -1 - i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)R(g, (unsigned)i + 1), t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    const char *eol = P(g, 15) ? "\r\n" : "\n";
    char *b = NULL;
    size_t l = 0, cap = 0;
    if (P(g, 5))
        sb_add(&b, &l, &cap, "\xef\xbb\xbf", 3);
    for (int i = 0; i < n; i++) {
        if (i)
            sb_add(&b, &l, &cap, ",", 1);
        csv_field(g, &b, &l, &cap, idx[i] >= 0 ? cols[idx[i]]->header : extra_names[-1 - idx[i]]);
    }
    sb_add(&b, &l, &cap, eol, strlen(eol));
    c->head = b;
    int nrows = 20 + (int)R(g, 41);
    c->recs = xmalloc(sizeof(char *) * (size_t)nrows);
    c->rec_dropped = xmalloc((size_t)nrows);
    memset(c->rec_dropped, 0, (size_t)nrows);
    c->nrecs = nrows;
    for (int r = 0; r < nrows; r++) {
        b = NULL;
        l = cap = 0;
        sb_add(&b, &l, &cap, "", 0);
        if (P(g, 3)) { /* a blank line, skipped by the reader */
            sb_add(&b, &l, &cap, eol, strlen(eol));
        }
        /* about one row in ten has one data fault */
        int nf = n, fk = (int)R(g, 100), fcol = (int)R(g, (unsigned)n), badquote = -1;
        if (fk < 2)
            nf = n > 1 ? n - 1 : n + 1;
        else if (fk < 3)
            nf = n + 1;
        else if (fk < 4)
            badquote = fcol;
        for (int i = 0; i < nf; i++) {
            char v[128];
            if (i)
                sb_add(&b, &l, &cap, ",", 1);
            if (i == badquote) {
                sb_add(&b, &l, &cap, "\"ab\"c", 5);
                continue;
            }
            if (i < n && idx[i] >= 0)
                cell_text(g, cols[idx[i]], r,
                          i == fcol && fk >= 4 && fk < 10 ? (fk < 7 ? 1 : 2) : 0, v, sizeof v);
            else
                snprintf(v, sizeof v, "%s", P(g, 50) ? "junk \"x\", y" : "");
            if (!*v && P(g, 20)) {
                sb_add(&b, &l, &cap, "\"\"", 2);
                continue;
            }
            csv_field(g, &b, &l, &cap, v);
        }
        sb_add(&b, &l, &cap, eol, strlen(eol));
        c->recs[r] = b;
    }
    c->tail = xstrdup("");
    if (P(g, 10)) { /* no final line ending */
        char *last = c->recs[nrows - 1];
        size_t ll = strlen(last), el = strlen(eol);
        if (ll >= el)
            last[ll - el] = 0;
    }
}

/* ---------------- the case ---------------- */

int dt_gen_case(uint64_t seed, dt_case *c)
{
    G *g = xmalloc(sizeof *g);
    memset(g, 0, sizeof *g);
    memset(c, 0, sizeof *c);
    g->c = c;
    c->seed = seed;
    dt_rng_seed(&g->r, seed);
    nlist decls = {.n = 0};
    if (P(g, 50)) {
        dt_node *h = leaff(g, DT_NONE, "policy \"case-%llx\" version \"1.%u\"\n",
                           (unsigned long long)seed, R(g, 10));
        h->droppable = 1;
        push(&decls, h);
    }
    if (P(g, 30)) {
        dt_node *h = leaf(g, DT_NONE, "# a generated case \xe2\x80\x94 comment\n");
        h->droppable = 1;
        push(&decls, h);
    }
    dt_node *in = gen_input(g);
    int nconst = (int)R(g, 4), nfn = (int)R(g, 3), ntab = (int)R(g, 3);
    int nlet = 1 + (int)R(g, 4), nrule = 1 + (int)R(g, 3), ndec = (int)R(g, 3);
    int nout = 1 + (int)R(g, 4), nrep = (int)R(g, 3);
    nlist pre = {.n = 0}, rowd = {.n = 0};
    for (int i = 0; i < nconst; i++)
        push(&pre, gen_const(g));
    int nf = nfn, nt = ntab;
    while (nf || nt) {
        if (nf && (!nt || P(g, 50))) {
            push(&pre, gen_fn(g));
            nf--;
        } else {
            push(&pre, gen_table(g));
            nt--;
        }
    }
    for (int i = 0; i < 2 && P(g, 30); i++) /* a const after fns: still only consts */
        push(&pre, gen_const(g));
    unsigned char aliased[160] = {0};
    int nl = nlet, nr = nrule, nd = ndec;
    while (nl || nr || nd) {
        int k = (int)R(g, 3);
        if (k == 0 && nl) {
            push(&rowd, gen_let(g));
            nl--;
        } else if (k == 1 && nr) {
            push(&rowd, gen_rule(g));
            nr--;
        } else if (k == 2 && nd) {
            push(&rowd, gen_decide(g));
            nd--;
        }
    }
    for (int i = 0; i < nout; i++)
        push(&rowd, gen_output(g, aliased));
    for (int i = 0; i < nrep; i++)
        push(&rowd, gen_report(g, i));
    /* declaration order in the file: may put uses before definitions */
    nlist all = decls;
    int order = (int)R(g, 3);
    if (order == 0) {
        push(&all, in);
        for (int i = 0; i < pre.n; i++)
            push(&all, pre.k[i]);
        for (int i = 0; i < rowd.n; i++)
            push(&all, rowd.k[i]);
    } else if (order == 1) { /* row declarations first, pure ones last */
        for (int i = 0; i < rowd.n; i++)
            push(&all, rowd.k[i]);
        push(&all, in);
        for (int i = pre.n - 1; i >= 0; i--)
            push(&all, pre.k[i]);
    } else { /* shuffled, outputs keep their order (it is the column order) */
        nlist mix = {.n = 0};
        push(&mix, in);
        for (int i = 0; i < pre.n; i++)
            push(&mix, pre.k[i]);
        for (int i = 0; i < rowd.n; i++)
            if (strncmp(rowd.k[i]->tmpl, "output", 6) != 0)
                push(&mix, rowd.k[i]);
        for (int i = mix.n - 1; i > 0; i--) {
            int j = (int)R(g, (unsigned)i + 1);
            dt_node *t = mix.k[i];
            mix.k[i] = mix.k[j];
            mix.k[j] = t;
        }
        for (int i = 0; i < mix.n; i++)
            push(&all, mix.k[i]);
        for (int i = 0; i < rowd.n; i++)
            if (strncmp(rowd.k[i]->tmpl, "output", 6) == 0)
                push(&all, rowd.k[i]);
    }
    for (int i = 0; i < all.n; i++)
        all.k[i]->droppable = 1;
    c->policy = mklist(g, "", &all, "");
    gen_data(g);
    c->format = P(g, 70) ? 0 : 1 + (int)R(g, 3);
    free(g);
    return 0;
}

void dt_case_free(dt_case *c)
{
    dt_node *n = c->allocs;
    while (n) {
        dt_node *next = n->next_alloc;
        free(n->tmpl);
        free(n->kids);
        free(n);
        n = next;
    }
    for (int i = 0; i < c->nrecs; i++)
        free(c->recs[i]);
    free(c->recs);
    free(c->rec_dropped);
    free(c->head);
    free(c->tail);
    memset(c, 0, sizeof *c);
}

static void render(const dt_node *n, char **b, size_t *l, size_t *cap)
{
    while (n->repl)
        n = n->repl;
    if (n->dropped)
        return;
    for (const char *p = n->tmpl; *p; p++) {
        if (*p == 1) {
            p++;
            render(n->kids[(unsigned char)*p - 1], b, l, cap);
        } else {
            const char *q = p;
            while (q[1] && q[1] != 1)
                q++;
            sb_add(b, l, cap, p, (size_t)(q - p + 1));
            p = q;
        }
    }
}

char *dt_render_node(const dt_node *n, size_t *len)
{
    char *b = NULL;
    size_t l = 0, cap = 0;
    sb_add(&b, &l, &cap, "", 0);
    render(n, &b, &l, &cap);
    if (len)
        *len = l;
    return b;
}

char *dt_render_policy(const dt_case *c, size_t *len)
{
    return dt_render_node(c->policy, len);
}

char *dt_render_data(const dt_case *c, size_t *len)
{
    char *b = NULL;
    size_t l = 0, cap = 0;
    sb_add(&b, &l, &cap, c->head, strlen(c->head));
    for (int i = 0; i < c->nrecs; i++)
        if (!c->rec_dropped[i])
            sb_add(&b, &l, &cap, c->recs[i], strlen(c->recs[i]));
    sb_add(&b, &l, &cap, c->tail, strlen(c->tail));
    if (len)
        *len = l;
    return b;
}

dt_node *dt_case_leaf(dt_case *c, int type, const char *text)
{
    G g;
    g.c = c;
    return leaf(&g, type, text);
}
