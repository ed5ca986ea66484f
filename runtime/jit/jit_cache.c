/* jit_cache.c — the compiled-object cache (see jit_cache.h). An entry file:
 *   magic "FGJITOBJ", u32 format version, u32 key length, key bytes,
 *   u64 object length, object bytes, u64 FNV-1a checksum of all before it.
 * Integers are in host byte order: entries are only valid on the host that
 * wrote them anyway (the key names its CPU). */
#include "jit_cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jit_mod.h"

#define CACHE_MAGIC "FGJITOBJ"
#define CACHE_FORMAT 1u

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
#define FNV_SEED 0xcbf29ce484222325ull

void fg_jit_cache_key(const fg_program *prog, const char *host, fg_strbuf *key)
{
    fg_strbuf_printf(key, "forgec %s\njit abi %d\nllvm %s\npasses %s\n%s\n", FORGE_VERSION_STRING,
                     FG_JIT_ABI_VERSION, FORGE_LLVM_VERSION, FG_JIT_PASSES, host);
    fg_ir_dump(prog, key);
}

bool fg_jit_cache_path(const char *dir, const fg_strbuf *key, fg_strbuf *path)
{
    if (dir && *dir) {
        fg_strbuf_adds(path, dir);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg && *xdg == '/')
            fg_strbuf_printf(path, "%s/forgec", xdg);
        else if (home && *home)
            fg_strbuf_printf(path, "%s/.cache/forgec", home);
        else
            return false;
    }
    uint64_t h = fnv1a(FNV_SEED, key->data, key->len);
    fg_strbuf_printf(path, "/%016llx", (unsigned long long)h);
    return !path->failed;
}

static bool read_all(const fg_allocator *alloc, const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool ok = false;
    long n;
    *data = NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto done;
    *data = fg_malloc(alloc, (size_t)n + 1);
    if (!*data)
        goto done;
    ok = fread(*data, 1, (size_t)n, f) == (size_t)n;
    *len = (size_t)n;
done:
    fclose(f);
    if (!ok) {
        fg_free(alloc, *data);
        *data = NULL;
    }
    return ok;
}

bool fg_jit_cache_load(const fg_allocator *alloc, const char *dir, const fg_strbuf *key, char **obj,
                       size_t *len)
{
    fg_strbuf path;
    fg_strbuf_init(&path, alloc);
    char *data = NULL;
    size_t n = 0;
    bool ok = false;
    if (!fg_jit_cache_path(dir, key, &path) || !read_all(alloc, path.data, &data, &n))
        goto done;
    /* every field is checked against the remaining length before it is read */
    size_t at = 0;
    uint32_t format, klen;
    uint64_t olen, sum;
    if (n < 16 || memcmp(data, CACHE_MAGIC, 8) != 0)
        goto done;
    memcpy(&format, data + 8, 4);
    memcpy(&klen, data + 12, 4);
    at = 16;
    if (format != CACHE_FORMAT || klen != key->len || n - at < (size_t)klen + 8)
        goto done;
    if (memcmp(data + at, key->data, klen) != 0)
        goto done;
    at += klen;
    memcpy(&olen, data + at, 8);
    at += 8;
    if (olen > n - at || n - at - olen != 8)
        goto done;
    memcpy(&sum, data + at + olen, 8);
    if (sum != fnv1a(FNV_SEED, data, at + olen))
        goto done;
    *obj = fg_malloc(alloc, olen ? olen : 1);
    if (!*obj)
        goto done;
    memcpy(*obj, data + at, olen);
    *len = olen;
    ok = true;
done:
    fg_free(alloc, data);
    fg_strbuf_free(&path);
    return ok;
}

/* mkdir -p for the cache directory (its parent included). */
static bool make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        bool ok = mkdir(path, 0777) == 0 || errno == EEXIST;
        *p = '/';
        if (!ok)
            return false;
    }
    return mkdir(path, 0777) == 0 || errno == EEXIST;
}

void fg_jit_cache_store(const fg_allocator *alloc, const char *dir, const fg_strbuf *key,
                        const char *obj, size_t len)
{
    fg_strbuf path, tmp;
    fg_strbuf_init(&path, alloc);
    fg_strbuf_init(&tmp, alloc);
    FILE *f = NULL;
    if (!fg_jit_cache_path(dir, key, &path))
        goto done;
    char *slash = strrchr(path.data, '/');
    if (!slash || slash == path.data)
        goto done;
    *slash = '\0';
    bool have_dir = make_dirs(path.data);
    *slash = '/';
    if (!have_dir)
        goto done;
    fg_strbuf_printf(&tmp, "%s.tmp.%ld", path.data, (long)getpid());
    if (tmp.failed || !(f = fopen(tmp.data, "wb")))
        goto done;
    uint32_t format = CACHE_FORMAT, klen = (uint32_t)key->len;
    uint64_t olen = len;
    uint64_t sum = FNV_SEED;
    sum = fnv1a(sum, CACHE_MAGIC, 8);
    sum = fnv1a(sum, &format, 4);
    sum = fnv1a(sum, &klen, 4);
    sum = fnv1a(sum, key->data, key->len);
    sum = fnv1a(sum, &olen, 8);
    sum = fnv1a(sum, obj, len);
    bool ok = fwrite(CACHE_MAGIC, 1, 8, f) == 8 && fwrite(&format, 4, 1, f) == 1 &&
              fwrite(&klen, 4, 1, f) == 1 && fwrite(key->data, 1, key->len, f) == key->len &&
              fwrite(&olen, 8, 1, f) == 1 && fwrite(obj, 1, len, f) == len &&
              fwrite(&sum, 8, 1, f) == 1;
    ok = fclose(f) == 0 && ok;
    f = NULL;
    if (!ok || rename(tmp.data, path.data) != 0)
        remove(tmp.data);
done:
    if (f) {
        fclose(f);
        remove(tmp.data);
    }
    fg_strbuf_free(&tmp);
    fg_strbuf_free(&path);
}
