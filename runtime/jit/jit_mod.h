/* jit_mod.h — the contract between libforge and forge-jit.so, the module
 * that holds everything using LLVM (runtime/jitmod/: code generation, the
 * new pass manager, ORC LLJIT, `compile --emit`). libforge does not link
 * LLVM: it dlopens the module only when code must be generated (a cold
 * cache, --emit) or when a cached object cannot be mapped by its own loader
 * (runtime/objload.c). The module exports one function, FG_JITMOD_ENTRY,
 * returning a table of entry points; both sides check the ABI version, the
 * forgec version and the sizes of the structures they share, so a module
 * from another build is refused, never half used.
 *
 * The module is self-contained: it carries its own copy of base/ (an
 * OBJECT library) and gets the runtime helpers that generated code calls
 * (runtime/jit/jit_rt.c) as a name -> address table from libforge. */
#ifndef FG_JIT_MOD_H
#define FG_JIT_MOD_H

#include "../objload.h"
#include "jit_abi.h"

/* Bumped whenever this table, fg_jit_rt_symbol or fg_program changes shape. */
#define FG_JITMOD_ABI_VERSION 1
/* The module's one exported function: const fg_jitmod_api *NAME(uint32_t abi). */
#define FG_JITMOD_ENTRY "forge_jit_module"
#define FG_JITMOD_FILE "forge-jit.so"
/* The optimisation pipeline (new pass manager); part of the cache key. */
#define FG_JIT_PASSES "default<O2>"

/* A runtime entry point by name and address (jit_rt.c: fg_jit_rt_symbols). */
typedef fg_objload_sym fg_jit_rt_symbol;

/* An ORC LLJIT holding one policy object (module-side). */
typedef struct fg_jitmod_lljit fg_jitmod_lljit;

typedef struct fg_jitmod_api {
    uint32_t abi_version;      /* FG_JITMOD_ABI_VERSION */
    uint32_t size;             /* sizeof(fg_jitmod_api) */
    const char *forge_version; /* FORGE_VERSION_STRING of the module's build */
    uint32_t sizeof_program, sizeof_ir, sizeof_strbuf, sizeof_ctx;
    /* The host as LLVM sees it ("triple T\ncpu C\nfeatures F\n"): the cache
     * key's host part where libforge cannot fingerprint the CPU itself. */
    bool (*host_text)(fg_strbuf *out, fg_strbuf *err);
    /* Generates, optimises and emits prog as a relocatable object (*obj
     * allocated on alloc). */
    bool (*compile)(const fg_allocator *alloc, const fg_program *prog, char **obj, size_t *len,
                    fg_strbuf *err);
    /* Loads obj into a new LLJIT whose only outside symbols are syms (plus
     * the process's C library); *entry is its FG_JIT_ENTRY_NAME. */
    fg_jitmod_lljit *(*load)(const char *obj, size_t len, const fg_jit_rt_symbol *syms,
                             uint32_t nsyms, fg_jit_fn *entry, fg_strbuf *err);
    void (*unload)(fg_jitmod_lljit *jit);
    /* `compile --emit`: LLVM IR text, assembly or an object, to sink. */
    bool (*emit)(const fg_program *prog, fg_emit_kind kind, fg_byte_sink sink, fg_strbuf *err);
} fg_jitmod_api;

typedef const fg_jitmod_api *(*fg_jitmod_entry_fn)(uint32_t abi_version);

/* libforge's side (jit_modload.c): the opened module. */
typedef struct fg_jitmod {
    void *dl; /* dlopen handle (dlopen's own reference count) */
    const fg_jitmod_api *api;
} fg_jitmod;

/* Opens forge-jit.so: $FORGE_JIT_MODULE when set, else
 * <dir of libforge>/forge/, <dir of libforge>/../LIBDIR/forge/, the build
 * tree, the install libdir (see the file's comment). False with the paths
 * tried in err. */
bool fg_jitmod_open(fg_jitmod *m, fg_strbuf *err);
void fg_jitmod_close(fg_jitmod *m);

/* The runtime entry points (jit_rt.c) and the cache key's host part
 * (jit_host.c: false when this host cannot be fingerprinted without LLVM). */
extern const fg_jit_rt_symbol fg_jit_rt_symbols[];
extern const uint32_t fg_jit_rt_nsymbols;
bool fg_jit_host_text(fg_strbuf *out);

#endif
