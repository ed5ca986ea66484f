/* ir.h — the typed IR: the one program representation that every engine
 * executes. The checker's output is lowered (lang/lower.c) into an
 * fg_program; the interpreter (runtime/interp.c) and the JIT run it.
 *
 * A row is evaluated by computing the program's slots in order (inputs are
 * already in columns): lets, rules, decides, outputs and report arguments,
 * each an expression tree over earlier slots and inputs. Implicit
 * conversions are explicit nodes (TO_NUM), every node is typed, constants are
 * folded, and names are indices. The program owns everything through its
 * arena and keeps the policy sources so row errors can name file:line:col. */
#ifndef FG_IR_H
#define FG_IR_H

#include <string.h>

#include "ir_ops.h"
#include "source.h"
#include "types.h"

typedef struct fg_ir {
    uint16_t op;  /* fg_op */
    uint16_t sub; /* CMP_*: fg_cmp; CALL: fg_builtin id */
    fg_type type; /* result type; FG_T_OPT set when the value may be missing */
    fg_span span; /* source location: where a row error raised here points */
    uint32_t nargs;
    struct fg_ir **args;
    union {
        int64_t i;
        double n;
        bool b;
        fg_str s;
        uint32_t index; /* INPUT, SLOT, PARAM, CALL_FN, CALL_TABLE */
    } imm;
} fg_ir;

/* The value of a constant node (CONST_INT, _NUM, _BOOL, _STR) in *v
 * (present); false for any other node. */
static inline bool fg_ir_const_value(const fg_ir *n, fg_value *v)
{
    memset(v, 0, sizeof *v);
    switch ((fg_op)n->op) {
    case FG_IR_CONST_INT:
        v->i = n->imm.i;
        return true;
    case FG_IR_CONST_NUM:
        v->n = n->imm.n;
        return true;
    case FG_IR_CONST_BOOL:
        v->b = n->imm.b;
        return true;
    case FG_IR_CONST_STR:
        v->s = n->imm.s;
        return true;
    default:
        return false;
    }
}

typedef struct fg_input {
    const char *name;   /* name in the policy (and in output headers) */
    const char *header; /* CSV header it is read from */
    fg_type type;
    bool key;
    fg_span span;
} fg_input;

typedef enum fg_slot_kind {
    FG_SLOT_LET,
    FG_SLOT_RULE, /* bool: true when the rule holds */
    FG_SLOT_DECIDE,
    FG_SLOT_OUTPUT, /* `output name = expr` */
    FG_SLOT_REPORT  /* a report's `by` value or aggregate argument; evaluated
                       only when reports are computed */
} fg_slot_kind;

typedef struct fg_slot {
    fg_slot_kind kind;
    const char *name; /* report slots: "report#item" style, for dumps */
    fg_type type;
    fg_ir *expr;
    fg_ir *message;      /* RULE: message when it fails (str), NULL: default */
    uint32_t rule_index; /* RULE: position among rules in declaration order */
    fg_span span;        /* the declaration */
} fg_slot;

typedef enum fg_output_src { FG_OUT_INPUT, FG_OUT_SLOT } fg_output_src;

typedef struct fg_output {
    const char *name;
    fg_type type;
    fg_output_src src;
    uint32_t index; /* input index or slot index */
} fg_output;

typedef struct fg_fn {
    const char *name;
    uint32_t nparams;
    const char **param_names;
    fg_type *param_types;
    fg_type result;
    fg_ir *body; /* PARAM nodes refer to this fn's parameters */
    fg_span span;
} fg_fn;

typedef enum fg_ir_cell_kind {
    FG_IRCELL_ANY,
    FG_IRCELL_EQ,
    FG_IRCELL_LT,
    FG_IRCELL_LE,
    FG_IRCELL_GT,
    FG_IRCELL_GE,
    FG_IRCELL_RANGE, /* vals[0] <= x <= vals[1] */
    FG_IRCELL_IN     /* x equals one of vals */
} fg_ir_cell_kind;

