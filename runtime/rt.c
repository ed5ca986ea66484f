/* rt.c — the runtime helpers behind the IR ops (see rt.h): checked int
 * arithmetic, num checks, comparisons, string building, decision-table
 * lookup and the failed-rule messages. The interpreter and the JIT share
 * them, so the semantics of every op lives here or in stdlib/builtins.c. */
#include "rt.h"

#include <math.h>
#include <string.h>

#include "format.h"

/* ---- int arithmetic ----
 * GCC/Clang builtins are the fast path; the portable checks (also built
 * with -DFG_PORTABLE_ARITH, for testing) give the same answers. */

fg_rowerr_kind fg_rt_add_int(int64_t a, int64_t b, int64_t *out)
{
#if defined(__GNUC__) && !defined(FG_PORTABLE_ARITH)
    if (__builtin_add_overflow(a, b, out))
        return FG_RE_INT_OVERFLOW;
    return FG_RE_NONE;
#else
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
        return FG_RE_INT_OVERFLOW;
    *out = a + b;
    return FG_RE_NONE;
#endif
}

fg_rowerr_kind fg_rt_sub_int(int64_t a, int64_t b, int64_t *out)
{
#if defined(__GNUC__) && !defined(FG_PORTABLE_ARITH)
    if (__builtin_sub_overflow(a, b, out))
        return FG_RE_INT_OVERFLOW;
    return FG_RE_NONE;
#else
    if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
        return FG_RE_INT_OVERFLOW;
    *out = a - b;
    return FG_RE_NONE;
#endif
}

fg_rowerr_kind fg_rt_mul_int(int64_t a, int64_t b, int64_t *out)
{
#if defined(__GNUC__) && !defined(FG_PORTABLE_ARITH)
    if (__builtin_mul_overflow(a, b, out))
        return FG_RE_INT_OVERFLOW;
    return FG_RE_NONE;
#else
    if (a > 0) {
        if (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a)
            return FG_RE_INT_OVERFLOW;
    } else if (a < 0) {
        if (b > 0 ? a < INT64_MIN / b : (b != 0 && b < INT64_MAX / a))
            return FG_RE_INT_OVERFLOW;
    }
    *out = a * b;
    return FG_RE_NONE;
#endif
}

fg_rowerr_kind fg_rt_neg_int(int64_t a, int64_t *out)
{
    if (a == INT64_MIN)
        return FG_RE_INT_OVERFLOW;
    *out = -a;
    return FG_RE_NONE;
}

/* ---- num arithmetic ---- */

fg_rowerr_kind fg_rt_check_num(double r)
{
    return isfinite(r) ? FG_RE_NONE : FG_RE_NOT_FINITE;
}

fg_rowerr_kind fg_rt_add_num(double a, double b, double *out)
{
    *out = a + b;
    return fg_rt_check_num(*out);
}

fg_rowerr_kind fg_rt_sub_num(double a, double b, double *out)
{
    *out = a - b;
    return fg_rt_check_num(*out);
}

fg_rowerr_kind fg_rt_mul_num(double a, double b, double *out)
{
    *out = a * b;
    return fg_rt_check_num(*out);
}

fg_rowerr_kind fg_rt_div_num(double a, double b, double *out)
{
    if (b == 0)
        return FG_RE_DIV_ZERO;
    *out = a / b;
    return fg_rt_check_num(*out);
}

/* ---- comparisons ---- */

int fg_rt_cmp_str(fg_str a, fg_str b)
{
    uint32_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c)
        return c;
    return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

/* The truth of `ord <op> 0` for an ordering result ord. */
static bool cmp_ord(fg_cmp c, int ord)
{
    switch (c) {
    case FG_CMP_EQ:
        return ord == 0;
    case FG_CMP_NE:
        return ord != 0;
    case FG_CMP_LT:
        return ord < 0;
    case FG_CMP_LE:
        return ord <= 0;
    case FG_CMP_GT:
        return ord > 0;
    case FG_CMP_GE:
        return ord >= 0;
    }
    return false;
}

bool fg_rt_cmp_int(fg_cmp c, int64_t a, int64_t b)
{
    return cmp_ord(c, (a > b) - (a < b));
}

bool fg_rt_cmp_num(fg_cmp c, double a, double b)
{
    /* Written out so NaN (never produced: such results are row errors)
     * would still compare as IEEE says. */
    switch (c) {
    case FG_CMP_EQ:
        return a == b;
    case FG_CMP_NE:
        return a != b;
    case FG_CMP_LT:
        return a < b;
    case FG_CMP_LE:
        return a <= b;
    case FG_CMP_GT:
        return a > b;
    case FG_CMP_GE:
        return a >= b;
    }
    return false;
}

