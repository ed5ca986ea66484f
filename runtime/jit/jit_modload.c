/* jit_modload.c — finding and opening forge-jit.so, the LLVM half of the JIT
 * (jit_mod.h), at first need. Candidates, in order:
 *   1. $FORGE_JIT_MODULE when set — then only that file (tests, unusual
 *      layouts);
 *   2. DIR/forge/forge-jit.so, DIR being the directory of the file that holds
 *      this code (dladdr): PREFIX/LIBDIR for an installed libforge.so, the
 *      build tree for build/libforge.so or build/forgec;
 *   3. DIR/../LIBDIR/forge/forge-jit.so: a program in PREFIX/bin linked
 *      with libforge.a, such as an installed forgec;
 *   4. the build tree's forge/ directory (FORGE_JIT_BUILD_DIR), for test
 *      programs anywhere in the build tree;
 *   5. the install libdir's forge/ directory (FORGE_JIT_INSTALL_DIR).
 * A module is used only when its entry point answers for this ABI version
 * and it was built by the same forgec with the same structure sizes; a
 * failing candidate is noted and the next one tried. The handle lives in
 * the caller's object (fg_jit); dlopen's reference count makes reopening
 * cheap, and libLLVM itself is never unloaded (it is marked NODELETE). */
#define _GNU_SOURCE /* dladdr, realpath */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jit_mod.h"

/* Any object of libforge: dladdr finds the file it was loaded from. */
static const char anchor = 0;

/* Why a candidate was refused; NULL when api is ours. */
static const char *check_api(const fg_jitmod_api *api)
{
    if (!api || api->abi_version != FG_JITMOD_ABI_VERSION || api->size != sizeof *api)
        return "another module ABI version";
    if (!api->forge_version || strcmp(api->forge_version, FORGE_VERSION_STRING) != 0)
        return "built by another forgec version";
    if (api->sizeof_program != sizeof(fg_program) || api->sizeof_ir != sizeof(fg_ir) ||
        api->sizeof_strbuf != sizeof(fg_strbuf) || api->sizeof_ctx != sizeof(fg_jit_ctx))
        return "built from other sources (structure sizes differ)";
    return NULL;
}

/* Tries one file; notes why it failed in why. */
static bool try_path(fg_jitmod *m, const char *path, fg_strbuf *why)
{
    if (access(path, F_OK) != 0) {
        fg_strbuf_printf(why, "%s%s: not found", why->len ? "; " : "", path);
        return false;
    }
    /* RTLD_NODELETE: once loaded, LLVM stays mapped. Unloading it in a
     * running process (its static objects, thread-local destructors and
     * handlers registered with the C library) is not something LLVM
     * supports; a later compile then also skips reloading it. */
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!dl) {
        const char *e = dlerror();
        fg_strbuf_printf(why, "%s%s", why->len ? "; " : "", e ? e : path);
        return false;
    }
    void *sym = dlsym(dl, FG_JITMOD_ENTRY);
    fg_jitmod_entry_fn entry = NULL;
    _Static_assert(sizeof entry == sizeof sym, "dlsym result fits a function pointer");
    if (sym)
        memcpy(&entry, &sym, sizeof entry);
    const fg_jitmod_api *api = entry ? entry(FG_JITMOD_ABI_VERSION) : NULL;
    const char *bad = entry ? check_api(api) : "no " FG_JITMOD_ENTRY " in it";
    if (bad) {
        fg_strbuf_printf(why, "%s%s: %s", why->len ? "; " : "", path, bad);
        dlclose(dl);
        return false;
    }
    m->dl = dl;
    m->api = api;
    return true;
}

/* The directory of the file holding libforge's code, into dir (no slash
 * at the end); false when unknown. */
static bool own_dir(fg_strbuf *dir)
{
    Dl_info info;
    if (!dladdr(&anchor, &info) || !info.dli_fname || !info.dli_fname[0])
        return false;
    const char *file = info.dli_fname;
    char exe[PATH_MAX];
    if (!strchr(file, '/')) { /* the main program, named as typed (argv[0]) */
        if (!realpath("/proc/self/exe", exe))
            return false;
        file = exe;
    }
    const char *slash = strrchr(file, '/');
    fg_strbuf_add(dir, file, slash == file ? 1 : (size_t)(slash - file));
    return !dir->failed;
}

bool fg_jitmod_open(fg_jitmod *m, fg_strbuf *err)
{
    memset(m, 0, sizeof *m);
    enum { NCAND = 4 };
    fg_strbuf why, dir, cand[NCAND];
    fg_strbuf_init(&why, err->alloc);
    fg_strbuf_init(&dir, err->alloc);
    for (uint32_t i = 0; i < NCAND; i++)
        fg_strbuf_init(&cand[i], err->alloc);
    const char *env = getenv("FORGE_JIT_MODULE");
    bool ok = false;
    if (env && *env) {
        ok = try_path(m, env, &why);
        goto done;
    }
    if (own_dir(&dir)) {
        fg_strbuf_printf(&cand[0], "%s/forge/%s", dir.data, FG_JITMOD_FILE);
        fg_strbuf_printf(&cand[1], "%s/../%s/forge/%s", dir.data, FORGE_JIT_LIBDIR, FG_JITMOD_FILE);
    }
    fg_strbuf_printf(&cand[2], "%s/%s", FORGE_JIT_BUILD_DIR, FG_JITMOD_FILE);
    fg_strbuf_printf(&cand[3], "%s/%s", FORGE_JIT_INSTALL_DIR, FG_JITMOD_FILE);
    for (uint32_t i = 0; i < NCAND && !ok; i++) {
        if (cand[i].failed || !cand[i].len)
            continue;
        bool seen = false;
        for (uint32_t k = 0; k < i; k++)
            seen |= cand[k].len && strcmp(cand[k].data, cand[i].data) == 0;
        if (!seen)
            ok = try_path(m, cand[i].data, &why);
    }
done:
    if (!ok)
        fg_strbuf_printf(err, "%s: cannot load %s (%s)", FG_JIT_NO_MODULE, FG_JITMOD_FILE,
                         why.data && !why.failed ? why.data : "out of memory");
    fg_strbuf_free(&why);
    fg_strbuf_free(&dir);
    for (uint32_t i = 0; i < NCAND; i++)
        fg_strbuf_free(&cand[i]);
    return ok;
}

void fg_jitmod_close(fg_jitmod *m)
{
    if (m->dl)
        dlclose(m->dl);
    memset(m, 0, sizeof *m);
}
