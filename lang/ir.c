/* ir.c — the IR's tables (op names and operand counts, from the X-macro
 * in ir_ops.h), freeing a program, and a readable dump of a whole program
 * (inputs, slots as s-expressions, outputs, fns, tables, reports, tests)
 * for `forgec check --dump-ir` and for tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/format.h"
#include "../stdlib/builtins.h"
#include "ir.h"

const char *const fg_op_names[FG_IR_OP_COUNT] = {
#define FG_X_NAME(name, nargs, doc) #name,
    FG_IR_OPS(FG_X_NAME)
#undef FG_X_NAME
};

const int8_t fg_op_nargs[FG_IR_OP_COUNT] = {
#define FG_X_NARGS(name, nargs, doc) nargs,
    FG_IR_OPS(FG_X_NARGS)
#undef FG_X_NARGS
};

void fg_program_free(fg_program *p)
{
    if (!p)
        return;
    const fg_allocator *a = p->arena.alloc;
    fg_sources_free(&p->sources);
    fg_arena_free(&p->arena);
    fg_free(a, p);
}

/* ---------------- dump ---------------- */

/* Numbers as output writes them. */
static void dump_num(fg_strbuf *sb, double d)
{
    char buf[FG_NUM_BUF];
    fg_strbuf_add(sb, buf, fg_fmt_num(d, buf));
}

static void dump_str(fg_strbuf *sb, fg_str s)
{
    fg_strbuf_addc(sb, '"');
    for (uint32_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '"' || c == '\\')
            fg_strbuf_printf(sb, "\\%c", c);
        else if (c == '\n')
            fg_strbuf_adds(sb, "\\n");
        else if (c == '\t')
            fg_strbuf_adds(sb, "\\t");
        else
            fg_strbuf_addc(sb, c);
    }
    fg_strbuf_addc(sb, '"');
}

static void dump_value(fg_strbuf *sb, fg_type t, fg_value v)
{
    if (v.missing) {
        fg_strbuf_adds(sb, "missing");
        return;
    }
    switch (fg_type_base(t)) {
    case FG_T_INT:
        fg_strbuf_printf(sb, "%lld", (long long)v.i);
        break;
    case FG_T_NUM:
        dump_num(sb, v.n);
        break;
    case FG_T_BOOL:
        fg_strbuf_adds(sb, v.b ? "true" : "false");
        break;
    default:
        dump_str(sb, v.s);
        break;
    }
}

static const char *const cmp_names[] = {"==", "!=", "<", "<=", ">", ">="};

static void dump_expr(const fg_program *p, const char *const *params, const fg_ir *n, fg_strbuf *sb)
{
    if (!n) {
        fg_strbuf_adds(sb, "<null>");
        return;
    }
    const char *name = n->op < FG_IR_OP_COUNT ? fg_op_names[n->op] : "?";
    switch (n->op) {
    case FG_IR_CONST_INT:
        fg_strbuf_printf(sb, "(CONST_INT %lld)", (long long)n->imm.i);
        return;
    case FG_IR_CONST_NUM:
        fg_strbuf_adds(sb, "(CONST_NUM ");
        dump_num(sb, n->imm.n);
        fg_strbuf_addc(sb, ')');
        return;
    case FG_IR_CONST_BOOL:
        fg_strbuf_printf(sb, "(CONST_BOOL %s)", n->imm.b ? "true" : "false");
        return;
    case FG_IR_CONST_STR:
        fg_strbuf_adds(sb, "(CONST_STR ");
        dump_str(sb, n->imm.s);
        fg_strbuf_addc(sb, ')');
        return;
    case FG_IR_INPUT:
        fg_strbuf_printf(sb, "(INPUT %u %s:%s)", n->imm.index,
                         n->imm.index < p->ninputs ? p->inputs[n->imm.index].name : "?",
                         fg_type_name(n->type));
        return;
    case FG_IR_SLOT:
        fg_strbuf_printf(sb, "(SLOT %u %s:%s)", n->imm.index,
                         n->imm.index < p->nslots ? p->slots[n->imm.index].name : "?",
                         fg_type_name(n->type));
        return;
    case FG_IR_PARAM:
        fg_strbuf_printf(sb, "(PARAM %u %s:%s)", n->imm.index, params ? params[n->imm.index] : "?",
                         fg_type_name(n->type));
        return;
    default:
        break;
    }
    fg_strbuf_printf(sb, "(%s:%s", name, fg_type_name(n->type));
    if (n->op >= FG_IR_CMP_INT && n->op <= FG_IR_CMP_BOOL)
        fg_strbuf_printf(sb, " %s", n->sub < 6 ? cmp_names[n->sub] : "?");
    else if (n->op == FG_IR_CALL)
        fg_strbuf_printf(sb, " %s", n->sub < FG_B_COUNT ? fg_builtin_table[n->sub].name : "?");
    else if (n->op == FG_IR_CALL_FN)
        fg_strbuf_printf(sb, " %s", n->imm.index < p->nfns ? p->fns[n->imm.index].name : "?");
    else if (n->op == FG_IR_CALL_TABLE)
        fg_strbuf_printf(sb, " %s", n->imm.index < p->ntables ? p->tables[n->imm.index].name : "?");
    for (uint32_t i = 0; i < n->nargs; i++) {
        fg_strbuf_addc(sb, ' ');
        dump_expr(p, params, n->args[i], sb);
    }
    fg_strbuf_addc(sb, ')');
}

