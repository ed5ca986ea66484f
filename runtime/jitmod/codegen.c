/* codegen.c — the JIT's code generator: one fg_program becomes one LLVM
 * module with one exported function, `void forge_policy_eval(fg_jit_ctx *)`,
 * that loops over the rows of a columnar batch and computes every slot the
 * way runtime/interp.c does, plus one internal function per fn and table.
 *
 * Values live in SSA registers (a payload, a length for strings, and a
 * missing flag only where the type is optional); inputs are loaded once per
 * row, slot results are kept for later slots and stored into the results
 * with the interpreter's layout. What is inlined is what is provably the
 * same as the C helpers (checked int arithmetic through
 * llvm.s*.with.overflow, num arithmetic with the finiteness check,
 * comparisons, boolean logic, control flow, table cells on numbers and
 * bools, min/max); everything else calls the entry points of jit_abi.h,
 * which call the interpreter's own helpers. Row errors record the IR node's
 * span as constants, so the object holds no host pointer and can be cached.
 * Part of forge-jit.so (runtime/jit/jit_mod.h), never of libforge. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../../stdlib/builtins.h"
#include "../format.h"
#include "jitmod_int.h"

_Static_assert(sizeof(bool) == 1, "generated code loads bool as i8");
_Static_assert(sizeof(fg_rowerr_kind) == 4, "generated code loads row error kinds as i32");
_Static_assert(offsetof(fg_rowerr, kind) == 0, "kind first in fg_rowerr");
_Static_assert(sizeof(uint32_t) == 4 && sizeof(int64_t) == 8, "fixed widths");

/* The built-ins' and IR ops' names, for readable IR (`--emit llvm`) and
 * messages, from their X-macro lists: the module has neither
 * fg_builtin_table nor lang/ir.c (they would drag the whole standard
 * library and the formatter in). */
static const char *const builtin_names[FG_B_COUNT] = {
#define FG_X_NAME(id, name, res, arity, p1, p2, p3, doc) name,
    FG_BUILTINS(FG_X_NAME)
#undef FG_X_NAME
};
static const char *const op_names[FG_IR_OP_COUNT] = {
#define FG_X_NAME(name, nargs, doc) #name,
    FG_IR_OPS(FG_X_NAME)
#undef FG_X_NAME
};

#define VAL_SIZE ((uint64_t)sizeof(fg_value))
#define VAL_MISSING ((uint64_t)offsetof(fg_value, missing))
#define VAL_LEN ((uint64_t)offsetof(fg_value, s.len))
#define STR_SIZE ((uint64_t)sizeof(fg_str))
#define STR_LEN ((uint64_t)offsetof(fg_str, len))

/* A value in registers: payload (i64, double, i1 or ptr), len (str only),
 * missing (i1; NULL when the value is known to be present). */
typedef struct cg_val {
    LLVMValueRef v, len, missing;
} cg_val;

typedef struct cg_rt {
    LLVMTypeRef type;
    LLVMValueRef fn;
} cg_rt;

typedef struct cg {
    const fg_program *prog;
    fg_strbuf *err;
    fg_arena ar; /* scratch arrays for phis and call arguments */
    LLVMContextRef c;
    LLVMModuleRef m;
    LLVMBuilderRef b;  /* the code being generated */
    LLVMBuilderRef hb; /* hoisting: allocas and loads before a block's terminator */
    LLVMTypeRef t_void, t_i1, t_i8, t_i32, t_i64, t_dbl, t_ptr;
    cg_rt rt_memcmp, rt_rowerr, rt_call, rt_cmp_str, rt_table_miss, rt_rule_msg, rt_str_room,
        rt_join, rt_fmt_num, rt_fmt_int;
    LLVMValueRef *fns, *tables;
    LLVMTypeRef *fn_types, *table_types;
    LLVMValueRef empty_str, true_str, false_str, sep_str; /* "", "true", "false", "; " */
    uint32_t nstrs;

    /* the function being generated */
    LLVMValueRef fn, ctx, row, row64;
    LLVMValueRef entry_term; /* allocas and per-call hoisted loads go before it */
    LLVMBasicBlockRef fail;  /* a recorded row error abandons the evaluation here */
    const cg_val *params;    /* fn/table parameters */

    /* forge_policy_eval only */
    bool in_row;
    LLVMValueRef inputs_term; /* per-row input loads go before it */
    LLVMValueRef cols, misses;
    LLVMValueRef *col_base, *miss_base;
    cg_val *inputs;
    bool *input_done;
    cg_val *slots;
    uint32_t cur_slot;
    bool uses_failed;       /* some slot calls failed() */
    bool *read_after;       /* per slot: an output or report slot, always stored */
    cg_val *rule_msgs;      /* per rule: this row's message, once its slot is computed */
    LLVMValueRef all_slots; /* i1: !ctx->outputs_only, every slot is stored */
    LLVMValueRef sink;      /* where values nobody reads are stored instead (no branch) */
} cg;

static bool cg_expr(cg *g, const fg_ir *n, cg_val *out);

static bool cg_fail(cg *g, const fg_ir *n, const char *what)
{
    fg_strbuf_printf(g->err, "jit codegen: %s (op %s)", what,
                     n && n->op < FG_IR_OP_COUNT ? op_names[n->op] : "?");
    return false;
}

/* ---- small builders ---- */

static LLVMValueRef c32(cg *g, uint64_t v)
{
    return LLVMConstInt(g->t_i32, v, 0);
}
static LLVMValueRef c64(cg *g, uint64_t v)
{
    return LLVMConstInt(g->t_i64, v, 0);
}
static LLVMValueRef cbool(cg *g, bool v)
{
    return LLVMConstInt(g->t_i1, v, 0);
}

static LLVMBasicBlockRef block(cg *g, const char *name)
{
    return LLVMAppendBasicBlockInContext(g->c, g->fn, name);
}

/* base + off bytes */
static LLVMValueRef at(LLVMBuilderRef b, cg *g, LLVMValueRef base, LLVMValueRef off,
                       const char *name)
{
    return LLVMBuildInBoundsGEP2(b, g->t_i8, base, &off, 1, name);
}

static LLVMValueRef load_at(LLVMBuilderRef b, cg *g, LLVMTypeRef t, LLVMValueRef base, uint64_t off,
                            const char *name)
{
    LLVMValueRef p = off ? at(b, g, base, c64(g, off), "") : base;
    return LLVMBuildLoad2(b, t, p, name);
}

static void store_at(cg *g, LLVMValueRef v, LLVMValueRef base, uint64_t off)
{
    LLVMValueRef p = off ? at(g->b, g, base, c64(g, off), "") : base;
    LLVMBuildStore(g->b, v, p);
}

static LLVMValueRef to_i8(cg *g, LLVMValueRef b1)
{
    return LLVMBuildZExt(g->b, b1, g->t_i8, "");
}

static LLVMTypeRef val_type(cg *g, fg_type t)
{
    switch (fg_type_base(t)) {
    case FG_T_INT:
        return g->t_i64;
    case FG_T_NUM:
        return g->t_dbl;
    case FG_T_BOOL:
        return g->t_i1;
    default:
        return g->t_ptr;
    }
}

static LLVMValueRef missing_or_false(cg *g, const cg_val *v)
{
    return v->missing ? v->missing : cbool(g, false);
}

/* Names a slot's value after the slot, unless it already has a name (a
 * slot that just copies an input or another slot). */
static void set_name(LLVMValueRef v, const char *name)
{
    size_t len = 0;
    if (v && LLVMIsAInstruction(v) && (LLVMGetValueName2(v, &len), len == 0))
        LLVMSetValueName2(v, name, strlen(name));
}

/* Positions the hoisting builder before term (an entry or row-input block's branch). */
static LLVMBuilderRef hoist(cg *g, LLVMValueRef term)
{
    LLVMPositionBuilderBefore(g->hb, term);
    return g->hb;
}

/* Room for n fg_values (or fg_strs) in the function's entry block. */
static LLVMValueRef cg_alloca(cg *g, uint64_t bytes, const char *name)
{
    LLVMTypeRef t = LLVMArrayType2(g->t_i64, (bytes + 7) / 8);
    return LLVMBuildAlloca(hoist(g, g->entry_term), t, name);
}

/* Writes v (of type t) in fg_value layout at p: payload, len, missing. */
static void store_value(cg *g, LLVMValueRef p, const cg_val *v, fg_type t)
{
    LLVMValueRef x = v->v;
    if (fg_type_base(t) == FG_T_BOOL)
        x = to_i8(g, x);
    store_at(g, x, p, 0);
    if (fg_type_base(t) == FG_T_STR)
        store_at(g, v->len, p, VAL_LEN);
    store_at(g, to_i8(g, missing_or_false(g, v)), p, VAL_MISSING);
}

/* Reads the payload of an fg_value (or fg_str) at p as type t. */
static void load_payload(LLVMBuilderRef b, cg *g, LLVMValueRef p, fg_type t, uint64_t len_off,
                         cg_val *out, const char *name)
{
    out->len = NULL;
    out->missing = NULL;
    if (fg_type_base(t) == FG_T_BOOL) {
        out->v = LLVMBuildTrunc(b, load_at(b, g, g->t_i8, p, 0, ""), g->t_i1, name);
    } else {
        out->v = load_at(b, g, val_type(g, t), p, 0, name);
        if (fg_type_base(t) == FG_T_STR)
            out->len = load_at(b, g, g->t_i32, p, len_off, "");
    }
}

