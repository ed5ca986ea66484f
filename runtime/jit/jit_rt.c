/* jit_rt.c — the runtime entry points compiled policies call (see
 * jit_abi.h) and the glue that runs a compiled batch function. Each entry
 * point is a thin wrapper over the same helpers the interpreter uses
 * (runtime/rt.c, stdlib/builtins.c): no semantics is written here, only
 * where a row error is recorded. fg_jit_rt_symbols names them for the
 * code loaders (ORC LLJIT in forge-jit.so, runtime/objload.c). */
#include "jit_mod.h"

#include <string.h>

#include "../../stdlib/builtins.h"
#include "../format.h"
#include "../rt.h"

/* Records kind at the span, like the interpreter's vm_fail; returns kind. */
static int32_t record(fg_jit_ctx *ctx, uint32_t row, int32_t kind, uint32_t file, uint32_t start,
                      uint32_t end)
{
    if (kind == FG_RE_NONE)
        return kind;
    fg_rowerr *e = &ctx->err[row];
    e->kind = (fg_rowerr_kind)kind;
    e->column = -1;
    e->span.file = file;
    e->span.start = start;
    e->span.end = end;
    e->detail.ptr = "";
    e->detail.len = 0;
    if (kind == FG_RE_OOM)
        ctx->oom = 1;
    return kind;
}

void fg_jit_rt_rowerr(fg_jit_ctx *ctx, uint32_t row, int32_t kind, uint32_t file, uint32_t start,
                      uint32_t end)
{
    record(ctx, row, kind, file, start, end);
}

int32_t fg_jit_rt_call(fg_jit_ctx *ctx, uint32_t row, uint32_t id, const fg_value *args,
                       uint32_t nargs, fg_value *out, uint32_t file, uint32_t start, uint32_t end)
{
    fg_rowerr_kind k = fg_builtin_table[id].fn(ctx->scratch, args, nargs, out);
    out->missing = false;
    return record(ctx, row, (int32_t)k, file, start, end);
}

int32_t fg_jit_rt_cmp_str(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
    fg_str x = {a, alen}, y = {b, blen};
    return fg_rt_cmp_str(x, y);
}

int32_t fg_jit_rt_table_miss(fg_jit_ctx *ctx, uint32_t row, uint32_t table, const fg_value *args,
                             uint32_t file, uint32_t start, uint32_t end)
{
    fg_str detail;
    fg_rowerr_kind k = fg_rt_table_nomatch(ctx->scratch, &ctx->prog->tables[table], args, &detail);
    record(ctx, row, (int32_t)k, file, start, end);
    ctx->err[row].detail = detail;
    return (int32_t)k;
}

int32_t fg_jit_rt_rule_msg(fg_jit_ctx *ctx, uint32_t row, uint32_t slot, fg_str *out)
{
    const fg_slot *s = &ctx->prog->slots[slot];
    fg_rowerr_kind k = fg_rt_rule_default_msg(ctx->scratch, s->name, out);
    return record(ctx, row, (int32_t)k, s->span.file, s->span.start, s->span.end);
}

/* Strings are built in rooms of about 128 bytes per row of the batch, from
 * 1 to 64 KiB (so that a one-row batch does not take 64 KiB), or of the one
 * string, when larger. */
#define STR_ROOM_PER_ROW 128u
#define STR_ROOM_MIN (1024u)
#define STR_ROOM_MAX (64u * 1024u)

char *fg_jit_rt_str_room(fg_jit_ctx *ctx, uint32_t row, uint64_t max, uint32_t file, uint32_t start,
                         uint32_t end)
{
    size_t size = (size_t)ctx->nrows * STR_ROOM_PER_ROW;
    size = size < STR_ROOM_MIN ? STR_ROOM_MIN : size > STR_ROOM_MAX ? STR_ROOM_MAX : size;
    if (max > size)
        size = (size_t)max;
    char *p = max > UINT32_MAX ? NULL : fg_arena_alloc(ctx->scratch, size);
    if (!p) {
        record(ctx, row, FG_RE_OOM, file, start, end);
        return NULL;
    }
    ctx->str_at = p;
    ctx->str_end = p + size;
    return p;
}

