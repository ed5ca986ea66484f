/* jit.c — the JIT engine as libforge sees it (engine.h). libforge does not
 * link LLVM: everything that needs it (code generation, the new pass
 * manager, ORC LLJIT, `compile --emit`) is in forge-jit.so (jit_mod.h),
 * opened only when code must be generated. Per compile:
 *
 *   1. the cache key is made without LLVM (jit_host.c fingerprints the CPU);
 *   2. a cached object (jit_cache.c) is mapped by runtime/objload.c: no
 *      LLVM at all on a warm run. Should the loader refuse the object
 *      (another host, a relocation it does not know), LLJIT loads it;
 *   3. otherwise the module compiles the policy, the object is cached, and
 *      LLJIT loads it, as before the split.
 *
 * The module handle, the LLJIT or the loaded image all live in the fg_jit,
 * never in a global: the library keeps no mutable global state (dlopen's
 * reference count aside). A missing or foreign module is reported with
 * FG_JIT_NO_MODULE (and opts->no_module), so callers can fall back to the
 * interpreter where the engine was not asked for explicitly. */
#include <string.h>

#include "../objload.h"
#include "jit_cache.h"
#include "jit_mod.h"

struct fg_jit {
    fg_allocator alloc;
    fg_jitmod mod;          /* forge-jit.so, when it was needed */
    fg_jitmod_lljit *lljit; /* the code as mapped by LLJIT, or */
    fg_objload *image;      /* as mapped by runtime/objload.c */
    fg_jit_fn fn;
    bool from_cache;
};

bool fg_jit_available(void)
{
    return true;
}

/* Opens the module for j unless it is open already. */
static bool need_module(fg_jit *j, const fg_jit_options *opts, fg_strbuf *err)
{
    if (j->mod.api)
        return true;
    if (fg_jitmod_open(&j->mod, err))
        return true;
    if (opts && opts->no_module)
        *opts->no_module = true;
    return false;
}

/* The cache key of prog on this host; false when it cannot be made (no
 * fingerprint and no module: err says why; or out of memory: key->failed). */
static bool make_key(fg_jit *j, const fg_program *prog, const fg_jit_options *opts, fg_strbuf *key,
                     fg_strbuf *err)
{
    fg_strbuf host;
    fg_strbuf_init(&host, &j->alloc);
    bool ok = fg_jit_host_text(&host);
    if (!ok && !host.failed) {
        fg_strbuf_clear(&host);
        ok = need_module(j, opts, err) && j->mod.api->host_text(&host, err);
    }
    if (ok && !host.failed)
        fg_jit_cache_key(prog, host.data, key);
    if (host.failed)
        key->failed = true;
    fg_strbuf_free(&host);
    return ok && !key->failed;
}

/* Maps the object: with the own loader first when own_first (a cached
 * object) or when the options insist, else (or when it refuses) with LLJIT. */
static bool map_code(fg_jit *j, const char *obj, size_t len, bool own_first,
                     const fg_jit_options *opts, fg_strbuf *err)
{
    fg_jit_loader want = opts ? opts->loader : FG_JIT_LOAD_AUTO;
    if (want == FG_JIT_LOAD_OWN || (want == FG_JIT_LOAD_AUTO && own_first)) {
        void (*entry)(void) = NULL;
        fg_strbuf detail;
        fg_strbuf_init(&detail, &j->alloc);
        fg_objload_status st =
            fg_objload_load(&j->alloc, obj, len, fg_jit_rt_symbols, fg_jit_rt_nsymbols,
                            FG_JIT_ENTRY_NAME, &entry, &j->image, &detail);
        if (st == FG_OBJLOAD_OK)
            j->fn = (fg_jit_fn)entry;
        else if (want == FG_JIT_LOAD_OWN)
            fg_strbuf_printf(err, "the object loader cannot map the policy: %s%s%s",
                             fg_objload_status_text(st), detail.len ? ": " : "",
                             detail.len ? detail.data : "");
        fg_strbuf_free(&detail);
        if (st == FG_OBJLOAD_OK || want == FG_JIT_LOAD_OWN)
            return st == FG_OBJLOAD_OK;
    }
    if (!need_module(j, opts, err))
        return false;
    j->lljit = j->mod.api->load(obj, len, fg_jit_rt_symbols, fg_jit_rt_nsymbols, &j->fn, err);
    return j->lljit != NULL;
}

fg_jit *fg_jit_compile(const fg_allocator *alloc, const fg_program *prog,
                       const fg_jit_options *opts, fg_strbuf *err)
{
    fg_jit *j = fg_calloc(alloc, 1, sizeof *j);
    if (!j) {
        fg_strbuf_adds(err, "out of memory");
        return NULL;
    }
    j->alloc = alloc ? *alloc : (fg_allocator){NULL, NULL};
    fg_strbuf key;
    fg_strbuf_init(&key, &j->alloc);
    char *obj = NULL;
    size_t len = 0;
    bool ok = false;
    bool use_cache = !(opts && opts->no_cache);
    if (use_cache && !make_key(j, prog, opts, &key, err)) {
        if (!key.failed)
            goto done; /* no fingerprint and no module: nothing can be compiled */
        use_cache = false;
    }
    if (use_cache &&
        fg_jit_cache_load(&j->alloc, opts ? opts->cache_dir : NULL, &key, &obj, &len)) {
        j->from_cache = true;
        ok = map_code(j, obj, len, true, opts, err);
        if (!ok) { /* intact but unusable (a build with other runtime entry
                      points wrote it): stale, compiled afresh and replaced */
            fg_strbuf_clear(err);
            fg_free(&j->alloc, obj);
            obj = NULL;
            j->from_cache = false;
        }
    }
    if (!ok) {
        if (!need_module(j, opts, err) || !j->mod.api->compile(&j->alloc, prog, &obj, &len, err))
            goto done;
        if (use_cache) /* best effort: a cache that cannot be written is no cache */
            fg_jit_cache_store(&j->alloc, opts ? opts->cache_dir : NULL, &key, obj, len);
        ok = map_code(j, obj, len, false, opts, err);
    }
done:
    fg_free(&j->alloc, obj);
    fg_strbuf_free(&key);
    if (!ok) {
        fg_jit_free(j);
        return NULL;
    }
    return j;
}

bool fg_jit_from_cache(const fg_jit *j)
{
    return j && j->from_cache;
}

bool fg_jit_own_loader(const fg_jit *j)
{
    return j && j->image;
}

bool fg_jit_module_loaded(const fg_jit *j)
{
    return j && j->mod.dl;
}

bool fg_jit_batch(fg_jit *j, const fg_program *prog, fg_batch *batch, fg_results *res,
                  const fg_eval_opts *opts)
{
    return fg_jit_run_fn(j->fn, prog, batch, res, opts);
}

void fg_jit_free(fg_jit *j)
{
    if (!j)
        return;
    fg_objload_free(j->image);
    if (j->lljit)
        j->mod.api->unload(j->lljit);
    fg_jitmod_close(&j->mod);
    fg_allocator alloc = j->alloc;
    fg_free(&alloc, j);
}

bool fg_jit_emit(const fg_program *prog, fg_emit_kind kind, fg_byte_sink sink, fg_strbuf *err)
{
    fg_jitmod mod;
    if (!fg_jitmod_open(&mod, err))
        return false;
    bool ok = mod.api->emit(prog, kind, sink, err);
    fg_jitmod_close(&mod);
    return ok;
}
