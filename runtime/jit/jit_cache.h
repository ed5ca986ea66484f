/* jit_cache.h — the on-disk cache of compiled policy objects. An entry is
 * found by the hash of its key text (IR dump, target triple, CPU, features,
 * passes, forgec version, ABI version) and holds the full key, so a hash
 * collision, a stale, truncated or corrupt entry is detected and ignored
 * (then rewritten). Caching is best effort: a directory that cannot be made
 * or a file that cannot be written only means no caching. */
#ifndef FG_JIT_CACHE_H
#define FG_JIT_CACHE_H

#include "../../lang/ir.h"

/* The key text of prog compiled for this target. */
void fg_jit_cache_key(const fg_program *prog, const char *triple, const char *cpu,
                      const char *features, const char *passes, fg_strbuf *key);
/* The entry's path: DIR/HEX where DIR is dir, else $XDG_CACHE_HOME/forgec, else
 * $HOME/.cache/forgec. False when no directory is known. */
bool fg_jit_cache_path(const char *dir, const fg_strbuf *key, fg_strbuf *path);
/* The cached object for key (*obj allocated on alloc), or false. */
bool fg_jit_cache_load(const fg_allocator *alloc, const char *dir, const fg_strbuf *key, char **obj,
                       size_t *len);
/* Writes the entry atomically (temporary file + rename), making the directory. */
void fg_jit_cache_store(const fg_allocator *alloc, const char *dir, const fg_strbuf *key,
                        const char *obj, size_t len);

#endif
