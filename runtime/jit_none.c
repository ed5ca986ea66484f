/* jit_none.c — the JIT's API in a build without LLVM (FORGE_WITH_LLVM=OFF
 * or LLVM 19 not found): every entry point reports that the engine is not
 * available, so callers need no #ifdef. */
#include "engine.h"

bool fg_jit_available(void)
{
    return false;
}

fg_jit *fg_jit_compile(const fg_allocator *alloc, const fg_program *prog,
                       const fg_jit_options *opts, fg_strbuf *err)
{
    (void)alloc;
    (void)prog;
    (void)opts;
    fg_strbuf_adds(err, FG_JIT_UNAVAILABLE);
    return NULL;
}

bool fg_jit_from_cache(const fg_jit *jit)
{
    (void)jit;
    return false;
}

bool fg_jit_batch(fg_jit *jit, const fg_program *prog, fg_batch *batch, fg_results *res,
                  const fg_eval_opts *opts)
{
    (void)jit;
    (void)prog;
    (void)batch;
    (void)res;
    (void)opts;
    return false;
}

bool fg_jit_own_loader(const fg_jit *jit)
{
    (void)jit;
    return false;
}

bool fg_jit_module_loaded(const fg_jit *jit)
{
    (void)jit;
    return false;
}

void fg_jit_free(fg_jit *jit)
{
    (void)jit;
}

bool fg_jit_emit(const fg_program *prog, fg_emit_kind kind, fg_byte_sink sink, fg_strbuf *err)
{
    (void)prog;
    (void)kind;
    (void)sink;
    fg_strbuf_adds(err, FG_JIT_UNAVAILABLE);
    return false;
}
