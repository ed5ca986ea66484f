/* diff.c — the engine-neutral comparison behind forge_diff (see diff.h).
 *
 * The data is read once: every CSV record is converted into one batch per
 * policy (each policy has its own schema over the same header), both
 * batches are evaluated by the interpreter, and the rows are compared in
 * place. Rows in error in either policy are written to the error stream
 * (as eval writes them; a data error both policies see the same way is
 * written once) and left out of every comparison. Two values are "the same"
 * when eval would write the same text for them. Totals are exact: every
 * value goes into a superaccumulator (fg_xsum) and is rounded once; the
 * change is accumulated the same way (new values plus negated old ones),
 * so it is the exact difference rounded once. Int values pass through
 * doubles, exact up to 2^53.
 *
 * Output order: the changed rows (with --rows, streamed as they are
 * found), then the summary, transitions, totals, group totals and the
 * names found in one policy only. */
#include "diff.h"

#include <math.h>
#include <string.h>

#include "csv.h"
#include "driver.h"
#include "engine.h"
#include "format.h"
#include "output.h"
#include "report.h"

typedef struct side {
    const fg_program *p;
    fg_csv_schema schema;
    bool have_schema;
    fg_batch b;
    bool have_batch;
    fg_results res;
    bool have_res;
} side;

typedef struct shared_out {
    const char *name;
    uint32_t o_old, o_new;
    bool decide, numeric, both_int;
    fg_type t_old, t_new;
    fg_xsum s_old, s_new, s_chg;
} shared_out;

typedef struct trans {
    uint32_t out; /* index into shared */
    fg_value o, n;
    uint64_t count;
} trans;

typedef struct dgroup {
    fg_value *key;
    fg_xsum *sums; /* 3 per numeric shared output: old, new, change */
} dgroup;

typedef struct diff {
    const fg_allocator *alloc;
    const forge_run_options *opt;
    const forge_diff_options *dopt;
    forge_diff_summary *sum;
    side s[2];
    fg_arena arena;
    shared_out *shared;
    uint32_t nshared, nnumeric;
    uint32_t *num_index;                          /* shared index of each numeric output */
    uint32_t *rule_old, *rule_new, nrules_shared; /* rule slots of rules in both */
    trans *tr;
    uint32_t ntr, trcap;
    const fg_report *grep; /* the new policy's first report with `by` */
    dgroup **groups;
    uint32_t ngroups, gcap;
    uint32_t *gslots, ngslots;
    fg_file_source *fs;
    fg_csv_reader *reader;
    fg_strbuf line, a, b;
    bool rows_started;
} diff;

static bool sink(const diff *d, const char *s, size_t n)
{
    return d->opt->write_out ? d->opt->write_out(d->opt->out_ud, s, n) == 0 : true;
}
static bool sinkb(const diff *d, const fg_strbuf *sb)
{
    return !sb->failed && sink(d, sb->data ? sb->data : "", sb->len);
}

static forge_status fail(diff *d, forge_status st, const char *msg, const char *arg)
{
    snprintf(d->sum->message, sizeof d->sum->message, msg, arg ? arg : "");
    return st;
}

static fg_value out_value(const side *s, uint32_t o, uint32_t row)
{
    const fg_output *out = &s->p->outputs[o];
    if (out->src == FG_OUT_INPUT)
        return fg_batch_get(&s->b, out->index, row);
    return s->res.vals[(size_t)out->index * s->res.cap + row];
}

static fg_value slot_value(const side *s, uint32_t slot, uint32_t row)
{
    return s->res.vals[(size_t)slot * s->res.cap + row];
}

/* Typed order: missing first, numbers numerically, strings byte-wise, false < true. */
static int cmp_val(fg_type t, const fg_value *a, const fg_value *b)
{
    if (a->missing || b->missing)
        return (int)b->missing - (int)a->missing;
    switch (fg_type_base(t)) {
    case FG_T_INT:
        return a->i < b->i ? -1 : a->i > b->i;
    case FG_T_NUM:
        return a->n < b->n ? -1 : a->n > b->n;
    case FG_T_BOOL:
        return (int)a->b - (int)b->b;
    default: {
        uint32_t n = a->s.len < b->s.len ? a->s.len : b->s.len;
        int c = n ? memcmp(a->s.ptr, b->s.ptr, n) : 0;
        return c ? c : (a->s.len < b->s.len ? -1 : a->s.len > b->s.len);
    }
    }
}

static bool copy_val(diff *d, fg_type t, fg_value *v)
{
    if (v->missing || fg_type_base(t) != FG_T_STR)
        return true;
    char *p = fg_arena_strndup(&d->arena, v->s.ptr ? v->s.ptr : "", v->s.len);
    v->s.ptr = p;
    return p != NULL;
}

static bool same_text(diff *d, fg_type ta, fg_value a, fg_type tb, fg_value b)
{
    if (a.missing || b.missing)
        return a.missing == b.missing;
    fg_strbuf_clear(&d->a);
    fg_strbuf_clear(&d->b);
    fg_fmt_value(&d->a, ta, a);
    fg_fmt_value(&d->b, tb, b);
    return d->a.len == d->b.len && (d->a.len == 0 || memcmp(d->a.data, d->b.data, d->a.len) == 0);
}

static double as_num(fg_type t, fg_value v)
{
    return fg_type_base(t) == FG_T_INT ? (double)v.i : v.n;
}

/* ---------------- setup ---------------- */

static int find_output(const fg_program *p, const char *name)
{
    for (uint32_t o = 0; o < p->noutputs; o++)
        if (strcmp(p->outputs[o].name, name) == 0)
            return (int)o;
    return -1;
}

static int find_rule(const fg_program *p, const char *name)
{
    for (uint32_t r = 0; r < p->nrules; r++)
        if (strcmp(p->slots[p->rule_slots[r]].name, name) == 0)
            return (int)r;
    return -1;
}

static bool is_decide(const fg_program *p, uint32_t o)
{
    const fg_output *out = &p->outputs[o];
    return out->src == FG_OUT_SLOT && p->slots[out->index].kind == FG_SLOT_DECIDE;
}

