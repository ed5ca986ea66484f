/* test_chunker.c — the chunker and the parallel pipeline against the
 * sequential reader. Every adversarial input (quotes and newlines across
 * every chunk boundary, doubled quotes, CRLF, BOM, blank lines, no final
 * newline, malformed and unclosed quotes, a record longer than the chunk)
 * is run through the pipeline with every chunk size from 1 to 64 bytes and
 * a few large ones, 1 to 8 workers, from a mapped file and from a stream
 * read in small pieces; output bytes, error lines, counts and report
 * results must equal one sequential reader's over the whole input. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/chunker.h"
#include "runtime/pipeline.h"
#include "runtime/policy_int.h"

static const char *const POLICY = "policy \"chunks\" version \"1\"\n"
                                  "input {\n"
                                  "  id   : str key\n"
                                  "  name : str\n"
                                  "  n    : num\n"
                                  "  k    : int?\n"
                                  "}\n"
                                  "output name\n"
                                  "output twice = n * 2\n"
                                  "output part = n / (k ?? 1)\n"
                                  "report by name {\n"
                                  "  rows  = count()\n"
                                  "  total = sum(n)\n"
                                  "}\n";

static const char *const INPUTS[] = {
    /* plain, final newline */
    "id,name,n,k\n1,a,1.5,2\n2,b,2,\n3,c,3,3\n",
    /* no final newline, CRLF, blank lines (LF and CRLF) */
    "id,name,n,k\r\n1,a,1,1\r\n\r\n\n2,b,2,2\r\n\n\n3,c,3,\r\n4,d,4,4",
    /* BOM, quoted fields with newlines, delimiters and doubled quotes */
    "\xEF\xBB\xBFid,name,n,k\n1,\"a\nb\",1,1\n2,\"x,\"\"y\"\"\nz\",2,2\n\"3\",\"\",3,\n"
    "4,\"\"\"\",4,4\n5,\"line1\r\nline2\r\n\",5,5\r\n",
    /* malformed quotes: text after a closing quote, a quote inside a field */
    "id,name,n,k\n1,\"ab\"c,1,1\n2,a\"b\"\n,2,2\n3,\"ok\",3,3\n4,x\"\"y,4,4\n5,\"a\"\r,5,5\n"
    "6,\"q\"\r\n7,\"z\",7,7\n",
    /* an unclosed quote runs to the end of input */
    "id,name,n,k\n1,a,1,1\n2,\"open,2,2\n3,c,3,3\n4,d,4,4\n",
    /* a record far longer than the small chunks, ragged rows, bad cells */
    "id,name,n,k\n1,"
    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",1,1\n2,b,2\n"
    "3,c,x,3\n4,d,4,0\n5,e,5,5,extra\n,f,6,6\n",
    /* blank lines before the header, quotes right at line starts */
    "\n\r\nid,name,n,k\n\"1\",\"a\",\"1\",\"1\"\n\"2\nx\",b,2,2\n\n\"3\",\"c\"\"\",3,3",
    /* a quoted field closed on the last byte, lone CR lines */
    "id,name,n,k\n1,\r,1,1\n\r\n2,b\r,2,2\n3,\"c\"",
    /* header only, with and without a newline */
    "id,name,n,k\n",
    "id,name,n,k",
    /* quotes inside unquoted fields, then a line feed before any closing
     * quote: the records still end at their lines */
    "id,name,n,k\n1,a\"b,1,1\n2,c\"d,2,2\n3,\r\"e\n4,f,4,4\n5,\"g\"h\"i\n6,j,6,6\n",
    "id,name,n,k\n1,a\"b,1,1\n2,\"c\nd\",2,2\n3,\r\"e,3,3\n4,\"f\ng\",4,4\n",
    /* a quote opening after CR data, a quoted key with a newline */
    "id,name,n,k\n1,\r\"a\",1,1\n\"k\n2\",\"b\",2,2\n3,c,3,3\n",
};
#define NINPUTS (sizeof INPUTS / sizeof INPUTS[0])

static forge_policy *policy;
static const fg_program *prog;
static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    if (forge_compile_string(NULL, "chunks.fp", POLICY, strlen(POLICY), &policy) != FORGE_OK)
        return -1;
    prog = fg_policy_program(policy);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/fg_chunker_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    forge_policy_free(policy);
    rmdir(tmpdir);
    return 0;
}

static bool sb_sink(void *ud, const char *data, size_t len)
{
    fg_strbuf_add(ud, data, len);
    return true;
}

/* What a run produced. */
typedef struct result {
    fg_strbuf out, err;
    uint64_t read, evaluated, in_error;
    forge_status st;
} result;