/* A private constant named name holding the len bytes at s. */
static LLVMValueRef named_const(cg *g, const char *s, uint32_t len, const char *name)
{
    LLVMValueRef init = LLVMConstStringInContext2(g->c, s, len, 1);
    LLVMValueRef gv = LLVMAddGlobal(g->m, LLVMTypeOf(init), name);
    LLVMSetInitializer(gv, init);
    LLVMSetGlobalConstant(gv, 1);
    LLVMSetLinkage(gv, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(gv, LLVMGlobalUnnamedAddr);
    LLVMSetAlignment(gv, 1);
    return gv;
}

/* A private constant holding the bytes of s. */
static LLVMValueRef str_const(cg *g, fg_str s)
{
    if (s.len == 0)
        return g->empty_str;
    char name[32];
    snprintf(name, sizeof name, "str.%u", g->nstrs++);
    return named_const(g, s.ptr, s.len, name);
}

static void const_value(cg *g, fg_type t, fg_value v, cg_val *out)
{
    out->len = NULL;
    out->missing = NULL;
    switch (fg_type_base(t)) {
    case FG_T_INT:
        out->v = LLVMConstInt(g->t_i64, (uint64_t)v.i, 1);
        break;
    case FG_T_NUM:
        out->v = LLVMConstReal(g->t_dbl, v.n);
        break;
    case FG_T_BOOL:
        out->v = cbool(g, v.b);
        break;
    default:
        out->v = str_const(g, v.s);
        out->len = c32(g, v.s.len);
        break;
    }
}

/* ---- row errors ---- */

/* When cond holds: record `kind` at sp and abandon the evaluation. */
static void raise_if(cg *g, LLVMValueRef cond, fg_rowerr_kind kind, fg_span sp)
{
    LLVMBasicBlockRef err = block(g, "raise"), ok = block(g, "ok");
    LLVMBuildCondBr(g->b, cond, err, ok);
    LLVMPositionBuilderAtEnd(g->b, err);
    LLVMValueRef args[] = {g->ctx,          g->row,           c32(g, (uint32_t)kind),
                           c32(g, sp.file), c32(g, sp.start), c32(g, sp.end)};
    LLVMBuildCall2(g->b, g->rt_rowerr.type, g->rt_rowerr.fn, args, 6, "");
    LLVMBuildBr(g->b, g->fail);
    LLVMPositionBuilderAtEnd(g->b, ok);
}

/* An entry point returned kind (already recorded): abandon unless FG_RE_NONE. */
static void check_kind(cg *g, LLVMValueRef kind)
{
    LLVMBasicBlockRef ok = block(g, "ok");
    LLVMValueRef bad = LLVMBuildICmp(g->b, LLVMIntNE, kind, c32(g, 0), "");
    LLVMBuildCondBr(g->b, bad, g->fail, ok);
    LLVMPositionBuilderAtEnd(g->b, ok);
}

static void span_args(cg *g, fg_span sp, LLVMValueRef *a)
{
    a[0] = c32(g, sp.file);
    a[1] = c32(g, sp.start);
    a[2] = c32(g, sp.end);
}

/* The result is not NaN or infinite, else FG_RE_NOT_FINITE (fg_rt_check_num). */
static void check_finite(cg *g, LLVMValueRef r, fg_span sp)
{
    LLVMTypeRef t = g->t_dbl;
    LLVMValueRef fabs_fn =
        LLVMGetIntrinsicDeclaration(g->m, LLVMLookupIntrinsicID("llvm.fabs", 9), &t, 1);
    LLVMTypeRef fabs_t = LLVMIntrinsicGetType(g->c, LLVMLookupIntrinsicID("llvm.fabs", 9), &t, 1);
    LLVMValueRef a = LLVMBuildCall2(g->b, fabs_t, fabs_fn, &r, 1, "");
    /* uge: also true when unordered (NaN) */
    LLVMValueRef bad = LLVMBuildFCmp(g->b, LLVMRealUGE, a, LLVMConstReal(g->t_dbl, HUGE_VAL), "");
    raise_if(g, bad, FG_RE_NOT_FINITE, sp);
}

/* ---- joining values from several blocks ---- */

/* phis in the current block for n incoming values of type t. */
static bool join(cg *g, fg_type t, uint32_t n, const cg_val *vals, LLVMBasicBlockRef *from,
                 cg_val *out, const char *name)
{
    LLVMValueRef *tmp = fg_arena_alloc(&g->ar, (size_t)(n + 1) * sizeof *tmp);
    if (!tmp)
        return cg_fail(g, NULL, "out of memory");
    bool any_missing = false, is_str = fg_type_base(t) == FG_T_STR;
    for (uint32_t i = 0; i < n; i++) {
        tmp[i] = vals[i].v;
        any_missing |= vals[i].missing != NULL;
    }
    out->v = LLVMBuildPhi(g->b, val_type(g, t), name);
    LLVMAddIncoming(out->v, tmp, from, n);
    out->len = NULL;
    out->missing = NULL;
    if (is_str) {
        for (uint32_t i = 0; i < n; i++)
            tmp[i] = vals[i].len;
        out->len = LLVMBuildPhi(g->b, g->t_i32, "");
        LLVMAddIncoming(out->len, tmp, from, n);
    }
    if (any_missing) {
        for (uint32_t i = 0; i < n; i++)
            tmp[i] = missing_or_false(g, &vals[i]);
        out->missing = LLVMBuildPhi(g->b, g->t_i1, "");
        LLVMAddIncoming(out->missing, tmp, from, n);
    }
    return true;
}

/* A phi of type t in the current block: a from block ba, b from bb. */
static LLVMValueRef phi2(cg *g, LLVMTypeRef t, LLVMValueRef a, LLVMBasicBlockRef ba, LLVMValueRef b,
                         LLVMBasicBlockRef bb, const char *name)
{
    LLVMValueRef phi = LLVMBuildPhi(g->b, t, name);
    LLVMValueRef in[] = {a, b};
    LLVMBasicBlockRef blocks[] = {ba, bb};
    LLVMAddIncoming(phi, in, blocks, 2);
    return phi;
}

/* ---- comparisons ---- */

static LLVMValueRef cmp_str(cg *g, const cg_val *a, const cg_val *b)
{
    LLVMValueRef args[] = {a->v, a->len, b->v, b->len};
    return LLVMBuildCall2(g->b, g->rt_cmp_str.type, g->rt_cmp_str.fn, args, 4, "cmp");
}

/* String equality: lengths first, then memcmp on that many bytes (the
 * same answer as fg_rt_cmp_str == 0); with a constant operand LLVM turns
 * the memcmp into a few loads. */
static LLVMValueRef str_eq(cg *g, const cg_val *a, const cg_val *b)
{
    LLVMValueRef same_len = LLVMBuildICmp(g->b, LLVMIntEQ, a->len, b->len, "");
    LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef bytes = block(g, "streq.bytes"), end = block(g, "streq.end");
    LLVMBuildCondBr(g->b, same_len, bytes, end);
    LLVMPositionBuilderAtEnd(g->b, bytes);
    LLVMValueRef len = LLVMIsConstant(b->len) ? b->len : a->len;
    LLVMValueRef args[] = {a->v, b->v, LLVMBuildZExt(g->b, len, g->t_i64, "")};
    LLVMValueRef r = LLVMBuildCall2(g->b, g->rt_memcmp.type, g->rt_memcmp.fn, args, 3, "");
    LLVMValueRef eq = LLVMBuildICmp(g->b, LLVMIntEQ, r, c32(g, 0), "");
    LLVMBuildBr(g->b, end);
    LLVMPositionBuilderAtEnd(g->b, end);
    return phi2(g, g->t_i1, cbool(g, false), from, eq, bytes, "streq");
}

static const LLVMIntPredicate sint_pred[] = {LLVMIntEQ,  LLVMIntNE,  LLVMIntSLT,
                                             LLVMIntSLE, LLVMIntSGT, LLVMIntSGE};
static const LLVMIntPredicate uint_pred[] = {LLVMIntEQ,  LLVMIntNE,  LLVMIntULT,
                                             LLVMIntULE, LLVMIntUGT, LLVMIntUGE};
/* fg_rt_cmp_num: IEEE comparisons as C writes them (`!=` is true for NaN). */
static const LLVMRealPredicate num_pred[] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                             LLVMRealOLE, LLVMRealOGT, LLVMRealOGE};
/* `ord OP 0` with ord = (x > v) - (x < v) (rt.c cell_order), exactly, NaN included. */
static const LLVMRealPredicate ord_pred[] = {LLVMRealUEQ, LLVMRealONE, LLVMRealOLT,
                                             LLVMRealULE, LLVMRealOGT, LLVMRealUGE};

/* a OP b on two present values of base type t, as rt.c compares them. */
static LLVMValueRef compare(cg *g, fg_type t, fg_cmp op, const cg_val *a, const cg_val *b)
{
    switch (fg_type_base(t)) {
    case FG_T_INT:
        return LLVMBuildICmp(g->b, sint_pred[op], a->v, b->v, "");
    case FG_T_NUM:
        return LLVMBuildFCmp(g->b, num_pred[op], a->v, b->v, "");
    case FG_T_BOOL:
        return LLVMBuildICmp(g->b, uint_pred[op], a->v, b->v, "");
    default:
        if (op == FG_CMP_EQ)
            return str_eq(g, a, b);
        if (op == FG_CMP_NE)
            return LLVMBuildNot(g->b, str_eq(g, a, b), "");
        return LLVMBuildICmp(g->b, sint_pred[op], cmp_str(g, a, b), c32(g, 0), "");
    }
}

/* ---- inputs, calls ---- */

