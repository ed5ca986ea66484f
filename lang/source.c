/* source.c — loaded policy files with their line maps, the diagnostics list
 * and its compiler-style rendering, and the "did you mean" helper.
 *
 * Lines: every '\n' ends a line, so a text of n newlines has n + 1 lines
 * (the last one possibly empty); a '\r' just before '\n' is not part of the
 * line text. Columns count bytes from 1. */
#include "source.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---------------- files ---------------- */

void fg_sources_init(fg_sources *s, const fg_allocator *alloc)
{
    s->alloc = alloc;
    s->files = NULL;
    s->nfiles = s->cap = 0;
}

static void file_free(const fg_allocator *a, fg_file *f)
{
    if (!f)
        return;
    fg_free(a, f->name);
    fg_free(a, f->path);
    fg_free(a, f->text);
    fg_free(a, f->line_starts);
    fg_free(a, f);
}

void fg_sources_free(fg_sources *s)
{
    for (uint32_t i = 0; i < s->nfiles; i++)
        file_free(s->alloc, s->files[i]);
    fg_free(s->alloc, s->files);
    s->files = NULL;
    s->nfiles = s->cap = 0;
}

/* Builds the table of line start offsets. */
static bool build_line_map(const fg_allocator *a, fg_file *f)
{
    size_t n = 1;
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n')
            n++;
    if (n > UINT32_MAX)
        return false;
    f->line_starts = fg_calloc(a, n, sizeof(uint32_t));
    if (!f->line_starts)
        return false;
    uint32_t k = 0;
    f->line_starts[k++] = 0;
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n')
            f->line_starts[k++] = (uint32_t)(i + 1);
    f->nlines = (uint32_t)n;
    return true;
}

int fg_sources_add(fg_sources *s, const char *name, const char *path, const char *text, size_t len)
{
    if (len >= UINT32_MAX || s->nfiles >= INT32_MAX)
        return -1;
    if (s->nfiles == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 4;
        fg_file **files = fg_realloc(s->alloc, s->files, cap * sizeof(fg_file *));
        if (!files)
            return -1;
        s->files = files;
        s->cap = cap;
    }
    fg_file *f = fg_calloc(s->alloc, 1, sizeof *f);
    if (!f)
        return -1;
    f->name = fg_strndup(s->alloc, name ? name : "<input>", strlen(name ? name : "<input>"));
    f->path = fg_strndup(s->alloc, path ? path : (name ? name : ""),
                         strlen(path ? path : (name ? name : "")));
    f->text = fg_strndup(s->alloc, text ? text : "", text ? len : 0);
    f->len = text ? len : 0;
    if (!f->name || !f->path || !f->text || !build_line_map(s->alloc, f)) {
        file_free(s->alloc, f);
        return -1;
    }
    s->files[s->nfiles] = f;
    return (int)s->nfiles++;
}

fg_linecol fg_sources_linecol(const fg_sources *s, uint32_t file, uint32_t offset)
{
    fg_linecol lc = {1, 1};
    if (file >= s->nfiles)
        return lc;
    const fg_file *f = s->files[file];
    if (offset > f->len)
        offset = (uint32_t)f->len;
    /* last line whose start is <= offset */
    uint32_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    lc.line = lo + 1;
    lc.col = offset - f->line_starts[lo] + 1;
    return lc;
}

const char *fg_sources_line(const fg_sources *s, uint32_t file, uint32_t line, size_t *len)
{
    *len = 0;
    if (file >= s->nfiles)
        return "";
    const fg_file *f = s->files[file];
    if (line == 0 || line > f->nlines)
        return "";
    uint32_t start = f->line_starts[line - 1];
    size_t end = line < f->nlines ? f->line_starts[line] - 1 : f->len;
    if (end > start && f->text[end - 1] == '\r')
        end--;
    *len = end - start;
    return f->text + start;
}

/* ---------------- diagnostics ---------------- */

void fg_diags_init(fg_diags *d, const fg_allocator *alloc)
{
    memset(d, 0, sizeof *d);
    d->alloc = alloc;
}

