/* interp.c — the tree-walking interpreter: evaluates every slot of the
 * program for each row of a batch, in slot order, by a recursive walk of
 * the typed IR. The operations themselves are the helpers of rt.h and the
 * built-ins of stdlib/builtins.c, which the JIT calls too; this file only
 * decides what is evaluated when (short-circuits, one `if` branch, the first
 * true `decide` arm, the first matching table row) and where a row error
 * points. Arguments of calls live on an explicit value stack, and a fn or
 * table body reads its parameters from the frame at the top of it.
 * One semantics, two evaluators: fg_interp_batch hands batches without a
 * tracer to the vectorized interpreter (runtime/vinterp.c), which is checked
 * against this one by tests and the differential tester; traces (explain,
 * coverage), fg_interp_row, fg_interp_expr and opts->row_interp use this. */
#include <string.h>

#include "../stdlib/builtins.h"
#include "engine.h"
#include "rt.h"
#include "trace.h"

typedef struct fg_vm {
    const fg_program *prog;
    const fg_batch *batch;
    fg_results *res;
    uint32_t row;
    uint32_t cur_slot; /* slots below it are computed for this row (FAILED) */
    fg_value *stack;   /* call arguments; grows on the allocator */
    uint32_t sp, cap;
    uint32_t frame;      /* stack index of the current fn/table's parameter 0 */
    fg_rowerr err;       /* set where a row error is raised */
    const fg_tracer *tr; /* explain/coverage hooks; NULL in normal runs */
} fg_vm;

/* Calls tracer hook NAME when a tracer with that hook is attached. */
#define VM_HOOK(NAME, ...)                                                                         \
    do {                                                                                           \
        if (vm->tr && vm->tr->NAME)                                                                \
            vm->tr->NAME(vm->tr->ud, __VA_ARGS__);                                                 \
    } while (0)

static fg_rowerr_kind vm_eval(fg_vm *vm, const fg_ir *n, fg_value *out);

/* Records a row error raised at node n; callers just propagate the kind. */
static fg_rowerr_kind vm_fail(fg_vm *vm, const fg_ir *n, fg_rowerr_kind kind)
{
    vm->err.kind = kind;
    vm->err.column = -1;
    vm->err.span = n->span;
    vm->err.detail.ptr = "";
    vm->err.detail.len = 0;
    return kind;
}

#define TRY(e)                                                                                     \
    do {                                                                                           \
        fg_rowerr_kind k_ = (e);                                                                   \
        if (k_ != FG_RE_NONE)                                                                      \
            return k_;                                                                             \
    } while (0)

/* Raises k at n unless it is FG_RE_NONE. */
#define CHECK(n, e)                                                                                \
    do {                                                                                           \
        fg_rowerr_kind k_ = (e);                                                                   \
        if (k_ != FG_RE_NONE)                                                                      \
            return vm_fail(vm, (n), k_);                                                           \
    } while (0)

/* Evaluates n's arguments onto the stack; *base is where the first one is. */
static fg_rowerr_kind vm_push_args(fg_vm *vm, const fg_ir *n, uint32_t *base)
{
    if (vm->sp + n->nargs > vm->cap) {
        uint32_t cap = vm->cap ? vm->cap : 64;
        while (cap < vm->sp + n->nargs)
            cap *= 2;
        fg_value *s = fg_realloc(vm->res->alloc, vm->stack, (size_t)cap * sizeof(fg_value));
        if (!s)
            return vm_fail(vm, n, FG_RE_OOM);
        vm->stack = s;
        vm->cap = cap;
    }
    *base = vm->sp;
    vm->sp += n->nargs;
    for (uint32_t i = 0; i < n->nargs; i++) {
        fg_value v;
        fg_rowerr_kind k = vm_eval(vm, n->args[i], &v);
        if (k != FG_RE_NONE) {
            vm->sp = *base;
            return k;
        }
        vm->stack[*base + i] = v; /* the stack may have moved while evaluating */
    }
    return FG_RE_NONE;
}

/* Ordering of two present values of base type t (BETWEEN). */
static bool vm_le(fg_type t, fg_value a, fg_value b)
{
    switch (fg_type_base(t)) {
    case FG_T_INT:
        return a.i <= b.i;
    case FG_T_NUM:
        return a.n <= b.n;
    case FG_T_BOOL:
        return a.b <= b.b;
    default:
        return fg_rt_cmp_str(a.s, b.s) <= 0;
    }
}

