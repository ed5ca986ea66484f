/* csv.c — the streaming RFC 4180 reader, the file byte sources (plain,
 * gzip, stdin), the header schema and the batch filler.
 *
 * The reader keeps one buffer holding the unconsumed bytes. A record is
 * scanned by a small resumable state machine that records field
 * boundaries as offsets; when the buffer runs out mid-record the partial
 * record is moved to the front (the buffer doubles when the record fills
 * it) and scanning resumes where it stopped. Only once the whole record is
 * in the buffer are quoted fields unescaped, in place ("" -> " only ever
 * shrinks), so memory is bounded by the largest record.
 *
 * Choices where RFC 4180 is silent or strict:
 * - A quote inside an unquoted field (`ab"c`) and text after a closing
 *   quote (`"ab"c`) are malformed: the record gets bad_quote and the rest
 *   of its physical line is read with quotes taken as plain data, so the
 *   reader is back in step at the next line. A quote never closed runs to
 *   the end of input and makes one bad record.
 * - Records end at LF or CRLF; a CR elsewhere is data. Empty physical lines
 *   (LF or CRLF alone) between records are skipped but counted.
 * - A UTF-8 BOM is removed from the start of the input only. */
#include "csv.h"
#include "csv_int.h"

#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "format.h"

#define CSV_CHUNK ((size_t)1 << 20)         /* refill size and initial buffer */
#define CSV_MAX_BUFFER ((size_t)UINT32_MAX) /* field lengths are uint32_t */

fg_csv_reader *fg_csv_new(const fg_allocator *alloc, fg_byte_source src, char delimiter)
{
    fg_csv_reader *r = fg_calloc(alloc, 1, sizeof *r);
    if (!r)
        return NULL;
    r->alloc = alloc;
    r->src = src;
    r->delim = delimiter;
    r->line = 1;
    r->sticky = FG_CSV_RECORD;
    r->max_record = FG_CSV_MAX_RECORD;
    r->max_fields = FG_CSV_MAX_FIELDS;
    r->cap = CSV_CHUNK;
    r->buf = fg_malloc(alloc, r->cap);
    if (!r->buf) {
        fg_free(alloc, r);
        return NULL;
    }
    return r;
}

void fg_csv_set_limits(fg_csv_reader *r, size_t max_record, uint32_t max_fields)
{
    if (max_record)
        r->max_record = max_record;
    if (max_fields)
        r->max_fields = max_fields;
}

void fg_csv_restart(fg_csv_reader *r, fg_byte_source src, uint64_t line)
{
    r->src = src;
    r->len = r->rec = 0;
    r->base = 0;
    r->line = line;
    r->src_eof = false;
    r->bom_done = true;
    r->skipping = false;
    r->sticky = FG_CSV_RECORD;
    r->err[0] = '\0';
}

void fg_csv_free(fg_csv_reader *r)
{
    if (!r)
        return;
    fg_free(r->alloc, r->buf);
    fg_free(r->alloc, r->raw);
    fg_free(r->alloc, r->fields);
    fg_free(r->alloc, r->mfields);
    fg_free(r->alloc, r->mdq);
    fg_free(r->alloc, r->scratch);
    fg_free(r->alloc, r);
}

const char *fg_csv_error(const fg_csv_reader *r)
{
    return r->err;
}

uint64_t fg_csv_offset(const fg_csv_reader *r)
{
    return r->base + r->rec;
}

static fg_csv_status fail_with(fg_csv_reader *r, fg_csv_status st, const char *msg)
{
    if (st == FG_CSV_IO_ERROR)
        snprintf(r->err, sizeof r->err, "%s, after %llu bytes of data", msg,
                 (unsigned long long)(r->base + r->len));
    else
        snprintf(r->err, sizeof r->err, "%s", msg);
    r->sticky = st;
    return st;
}

/* Reads more bytes after moving the unconsumed part to the front and
 * growing the buffer when it is full. Returns FG_CSV_RECORD when bytes
 * came or the source ended (src_eof), else an error status. */