/* This row's value of input i, loaded once per row in the row's input block. */
static bool cg_input(cg *g, const fg_ir *n, uint32_t i, cg_val *out)
{
    if (!g->in_row || i >= g->prog->ninputs)
        return cg_fail(g, n, "input outside a row");
    if (!g->input_done[i]) {
        const fg_input *in = &g->prog->inputs[i];
        fg_type t = in->type;
        char name[160];
        if (!g->col_base[i]) {
            LLVMBuilderRef hb = hoist(g, g->entry_term);
            snprintf(name, sizeof name, "col.%s", in->name);
            g->col_base[i] = load_at(hb, g, g->t_ptr, g->cols, (uint64_t)i * sizeof(void *), name);
            if (fg_type_is_opt(t)) {
                snprintf(name, sizeof name, "col.%s.missing", in->name);
                g->miss_base[i] =
                    load_at(hb, g, g->t_ptr, g->misses, (uint64_t)i * sizeof(void *), name);
            }
        }
        LLVMBuilderRef hb = hoist(g, g->inputs_term);
        uint64_t size = fg_type_base(t) == FG_T_INT    ? 8
                        : fg_type_base(t) == FG_T_NUM  ? 8
                        : fg_type_base(t) == FG_T_BOOL ? 1
                                                       : STR_SIZE;
        LLVMValueRef off = LLVMBuildMul(hb, g->row64, c64(g, size), "");
        LLVMValueRef p = at(hb, g, g->col_base[i], off, "");
        cg_val v;
        load_payload(hb, g, p, t, STR_LEN, &v, in->name);
        if (fg_type_is_opt(t)) {
            snprintf(name, sizeof name, "%s.missing", in->name);
            LLVMValueRef mp = at(hb, g, g->miss_base[i], g->row64, "");
            v.missing = LLVMBuildTrunc(hb, LLVMBuildLoad2(hb, g->t_i8, mp, ""), g->t_i1, name);
        }
        g->inputs[i] = v;
        g->input_done[i] = true;
    }
    *out = g->inputs[i];
    return true;
}

/* Evaluates n's arguments in order into vals (arena memory). */
static bool eval_args(cg *g, const fg_ir *n, cg_val **vals)
{
    *vals = fg_arena_alloc(&g->ar, (size_t)(n->nargs + 1) * sizeof **vals);
    if (!*vals)
        return cg_fail(g, n, "out of memory");
    for (uint32_t i = 0; i < n->nargs; i++)
        if (!cg_expr(g, n->args[i], &(*vals)[i]))
            return false;
    return true;
}

/* An fg_value array in the entry block holding vals (for entry points). */
static LLVMValueRef value_array(cg *g, const fg_ir *const *types, const cg_val *vals, uint32_t n,
                                const fg_type *ptypes)
{
    LLVMValueRef arr = cg_alloca(g, VAL_SIZE * (n ? n : 1), "args");
    for (uint32_t i = 0; i < n; i++) {
        LLVMValueRef p = i ? at(g->b, g, arr, c64(g, VAL_SIZE * i), "") : arr;
        store_value(g, p, &vals[i], types ? types[i]->type : ptypes[i]);
    }
    return arr;
}

/* min/max are inlined: the same left-to-right strict comparisons as builtins.c. */
static bool cg_minmax(cg *g, const fg_ir *n, const cg_val *a, cg_val *out)
{
    bool is_int = n->sub == FG_B_MIN_INT || n->sub == FG_B_MAX_INT;
    bool is_min = n->sub == FG_B_MIN_INT || n->sub == FG_B_MIN_NUM;
    LLVMValueRef m = a[0].v;
    for (uint32_t k = 1; k < n->nargs; k++) {
        LLVMValueRef better =
            is_int ? LLVMBuildICmp(g->b, is_min ? LLVMIntSLT : LLVMIntSGT, a[k].v, m, "")
                   : LLVMBuildFCmp(g->b, is_min ? LLVMRealOLT : LLVMRealOGT, a[k].v, m, "");
        m = LLVMBuildSelect(g->b, better, a[k].v, m, is_min ? "min" : "max");
    }
    out->v = m;
    out->len = NULL;
    out->missing = NULL;
    return true;
}

static bool cg_call(cg *g, const fg_ir *n, cg_val *out)
{
    cg_val *a;
    if (n->sub >= FG_B_COUNT)
        return cg_fail(g, n, "unknown built-in");
    if (!eval_args(g, n, &a))
        return false;
    switch (n->sub) {
    case FG_B_MIN_INT:
    case FG_B_MIN_NUM:
    case FG_B_MAX_INT:
    case FG_B_MAX_NUM:
        return cg_minmax(g, n, a, out);
    default:
        break;
    }
    LLVMValueRef arr = value_array(g, (const fg_ir *const *)n->args, a, n->nargs, NULL);
    LLVMValueRef res = cg_alloca(g, VAL_SIZE, "res");
    LLVMValueRef args[9] = {g->ctx, g->row, c32(g, n->sub), arr, c32(g, n->nargs), res};
    span_args(g, n->span, args + 6);
    LLVMValueRef k =
        LLVMBuildCall2(g->b, g->rt_call.type, g->rt_call.fn, args, 9, builtin_names[n->sub]);
    check_kind(g, k);
    load_payload(g->b, g, res, n->type, VAL_LEN, out, "");
    return true;
}

/* Calls an internal fn/table function and unpacks {ok, value, len, missing}. */
static bool call_internal(cg *g, const fg_ir *n, LLVMTypeRef ft, LLVMValueRef f, uint32_t nextra,
                          const LLVMValueRef *extra, const fg_type *ptypes, uint32_t nparams,
                          fg_type result, cg_val *out)
{
    cg_val *a;
    if (n->nargs != nparams)
        return cg_fail(g, n, "argument count");
    if (!eval_args(g, n, &a))
        return false;
    LLVMValueRef *args = fg_arena_alloc(&g->ar, (size_t)(2 + nextra + 3 * nparams) * sizeof *args);
    if (!args)
        return cg_fail(g, n, "out of memory");
    uint32_t k = 0;
    args[k++] = g->ctx;
    args[k++] = g->row;
    for (uint32_t i = 0; i < nextra; i++)
        args[k++] = extra[i];
    for (uint32_t i = 0; i < nparams; i++) {
        args[k++] = a[i].v;
        if (fg_type_base(ptypes[i]) == FG_T_STR)
            args[k++] = a[i].len;
        args[k++] = missing_or_false(g, &a[i]);
    }
    LLVMValueRef r = LLVMBuildCall2(g->b, ft, f, args, k, "");
    LLVMBasicBlockRef ok = block(g, "ok");
    LLVMBuildCondBr(g->b, LLVMBuildExtractValue(g->b, r, 0, ""), ok, g->fail);
    LLVMPositionBuilderAtEnd(g->b, ok);
    out->v = LLVMBuildExtractValue(g->b, r, 1, "");
    out->len = fg_type_base(result) == FG_T_STR ? LLVMBuildExtractValue(g->b, r, 2, "") : NULL;
    out->missing = fg_type_is_opt(result) ? LLVMBuildExtractValue(g->b, r, 3, "") : NULL;
    return true;
}

/* ---- expressions ---- */

static bool cg_arith(cg *g, const fg_ir *n, cg_val *out)
{
    cg_val a, b;
    if (!cg_expr(g, n->args[0], &a) || !cg_expr(g, n->args[1], &b))
        return false;
    out->len = NULL;
    out->missing = NULL;
    const char *ovf = NULL;
    switch ((fg_op)n->op) {
    case FG_IR_ADD_INT:
        ovf = "llvm.sadd.with.overflow";
        break;
    case FG_IR_SUB_INT:
        ovf = "llvm.ssub.with.overflow";
        break;
    case FG_IR_MUL_INT:
        ovf = "llvm.smul.with.overflow";
        break;
    case FG_IR_ADD_NUM:
        out->v = LLVMBuildFAdd(g->b, a.v, b.v, "sum");
        break;
    case FG_IR_SUB_NUM:
        out->v = LLVMBuildFSub(g->b, a.v, b.v, "diff");
        break;
    case FG_IR_MUL_NUM:
        out->v = LLVMBuildFMul(g->b, a.v, b.v, "prod");
        break;
    case FG_IR_DIV_NUM:
        raise_if(g, LLVMBuildFCmp(g->b, LLVMRealOEQ, b.v, LLVMConstReal(g->t_dbl, 0), ""),
                 FG_RE_DIV_ZERO, n->span);
        out->v = LLVMBuildFDiv(g->b, a.v, b.v, "quot");
        break;
    default:
        return cg_fail(g, n, "not arithmetic");
    }
    if (!ovf) {
        check_finite(g, out->v, n->span);
        return true;
    }
    unsigned id = LLVMLookupIntrinsicID(ovf, strlen(ovf));
    LLVMValueRef f = LLVMGetIntrinsicDeclaration(g->m, id, &g->t_i64, 1);
    LLVMTypeRef ft = LLVMIntrinsicGetType(g->c, id, &g->t_i64, 1);
    LLVMValueRef args[] = {a.v, b.v};
    LLVMValueRef r = LLVMBuildCall2(g->b, ft, f, args, 2, "");
    raise_if(g, LLVMBuildExtractValue(g->b, r, 1, ""), FG_RE_INT_OVERFLOW, n->span);
    out->v = LLVMBuildExtractValue(g->b, r, 0, "");
    return true;
}

/* and / or: the right operand only when the left does not decide. */
static bool cg_logic(cg *g, const fg_ir *n, bool is_and, cg_val *out)
{
    cg_val a, b;
    if (!cg_expr(g, n->args[0], &a))
        return false;
    LLVMBasicBlockRef from_a = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef rhs = block(g, is_and ? "and.rhs" : "or.rhs");
    LLVMBasicBlockRef end = block(g, is_and ? "and.end" : "or.end");
    if (is_and)
        LLVMBuildCondBr(g->b, a.v, rhs, end);
    else
        LLVMBuildCondBr(g->b, a.v, end, rhs);
    LLVMPositionBuilderAtEnd(g->b, rhs);
    if (!cg_expr(g, n->args[1], &b))
        return false;
    LLVMBasicBlockRef from_b = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, end);
    LLVMPositionBuilderAtEnd(g->b, end);
    cg_val vals[2] = {{cbool(g, !is_and), NULL, NULL}, b};
    LLVMBasicBlockRef from[2] = {from_a, from_b};
    return join(g, FG_T_BOOL, 2, vals, from, out, is_and ? "and" : "or");
}

