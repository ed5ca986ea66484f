/* driver.c — runs a compiled policy over CSV data: the one pipeline
 * shared by `eval` and `report`. It reads the data in columnar batches
 * (only the declared columns are converted), hands each batch to the
 * engine, then writes evaluated rows in input order, one error line per row
 * in error, and feeds report accumulators. Memory is bounded by the batch
 * size and the largest record, whatever the size of the input. */
#include "driver.h"

#include <string.h>

#include "csv.h"
#include "engine.h"
#include "output.h"
#include "pipeline.h"
#include "report.h"

typedef struct sink_ctx {
    forge_write_fn fn;
    void *ud;
    bool failed; /* the callback refused a write (vs. out of memory on our side) */
} sink_ctx;

static bool sink_write(void *ud, const char *data, size_t len)
{
    sink_ctx *s = ud;
    if (s->fn && s->fn(s->ud, data, len) != 0)
        s->failed = true;
    return !s->failed;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Tab for .tsv/.tab files (also gzipped), comma otherwise. */
char fg_driver_delimiter_for(const char *path)
{
    const char *b = base_name(path);
    if (ends_with(b, ".tsv") || ends_with(b, ".tab") || ends_with(b, ".tsv.gz") ||
        ends_with(b, ".tab.gz"))
        return '\t';
    return ',';
}

/* Splits "NA,N/A" into an array of strings allocated in ar. */
const char **fg_driver_split_na(fg_arena *ar, const char *na, uint32_t *n)
{
    *n = 0;
    if (!na || !*na)
        return NULL;
    uint32_t count = 1;
    for (const char *p = na; *p; p++)
        count += *p == ',';
    const char **out = fg_arena_alloc(ar, count * sizeof *out);
    if (!out)
        return NULL;
    const char *start = na;
    for (const char *p = na;; p++) {
        if (*p == ',' || *p == '\0') {
            out[(*n)++] = fg_arena_strndup(ar, start, (size_t)(p - start));
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    return out;
}

void fg_driver_error_line(fg_strbuf *sb, const fg_program *prog, const char *data_name,
                          const fg_batch *b, uint32_t row)
{
    const fg_rowerr *e = &b->err[row];
    fg_strbuf_printf(sb, "%s:%llu: error: ", data_name, (unsigned long long)b->line[row]);
    if (b->nkeys > 0) {
        fg_strbuf_adds(sb, "key ");
        for (uint32_t k = 0; k < b->nkeys; k++) {
            const fg_str *t = &b->keytext[row * b->nkeys + k];
            if (k)
                fg_strbuf_addc(sb, '/');
            if (t->len == 0)
                fg_strbuf_adds(sb, "\"\"");
            else
                fg_strbuf_add(sb, t->ptr, t->len);
        }
        fg_strbuf_adds(sb, ": ");
    }
    bool data_error = e->kind == FG_RE_BAD_CELL || e->kind == FG_RE_MISSING_CELL ||
                      e->kind == FG_RE_RAGGED || e->kind == FG_RE_BAD_QUOTE;
    if (data_error) {
        if (e->column >= 0 && (uint32_t)e->column < prog->ninputs)
            fg_strbuf_printf(sb, "column %s: ", prog->inputs[e->column].name);
    } else if (e->span.file < prog->sources.nfiles) {
        fg_linecol lc = fg_sources_linecol(&prog->sources, e->span.file, e->span.start);
        fg_strbuf_printf(sb, "%s:%u:%u: ", prog->sources.files[e->span.file]->name, lc.line,
                         lc.col);
    }
    if (e->detail.len)
        fg_strbuf_add(sb, e->detail.ptr, e->detail.len);
    else
        fg_strbuf_adds(sb, fg_rowerr_reason(e->kind));
}

/* Everything one run holds; released in run_free. */
typedef struct run {
    const fg_allocator *alloc;
    const fg_program *prog;
    fg_pipe *pipe; /* input, header and the parallel loop (pipeline.c) */
    fg_csv_schema schema;
    bool have_schema;
    fg_writer *writer;
    fg_report_acc **accs;
    bool own_accs; /* made by the run (forge_report), else the caller's */
    fg_arena arena;
} run;

static void run_free(run *r)
{
    if (r->accs && r->own_accs) {
        for (uint32_t i = 0; i < r->prog->nreports; i++)
            fg_report_acc_free(r->accs[i]);
    }
    fg_writer_free(r->writer);
    if (r->have_schema)
        fg_csv_schema_free(&r->schema, r->alloc);
    fg_pipe_close(r->pipe);
    fg_arena_free(&r->arena);
}

static forge_status fail(forge_summary *sum, forge_status st, const char *fmt, const char *a,
                         const char *b)
{
    snprintf(sum->message, sizeof sum->message, fmt, a, b ? b : "");
    return st;
}

/* A write that did not happen: the callback failed (I/O error), or building
 * the text ran out of memory. */
static forge_status write_fail(forge_summary *sum, const sink_ctx *s, const char *what)
{
    if (s->failed)
        return fail(sum, FORGE_EIO, "cannot write the %s%s", what, NULL);
    return fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", NULL);
}

/* The output writer's columns: key inputs, then the outputs. */
static fg_writer *make_writer(run *r, const forge_run_options *opt, sink_ctx *out)
{
    const fg_program *p = r->prog;
    uint32_t ncols = p->nkeys + p->noutputs;
    const char **names = fg_arena_alloc(&r->arena, (ncols + 1) * sizeof *names);
    fg_type *types = fg_arena_alloc(&r->arena, (ncols + 1) * sizeof *types);
    if (!names || !types)
        return NULL;
    for (uint32_t k = 0; k < p->nkeys; k++) {
        names[k] = p->inputs[p->keys[k]].name;
        types[k] = p->inputs[p->keys[k]].type;
    }
    for (uint32_t o = 0; o < p->noutputs; o++) {
        names[p->nkeys + o] = p->outputs[o].name;
        types[p->nkeys + o] = p->outputs[o].type;
    }
    fg_byte_sink sink = {sink_write, out};
    return fg_writer_new(r->alloc, (fg_out_format)opt->format, sink, ncols, names, types);
}

static forge_status write_reports(const fg_allocator *alloc, const fg_program *prog,
                                  fg_report_acc *const *accs, const forge_run_options *opt,
                                  sink_ctx *out, sink_ctx *err, forge_summary *sum)
{
    fg_strbuf line;
    fg_strbuf_init(&line, alloc);
    forge_status st = FORGE_OK;
    for (uint32_t i = 0; i < prog->nreports && st == FORGE_OK; i++) {
        fg_report_table t;
        if (!fg_report_acc_table(accs[i], &t)) {
            st = fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", NULL);
            break;
        }
        bool ok = i == 0 || sink_write(out, "\n", 1);
        fg_byte_sink sink = {sink_write, out};
        /* totals: always on human tables, on request (`row` column) elsewhere */
        bool human = opt->format == FORGE_FORMAT_TABLE || opt->format == FORGE_FORMAT_MARKDOWN;
        fg_totals_style ts = human                ? FG_TOTALS_LABEL
                             : opt->report_totals ? FG_TOTALS_COLUMN
                                                  : FG_TOTALS_NONE;
        if (ok && t.nby > 0 && ts != FG_TOTALS_NONE && !fg_report_acc_totals(accs[i], &t)) {
            fg_report_table_free(&t);
            st = fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", NULL);
            break;
        }
        ok = ok && fg_report_table_write_ex(&t, (fg_out_format)opt->format, sink, ts, human);
        /* An aggregate that left its range is empty in the table: say so. */
        for (uint32_t k = 0; ok && k < t.noverflows; k++) {
            fg_strbuf_clear(&line);
            fg_strbuf_adds(&line, "forgec: warning: ");
            fg_report_overflow_text(prog, &t, &t.overflows[k], &line);
            fg_strbuf_addc(&line, '\n');
            ok = !line.failed && sink_write(err, line.data, line.len);
        }
        fg_report_table_free(&t);
        if (!ok)
            st = write_fail(sum, err->failed ? err : out, "output");
    }
    fg_strbuf_free(&line);
    return st;
}

forge_status fg_driver_write_reports(const fg_allocator *alloc, const fg_program *prog,
                                     fg_report_acc *const *accs, const forge_run_options *opt,
                                     forge_summary *sum)
{
    sink_ctx out = {opt->write_out, opt->out_ud, false};
    sink_ctx err = {opt->write_err, opt->err_ud, false};
    return write_reports(alloc, prog, accs, opt, &out, &err, sum);
}

forge_status fg_driver_run(const fg_allocator *alloc, const fg_program *prog,
                           const forge_run_options *opt, fg_run_mode mode, forge_summary *sum)
{
    return fg_driver_run_engine(alloc, prog, opt, mode, NULL, sum);
}

/* One run; in report mode into ext_accs when given (nothing written then
 * but error lines), else into the run's own accumulators, then written. */
static forge_status run_common(const fg_allocator *alloc, const fg_program *prog,
                               const forge_run_options *opt, fg_run_mode mode, const fg_engine *eng,
                               fg_report_acc **ext_accs, forge_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    run r;
    memset(&r, 0, sizeof r);
    r.alloc = alloc;
    r.prog = prog;
    fg_arena_init(&r.arena, alloc);
    forge_status st = FORGE_OK;
    sink_ctx out = {opt->write_out, opt->out_ud, false};
    sink_ctx err = {opt->write_err, opt->err_ud, false};

    /* data_path, or (embedding API) a FILE* alone or a read callback */
    if (!opt->data_path && !opt->data_stream && !opt->read) {
        st = fail(sum, FORGE_EUSAGE, "no data file given%s%s", "", NULL);
        goto done;
    }
    bool is_stdin = !opt->data_path || strcmp(opt->data_path, "-") == 0;
    const char *data_name = opt->data_name    ? opt->data_name
                            : opt->read       ? "<input>"
                            : !opt->data_path ? "<stream>"
                            : is_stdin        ? "<stdin>"
                                              : opt->data_path;

    char delim = opt->delimiter ? opt->delimiter
                 : is_stdin     ? ','
                                : fg_driver_delimiter_for(opt->data_path);
    fg_csv_record header;
    st = fg_pipe_open(&r.pipe, alloc, opt, delim, data_name, &header, sum);
    if (st != FORGE_OK)
        goto done;
    fg_strbuf msg;
    fg_strbuf_init(&msg, alloc);
    r.have_schema = fg_csv_schema_init(&r.schema, alloc, prog, &header, &msg);
    if (!r.have_schema) {
        if (msg.failed || (msg.data && strcmp(msg.data, "out of memory") == 0))
            st = fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", NULL);
        else
            st = fail(sum, FORGE_EIO, "%s: %s", data_name, msg.data ? msg.data : "bad header");
        fg_strbuf_free(&msg);
        goto done;
    }
    fg_strbuf_free(&msg);
    r.schema.na = fg_driver_split_na(&r.arena, opt->na, &r.schema.nna);

    if (mode == FG_RUN_EVAL) {
        r.writer = make_writer(&r, opt, &out);
        if (!r.writer) {
            st = fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", NULL);
            goto done;
        }
        if (!fg_writer_header(r.writer)) {
            st = write_fail(sum, &out, "output");
            goto done;
        }
    } else if (ext_accs) {
        r.accs = ext_accs;
    } else {
        r.own_accs = true;
        r.accs = fg_arena_zalloc(&r.arena, (prog->nreports + 1) * sizeof *r.accs);
        if (!r.accs) {
            st = fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", NULL);
            goto done;
        }
        for (uint32_t i = 0; r.accs && i < prog->nreports; i++) {
            r.accs[i] = fg_report_acc_new(alloc, prog, i);
            if (!r.accs[i]) {
                st = fail(sum, FORGE_ENOMEM, "out of memory%s%s", "", NULL);
                goto done;
            }
        }
    }

    fg_pipe_job job = {
        .prog = prog,
        .eng = eng,
        .schema = &r.schema,
        .mode = mode,
        .data_name = data_name,
        .format = (fg_out_format)opt->format,
        .writer = r.writer,
        .accs = r.accs,
        .out = {sink_write, &out},
        .err = {sink_write, &err},
        .jobs = opt->jobs,
        .progress = opt->progress,
        .progress_ud = opt->progress_ud,
    };
    st = fg_pipe_run(r.pipe, &job, sum);
    if (st != FORGE_OK)
        goto done;
    if (mode == FG_RUN_EVAL) {
        if (!fg_writer_finish(r.writer)) {
            st = write_fail(sum, &out, "output");
            goto done;
        }
    } else if (r.own_accs) {
        st = write_reports(alloc, prog, r.accs, opt, &out, &err, sum);
        if (st != FORGE_OK)
            goto done;
    }
    st = sum->rows_in_error ? FORGE_EROWS : FORGE_OK;
done:
    run_free(&r);
    return st;
}

forge_status fg_driver_run_engine(const fg_allocator *alloc, const fg_program *prog,
                                  const forge_run_options *opt, fg_run_mode mode,
                                  const fg_engine *eng, forge_summary *sum)
{
    return run_common(alloc, prog, opt, mode, eng, NULL, sum);
}

forge_status fg_driver_accumulate(const fg_allocator *alloc, const fg_program *prog,
                                  const forge_run_options *opt, const fg_engine *eng,
                                  fg_report_acc **accs, forge_summary *sum)
{
    return run_common(alloc, prog, opt, FG_RUN_REPORT, eng, accs, sum);
}