static fg_rowerr_kind vm_call_table(fg_vm *vm, const fg_ir *n, fg_value *out)
{
    const fg_table *t = &vm->prog->tables[n->imm.index];
    uint32_t base;
    TRY(vm_push_args(vm, n, &base));
    int32_t r = fg_rt_table_lookup(t, vm->stack + base);
    VM_HOOK(table, n, t, vm->stack + base, r);
    if (r < 0) {
        fg_str detail;
        fg_rowerr_kind k = fg_rt_table_nomatch(&vm->res->scratch, t, vm->stack + base, &detail);
        vm->sp = base;
        vm_fail(vm, n, k);
        vm->err.detail = detail;
        return k;
    }
    uint32_t saved = vm->frame;
    vm->frame = base;
    fg_rowerr_kind k = vm_eval(vm, t->rows[r].result, out);
    vm->frame = saved;
    vm->sp = base;
    return k;
}

static fg_rowerr_kind vm_eval_node(fg_vm *vm, const fg_ir *n, fg_value *out);

/* Evaluates n; with a tracer, reports the value of every node evaluated. */
static fg_rowerr_kind vm_eval(fg_vm *vm, const fg_ir *n, fg_value *out)
{
    fg_rowerr_kind k = vm_eval_node(vm, n, out);
    if (vm->tr && k == FG_RE_NONE)
        VM_HOOK(node, n, *out);
    return k;
}

