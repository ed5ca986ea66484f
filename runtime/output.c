/* output.c — writers for evaluated rows in csv, tsv, jsonl and an aligned
 * table. Values are formatted through format.h; bytes are collected in a
 * buffer and handed to the sink in blocks of about 64 KiB. The table
 * format keeps every cell until fg_writer_finish, since column widths
 * depend on all rows.
 *
 * Table layout: a header row, a rule of `-` as wide as each column, then
 * the rows; two spaces between columns; widths count UTF-8 code points;
 * int and num columns (header included) are right-aligned, others
 * left-aligned; lines carry no trailing spaces (the last column is not
 * padded and trailing blanks, e.g. of missing cells, are dropped). LF, CR and TAB inside a text
 * cell are shown as
 * `\n`, `\r`, `\t` so each row stays on one line. MARKDOWN is the same
 * buffered table as a GitHub pipe table (`| a | b |`, a `| --- | ---: |`
 * rule, numeric columns right-aligned, `|` in a cell written `\|`). */
#include "output.h"

#include <stdio.h>
#include <string.h>

#include "format.h"

#define OUT_FLUSH_AT ((size_t)64 * 1024)

struct fg_writer {
    const fg_allocator *alloc;
    fg_out_format fmt;
    fg_byte_sink sink;
    uint32_t ncols;
    char **names;
    fg_type *types;
    fg_strbuf out;
    bool failed;
    /* table: every cell, row-major, header first */
    fg_arena cells;
    fg_str *tcells;
    size_t ntcells, tcap;
    bool grouping; /* thousands separators in TABLE / MARKDOWN numbers */
    bool held;     /* between fg_writer_swap_out calls: no flushing */
};

void fg_writer_set_grouping(fg_writer *w, bool on)
{
    w->grouping = on;
}

void fg_writer_swap_out(fg_writer *w, fg_strbuf *sb)
{
    fg_strbuf t = w->out;
    w->out = *sb;
    *sb = t;
    w->held = !w->held;
}

void fg_group_digits(fg_strbuf *sb, const char *s, size_t n)
{
    size_t i = 0, d0, d1;
    for (size_t k = 0; k < n; k++)
        if (s[k] == 'e' || s[k] == 'E') {
            fg_strbuf_add(sb, s, n); /* exponent form: as is */
            return;
        }
    if (i < n && s[i] == '-')
        i++;
    d0 = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    d1 = i;
    fg_strbuf_add(sb, s, d0);
    for (size_t k = d0; k < d1; k++) {
        if (k > d0 && (d1 - k) % 3 == 0)
            fg_strbuf_addc(sb, ',');
        fg_strbuf_addc(sb, s[k]);
    }
    fg_strbuf_add(sb, s + d1, n - d1);
}

/* Appends s as a CSV/TSV cell at o (room for 2n + 2 bytes), quoted when
 * fg_csv_quote would quote it; returns the new end. */
static char *csv_cell(char *o, const char *s, size_t n, char delim)
{
    bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++) {
        char c = s[i];
        quote = c == delim || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
        memcpy(o, s, n);
        return o + n;
    }
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        *o++ = s[i];
        if (s[i] == '"')
            *o++ = '"';
    }
    *o++ = '"';
    return o;
}

void fg_csv_quote(fg_strbuf *sb, const char *s, size_t n, char delim)
{
    if (!fg_strbuf_reserve(sb, 2 * n + 2))
        return;
    char *o = csv_cell(sb->data + sb->len, s, n, delim);
    *o = '\0';
    sb->len = (size_t)(o - sb->data);
}

void fg_json_quote(fg_strbuf *sb, const char *s, size_t n)
{
    fg_strbuf_addc(sb, '"');
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[8];
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c == '\b')
            esc = "\\b";
        else if (c == '\f')
            esc = "\\f";
        else if (c < 0x20) {
            snprintf(u, sizeof u, "\\u%04x", c);
            esc = u;
        }
        if (esc) {
            fg_strbuf_add(sb, s + from, i - from);
            fg_strbuf_adds(sb, esc);
            from = i + 1;
        }
    }
    fg_strbuf_add(sb, s + from, n - from);
    fg_strbuf_addc(sb, '"');
}