static void result_init(result *r)
{
    memset(r, 0, sizeof *r);
    fg_strbuf_init(&r->out, NULL);
    fg_strbuf_init(&r->err, NULL);
}

static void result_free(result *r)
{
    fg_strbuf_free(&r->out);
    fg_strbuf_free(&r->err);
}

static void writer_cols(const char **names, fg_type *types)
{
    for (uint32_t k = 0; k < prog->nkeys; k++) {
        names[k] = prog->inputs[prog->keys[k]].name;
        types[k] = prog->inputs[prog->keys[k]].type;
    }
    for (uint32_t o = 0; o < prog->noutputs; o++) {
        names[prog->nkeys + o] = prog->outputs[o].name;
        types[prog->nkeys + o] = prog->outputs[o].type;
    }
}

static void write_report(fg_report_acc **accs, fg_strbuf *out)
{
    fg_byte_sink sink = {sb_sink, out};
    for (uint32_t i = 0; i < prog->nreports; i++) {
        fg_report_table t;
        assert_true(fg_report_acc_table(accs[i], &t));
        assert_true(fg_report_table_write(&t, FG_FMT_CSV, sink));
        fg_report_table_free(&t);
    }
}

/* Bytes in memory, handed out in small pieces (a stream). */
typedef struct piece_src {
    const char *p;
    size_t len, off, piece;
} piece_src;

static size_t piece_read(void *ud, char *buf, size_t cap, const char **err)
{
    piece_src *m = ud;
    *err = NULL;
    size_t n = m->len - m->off;
    if (n > m->piece)
        n = m->piece;
    if (n > cap)
        n = cap;
    memcpy(buf, m->p + m->off, n);
    m->off += n;
    return n;
}

static long long piece_cb(void *ud, char *buf, size_t cap)
{
    const char *err;
    return (long long)piece_read(ud, buf, cap, &err);
}

/* The reference: one sequential reader over the whole input, as the
 * driver ran before the pipeline. */
static void run_sequential(const char *data, bool report, size_t max_record, result *res)
{
    result_init(res);
    piece_src m = {data, strlen(data), 0, 7};
    fg_byte_source bs = {piece_read, &m};
    fg_csv_reader *rd = fg_csv_new(NULL, bs, ',');
    assert_non_null(rd);
    fg_csv_set_limits(rd, max_record, 0);
    fg_csv_record header;
    fg_csv_status cs = fg_csv_next(rd, &header);
    if (cs == FG_CSV_EOF) {
        res->st = FORGE_EIO;
        fg_csv_free(rd);
        return;
    }
    assert_int_equal(cs, FG_CSV_RECORD);
    fg_csv_schema schema;
    fg_strbuf msg;
    fg_strbuf_init(&msg, NULL);
    assert_true(fg_csv_schema_init(&schema, NULL, prog, &header, &msg));
    fg_strbuf_free(&msg);
    fg_batch b;
    fg_results rs;
    assert_true(fg_batch_init(&b, NULL, prog, 4));
    assert_true(fg_results_init(&rs, NULL, prog, 4));
    const char *names[16];
    fg_type types[16];
    writer_cols(names, types);
    fg_byte_sink sink = {sb_sink, &res->out};
    fg_writer *w =
        fg_writer_new(NULL, FG_FMT_CSV, sink, prog->nkeys + prog->noutputs, names, types);
    assert_non_null(w);
    fg_report_acc *accs[4] = {0};
    for (uint32_t i = 0; i < prog->nreports; i++)
        accs[i] = fg_report_acc_new(NULL, prog, i);
    if (!report)
        assert_true(fg_writer_header(w));
    fg_eval_opts eo = {.with_reports = report};
    fg_value vals[16];
    fg_strbuf line;
    fg_strbuf_init(&line, NULL);
    for (;;) {
        fg_results_clear(&rs);
        cs = fg_csv_fill_batch(rd, &schema, prog, &b);
        if (cs == FG_CSV_EOF)
            break;
        assert_int_equal(cs, FG_CSV_RECORD);
        assert_true(fg_interp_batch(prog, &b, &rs, &eo));
        res->read += b.nrows;
        for (uint32_t row = 0; row < b.nrows; row++) {
            if (b.err[row].kind != FG_RE_NONE) {
                res->in_error++;
                fg_driver_error_line(&res->err, prog, "d.csv", &b, row);
                fg_strbuf_addc(&res->err, '\n');
                continue;
            }
            res->evaluated++;
            if (report)
                continue;
            for (uint32_t k = 0; k < prog->nkeys; k++)
                vals[k] = fg_batch_get(&b, prog->keys[k], row);
            for (uint32_t o = 0; o < prog->noutputs; o++) {
                const fg_output *out = &prog->outputs[o];
                vals[prog->nkeys + o] = out->src == FG_OUT_INPUT
                                            ? fg_batch_get(&b, out->index, row)
                                            : rs.vals[(size_t)out->index * rs.cap + row];
            }
            assert_true(fg_writer_row(w, vals));
        }
        if (report)
            for (uint32_t i = 0; i < prog->nreports; i++)
                assert_true(fg_report_acc_add(accs[i], &b, &rs));
    }
    assert_true(fg_writer_finish(w));
    if (report)
        write_report(accs, &res->out);
    for (uint32_t i = 0; i < prog->nreports; i++)
        fg_report_acc_free(accs[i]);
    fg_strbuf_free(&line);
    fg_writer_free(w);
    fg_results_free(&rs);
    fg_batch_free(&b);
    fg_csv_schema_free(&schema, NULL);
    fg_csv_free(rd);
    res->st = FORGE_OK;
}

