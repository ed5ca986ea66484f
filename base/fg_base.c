/* fg_base.c — the allocation funnel, arenas, pointer vectors and string
 * buffers. Every allocation of the library passes through fg_realloc(). */
#include "fg_base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *fg_realloc(const fg_allocator *a, void *ptr, size_t size)
{
    if (a && a->fn)
        return a->fn(a->ud, ptr, size);
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

void *fg_malloc(const fg_allocator *a, size_t size)
{
    return fg_realloc(a, NULL, size ? size : 1);
}

void *fg_calloc(const fg_allocator *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    /* The C library's calloc takes fresh pages already zero: large batch
     * and result arrays then cost nothing until rows touch them. */
    if (!(a && a->fn))
        return n && size ? calloc(n, size) : calloc(1, 1);
    void *p = fg_malloc(a, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void fg_free(const fg_allocator *a, void *ptr)
{
    if (ptr)
        fg_realloc(a, ptr, 0);
}

char *fg_strndup(const fg_allocator *a, const char *s, size_t n)
{
    char *p = fg_malloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ---- arena ---- */

struct fg_arena_chunk {
    fg_arena_chunk *next;
    size_t size, used;
    /* payload follows, aligned like max_align_t */
};

#define FG_ALIGN 16u
#define FG_CHUNK_HDR ((sizeof(fg_arena_chunk) + FG_ALIGN - 1) & ~(size_t)(FG_ALIGN - 1))

void fg_arena_init(fg_arena *ar, const fg_allocator *alloc)
{
    ar->alloc = alloc;
    ar->head = NULL;
    ar->chunk_size = 16 * 1024;
    ar->failed = false;
}

void *fg_arena_alloc(fg_arena *ar, size_t size)
{
    size = (size + FG_ALIGN - 1) & ~(size_t)(FG_ALIGN - 1);
    if (size == 0)
        size = FG_ALIGN;
    fg_arena_chunk *c = ar->head;
    if (!c || c->size - c->used < size) {
        size_t want = ar->chunk_size;
        if (want < size)
            want = size;
        if (want > SIZE_MAX - FG_CHUNK_HDR) {
            ar->failed = true;
            return NULL;
        }
        c = fg_malloc(ar->alloc, FG_CHUNK_HDR + want);
        if (!c) {
            ar->failed = true;
            return NULL;
        }
        c->size = want;
        c->used = 0;
        /* A huge one-off block goes behind the head so the head keeps serving. */
        if (ar->head && want > ar->chunk_size) {
            c->next = ar->head->next;
            ar->head->next = c;
        } else {
            c->next = ar->head;
            ar->head = c;
        }
        if (ar->chunk_size < 1024 * 1024)
            ar->chunk_size *= 2;
    }
    void *p = (char *)c + FG_CHUNK_HDR + c->used;
    c->used += size;
    return p;
}

void *fg_arena_zalloc(fg_arena *ar, size_t size)
{
    void *p = fg_arena_alloc(ar, size);
    if (p)
        memset(p, 0, size);
    return p;
}

char *fg_arena_strndup(fg_arena *ar, const char *s, size_t n)
{
    char *p = fg_arena_alloc(ar, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void fg_arena_reset(fg_arena *ar)
{
    fg_arena_chunk *c = ar->head;
    if (!c)
        return;
    fg_arena_chunk *rest = c->next;
    c->next = NULL;
    c->used = 0;
    while (rest) {
        fg_arena_chunk *next = rest->next;
        fg_free(ar->alloc, rest);
        rest = next;
    }
    ar->failed = false;
}

void fg_arena_free(fg_arena *ar)
{
    fg_arena_chunk *c = ar->head;
    while (c) {
        fg_arena_chunk *next = c->next;
        fg_free(ar->alloc, c);
        c = next;
    }
    ar->head = NULL;
}

bool fg_ptrvec_push(fg_arena *ar, fg_ptrvec *v, void *item)
{
    if (v->n == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 4;
        void **items = fg_arena_alloc(ar, cap * sizeof(void *));
        if (!items)
            return false;
        if (v->n)
            memcpy(items, v->items, v->n * sizeof(void *));
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = item;
    return true;
}

/* ---- string buffer ---- */

void fg_strbuf_init(fg_strbuf *sb, const fg_allocator *alloc)
{
    sb->alloc = alloc;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = false;
}

static bool sb_reserve(fg_strbuf *sb, size_t extra)
{
    if (sb->failed)
        return false;
    if (sb->len + extra + 1 <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *d = fg_realloc(sb->alloc, sb->data, cap);
    if (!d) {
        sb->failed = true;
        return false;
    }
    sb->data = d;
    sb->cap = cap;
    return true;
}

bool fg_strbuf_reserve(fg_strbuf *sb, size_t extra)
{
    return sb_reserve(sb, extra);
}

void fg_strbuf_add(fg_strbuf *sb, const char *s, size_t n)
{
    if (!sb_reserve(sb, n))
        return;
    if (n)
        memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void fg_strbuf_adds(fg_strbuf *sb, const char *s)
{
    fg_strbuf_add(sb, s, strlen(s));
}

void fg_strbuf_addc(fg_strbuf *sb, char c)
{
    fg_strbuf_add(sb, &c, 1);
}

void fg_strbuf_printf(fg_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        fg_strbuf_add(sb, small, (size_t)n);
        return;
    }
    if (!sb_reserve(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void fg_strbuf_clear(fg_strbuf *sb)
{
    sb->len = 0;
    if (sb->data)
        sb->data[0] = '\0';
}

void fg_strbuf_free(fg_strbuf *sb)
{
    fg_free(sb->alloc, sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}