fg_writer *fg_writer_new(const fg_allocator *alloc, fg_out_format fmt, fg_byte_sink sink,
                         uint32_t ncols, const char *const *names, const fg_type *types)
{
    fg_writer *w = fg_calloc(alloc, 1, sizeof *w);
    if (!w)
        return NULL;
    w->alloc = alloc;
    w->fmt = fmt;
    w->sink = sink;
    w->ncols = ncols;
    fg_strbuf_init(&w->out, alloc);
    fg_arena_init(&w->cells, alloc);
    w->names = fg_calloc(alloc, ncols ? ncols : 1, sizeof *w->names);
    w->types = fg_calloc(alloc, ncols ? ncols : 1, sizeof *w->types);
    if (!w->names || !w->types)
        goto fail;
    for (uint32_t i = 0; i < ncols; i++) {
        w->names[i] = fg_strndup(alloc, names[i], strlen(names[i]));
        if (!w->names[i])
            goto fail;
        w->types[i] = types[i];
    }
    return w;
fail:
    fg_writer_free(w);
    return NULL;
}

void fg_writer_free(fg_writer *w)
{
    if (!w)
        return;
    if (w->names)
        for (uint32_t i = 0; i < w->ncols; i++)
            fg_free(w->alloc, w->names[i]);
    fg_free(w->alloc, w->names);
    fg_free(w->alloc, w->types);
    fg_free(w->alloc, w->tcells);
    fg_strbuf_free(&w->out);
    fg_arena_free(&w->cells);
    fg_free(w->alloc, w);
}

/* Hands the buffered bytes to the sink (all of them, or once enough piled up). */
static bool flush(fg_writer *w, bool all)
{
    if (w->failed)
        return false;
    if (w->out.failed) {
        w->failed = true;
        return false;
    }
    if (w->out.len == 0 || (!all && w->out.len < OUT_FLUSH_AT) || w->held)
        return true;
    if (!w->sink.write(w->sink.ud, w->out.data, w->out.len)) {
        w->failed = true;
        return false;
    }
    fg_strbuf_clear(&w->out);
    return true;
}

static bool is_numeric_col(const fg_writer *w, uint32_t i)
{
    return fg_type_is_numeric(w->types[i]);
}

/* Keeps one table cell; text cells have LF, CR and TAB made visible. */
static bool table_add(fg_writer *w, const char *s, size_t n)
{
    if (w->ntcells == w->tcap) {
        size_t cap = w->tcap ? w->tcap * 2 : 256;
        fg_str *nc = fg_realloc(w->alloc, w->tcells, cap * sizeof *nc);
        if (!nc)
            return false;
        w->tcells = nc;
        w->tcap = cap;
    }
    size_t extra = 0;
    bool md = w->fmt == FG_FMT_MARKDOWN;
    for (size_t i = 0; i < n; i++)
        extra += s[i] == '\n' || s[i] == '\r' || s[i] == '\t' || (md && s[i] == '|');
    char *c = fg_arena_alloc(&w->cells, n + extra + 1);
    if (!c)
        return false;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            c[m++] = '\\';
            c[m++] = ch == '\n' ? 'n' : ch == '\r' ? 'r' : 't';
        } else if (md && ch == '|') {
            c[m++] = '\\';
            c[m++] = '|';
        } else {
            c[m++] = ch;
        }
    }
    c[m] = '\0';
    w->tcells[w->ntcells].ptr = c;
    w->tcells[w->ntcells].len = (uint32_t)m;
    w->ntcells++;
    return true;
}

bool fg_writer_header(fg_writer *w)
{
    if (w->failed)
        return false;
    switch (w->fmt) {
    case FG_FMT_CSV:
    case FG_FMT_TSV: {
        char delim = w->fmt == FG_FMT_CSV ? ',' : '\t';
        for (uint32_t i = 0; i < w->ncols; i++) {
            if (i)
                fg_strbuf_addc(&w->out, delim);
            fg_csv_quote(&w->out, w->names[i], strlen(w->names[i]), delim);
        }
        fg_strbuf_addc(&w->out, '\n');
        return flush(w, false);
    }
    case FG_FMT_JSONL:
        return true;
    case FG_FMT_TABLE:
    case FG_FMT_MARKDOWN:
        for (uint32_t i = 0; i < w->ncols; i++)
            if (!table_add(w, w->names[i], strlen(w->names[i]))) {
                w->failed = true;
                return false;
            }
        return true;
    }
    return false;
}