static const char *slot_kind_name(fg_slot_kind k)
{
    static const char *const names[] = {"let", "rule", "decide", "output", "report"};
    return (unsigned)k < 5 ? names[k] : "?";
}

static void dump_cell(const fg_ir_cell *c, fg_strbuf *sb)
{
    static const char *const pre[] = {"_", "", "< ", "<= ", "> ", ">= ", "", ""};
    if (c->kind == FG_IRCELL_ANY) {
        fg_strbuf_addc(sb, '_');
        return;
    }
    fg_strbuf_adds(sb, pre[c->kind]);
    if (c->kind == FG_IRCELL_IN)
        fg_strbuf_addc(sb, '[');
    for (uint32_t i = 0; i < c->nvals; i++) {
        if (i)
            fg_strbuf_adds(sb, c->kind == FG_IRCELL_RANGE ? ".." : ", ");
        dump_value(sb, c->cmp_type, c->vals[i]);
    }
    if (c->kind == FG_IRCELL_IN)
        fg_strbuf_addc(sb, ']');
    fg_strbuf_printf(sb, ":%s", fg_type_name(c->cmp_type));
}

static void dump_params(fg_strbuf *sb, uint32_t n, const char *const *names, const fg_type *types,
                        fg_type result)
{
    fg_strbuf_addc(sb, '(');
    for (uint32_t i = 0; i < n; i++)
        fg_strbuf_printf(sb, "%s%s: %s", i ? ", " : "", names[i], fg_type_name(types[i]));
    fg_strbuf_printf(sb, ") -> %s", fg_type_name(result));
}

