/* test_csv_mem.c — the in-memory fast path of the CSV reader must give the
 * same rows as the streaming reader: random documents built from the
 * troublesome pieces (quotes, doubled quotes, separators and newlines in
 * quotes, CR, CRLF, blank lines, malformed quotes, ragged and oversized
 * records, no final newline) are read both ways, with random batch sizes,
 * read sizes and record limits, and every row is rendered and compared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/bytemask.h"
#include "runtime/csv.h"
#include "tests/unit/mem_source.h"

/* id: str key, n: num, k: int, b: bool?, s: str?; the header has a sixth
 * column nobody reads. */
static const char header[] = "id,n,k,b,s,junk\n";

static void make_program(fg_program *p, fg_input *in, uint32_t *keys)
{
    memset(p, 0, sizeof *p);
    memset(in, 0, 5 * sizeof *in);
    in[0] = (fg_input){.name = "id", .header = "id", .type = FG_T_STR, .key = true};
    in[1] = (fg_input){.name = "n", .header = "n", .type = FG_T_NUM};
    in[2] = (fg_input){.name = "k", .header = "k", .type = FG_T_INT};
    in[3] = (fg_input){.name = "b", .header = "b", .type = FG_T_BOOL | FG_T_OPT};
    in[4] = (fg_input){.name = "s", .header = "s", .type = FG_T_STR | FG_T_OPT};
    keys[0] = 0;
    p->ninputs = 5;
    p->inputs = in;
    p->nkeys = 1;
    p->keys = keys;
}

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(rng_state >> 33) % n;
}

static const char *const pieces[] = {
    "a",   "F1",  "1.5",        "7",       "-3",         "true", "no",      "NA",
    "",    "x y", "\"",         "\r",      "\r\n",       "\n",   ",",       "\"\"",
    "12x", "1e3", "\"q\"\"q\"", "\"a,b\"", "\"l1\nl2\"", "\"\"", "\"c\r\"", "\"z\"w"};

/* A random document: the header, then records, blank lines and junk. */
static size_t make_doc(char *out, size_t cap)
{
    size_t n = 0;
    memcpy(out, header, sizeof header - 1);
    n = sizeof header - 1;
    uint32_t nrec = rnd(40);
    for (uint32_t r = 0; r < nrec && n + 400 < cap; r++) {
        uint32_t kind = rnd(10);
        uint32_t nf = kind == 0 ? rnd(9) + 1 : 6; /* mostly the header's count */
        for (uint32_t f = 0; f < nf; f++) {
            if (f)
                out[n++] = ',';
            uint32_t np = kind < 3 ? rnd(3) : (rnd(4) == 0 ? 1 : 0);
            if (np == 0) { /* a plain, well-formed cell */
                static const char *const plain[] = {"F9", "2.25", "42", "yes", "", "NA", "hello"};
                const char *t = plain[rnd(7)];
                memcpy(out + n, t, strlen(t));
                n += strlen(t);
            }
            for (uint32_t k = 0; k < np; k++) {
                const char *t = pieces[rnd(sizeof pieces / sizeof *pieces)];
                memcpy(out + n, t, strlen(t));
                n += strlen(t);
            }
        }
        uint32_t end = rnd(6);
        if (end == 0)
            out[n++] = '\r';
        out[n++] = '\n';
        if (rnd(8) == 0)
            out[n++] = '\n'; /* blank line */
        if (rnd(20) == 0) {
            out[n++] = '\r';
            out[n++] = '\n';
        }
    }
    if (n > sizeof header - 1 && rnd(4) == 0)
        n--; /* no final newline */
    return n;
}