/* The pipeline, as the driver runs it, from a file (mapped) or a stream. */
static void run_pipeline(const char *path, const char *data, bool report, unsigned jobs,
                         size_t chunk, size_t max_record, result *res)
{
    result_init(res);
    forge_run_options opt;
    forge_run_options_init(&opt);
    piece_src m = {data, strlen(data), 0, 5};
    if (path) {
        opt.data_path = path;
    } else {
        opt.read = piece_cb;
        opt.read_ud = &m;
    }
    forge_summary sum;
    memset(&sum, 0, sizeof sum);
    fg_pipe *p = NULL;
    fg_csv_record header;
    res->st = fg_pipe_open(&p, NULL, &opt, ',', "d.csv", &header, &sum);
    if (res->st != FORGE_OK) {
        fg_pipe_close(p);
        return;
    }
    fg_csv_schema schema;
    fg_strbuf msg;
    fg_strbuf_init(&msg, NULL);
    assert_true(fg_csv_schema_init(&schema, NULL, prog, &header, &msg));
    fg_strbuf_free(&msg);
    const char *names[16];
    fg_type types[16];
    writer_cols(names, types);
    fg_byte_sink sink = {sb_sink, &res->out};
    fg_writer *w =
        fg_writer_new(NULL, FG_FMT_CSV, sink, prog->nkeys + prog->noutputs, names, types);
    assert_non_null(w);
    fg_report_acc *accs[4] = {0};
    for (uint32_t i = 0; i < prog->nreports; i++)
        accs[i] = fg_report_acc_new(NULL, prog, i);
    if (!report)
        assert_true(fg_writer_header(w));
    fg_pipe_job job = {
        .prog = prog,
        .schema = &schema,
        .mode = report ? FG_RUN_REPORT : FG_RUN_EVAL,
        .data_name = "d.csv",
        .format = FG_FMT_CSV,
        .writer = w,
        .accs = accs,
        .out = {sb_sink, &res->out},
        .err = {sb_sink, &res->err},
        .jobs = jobs,
        .chunk_size = chunk,
        .max_record = max_record,
    };
    res->st = fg_pipe_run(p, &job, &sum);
    assert_true(fg_writer_finish(w));
    if (report && res->st == FORGE_OK)
        write_report(accs, &res->out);
    res->read = sum.rows_read;
    res->evaluated = sum.rows_evaluated;
    res->in_error = sum.rows_in_error;
    for (uint32_t i = 0; i < prog->nreports; i++)
        fg_report_acc_free(accs[i]);
    fg_writer_free(w);
    fg_csv_schema_free(&schema, NULL);
    fg_pipe_close(p);
}

static void assert_same(const result *want, const result *got, size_t input, unsigned jobs,
                        size_t chunk, bool mapped)
{
    bool same = want->st == got->st && want->read == got->read &&
                want->evaluated == got->evaluated && want->in_error == got->in_error &&
                want->out.len == got->out.len && want->err.len == got->err.len &&
                (!want->out.len || memcmp(want->out.data, got->out.data, want->out.len) == 0) &&
                (!want->err.len || memcmp(want->err.data, got->err.data, want->err.len) == 0);
    if (!same) {
        print_error("input %zu, -j%u, chunk %zu, %s: status %d/%d, rows %llu/%llu\n"
                    "--- want out ---\n%s--- got out ---\n%s--- want err ---\n%s"
                    "--- got err ---\n%s",
                    input, jobs, chunk, mapped ? "mapped" : "stream", want->st, got->st,
                    (unsigned long long)want->read, (unsigned long long)got->read,
                    want->out.data ? want->out.data : "", got->out.data ? got->out.data : "",
                    want->err.data ? want->err.data : "", got->err.data ? got->err.data : "");
        fail();
    }
}