/* The text of a present value as every format writes it; numbers are
 * formatted into num. */
static const char *value_text(fg_type base, fg_value v, char num[FG_NUM_BUF], size_t *n)
{
    switch (base) {
    case FG_T_INT:
        *n = fg_fmt_int(v.i, num);
        return num;
    case FG_T_NUM:
        *n = fg_fmt_num(v.n, num);
        return num;
    case FG_T_BOOL:
        *n = v.b ? 4 : 5;
        return v.b ? "true" : "false";
    default:
        *n = v.s.len;
        return v.s.ptr;
    }
}

/* The CSV/TSV row: room for the whole row is made once, then every cell
 * is written in place. Numbers and booleans go out unquoted: their text
 * never holds a comma, tab, quote, CR, LF or edge space. */
static bool csv_row(fg_writer *w, const fg_value *vals, char delim)
{
    size_t need = 1;
    for (uint32_t i = 0; i < w->ncols; i++)
        need += 1 + (fg_type_base(w->types[i]) == FG_T_STR && !vals[i].missing
                         ? 2 * (size_t)vals[i].s.len + 2
                         : 2 * FG_NUM_BUF + 2);
    if (!fg_strbuf_reserve(&w->out, need)) {
        w->failed = true;
        return false;
    }
    char *o = w->out.data + w->out.len;
    char num[FG_NUM_BUF];
    for (uint32_t i = 0; i < w->ncols; i++) {
        if (i)
            *o++ = delim;
        fg_value v = vals[i];
        if (v.missing)
            continue;
        fg_type base = fg_type_base(w->types[i]);
        size_t n;
        const char *text = value_text(base, v, num, &n);
        if (base != FG_T_STR) {
            memcpy(o, text, n);
            o += n;
        } else {
            o = csv_cell(o, text, n, delim);
        }
    }
    *o++ = '\n';
    *o = '\0';
    w->out.len = (size_t)(o - w->out.data);
    return flush(w, false);
}

bool fg_writer_row(fg_writer *w, const fg_value *vals)
{
    if (w->failed)
        return false;
    if (w->fmt == FG_FMT_CSV || w->fmt == FG_FMT_TSV)
        return csv_row(w, vals, w->fmt == FG_FMT_CSV ? ',' : '\t');
    char num[FG_NUM_BUF];
    for (uint32_t i = 0; i < w->ncols; i++) {
        fg_value v = vals[i];
        fg_type base = fg_type_base(w->types[i]);
        const char *text = NULL;
        size_t n = 0;
        if (!v.missing)
            text = value_text(base, v, num, &n);
        switch (w->fmt) {
        case FG_FMT_CSV:
        case FG_FMT_TSV:
            break; /* csv_row */
        case FG_FMT_JSONL:
            fg_strbuf_addc(&w->out, i ? ',' : '{');
            fg_json_quote(&w->out, w->names[i], strlen(w->names[i]));
            fg_strbuf_addc(&w->out, ':');
            if (!text)
                fg_strbuf_adds(&w->out, "null");
            else if (base == FG_T_STR)
                fg_json_quote(&w->out, text, n);
            else
                fg_strbuf_add(&w->out, text, n);
            break;
        case FG_FMT_TABLE:
        case FG_FMT_MARKDOWN: {
            bool ok;
            if (text && w->grouping && (base == FG_T_INT || base == FG_T_NUM)) {
                fg_strbuf g;
                fg_strbuf_init(&g, w->alloc);
                fg_group_digits(&g, text, n);
                ok = !g.failed && table_add(w, g.data, g.len);
                fg_strbuf_free(&g);
            } else {
                ok = table_add(w, text ? text : "", n);
            }
            if (!ok) {
                w->failed = true;
                return false;
            }
            break;
        }
        }
    }
    if (w->fmt == FG_FMT_JSONL)
        fg_strbuf_adds(&w->out, w->ncols ? "}\n" : "{}\n");
    else if (w->fmt != FG_FMT_TABLE && w->fmt != FG_FMT_MARKDOWN)
        fg_strbuf_addc(&w->out, '\n');
    return flush(w, false);
}