static bool setup_shared(diff *d)
{
    const fg_program *po = d->s[0].p, *pn = d->s[1].p;
    uint32_t cap = pn->noutputs + 1;
    d->shared = fg_arena_zalloc(&d->arena, cap * sizeof *d->shared);
    d->num_index = fg_arena_zalloc(&d->arena, cap * sizeof *d->num_index);
    d->rule_old = fg_arena_zalloc(&d->arena, (pn->nrules + 1) * sizeof *d->rule_old);
    d->rule_new = fg_arena_zalloc(&d->arena, (pn->nrules + 1) * sizeof *d->rule_new);
    if (!d->shared || !d->num_index || !d->rule_old || !d->rule_new)
        return false;
    for (uint32_t o = 0; o < pn->noutputs; o++) {
        int k = find_output(po, pn->outputs[o].name);
        if (k < 0) {
            d->sum->outputs_only_new++;
            continue;
        }
        shared_out *s = &d->shared[d->nshared];
        s->name = pn->outputs[o].name;
        s->o_old = (uint32_t)k;
        s->o_new = o;
        s->t_old = po->outputs[k].type;
        s->t_new = pn->outputs[o].type;
        s->decide = is_decide(po, (uint32_t)k) && is_decide(pn, o);
        s->numeric = fg_type_is_numeric(s->t_old) && fg_type_is_numeric(s->t_new);
        s->both_int = fg_type_base(s->t_old) == FG_T_INT && fg_type_base(s->t_new) == FG_T_INT;
        fg_xsum_init(&s->s_old);
        fg_xsum_init(&s->s_new);
        fg_xsum_init(&s->s_chg);
        if (s->numeric)
            d->num_index[d->nnumeric++] = d->nshared;
        d->nshared++;
    }
    for (uint32_t o = 0; o < po->noutputs; o++)
        if (find_output(pn, po->outputs[o].name) < 0)
            d->sum->outputs_only_old++;
    for (uint32_t r = 0; r < pn->nrules; r++) {
        int k = find_rule(po, pn->slots[pn->rule_slots[r]].name);
        if (k < 0) {
            d->sum->rules_only_new++;
            continue;
        }
        d->rule_old[d->nrules_shared] = po->rule_slots[k];
        d->rule_new[d->nrules_shared++] = pn->rule_slots[r];
    }
    for (uint32_t r = 0; r < po->nrules; r++)
        if (find_rule(pn, po->slots[po->rule_slots[r]].name) < 0)
            d->sum->rules_only_old++;
    for (uint32_t i = 0; i < pn->nreports && !d->grep; i++)
        if (pn->reports[i].nby > 0)
            d->grep = &pn->reports[i];
    return true;
}

/* ---------------- accumulating ---------------- */