/* A cell's values are folded constants of the compared type: the
 * parameter's base type, except that an int parameter compared with num
 * cell values compares as num (cmp_type tells which). A missing argument
 * matches only `_`. */
typedef struct fg_ir_cell {
    fg_ir_cell_kind kind;
    fg_type cmp_type; /* FG_T_INT, FG_T_NUM, FG_T_STR or FG_T_BOOL */
    uint32_t nvals;
    fg_value *vals;
    fg_span span;
} fg_ir_cell;

typedef struct fg_ir_table_row {
    fg_ir_cell *cells; /* one per parameter */
    fg_ir *result;     /* evaluated only for the matching row */
    fg_span span;
} fg_ir_table_row;

typedef struct fg_table {
    const char *name;
    uint32_t nparams;
    const char **param_names;
    fg_type *param_types;
    fg_type result;
    bool unique; /* hit policy (checked statically; runtime takes the first) */
    uint32_t nrows;
    fg_ir_table_row *rows;
    fg_span span;
} fg_table;

typedef enum fg_agg {
    FG_AGG_COUNT,    /* count(): rows */
    FG_AGG_COUNT_IF, /* count(cond): rows where cond is present and true */
    FG_AGG_SUM,      /* sum(x): exact, missing skipped; int stays int */
    FG_AGG_AVG,      /* avg(x): exact sum / present count; empty when none */
    FG_AGG_MIN,
    FG_AGG_MAX,
    FG_AGG_SHARE /* share(cond): count_if / rows; empty when no rows */
} fg_agg;

typedef struct fg_report_col {
    const char *label;
    fg_agg agg;
    int32_t slot; /* FG_SLOT_REPORT slot holding the argument, -1 for count() */
    fg_type type; /* type of the cell written (int or num) */
    fg_type arg_type;
} fg_report_col;

typedef struct fg_report {
    const char *name; /* NULL when unnamed */
    uint32_t nby;
    const char **by_names;
    uint32_t *by_slots; /* FG_SLOT_REPORT slots holding the group values */
    fg_type *by_types;
    uint32_t ncols;
    fg_report_col *cols;
    fg_span span;
} fg_report;

typedef struct fg_expect {
    fg_ir *expr;      /* bool, evaluated in the test row's context */
    const char *text; /* the expression as written, for failure messages */
    fg_span span;
} fg_expect;

typedef struct fg_test {
    const char *title;
    fg_span span;
    fg_value *inputs; /* one per program input; missing unless given */
    bool *given;      /* one per program input */
    uint32_t nexpects;
    fg_expect *expects;
} fg_test;

typedef struct fg_program {
    fg_arena arena; /* owns every node, string and array below */
    fg_sources sources;

    const char *policy_name, *policy_version; /* NULL when no header */

    uint32_t ninputs;
    fg_input *inputs;
    uint32_t nkeys;
    uint32_t *keys; /* input indices of the key columns, in declaration order */

    uint32_t nslots; /* evaluation order: every slot only reads earlier ones */
    fg_slot *slots;
    uint32_t nrules;
    uint32_t *rule_slots;       /* slot of each rule, in rule (declaration) order */
    uint32_t first_report_slot; /* slots from here on are FG_SLOT_REPORT */

    uint32_t noutputs;
    fg_output *outputs;

    uint32_t nfns;
    fg_fn *fns;
    uint32_t ntables;
    fg_table *tables;
    uint32_t nreports;
    fg_report *reports;
    uint32_t ntests;
    fg_test *tests;
} fg_program;

void fg_program_free(fg_program *p);
/* Number of IR nodes (table cells count as nodes), counted up to just past
 * limit: a measure of how much code the JIT would generate. */
size_t fg_program_nodes(const fg_program *p, size_t limit);

/* Human-readable dump of the program (for `forgec check --dump-ir` and tests). */
void fg_ir_dump(const fg_program *p, fg_strbuf *out);
extern const char *const fg_op_names[FG_IR_OP_COUNT];
extern const int8_t fg_op_nargs[FG_IR_OP_COUNT];

#endif