/* if / decide: conditions in order, the first true arm's value. */
static bool cg_arms(cg *g, const fg_ir *n, cg_val *out)
{
    bool is_if = n->op == FG_IR_IF;
    uint32_t narms = is_if ? 2 : (n->nargs + 1) / 2;
    cg_val *vals = fg_arena_alloc(&g->ar, narms * sizeof *vals);
    LLVMBasicBlockRef *from = fg_arena_alloc(&g->ar, narms * sizeof *from);
    if (!vals || !from)
        return cg_fail(g, n, "out of memory");
    LLVMBasicBlockRef end = block(g, is_if ? "if.end" : "decide.end");
    uint32_t k = 0;
    for (uint32_t i = 0; i + 1 < n->nargs; i += 2) {
        cg_val c;
        if (!cg_expr(g, n->args[i], &c))
            return false;
        LLVMBasicBlockRef then = block(g, is_if ? "then" : "when");
        LLVMBasicBlockRef next = block(g, is_if ? "else" : "next");
        LLVMBuildCondBr(g->b, c.v, then, next);
        LLVMPositionBuilderAtEnd(g->b, then);
        if (!cg_expr(g, n->args[i + 1], &vals[k]))
            return false;
        from[k++] = LLVMGetInsertBlock(g->b);
        LLVMBuildBr(g->b, end);
        LLVMPositionBuilderAtEnd(g->b, next);
        if (is_if)
            break;
    }
    if (!cg_expr(g, n->args[n->nargs - 1], &vals[k]))
        return false;
    from[k++] = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, end);
    LLVMPositionBuilderAtEnd(g->b, end);
    return join(g, n->type, k, vals, from, out, is_if ? "if" : "decide");
}

static bool cg_coalesce(cg *g, const fg_ir *n, cg_val *out)
{
    cg_val a, b;
    if (!cg_expr(g, n->args[0], &a))
        return false;
    if (!a.missing) {
        *out = a;
        return true;
    }
    LLVMBasicBlockRef from_a = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef dflt = block(g, "coalesce.default"), end = block(g, "coalesce.end");
    LLVMBuildCondBr(g->b, a.missing, dflt, end);
    LLVMPositionBuilderAtEnd(g->b, dflt);
    if (!cg_expr(g, n->args[1], &b))
        return false;
    LLVMBasicBlockRef from_b = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, end);
    LLVMPositionBuilderAtEnd(g->b, end);
    a.missing = cbool(g, false);
    cg_val vals[2] = {a, b};
    if (!b.missing)
        vals[0].missing = NULL;
    LLVMBasicBlockRef from[2] = {from_a, from_b};
    return join(g, n->type, 2, vals, from, out, "coalesce");
}

/* x in [items]: the operand once, items in order up to the first equal one. */
static bool cg_in(cg *g, const fg_ir *n, cg_val *out)
{
    cg_val a;
    if (!cg_expr(g, n->args[0], &a))
        return false;
    fg_type t = n->args[0]->type;
    uint32_t nin = n->nargs;
    cg_val *vals = fg_arena_alloc(&g->ar, nin * sizeof *vals);
    LLVMBasicBlockRef *from = fg_arena_alloc(&g->ar, nin * sizeof *from);
    if (!vals || !from)
        return cg_fail(g, n, "out of memory");
    LLVMBasicBlockRef end = block(g, "in.end");
    uint32_t k = 0;
    for (uint32_t i = 1; i < n->nargs; i++) {
        cg_val b;
        if (!cg_expr(g, n->args[i], &b))
            return false;
        LLVMValueRef eq = compare(g, t, FG_CMP_EQ, &a, &b);
        vals[k] = (cg_val){cbool(g, true), NULL, NULL};
        from[k++] = LLVMGetInsertBlock(g->b);
        LLVMBasicBlockRef next = block(g, "in.next");
        LLVMBuildCondBr(g->b, eq, end, next);
        LLVMPositionBuilderAtEnd(g->b, next);
    }
    vals[k] = (cg_val){cbool(g, false), NULL, NULL};
    from[k++] = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, end);
    LLVMPositionBuilderAtEnd(g->b, end);
    return join(g, FG_T_BOOL, k, vals, from, out, "in");
}

/* ---- strings: built in place ----
 * Interpolation (CONCAT of constant text and TO_STR parts), a lone TO_STR
 * and failed() write their bytes straight into the batch's string room
 * (ctx->str_at .. str_end, memory of the scratch arena), back to back:
 * constant text as inline stores, numbers through fg_fmt_num/fg_fmt_int
 * (the formatter output uses), the rest with memcpy. The bytes are those
 * of rt.c's fg_rt_to_str, fg_rt_concat and fg_rt_failed, without their
 * intermediate strings. */

/* Room for at most `max` bytes (i64) at ctx->str_at, refilled by the entry
 * point when short; abandons the row (FG_RE_OOM, recorded by the entry
 * point at sp) when there is none. */
static LLVMValueRef str_reserve(cg *g, LLVMValueRef max, fg_span sp)
{
    LLVMValueRef cur = load_at(g->b, g, g->t_ptr, g->ctx, offsetof(fg_jit_ctx, str_at), "str.at");
    LLVMValueRef end = load_at(g->b, g, g->t_ptr, g->ctx, offsetof(fg_jit_ctx, str_end), "str.end");
    LLVMValueRef room = LLVMBuildSub(g->b, LLVMBuildPtrToInt(g->b, end, g->t_i64, ""),
                                     LLVMBuildPtrToInt(g->b, cur, g->t_i64, ""), "room");
    LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef refill = block(g, "str.refill"), ok = block(g, "str.ok");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULE, max, room, ""), ok, refill);
    LLVMPositionBuilderAtEnd(g->b, refill);
    LLVMValueRef args[6] = {g->ctx, g->row, max};
    span_args(g, sp, args + 3);
    LLVMValueRef fresh =
        LLVMBuildCall2(g->b, g->rt_str_room.type, g->rt_str_room.fn, args, 6, "str.fresh");
    LLVMBasicBlockRef refilled = block(g, "str.refilled");
    LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, fresh, ""), g->fail, refilled);
    LLVMPositionBuilderAtEnd(g->b, refilled);
    LLVMBuildBr(g->b, ok);
    LLVMPositionBuilderAtEnd(g->b, ok);
    return phi2(g, g->t_ptr, cur, from, fresh, refilled, "buf");
}

/* The string at p took len bytes (i64): the result; the room now starts
 * after it. */
static void str_commit(cg *g, LLVMValueRef p, LLVMValueRef len, cg_val *out)
{
    store_at(g, at(g->b, g, p, len, "str.next"), g->ctx, offsetof(fg_jit_ctx, str_at));
    out->v = p;
    out->len = LLVMBuildTrunc(g->b, len, g->t_i32, "");
    out->missing = NULL;
}

/* Copies len (i64) bytes from src to p + pos; the new pos. A constant len
 * becomes a few stores. */
static LLVMValueRef put_bytes(cg *g, LLVMValueRef p, LLVMValueRef pos, LLVMValueRef src,
                              LLVMValueRef len)
{
    LLVMBuildMemCpy(g->b, at(g->b, g, p, pos, ""), 1, src, 1, len);
    return LLVMBuildAdd(g->b, pos, len, "pos");
}

/* Most bytes a value of base type t formats to (fg_fmt_num and fg_fmt_int
 * also write a terminating NUL inside FG_NUM_BUF; bools copy 5 bytes). */
static LLVMValueRef text_bound(cg *g, const cg_val *v, fg_type t)
{
    switch (fg_type_base(t)) {
    case FG_T_INT:
    case FG_T_NUM:
        return c64(g, FG_NUM_BUF);
    case FG_T_BOOL:
        return c64(g, 5);
    default:
        return LLVMBuildZExt(g->b, v->len, g->t_i64, "");
    }
}

/* Appends the text of v (base type t) at p + pos as fg_rt_to_str makes it
 * (nothing for a missing value); the new pos. */
static LLVMValueRef put_text(cg *g, LLVMValueRef p, LLVMValueRef pos, const cg_val *v, fg_type t)
{
    LLVMBasicBlockRef skip = NULL, from = NULL, put = NULL;
    if (v->missing && fg_type_base(t) != FG_T_STR) {
        from = LLVMGetInsertBlock(g->b);
        put = block(g, "text.put");
        skip = block(g, "text.done");
        LLVMBuildCondBr(g->b, v->missing, skip, put);
        LLVMPositionBuilderAtEnd(g->b, put);
    }
    LLVMValueRef dst = at(g->b, g, p, pos, ""), n = NULL, np = pos;
    switch (fg_type_base(t)) {
    case FG_T_INT:
    case FG_T_NUM: {
        cg_rt *f = fg_type_base(t) == FG_T_INT ? &g->rt_fmt_int : &g->rt_fmt_num;
        LLVMValueRef args[] = {v->v, dst};
        n = LLVMBuildCall2(g->b, f->type, f->fn, args, 2, "digits");
        np = LLVMBuildAdd(g->b, pos, LLVMBuildZExt(g->b, n, g->t_i64, ""), "pos");
        break;
    }
    case FG_T_BOOL: { /* "true" or "false": 5 bytes copied, 4 or 5 kept */
        LLVMValueRef s = LLVMBuildSelect(g->b, v->v, g->true_str, g->false_str, "");
        LLVMBuildMemCpy(g->b, dst, 1, s, 1, c64(g, 5));
        np = LLVMBuildAdd(g->b, pos, LLVMBuildSelect(g->b, v->v, c64(g, 4), c64(g, 5), ""), "pos");
        break;
    }
    default: /* a string is its own text; concat copies its bytes as they are */
        np = put_bytes(g, p, pos, v->v, LLVMBuildZExt(g->b, v->len, g->t_i64, ""));
        break;
    }
    if (!skip)
        return np;
    LLVMBasicBlockRef put_end = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, skip);
    LLVMPositionBuilderAtEnd(g->b, skip);
    return phi2(g, g->t_i64, pos, from, np, put_end, "pos");
}

/* Writes the texts of the k values v (of types t) one after another in the
 * room; with sep, after a "; " that is not part of the result (see
 * rule_message). */
