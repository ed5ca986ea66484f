/* api_engine.c — the policy's own engine (forge_config.engine): with
 * FORGE_ENGINE_JIT the machine code is made once, while compiling, and
 * kept in the immutable forge_policy. The JIT's batch function is
 * reentrant (each call builds its own context on the stack and writes only
 * into the caller's batch and results; fg_jit is never written after
 * fg_jit_compile), so every session and run shares that code. */
#include <string.h>

#include "engine.h"
#include "policy_int.h"

/* Reports one error diagnostic about the whole policy (no position). */
static void jit_diag(const forge_config *cfg, const char *message)
{
    if (!cfg->on_diag)
        return;
    char rendered[640];
    snprintf(rendered, sizeof rendered, "error: %s\n", message);
    forge_diag d;
    memset(&d, 0, sizeof d);
    d.severity = FORGE_SEV_ERROR;
    d.message = message;
    d.rendered = rendered;
    cfg->on_diag(cfg->diag_ud, &d);
}

forge_status fg_policy_compile_jit(const forge_config *cfg, const fg_program *prog,
                                   const fg_allocator *alloc, fg_jit **out)
{
    *out = NULL;
    if (!fg_jit_available()) {
        jit_diag(cfg, FG_JIT_UNAVAILABLE);
        return FORGE_EUSAGE;
    }
    fg_strbuf err;
    fg_strbuf_init(&err, alloc);
    bool no_module = false;
    fg_jit_options jo = {
        .no_cache = cfg->jit_no_cache != 0, .cache_dir = NULL, .no_module = &no_module};
    *out = fg_jit_compile(alloc, prog, &jo, &err);
    forge_status st = FORGE_OK;
    if (!*out && no_module) { /* forge-jit.so missing: like a build without LLVM */
        jit_diag(cfg, err.data ? err.data : FG_JIT_NO_MODULE);
        st = FORGE_EUSAGE;
    } else if (!*out) {
        char msg[512];
        snprintf(msg, sizeof msg, "the jit engine cannot compile the policy: %s",
                 err.data ? err.data : "out of memory");
        jit_diag(cfg, msg);
        st = err.data ? FORGE_ECOMPILE : FORGE_ENOMEM;
    }
    fg_strbuf_free(&err);
    return st;
}