void fg_diags_free(fg_diags *d)
{
    for (uint32_t i = 0; i < d->n; i++) {
        fg_free(d->alloc, d->items[i].message);
        fg_free(d->alloc, d->items[i].hint);
    }
    fg_free(d->alloc, d->items);
    d->items = NULL;
    d->n = d->cap = d->nerrors = d->nwarnings = 0;
}

static char *vformat(const fg_allocator *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = fg_malloc(a, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

static void diag_addv(fg_diags *d, fg_severity sev, const fg_span *span, const char *hint,
                      const char *fmt, va_list ap)
{
    if (d->n == d->cap) {
        uint32_t cap = d->cap ? d->cap * 2 : 8;
        fg_diag *items = fg_realloc(d->alloc, d->items, cap * sizeof(fg_diag));
        if (!items)
            goto fail;
        d->items = items;
        d->cap = cap;
    }
    fg_diag *g = &d->items[d->n];
    memset(g, 0, sizeof *g);
    g->severity = sev;
    if (span) {
        g->span = *span;
        g->has_span = true;
    }
    g->message = vformat(d->alloc, fmt, ap);
    if (!g->message)
        goto fail;
    if (hint) {
        g->hint = fg_strndup(d->alloc, hint, strlen(hint));
        if (!g->hint) {
            fg_free(d->alloc, g->message);
            goto fail;
        }
    }
    d->n++;
    goto count;
fail:
    d->oom = true;
count:
    /* The counts stay right even when the text could not be stored. */
    if (sev == FG_SEV_ERROR)
        d->nerrors++;
    else if (sev == FG_SEV_WARNING)
        d->nwarnings++;
}

void fg_diag_add(fg_diags *d, fg_severity sev, fg_span span, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_addv(d, sev, &span, hint, fmt, ap);
    va_end(ap);
}

void fg_diag_add_nospan(fg_diags *d, fg_severity sev, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_addv(d, sev, NULL, hint, fmt, ap);
    va_end(ap);
}

/* Diagnostics without a span come first, then by file and start offset. */
static int diag_cmp(const fg_diag *a, const fg_diag *b)
{
    if (a->has_span != b->has_span)
        return a->has_span ? 1 : -1;
    if (!a->has_span)
        return 0;
    if (a->span.file != b->span.file)
        return a->span.file < b->span.file ? -1 : 1;
    if (a->span.start != b->span.start)
        return a->span.start < b->span.start ? -1 : 1;
    return 0;
}

/* Sorts into source order, keeping each note right after the diagnostic it
 * belongs to (the one before it), so "first declared here" stays with its
 * "duplicate" error. Stable: a merge sort of groups on a scratch copy. */
typedef struct diag_group {
    uint32_t start, len;
} diag_group;

static void merge_groups(const fg_diag *items, diag_group *g, diag_group *tmp, uint32_t n)
{
    if (n < 2)
        return;
    uint32_t h = n / 2;
    merge_groups(items, g, tmp, h);
    merge_groups(items, g + h, tmp, n - h);
    uint32_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = diag_cmp(&items[g[j].start], &items[g[i].start]) < 0 ? g[j++] : g[i++];
    while (i < h)
        tmp[k++] = g[i++];
    while (j < n)
        tmp[k++] = g[j++];
    memcpy(g, tmp, n * sizeof *g);
}

void fg_diags_sort(fg_diags *d)
{
    if (d->n < 2)
        return;
    diag_group *g = fg_malloc(d->alloc, 2 * (size_t)d->n * sizeof *g);
    fg_diag *copy = fg_malloc(d->alloc, (size_t)d->n * sizeof *copy);
    if (!g || !copy) {
        fg_free(d->alloc, g);
        fg_free(d->alloc, copy);
        return; /* unsorted output is still complete */
    }
    uint32_t ng = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        if (d->items[i].severity == FG_SEV_NOTE && ng > 0)
            g[ng - 1].len++;
        else
            g[ng++] = (diag_group){i, 1};
    }
    merge_groups(d->items, g, g + d->n, ng);
    uint32_t k = 0;
    for (uint32_t i = 0; i < ng; i++)
        for (uint32_t j = 0; j < g[i].len; j++)
            copy[k++] = d->items[g[i].start + j];
    memcpy(d->items, copy, (size_t)d->n * sizeof *copy);
    fg_free(d->alloc, g);
    fg_free(d->alloc, copy);
}

static const char *severity_word(fg_severity s)
{
    switch (s) {
    case FG_SEV_WARNING:
        return "warning";
    case FG_SEV_NOTE:
        return "note";
    default:
        return "error";
    }
}

static bool is_utf8_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

void fg_diag_render(const fg_sources *s, const fg_diag *d, fg_strbuf *sb)
{
    const char *sev = severity_word(d->severity);
    if (!d->has_span || !s || d->span.file >= s->nfiles) {
        fg_strbuf_printf(sb, "%s: %s\n", sev, d->message ? d->message : "");
        if (d->hint)
            fg_strbuf_printf(sb, "     = hint: %s\n", d->hint);
        return;
    }
    const fg_file *f = s->files[d->span.file];
    fg_linecol lc = fg_sources_linecol(s, d->span.file, d->span.start);
    fg_strbuf_printf(sb, "%s:%u:%u: %s: %s\n", f->name, lc.line, lc.col, sev,
                     d->message ? d->message : "");

    size_t llen;
    const char *line = fg_sources_line(s, d->span.file, lc.line, &llen);
    /* Gutter width: 4, or more for line numbers of 5+ digits. */
    char num[16];
    int w = snprintf(num, sizeof num, "%u", lc.line);
    if (w < 4)
        w = 4;
    fg_strbuf_printf(sb, "%*u | ", w, lc.line);
    fg_strbuf_add(sb, line, llen);
    fg_strbuf_addc(sb, '\n');

    fg_strbuf_printf(sb, "%*s | ", w, "");
    size_t col0 = lc.col - 1; /* bytes before the caret on this line */
    if (col0 > llen)
        col0 = llen;
    for (size_t i = 0; i < col0; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == '\t')
            fg_strbuf_addc(sb, '\t');
        else if (!is_utf8_cont(c))
            fg_strbuf_addc(sb, ' ');
    }
    fg_strbuf_addc(sb, '^');
    size_t end = col0 + (d->span.end > d->span.start ? d->span.end - d->span.start : 1);
    if (end > llen)
        end = llen;
    /* one '~' per code point after the first one of the span */
    bool first = true;
    for (size_t i = col0; i < end; i++) {
        if (is_utf8_cont((unsigned char)line[i]))
            continue;
        if (!first)
            fg_strbuf_addc(sb, '~');
        first = false;
    }
    fg_strbuf_addc(sb, '\n');
    if (d->hint)
        fg_strbuf_printf(sb, "%*s = hint: %s\n", w, "", d->hint);
}

/* ---------------- closest name ---------------- */

#define FG_NAME_MAX 64

/* Optimal-string-alignment distance (Damerau: adjacent swaps count 1). */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t rows[3][FG_NAME_MAX + 1];
    size_t *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= lb; j++)
        p[j] = j;
    for (size_t i = 1; i <= la; i++) {
        c[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (p[j - 1] + cost < v)
                v = p[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
        }
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[lb];
}

const char *fg_closest_name(const char *name, const char *const *candidates, size_t n)
{
    size_t len = strlen(name);
    if (len == 0 || len > FG_NAME_MAX)
        return NULL;
    size_t limit = len / 3 > 1 ? len / 3 : 1;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        const char *c = candidates[i];
        if (!c)
            continue;
        size_t lc = strlen(c);
        if (lc > FG_NAME_MAX || (lc > len ? lc - len : len - lc) > limit)
            continue;
        if (lc == len && memcmp(c, name, len) == 0)
            continue; /* the name itself is no suggestion */
        size_t d = edit_distance(name, len, c, lc);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}