static void build_text(cg *g, fg_span sp, const cg_val *v, const fg_type *t, uint32_t k, bool sep,
                       cg_val *out)
{
    LLVMValueRef max = c64(g, sep ? 2 : 0);
    for (uint32_t i = 0; i < k; i++)
        max = LLVMBuildAdd(g->b, max, text_bound(g, &v[i], t[i]), "");
    LLVMValueRef p = str_reserve(g, max, sp), pos = c64(g, 0);
    if (sep)
        pos = put_bytes(g, p, pos, g->sep_str, c64(g, 2));
    for (uint32_t i = 0; i < k; i++)
        pos = put_text(g, p, pos, &v[i], t[i]);
    str_commit(g, p, pos, out);
    if (sep) {
        out->v = at(g->b, g, p, c64(g, 2), "");
        out->len = LLVMBuildSub(g->b, out->len, c32(g, 2), "");
    }
}

/* build_text of k parts: each a string, or a TO_STR whose operand is
 * formatted in place. */
static bool build_parts(cg *g, const fg_ir *n, const fg_ir *const *parts, uint32_t k, bool sep,
                        cg_val *out)
{
    cg_val *v = fg_arena_alloc(&g->ar, (size_t)(k + 1) * sizeof *v);
    fg_type *t = fg_arena_alloc(&g->ar, (size_t)(k + 1) * sizeof *t);
    if (!v || !t)
        return cg_fail(g, n, "out of memory");
    for (uint32_t i = 0; i < k; i++) {
        const fg_ir *a = parts[i]->op == FG_IR_TO_STR ? parts[i]->args[0] : parts[i];
        if (!cg_expr(g, a, &v[i]))
            return false;
        t[i] = a->type;
    }
    build_text(g, n->span, v, t, k, sep, out);
    return true;
}

/* CONCAT, or a lone TO_STR (a one-part concatenation). */
static bool cg_build_str(cg *g, const fg_ir *n, cg_val *out)
{
    bool lone = n->op == FG_IR_TO_STR;
    const fg_ir *const *parts = lone ? &n : (const fg_ir *const *)n->args;
    if (!build_parts(g, n, parts, lone ? 1 : n->nargs, false, out))
        return false;
    set_name(out->v, lone ? "text" : "concat");
    return true;
}

/* The message of the failed rule in slot s (`rule NAME failed` when it has
 * none: fg_jit_rt_rule_msg). When the policy calls failed(), it is built
 * in the room after a "; ": failed rules' messages built back to back then
 * already read as their join, which fg_jit_rt_join takes as it lies. */
static bool rule_message(cg *g, uint32_t s, cg_val *out)
{
    const fg_slot *slot = &g->prog->slots[s];
    const fg_ir *msg = slot->message;
    if (msg && !g->uses_failed)
        return cg_expr(g, msg, out);
    if (msg) {
        bool concat = msg->op == FG_IR_CONCAT;
        const fg_ir *const *parts = concat ? (const fg_ir *const *)msg->args : &msg;
        return build_parts(g, msg, parts, concat ? msg->nargs : 1, true, out);
    }
    LLVMValueRef tmp = cg_alloca(g, STR_SIZE, "default.message");
    LLVMValueRef args[] = {g->ctx, g->row, c32(g, s), tmp};
    check_kind(g, LLVMBuildCall2(g->b, g->rt_rule_msg.type, g->rt_rule_msg.fn, args, 4, ""));
    load_payload(g->b, g, tmp, FG_T_STR, STR_LEN, out, "message");
    if (g->uses_failed) {
        cg_val text = *out;
        fg_type t = FG_T_STR;
        build_text(g, slot->span, &text, &t, 1, true, out);
    }
    return true;
}

/* failed(): the messages of the rules computed before this slot that hold
 * a present false, in rule order, joined by "; " (fg_rt_failed). None or
 * one failed rule: that message (or ""), shared; several: gathered and
 * joined by fg_jit_rt_join, which takes them as they lie when they were
 * built back to back (rule_message). */
static bool cg_failed(cg *g, const fg_ir *n, cg_val *out)
{
    uint32_t nr = g->prog->nrules;
    LLVMValueRef *f = fg_arena_alloc(&g->ar, (size_t)(nr + 1) * sizeof *f);
    cg_val *m = fg_arena_alloc(&g->ar, (size_t)(nr + 1) * sizeof *m);
    if (!f || !m)
        return cg_fail(g, n, "out of memory");
    LLVMValueRef count = c64(g, 0), one = g->empty_str, one_len = c32(g, 0);
    uint32_t k = 0;
    for (uint32_t r = 0; r < nr; r++) {
        uint32_t s = g->prog->rule_slots[r];
        if (s >= g->cur_slot)
            continue;
        const cg_val *v = &g->slots[s];
        f[k] = LLVMBuildNot(g->b, v->v, "");
        if (v->missing)
            f[k] = LLVMBuildAnd(g->b, f[k], LLVMBuildNot(g->b, v->missing, ""), "");
        m[k] = g->rule_msgs[r];
        count = LLVMBuildAdd(g->b, count, LLVMBuildZExt(g->b, f[k], g->t_i64, ""), "");
        one = LLVMBuildSelect(g->b, f[k], m[k].v, one, "");
        one_len = LLVMBuildSelect(g->b, f[k], m[k].len, one_len, "");
        k++;
    }
    LLVMBasicBlockRef shared = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef several = block(g, "failed.several"), end = block(g, "failed.end");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntUGT, count, c64(g, 1), ""), several, end);

    LLVMPositionBuilderAtEnd(g->b, several);
    LLVMValueRef arr = cg_alloca(g, STR_SIZE * (k ? k : 1), "failed.messages");
    LLVMValueRef at_i = c64(g, 0);
    for (uint32_t i = 0; i < k; i++) { /* stored at the next place, kept when failed */
        LLVMValueRef dst = at(g->b, g, arr, LLVMBuildMul(g->b, at_i, c64(g, STR_SIZE), ""), "");
        store_at(g, m[i].v, dst, 0);
        store_at(g, m[i].len, dst, STR_LEN);
        at_i = LLVMBuildAdd(g->b, at_i, LLVMBuildZExt(g->b, f[i], g->t_i64, ""), "");
    }
    LLVMValueRef res = cg_alloca(g, STR_SIZE, "failed.joined");
    LLVMValueRef args[8] = {g->ctx, g->row, arr, LLVMBuildTrunc(g->b, count, g->t_i32, ""), res};
    span_args(g, n->span, args + 5);
    check_kind(g, LLVMBuildCall2(g->b, g->rt_join.type, g->rt_join.fn, args, 8, ""));
    cg_val joined;
    load_payload(g->b, g, res, FG_T_STR, STR_LEN, &joined, "joined");
    LLVMBasicBlockRef joined_end = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, end);

    LLVMPositionBuilderAtEnd(g->b, end);
    LLVMBasicBlockRef from[] = {shared, joined_end};
    cg_val vals[] = {{one, one_len, NULL}, joined};
    return join(g, FG_T_STR, 2, vals, from, out, "failed");
}

static bool cg_failed_ops(cg *g, const fg_ir *n, cg_val *out)
{
    if (!g->in_row)
        return cg_fail(g, n, "failed() outside a row");
    out->len = NULL;
    out->missing = NULL;
    if (n->op == FG_IR_FAILED)
        return cg_failed(g, n, out);
    /* failed_count(): rules in earlier slots that hold a present false */
    LLVMValueRef count = c64(g, 0);
    for (uint32_t r = 0; r < g->prog->nrules; r++) {
        uint32_t s = g->prog->rule_slots[r];
        if (s >= g->cur_slot)
            continue;
        const cg_val *v = &g->slots[s];
        LLVMValueRef f = LLVMBuildNot(g->b, v->v, "");
        if (v->missing)
            f = LLVMBuildAnd(g->b, f, LLVMBuildNot(g->b, v->missing, ""), "");
        count = LLVMBuildAdd(g->b, count, LLVMBuildZExt(g->b, f, g->t_i64, ""), "");
    }
    out->v = count;
    return true;
}