bool fg_rt_cmp_strs(fg_cmp c, fg_str a, fg_str b)
{
    return cmp_ord(c, fg_rt_cmp_str(a, b));
}

bool fg_rt_cmp_bool(fg_cmp c, bool a, bool b)
{
    return cmp_ord(c, (int)a - (int)b);
}

bool fg_rt_equal(fg_type t, fg_value a, fg_value b)
{
    switch (fg_type_base(t)) {
    case FG_T_INT:
        return a.i == b.i;
    case FG_T_NUM:
        return a.n == b.n;
    case FG_T_BOOL:
        return a.b == b.b;
    default:
        return fg_rt_cmp_str(a.s, b.s) == 0;
    }
}

/* ---- strings ---- */

fg_rowerr_kind fg_rt_to_str(fg_arena *scratch, fg_type t, fg_value v, fg_str *out)
{
    char buf[FG_NUM_BUF];
    size_t n;
    out->ptr = "";
    out->len = 0;
    if (v.missing)
        return FG_RE_NONE;
    switch (fg_type_base(t)) {
    case FG_T_INT:
        n = fg_fmt_int(v.i, buf);
        break;
    case FG_T_NUM:
        n = fg_fmt_num(v.n, buf);
        break;
    case FG_T_BOOL:
        out->ptr = v.b ? "true" : "false";
        out->len = v.b ? 4 : 5;
        return FG_RE_NONE;
    default:
        *out = v.s;
        return FG_RE_NONE;
    }
    char *p = fg_arena_alloc(scratch, n);
    if (!p)
        return FG_RE_OOM;
    memcpy(p, buf, n);
    out->ptr = p;
    out->len = (uint32_t)n;
    return FG_RE_NONE;
}

fg_rowerr_kind fg_rt_concat(fg_arena *scratch, const fg_value *args, uint32_t nargs, fg_str *out)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < nargs; i++)
        total += args[i].s.len;
    if (total > UINT32_MAX)
        return FG_RE_OOM;
    char *p = fg_arena_alloc(scratch, (size_t)total);
    if (!p)
        return FG_RE_OOM;
    size_t at = 0;
    for (uint32_t i = 0; i < nargs; i++) {
        if (args[i].s.len)
            memcpy(p + at, args[i].s.ptr, args[i].s.len);
        at += args[i].s.len;
    }
    out->ptr = p;
    out->len = (uint32_t)total;
    return FG_RE_NONE;
}

/* ---- decision tables ---- */

/* Ordering of a present argument against a cell value, both seen as the
 * cell's compared type (an int argument against num cells widens). */
static int cell_order(fg_type arg_type, fg_type cmp_type, fg_value a, fg_value v)
{
    switch (fg_type_base(cmp_type)) {
    case FG_T_INT:
        return (a.i > v.i) - (a.i < v.i);
    case FG_T_NUM: {
        double x = fg_type_base(arg_type) == FG_T_INT ? (double)a.i : a.n;
        return (x > v.n) - (x < v.n);
    }
    case FG_T_BOOL:
        return (int)a.b - (int)v.b;
    default:
        return fg_rt_cmp_str(a.s, v.s);
    }
}

static bool cell_matches(const fg_ir_cell *c, fg_type arg_type, fg_value a)
{
    if (c->kind == FG_IRCELL_ANY)
        return true;
    if (a.missing)
        return false;
    switch (c->kind) {
    case FG_IRCELL_EQ:
        return cell_order(arg_type, c->cmp_type, a, c->vals[0]) == 0;
    case FG_IRCELL_LT:
        return cell_order(arg_type, c->cmp_type, a, c->vals[0]) < 0;
    case FG_IRCELL_LE:
        return cell_order(arg_type, c->cmp_type, a, c->vals[0]) <= 0;
    case FG_IRCELL_GT:
        return cell_order(arg_type, c->cmp_type, a, c->vals[0]) > 0;
    case FG_IRCELL_GE:
        return cell_order(arg_type, c->cmp_type, a, c->vals[0]) >= 0;
    case FG_IRCELL_RANGE:
        return cell_order(arg_type, c->cmp_type, a, c->vals[0]) >= 0 &&
               cell_order(arg_type, c->cmp_type, a, c->vals[1]) <= 0;
    case FG_IRCELL_IN:
        for (uint32_t i = 0; i < c->nvals; i++)
            if (cell_order(arg_type, c->cmp_type, a, c->vals[i]) == 0)
                return true;
        return false;
    case FG_IRCELL_ANY:
        return true;
    }
    return false;
}

int32_t fg_rt_table_lookup(const fg_table *t, const fg_value *args)
{
    for (uint32_t r = 0; r < t->nrows; r++) {
        const fg_ir_table_row *row = &t->rows[r];
        uint32_t p = 0;
        while (p < t->nparams && cell_matches(&row->cells[p], t->param_types[p], args[p]))
            p++;
        if (p == t->nparams)
            return (int32_t)r;
    }
    return -1;
}

