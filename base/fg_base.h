/* fg_base.h — the allocation funnel, the arena, growable vectors and a string
 * buffer shared by every stage. Every byte the library allocates goes through
 * an fg_allocator so hosts can account, limit and inject failures.
 *
 * Ownership: an arena owns everything allocated from it and frees it all in
 * fg_arena_free(); vectors and buffers allocated "from an arena" are never
 * freed one by one. fg_strbuf owns its bytes until fg_strbuf_free(). */
#ifndef FG_BASE_H
#define FG_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* realloc-like hook: size 0 frees ptr and returns NULL. */
typedef void *(*fg_realloc_fn)(void *ud, void *ptr, size_t size);

typedef struct fg_allocator {
    fg_realloc_fn fn; /* NULL means the C library's realloc/free */
    void *ud;
} fg_allocator;

void *fg_malloc(const fg_allocator *a, size_t size);
void *fg_calloc(const fg_allocator *a, size_t n, size_t size); /* NULL on overflow */
void *fg_realloc(const fg_allocator *a, void *ptr, size_t size);
void fg_free(const fg_allocator *a, void *ptr);
char *fg_strndup(const fg_allocator *a, const char *s, size_t n);

/* ---- arena: bump allocation in chunks, freed in one call ---- */
typedef struct fg_arena_chunk fg_arena_chunk;
typedef struct fg_arena {
    const fg_allocator *alloc;
    fg_arena_chunk *head;
    size_t chunk_size;
    bool failed; /* set once an allocation failed */
} fg_arena;

void fg_arena_init(fg_arena *ar, const fg_allocator *alloc);
/* Memory aligned for any scalar; NULL (and ar->failed) when out of memory. */
void *fg_arena_alloc(fg_arena *ar, size_t size);
void *fg_arena_zalloc(fg_arena *ar, size_t size);
char *fg_arena_strndup(fg_arena *ar, const char *s, size_t n);
/* Keep the first chunk, drop the rest: for per-batch scratch memory. */
void fg_arena_reset(fg_arena *ar);
void fg_arena_free(fg_arena *ar);

/* ---- vector of pointers living in an arena ---- */
typedef struct fg_ptrvec {
    void **items;
    uint32_t n, cap;
} fg_ptrvec;
/* false when out of memory */
bool fg_ptrvec_push(fg_arena *ar, fg_ptrvec *v, void *item);

/* ---- growable byte buffer on the allocator (always NUL-terminated) ---- */
typedef struct fg_strbuf {
    const fg_allocator *alloc;
    char *data;
    size_t len, cap;
    bool failed;
} fg_strbuf;

void fg_strbuf_init(fg_strbuf *sb, const fg_allocator *alloc);
void fg_strbuf_add(fg_strbuf *sb, const char *s, size_t n);
void fg_strbuf_adds(fg_strbuf *sb, const char *s);
void fg_strbuf_addc(fg_strbuf *sb, char c);
/* Makes room for extra more bytes (and the NUL) so that a caller may write
 * them at data + len itself; false (and failed) when out of memory. */
bool fg_strbuf_reserve(fg_strbuf *sb, size_t extra);
void fg_strbuf_printf(fg_strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void fg_strbuf_clear(fg_strbuf *sb);
void fg_strbuf_free(fg_strbuf *sb);

#endif