static bool cg_expr(cg *g, const fg_ir *n, cg_val *out)
{
    cg_val a, b, c;
    out->len = NULL;
    out->missing = NULL;
    switch ((fg_op)n->op) {
    case FG_IR_CONST_INT:
    case FG_IR_CONST_NUM:
    case FG_IR_CONST_BOOL:
    case FG_IR_CONST_STR: {
        fg_value v;
        fg_ir_const_value(n, &v);
        const_value(g, n->type, v, out);
        return true;
    }
    case FG_IR_INPUT:
        return cg_input(g, n, n->imm.index, out);
    case FG_IR_SLOT:
        if (!g->in_row || n->imm.index >= g->cur_slot)
            return cg_fail(g, n, "slot read before it is computed");
        *out = g->slots[n->imm.index];
        return true;
    case FG_IR_PARAM:
        if (!g->params)
            return cg_fail(g, n, "parameter outside a fn or table");
        *out = g->params[n->imm.index];
        return true;

    case FG_IR_TO_NUM:
        if (!cg_expr(g, n->args[0], &a))
            return false;
        out->v = LLVMBuildSIToFP(g->b, a.v, g->t_dbl, "num");
        if (a.missing) /* a missing int gives a missing 0 */
            out->v = LLVMBuildSelect(g->b, a.missing, LLVMConstReal(g->t_dbl, 0), out->v, "");
        out->missing = a.missing;
        return true;
    case FG_IR_NEG_INT: {
        if (!cg_expr(g, n->args[0], &a))
            return false;
        unsigned id = LLVMLookupIntrinsicID("llvm.ssub.with.overflow", 23);
        LLVMValueRef f = LLVMGetIntrinsicDeclaration(g->m, id, &g->t_i64, 1);
        LLVMTypeRef ft = LLVMIntrinsicGetType(g->c, id, &g->t_i64, 1);
        LLVMValueRef args[] = {c64(g, 0), a.v};
        LLVMValueRef r = LLVMBuildCall2(g->b, ft, f, args, 2, "");
        raise_if(g, LLVMBuildExtractValue(g->b, r, 1, ""), FG_RE_INT_OVERFLOW, n->span);
        out->v = LLVMBuildExtractValue(g->b, r, 0, "neg");
        return true;
    }
    case FG_IR_NEG_NUM:
        if (!cg_expr(g, n->args[0], &a))
            return false;
        out->v = LLVMBuildFNeg(g->b, a.v, "neg");
        return true;
    case FG_IR_ADD_INT:
    case FG_IR_SUB_INT:
    case FG_IR_MUL_INT:
    case FG_IR_ADD_NUM:
    case FG_IR_SUB_NUM:
    case FG_IR_MUL_NUM:
    case FG_IR_DIV_NUM:
        return cg_arith(g, n, out);
    case FG_IR_CMP_INT:
    case FG_IR_CMP_NUM:
    case FG_IR_CMP_STR:
    case FG_IR_CMP_BOOL:
        if (n->sub > FG_CMP_GE)
            return cg_fail(g, n, "bad comparison");
        if (!cg_expr(g, n->args[0], &a) || !cg_expr(g, n->args[1], &b))
            return false;
        out->v = compare(g,
                         n->op == FG_IR_CMP_INT   ? FG_T_INT
                         : n->op == FG_IR_CMP_NUM ? FG_T_NUM
                         : n->op == FG_IR_CMP_STR ? FG_T_STR
                                                  : FG_T_BOOL,
                         (fg_cmp)n->sub, &a, &b);
        return true;
    case FG_IR_NOT:
        if (!cg_expr(g, n->args[0], &a))
            return false;
        out->v = LLVMBuildNot(g->b, a.v, "not");
        return true;
    case FG_IR_AND:
    case FG_IR_OR:
        return cg_logic(g, n, n->op == FG_IR_AND, out);
    case FG_IR_IF:
    case FG_IR_DECIDE:
        return cg_arms(g, n, out);
    case FG_IR_COALESCE:
        return cg_coalesce(g, n, out);
    case FG_IR_IS_MISSING:
    case FG_IR_IS_PRESENT:
        if (!cg_expr(g, n->args[0], &a))
            return false;
        out->v = missing_or_false(g, &a);
        if (n->op == FG_IR_IS_PRESENT)
            out->v = LLVMBuildNot(g->b, out->v, "present");
        return true;
    case FG_IR_IN:
        return cg_in(g, n, out);
    case FG_IR_BETWEEN: {
        if (!cg_expr(g, n->args[0], &a) || !cg_expr(g, n->args[1], &b) ||
            !cg_expr(g, n->args[2], &c))
            return false;
        fg_type t = n->args[0]->type;
        LLVMValueRef lo = compare(g, t, FG_CMP_LE, &b, &a);
        LLVMValueRef hi = compare(g, t, FG_CMP_LE, &a, &c);
        out->v = LLVMBuildAnd(g->b, lo, hi, "between");
        return true;
    }
    case FG_IR_CALL:
        return cg_call(g, n, out);
    case FG_IR_CALL_FN: {
        if (n->imm.index >= g->prog->nfns)
            return cg_fail(g, n, "unknown fn");
        const fg_fn *fn = &g->prog->fns[n->imm.index];
        return call_internal(g, n, g->fn_types[n->imm.index], g->fns[n->imm.index], 0, NULL,
                             fn->param_types, fn->nparams, fn->result, out);
    }
    case FG_IR_CALL_TABLE: {
        if (n->imm.index >= g->prog->ntables)
            return cg_fail(g, n, "unknown table");
        const fg_table *t = &g->prog->tables[n->imm.index];
        LLVMValueRef sp[3];
        span_args(g, n->span, sp);
        return call_internal(g, n, g->table_types[n->imm.index], g->tables[n->imm.index], 3, sp,
                             t->param_types, t->nparams, t->result, out);
    }
    case FG_IR_TO_STR:
    case FG_IR_CONCAT:
        return cg_build_str(g, n, out);
    case FG_IR_FAILED:
    case FG_IR_FAILED_COUNT:
        return cg_failed_ops(g, n, out);
    case FG_IR_OP_COUNT:
        break;
    }
    return cg_fail(g, n, "unknown op");
}

/* ---- fns and tables: internal functions ---- */

/* {ok, value, len, missing}: what an internal function returns. */
static LLVMTypeRef ret_type(cg *g, fg_type t)
{
    LLVMTypeRef f[4] = {g->t_i1, val_type(g, t), g->t_i32, g->t_i1};
    return LLVMStructTypeInContext(g->c, f, 4, 0);
}

/* (ctx, row, extra i32s..., per parameter: value, [len], missing) -> ret_type */
static LLVMTypeRef internal_type(cg *g, uint32_t nextra, uint32_t nparams, const fg_type *pt,
                                 fg_type result)
{
    LLVMTypeRef *p = fg_arena_alloc(&g->ar, (size_t)(2 + nextra + 3 * nparams) * sizeof *p);
    if (!p)
        return NULL;
    uint32_t k = 0;
    p[k++] = g->t_ptr;
    p[k++] = g->t_i32;
    for (uint32_t i = 0; i < nextra; i++)
        p[k++] = g->t_i32;
    for (uint32_t i = 0; i < nparams; i++) {
        p[k++] = val_type(g, pt[i]);
        if (fg_type_base(pt[i]) == FG_T_STR)
            p[k++] = g->t_i32;
        p[k++] = g->t_i1;
    }
    return LLVMFunctionType(ret_type(g, result), p, k, 0);
}

/* Starts an internal function: entry block, fail block, named parameters. */
static cg_val *begin_internal(cg *g, LLVMValueRef f, uint32_t nextra, uint32_t nparams,
                              const char *const *names, const fg_type *pt, fg_type result)
{
    g->fn = f;
    g->in_row = false;
    g->ctx = LLVMGetParam(f, 0);
    g->row = LLVMGetParam(f, 1);
    LLVMSetValueName2(g->ctx, "ctx", 3);
    LLVMSetValueName2(g->row, "row", 3);
    LLVMBasicBlockRef entry = block(g, "entry"), body = block(g, "body");
    g->fail = block(g, "fail");
    LLVMPositionBuilderAtEnd(g->b, g->fail);
    LLVMBuildRet(g->b, LLVMConstNull(ret_type(g, result)));
    LLVMPositionBuilderAtEnd(g->b, entry);
    g->entry_term = LLVMBuildBr(g->b, body);
    LLVMPositionBuilderAtEnd(g->b, body);
    cg_val *params = fg_arena_zalloc(&g->ar, (size_t)(nparams + 1) * sizeof *params);
    if (!params)
        return NULL;
    uint32_t k = 2 + nextra;
    for (uint32_t i = 0; i < nparams; i++) {
        params[i].v = LLVMGetParam(f, k++);
        LLVMSetValueName2(params[i].v, names[i], strlen(names[i]));
        if (fg_type_base(pt[i]) == FG_T_STR)
            params[i].len = LLVMGetParam(f, k++);
        LLVMValueRef m = LLVMGetParam(f, k++);
        if (fg_type_is_opt(pt[i]))
            params[i].missing = m;
    }
    g->params = params;
    return params;
}

static void ret_value(cg *g, fg_type result, const cg_val *v)
{
    LLVMValueRef r = LLVMGetUndef(ret_type(g, result));
    r = LLVMBuildInsertValue(g->b, r, cbool(g, true), 0, "");
    r = LLVMBuildInsertValue(g->b, r, v->v, 1, "");
    r = LLVMBuildInsertValue(g->b, r, v->len ? v->len : c32(g, 0), 2, "");
    r = LLVMBuildInsertValue(g->b, r, missing_or_false(g, v), 3, "");
    LLVMBuildRet(g->b, r);
}

static bool gen_fn(cg *g, uint32_t i)
{
    const fg_fn *fn = &g->prog->fns[i];
    if (!begin_internal(g, g->fns[i], 0, fn->nparams, fn->param_names, fn->param_types, fn->result))
        return cg_fail(g, NULL, "out of memory");
    cg_val v;
    if (!cg_expr(g, fn->body, &v))
        return false;
    ret_value(g, fn->result, &v);
    return true;
}

/* One cell test on a present argument (rt.c cell_matches). */
static LLVMValueRef cell_test(cg *g, const fg_ir_cell *cell, fg_type arg_type, const cg_val *arg)
{
    cg_val x = *arg;
    fg_type t = cell->cmp_type;
    if (fg_type_base(t) == FG_T_NUM && fg_type_base(arg_type) == FG_T_INT)
        x.v = LLVMBuildSIToFP(g->b, x.v, g->t_dbl, "");
    cg_val v[2];
    const_value(g, t, cell->vals[0], &v[0]);
    if (cell->nvals > 1)
        const_value(g, t, cell->vals[1], &v[1]);
        /* ordering `x OP v` as rt.c's cell_order computes it */
#define ORD(op, val)                                                                               \
    (fg_type_base(t) == FG_T_NUM ? LLVMBuildFCmp(g->b, ord_pred[op], x.v, (val)->v, "")            \
                                 : compare(g, t, op, &x, (val)))
    switch (cell->kind) {
    case FG_IRCELL_EQ:
        return ORD(FG_CMP_EQ, &v[0]);
    case FG_IRCELL_LT:
        return ORD(FG_CMP_LT, &v[0]);
    case FG_IRCELL_LE:
        return ORD(FG_CMP_LE, &v[0]);
    case FG_IRCELL_GT:
        return ORD(FG_CMP_GT, &v[0]);
    case FG_IRCELL_GE:
        return ORD(FG_CMP_GE, &v[0]);
    case FG_IRCELL_RANGE:
        return LLVMBuildAnd(g->b, ORD(FG_CMP_GE, &v[0]), ORD(FG_CMP_LE, &v[1]), "");
    case FG_IRCELL_IN: {
        LLVMValueRef any = cbool(g, false);
        for (uint32_t k = 0; k < cell->nvals; k++) {
            cg_val e;
            const_value(g, t, cell->vals[k], &e);
            any = LLVMBuildOr(g->b, any, ORD(FG_CMP_EQ, &e), "");
        }
        return any;
    }
    case FG_IRCELL_ANY:
        break;
    }
#undef ORD
    return cbool(g, true);
}

