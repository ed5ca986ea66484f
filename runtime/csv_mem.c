/* csv_mem.c — the reader's fast path for input already in memory (a chunk
 * of a mapped file, runtime/pipeline.c).
 *
 * The streaming reader (csv.c) copies bytes into its buffer and steps a
 * state machine over every byte. Here the fields are found where they lie:
 * 64 bytes at a time become one bitmask of delimiters, quotes and line
 * feeds, and the scan jumps from one set bit to the next; quoted fields
 * are found with memchr. Fields point into the caller's memory except the
 * few with doubled quotes, collapsed into a scratch buffer.
 *
 * Only well-formed records are taken this way. Anything else (a malformed
 * quote, more fields than the header, a record over the size limit, a
 * record that ends without a line feed at the end of the input, a lone CR
 * at a record's start) is handed to the streaming reader from that
 * record's first byte, so there is one definition of every odd case and the
 * rows are the same whichever path read them (tests/unit/test_csv_mem.c
 * compares them on adversarial inputs). */
#include <string.h>

#include "bytemask.h"
#include "csv.h"
#include "csv_int.h"

/* The mask of the 64-byte block containing the last position looked at. */
typedef struct block_scan {
    const char *buf;
    size_t len;
    size_t base; /* offset of the cached block, a multiple of 64; SIZE_MAX: none */
    uint64_t stops;
    char delim;
} block_scan;

/* The first delimiter, quote or LF at or after pos; len when none. */
static inline size_t next_stop(block_scan *s, size_t pos)
{
    for (;;) {
        size_t base = pos & ~(size_t)63;
        if (base >= s->len)
            return s->len;
        if (base != s->base) {
            s->base = base;
            if (s->len - base >= 64) {
                s->stops = fg_bytemask3(s->buf + base, s->delim, '"', '\n');
            } else {
                char tail[64] = {0};
                memcpy(tail, s->buf + base, s->len - base);
                /* bits past the end are cleared below, whatever the delimiter */
                s->stops = fg_bytemask3(tail, s->delim, '"', '\n') &
                           ((~(uint64_t)0) >> (64 - (s->len - base)));
            }
        }
        uint64_t m = s->stops & (~(uint64_t)0 << (pos - base));
        if (m)
            return base + fg_lowest_bit(m);
        pos = base + 64;
    }
}