/* Appends a string in double quotes with `"`, `\` and newline escaped. */
static void add_quoted(fg_strbuf *sb, fg_str s)
{
    fg_strbuf_addc(sb, '"');
    for (uint32_t i = 0; i < s.len; i++) {
        char ch = s.ptr[i];
        if (ch == '"' || ch == '\\') {
            fg_strbuf_addc(sb, '\\');
            fg_strbuf_addc(sb, ch);
        } else if (ch == '\n') {
            fg_strbuf_add(sb, "\\n", 2);
        } else {
            fg_strbuf_addc(sb, ch);
        }
    }
    fg_strbuf_addc(sb, '"');
}

fg_rowerr_kind fg_rt_table_nomatch(fg_arena *scratch, const fg_table *t, const fg_value *args,
                                   fg_str *detail)
{
    fg_strbuf sb;
    fg_strbuf_init(&sb, scratch->alloc);
    fg_strbuf_printf(&sb, "no row of table %s matches (", t->name);
    for (uint32_t p = 0; p < t->nparams; p++) {
        if (p)
            fg_strbuf_add(&sb, ", ", 2);
        fg_strbuf_adds(&sb, t->param_names[p]);
        fg_strbuf_add(&sb, " = ", 3);
        if (args[p].missing)
            fg_strbuf_adds(&sb, "missing");
        else if (fg_type_base(t->param_types[p]) == FG_T_STR)
            add_quoted(&sb, args[p].s);
        else
            fg_fmt_value(&sb, t->param_types[p], args[p]);
    }
    fg_strbuf_addc(&sb, ')');
    fg_rowerr_kind kind = FG_RE_NO_TABLE_ROW;
    char *p = sb.failed ? NULL : fg_arena_strndup(scratch, sb.data, sb.len);
    if (!p) {
        kind = FG_RE_OOM;
        detail->ptr = "";
        detail->len = 0;
    } else {
        detail->ptr = p;
        detail->len = (uint32_t)sb.len;
    }
    fg_strbuf_free(&sb);
    return kind;
}

/* ---- failed rules ---- */

fg_rowerr_kind fg_rt_rule_default_msg(fg_arena *scratch, const char *rule_name, fg_str *out)
{
    size_t n = strlen(rule_name);
    char *p = fg_arena_alloc(scratch, n + 12);
    if (!p)
        return FG_RE_OOM;
    memcpy(p, "rule ", 5);
    memcpy(p + 5, rule_name, n);
    memcpy(p + 5 + n, " failed", 7);
    out->ptr = p;
    out->len = (uint32_t)(n + 12);
    return FG_RE_NONE;
}

/* Whether rule r has been evaluated for the row (slot below upto_slot) and failed. */
static bool rule_failed(const fg_program *prog, const fg_results *res, uint32_t row,
                        uint32_t upto_slot, uint32_t r)
{
    uint32_t slot = prog->rule_slots[r];
    if (slot >= upto_slot)
        return false;
    const fg_value *v = &res->vals[(size_t)slot * res->cap + row];
    return !v->missing && !v->b;
}

int64_t fg_rt_failed_count(const fg_program *prog, const fg_results *res, uint32_t row,
                           uint32_t upto_slot)
{
    int64_t n = 0;
    for (uint32_t r = 0; r < prog->nrules; r++)
        n += rule_failed(prog, res, row, upto_slot, r);
    return n;
}

fg_rowerr_kind fg_rt_join_messages(fg_arena *scratch, const fg_str *msgs, uint32_t n, fg_str *out)
{
    out->ptr = "";
    out->len = 0;
    if (n == 1 && msgs[0].ptr) { /* the usual case: the one message, shared, not copied */
        *out = msgs[0];
        return FG_RE_NONE;
    }
    if (n <= 1)
        return FG_RE_NONE;
    uint64_t total = 2 * (uint64_t)(n - 1);
    for (uint32_t i = 0; i < n; i++)
        total += msgs[i].len;
    if (total > UINT32_MAX)
        return FG_RE_OOM;
    char *p = fg_arena_alloc(scratch, (size_t)total);
    if (!p)
        return FG_RE_OOM;
    size_t at = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i) {
            memcpy(p + at, "; ", 2);
            at += 2;
        }
        if (msgs[i].len)
            memcpy(p + at, msgs[i].ptr, msgs[i].len);
        at += msgs[i].len;
    }
    out->ptr = p;
    out->len = (uint32_t)total;
    return FG_RE_NONE;
}

