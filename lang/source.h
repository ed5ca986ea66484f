/* source.h — policy source files, byte spans, the line map and the
 * diagnostics list every front-end stage reports into.
 *
 * A span is a byte range in one loaded file; line and column are computed
 * from the file's line map only when a diagnostic or a row error is shown.
 * Columns are 1-based and count bytes. Ownership: an fg_sources owns its
 * files' names and texts; an fg_diags owns its messages. */
#ifndef FG_SOURCE_H
#define FG_SOURCE_H

#include "../base/fg_base.h"

typedef struct fg_span {
    uint32_t file;  /* index into fg_sources.files */
    uint32_t start; /* byte offset of the first byte */
    uint32_t end;   /* byte offset one past the last byte */
} fg_span;

typedef struct fg_file {
    char *name; /* as given (e.g. "rules.fp"), used in diagnostics */
    char *path; /* path used to open it (for resolving imports) */
    char *text; /* NUL-terminated contents */
    size_t len;
    uint32_t *line_starts; /* byte offset where each line starts */
    uint32_t nlines;
} fg_file;

typedef struct fg_sources {
    const fg_allocator *alloc;
    fg_file **files;
    uint32_t nfiles, cap;
} fg_sources;

void fg_sources_init(fg_sources *s, const fg_allocator *alloc);
void fg_sources_free(fg_sources *s);
/* Adds a copy of text; returns the file index or -1 when out of memory. */
int fg_sources_add(fg_sources *s, const char *name, const char *path, const char *text, size_t len);

typedef struct fg_linecol {
    uint32_t line, col; /* 1-based */
} fg_linecol;

fg_linecol fg_sources_linecol(const fg_sources *s, uint32_t file, uint32_t offset);
/* The text of a 1-based line without its line terminator. */
const char *fg_sources_line(const fg_sources *s, uint32_t file, uint32_t line, size_t *len);

typedef enum fg_severity { FG_SEV_ERROR, FG_SEV_WARNING, FG_SEV_NOTE } fg_severity;

typedef struct fg_diag {
    fg_severity severity;
    fg_span span;
    bool has_span; /* false for whole-run problems (e.g. file not found) */
    char *message; /* one line, no trailing period, `names` in backquotes */
    char *hint;    /* NULL or one line of advice */
} fg_diag;

typedef struct fg_diags {
    const fg_allocator *alloc;
    fg_diag *items;
    uint32_t n, cap;
    uint32_t nerrors, nwarnings;
    bool oom;
} fg_diags;

void fg_diags_init(fg_diags *d, const fg_allocator *alloc);
void fg_diags_free(fg_diags *d);
/* Adds a diagnostic; hint may be NULL. message is printf-formatted. */
void fg_diag_add(fg_diags *d, fg_severity sev, fg_span span, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
void fg_diag_add_nospan(fg_diags *d, fg_severity sev, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Sorts diagnostics by file and position (stable), so output is in source order. */
void fg_diags_sort(fg_diags *d);

/* Renders one diagnostic like a compiler:
 *   rules.fp:12:7: error: message
 *      12 | rule scale: capacity >= 5
 *         |             ^~~~~~~~
 *      = hint: did you mean `capacity_t`?
 * into sb (appends). */
void fg_diag_render(const fg_sources *s, const fg_diag *d, fg_strbuf *sb);

/* Edit distance helper for "did you mean" hints: the candidate closest to
 * name within a small distance, or NULL. */
const char *fg_closest_name(const char *name, const char *const *candidates, size_t n);

#endif
