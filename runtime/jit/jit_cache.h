/* jit_cache.h — the on-disk cache of compiled policy objects. An entry is
 * found by the hash of its key text (IR dump, the host's CPU, passes,
 * forgec, LLVM and ABI versions) and holds the full key, so a hash
 * collision, a stale, truncated or corrupt entry is detected and ignored
 * (then rewritten). Caching is best effort: a directory that cannot be made
 * or a file that cannot be written only means no caching. The key is made
 * without LLVM (jit_host.c fingerprints the CPU), so a warm run never loads
 * forge-jit.so. */
#ifndef FG_JIT_CACHE_H
#define FG_JIT_CACHE_H

#include "../../lang/ir.h"

/* The key text of prog compiled for the host described by host (the text
 * of fg_jit_host_text, or of the module's host_text). */
void fg_jit_cache_key(const fg_program *prog, const char *host, fg_strbuf *key);
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