/* A table: its rows' cells in order; the first matching row's result. */
static bool gen_table(cg *g, uint32_t ti)
{
    const fg_table *t = &g->prog->tables[ti];
    cg_val *params =
        begin_internal(g, g->tables[ti], 3, t->nparams, t->param_names, t->param_types, t->result);
    if (!params)
        return cg_fail(g, NULL, "out of memory");
    cg_val *vals = fg_arena_alloc(&g->ar, (size_t)(t->nrows + 1) * sizeof *vals);
    LLVMBasicBlockRef *from = fg_arena_alloc(&g->ar, (size_t)(t->nrows + 1) * sizeof *from);
    if (!vals || !from)
        return cg_fail(g, NULL, "out of memory");
    LLVMBasicBlockRef end = block(g, "found");
    uint32_t k = 0;
    for (uint32_t r = 0; r < t->nrows; r++) {
        const fg_ir_table_row *row = &t->rows[r];
        char name[32];
        snprintf(name, sizeof name, "row%u.no", r + 1);
        LLVMBasicBlockRef next = block(g, name);
        for (uint32_t p = 0; p < t->nparams; p++) {
            const fg_ir_cell *cell = &row->cells[p];
            if (cell->kind == FG_IRCELL_ANY)
                continue;
            if (params[p].missing) { /* a missing argument matches only `_` */
                LLVMBasicBlockRef present = block(g, "present");
                LLVMBuildCondBr(g->b, params[p].missing, next, present);
                LLVMPositionBuilderAtEnd(g->b, present);
            }
            LLVMBasicBlockRef ok = block(g, "cell.ok");
            LLVMBuildCondBr(g->b, cell_test(g, cell, t->param_types[p], &params[p]), ok, next);
            LLVMPositionBuilderAtEnd(g->b, ok);
        }
        if (!cg_expr(g, row->result, &vals[k]))
            return false;
        from[k++] = LLVMGetInsertBlock(g->b);
        LLVMBuildBr(g->b, end);
        LLVMPositionBuilderAtEnd(g->b, next);
    }
    /* no row matches: the detail names the table and the arguments */
    LLVMValueRef arr = value_array(g, NULL, params, t->nparams, t->param_types);
    LLVMValueRef args[7] = {g->ctx,
                            g->row,
                            c32(g, ti),
                            arr,
                            LLVMGetParam(g->fn, 2),
                            LLVMGetParam(g->fn, 3),
                            LLVMGetParam(g->fn, 4)};
    LLVMBuildCall2(g->b, g->rt_table_miss.type, g->rt_table_miss.fn, args, 7, "");
    LLVMBuildBr(g->b, g->fail);
    LLVMPositionBuilderAtEnd(g->b, end);
    if (k == 0) { /* no rows at all: `found` is unreachable */
        LLVMBuildUnreachable(g->b);
        return true;
    }
    cg_val v;
    if (!join(g, t->result, k, vals, from, &v, "result"))
        return false;
    ret_value(g, t->result, &v);
    return true;
}

/* ---- the batch function ---- */

static const char *slot_prefix(fg_slot_kind k)
{
    switch (k) {
    case FG_SLOT_LET:
        return "";
    case FG_SLOT_RULE:
        return "rule.";
    case FG_SLOT_DECIDE:
        return "decide.";
    case FG_SLOT_OUTPUT:
        return "output.";
    case FG_SLOT_REPORT:
        return "report.";
    }
    return "";
}

/* Computes slot s for the current row, stores it and, for a failed rule, its message. */
static bool gen_slot(cg *g, uint32_t s, LLVMValueRef vals, LLVMValueRef msgs, LLVMValueRef cap)
{
    const fg_slot *slot = &g->prog->slots[s];
    g->cur_slot = s;
    cg_val v;
    if (!cg_expr(g, slot->expr, &v))
        return false;
    char name[160];
    snprintf(name, sizeof name, "%s%s", slot_prefix(slot->kind), slot->name ? slot->name : "");
    set_name(v.v, name);
    g->slots[s] = v;
    LLVMValueRef idx = LLVMBuildAdd(g->b, LLVMBuildMul(g->b, c64(g, s), cap, ""), g->row64, "");
    LLVMValueRef dst = at(g->b, g, vals, LLVMBuildMul(g->b, idx, c64(g, VAL_SIZE), ""), "");
    if (!g->read_after[s]) /* a let, rule or decide nobody reads in an outputs-only run */
        dst = LLVMBuildSelect(g->b, g->all_slots, dst, g->sink, "");
    store_value(g, dst, &v, slot->type);
    if (slot->kind != FG_SLOT_RULE)
        return true;
    idx = LLVMBuildAdd(g->b, LLVMBuildMul(g->b, c64(g, slot->rule_index), cap, ""), g->row64, "");
    LLVMValueRef msg = at(g->b, g, msgs, LLVMBuildMul(g->b, idx, c64(g, STR_SIZE), ""), "");
    LLVMValueRef failed = LLVMBuildNot(g->b, v.v, "");
    if (v.missing)
        failed = LLVMBuildAnd(g->b, failed, LLVMBuildNot(g->b, v.missing, ""), "");
    LLVMBasicBlockRef held = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef fmsg = block(g, "rule.message"), next = block(g, "rule.done");
    LLVMBuildCondBr(g->b, failed, fmsg, next);
    LLVMPositionBuilderAtEnd(g->b, fmsg);
    cg_val m;
    if (!rule_message(g, s, &m))
        return false;
    LLVMBasicBlockRef made = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, next);
    LLVMPositionBuilderAtEnd(g->b, next);
    /* the message ("" when the rule did not fail) stays in registers for
     * failed(); the results get it unless the run reads only outputs */
    LLVMBasicBlockRef from[] = {held, made};
    cg_val texts[] = {{g->empty_str, c32(g, 0), NULL}, m};
    texts[1].missing = NULL;
    cg_val *rm = &g->rule_msgs[slot->rule_index];
    if (!join(g, FG_T_STR, 2, texts, from, rm, "message"))
        return false;
    msg = LLVMBuildSelect(g->b, g->all_slots, msg, g->sink, "");
    store_at(g, rm->v, msg, 0);
    store_at(g, rm->len, msg, STR_LEN);
    return true;
}

static LLVMValueRef ctx_field(cg *g, LLVMTypeRef t, size_t off, const char *name)
{
    return load_at(g->b, g, t, g->ctx, off, name);
}

/* Whether n calls failed(). */
static bool calls_failed(const fg_ir *n)
{
    if (n->op == FG_IR_FAILED)
        return true;
    for (uint32_t i = 0; i < n->nargs; i++)
        if (calls_failed(n->args[i]))
            return true;
    return false;
}

static bool gen_batch_fn(cg *g)
{
    const fg_program *p = g->prog;
    LLVMTypeRef pt = g->t_ptr;
    LLVMValueRef f =
        LLVMAddFunction(g->m, FG_JIT_ENTRY_NAME, LLVMFunctionType(g->t_void, &pt, 1, 0));
    g->fn = f;
    g->ctx = LLVMGetParam(f, 0);
    LLVMSetValueName2(g->ctx, "ctx", 3);
    for (uint32_t s = 0; s < p->nslots; s++) {
        g->uses_failed |= calls_failed(p->slots[s].expr);
        g->read_after[s] = p->slots[s].kind == FG_SLOT_REPORT;
    }
    for (uint32_t o = 0; o < p->noutputs; o++)
        if (p->outputs[o].src == FG_OUT_SLOT && p->outputs[o].index < p->nslots)
            g->read_after[p->outputs[o].index] = true;
    g->params = NULL;

    LLVMBasicBlockRef entry = block(g, "entry"), loop = block(g, "loop"), check = block(g, "row");
    LLVMBasicBlockRef inputs = block(g, "row.inputs"), body = block(g, "row.slots");
    LLVMBasicBlockRef next = block(g, "row.next"), done = block(g, "done");
    g->fail = block(g, "row.error");

    LLVMPositionBuilderAtEnd(g->b, entry);
    LLVMValueRef nrows = ctx_field(g, g->t_i32, offsetof(fg_jit_ctx, nrows), "nrows");
    LLVMValueRef cap32 = ctx_field(g, g->t_i32, offsetof(fg_jit_ctx, cap), "cap");
    LLVMValueRef cap = LLVMBuildZExt(g->b, cap32, g->t_i64, "cap64");
    LLVMValueRef reports =
        ctx_field(g, g->t_i32, offsetof(fg_jit_ctx, with_reports), "with_reports");
    g->cols = ctx_field(g, g->t_ptr, offsetof(fg_jit_ctx, col_vals), "cols");
    g->misses = ctx_field(g, g->t_ptr, offsetof(fg_jit_ctx, col_missing), "missing");
    LLVMValueRef vals = ctx_field(g, g->t_ptr, offsetof(fg_jit_ctx, vals), "vals");
    LLVMValueRef msgs = ctx_field(g, g->t_ptr, offsetof(fg_jit_ctx, rule_msgs), "rule_msgs");
    LLVMValueRef lean = ctx_field(g, g->t_i32, offsetof(fg_jit_ctx, outputs_only), "outputs_only");
    g->all_slots = LLVMBuildICmp(g->b, LLVMIntEQ, lean, c32(g, 0), "all_slots");
    LLVMValueRef errs = ctx_field(g, g->t_ptr, offsetof(fg_jit_ctx, err), "errs");
    g->entry_term = LLVMBuildBr(g->b, loop);
    g->sink = cg_alloca(g, VAL_SIZE > STR_SIZE ? VAL_SIZE : STR_SIZE, "unread");

    /* loop: for (row = 0; row < nrows; row++) */
    LLVMPositionBuilderAtEnd(g->b, loop);
    g->row = LLVMBuildPhi(g->b, g->t_i32, "row");
    LLVMValueRef zero = c32(g, 0);
    LLVMAddIncoming(g->row, &zero, &entry, 1);
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, g->row, nrows, ""), check, done);

    /* rows already in error (data errors) are skipped */
    LLVMPositionBuilderAtEnd(g->b, check);
    g->row64 = LLVMBuildZExt(g->b, g->row, g->t_i64, "row64");
    LLVMValueRef eoff = LLVMBuildMul(g->b, g->row64, c64(g, sizeof(fg_rowerr)), "");
    LLVMValueRef ekind = LLVMBuildLoad2(g->b, g->t_i32, at(g->b, g, errs, eoff, ""), "errkind");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, ekind, zero, ""), inputs, next);

    LLVMPositionBuilderAtEnd(g->b, inputs);
    g->inputs_term = LLVMBuildBr(g->b, body);
    LLVMPositionBuilderAtEnd(g->b, body);
    g->in_row = true;
    uint32_t first_report = p->first_report_slot < p->nslots ? p->first_report_slot : p->nslots;
    for (uint32_t s = 0; s < first_report; s++)
        if (!gen_slot(g, s, vals, msgs, cap))
            return false;
    if (first_report < p->nslots) {
        LLVMBasicBlockRef with = block(g, "reports"), without = block(g, "no.reports");
        LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, reports, zero, ""), with, without);
        LLVMPositionBuilderAtEnd(g->b, without);
        for (uint32_t s = first_report; s < p->nslots; s++) {
            LLVMValueRef idx =
                LLVMBuildAdd(g->b, LLVMBuildMul(g->b, c64(g, s), cap, ""), g->row64, "");
            LLVMValueRef dst = at(g->b, g, vals, LLVMBuildMul(g->b, idx, c64(g, VAL_SIZE), ""), "");
            LLVMBuildMemSet(g->b, dst, LLVMConstInt(g->t_i8, 0, 0), c64(g, VAL_SIZE), 8);
            store_at(g, LLVMConstInt(g->t_i8, 1, 0), dst, VAL_MISSING);
        }
        LLVMBuildBr(g->b, next);
        LLVMPositionBuilderAtEnd(g->b, with);
        for (uint32_t s = first_report; s < p->nslots; s++)
            if (!gen_slot(g, s, vals, msgs, cap))
                return false;
    }
    LLVMBuildBr(g->b, next);

    LLVMPositionBuilderAtEnd(g->b, g->fail);
    LLVMBuildBr(g->b, next);

    LLVMPositionBuilderAtEnd(g->b, next);
    LLVMValueRef rnext = LLVMBuildAdd(g->b, g->row, c32(g, 1), "row.next");
    LLVMAddIncoming(g->row, &rnext, &next, 1);
    LLVMBuildBr(g->b, loop);

    LLVMPositionBuilderAtEnd(g->b, done);
    LLVMBuildRetVoid(g->b);
    return true;
}