/* Each of the chunk sizes, with each of jobs[] on the mapped file and each
 * of sjobs[] on the stream. */
static void check_data(size_t i, const char *data, bool report, size_t max_record,
                       const size_t *chunks, size_t nchunks, const unsigned *jobs, size_t njobs,
                       const unsigned *sjobs, size_t nsjobs)
{
    char path[128];
    snprintf(path, sizeof path, "%s/d%zu.csv", tmpdir, i);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(data, 1, strlen(data), f);
    fclose(f);
    result want;
    run_sequential(data, report, max_record, &want);
    for (size_t c = 0; c < nchunks; c++) {
        for (int mapped = 0; mapped < 2; mapped++) {
            const unsigned *js = mapped ? jobs : sjobs;
            for (size_t j = 0; j < (mapped ? njobs : nsjobs); j++) {
                result got;
                run_pipeline(mapped ? path : NULL, data, report, js[j], chunks[c], max_record,
                             &got);
                assert_same(&want, &got, i, js[j], chunks[c], mapped);
                result_free(&got);
            }
        }
    }
    result_free(&want);
    remove(path);
}

/* Every chunk size from 1 to 64 bytes (a few in sanitizer builds) and a few
 * large ones, the default (0) included. */
static void check_input(size_t i, bool report, const unsigned *jobs, size_t njobs,
                        const unsigned *sjobs, size_t nsjobs)
{
    size_t chunks[64 + 5], n = 0;
#ifdef FG_TEST_QUICK
    size_t nsmall = 3;
#else
    size_t nsmall = 64;
#endif
    for (size_t c = 1; c <= nsmall; c++)
        chunks[n++] = c;
    static const size_t big[] = {100, 1000, 4096, (size_t)1 << 20, 0};
    for (size_t k = 0; k < 5; k++)
        chunks[n++] = big[k];
    check_data(i, INPUTS[i], report, 0, chunks, n, jobs, njobs, sjobs, nsjobs);
}

static void test_eval_every_chunk_size(void **state)
{
    (void)state;
    static const unsigned jobs[] = {1, 2, 3, 4, 5, 6, 7, 8}, sjobs[] = {1, 2, 8};
    for (size_t i = 0; i < NINPUTS; i++)
        check_input(i, false, jobs, 8, sjobs, 3);
}

static void test_report_every_chunk_size(void **state)
{
    (void)state;
    static const unsigned jobs[] = {1, 5}, sjobs[] = {3};
    for (size_t i = 0; i < NINPUTS; i++)
        check_input(i, true, jobs, 2, sjobs, 1);
}

/* Records over the record limit (lowered to 1000 bytes here): skipped to
 * their end as row errors; an unclosed quote makes the rest of a stream the
 * last chunk, read in constant memory, exactly as one reader would. */
static void test_record_limit(void **state)
{
    (void)state;
    /* past the 64 KiB the header is looked for in, so the stream is read on */
    static char data[3][160000], big[70001];
    memset(big, 'y', 70000);
    big[70000] = '\0';
    snprintf(data[0], sizeof data[0], "id,name,n,k\n1,a,1,1\n2,\"x%s", big);
    snprintf(data[1], sizeof data[1], "id,name,n,k\n1,a,1,1\n2,%s,2,2\n3,c,3,3\n4,\"%s\",4,4\n",
             big, big);
    size_t m = (size_t)snprintf(data[2], sizeof data[2], "id,name,n,k\n2,\"");
    for (int k = 0; k < 700; k++)
        m += (size_t)snprintf(data[2] + m, sizeof data[2] - m, "%.99s\n", big);
    snprintf(data[2] + m, sizeof data[2] - m, "\",2,2\n3,c,3,3\n");
    static const size_t chunks[] = {1, 7, 64, 999, 1000, 1001, 4096, 0};
    static const unsigned jobs[] = {1, 2, 4}, sjobs[] = {1, 3};
    for (size_t i = 0; i < 3; i++)
        check_data(100 + i, data[i], false, 1000, chunks, 8, jobs, 3, sjobs, 2);
}