static bool add_transition(diff *d, uint32_t si, fg_value o, fg_value n)
{
    const shared_out *s = &d->shared[si];
    for (uint32_t i = 0; i < d->ntr; i++) {
        trans *t = &d->tr[i];
        if (t->out == si && cmp_val(s->t_old, &t->o, &o) == 0 &&
            cmp_val(s->t_new, &t->n, &n) == 0) {
            t->count++;
            return true;
        }
    }
    if (d->ntr == d->trcap) {
        uint32_t cap = d->trcap ? d->trcap * 2 : 16;
        trans *nt = fg_realloc(d->alloc, d->tr, cap * sizeof *nt);
        if (!nt)
            return false;
        d->tr = nt;
        d->trcap = cap;
    }
    if (!copy_val(d, s->t_old, &o) || !copy_val(d, s->t_new, &n))
        return false;
    d->tr[d->ntr++] = (trans){si, o, n, 1};
    return true;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static bool group_equal(const diff *d, const dgroup *g, const fg_value *key)
{
    for (uint32_t k = 0; k < d->grep->nby; k++)
        if (cmp_val(d->grep->by_types[k], &g->key[k], &key[k]) != 0)
            return false;
    return true;
}

/* The group of key (created when new); NULL when out of memory. */
static dgroup *find_group(diff *d, fg_value *key)
{
    const fg_report *rep = d->grep;
    fg_strbuf_clear(&d->a);
    for (uint32_t k = 0; k < rep->nby; k++) {
        fg_strbuf_addc(&d->a, key[k].missing ? 1 : 2);
        fg_fmt_value(&d->a, rep->by_types[k], key[k]);
        fg_strbuf_addc(&d->a, 0);
    }
    if (d->a.failed)
        return NULL;
    if (d->ngroups * 2 >= d->ngslots) {
        uint32_t n = d->ngslots ? d->ngslots * 2 : 64;
        uint32_t *ns = fg_calloc(d->alloc, n, sizeof *ns);
        if (!ns)
            return NULL;
        fg_free(d->alloc, d->gslots);
        d->gslots = ns;
        d->ngslots = n;
        fg_strbuf tmp;
        fg_strbuf_init(&tmp, d->alloc);
        for (uint32_t g = 0; g < d->ngroups; g++) {
            fg_strbuf_clear(&tmp);
            for (uint32_t k = 0; k < rep->nby; k++) {
                fg_strbuf_addc(&tmp, d->groups[g]->key[k].missing ? 1 : 2);
                fg_fmt_value(&tmp, rep->by_types[k], d->groups[g]->key[k]);
                fg_strbuf_addc(&tmp, 0);
            }
            uint32_t i = (uint32_t)hash_bytes(tmp.data, tmp.len) & (n - 1);
            while (ns[i])
                i = (i + 1) & (n - 1);
            ns[i] = g + 1;
        }
        bool bad = tmp.failed;
        fg_strbuf_free(&tmp);
        if (bad)
            return NULL;
    }
    uint32_t i = (uint32_t)hash_bytes(d->a.data, d->a.len) & (d->ngslots - 1);
    while (d->gslots[i]) {
        dgroup *g = d->groups[d->gslots[i] - 1];
        if (group_equal(d, g, key))
            return g;
        i = (i + 1) & (d->ngslots - 1);
    }
    if (d->ngroups == d->gcap) {
        uint32_t cap = d->gcap ? d->gcap * 2 : 16;
        dgroup **ng = fg_realloc(d->alloc, d->groups, cap * sizeof *ng);
        if (!ng)
            return NULL;
        d->groups = ng;
        d->gcap = cap;
    }
    dgroup *g = fg_arena_zalloc(&d->arena, sizeof *g);
    if (!g)
        return NULL;
    g->key = fg_arena_alloc(&d->arena, (rep->nby + 1) * sizeof *g->key);
    g->sums = fg_arena_alloc(&d->arena, ((size_t)d->nnumeric * 3 + 1) * sizeof *g->sums);
    if (!g->key || !g->sums)
        return NULL;
    for (uint32_t k = 0; k < rep->nby; k++) {
        g->key[k] = key[k];
        if (!copy_val(d, rep->by_types[k], &g->key[k]))
            return NULL;
    }
    for (uint32_t k = 0; k < d->nnumeric * 3; k++)
        fg_xsum_init(&g->sums[k]);
    d->gslots[i] = d->ngroups + 1;
    d->groups[d->ngroups++] = g;
    return g;
}

/* ---------------- writing ---------------- */

/* A value as the text output shows it: strings quoted, missing spelled out. */
static void show(fg_strbuf *sb, fg_type t, fg_value v)
{
    if (v.missing) {
        fg_strbuf_adds(sb, "missing");
    } else if (fg_type_base(t) == FG_T_STR) {
        fg_strbuf_addc(sb, '"');
        for (uint32_t i = 0; i < v.s.len; i++) {
            char c = v.s.ptr[i];
            if (c == '"' || c == '\\')
                fg_strbuf_addc(sb, '\\');
            if (c == '\n')
                fg_strbuf_adds(sb, "\\n");
            else
                fg_strbuf_addc(sb, c);
        }
        fg_strbuf_addc(sb, '"');
    } else {
        fg_fmt_value(sb, t, v);
    }
}

static void json_val(fg_strbuf *sb, fg_type t, fg_value v)
{
    if (v.missing) {
        fg_strbuf_adds(sb, "null");
    } else if (fg_type_base(t) == FG_T_STR) {
        fg_json_quote(sb, v.s.ptr ? v.s.ptr : "", v.s.len);
    } else {
        fg_fmt_value(sb, t, v);
    }
}

static void csv_val(fg_strbuf *sb, fg_type t, fg_value v)
{
    if (v.missing)
        return;
    fg_strbuf tmp;
    fg_strbuf_init(&tmp, sb->alloc);
    fg_fmt_value(&tmp, t, v);
    fg_csv_quote(sb, tmp.data ? tmp.data : "", tmp.len, ',');
    if (tmp.failed)
        sb->failed = true;
    fg_strbuf_free(&tmp);
}

static const char *old_name(const diff *d)
{
    return d->dopt->old_name ? d->dopt->old_name : "old";
}
static const char *new_name(const diff *d)
{
    return d->dopt->new_name ? d->dopt->new_name : "new";
}

static bool rows_header(diff *d)
{
    const fg_program *pn = d->s[1].p;
    fg_strbuf *l = &d->line;
    fg_strbuf_clear(l);
    if (d->dopt->format == FORGE_DIFF_TEXT) {
        fg_strbuf_adds(l, "changed rows (old -> new)\n");
    } else if (d->dopt->format == FORGE_DIFF_CSV) {
        for (uint32_t k = 0; k < pn->nkeys; k++) {
            const char *n = pn->inputs[pn->keys[k]].name;
            fg_csv_quote(l, n, strlen(n), ',');
            fg_strbuf_addc(l, ',');
        }
        fg_strbuf_adds(l, "kind,name,old,new\n");
    } else {
        fg_strbuf_adds(l, "{\"changed_rows\":[");
    }
    return sinkb(d, l);
}

/* One changed row: every shared output that differs and every flipped rule. */
static bool write_row(diff *d, uint32_t row)
{
    const side *so = &d->s[0], *sn = &d->s[1];
    const fg_program *pn = sn->p;
    forge_diff_format fmt = d->dopt->format;
    fg_strbuf *l = &d->line;
    fg_strbuf key;
    fg_strbuf_init(&key, d->alloc);
    for (uint32_t k = 0; k < pn->nkeys; k++) {
        const fg_input *in = &pn->inputs[pn->keys[k]];
        fg_value v = fg_batch_get(&sn->b, pn->keys[k], row);
        if (fmt == FORGE_DIFF_TEXT) {
            if (k)
                fg_strbuf_addc(&key, '/');
            fg_fmt_value(&key, in->type, v);
        } else if (fmt == FORGE_DIFF_CSV) {
            csv_val(&key, in->type, v);
            fg_strbuf_addc(&key, ',');
        } else {
            fg_strbuf_addc(&key, k ? ',' : '{');
            fg_json_quote(&key, in->name, strlen(in->name));
            fg_strbuf_addc(&key, ':');
            json_val(&key, in->type, v);
        }
    }
    if (fmt == FORGE_DIFF_JSON)
        fg_strbuf_adds(&key, pn->nkeys ? "}" : "{}");
    fg_strbuf_clear(l);
    if (fmt == FORGE_DIFF_TEXT) {
        fg_strbuf_add(l, key.data ? key.data : "", key.len);
        fg_strbuf_adds(l, pn->nkeys ? ":" : "line");
        if (!pn->nkeys)
            fg_strbuf_printf(l, " %llu:", (unsigned long long)sn->b.line[row]);
    } else if (fmt == FORGE_DIFF_JSON) {
        fg_strbuf_adds(l, d->rows_started ? ",\n{\"key\":" : "\n{\"key\":");
        fg_strbuf_add(l, key.data ? key.data : "", key.len);
        fg_strbuf_adds(l, ",\"outputs\":{");
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < d->nshared; i++) {
        const shared_out *s = &d->shared[i];
        fg_value a = out_value(so, s->o_old, row), b = out_value(sn, s->o_new, row);
        if (same_text(d, s->t_old, a, s->t_new, b))
            continue;
        if (fmt == FORGE_DIFF_TEXT) {
            fg_strbuf_printf(l, "%s %s ", n ? ";" : "", s->name);
            show(l, s->t_old, a);
            fg_strbuf_adds(l, " -> ");
            show(l, s->t_new, b);
        } else if (fmt == FORGE_DIFF_CSV) {
            fg_strbuf_add(l, key.data ? key.data : "", key.len);
            fg_strbuf_adds(l, "output,");
            fg_csv_quote(l, s->name, strlen(s->name), ',');
            fg_strbuf_addc(l, ',');
            csv_val(l, s->t_old, a);
            fg_strbuf_addc(l, ',');
            csv_val(l, s->t_new, b);
            fg_strbuf_addc(l, '\n');
        } else {
            if (n)
                fg_strbuf_addc(l, ',');
            fg_json_quote(l, s->name, strlen(s->name));
            fg_strbuf_adds(l, ":{\"old\":");
            json_val(l, s->t_old, a);
            fg_strbuf_adds(l, ",\"new\":");
            json_val(l, s->t_new, b);
            fg_strbuf_addc(l, '}');
        }
        n++;
    }
    if (fmt == FORGE_DIFF_JSON)
        fg_strbuf_adds(l, "},\"rules\":{");
    uint32_t nr = 0;
    for (uint32_t r = 0; r < d->nrules_shared; r++) {
        fg_value a = slot_value(so, d->rule_old[r], row), b = slot_value(sn, d->rule_new[r], row);
        if (a.b == b.b)
            continue;
        const char *name = sn->p->slots[d->rule_new[r]].name;
        const char *ta = a.b ? "passed" : "failed", *tb = b.b ? "passed" : "failed";
        if (fmt == FORGE_DIFF_TEXT) {
            fg_strbuf_printf(l, "%s rule %s %s -> %s", n + nr ? ";" : "", name, ta, tb);
        } else if (fmt == FORGE_DIFF_CSV) {
            fg_strbuf_add(l, key.data ? key.data : "", key.len);
            fg_strbuf_adds(l, "rule,");
            fg_csv_quote(l, name, strlen(name), ',');
            fg_strbuf_printf(l, ",%s,%s\n", a.b ? "true" : "false", b.b ? "true" : "false");
        } else {
            if (nr)
                fg_strbuf_addc(l, ',');
            fg_json_quote(l, name, strlen(name));
            fg_strbuf_printf(l, ":{\"old\":%s,\"new\":%s}", a.b ? "true" : "false",
                             b.b ? "true" : "false");
        }
        nr++;
    }
    if (fmt == FORGE_DIFF_TEXT)
        fg_strbuf_addc(l, '\n');
    else if (fmt == FORGE_DIFF_JSON)
        fg_strbuf_adds(l, "}}");
    d->rows_started = true;
    bool ok = !key.failed;
    fg_strbuf_free(&key);
    return ok && sinkb(d, l);
}

/* A block: a title (text only) and a table written with the row writer. */
typedef struct block {
    diff *d;
    fg_writer *w;
    bool ok;
} block;

static bool block_sink(void *ud, const char *s, size_t n)
{
    return sink(ud, s, n);
}

static bool block_begin(block *bk, diff *d, bool *first, const char *title, uint32_t ncols,
                        const char *const *names, const fg_type *types)
{
    bk->d = d;
    bk->ok = true;
    bool text = d->dopt->format == FORGE_DIFF_TEXT;
    if (!*first)
        bk->ok = sink(d, "\n", 1);
    *first = false;
    if (bk->ok && text && title) {
        fg_strbuf_clear(&d->line);
        fg_strbuf_printf(&d->line, "%s\n", title);
        bk->ok = sinkb(d, &d->line);
    }
    fg_byte_sink s = {block_sink, d};
    bk->w = fg_writer_new(d->alloc, text ? FG_FMT_TABLE : FG_FMT_CSV, s, ncols, names, types);
    bk->ok = bk->ok && bk->w && fg_writer_header(bk->w);
    return bk->ok;
}

static bool block_end(block *bk)
{
    bool ok = bk->ok && bk->w && fg_writer_finish(bk->w);
    fg_writer_free(bk->w);
    return ok;
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
    v.s.ptr = s;
    v.s.len = (uint32_t)strlen(s);
    return v;
}

/* A rounded total as a value of the column type (int when both are int). */
static fg_value total(const fg_xsum *x, bool as_int)
{
    bool ovf = false;
    double r = fg_xsum_round(x, &ovf);
    fg_value v = as_int && fabs(r) < 9.2e18 ? vint((int64_t)r) : vnum(r);
    v.missing = ovf;
    return v;
}

static int cmp_trans(const diff *d, const trans *a, const trans *b)
{
    if (a->out != b->out)
        return a->out < b->out ? -1 : 1;
    const shared_out *s = &d->shared[a->out];
    int c = cmp_val(s->t_old, &a->o, &b->o);
    return c ? c : cmp_val(s->t_new, &a->n, &b->n);
}

static int cmp_groups(const diff *d, const dgroup *a, const dgroup *b)
{
    for (uint32_t k = 0; k < d->grep->nby; k++) {
        int c = cmp_val(d->grep->by_types[k], &a->key[k], &b->key[k]);
        if (c)
            return c;
    }
    return 0;
}

static void sort_trans(diff *d)
{
    for (uint32_t i = 1; i < d->ntr; i++) /* insertion sort: few entries */
        for (uint32_t j = i; j > 0 && cmp_trans(d, &d->tr[j - 1], &d->tr[j]) > 0; j--) {
            trans t = d->tr[j];
            d->tr[j] = d->tr[j - 1];
            d->tr[j - 1] = t;
        }
}

static void sort_groups(diff *d)
{
    for (uint32_t i = 1; i < d->ngroups; i++)
        for (uint32_t j = i; j > 0 && cmp_groups(d, d->groups[j - 1], d->groups[j]) > 0; j--) {
            dgroup *t = d->groups[j];
            d->groups[j] = d->groups[j - 1];
            d->groups[j - 1] = t;
        }
}

/* The distinct values of one side of a decide's transitions, in order. */
static uint32_t distinct(diff *d, uint32_t si, bool newside, fg_value *out)
{
    const shared_out *s = &d->shared[si];
    fg_type t = newside ? s->t_new : s->t_old;
    uint32_t n = 0;
    for (uint32_t i = 0; i < d->ntr; i++) {
        if (d->tr[i].out != si)
            continue;
        fg_value v = newside ? d->tr[i].n : d->tr[i].o;
        uint32_t k = 0;
        while (k < n && cmp_val(t, &out[k], &v) < 0)
            k++;
        if (k < n && cmp_val(t, &out[k], &v) == 0)
            continue;
        memmove(out + k + 1, out + k, (n - k) * sizeof *out);
        out[k] = v;
        n++;
    }
    return n;
}

static bool write_matrix(diff *d, uint32_t si, bool *first)
{
    const shared_out *s = &d->shared[si];
    fg_value *ov = fg_calloc(d->alloc, d->ntr + 1, sizeof *ov);
    fg_value *nv = fg_calloc(d->alloc, d->ntr + 1, sizeof *nv);
    const char **names = fg_calloc(d->alloc, d->ntr + 2, sizeof *names);
    fg_type *types = fg_calloc(d->alloc, d->ntr + 2, sizeof *types);
    fg_value *row = fg_calloc(d->alloc, d->ntr + 2, sizeof *row);
    fg_strbuf txt, title;
    fg_strbuf_init(&txt, d->alloc);
    fg_strbuf_init(&title, d->alloc);
    bool ok = false;
    block bk = {0};
    if (!ov || !nv || !names || !types || !row)
        goto done;
    uint32_t no = distinct(d, si, false, ov), nn = distinct(d, si, true, nv);
    size_t *off = fg_calloc(d->alloc, nn + no + 1, sizeof *off);
    if (!off)
        goto done;
    for (uint32_t j = 0; j < nn; j++) {
        off[j] = txt.len;
        show(&txt, s->t_new, nv[j]);
        fg_strbuf_addc(&txt, 0);
    }
    for (uint32_t i = 0; i < no; i++) {
        off[nn + i] = txt.len;
        show(&txt, s->t_old, ov[i]);
        fg_strbuf_addc(&txt, 0);
    }
    if (txt.failed) {
        fg_free(d->alloc, off);
        goto done;
    }
    names[0] = "old \\ new";
    types[0] = FG_T_STR;
    for (uint32_t j = 0; j < nn; j++) {
        names[1 + j] = txt.data + off[j];
        types[1 + j] = FG_T_INT;
    }
    fg_strbuf_printf(&title, "%s: rows by old value (lines) and new value (columns)", s->name);
    ok = !title.failed && block_begin(&bk, d, first, title.data, nn + 1, names, types);
    for (uint32_t i = 0; ok && i < no; i++) {
        row[0] = vstr(txt.data + off[nn + i]);
        for (uint32_t j = 0; j < nn; j++) {
            uint64_t c = 0;
            for (uint32_t k = 0; k < d->ntr; k++)
                if (d->tr[k].out == si && cmp_val(s->t_old, &d->tr[k].o, &ov[i]) == 0 &&
                    cmp_val(s->t_new, &d->tr[k].n, &nv[j]) == 0)
                    c = d->tr[k].count;
            row[1 + j] = vint((int64_t)c);
        }
        ok = fg_writer_row(bk.w, row);
    }
    ok = block_end(&bk) && ok;
    fg_free(d->alloc, off);
done:
    fg_free(d->alloc, ov);
    fg_free(d->alloc, nv);
    fg_free(d->alloc, names);
    fg_free(d->alloc, types);
    fg_free(d->alloc, row);
    fg_strbuf_free(&txt);
    fg_strbuf_free(&title);
    return ok;
}

static bool write_only(diff *d, bool *first)
{
    const fg_program *po = d->s[0].p, *pn = d->s[1].p;
    if (!d->sum->outputs_only_old && !d->sum->outputs_only_new && !d->sum->rules_only_old &&
        !d->sum->rules_only_new)
        return true;
    static const char *const names[] = {"policy", "kind", "name"};
    static const fg_type types[] = {FG_T_STR, FG_T_STR, FG_T_STR};
    block bk;
    bool ok = block_begin(&bk, d, first, "only in one policy", 3, names, types);
    for (int side_i = 0; side_i < 2 && ok; side_i++) {
        const fg_program *p = side_i ? pn : po, *q = side_i ? po : pn;
        const char *who = side_i ? new_name(d) : old_name(d);
        for (uint32_t o = 0; ok && o < p->noutputs; o++)
            if (find_output(q, p->outputs[o].name) < 0) {
                fg_value row[3] = {vstr(who), vstr("output"), vstr(p->outputs[o].name)};
                ok = fg_writer_row(bk.w, row);
            }
        for (uint32_t r = 0; ok && r < p->nrules; r++) {
            const char *n = p->slots[p->rule_slots[r]].name;
            if (find_rule(q, n) < 0) {
                fg_value row[3] = {vstr(who), vstr("rule"), vstr(n)};
                ok = fg_writer_row(bk.w, row);
            }
        }
    }
    return block_end(&bk) && ok;
}

static bool write_tables(diff *d)
{
    bool first = !d->dopt->rows; /* with --rows the rows block came first */
    if (d->dopt->rows && d->dopt->format == FORGE_DIFF_TEXT && !d->rows_started) {
        /* header was written, no row: say so */
        if (!sink(d, "(none)\n", 7))
            return false;
    }
    forge_diff_summary *sum = d->sum;
    {
        static const char *const names[] = {"rows_read", "rows_compared", "rows_in_error",
                                            "rows_changed"};
        static const fg_type types[] = {FG_T_INT, FG_T_INT, FG_T_INT, FG_T_INT};
        block bk;
        bool ok = block_begin(&bk, d, &first, "rows", 4, names, types);
        fg_value row[4] = {vint((int64_t)sum->rows_read), vint((int64_t)sum->rows_compared),
                           vint((int64_t)sum->rows_in_error), vint((int64_t)sum->rows_changed)};
        ok = ok && fg_writer_row(bk.w, row);
        if (!block_end(&bk) || !ok)
            return false;
    }
    sort_trans(d);
    bool any_decide = false;
    for (uint32_t i = 0; i < d->nshared; i++)
        any_decide |= d->shared[i].decide;
    if (any_decide && d->dopt->format == FORGE_DIFF_TEXT) {
        for (uint32_t i = 0; i < d->nshared; i++)
            if (d->shared[i].decide && !write_matrix(d, i, &first))
                return false;
    } else if (any_decide) {
        static const char *const names[] = {"output", "old", "new", "rows"};
        static const fg_type types[] = {FG_T_STR, FG_T_STR, FG_T_STR, FG_T_INT};
        block bk;
        bool ok = block_begin(&bk, d, &first, NULL, 4, names, types);
        fg_strbuf tx;
        fg_strbuf_init(&tx, d->alloc);
        for (uint32_t i = 0; ok && i < d->ntr; i++) {
            const trans *t = &d->tr[i];
            const shared_out *s = &d->shared[t->out];
            fg_strbuf_clear(&tx);
            fg_fmt_value(&tx, s->t_old, t->o);
            size_t mid = tx.len;
            fg_fmt_value(&tx, s->t_new, t->n);
            if (tx.failed)
                ok = false;
            fg_value row[4] = {vstr(s->name), vstr(""), vstr(""), vint((int64_t)t->count)};
            row[1].s.ptr = tx.data ? tx.data : "";
            row[1].s.len = (uint32_t)mid;
            row[1].missing = t->o.missing;
            row[2].s.ptr = tx.data ? tx.data + mid : "";
            row[2].s.len = (uint32_t)(tx.len - mid);
            row[2].missing = t->n.missing;
            ok = ok && fg_writer_row(bk.w, row);
        }
        fg_strbuf_free(&tx);
        if (!block_end(&bk) || !ok)
            return false;
    }
    if (d->nnumeric) {
        static const char *const names[] = {"output", "old", "new", "change"};
        fg_type types[] = {FG_T_STR, FG_T_NUM, FG_T_NUM, FG_T_NUM};
        block bk;
        bool ok = block_begin(&bk, d, &first, "totals of numeric outputs", 4, names, types);
        for (uint32_t k = 0; ok && k < d->nnumeric; k++) {
            const shared_out *s = &d->shared[d->num_index[k]];
            fg_value row[4] = {vstr(s->name), total(&s->s_old, false), total(&s->s_new, false),
                               total(&s->s_chg, false)};
            ok = fg_writer_row(bk.w, row);
        }
        if (!block_end(&bk) || !ok)
            return false;
    }
    if (d->nnumeric && d->grep) {
        const fg_report *rep = d->grep;
        uint32_t nc = rep->nby + 4;
        const char **names = fg_calloc(d->alloc, nc, sizeof *names);
        fg_type *types = fg_calloc(d->alloc, nc, sizeof *types);
        fg_value *row = fg_calloc(d->alloc, nc, sizeof *row);
        fg_strbuf title;
        fg_strbuf_init(&title, d->alloc);
        bool ok = names && types && row;
        if (ok) {
            names[0] = "output";
            types[0] = FG_T_STR;
            for (uint32_t k = 0; k < rep->nby; k++) {
                names[1 + k] = rep->by_names[k];
                types[1 + k] = (fg_type)(rep->by_types[k] | FG_T_OPT);
            }
            names[rep->nby + 1] = "old";
            names[rep->nby + 2] = "new";
            names[rep->nby + 3] = "change";
            types[rep->nby + 1] = types[rep->nby + 2] = types[rep->nby + 3] = FG_T_NUM;
            fg_strbuf_adds(&title, "totals by group (");
            if (rep->name)
                fg_strbuf_printf(&title, "report %s of %s)", rep->name, new_name(d));
            else {
                fg_strbuf_adds(&title, "report by ");
                for (uint32_t k = 0; k < rep->nby; k++)
                    fg_strbuf_printf(&title, "%s%s", k ? ", " : "", rep->by_names[k]);
                fg_strbuf_printf(&title, " of %s)", new_name(d));
            }
            sort_groups(d);
            block bk;
            ok = !title.failed && block_begin(&bk, d, &first, title.data, nc, names, types);
            for (uint32_t k = 0; ok && k < d->nnumeric; k++) {
                const shared_out *s = &d->shared[d->num_index[k]];
                for (uint32_t g = 0; ok && g < d->ngroups; g++) {
                    const dgroup *gr = d->groups[g];
                    row[0] = vstr(s->name);
                    for (uint32_t b = 0; b < rep->nby; b++)
                        row[1 + b] = gr->key[b];
                    row[rep->nby + 1] = total(&gr->sums[k * 3], false);
                    row[rep->nby + 2] = total(&gr->sums[k * 3 + 1], false);
                    row[rep->nby + 3] = total(&gr->sums[k * 3 + 2], false);
                    ok = fg_writer_row(bk.w, row);
                }
            }
            ok = block_end(&bk) && ok;
        }
        fg_free(d->alloc, names);
        fg_free(d->alloc, types);
        fg_free(d->alloc, row);
        fg_strbuf_free(&title);
        if (!ok)
            return false;
    }
    return write_only(d, &first);
}

/* JSON: everything after the changed rows, as members of one object. */
static bool write_json(diff *d)
{
    fg_strbuf *l = &d->line;
    forge_diff_summary *sum = d->sum;
    fg_strbuf_clear(l);
    if (!d->dopt->rows)
        fg_strbuf_addc(l, '{');
    else
        fg_strbuf_adds(l, d->rows_started ? "\n]," : "],");
    fg_strbuf_printf(l,
                     "\"rows_read\":%llu,\"rows_compared\":%llu,\"rows_in_error\":%llu,"
                     "\"rows_changed\":%llu,\"transitions\":{",
                     (unsigned long long)sum->rows_read, (unsigned long long)sum->rows_compared,
                     (unsigned long long)sum->rows_in_error, (unsigned long long)sum->rows_changed);
    sort_trans(d);
    bool firsto = true;
    for (uint32_t i = 0; i < d->nshared; i++) {
        const shared_out *s = &d->shared[i];
        if (!s->decide)
            continue;
        if (!firsto)
            fg_strbuf_addc(l, ',');
        firsto = false;
        fg_json_quote(l, s->name, strlen(s->name));
        fg_strbuf_adds(l, ":[");
        bool f1 = true;
        for (uint32_t k = 0; k < d->ntr; k++) {
            if (d->tr[k].out != i)
                continue;
            fg_strbuf_adds(l, f1 ? "{\"old\":" : ",{\"old\":");
            f1 = false;
            json_val(l, s->t_old, d->tr[k].o);
            fg_strbuf_adds(l, ",\"new\":");
            json_val(l, s->t_new, d->tr[k].n);
            fg_strbuf_printf(l, ",\"rows\":%llu}", (unsigned long long)d->tr[k].count);
        }
        fg_strbuf_addc(l, ']');
    }
    fg_strbuf_adds(l, "},\"totals\":[");
    for (uint32_t k = 0; k < d->nnumeric; k++) {
        const shared_out *s = &d->shared[d->num_index[k]];
        fg_strbuf_adds(l, k ? ",{\"output\":" : "{\"output\":");
        fg_json_quote(l, s->name, strlen(s->name));
        fg_strbuf_adds(l, ",\"old\":");
        json_val(l, FG_T_NUM, total(&s->s_old, false));
        fg_strbuf_adds(l, ",\"new\":");
        json_val(l, FG_T_NUM, total(&s->s_new, false));
        fg_strbuf_adds(l, ",\"change\":");
        json_val(l, FG_T_NUM, total(&s->s_chg, false));
        fg_strbuf_addc(l, '}');
    }
    fg_strbuf_adds(l, "],\"groups\":[");
    if (d->grep) {
        sort_groups(d);
        bool f1 = true;
        for (uint32_t k = 0; k < d->nnumeric; k++) {
            const shared_out *s = &d->shared[d->num_index[k]];
            for (uint32_t g = 0; g < d->ngroups; g++) {
                const dgroup *gr = d->groups[g];
                fg_strbuf_adds(l, f1 ? "{\"output\":" : ",{\"output\":");
                f1 = false;
                fg_json_quote(l, s->name, strlen(s->name));
                for (uint32_t b = 0; b < d->grep->nby; b++) {
                    fg_strbuf_addc(l, ',');
                    fg_json_quote(l, d->grep->by_names[b], strlen(d->grep->by_names[b]));
                    fg_strbuf_addc(l, ':');
                    json_val(l, d->grep->by_types[b], gr->key[b]);
                }
                fg_strbuf_adds(l, ",\"old\":");
                json_val(l, FG_T_NUM, total(&gr->sums[k * 3], false));
                fg_strbuf_adds(l, ",\"new\":");
                json_val(l, FG_T_NUM, total(&gr->sums[k * 3 + 1], false));
                fg_strbuf_adds(l, ",\"change\":");
                json_val(l, FG_T_NUM, total(&gr->sums[k * 3 + 2], false));
                fg_strbuf_addc(l, '}');
            }
        }
    }
    fg_strbuf_adds(l, "]");
    for (int side_i = 0; side_i < 2; side_i++) {
        const fg_program *p = d->s[side_i].p, *q = d->s[1 - side_i].p;
        fg_strbuf_adds(l, side_i ? ",\"only_in_new\":{\"outputs\":["
                                 : ",\"only_in_old\":{\"outputs\":[");
        bool f1 = true;
        for (uint32_t o = 0; o < p->noutputs; o++)
            if (find_output(q, p->outputs[o].name) < 0) {
                if (!f1)
                    fg_strbuf_addc(l, ',');
                f1 = false;
                fg_json_quote(l, p->outputs[o].name, strlen(p->outputs[o].name));
            }
        fg_strbuf_adds(l, "],\"rules\":[");
        f1 = true;
        for (uint32_t r = 0; r < p->nrules; r++) {
            const char *n = p->slots[p->rule_slots[r]].name;
            if (find_rule(q, n) < 0) {
                if (!f1)
                    fg_strbuf_addc(l, ',');
                f1 = false;
                fg_json_quote(l, n, strlen(n));
            }
        }
        fg_strbuf_adds(l, "]}");
    }
    fg_strbuf_adds(l, "}\n");
    return sinkb(d, l);
}

/* ---------------- the pass over the data ---------------- */

static bool error_lines(diff *d, const char *data_name, uint32_t row)
{
    side *so = &d->s[0], *sn = &d->s[1];
    bool eo = so->b.err[row].kind != FG_RE_NONE, en = sn->b.err[row].kind != FG_RE_NONE;
    fg_strbuf_clear(&d->a);
    fg_strbuf_clear(&d->b);
    if (eo)
        fg_driver_error_line(&d->a, so->p, data_name, &so->b, row);
    if (en)
        fg_driver_error_line(&d->b, sn->p, data_name, &sn->b, row);
    bool same = eo && en && d->a.len == d->b.len && memcmp(d->a.data, d->b.data, d->a.len) == 0;
    fg_strbuf_clear(&d->line);
    if (eo) {
        fg_strbuf_add(&d->line, d->a.data, d->a.len);
        fg_strbuf_addc(&d->line, '\n');
    }
    if (en && !same) {
        fg_strbuf_add(&d->line, d->b.data, d->b.len);
        fg_strbuf_addc(&d->line, '\n');
    }
    if (d->line.failed || d->a.failed || d->b.failed)
        return false;
    const forge_run_options *opt = d->opt;
    return opt->write_err ? opt->write_err(opt->err_ud, d->line.data, d->line.len) == 0 : true;
}

static bool compare_rows(diff *d, const char *data_name, bool *io_failed)
{
    side *so = &d->s[0], *sn = &d->s[1];
    fg_value *key = fg_arena_alloc(&d->arena, ((d->grep ? d->grep->nby : 0) + 1) * sizeof *key);
    if (!key)
        return false;
    for (uint32_t row = 0; row < sn->b.nrows; row++) {
        if (so->b.err[row].kind != FG_RE_NONE || sn->b.err[row].kind != FG_RE_NONE) {
            d->sum->rows_in_error++;
            if (!error_lines(d, data_name, row)) {
                *io_failed = true;
                return false;
            }
            continue;
        }
        d->sum->rows_compared++;
        dgroup *g = NULL;
        if (d->grep && d->nnumeric) {
            for (uint32_t k = 0; k < d->grep->nby; k++)
                key[k] = slot_value(sn, d->grep->by_slots[k], row);
            g = find_group(d, key);
            if (!g)
                return false;
        }
        bool changed = false;
        uint32_t nk = 0;
        for (uint32_t i = 0; i < d->nshared; i++) {
            shared_out *s = &d->shared[i];
            fg_value a = out_value(so, s->o_old, row), b = out_value(sn, s->o_new, row);
            if (!same_text(d, s->t_old, a, s->t_new, b))
                changed = true;
            if (s->decide && !add_transition(d, i, a, b))
                return false;
            if (s->numeric) {
                fg_xsum *gs = g ? &g->sums[nk * 3] : NULL;
                if (!a.missing) {
                    double x = as_num(s->t_old, a);
                    fg_xsum_add(&s->s_old, x);
                    fg_xsum_add(&s->s_chg, -x);
                    if (gs) {
                        fg_xsum_add(&gs[0], x);
                        fg_xsum_add(&gs[2], -x);
                    }
                }
                if (!b.missing) {
                    double x = as_num(s->t_new, b);
                    fg_xsum_add(&s->s_new, x);
                    fg_xsum_add(&s->s_chg, x);
                    if (gs) {
                        fg_xsum_add(&gs[1], x);
                        fg_xsum_add(&gs[2], x);
                    }
                }
                nk++;
            }
        }
        if (changed) {
            d->sum->rows_changed++;
            if (d->dopt->rows && !write_row(d, row)) {
                *io_failed = true;
                return false;
            }
        }
    }
    return true;
}

static bool same_keys(const fg_program *a, const fg_program *b)
{
    if (a->nkeys != b->nkeys)
        return false;
    for (uint32_t k = 0; k < a->nkeys; k++)
        if (strcmp(a->inputs[a->keys[k]].name, b->inputs[b->keys[k]].name) != 0)
            return false;
    return true;
}

static void key_list(fg_strbuf *sb, const fg_program *p)
{
    fg_strbuf_addc(sb, '(');
    for (uint32_t k = 0; k < p->nkeys; k++)
        fg_strbuf_printf(sb, "%s%s", k ? ", " : "", p->inputs[p->keys[k]].name);
    fg_strbuf_addc(sb, ')');
}

forge_status fg_diff_run(const fg_allocator *alloc, const fg_program *oldp, const fg_program *newp,
                         const forge_run_options *opt, const forge_diff_options *dopt,
                         forge_diff_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    diff d;
    memset(&d, 0, sizeof d);
    d.alloc = alloc;
    d.opt = opt;
    d.dopt = dopt;
    d.sum = sum;
    d.s[0].p = oldp;
    d.s[1].p = newp;
    fg_arena_init(&d.arena, alloc);
    fg_strbuf_init(&d.line, alloc);
    fg_strbuf_init(&d.a, alloc);
    fg_strbuf_init(&d.b, alloc);
    forge_status st = FORGE_OK;
    const char *oom = "out of memory%s";

    if (!same_keys(oldp, newp)) {
        fg_strbuf m;
        fg_strbuf_init(&m, alloc);
        fg_strbuf_printf(&m, "the key columns differ: %s has ", old_name(&d));
        key_list(&m, oldp);
        fg_strbuf_printf(&m, ", %s has ", new_name(&d));
        key_list(&m, newp);
        fg_strbuf_adds(&m, "; rows can only be compared by the same key");
        st = fail(&d, FORGE_EUSAGE, "%s", m.data ? m.data : "the key columns differ");
        fg_strbuf_free(&m);
        goto done;
    }
    if (!opt->data_path) {
        st = fail(&d, FORGE_EUSAGE, "no data file given%s", NULL);
        goto done;
    }
    bool is_stdin = strcmp(opt->data_path, "-") == 0;
    const char *data_name = opt->data_name ? opt->data_name : is_stdin ? "<stdin>" : opt->data_path;
    const char *why = NULL;
    d.fs = fg_file_source_open(alloc, opt->data_path, opt->data_stream, &why);
    if (!d.fs) {
        snprintf(sum->message, sizeof sum->message, "cannot read %s: %s", data_name,
                 why ? why : "unknown error");
        st = FORGE_EIO;
        goto done;
    }
    char delim = opt->delimiter ? opt->delimiter
                 : is_stdin     ? ','
                                : fg_driver_delimiter_for(opt->data_path);
    d.reader = fg_csv_new(alloc, fg_file_source_bytes(d.fs), delim);
    if (!d.reader) {
        st = fail(&d, FORGE_ENOMEM, oom, NULL);
        goto done;
    }
    fg_csv_record header;
    fg_csv_status cs = fg_csv_next(d.reader, &header);
    if (cs == FG_CSV_IO_ERROR) {
        st = fail(&d, FORGE_EIO, "%s", fg_csv_error(d.reader));
        goto done;
    }
    if (cs == FG_CSV_OOM) {
        st = fail(&d, FORGE_ENOMEM, oom, NULL);
        goto done;
    }
    if (cs == FG_CSV_EOF || header.bad_quote) {
        snprintf(sum->message, sizeof sum->message, "%s: %s", data_name,
                 cs == FG_CSV_EOF ? "no header line (the input is empty)"
                                  : "malformed quoted field in the header");
        st = FORGE_EIO;
        goto done;
    }
    /* the header is read by both schemas before the next record replaces it */
    for (int i = 0; i < 2; i++) {
        fg_strbuf msg;
        fg_strbuf_init(&msg, alloc);
        d.s[i].have_schema = fg_csv_schema_init(&d.s[i].schema, alloc, d.s[i].p, &header, &msg);
        if (!d.s[i].have_schema) {
            snprintf(sum->message, sizeof sum->message, "%s: %s policy: %s", data_name,
                     i ? new_name(&d) : old_name(&d), msg.data ? msg.data : "bad header");
            fg_strbuf_free(&msg);
            st = FORGE_EIO;
            goto done;
        }
        fg_strbuf_free(&msg);
    }
    /* --na markers: split once, shared by both schemas */
    if (opt->na && *opt->na) {
        uint32_t count = 1, n = 0;
        for (const char *p = opt->na; *p; p++)
            count += *p == ',';
        const char **na = fg_arena_alloc(&d.arena, count * sizeof *na);
        if (!na) {
            st = fail(&d, FORGE_ENOMEM, oom, NULL);
            goto done;
        }
        const char *start = opt->na;
        for (const char *p = opt->na;; p++)
            if (*p == ',' || *p == '\0') {
                na[n++] = fg_arena_strndup(&d.arena, start, (size_t)(p - start));
                if (!*p)
                    break;
                start = p + 1;
            }
        for (int i = 0; i < 2; i++) {
            d.s[i].schema.na = na;
            d.s[i].schema.nna = n;
        }
    }
    for (int i = 0; i < 2; i++) {
        d.s[i].have_batch = fg_batch_init(&d.s[i].b, alloc, d.s[i].p, FG_BATCH_ROWS);
        d.s[i].have_res =
            d.s[i].have_batch && fg_results_init(&d.s[i].res, alloc, d.s[i].p, FG_BATCH_ROWS);
        if (!d.s[i].have_res) {
            st = fail(&d, FORGE_ENOMEM, oom, NULL);
            goto done;
        }
    }
    if (!setup_shared(&d)) {
        st = fail(&d, FORGE_ENOMEM, oom, NULL);
        goto done;
    }
    if (dopt->rows && !rows_header(&d)) {
        st = fail(&d, FORGE_EIO, "cannot write the output%s", NULL);
        goto done;
    }
    fg_eval_opts eo_old = {.with_reports = false};
    fg_eval_opts eo_new = {.with_reports = d.grep != NULL};
    uint64_t nbatches = 0;
    bool at_eof = false;
    while (!at_eof) {
        fg_batch_clear(&d.s[0].b);
        fg_batch_clear(&d.s[1].b);
        fg_results_clear(&d.s[0].res);
        fg_results_clear(&d.s[1].res);
        while (d.s[0].b.nrows < d.s[0].b.cap) {
            fg_csv_record rec;
            cs = fg_csv_next(d.reader, &rec);
            if (cs == FG_CSV_EOF) {
                at_eof = true;
                break;
            }
            if (cs == FG_CSV_IO_ERROR) {
                st = fail(&d, FORGE_EIO, "%s", fg_csv_error(d.reader));
                goto done;
            }
            if (cs == FG_CSV_OOM || !fg_csv_fill_row(&d.s[0].schema, oldp, &d.s[0].b, &rec) ||
                !fg_csv_fill_row(&d.s[1].schema, newp, &d.s[1].b, &rec)) {
                st = fail(&d, FORGE_ENOMEM, oom, NULL);
                goto done;
            }
        }
        if (d.s[0].b.nrows == 0)
            break;
        if (!fg_interp_batch(oldp, &d.s[0].b, &d.s[0].res, &eo_old) ||
            !fg_interp_batch(newp, &d.s[1].b, &d.s[1].res, &eo_new)) {
            st = fail(&d, FORGE_ENOMEM, oom, NULL);
            goto done;
        }
        sum->rows_read += d.s[0].b.nrows;
        bool io_failed = false;
        if (!compare_rows(&d, data_name, &io_failed)) {
            st = io_failed ? fail(&d, FORGE_EIO, "cannot write the output%s", NULL)
                           : fail(&d, FORGE_ENOMEM, oom, NULL);
            goto done;
        }
        if (opt->progress && ++nbatches % 8 == 0)
            opt->progress(opt->progress_ud, fg_csv_offset(d.reader), sum->rows_read);
    }
    bool ok = dopt->format == FORGE_DIFF_JSON ? write_json(&d) : write_tables(&d);
    if (!ok) {
        st = fail(&d, FORGE_EIO, "cannot write the output%s", NULL);
        goto done;
    }
    st = sum->rows_in_error ? FORGE_EROWS : FORGE_OK;
done:
    for (int i = 0; i < 2; i++) {
        if (d.s[i].have_res)
            fg_results_free(&d.s[i].res);
        if (d.s[i].have_batch)
            fg_batch_free(&d.s[i].b);
        if (d.s[i].have_schema)
            fg_csv_schema_free(&d.s[i].schema, alloc);
    }
    fg_csv_free(d.reader);
    fg_file_source_close(d.fs);
    fg_free(alloc, d.tr);
    fg_free(alloc, d.groups);
    fg_free(alloc, d.gslots);
    fg_strbuf_free(&d.line);
    fg_strbuf_free(&d.a);
    fg_strbuf_free(&d.b);
    fg_arena_free(&d.arena);
    return st;
}