int32_t fg_jit_rt_join(fg_jit_ctx *ctx, uint32_t row, const fg_str *msgs, uint32_t n, fg_str *out,
                       uint32_t file, uint32_t start, uint32_t end)
{
    /* Generated code writes each failed rule's message after a "; "
     * (codegen.c, rule_message), so messages that follow one another in
     * memory already read as their join: that text is the result. */
    bool adjacent = n > 1;
    for (uint32_t i = 1; adjacent && i < n; i++)
        adjacent = (uintptr_t)msgs[i].ptr == (uintptr_t)msgs[i - 1].ptr + msgs[i - 1].len + 2;
    if (adjacent) {
        uintptr_t len = (uintptr_t)msgs[n - 1].ptr + msgs[n - 1].len - (uintptr_t)msgs[0].ptr;
        if (len <= UINT32_MAX) {
            out->ptr = msgs[0].ptr;
            out->len = (uint32_t)len;
            return FG_RE_NONE;
        }
    }
    fg_rowerr_kind k = fg_rt_join_messages(ctx->scratch, msgs, n, out);
    return record(ctx, row, (int32_t)k, file, start, end);
}

uint32_t fg_jit_rt_fmt_num(double v, char *dst)
{
    return (uint32_t)fg_fmt_num(v, dst);
}

uint32_t fg_jit_rt_fmt_int(int64_t v, char *dst)
{
    return (uint32_t)fg_fmt_int(v, dst);
}

const fg_jit_rt_symbol fg_jit_rt_symbols[] = {
#define SYM(name)                                                                                  \
    {                                                                                              \
#name, (void (*)(void))name                                                                \
    }
    SYM(fg_jit_rt_rowerr),   SYM(fg_jit_rt_call),
    SYM(fg_jit_rt_cmp_str),  SYM(fg_jit_rt_table_miss),
    SYM(fg_jit_rt_rule_msg), SYM(fg_jit_rt_str_room),
    SYM(fg_jit_rt_join),     SYM(fg_jit_rt_fmt_num),
    SYM(fg_jit_rt_fmt_int),  SYM(memcmp),
#undef SYM
};
const uint32_t fg_jit_rt_nsymbols = sizeof fg_jit_rt_symbols / sizeof fg_jit_rt_symbols[0];

bool fg_jit_run_fn(fg_jit_fn fn, const fg_program *prog, fg_batch *batch, fg_results *res,
                   const fg_eval_opts *opts)
{
    uint32_t ncols = prog->ninputs;
    const void **cols = fg_calloc(res->alloc, (size_t)ncols + 1, sizeof *cols);
    const bool **miss = fg_calloc(res->alloc, (size_t)ncols + 1, sizeof *miss);
    bool ok = false;
    if (!cols || !miss)
        goto done;
    for (uint32_t i = 0; i < ncols; i++) {
        const fg_column *c = &batch->cols[i];
        switch (fg_type_base(c->type)) {
        case FG_T_INT:
            cols[i] = c->i;
            break;
        case FG_T_NUM:
            cols[i] = c->n;
            break;
        case FG_T_BOOL:
            cols[i] = c->b;
            break;
        default:
            cols[i] = c->s;
            break;
        }
        miss[i] = c->missing;
    }
    fg_jit_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.nrows = batch->nrows < res->cap ? batch->nrows : res->cap;
    ctx.cap = res->cap;
    ctx.with_reports = opts && opts->with_reports;
    ctx.outputs_only = opts && opts->outputs_only;
    ctx.col_vals = cols;
    ctx.col_missing = miss;
    ctx.vals = res->vals;
    ctx.rule_msgs = res->rule_msgs;
    ctx.err = batch->err;
    ctx.scratch = &res->scratch;
    ctx.prog = prog;
    ctx.res = res;
    fn(&ctx);
    ok = !ctx.oom;
done:
    fg_free(res->alloc, cols);
    fg_free(res->alloc, miss);
    return ok;
}