static fg_csv_status fill(fg_csv_reader *r)
{
    if (r->rec > 0) {
        memmove(r->buf, r->buf + r->rec, r->len - r->rec);
        r->base += r->rec;
        r->len -= r->rec;
        r->rec = 0;
    }
    if (r->len == r->cap) {
        if (r->cap >= CSV_MAX_BUFFER)
            return fail_with(r, FG_CSV_IO_ERROR, "a record is larger than 4 GiB");
        size_t cap = r->cap * 2;
        char *nb = fg_realloc(r->alloc, r->buf, cap);
        if (!nb)
            return fail_with(r, FG_CSV_OOM, "out of memory");
        r->buf = nb;
        r->cap = cap;
    }
    size_t want = r->cap - r->len;
    if (want > CSV_CHUNK)
        want = CSV_CHUNK;
    const char *err = NULL;
    size_t got = r->src.read(r->src.ud, r->buf + r->len, want, &err);
    if (got == 0) {
        if (err)
            return fail_with(r, FG_CSV_IO_ERROR, err);
        r->src_eof = true;
    }
    r->len += got;
    return FG_CSV_RECORD;
}

/* Makes at least `need` unconsumed bytes available unless the input ends. */
static fg_csv_status ensure(fg_csv_reader *r, size_t need)
{
    while (r->len - r->rec < need && !r->src_eof) {
        fg_csv_status st = fill(r);
        if (st != FG_CSV_RECORD)
            return st;
    }
    return FG_CSV_RECORD;
}

static bool push_field(fg_csv_reader *r, uint32_t *nraw, size_t start, size_t end, unsigned flags)
{
    if (r->skipping)
        return true;
    if (*nraw >= r->max_fields) { /* too many fields: skip the record */
        r->skipping = true;
        *nraw = 0;
        return true;
    }
    if (*nraw == r->rawcap) {
        uint32_t cap = r->rawcap ? r->rawcap * 2 : 64;
        raw_field *nf = fg_realloc(r->alloc, r->raw, cap * sizeof *nf);
        if (!nf)
            return false;
        r->raw = nf;
        r->rawcap = cap;
    }
    r->raw[*nraw].start = start;
    r->raw[*nraw].end = end;
    r->raw[*nraw].flags = flags;
    (*nraw)++;
    return true;
}

/* Skips the BOM (once) and blank lines before a record. Returns
 * FG_CSV_RECORD when a record starts at buf[rec], FG_CSV_EOF, or an error. */
static fg_csv_status skip_to_record(fg_csv_reader *r)
{
    fg_csv_status st;
    if (!r->bom_done) {
        if ((st = ensure(r, 3)) != FG_CSV_RECORD)
            return st;
        if (r->len - r->rec >= 3 && memcmp(r->buf + r->rec, "\xEF\xBB\xBF", 3) == 0)
            r->rec += 3;
        r->bom_done = true;
    }
    for (;;) {
        if ((st = ensure(r, 2)) != FG_CSV_RECORD)
            return st;
        size_t avail = r->len - r->rec;
        const char *b = r->buf + r->rec;
        if (avail == 0)
            return FG_CSV_EOF;
        if (b[0] == '\n') {
            r->rec++;
            r->line++;
        } else if (b[0] == '\r' && (avail == 1 || b[1] == '\n')) {
            r->rec += avail == 1 ? 1 : 2;
            r->line += avail == 1 ? 0 : 1;
        } else {
            return FG_CSV_RECORD;
        }
    }
}