/* The chunker alone: boundaries of a known input, line counts. */
static void test_chunk_end(void **state)
{
    (void)state;
    uint64_t nl = 99;
    const char *s = "a,\"x\ny\",b\nc,d\n";
    size_t n = strlen(s);
    assert_int_equal(fg_chunk_end(s, n, 1, ',', false, &nl), 10);
    assert_int_equal(nl, 2);
    assert_int_equal(fg_chunk_end(s, n, 11, ',', false, &nl), n);
    assert_int_equal(nl, 3);
    /* no boundary yet: more bytes needed, unless this is the end */
    assert_int_equal(fg_chunk_end(s, 5, 1, ',', false, &nl), 0);
    assert_int_equal(fg_chunk_end(s, 5, 1, ',', true, &nl), 5);
    assert_int_equal(nl, 1);
    /* a quote inside an unquoted field: the line ends the record */
    const char *bad = "a\"b\nc\"\n";
    assert_int_equal(fg_chunk_end(bad, strlen(bad), 1, ',', true, &nl), 4);
    /* text after a closing quote: the same */
    const char *after = "\"a\"b,\"c\nd\"\n";
    assert_int_equal(fg_chunk_end(after, strlen(after), 1, ',', true, &nl), 8);
    /* "" inside quotes stays inside; "\r\n ends the record */
    const char *dq = "\"a\"\"\n\"\r\nz\n";
    assert_int_equal(fg_chunk_end(dq, strlen(dq), 1, ',', true, &nl), 8);
    /* the delimiter decides where a field starts */
    const char *tab = "a\t\"b\nc\"\n";
    assert_int_equal(fg_chunk_end(tab, strlen(tab), 1, '\t', true, &nl), strlen(tab));
    assert_int_equal(fg_chunk_end(tab, strlen(tab), 1, ',', true, &nl), 5);
}

static void test_count_lines(void **state)
{
    (void)state;
    char buf[1000];
    uint64_t seed = 12345;
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(round * 5) % sizeof buf;
        uint64_t want = 0;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            unsigned r = (unsigned)(seed >> 33) % 5;
            buf[i] = r == 0 ? '\n' : r == 1 ? (char)0x8a : r == 2 ? (char)0x0b : 'x';
            want += buf[i] == '\n';
        }
        for (size_t off = 0; off < 9 && off <= n; off++) {
            uint64_t w = 0;
            for (size_t i = off; i < n; i++)
                w += buf[i] == '\n';
            assert_int_equal(fg_chunk_count_lines(buf + off, n - off), w);
        }
        assert_int_equal(fg_chunk_count_lines(buf, n), want);
    }
}

/* The fast masks (SSE2 here) equal the portable ones and a byte loop. */
static void test_masks_identical(void **state)
{
    (void)state;
    char buf[64];
    uint64_t seed = 99;
    static const char alphabet[] = "\"\n\r,a\x80\xff\x22\x0a\x00";
    for (int round = 0; round < 20000; round++) {
        for (int k = 0; k < 64; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            buf[k] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
        }
        uint64_t q1, l1, q2, l2, q3 = 0, l3 = 0;
        fg_chunk_masks(buf, &q1, &l1);
        fg_chunk_masks_portable(buf, &q2, &l2);
        for (int k = 0; k < 64; k++) {
            q3 |= (uint64_t)(buf[k] == '"') << k;
            l3 |= (uint64_t)(buf[k] == '\n') << k;
        }
        assert_true(q1 == q3 && l1 == l3);
        assert_true(q2 == q3 && l2 == l3);
    }
}

/* Both scans agree on random quote-heavy text, for every want, and each
 * boundary is one the sequential reader finds (checked on the pipeline
 * above); here also on buffers longer than a block. */
static void test_scans_identical(void **state)
{
    (void)state;
    static const char alphabet[] = "\"\"\n\n\r,,ab";
    char buf[300];
    uint64_t seed = 7;
    for (int round = 0; round < 400; round++) {
        size_t n = (size_t)(round % 300) + 1;
        for (size_t k = 0; k < n; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            buf[k] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
        }
        for (size_t want = 0; want <= n; want++)
            for (int eof = 0; eof < 2; eof++) {
                uint64_t l1 = 1, l2 = 2;
                size_t e1 = fg_chunk_end(buf, n, want, ',', eof, &l1);
                size_t e2 = fg_chunk_end_portable(buf, n, want, ',', eof, &l2);
                assert_int_equal(e1, e2);
                assert_int_equal(l1, l2);
                assert_int_equal(l1, fg_chunk_count_lines(buf, e1));
            }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunk_end),
        cmocka_unit_test(test_count_lines),
        cmocka_unit_test(test_masks_identical),
        cmocka_unit_test(test_scans_identical),
        cmocka_unit_test(test_eval_every_chunk_size),
        cmocka_unit_test(test_report_every_chunk_size),
        cmocka_unit_test(test_record_limit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
