/* pipeline.c — the parallel streaming loop (see pipeline.h).
 *
 * Input. Every input (regular files, stdin, pipes, gzip, a host's read
 * callback) is read in large blocks into a carry buffer; each chunk takes
 * the bytes up to its last record boundary and the rest moves to the next
 * carry buffer. Slot buffers are reused, so resident memory stays at the
 * chunks in flight whatever the file size. Regular files are read, not
 * mapped: measured here, page faults and dropping pages already written
 * out (MADV_DONTNEED) cost more than the copy read() makes into a buffer
 * that stays in cache (docs/performance.md).
 *
 * Chunks. The calling thread cuts the input with fg_chunk_end, which also
 * counts the lines of a chunk, so every chunk knows the physical line of its
 * first byte. A record longer than the chunk size makes its chunk longer.
 * A ring of 2N+2 slots bounds the chunks in flight: memory is the slot count
 * times (chunk size + its output), plus the largest record.
 *
 * Work. Each worker has its own reader (restarted on the chunk's bytes at
 * its line), batch, results, row writer and report accumulators; it formats
 * rows and error lines into the chunk's own buffers. The engine (the
 * interpreter, or the run's compiled code) is shared read-only. The calling
 * thread writes chunks strictly in input order, so output and error lines
 * keep input order, and the bytes do not depend on N or the chunk size.
 * Report accumulators are merged exactly at the end (report.h).
 *
 * With one worker there is no thread: the calling thread cuts, runs and
 * writes one chunk at a time through the same functions. The table formats
 * need every row before writing, so they run that way into the run's writer.
 * A host allocator is not assumed thread-safe: with threads every call to it
 * goes through one mutex. */
#include "pipeline.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "chunker.h"

/* Default chunk size: large enough that per-chunk costs vanish, small
 * enough that 2N+2 chunks in flight (and their output) stay a few MiB and
 * a chunk with its rows stays in a core's cache (measured: 256 KiB and
 * 512 KiB equal, 1 MiB 2-4% slower, 2 MiB 15% slower on 1M rows). */
#define PIPE_CHUNK ((size_t)1 << 19)

/* ---- input ---- */

typedef struct mem_src {
    const char *p;
    size_t len, off;
    fg_byte_source rest; /* read after the bytes when set */
} mem_src;

static size_t mem_read(void *ud, char *buf, size_t cap, const char **err)
{
    mem_src *m = ud;
    *err = NULL;
    if (m->off == m->len && m->rest.read) /* a tail chunk: then the stream */
        return m->rest.read(m->rest.ud, buf, cap, err);
    size_t n = m->len - m->off;
    if (n > cap)
        n = cap;
    memcpy(buf, m->p + m->off, n);
    m->off += n;
    return n;
}

struct fg_pipe {
    const fg_allocator *alloc;
    char delim;
    /* streamed input */
    fg_file_source *fs;
    fg_byte_source src;
    bool src_eof;
    char *carry;
    size_t carry_len, carry_cap;
    uint64_t carry_off; /* stream offset of carry[0] */
    uint64_t line;      /* physical line of the next chunk's first byte */
    /* the header, read by a reader of its own */
    fg_csv_reader *hreader;
    mem_src hsrc;
    char err[400];
};

/* Reads until the carry buffer holds at least `target` bytes or the source
 * ends. False on a read error (p->err set) or out of memory. */
static bool carry_fill(fg_pipe *p, size_t target, bool *oom)
{
    if (target > p->carry_cap) {
        size_t cap = p->carry_cap ? p->carry_cap : 4096;
        while (cap < target)
            cap *= 2;
        char *nb = fg_realloc(p->alloc, p->carry, cap);
        if (!nb) {
            *oom = true;
            return false;
        }
        p->carry = nb;
        p->carry_cap = cap;
    }
    while (!p->src_eof && p->carry_len < target) {
        const char *err = NULL;
        size_t got =
            p->src.read(p->src.ud, p->carry + p->carry_len, p->carry_cap - p->carry_len, &err);
        if (got == 0) {
            if (err) {
                snprintf(p->err, sizeof p->err, "%s, after %llu bytes of data", err,
                         (unsigned long long)(p->carry_off + p->carry_len));
                return false;
            }
            p->src_eof = true;
        }
        p->carry_len += got;
    }
    return true;
}