static size_t code_points(fg_str s)
{
    size_t n = 0;
    for (uint32_t i = 0; i < s.len; i++)
        n += ((unsigned char)s.ptr[i] & 0xC0) != 0x80;
    return n;
}

static void pad(fg_strbuf *sb, size_t n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        fg_strbuf_add(sb, spaces, k);
        n -= k;
    }
}

/* Writes one table line of cells (or the rule when cells is NULL). */
static void table_line(fg_writer *w, const fg_str *cells, const size_t *width)
{
    for (uint32_t i = 0; i < w->ncols; i++) {
        if (i)
            fg_strbuf_add(&w->out, "  ", 2);
        bool last = i + 1 == w->ncols;
        if (!cells) {
            for (size_t k = 0; k < width[i]; k++)
                fg_strbuf_addc(&w->out, '-');
            continue;
        }
        size_t cp = code_points(cells[i]);
        size_t fill = width[i] - cp;
        if (is_numeric_col(w, i))
            pad(&w->out, fill);
        fg_strbuf_add(&w->out, cells[i].ptr, cells[i].len);
        if (!is_numeric_col(w, i) && !last)
            pad(&w->out, fill);
    }
    while (w->out.len > 0 && w->out.data[w->out.len - 1] == ' ')
        w->out.len--; /* no trailing spaces (missing cells at the end) */
    fg_strbuf_addc(&w->out, '\n');
}

/* One markdown line of cells (or the `---` rule when cells is NULL). */
static void markdown_line(fg_writer *w, const fg_str *cells, const size_t *width)
{
    fg_strbuf_addc(&w->out, '|');
    for (uint32_t i = 0; i < w->ncols; i++) {
        size_t wd = width[i] < 3 ? 3 : width[i];
        bool right = is_numeric_col(w, i);
        fg_strbuf_addc(&w->out, ' ');
        if (!cells) {
            for (size_t k = 0; k + (right ? 1 : 0) < wd; k++)
                fg_strbuf_addc(&w->out, '-');
            if (right)
                fg_strbuf_addc(&w->out, ':');
        } else {
            size_t fill = wd - code_points(cells[i]);
            if (right)
                pad(&w->out, fill);
            fg_strbuf_add(&w->out, cells[i].ptr, cells[i].len);
            if (!right)
                pad(&w->out, fill);
        }
        fg_strbuf_adds(&w->out, " |");
    }
    fg_strbuf_addc(&w->out, '\n');
}

static bool table_write(fg_writer *w)
{
    if (w->ncols == 0)
        return true;
    size_t *width = fg_calloc(w->alloc, w->ncols, sizeof *width);
    if (!width) {
        w->failed = true;
        return false;
    }
    size_t nrows = w->ntcells / w->ncols;
    for (size_t r = 0; r < nrows; r++)
        for (uint32_t i = 0; i < w->ncols; i++) {
            size_t cp = code_points(w->tcells[r * w->ncols + i]);
            if (cp > width[i])
                width[i] = cp;
        }
    bool ok = true;
    for (size_t r = 0; r < nrows && ok; r++) {
        void (*line)(fg_writer *, const fg_str *, const size_t *) =
            w->fmt == FG_FMT_MARKDOWN ? markdown_line : table_line;
        line(w, w->tcells + r * w->ncols, width);
        if (r == 0)
            line(w, NULL, width);
        ok = flush(w, false);
    }
    fg_free(w->alloc, width);
    return ok;
}

bool fg_writer_finish(fg_writer *w)
{
    if (w->failed)
        return false;
    if ((w->fmt == FG_FMT_TABLE || w->fmt == FG_FMT_MARKDOWN) && !table_write(w))
        return false;
    return flush(w, true);
}