/* ---- module ---- */

static cg_rt declare_rt(cg *g, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, unsigned n)
{
    cg_rt r;
    r.type = LLVMFunctionType(ret, params, n, 0);
    r.fn = LLVMAddFunction(g->m, name, r.type);
    return r;
}

static void declare_runtime(cg *g)
{
    LLVMTypeRef P = g->t_ptr, I = g->t_i32;
    LLVMTypeRef rowerr[] = {P, I, I, I, I, I};
    g->rt_rowerr = declare_rt(g, "fg_jit_rt_rowerr", g->t_void, rowerr, 6);
    LLVMTypeRef call[] = {P, I, I, P, I, P, I, I, I};
    g->rt_call = declare_rt(g, "fg_jit_rt_call", I, call, 9);
    LLVMTypeRef memcmp_params[] = {P, P, g->t_i64};
    g->rt_memcmp = declare_rt(g, "memcmp", I, memcmp_params, 3);
    LLVMTypeRef cmp[] = {P, I, P, I};
    g->rt_cmp_str = declare_rt(g, "fg_jit_rt_cmp_str", I, cmp, 4);
    LLVMTypeRef miss[] = {P, I, I, P, I, I, I};
    g->rt_table_miss = declare_rt(g, "fg_jit_rt_table_miss", I, miss, 7);
    LLVMTypeRef rule[] = {P, I, I, P};
    g->rt_rule_msg = declare_rt(g, "fg_jit_rt_rule_msg", I, rule, 4);
    LLVMTypeRef room[] = {P, I, g->t_i64, I, I, I};
    g->rt_str_room = declare_rt(g, "fg_jit_rt_str_room", P, room, 6);
    LLVMTypeRef join[] = {P, I, P, I, P, I, I, I};
    g->rt_join = declare_rt(g, "fg_jit_rt_join", I, join, 8);
    LLVMTypeRef fmt_num[] = {g->t_dbl, P}, fmt_int[] = {g->t_i64, P};
    g->rt_fmt_num = declare_rt(g, "fg_jit_rt_fmt_num", I, fmt_num, 2);
    g->rt_fmt_int = declare_rt(g, "fg_jit_rt_fmt_int", I, fmt_int, 2);
    /* cmp_str only reads memory: lets LLVM drop or merge repeated comparisons */
    LLVMAttributeRef ro =
        LLVMCreateEnumAttribute(g->c, LLVMGetEnumAttributeKindForName("nounwind", 8), 0);
    LLVMAddAttributeAtIndex(g->rt_cmp_str.fn, LLVMAttributeFunctionIndex, ro);
}

bool fg_jit_codegen(const fg_program *prog, LLVMModuleRef m, fg_strbuf *err)
{
    cg g;
    memset(&g, 0, sizeof g);
    g.prog = prog;
    g.err = err;
    g.m = m;
    g.c = LLVMGetModuleContext(m);
    fg_arena_init(&g.ar, err->alloc);
    g.b = LLVMCreateBuilderInContext(g.c);
    g.hb = LLVMCreateBuilderInContext(g.c);
    g.t_void = LLVMVoidTypeInContext(g.c);
    g.t_i1 = LLVMInt1TypeInContext(g.c);
    g.t_i8 = LLVMInt8TypeInContext(g.c);
    g.t_i32 = LLVMInt32TypeInContext(g.c);
    g.t_i64 = LLVMInt64TypeInContext(g.c);
    g.t_dbl = LLVMDoubleTypeInContext(g.c);
    g.t_ptr = LLVMPointerTypeInContext(g.c, 0);
    bool ok = false;

    declare_runtime(&g);
    g.empty_str = named_const(&g, "", 1, "str.empty");
    g.true_str = named_const(&g, "true", 5, "str.true"); /* with its NUL: 5 bytes, like false */
    g.false_str = named_const(&g, "false", 5, "str.false");
    g.sep_str = named_const(&g, "; ", 2, "str.sep");

    size_t nf = prog->nfns + 1, nt = prog->ntables + 1, ni = prog->ninputs + 1;
    g.fns = fg_arena_zalloc(&g.ar, nf * sizeof *g.fns);
    g.fn_types = fg_arena_zalloc(&g.ar, nf * sizeof *g.fn_types);
    g.tables = fg_arena_zalloc(&g.ar, nt * sizeof *g.tables);
    g.table_types = fg_arena_zalloc(&g.ar, nt * sizeof *g.table_types);
    g.col_base = fg_arena_zalloc(&g.ar, ni * sizeof *g.col_base);
    g.miss_base = fg_arena_zalloc(&g.ar, ni * sizeof *g.miss_base);
    g.inputs = fg_arena_zalloc(&g.ar, ni * sizeof *g.inputs);
    g.input_done = fg_arena_zalloc(&g.ar, ni * sizeof *g.input_done);
    g.slots = fg_arena_zalloc(&g.ar, ((size_t)prog->nslots + 1) * sizeof *g.slots);
    g.read_after = fg_arena_zalloc(&g.ar, ((size_t)prog->nslots + 1) * sizeof *g.read_after);
    g.rule_msgs = fg_arena_zalloc(&g.ar, ((size_t)prog->nrules + 1) * sizeof *g.rule_msgs);
    if (!g.fns || !g.fn_types || !g.tables || !g.table_types || !g.col_base || !g.miss_base ||
        !g.inputs || !g.input_done || !g.slots || !g.read_after || !g.rule_msgs) {
        cg_fail(&g, NULL, "out of memory");
        goto done;
    }
    /* declare every fn and table first: bodies call each other in any order */
    char name[160];
    for (uint32_t i = 0; i < prog->nfns; i++) {
        const fg_fn *fn = &prog->fns[i];
        g.fn_types[i] = internal_type(&g, 0, fn->nparams, fn->param_types, fn->result);
        snprintf(name, sizeof name, "fn.%s", fn->name);
        if (!g.fn_types[i])
            goto oom;
        g.fns[i] = LLVMAddFunction(m, name, g.fn_types[i]);
        LLVMSetLinkage(g.fns[i], LLVMInternalLinkage);
    }
    for (uint32_t i = 0; i < prog->ntables; i++) {
        const fg_table *t = &prog->tables[i];
        g.table_types[i] = internal_type(&g, 3, t->nparams, t->param_types, t->result);
        snprintf(name, sizeof name, "table.%s", t->name);
        if (!g.table_types[i])
            goto oom;
        g.tables[i] = LLVMAddFunction(m, name, g.table_types[i]);
        LLVMSetLinkage(g.tables[i], LLVMInternalLinkage);
    }
    for (uint32_t i = 0; i < prog->nfns; i++)
        if (!gen_fn(&g, i))
            goto done;
    for (uint32_t i = 0; i < prog->ntables; i++)
        if (!gen_table(&g, i))
            goto done;
    ok = gen_batch_fn(&g);
    goto done;
oom:
    cg_fail(&g, NULL, "out of memory");
done:
    LLVMDisposeBuilder(g.b);
    LLVMDisposeBuilder(g.hb);
    fg_arena_free(&g.ar);
    return ok;
}