static void render_rows(const fg_batch *b, fg_strbuf *out)
{
    for (uint32_t r = 0; r < b->nrows; r++) {
        const fg_rowerr *e = &b->err[r];
        fg_strbuf_printf(out, "%llu k=[%.*s] e=%d c=%d d=[%.*s]", (unsigned long long)b->line[r],
                         (int)b->keytext[r].len, b->keytext[r].ptr, (int)e->kind, (int)e->column,
                         (int)e->detail.len, e->detail.ptr);
        if (e->kind == FG_RE_NONE) {
            const fg_column *c = b->cols;
            fg_strbuf_printf(out, " id=[%.*s] n=%.17g k=%lld", (int)c[0].s[r].len, c[0].s[r].ptr,
                             c[1].n[r], (long long)c[2].i[r]);
            fg_strbuf_printf(out, " b=%s", c[3].missing[r] ? "-" : c[3].b[r] ? "T" : "F");
            if (c[4].missing[r])
                fg_strbuf_adds(out, " s=-");
            else
                fg_strbuf_printf(out, " s=[%.*s]", (int)c[4].s[r].len, c[4].s[r].ptr);
        }
        fg_strbuf_addc(out, '\n');
    }
}

static void read_streaming(const char *doc, size_t len, size_t step, size_t max_record,
                           const fg_program *p, fg_strbuf *out)
{
    mem_src m = {doc, len, 0, step};
    fg_csv_reader *r = fg_csv_new(NULL, (fg_byte_source){mem_read, &m}, ',');
    fg_csv_set_limits(r, max_record, 0);
    fg_csv_record rec;
    assert_int_equal(fg_csv_next(r, &rec), FG_CSV_RECORD);
    fg_csv_schema s;
    fg_strbuf msg;
    fg_strbuf_init(&msg, NULL);
    assert_true(fg_csv_schema_init(&s, NULL, p, &rec, &msg));
    fg_batch b;
    assert_true(fg_batch_init(&b, NULL, p, 16));
    fg_csv_status st;
    while ((st = fg_csv_fill_batch(r, &s, p, &b)) == FG_CSV_RECORD)
        render_rows(&b, out);
    assert_int_equal(st, FG_CSV_EOF);
    fg_batch_free(&b);
    fg_csv_schema_free(&s, NULL);
    fg_strbuf_free(&msg);
    fg_csv_free(r);
}

static void read_in_memory(const char *doc, size_t len, uint32_t cap, size_t max_record,
                           const fg_program *p, fg_strbuf *out)
{
    mem_src m = {doc, len, 0, len};
    fg_csv_reader *hr = fg_csv_new(NULL, (fg_byte_source){mem_read, &m}, ',');
    fg_csv_record rec;
    assert_int_equal(fg_csv_next(hr, &rec), FG_CSV_RECORD);
    fg_csv_schema s;
    fg_strbuf msg;
    fg_strbuf_init(&msg, NULL);
    assert_true(fg_csv_schema_init(&s, NULL, p, &rec, &msg));
    size_t pos = (size_t)fg_csv_offset(hr);
    fg_csv_free(hr);

    fg_csv_reader *r = fg_csv_new(NULL, (fg_byte_source){mem_read, &m}, ',');
    fg_csv_set_limits(r, max_record, 0);
    fg_batch b;
    assert_true(fg_batch_init(&b, NULL, p, cap));
    uint64_t line = 2;
    fg_csv_status st;
    while ((st = fg_csv_fill_batch_mem(r, doc, len, &pos, &line, &s, p, &b)) == FG_CSV_RECORD)
        render_rows(&b, out);
    assert_int_equal(st, FG_CSV_EOF);
    assert_int_equal(pos, len);
    fg_batch_free(&b);
    fg_csv_schema_free(&s, NULL);
    fg_strbuf_free(&msg);
    fg_csv_free(r);
}

static void compare(const char *doc, size_t len, uint32_t cap, size_t step, size_t max_record)
{
    fg_program p;
    fg_input in[5];
    uint32_t keys[1];
    make_program(&p, in, keys);
    fg_strbuf a, b;
    fg_strbuf_init(&a, NULL);
    fg_strbuf_init(&b, NULL);
    read_streaming(doc, len, step, max_record, &p, &a);
    read_in_memory(doc, len, cap, max_record, &p, &b);
    if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0)) {
        fprintf(stderr, "document (%zu bytes):\n%.*s\n--- streaming:\n%.*s--- in memory:\n%.*s",
                len, (int)len, doc, (int)a.len, a.data, (int)b.len, b.data);
        fail();
    }
    fg_strbuf_free(&a);
    fg_strbuf_free(&b);
}