static fg_rowerr_kind vm_eval_node(fg_vm *vm, const fg_ir *n, fg_value *out)
{
    fg_value a, b, c;
    uint32_t base;
    fg_rowerr_kind k;
    out->missing = false;
    switch ((fg_op)n->op) {
    case FG_IR_CONST_INT:
    case FG_IR_CONST_NUM:
    case FG_IR_CONST_BOOL:
    case FG_IR_CONST_STR:
        fg_ir_const_value(n, out);
        return FG_RE_NONE;
    case FG_IR_INPUT:
        *out = fg_batch_get(vm->batch, n->imm.index, vm->row);
        return FG_RE_NONE;
    case FG_IR_SLOT:
        *out = vm->res->vals[(size_t)n->imm.index * vm->res->cap + vm->row];
        return FG_RE_NONE;
    case FG_IR_PARAM:
        *out = vm->stack[vm->frame + n->imm.index];
        return FG_RE_NONE;

    case FG_IR_TO_NUM:
        TRY(vm_eval(vm, n->args[0], &a));
        out->missing = a.missing;
        out->n = a.missing ? 0 : (double)a.i;
        return FG_RE_NONE;
    case FG_IR_NEG_INT:
        TRY(vm_eval(vm, n->args[0], &a));
        CHECK(n, fg_rt_neg_int(a.i, &out->i));
        return FG_RE_NONE;
    case FG_IR_NEG_NUM:
        TRY(vm_eval(vm, n->args[0], &a));
        out->n = -a.n;
        return FG_RE_NONE;

#define VM_BINARY(OP, FIELD, FN)                                                                   \
    case FG_IR_##OP:                                                                               \
        TRY(vm_eval(vm, n->args[0], &a));                                                          \
        TRY(vm_eval(vm, n->args[1], &b));                                                          \
        CHECK(n, FN(a.FIELD, b.FIELD, &out->FIELD));                                               \
        return FG_RE_NONE;
        VM_BINARY(ADD_INT, i, fg_rt_add_int)
        VM_BINARY(SUB_INT, i, fg_rt_sub_int)
        VM_BINARY(MUL_INT, i, fg_rt_mul_int)
        VM_BINARY(ADD_NUM, n, fg_rt_add_num)
        VM_BINARY(SUB_NUM, n, fg_rt_sub_num)
        VM_BINARY(MUL_NUM, n, fg_rt_mul_num)
        VM_BINARY(DIV_NUM, n, fg_rt_div_num)
#undef VM_BINARY

#define VM_COMPARE(OP, FIELD, FN)                                                                  \
    case FG_IR_##OP:                                                                               \
        TRY(vm_eval(vm, n->args[0], &a));                                                          \
        TRY(vm_eval(vm, n->args[1], &b));                                                          \
        out->b = FN((fg_cmp)n->sub, a.FIELD, b.FIELD);                                             \
        return FG_RE_NONE;
        VM_COMPARE(CMP_INT, i, fg_rt_cmp_int)
        VM_COMPARE(CMP_NUM, n, fg_rt_cmp_num)
        VM_COMPARE(CMP_STR, s, fg_rt_cmp_strs)
        VM_COMPARE(CMP_BOOL, b, fg_rt_cmp_bool)
#undef VM_COMPARE

    case FG_IR_NOT:
        TRY(vm_eval(vm, n->args[0], &a));
        out->b = !a.b;
        return FG_RE_NONE;
    case FG_IR_AND:
        TRY(vm_eval(vm, n->args[0], &a));
        if (!a.b) {
            out->b = false;
            return FG_RE_NONE;
        }
        return vm_eval(vm, n->args[1], out);
    case FG_IR_OR:
        TRY(vm_eval(vm, n->args[0], &a));
        if (a.b) {
            out->b = true;
            return FG_RE_NONE;
        }
        return vm_eval(vm, n->args[1], out);
    case FG_IR_IF:
        TRY(vm_eval(vm, n->args[0], &a));
        return vm_eval(vm, n->args[a.b ? 1 : 2], out);
    case FG_IR_COALESCE:
        TRY(vm_eval(vm, n->args[0], &a));
        if (!a.missing) {
            *out = a;
            return FG_RE_NONE;
        }
        return vm_eval(vm, n->args[1], out);
    case FG_IR_IS_MISSING:
        TRY(vm_eval(vm, n->args[0], &a));
        out->b = a.missing;
        return FG_RE_NONE;
    case FG_IR_IS_PRESENT:
        TRY(vm_eval(vm, n->args[0], &a));
        out->b = !a.missing;
        return FG_RE_NONE;

    case FG_IR_IN:
        /* The operand once; list items in order up to the first equal one. */
        TRY(vm_eval(vm, n->args[0], &a));
        out->b = false;
        for (uint32_t i = 1; i < n->nargs; i++) {
            TRY(vm_eval(vm, n->args[i], &b));
            if (fg_rt_equal(n->args[0]->type, a, b)) {
                out->b = true;
                break;
            }
        }
        return FG_RE_NONE;
    case FG_IR_BETWEEN:
        TRY(vm_eval(vm, n->args[0], &a));
        TRY(vm_eval(vm, n->args[1], &b));
        TRY(vm_eval(vm, n->args[2], &c));
        out->b = vm_le(n->args[0]->type, b, a) && vm_le(n->args[0]->type, a, c);
        return FG_RE_NONE;

    case FG_IR_CALL:
        TRY(vm_push_args(vm, n, &base));
        k = fg_builtin_table[n->sub].fn(&vm->res->scratch, vm->stack + base, n->nargs, out);
        vm->sp = base;
        out->missing = false;
        CHECK(n, k);
        return FG_RE_NONE;
    case FG_IR_CALL_FN: {
        const fg_fn *fn = &vm->prog->fns[n->imm.index];
        TRY(vm_push_args(vm, n, &base));
        VM_HOOK(fn_call, n, fn, vm->stack + base);
        uint32_t saved = vm->frame;
        vm->frame = base;
        k = vm_eval(vm, fn->body, out);
        vm->frame = saved;
        vm->sp = base;
        return k;
    }
    case FG_IR_CALL_TABLE:
        return vm_call_table(vm, n, out);
    case FG_IR_DECIDE:
        for (uint32_t i = 0; i + 1 < n->nargs; i += 2) {
            TRY(vm_eval(vm, n->args[i], &a));
            VM_HOOK(decide_arm, n, i / 2, a.b);
            if (a.b)
                return vm_eval(vm, n->args[i + 1], out);
        }
        VM_HOOK(decide_arm, n, n->nargs / 2, true);
        return vm_eval(vm, n->args[n->nargs - 1], out);

    case FG_IR_TO_STR:
        TRY(vm_eval(vm, n->args[0], &a));
        CHECK(n, fg_rt_to_str(&vm->res->scratch, n->args[0]->type, a, &out->s));
        return FG_RE_NONE;
    case FG_IR_CONCAT:
        TRY(vm_push_args(vm, n, &base));
        k = fg_rt_concat(&vm->res->scratch, vm->stack + base, n->nargs, &out->s);
        vm->sp = base;
        CHECK(n, k);
        return FG_RE_NONE;
    case FG_IR_FAILED:
        CHECK(n,
              fg_rt_failed(&vm->res->scratch, vm->prog, vm->res, vm->row, vm->cur_slot, &out->s));
        return FG_RE_NONE;
    case FG_IR_FAILED_COUNT:
        out->i = fg_rt_failed_count(vm->prog, vm->res, vm->row, vm->cur_slot);
        return FG_RE_NONE;
    case FG_IR_OP_COUNT:
        break;
    }
    /* unreachable for a well-formed program: every op is handled above */
    return vm_fail(vm, n, FG_RE_OOM);
}