/* The bytes the header is looked for in. */
static const char *in_bytes(const fg_pipe *p, size_t *len, bool *eof)
{
    *len = p->carry_len;
    *eof = p->src_eof;
    return p->carry;
}

/* Where the header record ends (BOM and blank lines before it skipped as
 * the reader does), or 0 when more bytes are needed. */
static size_t header_end(const char *b, size_t len, bool eof, char delim)
{
    size_t i = 0;
    if (len < 3 && !eof)
        return 0;
    if (len >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (;;) {
        if (i == len)
            return eof ? len : 0;
        if (b[i] == '\n') {
            i++;
        } else if (b[i] == '\r' && (i + 1 == len || b[i + 1] == '\n')) {
            if (i + 1 == len && !eof)
                return 0;
            i += i + 1 == len ? 1 : 2;
        } else {
            break;
        }
    }
    uint64_t nl;
    size_t e = fg_chunk_end(b + i, len - i, 1, delim, eof, &nl);
    return e ? i + e : 0;
}

static forge_status open_fail(forge_summary *sum, forge_status st, const char *fmt, const char *a,
                              const char *b)
{
    snprintf(sum->message, sizeof sum->message, fmt, a, b);
    return st;
}

forge_status fg_pipe_open(fg_pipe **out, const fg_allocator *alloc, const forge_run_options *opt,
                          char delim, const char *data_name, fg_csv_record *header,
                          forge_summary *sum)
{
    fg_pipe *p = fg_calloc(alloc, 1, sizeof *p);
    *out = p;
    if (!p)
        return open_fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", "");
    p->alloc = alloc;
    p->delim = delim;
    p->line = 1;
    if (opt->read) {
        p->src = fg_api_read_source(opt);
    } else {
        const char *why = NULL;
        p->fs = fg_file_source_open(alloc, opt->data_path ? opt->data_path : "-", opt->data_stream,
                                    &why);
        if (!p->fs)
            return why && strcmp(why, "out of memory") == 0
                       ? open_fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", "")
                       : open_fail(sum, FORGE_EIO, "cannot read %s: %s", data_name,
                                   why ? why : "unknown error");
        p->src = fg_file_source_bytes(p->fs);
    }
    size_t hend, len;
    bool eof, oom = false;
    size_t target = 64 * 1024;
    if (opt->no_header) {
        /* Headerless input: the header record comes from opt->columns and
         * the data starts at the input's first byte, on line 1. */
        if (!opt->columns)
            return open_fail(sum, FORGE_EUSAGE, "no header line: the columns are needed%s%s", "",
                             "");
        if (!carry_fill(p, target, &oom))
            return oom ? open_fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", "")
                       : open_fail(sum, FORGE_EIO, "%s%s", p->err, "");
        p->hsrc.p = opt->columns;
        p->hsrc.len = strlen(opt->columns);
        fg_byte_source cs_src = {mem_read, &p->hsrc};
        p->hreader =
            fg_csv_new(alloc, cs_src, opt->columns_delimiter ? opt->columns_delimiter : ',');
        if (!p->hreader)
            return open_fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", "");
        fg_csv_status hcs = fg_csv_next(p->hreader, header);
        if (hcs == FG_CSV_OOM)
            return open_fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", "");
        if (hcs == FG_CSV_EOF || header->bad_quote)
            return open_fail(sum, FORGE_EUSAGE, "bad column list `%s`%s", opt->columns, "");
        p->line = 1;
        p->carry_off = 0;
        p->hsrc.off = 0;
        return FORGE_OK;
    }
    /* Find the header's end, reading more of a stream when needed. */
    for (;;) {
        if (!carry_fill(p, target, &oom))
            return oom ? open_fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", "")
                       : open_fail(sum, FORGE_EIO, "%s%s", p->err, "");
        const char *b = in_bytes(p, &len, &eof);
        hend = header_end(b, len, eof, delim);
        if (hend || eof)
            break;
        target = len * 2;
    }
    const char *b = in_bytes(p, &len, &eof);
    p->hsrc.p = b;
    p->hsrc.len = hend;
    fg_byte_source hs = {mem_read, &p->hsrc};
    p->hreader = fg_csv_new(alloc, hs, delim);
    if (!p->hreader)
        return open_fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", "");
    fg_csv_status cs = fg_csv_next(p->hreader, header);
    if (cs == FG_CSV_OOM)
        return open_fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", "");
    if (cs == FG_CSV_EOF)
        return open_fail(sum, FORGE_EIO, "%s: no header line (the input is empty)%s", data_name,
                         "");
    if (header->bad_quote)
        return open_fail(sum, FORGE_EIO, "%s:1: malformed quoted field in the header%s", data_name,
                         "");
    p->line = 1 + fg_chunk_count_lines(b, hend);
    /* The header's bytes stay where the header reader copied them from
     * until fg_pipe_run; the data starts at hend. */
    p->carry_off = 0;
    p->hsrc.off = hend; /* remembered: where the data starts in the carry buffer */
    return FORGE_OK;
}

void fg_pipe_close(fg_pipe *p)
{
    if (!p)
        return;
    fg_csv_free(p->hreader);
    fg_file_source_close(p->fs);
    fg_free(p->alloc, p->carry);
    fg_free(p->alloc, p);
}

/* ---- chunks and workers ---- */

typedef struct slot {
    const char *data; /* the chunk's bytes (in buf) */
    size_t len;
    char *buf; /* streamed input: owned bytes */
    size_t bufcap;
    uint64_t line;       /* physical line of data[0] */
    uint64_t end_offset; /* input offset after the chunk (progress) */
    fg_strbuf out, err;
    uint64_t rows_read, rows_evaluated, rows_in_error;
    /* The tail: a stream's record outgrew FG_CSV_MAX_RECORD (an unclosed
     * quote, say): data, then the rest of the stream, is the last chunk,
     * read by the reader in constant memory as the sequential reader would. */
    bool tail;
    fg_byte_source rest;
    forge_status st; /* FORGE_OK, FORGE_ENOMEM, or FORGE_EIO (tail read error) */
    char msg[400];   /* FORGE_EIO: the reader's message */
    bool done;
} slot;

typedef struct worker {
    struct shared *sh;
    fg_csv_reader *reader;
    mem_src src;
    fg_batch batch;
    bool have_batch;
    fg_results res;
    bool have_res;
    fg_writer *writer; /* own writer (streaming formats), or the run's */
    bool own_writer;
    fg_strbuf *cur_out;
    fg_value *vals;
    fg_report_acc **accs;
    pthread_t tid;
    bool started;
} worker;

typedef struct shared {
    const fg_allocator *alloc; /* locked when there are threads */
    const fg_pipe_job *job;
    slot *slots;
    uint32_t nslots;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    uint64_t next_take, next_put;
    bool stop;
} shared;

/* A host allocator behind a mutex, for the worker threads. */
typedef struct locked_alloc {
    const fg_allocator *inner;
    pthread_mutex_t mu;
} locked_alloc;

static void *locked_realloc(void *ud, void *ptr, size_t size)
{
    locked_alloc *la = ud;
    pthread_mutex_lock(&la->mu);
    void *r = fg_realloc(la->inner, ptr, size);
    pthread_mutex_unlock(&la->mu);
    return r;
}

static bool chunk_sink(void *ud, const char *data, size_t len)
{
    worker *w = ud;
    fg_strbuf_add(w->cur_out, data, len);
    return !w->cur_out->failed;
}

unsigned fg_pipe_workers(unsigned jobs)
{
    if (jobs > 0)
        return jobs > 256 ? 256 : jobs;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

static bool write_rows(worker *w)
{
    const fg_program *p = w->sh->job->prog;
    const fg_batch *b = &w->batch;
    for (uint32_t row = 0; row < b->nrows; row++) {
        if (b->err[row].kind != FG_RE_NONE)
            continue;
        for (uint32_t k = 0; k < p->nkeys; k++)
            w->vals[k] = fg_batch_get(b, p->keys[k], row);
        for (uint32_t o = 0; o < p->noutputs; o++) {
            const fg_output *out = &p->outputs[o];
            w->vals[p->nkeys + o] = out->src == FG_OUT_INPUT
                                        ? fg_batch_get(b, out->index, row)
                                        : w->res.vals[(size_t)out->index * w->res.cap + row];
        }
        if (!fg_writer_row(w->writer, w->vals))
            return false;
    }
    return true;
}

/* Reads, evaluates and formats one chunk into its slot. */
static void run_chunk(worker *w, slot *s)
{
    const fg_pipe_job *job = w->sh->job;
    const fg_program *prog = job->prog;
    fg_eval_opts eopts = {.with_reports = job->mode == FG_RUN_REPORT, .outputs_only = true};
    w->src.p = s->data;
    w->src.len = s->len;
    w->src.off = 0;
    w->src.rest = s->tail ? s->rest : (fg_byte_source){NULL, NULL};
    fg_byte_source bs = {mem_read, &w->src};
    fg_csv_restart(w->reader, bs, s->line);
    fg_strbuf_clear(&s->out);
    fg_strbuf_clear(&s->err);
    s->rows_read = s->rows_evaluated = s->rows_in_error = 0;
    s->st = FORGE_OK;
    w->cur_out = &s->out;
    /* A streaming writer appends the chunk's rows straight into its slot. */
    bool direct = job->mode == FG_RUN_EVAL && w->own_writer;
    if (direct)
        fg_writer_swap_out(w->writer, &s->out);
    /* A chunk wholly in memory is split where it lies; a tail chunk
     * (continued by the stream) goes through the streaming reader. */
    size_t mem_pos = 0;
    uint64_t mem_line = s->line;
    for (;;) {
        fg_results_clear(&w->res);
        fg_csv_status cs = s->tail ? fg_csv_fill_batch(w->reader, job->schema, prog, &w->batch)
                                   : fg_csv_fill_batch_mem(w->reader, s->data, s->len, &mem_pos,
                                                           &mem_line, job->schema, prog, &w->batch);
        if (cs == FG_CSV_EOF)
            break;
        if (cs == FG_CSV_IO_ERROR) {
            snprintf(s->msg, sizeof s->msg, "%s", fg_csv_error(w->reader));
            s->st = FORGE_EIO;
            if (direct)
                fg_writer_swap_out(w->writer, &s->out);
            return;
        }
        bool ok = cs == FG_CSV_RECORD &&
                  (job->eng ? job->eng->run(job->eng->ud, prog, &w->batch, &w->res, &eopts)
                            : fg_interp_batch(prog, &w->batch, &w->res, &eopts));
        if (!ok)
            goto oom;
        s->rows_read += w->batch.nrows;
        for (uint32_t row = 0; row < w->batch.nrows; row++) {
            if (w->batch.err[row].kind == FG_RE_NONE) {
                s->rows_evaluated++;
                continue;
            }
            s->rows_in_error++;
            fg_driver_error_line(&s->err, prog, job->data_name, &w->batch, row);
            fg_strbuf_addc(&s->err, '\n');
        }
        if (s->err.failed)
            goto oom;
        if (job->mode == FG_RUN_EVAL) {
            if (!write_rows(w))
                goto oom;
        } else {
            for (uint32_t i = 0; i < prog->nreports; i++)
                if (!fg_report_acc_add(w->accs[i], &w->batch, &w->res))
                    goto oom;
        }
    }
    /* The chunk's rows go back to the slot; the run's (table) writer keeps
     * its rows. */
    if (direct) {
        fg_writer_swap_out(w->writer, &s->out);
        direct = false;
        if (!fg_writer_finish(w->writer))
            goto oom;
    }
    if (s->out.failed)
        goto oom;
    return;
oom:
    if (direct)
        fg_writer_swap_out(w->writer, &s->out);
    s->st = FORGE_ENOMEM;
}

static void *worker_main(void *ud)
{
    worker *w = ud;
    shared *sh = w->sh;
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        while (!sh->stop && sh->next_take == sh->next_put)
            pthread_cond_wait(&sh->work_cv, &sh->mu);
        if (sh->stop) {
            pthread_mutex_unlock(&sh->mu);
            return NULL;
        }
        slot *s = &sh->slots[sh->next_take++ % sh->nslots];
        pthread_mutex_unlock(&sh->mu);
        run_chunk(w, s);
        pthread_mutex_lock(&sh->mu);
        s->done = true;
        pthread_cond_broadcast(&sh->done_cv);
        pthread_mutex_unlock(&sh->mu);
    }
}

/* The writer's columns: key inputs, then the outputs (as the driver's). */
static fg_writer *new_row_writer(const fg_allocator *alloc, const fg_program *p, fg_out_format fmt,
                                 fg_byte_sink sink)
{
    uint32_t ncols = p->nkeys + p->noutputs;
    const char **names = fg_malloc(alloc, (ncols + 1) * sizeof *names);
    fg_type *types = fg_malloc(alloc, (ncols + 1) * sizeof *types);
    fg_writer *w = NULL;
    if (names && types) {
        for (uint32_t k = 0; k < p->nkeys; k++) {
            names[k] = p->inputs[p->keys[k]].name;
            types[k] = p->inputs[p->keys[k]].type;
        }
        for (uint32_t o = 0; o < p->noutputs; o++) {
            names[p->nkeys + o] = p->outputs[o].name;
            types[p->nkeys + o] = p->outputs[o].type;
        }
        w = fg_writer_new(alloc, fmt, sink, ncols, names, types);
    }
    fg_free(alloc, names);
    fg_free(alloc, types);
    return w;
}

static bool worker_init(worker *w, shared *sh, const fg_pipe_job *job, char delim)
{
    const fg_allocator *a = sh->alloc;
    const fg_program *prog = job->prog;
    w->sh = sh;
    fg_byte_source none = {mem_read, &w->src};
    w->reader = fg_csv_new(a, none, delim);
    if (w->reader)
        fg_csv_set_limits(w->reader, job->max_record, 0);
    w->have_batch = fg_batch_init(&w->batch, a, prog, fg_batch_rows(prog));
    w->have_res = w->have_batch && fg_results_init(&w->res, a, prog, fg_batch_rows(prog));
    w->vals = fg_malloc(a, (prog->nkeys + prog->noutputs + 1) * sizeof *w->vals);
    if (!w->reader || !w->have_res || !w->vals)
        return false;
    if (job->mode == FG_RUN_EVAL) {
        if (job->format == FG_FMT_TABLE || job->format == FG_FMT_MARKDOWN) {
            w->writer = job->writer;
        } else {
            fg_byte_sink sink = {chunk_sink, w};
            w->writer = new_row_writer(a, prog, job->format, sink);
            w->own_writer = true;
            if (!w->writer)
                return false;
        }
    } else {
        w->accs = fg_calloc(a, prog->nreports + 1, sizeof *w->accs);
        if (!w->accs)
            return false;
        for (uint32_t i = 0; i < prog->nreports; i++)
            if (!(w->accs[i] = fg_report_acc_new(a, prog, i)))
                return false;
    }
    return true;
}

static void worker_free(worker *w, const fg_allocator *a, const fg_program *prog)
{
    if (w->accs) {
        for (uint32_t i = 0; i < prog->nreports; i++)
            fg_report_acc_free(w->accs[i]);
        fg_free(a, w->accs);
    }
    if (w->own_writer)
        fg_writer_free(w->writer);
    fg_free(a, w->vals);
    if (w->have_res)
        fg_results_free(&w->res);
    if (w->have_batch)
        fg_batch_free(&w->batch);
    fg_csv_free(w->reader);
}

/* Cuts the next chunk into s. Returns 1 (a chunk), 0 (the input is done)
 * or -1 (read error in p->err, or out of memory: *oom). */
static int next_chunk(fg_pipe *p, slot *s, size_t chunk, size_t max_record, bool *oom)
{
    uint64_t nl = 0;
    s->tail = false;
    size_t target = chunk, e;
    for (;;) {
        if (!carry_fill(p, target, oom))
            return -1;
        if (p->carry_len == 0)
            return 0;
        /* The first boundary in the last sixteenth, so little is carried over. */
        size_t want = p->carry_len < target ? p->carry_len : chunk - chunk / 16;
        e = fg_chunk_end(p->carry, p->carry_len, want ? want : 1, p->delim, p->src_eof, &nl);
        if (e)
            break;
        if (p->carry_len >= max_record) { /* see slot.tail */
            char *old = s->buf;
            size_t oldcap = s->bufcap;
            s->buf = p->carry;
            s->data = s->buf;
            s->bufcap = p->carry_cap;
            s->len = p->carry_len;
            s->line = p->line;
            s->tail = true;
            s->rest = p->src;
            s->end_offset = p->carry_off + p->carry_len;
            p->carry = old;
            p->carry_cap = old ? oldcap : 0;
            p->carry_len = 0;
            p->src_eof = true; /* the tail's reader owns the rest */
            return 1;
        }
        target = p->carry_len * 2; /* a record longer than the buffer: read on */
    }
    /* The slot takes the carry buffer; the rest moves to the slot's old one. */
    size_t rest = p->carry_len - e;
    char *old = s->buf;
    size_t oldcap = s->bufcap;
    if (oldcap < rest || !old) {
        size_t cap = rest > chunk ? rest : chunk;
        char *nb = fg_realloc(p->alloc, old, cap ? cap : 1);
        if (!nb) {
            *oom = true;
            return -1;
        }
        old = nb;
        oldcap = cap ? cap : 1;
    }
    memcpy(old, p->carry + e, rest);
    s->buf = p->carry;
    s->bufcap = p->carry_cap;
    s->data = s->buf;
    s->len = e;
    s->line = p->line;
    p->line += nl;
    p->carry = old;
    p->carry_cap = oldcap;
    p->carry_len = rest;
    p->carry_off += e;
    s->end_offset = p->carry_off;
    return 1;
}

forge_status fg_pipe_run(fg_pipe *p, const fg_pipe_job *job, forge_summary *sum)
{
    const fg_program *prog = job->prog;
    unsigned nworkers = fg_pipe_workers(job->jobs);
    bool table =
        job->mode == FG_RUN_EVAL && (job->format == FG_FMT_TABLE || job->format == FG_FMT_MARKDOWN);
    if (table)
        nworkers = 1;
    size_t chunk = job->chunk_size ? job->chunk_size : PIPE_CHUNK;
    size_t max_record = job->max_record ? job->max_record : FG_CSV_MAX_RECORD;
    forge_status st = FORGE_OK;
    /* The header line the run's writer holds goes out before any chunk. */
    if (job->mode == FG_RUN_EVAL && !table && !fg_writer_finish(job->writer)) {
        snprintf(sum->message, sizeof sum->message, "cannot write the output");
        return FORGE_EIO;
    }
    bool threads = nworkers > 1;

    /* The stream's data starts after the header in the carry buffer. */
    if (p->hsrc.off > 0) {
        memmove(p->carry, p->carry + p->hsrc.off, p->carry_len - p->hsrc.off);
        p->carry_len -= p->hsrc.off;
        p->carry_off = p->hsrc.off;
        p->hsrc.off = 0;
    }

    locked_alloc la = {p->alloc, PTHREAD_MUTEX_INITIALIZER};
    fg_allocator locked = {locked_realloc, &la};
    shared sh;
    memset(&sh, 0, sizeof sh);
    const fg_allocator *run_alloc = p->alloc;
    sh.alloc = threads && p->alloc && p->alloc->fn ? &locked : p->alloc;
    p->alloc = sh.alloc; /* the cutting thread allocates through it too */
    sh.job = job;
    sh.nslots = threads ? 2 * nworkers + 2 : 1;
    pthread_mutex_init(&sh.mu, NULL);
    pthread_cond_init(&sh.work_cv, NULL);
    pthread_cond_init(&sh.done_cv, NULL);
    worker *ws = fg_calloc(p->alloc, nworkers, sizeof *ws);
    sh.slots = fg_calloc(p->alloc, sh.nslots, sizeof *sh.slots);
    if (!ws || !sh.slots)
        goto oom;
    for (uint32_t i = 0; i < sh.nslots; i++) {
        fg_strbuf_init(&sh.slots[i].out, sh.alloc);
        fg_strbuf_init(&sh.slots[i].err, sh.alloc);
    }
    for (unsigned i = 0; i < nworkers; i++)
        if (!worker_init(&ws[i], &sh, job, p->delim))
            goto oom;
    if (threads) {
        for (unsigned i = 0; i < nworkers; i++) {
            if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0)
                goto oom;
            ws[i].started = true;
        }
    }

    uint64_t next_write = 0;
    bool input_done = false, nomem = false;
    for (;;) {
        /* Cut chunks while there is room. */
        if (!input_done && sh.next_put - next_write < sh.nslots) {
            slot *s = &sh.slots[sh.next_put % sh.nslots];
            s->done = false;
            int r;
            if (threads) {
                r = next_chunk(p, s, chunk, max_record, &nomem);
            } else {
                r = next_chunk(p, s, chunk, max_record, &nomem);
                if (r == 1) {
                    run_chunk(&ws[0], s);
                    s->done = true;
                }
            }
            if (r < 0) {
                st = nomem ? FORGE_ENOMEM : FORGE_EIO;
                if (!nomem)
                    snprintf(sum->message, sizeof sum->message, "%s", p->err);
                else
                    snprintf(sum->message, sizeof sum->message, "out of memory");
                goto stop;
            }
            if (r == 0) {
                input_done = true;
            } else {
                pthread_mutex_lock(&sh.mu);
                sh.next_put++;
                pthread_cond_signal(&sh.work_cv);
                pthread_mutex_unlock(&sh.mu);
            }
        }
        if (next_write == sh.next_put) {
            if (input_done)
                break;
            continue;
        }
        /* Write the oldest chunk once done; wait for it only when no more
         * chunks can be cut meanwhile. */
        slot *s = &sh.slots[next_write % sh.nslots];
        bool can_cut = !input_done && sh.next_put - next_write < sh.nslots;
        pthread_mutex_lock(&sh.mu);
        while (!s->done && !can_cut)
            pthread_cond_wait(&sh.done_cv, &sh.mu);
        bool ready = s->done;
        pthread_mutex_unlock(&sh.mu);
        if (!ready)
            continue;
        if (s->st != FORGE_OK) {
            st = s->st;
            snprintf(sum->message, sizeof sum->message, "%s",
                     st == FORGE_EIO ? s->msg : "out of memory");
            goto stop;
        }
        if (s->err.len && !job->err.write(job->err.ud, s->err.data, s->err.len)) {
            st = FORGE_EIO;
            snprintf(sum->message, sizeof sum->message, "cannot write the error stream");
            goto stop;
        }
        if (s->out.len && !job->out.write(job->out.ud, s->out.data, s->out.len)) {
            st = FORGE_EIO;
            snprintf(sum->message, sizeof sum->message, "cannot write the output");
            goto stop;
        }
        sum->rows_read += s->rows_read;
        sum->rows_evaluated += s->rows_evaluated;
        sum->rows_in_error += s->rows_in_error;
        next_write++;
        if (job->progress)
            job->progress(job->progress_ud, s->end_offset, sum->rows_read);
    }
    /* Reports: every worker's rows into the run's accumulators, exactly. */
    if (job->mode == FG_RUN_REPORT) {
        for (unsigned i = 0; i < nworkers; i++)
            for (uint32_t k = 0; k < prog->nreports; k++)
                if (!fg_report_acc_merge(job->accs[k], ws[i].accs[k]))
                    goto oom;
    }
    goto stop;
oom:
    st = FORGE_ENOMEM;
    snprintf(sum->message, sizeof sum->message, "out of memory");
stop:
    pthread_mutex_lock(&sh.mu);
    sh.stop = true;
    pthread_cond_broadcast(&sh.work_cv);
    pthread_mutex_unlock(&sh.mu);
    for (unsigned i = 0; ws && i < nworkers; i++)
        if (ws[i].started)
            pthread_join(ws[i].tid, NULL);
    for (unsigned i = 0; ws && i < nworkers; i++)
        worker_free(&ws[i], sh.alloc, prog);
    for (uint32_t i = 0; sh.slots && i < sh.nslots; i++) {
        fg_strbuf_free(&sh.slots[i].out);
        fg_strbuf_free(&sh.slots[i].err);
        if (sh.slots[i].buf)
            fg_free(p->alloc, sh.slots[i].buf);
    }
    fg_free(p->alloc, sh.slots);
    fg_free(p->alloc, ws);
    pthread_cond_destroy(&sh.done_cv);
    pthread_cond_destroy(&sh.work_cv);
    pthread_mutex_destroy(&sh.mu);
    pthread_mutex_destroy(&la.mu);
    p->alloc = run_alloc;
    return st;
}