fg_csv_status fg_csv_next(fg_csv_reader *r, fg_csv_record *rec)
{
    if (r->sticky != FG_CSV_RECORD)
        return r->sticky;
    fg_csv_status st = skip_to_record(r);
    if (st != FG_CSV_RECORD) {
        if (st == FG_CSV_EOF)
            r->sticky = FG_CSV_EOF;
        return st;
    }

    scan_state state = S_FIELD_START;
    bool bad = false;     /* the record has a malformed quote */
    bool lenient = false; /* after a malformed quote: quotes are data until LF */
    uint32_t nraw = 0;
    uint64_t skipped_lines = 0; /* newlines in bytes dropped while skipping */
    r->skipping = false;
    size_t p = 0, fstart = 0, fend = 0;
    unsigned flags = 0;
    const char delim = r->delim;
    const char *b = r->buf + r->rec;
    size_t n = r->len - r->rec;

    for (;;) {
        if (p == n) {
            if (r->src_eof)
                break;
            if (r->skipping || p >= r->max_record) {
                /* Over the limit: count the lines in the scanned bytes and
                 * drop them; the scan state goes on, so the record's end
                 * (or a quote's close) is still found. Memory stays at the
                 * limit whatever the record's size. */
                for (const char *q = b, *end = b + p;
                     (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
                    skipped_lines++;
                r->rec += p;
                r->skipping = true;
                nraw = 0;
                p = fstart = fend = 0;
            }
            if ((st = fill(r)) != FG_CSV_RECORD)
                return st;
            b = r->buf + r->rec;
            n = r->len - r->rec;
            continue;
        }
        switch (state) {
        case S_FIELD_START:
            fstart = p;
            flags = 0;
            if (b[p] == '"' && !lenient) {
                flags = RF_QUOTED;
                fstart = ++p;
                state = S_QUOTED;
            } else {
                state = S_UNQUOTED;
            }
            break;
        case S_UNQUOTED:
            while (p < n) {
                char c = b[p];
                if (c == delim) {
                    if (!push_field(r, &nraw, fstart, p, flags))
                        goto oom;
                    p++;
                    state = S_FIELD_START;
                    break;
                }
                if (c == '\n') {
                    size_t end = p;
                    if (end > fstart && b[end - 1] == '\r')
                        end--;
                    if (!push_field(r, &nraw, fstart, end, flags))
                        goto oom;
                    p++;
                    goto done;
                }
                if (c == '"' && !lenient) {
                    bad = lenient = true;
                    flags |= RF_RAW;
                }
                p++;
            }
            break;
        case S_QUOTED: {
            const char *q = memchr(b + p, '"', n - p);
            if (q) {
                p = (size_t)(q - b) + 1;
                state = S_QUOTE_SEEN;
            } else {
                p = n;
            }
            break;
        }
        case S_QUOTE_SEEN:
            if (b[p] == '"') {
                flags |= RF_DQ;
                p++;
                state = S_QUOTED;
            } else {
                fend = p - 1;
                state = S_AFTER_QUOTE;
            }
            break;
        case S_AFTER_QUOTE:
        case S_AFTER_CR:
            if (state == S_AFTER_QUOTE && b[p] == delim) {
                if (!push_field(r, &nraw, fstart, fend, flags))
                    goto oom;
                p++;
                state = S_FIELD_START;
            } else if (b[p] == '\n') {
                if (!push_field(r, &nraw, fstart, fend, flags))
                    goto oom;
                p++;
                goto done;
            } else if (state == S_AFTER_QUOTE && b[p] == '\r') {
                p++;
                state = S_AFTER_CR;
            } else {
                /* `"ab"c`: the field becomes its raw text, quotes included. */
                bad = lenient = true;
                fstart--;
                flags = RF_RAW;
                state = S_UNQUOTED;
            }
            break;
        }
    }
    /* The input ended inside the record. */
    switch (state) {
    case S_FIELD_START:
        if (!push_field(r, &nraw, p, p, 0))
            goto oom;
        break;
    case S_UNQUOTED: {
        size_t end = p;
        if (end > fstart && b[end - 1] == '\r')
            end--;
        if (!push_field(r, &nraw, fstart, end, flags))
            goto oom;
        break;
    }
    case S_QUOTED: /* never closed: one bad record up to the end */
        bad = true;
        if (!push_field(r, &nraw, fstart - 1, p, RF_RAW))
            goto oom;
        break;
    case S_QUOTE_SEEN:
        if (!push_field(r, &nraw, fstart, p - 1, flags))
            goto oom;
        break;
    case S_AFTER_QUOTE:
    case S_AFTER_CR:
        if (!push_field(r, &nraw, fstart, fend, flags))
            goto oom;
        break;
    }
done:
    /* The record's line, then the physical lines it spans; counted before
     * unescaping, which leaves stale bytes at the end of shrunk fields. */
    rec->line = r->line;
    r->line += skipped_lines;
    for (const char *q = b, *end = b + p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
        r->line++;
    if (p > r->max_record)
        r->skipping = true;
    if (r->skipping)
        nraw = 0;
    if (nraw > r->fcap) {
        fg_csv_field *nf = fg_realloc(r->alloc, r->fields, nraw * sizeof *nf);
        if (!nf)
            goto oom;
        r->fields = nf;
        r->fcap = nraw;
    }
    {
        char *w = r->buf + r->rec;
        for (uint32_t i = 0; i < nraw; i++) {
            raw_field *f = &r->raw[i];
            size_t len = f->end - f->start;
            if (f->flags & RF_DQ && !(f->flags & RF_RAW)) {
                /* Collapse "" to " in place. */
                char *s = w + f->start, *o = s;
                for (size_t j = 0; j < len; j++) {
                    *o++ = s[j];
                    if (s[j] == '"')
                        j++;
                }
                len = (size_t)(o - s);
            }
            r->fields[i].ptr = w + f->start;
            r->fields[i].len = (uint32_t)len;
            r->fields[i].quoted = (f->flags & RF_QUOTED) && !(f->flags & RF_RAW);
        }
    }
    rec->nfields = nraw;
    rec->fields = r->fields;
    rec->bad_quote = bad && !r->skipping;
    rec->too_large = r->skipping;
    r->rec += p;
    return FG_CSV_RECORD;
oom:
    return fail_with(r, FG_CSV_OOM, "out of memory");
}

/* ---- file sources ---- */

#define GZ_IN_CHUNK ((size_t)64 * 1024)

struct fg_file_source {
    const fg_allocator *alloc;
    FILE *f;
    bool own;
    char *name;
    bool gz, zinit, member_done, file_eof, failed;
    z_stream zs;
    unsigned char *in;
    size_t pend_off, pend_len; /* plain: peeked bytes not yet delivered */
    uint64_t in_off;           /* bytes read from the file */
    char err[512];
};

static size_t fs_fail(fg_file_source *fs, const char **err)
{
    fs->failed = true;
    *err = fs->err;
    return 0;
}

static size_t fs_read_plain(fg_file_source *fs, char *buf, size_t cap, const char **err)
{
    if (fs->pend_len) {
        size_t k = fs->pend_len < cap ? fs->pend_len : cap;
        memcpy(buf, fs->in + fs->pend_off, k);
        fs->pend_off += k;
        fs->pend_len -= k;
        return k;
    }
    size_t got = fread(buf, 1, cap, fs->f);
    fs->in_off += got;
    if (got == 0 && ferror(fs->f)) {
        snprintf(fs->err, sizeof fs->err, "%s: read error: %s", fs->name, strerror(errno));
        return fs_fail(fs, err);
    }
    return got;
}

/* Inflates gzip members one after another (concatenated members are one
 * stream, as gzip -d reads them). Input ending inside a member is an error,
 * never a silent end. */
static size_t fs_read_gz(fg_file_source *fs, char *buf, size_t cap, const char **err)
{
    z_stream *zs = &fs->zs;
    zs->next_out = (unsigned char *)buf;
    zs->avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
    uInt start_out = zs->avail_out;
    while (zs->avail_out == start_out) {
        if (zs->avail_in == 0) {
            size_t got = 0;
            if (!fs->file_eof) {
                got = fread(fs->in, 1, GZ_IN_CHUNK, fs->f);
                fs->in_off += got;
                if (got == 0) {
                    if (ferror(fs->f)) {
                        snprintf(fs->err, sizeof fs->err, "%s: read error: %s", fs->name,
                                 strerror(errno));
                        return fs_fail(fs, err);
                    }
                    fs->file_eof = true;
                }
            }
            zs->next_in = fs->in;
            zs->avail_in = (uInt)got;
            if (got == 0) {
                if (fs->member_done)
                    return 0;
                snprintf(fs->err, sizeof fs->err,
                         "%s: truncated gzip stream (input ends at compressed byte %llu)", fs->name,
                         (unsigned long long)fs->in_off);
                return fs_fail(fs, err);
            }
        }
        if (fs->member_done) { /* more bytes after a member: the next member */
            if (inflateReset(zs) != Z_OK) {
                snprintf(fs->err, sizeof fs->err, "%s: gzip reset failed", fs->name);
                return fs_fail(fs, err);
            }
            fs->member_done = false;
        }
        int rc = inflate(zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            fs->member_done = true;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            snprintf(fs->err, sizeof fs->err, "%s: corrupt gzip data near compressed byte %llu: %s",
                     fs->name, (unsigned long long)(fs->in_off - zs->avail_in),
                     zs->msg ? zs->msg : "inflate failed");
            return fs_fail(fs, err);
        }
    }
    return start_out - zs->avail_out;
}

static size_t fs_read(void *ud, char *buf, size_t cap, const char **err)
{
    fg_file_source *fs = ud;
    *err = NULL;
    if (fs->failed) {
        *err = fs->err;
        return 0;
    }
    return fs->gz ? fs_read_gz(fs, buf, cap, err) : fs_read_plain(fs, buf, cap, err);
}

fg_file_source *fg_file_source_open(const fg_allocator *alloc, const char *path, FILE *std_in,
                                    const char **err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? std_in : fopen(path, "rb");
    if (!f) {
        *err = is_stdin ? "no standard input" : strerror(errno);
        return NULL;
    }
    fg_file_source *fs = fg_calloc(alloc, 1, sizeof *fs);
    if (!fs)
        goto oom;
    fs->alloc = alloc;
    fs->f = f;
    fs->own = !is_stdin;
    fs->name = fg_strndup(alloc, is_stdin ? "<stdin>" : path, strlen(is_stdin ? "<stdin>" : path));
    fs->in = fg_malloc(alloc, GZ_IN_CHUNK);
    if (!fs->name || !fs->in)
        goto oom;
    /* Peek at two bytes: gzip's magic 1f 8b decides, whatever the name. */
    size_t got = fread(fs->in, 1, 2, f);
    fs->in_off = got;
    if (got == 0 && ferror(f)) {
        *err = strerror(errno);
        fg_file_source_close(fs);
        return NULL;
    }
    if (got == 2 && fs->in[0] == 0x1f && fs->in[1] == 0x8b) {
        fs->gz = true;
        fs->zs.next_in = fs->in;
        fs->zs.avail_in = 2;
        if (inflateInit2(&fs->zs, 15 + 32) != Z_OK)
            goto oom;
        fs->zinit = true;
    } else {
        fs->pend_len = got;
    }
    return fs;
oom:
    *err = "out of memory";
    if (fs)
        fg_file_source_close(fs);
    else if (!is_stdin)
        fclose(f);
    return NULL;
}

fg_byte_source fg_file_source_bytes(fg_file_source *fs)
{
    fg_byte_source s = {fs_read, fs};
    return s;
}

void fg_file_source_close(fg_file_source *fs)
{
    if (!fs)
        return;
    if (fs->zinit)
        inflateEnd(&fs->zs);
    if (fs->own && fs->f)
        fclose(fs->f);
    fg_free(fs->alloc, fs->in);
    fg_free(fs->alloc, fs->name);
    fg_free(fs->alloc, fs);
}

/* ---- schema ---- */

/* Appends cell text for messages: `"` `\` escaped, LF and CR as \n \r,
 * cut after max bytes (at a UTF-8 boundary) with "..." (max 0: no cut). */
static size_t escape_text(char *out, size_t cap, const char *s, size_t n, size_t max)
{
    size_t m = 0;
    bool cut = false;
    if (max && n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* do not split a code point */
        cut = true;
    }
    for (size_t i = 0; i < n && m + 8 < cap; i++) {
        char c = s[i];
        const char *esc = c == '"'    ? "\\\""
                          : c == '\\' ? "\\\\"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                                      : NULL;
        if (esc) {
            out[m++] = esc[0];
            out[m++] = esc[1];
        } else {
            out[m++] = c;
        }
    }
    if (cut && m + 4 < cap) {
        memcpy(out + m, "...", 3);
        m += 3;
    }
    out[m] = '\0';
    return m;
}

bool fg_csv_schema_init(fg_csv_schema *s, const fg_allocator *alloc, const fg_program *prog,
                        const fg_csv_record *header, fg_strbuf *msg)
{
    memset(s, 0, sizeof *s);
    if (header->too_large) {
        fg_strbuf_printf(msg, "the header is too large (over %zu MiB or %u fields)",
                         FG_CSV_MAX_RECORD >> 20, (unsigned)FG_CSV_MAX_FIELDS);
        return false;
    }
    s->nfields = header->nfields;
    s->input_of = fg_calloc(alloc, header->nfields ? header->nfields : 1, sizeof *s->input_of);
    s->field_of = fg_calloc(alloc, prog->ninputs ? prog->ninputs : 1, sizeof *s->field_of);
    if (!s->input_of || !s->field_of) {
        fg_strbuf_adds(msg, "out of memory");
        goto fail;
    }
    for (uint32_t j = 0; j < header->nfields; j++)
        s->input_of[j] = -1;
    for (uint32_t i = 0; i < prog->ninputs; i++) {
        const fg_input *in = &prog->inputs[i];
        const char *h = in->header ? in->header : in->name;
        size_t hl = strlen(h);
        int64_t found = -1;
        uint32_t count = 0;
        for (uint32_t j = 0; j < header->nfields; j++) {
            const fg_csv_field *f = &header->fields[j];
            if (f->len == hl && memcmp(f->ptr, h, hl) == 0) {
                if (found < 0)
                    found = j;
                count++;
            }
        }
        char esc[1024];
        escape_text(esc, sizeof esc, h, hl, 200);
        if (count == 0) {
            if (strcmp(h, in->name) != 0)
                fg_strbuf_printf(msg, "column \"%s\" (input %s) is not in the header", esc,
                                 in->name);
            else
                fg_strbuf_printf(msg, "column \"%s\" is not in the header", esc);
            goto fail;
        }
        if (count > 1) {
            fg_strbuf_printf(msg, "column \"%s\" appears twice in the header", esc);
            goto fail;
        }
        s->field_of[i] = (uint32_t)found;
        if (s->input_of[found] < 0)
            s->input_of[found] = (int32_t)i;
    }
    return true;
fail:
    fg_csv_schema_free(s, alloc);
    return false;
}

void fg_csv_schema_free(fg_csv_schema *s, const fg_allocator *alloc)
{
    fg_free(alloc, s->input_of);
    fg_free(alloc, s->field_of);
    s->input_of = NULL;
    s->field_of = NULL;
}

/* ---- batch filler ---- */

static bool is_na(const fg_csv_schema *s, const fg_csv_field *f)
{
    if (f->len == 0)
        return true;
    if (f->quoted)
        return false;
    for (uint32_t k = 0; k < s->nna; k++) {
        const char *m = s->na[k];
        if (strlen(m) == f->len && memcmp(m, f->ptr, f->len) == 0)
            return true;
    }
    return false;
}

static fg_str arena_str(fg_arena *ar, const char *p, size_t n, bool *ok)
{
    fg_str out = {"", 0};
    if (n == 0)
        return out;
    char *c = fg_arena_strndup(ar, p, n);
    if (!c) {
        *ok = false;
        return out;
    }
    out.ptr = c;
    out.len = (uint32_t)n;
    return out;
}

static void set_missing(fg_column *c, uint32_t row)
{
    c->missing[row] = true;
    switch (fg_type_base(c->type)) {
    case FG_T_INT:
        c->i[row] = 0;
        break;
    case FG_T_NUM:
        c->n[row] = 0;
        break;
    case FG_T_BOOL:
        c->b[row] = false;
        break;
    default:
        c->s[row].ptr = "";
        c->s[row].len = 0;
        break;
    }
}

/* Converts one record into row `row`; false only when out of memory. */
/* Text of a cell for the batch: referenced where it lies when it is in
 * [lo, hi) (memory that outlives the batch), else copied to the arena. */
static fg_str cell_str(fg_batch *b, const fg_csv_field *f, const char *lo, const char *hi, bool *ok)
{
    if (f->ptr >= lo && f->ptr < hi)
        return (fg_str){f->ptr, f->len};
    return arena_str(&b->text, f->ptr, f->len, ok);
}

static bool fill_row(const fg_csv_schema *s, const fg_program *prog, fg_batch *b, uint32_t row,
                     const fg_csv_record *rec, const char *lo, const char *hi)
{
    bool ok = true;
    fg_rowerr *e = &b->err[row];
    memset(e, 0, sizeof *e);
    e->kind = FG_RE_NONE;
    e->column = -1;
    e->detail.ptr = "";
    b->line[row] = rec->line;
    for (uint32_t k = 0; k < b->nkeys; k++) {
        uint32_t fi = s->field_of[prog->keys[k]];
        fg_str t = {"", 0};
        if (fi < rec->nfields)
            t = cell_str(b, &rec->fields[fi], lo, hi, &ok);
        b->keytext[(size_t)row * b->nkeys + k] = t;
    }
    char buf[256];
    if (rec->too_large) {
        e->kind = FG_RE_RAGGED;
        int n = snprintf(buf, sizeof buf,
                         "record too large (over %zu MiB or %u fields): skipped to its end",
                         FG_CSV_MAX_RECORD >> 20, (unsigned)FG_CSV_MAX_FIELDS);
        e->detail = arena_str(&b->text, buf, (size_t)n, &ok);
    } else if (rec->bad_quote) {
        e->kind = FG_RE_BAD_QUOTE;
    } else if (rec->nfields != s->nfields) {
        e->kind = FG_RE_RAGGED;
        int n = snprintf(buf, sizeof buf, "ragged row: %u fields, the header has %u",
                         (unsigned)rec->nfields, (unsigned)s->nfields);
        e->detail = arena_str(&b->text, buf, (size_t)n, &ok);
    }
    for (uint32_t i = 0; i < b->ncols; i++) {
        fg_column *c = &b->cols[i];
        if (e->kind != FG_RE_NONE) {
            set_missing(c, row); /* the row is not evaluated; keep cells defined */
            continue;
        }
        const fg_csv_field *f = &rec->fields[s->field_of[i]];
        if (is_na(s, f)) {
            set_missing(c, row);
            if (!fg_type_is_opt(c->type)) {
                e->kind = FG_RE_MISSING_CELL;
                e->column = (int32_t)i;
            }
            continue;
        }
        c->missing[row] = false;
        bool good = true;
        switch (fg_type_base(c->type)) {
        case FG_T_INT:
            good = fg_parse_int(f->ptr, f->len, &c->i[row]);
            break;
        case FG_T_NUM:
            good = fg_parse_num(f->ptr, f->len, &c->n[row]);
            break;
        case FG_T_BOOL:
            good = fg_parse_bool(f->ptr, f->len, &c->b[row]);
            break;
        default:
            c->s[row] = cell_str(b, f, lo, hi, &ok);
            break;
        }
        if (!good) {
            set_missing(c, row);
            char esc[160];
            escape_text(esc, sizeof esc, f->ptr, f->len, 60);
            int n = snprintf(buf, sizeof buf, "bad %s \"%s\"", fg_type_name(fg_type_base(c->type)),
                             esc);
            e->kind = FG_RE_BAD_CELL;
            e->column = (int32_t)i;
            e->detail = arena_str(&b->text, buf, (size_t)n, &ok);
        }
    }
    return ok;
}

fg_csv_status fg_csv_fill_batch(fg_csv_reader *r, const fg_csv_schema *s, const fg_program *prog,
                                fg_batch *b)
{
    fg_batch_clear(b);
    while (b->nrows < b->cap) {
        fg_csv_record rec;
        fg_csv_status st = fg_csv_next(r, &rec);
        if (st != FG_CSV_RECORD) /* EOF and errors stay: the next call sees them */
            return b->nrows > 0 && st != FG_CSV_OOM ? FG_CSV_RECORD : st;
        if (!fill_row(s, prog, b, b->nrows, &rec, NULL, NULL))
            return fail_with(r, FG_CSV_OOM, "out of memory");
        b->nrows++;
    }
    return FG_CSV_RECORD;
}

bool fg_csv_fill_row(const fg_csv_schema *s, const fg_program *prog, fg_batch *b,
                     const fg_csv_record *rec)
{
    if (b->nrows >= b->cap || !fill_row(s, prog, b, b->nrows, rec, NULL, NULL))
        return false;
    b->nrows++;
    return true;
}

bool fg_csv_fill_row_in_place(const fg_csv_schema *s, const fg_program *prog, fg_batch *b,
                              const fg_csv_record *rec, const char *lo, const char *hi)
{
    if (b->nrows >= b->cap || !fill_row(s, prog, b, b->nrows, rec, lo, hi))
        return false;
    b->nrows++;
    return true;
}