void fg_ir_dump(const fg_program *p, fg_strbuf *out)
{
    if (p->policy_name || p->policy_version)
        fg_strbuf_printf(out, "policy %s version %s\n", p->policy_name ? p->policy_name : "-",
                         p->policy_version ? p->policy_version : "-");
    fg_strbuf_printf(out, "inputs %u\n", p->ninputs);
    for (uint32_t i = 0; i < p->ninputs; i++) {
        const fg_input *in = &p->inputs[i];
        fg_strbuf_printf(out, "  %u %s: %s%s", i, in->name, fg_type_name(in->type),
                         in->key ? " key" : "");
        if (strcmp(in->header, in->name) != 0) {
            fg_strbuf_adds(out, " from ");
            fg_str h = {in->header, (uint32_t)strlen(in->header)};
            dump_str(out, h);
        }
        fg_strbuf_addc(out, '\n');
    }
    fg_strbuf_printf(out, "slots %u (reports from %u)\n", p->nslots, p->first_report_slot);
    for (uint32_t i = 0; i < p->nslots; i++) {
        const fg_slot *s = &p->slots[i];
        fg_strbuf_printf(out, "  %u %s", i, slot_kind_name(s->kind));
        if (s->kind == FG_SLOT_RULE)
            fg_strbuf_printf(out, "#%u", s->rule_index);
        fg_strbuf_printf(out, " %s: %s = ", s->name ? s->name : "?", fg_type_name(s->type));
        dump_expr(p, NULL, s->expr, out);
        fg_strbuf_addc(out, '\n');
        if (s->message) {
            fg_strbuf_adds(out, "    else ");
            dump_expr(p, NULL, s->message, out);
            fg_strbuf_addc(out, '\n');
        }
    }
    fg_strbuf_printf(out, "outputs %u\n", p->noutputs);
    for (uint32_t i = 0; i < p->noutputs; i++) {
        const fg_output *o = &p->outputs[i];
        fg_strbuf_printf(out, "  %s: %s = %s %u\n", o->name, fg_type_name(o->type),
                         o->src == FG_OUT_INPUT ? "input" : "slot", o->index);
    }
    for (uint32_t i = 0; i < p->nfns; i++) {
        const fg_fn *f = &p->fns[i];
        fg_strbuf_printf(out, "fn %u %s", i, f->name);
        dump_params(out, f->nparams, f->param_names, f->param_types, f->result);
        fg_strbuf_adds(out, " = ");
        dump_expr(p, f->param_names, f->body, out);
        fg_strbuf_addc(out, '\n');
    }
    for (uint32_t i = 0; i < p->ntables; i++) {
        const fg_table *t = &p->tables[i];
        fg_strbuf_printf(out, "table %u %s", i, t->name);
        dump_params(out, t->nparams, t->param_names, t->param_types, t->result);
        fg_strbuf_adds(out, t->unique ? " unique\n" : " first\n");
        for (uint32_t r = 0; r < t->nrows; r++) {
            fg_strbuf_adds(out, "  |");
            for (uint32_t c = 0; c < t->nparams; c++) {
                fg_strbuf_adds(out, c ? ", " : " ");
                dump_cell(&t->rows[r].cells[c], out);
            }
            fg_strbuf_adds(out, " => ");
            dump_expr(p, t->param_names, t->rows[r].result, out);
            fg_strbuf_addc(out, '\n');
        }
    }
    static const char *const aggs[] = {"count", "count_if", "sum", "avg", "min", "max", "share"};
    for (uint32_t i = 0; i < p->nreports; i++) {
        const fg_report *r = &p->reports[i];
        fg_strbuf_printf(out, "report %s by", r->name ? r->name : "-");
        for (uint32_t b = 0; b < r->nby; b++)
            fg_strbuf_printf(out, " %s:%s@%u", r->by_names[b], fg_type_name(r->by_types[b]),
                             r->by_slots[b]);
        fg_strbuf_addc(out, '\n');
        for (uint32_t c = 0; c < r->ncols; c++) {
            const fg_report_col *col = &r->cols[c];
            fg_strbuf_printf(out, "  %s: %s = %s", col->label, fg_type_name(col->type),
                             aggs[col->agg]);
            if (col->slot >= 0)
                fg_strbuf_printf(out, " @%d %s", col->slot, fg_type_name(col->arg_type));
            fg_strbuf_addc(out, '\n');
        }
    }
    for (uint32_t i = 0; i < p->ntests; i++) {
        const fg_test *t = &p->tests[i];
        fg_strbuf_adds(out, "test ");
        fg_str title = {t->title, (uint32_t)strlen(t->title)};
        dump_str(out, title);
        fg_strbuf_addc(out, '\n');
        for (uint32_t k = 0; k < p->ninputs; k++)
            if (t->given[k]) {
                fg_strbuf_printf(out, "  given %s = ", p->inputs[k].name);
                dump_value(out, p->inputs[k].type, t->inputs[k]);
                fg_strbuf_addc(out, '\n');
            }
        for (uint32_t k = 0; k < t->nexpects; k++) {
            fg_strbuf_adds(out, "  expect ");
            dump_expr(p, NULL, t->expects[k].expr, out);
            fg_strbuf_addc(out, '\n');
        }
    }
}

/* Nodes of one tree, counting stops past `limit` (trees are at most
 * FG_MAX_NESTING deep, so the recursion is bounded). */
static size_t count_nodes(const fg_ir *n, size_t acc, size_t limit)
{
    if (!n || acc > limit)
        return acc;
    acc++;
    for (uint32_t i = 0; i < n->nargs && acc <= limit; i++)
        acc = count_nodes(n->args[i], acc, limit);
    return acc;
}

size_t fg_program_nodes(const fg_program *p, size_t limit)
{
    size_t acc = 0;
    for (uint32_t i = 0; i < p->nslots && acc <= limit; i++) {
        acc = count_nodes(p->slots[i].expr, acc, limit);
        acc = count_nodes(p->slots[i].message, acc, limit);
    }
    for (uint32_t i = 0; i < p->nfns && acc <= limit; i++)
        acc = count_nodes(p->fns[i].body, acc, limit);
    for (uint32_t i = 0; i < p->ntables && acc <= limit; i++)
        for (uint32_t r = 0; r < p->tables[i].nrows && acc <= limit; r++)
            acc = count_nodes(p->tables[i].rows[r].result, acc + p->tables[i].nparams, limit);
    return acc;
}