/* Evaluates the slots of one row; on a row error the rest are skipped. */
static fg_rowerr_kind vm_row(fg_vm *vm, bool with_reports)
{
    const fg_program *prog = vm->prog;
    fg_results *res = vm->res;
    size_t cap = res->cap;
    for (uint32_t s = 0; s < prog->nslots; s++) {
        const fg_slot *slot = &prog->slots[s];
        fg_value *dst = &res->vals[s * cap + vm->row];
        if (slot->kind == FG_SLOT_REPORT && !with_reports) {
            memset(dst, 0, sizeof *dst);
            dst->missing = true;
            continue;
        }
        vm->cur_slot = s;
        vm->sp = 0;
        vm->frame = 0;
        fg_value v;
        VM_HOOK(slot_begin, s);
        TRY(vm_eval(vm, slot->expr, &v));
        *dst = v;
        VM_HOOK(slot_end, s, v);
        if (slot->kind != FG_SLOT_RULE)
            continue;
        fg_str *msg = &res->rule_msgs[slot->rule_index * cap + vm->row];
        msg->ptr = "";
        msg->len = 0;
        if (v.missing || v.b)
            continue;
        if (slot->message) {
            fg_value m;
            TRY(vm_eval(vm, slot->message, &m));
            *msg = m.s;
        } else {
            fg_rowerr_kind k = fg_rt_rule_default_msg(&res->scratch, slot->name, msg);
            if (k != FG_RE_NONE) {
                vm->err.kind = k;
                vm->err.column = -1;
                vm->err.span = slot->span;
                vm->err.detail.ptr = "";
                vm->err.detail.len = 0;
                return k;
            }
        }
        VM_HOOK(rule_msg, s, *msg);
    }
    vm->cur_slot = prog->nslots;
    return FG_RE_NONE;
}

bool fg_interp_batch(const fg_program *prog, fg_batch *batch, fg_results *res,
                     const fg_eval_opts *opts)
{
    if (!opts || (!opts->tracer && !opts->row_interp))
        return fg_vinterp_batch(prog, batch, res, opts);
    fg_vm vm;
    memset(&vm, 0, sizeof vm);
    vm.prog = prog;
    vm.batch = batch;
    vm.res = res;
    vm.tr = opts ? opts->tracer : NULL;
    bool with_reports = opts && opts->with_reports;
    bool ok = true;
    uint32_t nrows = batch->nrows < res->cap ? batch->nrows : res->cap;
    for (uint32_t row = 0; row < nrows; row++) {
        if (batch->err[row].kind != FG_RE_NONE)
            continue;
        vm.row = row;
        if (vm_row(&vm, with_reports) != FG_RE_NONE) {
            batch->err[row] = vm.err;
            if (vm.err.kind == FG_RE_OOM)
                ok = false;
        }
    }
    fg_free(res->alloc, vm.stack);
    return ok;
}

fg_rowerr_kind fg_interp_row(const fg_program *prog, const fg_batch *batch, fg_results *res,
                             uint32_t row, const fg_eval_opts *opts, fg_rowerr *err)
{
    fg_vm vm;
    memset(&vm, 0, sizeof vm);
    vm.prog = prog;
    vm.batch = batch;
    vm.res = res;
    vm.row = row;
    vm.tr = opts ? opts->tracer : NULL;
    fg_rowerr_kind k = vm_row(&vm, opts && opts->with_reports);
    if (k != FG_RE_NONE && err)
        *err = vm.err;
    fg_free(res->alloc, vm.stack);
    return k;
}

fg_rowerr_kind fg_interp_expr(const fg_program *prog, const fg_batch *batch, fg_results *res,
                              uint32_t row, const fg_ir *expr, fg_value *out, fg_rowerr *err)
{
    fg_vm vm;
    memset(&vm, 0, sizeof vm);
    vm.prog = prog;
    vm.batch = batch;
    vm.res = res;
    vm.row = row;
    vm.cur_slot = prog->nslots;
    fg_rowerr_kind k = vm_eval(&vm, expr, out);
    if (k != FG_RE_NONE && err)
        *err = vm.err;
    fg_free(res->alloc, vm.stack);
    return k;
}