static uint64_t count_lf(const char *p, size_t n)
{
    uint64_t k = 0;
    for (const char *q = p, *end = p + n; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
        k++;
    return k;
}

static bool reserve_fields(fg_csv_reader *r, uint32_t n)
{
    if (r->mfcap >= n)
        return true;
    fg_csv_field *f = fg_realloc(r->alloc, r->mfields, (size_t)n * sizeof *f);
    if (!f)
        return false;
    r->mfields = f;
    unsigned char *d = fg_realloc(r->alloc, r->mdq, n);
    if (!d)
        return false;
    r->mdq = d;
    r->mfcap = n;
    return true;
}

typedef enum split_result { SPLIT_OK, SPLIT_SLOW, SPLIT_OOM } split_result;

/* Splits the well-formed record at *pos into r->mfields (at most nmax
 * fields). On SPLIT_OK *pos is past its line feed and *lines holds the
 * line feeds it contains. SPLIT_SLOW: the streaming reader must take it. */
static split_result split_record(fg_csv_reader *r, block_scan *s, uint32_t nmax, size_t *pos,
                                 uint64_t *lines, fg_csv_record *rec)
{
    const char *b = s->buf;
    const size_t n = s->len, start = *pos;
    const char delim = s->delim;
    size_t p = start, dqbytes = 0;
    uint64_t lf = 1;
    uint32_t nf = 0;
    bool any_dq = false;
    for (;;) {
        if (nf == nmax)
            return SPLIT_SLOW; /* more fields than the header: ragged */
        fg_csv_field *f = &r->mfields[nf];
        r->mdq[nf] = 0;
        nf++;
        if (p < n && b[p] == '"') {
            size_t q = p + 1;
            for (;;) {
                const char *hit = memchr(b + q, '"', n - q);
                if (!hit)
                    return SPLIT_SLOW; /* never closed */
                q = (size_t)(hit - b);
                if (q + 1 < n && b[q + 1] == '"') {
                    r->mdq[nf - 1] = 1;
                    q += 2;
                    continue;
                }
                break;
            }
            if (q + 1 >= n)
                return SPLIT_SLOW; /* the input ends after the closing quote */
            f->ptr = b + p + 1;
            f->len = (uint32_t)(q - p - 1);
            f->quoted = true;
            lf += count_lf(f->ptr, f->len);
            if (r->mdq[nf - 1]) {
                any_dq = true;
                dqbytes += f->len;
            }
            char c = b[q + 1];
            if (c == delim) {
                p = q + 2;
                continue;
            }
            if (c == '\n') {
                p = q + 2;
                break;
            }
            if (c == '\r' && q + 2 < n && b[q + 2] == '\n') {
                p = q + 3;
                break;
            }
            return SPLIT_SLOW; /* text after the closing quote */
        }
        size_t e = next_stop(s, p);
        if (e >= n || b[e] == '"')
            return SPLIT_SLOW; /* no final LF, or a quote inside the field */
        f->ptr = b + p;
        f->quoted = false;
        if (b[e] == '\n') {
            size_t end = e > p && b[e - 1] == '\r' ? e - 1 : e;
            f->len = (uint32_t)(end - p);
            p = e + 1;
            break;
        }
        f->len = (uint32_t)(e - p);
        p = e + 1;
    }
    if (p - start > r->max_record)
        return SPLIT_SLOW;
    if (any_dq) { /* collapse "" to " in scratch; fields are final from here */
        if (r->scratchcap < dqbytes) {
            char *nb = fg_realloc(r->alloc, r->scratch, dqbytes);
            if (!nb)
                return SPLIT_OOM;
            r->scratch = nb;
            r->scratchcap = dqbytes;
        }
        char *o = r->scratch;
        for (uint32_t i = 0; i < nf; i++) {
            if (!r->mdq[i])
                continue;
            fg_csv_field *f = &r->mfields[i];
            const char *src = f->ptr;
            char *dst = o;
            for (uint32_t j = 0; j < f->len; j++) {
                *o++ = src[j];
                if (src[j] == '"')
                    j++;
            }
            f->ptr = dst;
            f->len = (uint32_t)(o - dst);
        }
    }
    rec->nfields = nf;
    rec->fields = r->mfields;
    rec->bad_quote = false;
    rec->too_large = false;
    *pos = p;
    *lines = lf;
    return SPLIT_OK;
}

/* A window on the rest of the input for the streaming reader, handed out
 * in small reads so that one odd record does not copy a whole chunk. */
typedef struct window {
    const char *p;
    size_t len, off;
} window;

static size_t window_read(void *ud, char *buf, size_t cap, const char **err)
{
    window *w = ud;
    *err = NULL;
    size_t n = w->len - w->off;
    if (n > cap)
        n = cap;
    if (n > 4096)
        n = 4096;
    memcpy(buf, w->p + w->off, n);
    w->off += n;
    return n;
}

fg_csv_status fg_csv_fill_batch_mem(fg_csv_reader *r, const char *buf, size_t len, size_t *pos,
                                    uint64_t *line, const fg_csv_schema *s, const fg_program *prog,
                                    fg_batch *b)
{
    fg_batch_clear(b);
    uint32_t nmax = s->nfields ? s->nfields : 1;
    if (!reserve_fields(r, nmax))
        return FG_CSV_OOM;
    block_scan scan = {buf, len, SIZE_MAX, 0, r->delim};
    size_t p = *pos;
    uint64_t ln = *line;
    while (b->nrows < b->cap) {
        /* blank lines between records: skipped, counted */
        while (p < len) {
            if (buf[p] == '\n') {
                p++;
                ln++;
            } else if (buf[p] == '\r' && p + 1 < len && buf[p + 1] == '\n') {
                p += 2;
                ln++;
            } else {
                break;
            }
        }
        if (p == len)
            break;
        fg_csv_record rec;
        uint64_t lines = 0;
        size_t next = p;
        split_result sr = split_record(r, &scan, nmax, &next, &lines, &rec);
        if (sr == SPLIT_OOM)
            return FG_CSV_OOM;
        if (sr == SPLIT_OK) {
            rec.line = ln;
            p = next;
            ln += lines;
        } else {
            window w = {buf + p, len - p, 0};
            fg_csv_restart(r, (fg_byte_source){window_read, &w}, ln);
            fg_csv_status st = fg_csv_next(r, &rec);
            if (st == FG_CSV_EOF) {
                p = len;
                break;
            }
            if (st != FG_CSV_RECORD)
                return st;
            p += (size_t)fg_csv_offset(r);
            ln = r->line;
        }
        /* cells split where they lie are referenced; the streaming reader's
         * and collapsed ones (its buffer, scratch) are copied */
        if (!fg_csv_fill_row_in_place(s, prog, b, &rec, buf, buf + len))
            return FG_CSV_OOM;
    }
    *pos = p;
    *line = ln;
    return b->nrows > 0 ? FG_CSV_RECORD : FG_CSV_EOF;
}