static void test_known_cases(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "id,n,k,b,s,junk\nF1,1.5,7,yes,hello,x\n",
        "id,n,k,b,s,junk\r\nF1,1.5,7,yes,\"he,\"\"llo\"\"\",x\r\n\r\nF2,2,3,,,\r\n",
        "id,n,k,b,s,junk\nF1,1.5,7,yes,\"multi\nline\",x\nF2,2,3,,,\n",
        "id,n,k,b,s,junk\nF1,1.5,7,yes,ab\"c,x\nF2,2,3,,,\n",   /* quote inside */
        "id,n,k,b,s,junk\nF1,1.5,7,yes,\"ab\"c,x\nF2,2,3,,,\n", /* text after quote */
        "id,n,k,b,s,junk\nF1,1.5,7\nF2,2,3,,,,,,\n",            /* ragged both ways */
        "id,n,k,b,s,junk\nF1,1.5,7,yes,hello,x",                /* no final newline */
        "id,n,k,b,s,junk\nF1,1.5,7,yes,\"hello\",\"x\"",        /* ... after a quote */
        "id,n,k,b,s,junk\nF1,1.5,7,yes,\"never closed\n\nF2,2,3,,,\n",
        "id,n,k,b,s,junk\n\r\nF1,1.5,7,yes,\"c\r\",x\r\n\rF2,2,3,,,\n\r",
        "id,n,k,b,s,junk\n\n\n",
        "id,n,k,b,s,junk\nF1,1.5,7,yes,\"q\"\r,x\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        for (uint32_t cap = 1; cap <= 4; cap++)
            compare(docs[i], strlen(docs[i]), cap, 3, 0);
}

static void test_random_documents(void **state)
{
    (void)state;
    static char doc[32768];
    for (uint64_t seed = 1; seed <= 3000; seed++) {
        rng_state = seed;
        size_t len = make_doc(doc, sizeof doc);
        uint32_t cap = rnd(9) + 1;
        size_t step = rnd(64) + 1;
        size_t max_record = rnd(4) == 0 ? rnd(60) + 20 : 0; /* sometimes tiny limits */
        compare(doc, len, cap, step, max_record);
    }
}

/* Long runs of plain records cross many 64-byte blocks, and the fields
 * straddle block boundaries at every offset. */
static void test_block_boundaries(void **state)
{
    (void)state;
    static char doc[65536];
    for (int shift = 0; shift < 70; shift++) {
        size_t n = sizeof header - 1;
        memcpy(doc, header, n);
        for (int r = 0; r < 200; r++)
            n += (size_t)snprintf(doc + n, sizeof doc - n, "F%d%.*s,%d.5,%d,true,\"s,%d\",j\n", r,
                                  (r + shift) % 70,
                                  "pppppppppppppppppppppppppppppppppppppppppppppp"
                                  "pppppppppppppppppppppppppppp",
                                  r, r * 3, r);
        compare(doc, n, 64, 4096, 0);
    }
}

/* The SSE2 and portable masks agree, for every delimiter the reader
 * takes, on random bytes dense in the wanted values. */
static void test_masks_agree(void **state)
{
    (void)state;
    static const char delims[] = {',', '\t', ';', '|', ' ', '\x7f', '\x80', '\xff'};
    char buf[64];
    rng_state = 7;
    for (int it = 0; it < 20000; it++) {
        char d = delims[it % (int)sizeof delims];
        for (int i = 0; i < 64; i++) {
            uint32_t k = rnd(6);
            buf[i] = k == 0 ? d : k == 1 ? '"' : k == 2 ? '\n' : (char)rnd(256);
        }
        assert_true(fg_bytemask3(buf, d, '"', '\n') == fg_bytemask3_portable(buf, d, '"', '\n'));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masks_agree),
        cmocka_unit_test(test_known_cases),
        cmocka_unit_test(test_random_documents),
        cmocka_unit_test(test_block_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