fg_rowerr_kind fg_rt_failed(fg_arena *scratch, const fg_program *prog, const fg_results *res,
                            uint32_t row, uint32_t upto_slot, fg_str *out)
{
    /* the failed rules' messages, gathered (on the stack for most policies) */
    fg_str local[32], *msgs = local;
    if (prog->nrules > 32 && !(msgs = fg_arena_alloc(scratch, prog->nrules * sizeof *msgs))) {
        out->ptr = "";
        out->len = 0;
        return FG_RE_OOM;
    }
    uint32_t n = 0;
    for (uint32_t r = 0; r < prog->nrules; r++)
        if (rule_failed(prog, res, row, upto_slot, r))
            msgs[n++] = res->rule_msgs[(size_t)r * res->cap + row];
    return fg_rt_join_messages(scratch, msgs, n, out);
}

bool fg_rt_cell_matches(const fg_ir_cell *c, fg_type arg_type, fg_value a)
{
    return cell_matches(c, arg_type, a);
}

/* Keeps the rows of idx for which COND (on row r, not missing) holds. */
#define KEEP_IF(COND)                                                                              \
    do {                                                                                           \
        for (uint32_t k = 0; k < n; k++) {                                                         \
            uint32_t r = idx[k];                                                                   \
            idx[j] = r;                                                                            \
            j += !miss[r] && (COND);                                                               \
        }                                                                                          \
    } while (0)

/* One filter loop per cell kind; ORD(v) is the ordering of row r's
 * argument against the cell value v, as cell_order computes it. */
#define CELL_FILTER(ORD)                                                                           \
    switch (c->kind) {                                                                             \
    case FG_IRCELL_EQ:                                                                             \
        KEEP_IF(ORD(c->vals[0]) == 0);                                                             \
        break;                                                                                     \
    case FG_IRCELL_LT:                                                                             \
        KEEP_IF(ORD(c->vals[0]) < 0);                                                              \
        break;                                                                                     \
    case FG_IRCELL_LE:                                                                             \
        KEEP_IF(ORD(c->vals[0]) <= 0);                                                             \
        break;                                                                                     \
    case FG_IRCELL_GT:                                                                             \
        KEEP_IF(ORD(c->vals[0]) > 0);                                                              \
        break;                                                                                     \
    case FG_IRCELL_GE:                                                                             \
        KEEP_IF(ORD(c->vals[0]) >= 0);                                                             \
        break;                                                                                     \
    case FG_IRCELL_RANGE:                                                                          \
        KEEP_IF(ORD(c->vals[0]) >= 0 && ORD(c->vals[1]) <= 0);                                     \
        break;                                                                                     \
    case FG_IRCELL_IN:                                                                             \
        for (uint32_t k = 0; k < n; k++) {                                                         \
            uint32_t r = idx[k];                                                                   \
            bool in = false;                                                                       \
            for (uint32_t i = 0; i < c->nvals && !miss[r] && !in; i++)                             \
                in = ORD(c->vals[i]) == 0;                                                         \
            idx[j] = r;                                                                            \
            j += in;                                                                               \
        }                                                                                          \
        break;                                                                                     \
    case FG_IRCELL_ANY:                                                                            \
        return n;                                                                                  \
    }

uint32_t fg_rt_cell_filter(const fg_ir_cell *c, fg_type arg_type, const void *vals,
                           const bool *miss, uint32_t *idx, uint32_t n)
{
    uint32_t j = 0;
    if (c->kind == FG_IRCELL_ANY)
        return n;
    switch (fg_type_base(c->cmp_type)) {
    case FG_T_INT: {
        const int64_t *x = vals;
#define ORD_INT(v) ((x[r] > (v).i) - (x[r] < (v).i))
        CELL_FILTER(ORD_INT)
#undef ORD_INT
        break;
    }
    case FG_T_NUM:
        if (fg_type_base(arg_type) == FG_T_INT) { /* an int argument widens */
            const int64_t *x = vals;
#define ORD_WIDE(v) (((double)x[r] > (v).n) - ((double)x[r] < (v).n))
            CELL_FILTER(ORD_WIDE)
#undef ORD_WIDE
        } else {
            const double *x = vals;
#define ORD_NUM(v) ((x[r] > (v).n) - (x[r] < (v).n))
            CELL_FILTER(ORD_NUM)
#undef ORD_NUM
        }
        break;
    case FG_T_BOOL: {
        const bool *x = vals;
#define ORD_BOOL(v) ((int)x[r] - (int)(v).b)
        CELL_FILTER(ORD_BOOL)
#undef ORD_BOOL
        break;
    }
    default: {
        const fg_str *x = vals;
#define ORD_STR(v) fg_rt_cmp_str(x[r], (v).s)
        CELL_FILTER(ORD_STR)
#undef ORD_STR
        break;
    }
    }
    return j;
}
