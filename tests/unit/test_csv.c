/* test_csv.c — the streaming CSV reader (RFC 4180 cases, line numbers,
 * resynchronisation after bad quotes, refills at every byte boundary),
 * gzip and plain file sources, the header schema and the batch filler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "runtime/csv.h"
#include "tests/unit/mem_source.h"

/* Renders every record as `LINE: f1|f2|...` with quoted fields in <...>,
 * a `!` after the line for bad_quote, one record per line. */
static void render_all(fg_csv_reader *r, fg_strbuf *out)
{
    fg_csv_record rec;
    fg_csv_status st;
    while ((st = fg_csv_next(r, &rec)) == FG_CSV_RECORD) {
        fg_strbuf_printf(out, "%llu%s:", (unsigned long long)rec.line, rec.bad_quote ? "!" : "");
        for (uint32_t i = 0; i < rec.nfields; i++) {
            fg_strbuf_adds(out, i ? "|" : " ");
            if (rec.fields[i].quoted)
                fg_strbuf_addc(out, '<');
            fg_strbuf_add(out, rec.fields[i].ptr, rec.fields[i].len);
            if (rec.fields[i].quoted)
                fg_strbuf_addc(out, '>');
        }
        fg_strbuf_addc(out, '\n');
    }
    if (st != FG_CSV_EOF)
        fg_strbuf_printf(out, "status %d\n", (int)st);
    /* EOF is sticky. */
    assert_int_equal(fg_csv_next(r, &rec), st);
}

/* Parses text with every read size in a list and checks the rendering. */
static void check_parse(const char *text, size_t len, char delim, const char *want)
{
    static const size_t steps[] = {1, 2, 3, 7, (size_t)1 << 20};
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        mem_src m = {text, len, 0, steps[s]};
        fg_byte_source src = {mem_read, &m};
        fg_csv_reader *r = fg_csv_new(NULL, src, delim);
        assert_non_null(r);
        fg_strbuf out;
        fg_strbuf_init(&out, NULL);
        render_all(r, &out);
        if (strcmp(out.data ? out.data : "", want) != 0)
            print_error("step %zu:\n%s\nwant:\n%s\n", steps[s], out.data ? out.data : "", want);
        assert_string_equal(out.data ? out.data : "", want);
        fg_strbuf_free(&out);
        fg_csv_free(r);
    }
}

#define CHECK(text, want) check_parse(text, sizeof(text) - 1, ',', want)

static void test_simple(void **state)
{
    (void)state;
    CHECK("a,b,c\n1,2,3\n", "1: a|b|c\n2: 1|2|3\n");
    CHECK("a,b\n1,2", "1: a|b\n2: 1|2\n"); /* no final newline */
    CHECK("a,,\n,x,\n", "1: a||\n2: |x|\n");
    CHECK("", "");
    CHECK("\n\n", "");
    CHECK("x", "1: x\n");
    CHECK("a,b,\n", "1: a|b|\n");
    CHECK("a,b,", "1: a|b|\n");
}

static void test_quoting(void **state)
{
    (void)state;
    CHECK("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "1: <a,b>|<say \"hi\">|<>\n");
    CHECK("\"\"\"\"\n", "1: <\">\n");
    CHECK("\"x\"", "1: <x>\n");
    CHECK("\"x\",\"y\"", "1: <x>|<y>\n");
    CHECK("\"a\"\"\"", "1: <a\">\n");
    /* Embedded newlines: the next record's line counts them. */
    CHECK("id,t\n1,\"two\nlines\"\n2,\"three\r\nmore\nlines\"\n3,x\n",
          "1: id|t\n2: 1|<two\nlines>\n4: 2|<three\r\nmore\nlines>\n7: 3|x\n");
}

static void test_crlf_cr_bom_blank(void **state)
{
    (void)state;
    CHECK("a,b\r\n1,\"2\"\r\n3,4\r\n", "1: a|b\n2: 1|<2>\n3: 3|4\n");
    CHECK("a,b\r\n1,2", "1: a|b\n2: 1|2\n");
    CHECK("a\rb,c\n", "1: a\rb|c\n"); /* a lone CR is data */
    CHECK("a,\r\n", "1: a|\n");
    CHECK("\xEF\xBB\xBFid,n\n1,2\n", "1: id|n\n2: 1|2\n");
    CHECK("\xEF\xBB\xBF", "");
    CHECK("id\n\xEF\xBB\xBFx\n", "1: id\n2: \xEF\xBB\xBFx\n"); /* only at the start */
    CHECK("h\n\n\nx\n\r\ny\n\n", "1: h\n4: x\n6: y\n");
    CHECK("\n\nh\n", "3: h\n");
    CHECK(" \n", "1:  \n"); /* a space is not a blank line */
}

static void test_bad_quotes(void **state)
{
    (void)state;
    /* Text after a closing quote: bad record, back in step at the next line. */
    CHECK("\"ab\"c,d\nnext,1\n", "1!: \"ab\"c|d\n2: next|1\n");
    /* A quote inside an unquoted field. */
    CHECK("k1,ab\"c,\"x\nk2,2\n", "1!: k1|ab\"c|\"x\n2: k2|2\n");
    CHECK("\"a\" ,b\nc,d\n", "1!: \"a\" |b\n2: c|d\n");
}

static void test_bad_quotes2(void **state)
{
    (void)state;
    /* An unclosed quote runs to the end of input: one bad record. */
    CHECK("k,v\nk1,\"abc\nk2,2\nk3,3\n", "1: k|v\n2!: k1|\"abc\nk2,2\nk3,3\n\n");
    CHECK("k,v\n\"", "1: k|v\n2!: \"\n");
    /* CR after a closing quote must be followed by LF. */
    CHECK("\"a\"\rb,c\nd\n", "1!: \"a\"\rb|c\n2: d\n");
}

static void test_tsv(void **state)
{
    (void)state;
    check_parse("a\tb,c\t\"d\te\"\n", 12, '\t', "1: a|b,c|<d\te>\n");
    check_parse("x;y\n", 4, ';', "1: x|y\n");
}

static void test_big_record(void **state)
{
    (void)state;
    size_t big = 3u << 20;
    size_t len = 4 + big + 2 + 8;
    char *t = malloc(len + 1);
    assert_non_null(t);
    memcpy(t, "1,\"", 3);
    memset(t + 3, 'x', big);
    t[3 + 300000] = '\n';
    memcpy(t + 3 + big, "\"\n2,yy\n", 7);
    len = 3 + big + 7;
    mem_src m = {t, len, 0, (size_t)1 << 20};
    fg_byte_source src = {mem_read, &m};
    fg_csv_reader *r = fg_csv_new(NULL, src, ',');
    fg_csv_record rec;
    assert_int_equal(fg_csv_next(r, &rec), FG_CSV_RECORD);
    assert_int_equal(rec.line, 1);
    assert_int_equal(rec.nfields, 2);
    assert_int_equal(rec.fields[1].len, big);
    assert_true(rec.fields[1].quoted);
    assert_int_equal(rec.fields[1].ptr[300000], '\n');
    assert_int_equal(fg_csv_next(r, &rec), FG_CSV_RECORD);
    assert_int_equal(rec.line, 3);
    assert_int_equal(rec.fields[1].len, 2);
    assert_memory_equal(rec.fields[1].ptr, "yy", 2);
    assert_int_equal(fg_csv_next(r, &rec), FG_CSV_EOF);
    assert_int_equal(fg_csv_offset(r), len);
    fg_csv_free(r);
    free(t);
}

/* ---- file sources ---- */

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void write_gz(const char *path, const char *mode, const char *data)
{
    gzFile g = gzopen(path, mode);
    assert_non_null(g);
    assert_int_equal(gzwrite(g, data, (unsigned)strlen(data)), (int)strlen(data));
    assert_int_equal(gzclose(g), Z_OK);
}

static void read_file_render(const char *path, FILE *std_in, fg_strbuf *out)
{
    const char *err = NULL;
    fg_file_source *fs = fg_file_source_open(NULL, path, std_in, &err);
    assert_non_null(fs);
    fg_csv_reader *r = fg_csv_new(NULL, fg_file_source_bytes(fs), ',');
    assert_non_null(r);
    render_all(r, out);
    fg_csv_free(r);
    fg_file_source_close(fs);
}

static void test_files(void **state)
{
    (void)state;
    mkdir("/tmp/h3-csv", 0700);
    fg_strbuf out;
    fg_strbuf_init(&out, NULL);

    write_file("/tmp/h3-csv/plain.csv", "a,b\n1,2\n", 8);
    read_file_render("/tmp/h3-csv/plain.csv", NULL, &out);
    assert_string_equal(out.data, "1: a|b\n2: 1|2\n");

    /* gzip, detected by magic bytes whatever the name; two members. */
    write_gz("/tmp/h3-csv/data.bin", "wb", "id,n\nF1,\"1\n");
    write_gz("/tmp/h3-csv/data.bin", "ab", "0\"\nF2,2\n");
    fg_strbuf_clear(&out);
    read_file_render("/tmp/h3-csv/data.bin", NULL, &out);
    assert_string_equal(out.data, "1: id|n\n2: F1|<1\n0>\n4: F2|2\n");

    /* A bigger gzip file (several inflate rounds). */
    {
        fg_strbuf big;
        fg_strbuf_init(&big, NULL);
        fg_strbuf_adds(&big, "id,n\n");
        for (int i = 0; i < 50000; i++)
            fg_strbuf_printf(&big, "F%d,%d\n", i, i * 7);
        write_gz("/tmp/h3-csv/big.csv.gz", "wb", big.data);
        const char *err = NULL;
        fg_file_source *fs = fg_file_source_open(NULL, "/tmp/h3-csv/big.csv.gz", NULL, &err);
        fg_csv_reader *r = fg_csv_new(NULL, fg_file_source_bytes(fs), ',');
        fg_csv_record rec;
        uint64_t n = 0;
        while (fg_csv_next(r, &rec) == FG_CSV_RECORD)
            n++;
        assert_int_equal(n, 50001);
        assert_int_equal(rec.line, 50001);
        assert_int_equal(fg_csv_offset(r), big.len);
        fg_csv_free(r);
        fg_file_source_close(fs);

        /* Truncated: an I/O error naming the file, never a silent end. */
        struct stat st;
        assert_int_equal(stat("/tmp/h3-csv/big.csv.gz", &st), 0);
        assert_int_equal(truncate("/tmp/h3-csv/big.csv.gz", st.st_size - 10), 0);
        fs = fg_file_source_open(NULL, "/tmp/h3-csv/big.csv.gz", NULL, &err);
        r = fg_csv_new(NULL, fg_file_source_bytes(fs), ',');
        fg_csv_status s;
        n = 0;
        while ((s = fg_csv_next(r, &rec)) == FG_CSV_RECORD)
            n++;
        assert_int_equal(s, FG_CSV_IO_ERROR);
        assert_true(n > 40000);
        assert_non_null(strstr(fg_csv_error(r), "/tmp/h3-csv/big.csv.gz"));
        assert_non_null(strstr(fg_csv_error(r), "truncated gzip"));
        assert_int_equal(fg_csv_next(r, &rec), FG_CSV_IO_ERROR); /* sticky */
        fg_csv_free(r);
        fg_file_source_close(fs);
        fg_strbuf_free(&big);
    }

    /* "-" reads the given FILE*. */
    FILE *in = tmpfile();
    assert_non_null(in);
    fputs("x,y\n\"q\",2\n", in);
    rewind(in);
    fg_strbuf_clear(&out);
    read_file_render("-", in, &out);
    assert_string_equal(out.data, "1: x|y\n2: <q>|2\n");
    fclose(in);

    const char *err = NULL;
    assert_null(fg_file_source_open(NULL, "/tmp/h3-csv/does-not-exist.csv", NULL, &err));
    assert_non_null(err);
    fg_strbuf_free(&out);
}

/* ---- schema and batches ---- */

/* id: str key, n: num from "N (t)", k: int, b: bool?, s: str? */
static void make_program(fg_program *p, fg_input *in, uint32_t *keys)
{
    memset(p, 0, sizeof *p);
    memset(in, 0, 5 * sizeof *in);
    in[0] = (fg_input){.name = "id", .header = "id", .type = FG_T_STR, .key = true};
    in[1] = (fg_input){.name = "n", .header = "N (t)", .type = FG_T_NUM};
    in[2] = (fg_input){.name = "k", .header = "k", .type = FG_T_INT};
    in[3] = (fg_input){.name = "b", .header = "b", .type = FG_T_BOOL | FG_T_OPT};
    in[4] = (fg_input){.name = "s", .header = "s", .type = FG_T_STR | FG_T_OPT};
    keys[0] = 0;
    p->ninputs = 5;
    p->inputs = in;
    p->nkeys = 1;
    p->keys = keys;
}

static bool header_schema(const char *text, fg_csv_schema *s, const fg_program *p, fg_strbuf *msg)
{
    mem_src m = {text, strlen(text), 0, 1000};
    fg_byte_source src = {mem_read, &m};
    fg_csv_reader *r = fg_csv_new(NULL, src, ',');
    fg_csv_record rec;
    assert_int_equal(fg_csv_next(r, &rec), FG_CSV_RECORD);
    bool ok = fg_csv_schema_init(s, NULL, p, &rec, msg);
    fg_csv_free(r);
    return ok;
}

static void test_schema(void **state)
{
    (void)state;
    fg_program p;
    fg_input in[5];
    uint32_t keys[1];
    make_program(&p, in, keys);
    fg_csv_schema s;
    fg_strbuf msg;
    fg_strbuf_init(&msg, NULL);

    assert_true(header_schema("junk,s,b,k,N (t),id\n", &s, &p, &msg));
    assert_int_equal(s.nfields, 6);
    assert_int_equal(s.field_of[0], 5);
    assert_int_equal(s.field_of[1], 4);
    assert_int_equal(s.field_of[4], 1);
    assert_int_equal(s.input_of[0], -1);
    assert_int_equal(s.input_of[5], 0);
    fg_csv_schema_free(&s, NULL);

    assert_false(header_schema("id,n,k,b,s\n", &s, &p, &msg));
    assert_string_equal(msg.data, "column \"N (t)\" (input n) is not in the header");
    fg_strbuf_clear(&msg);
    assert_false(header_schema("id,N (t),b,s\n", &s, &p, &msg));
    assert_string_equal(msg.data, "column \"k\" is not in the header");
    fg_strbuf_clear(&msg);
    assert_false(header_schema("id,N (t),k,b,s,k\n", &s, &p, &msg));
    assert_string_equal(msg.data, "column \"k\" appears twice in the header");
    fg_strbuf_clear(&msg);
    /* A header the policy does not read may repeat. */
    assert_true(header_schema("x,id,N (t),k,b,s,x\n", &s, &p, &msg));
    fg_csv_schema_free(&s, NULL);
    /* BOM removed before the first header name. */
    assert_true(header_schema("\xEF\xBB\xBFid,N (t),k,b,s\n", &s, &p, &msg));
    assert_int_equal(s.field_of[0], 0);
    fg_csv_schema_free(&s, NULL);
    fg_strbuf_free(&msg);
}

static const char batch_csv[] = "id,N (t),k,b,s,junk\n"          /* 1 */
                                "F1,1.5,7,yes,hello,12x\n"       /* 2: fine; junk is never parsed */
                                "F2,,7,,,\n"                     /* 3: n missing */
                                "F3,2,8,,NA,\n"                  /* 4: fine; b and s missing */
                                "F4,12x,9,true,\"NA\",\n"        /* 5: bad num */
                                "F5,3, 42,true,x,\n"             /* 6: bad int (not trimmed) */
                                "F6,3,4,maybe,x,\n"              /* 7: bad bool */
                                "F7,\"\",4,,x,\n"                /* 8: quoted empty is missing */
                                "F8,1,2,3\n"                     /* 9: ragged */
                                "\n"                             /* 10: blank */
                                "F9,\"1\"x,2,,,\n"               /* 11: bad quote */
                                "\"F,10\",1e3,-5,0,\" pad \",\n" /* 12: fine */
                                ",NA,1,,,\n"                     /* 13: empty key; NA marker in n */
                                "F12,\"a\"\"b\\\nc\",1,,,\n";    /* 14: bad num, escaped detail */

static void test_fill_batch(void **state)
{
    (void)state;
    fg_program p;
    fg_input in[5];
    uint32_t keys[1];
    make_program(&p, in, keys);
    mem_src m = {batch_csv, sizeof batch_csv - 1, 0, 5};
    fg_byte_source src = {mem_read, &m};
    fg_csv_reader *r = fg_csv_new(NULL, src, ',');
    fg_csv_record rec;
    assert_int_equal(fg_csv_next(r, &rec), FG_CSV_RECORD);
    fg_csv_schema s;
    fg_strbuf msg;
    fg_strbuf_init(&msg, NULL);
    assert_true(fg_csv_schema_init(&s, NULL, &p, &rec, &msg));
    const char *na[] = {"NA", "N/A"};
    s.na = na;
    s.nna = 2;

    fg_batch b;
    assert_true(fg_batch_init(&b, NULL, &p, 8));
    assert_int_equal(fg_csv_fill_batch(r, &s, &p, &b), FG_CSV_RECORD);
    assert_int_equal(b.nrows, 8);

    /* row 0: F1 */
    assert_int_equal(b.line[0], 2);
    assert_int_equal(b.err[0].kind, FG_RE_NONE);
    assert_true(b.cols[1].n[0] == 1.5);
    assert_int_equal(b.cols[2].i[0], 7);
    assert_true(b.cols[3].b[0]);
    assert_false(b.cols[3].missing[0]);
    assert_int_equal(b.cols[4].s[0].len, 5);
    assert_memory_equal(b.cols[4].s[0].ptr, "hello", 5);
    assert_int_equal(b.keytext[0].len, 2);
    assert_memory_equal(b.keytext[0].ptr, "F1", 2);
    /* row 1: F2, n missing */
    assert_int_equal(b.err[1].kind, FG_RE_MISSING_CELL);
    assert_int_equal(b.err[1].column, 1);
    assert_int_equal(b.err[1].detail.len, 0);
    /* row 2: F3 fine, optional cells missing, NA marker */
    assert_int_equal(b.err[2].kind, FG_RE_NONE);
    assert_true(b.cols[3].missing[2]);
    assert_true(b.cols[4].missing[2]);
    assert_int_equal(b.cols[2].i[2], 8);
    /* row 3: F4 bad num */
    assert_int_equal(b.err[3].kind, FG_RE_BAD_CELL);
    assert_int_equal(b.err[3].column, 1);
    assert_int_equal(b.err[3].detail.len, strlen("bad num \"12x\""));
    assert_memory_equal(b.err[3].detail.ptr, "bad num \"12x\"", b.err[3].detail.len);
    /* row 4: F5 bad int " 42" */
    assert_int_equal(b.err[4].kind, FG_RE_BAD_CELL);
    assert_int_equal(b.err[4].column, 2);
    assert_memory_equal(b.err[4].detail.ptr, "bad int \" 42\"", b.err[4].detail.len);
    /* row 5: F6 bad bool */
    assert_int_equal(b.err[5].kind, FG_RE_BAD_CELL);
    assert_int_equal(b.err[5].column, 3);
    assert_memory_equal(b.err[5].detail.ptr, "bad bool \"maybe\"", b.err[5].detail.len);
    /* row 6: F7 quoted empty is missing */
    assert_int_equal(b.err[6].kind, FG_RE_MISSING_CELL);
    assert_int_equal(b.err[6].column, 1);
    /* row 7: F8 ragged */
    assert_int_equal(b.line[7], 9);
    assert_int_equal(b.err[7].kind, FG_RE_RAGGED);
    assert_int_equal(b.err[7].column, -1);
    assert_int_equal(b.err[7].detail.len, strlen("ragged row: 4 fields, the header has 6"));
    assert_memory_equal(b.err[7].detail.ptr, "ragged row: 4 fields, the header has 6",
                        b.err[7].detail.len);
    assert_memory_equal(b.keytext[7].ptr, "F8", 2);

    /* second batch */
    assert_int_equal(fg_csv_fill_batch(r, &s, &p, &b), FG_CSV_RECORD);
    assert_int_equal(b.nrows, 4);
    assert_int_equal(b.line[0], 11);
    assert_int_equal(b.err[0].kind, FG_RE_BAD_QUOTE);
    assert_memory_equal(b.keytext[0].ptr, "F9", 2);
    assert_int_equal(b.line[1], 12);
    assert_int_equal(b.err[1].kind, FG_RE_NONE);
    assert_int_equal(b.keytext[1].len, 4);
    assert_memory_equal(b.keytext[1].ptr, "F,10", 4);
    assert_true(b.cols[1].n[1] == 1000);
    assert_int_equal(b.cols[2].i[1], -5);
    assert_false(b.cols[3].b[1]);
    assert_false(b.cols[4].missing[1]);
    assert_memory_equal(b.cols[4].s[1].ptr, " pad ", 5); /* strings as is */
    assert_memory_equal(b.cols[0].s[1].ptr, "F,10", 4);
    /* empty key, NA marker in a non-optional column */
    assert_int_equal(b.keytext[2].len, 0);
    assert_int_equal(b.err[2].kind, FG_RE_MISSING_CELL);
    assert_int_equal(b.err[2].column, 0); /* id comes first in declaration order */
    assert_int_equal(b.line[3], 14);
    assert_int_equal(b.err[3].kind, FG_RE_BAD_CELL);
    const char *want = "bad num \"a\\\"b\\\\\\nc\"";
    assert_int_equal(b.err[3].detail.len, strlen(want));
    assert_memory_equal(b.err[3].detail.ptr, want, strlen(want));

    assert_int_equal(fg_csv_fill_batch(r, &s, &p, &b), FG_CSV_EOF);
    assert_int_equal(b.nrows, 0);
    fg_batch_free(&b);
    fg_csv_schema_free(&s, NULL);
    fg_strbuf_free(&msg);
    fg_csv_free(r);
}

static void test_long_cell_detail(void **state)
{
    (void)state;
    fg_program p;
    fg_input in[5];
    uint32_t keys[1];
    make_program(&p, in, keys);
    fg_strbuf t;
    fg_strbuf_init(&t, NULL);
    fg_strbuf_adds(&t, "id,N (t),k,b,s\nX,");
    for (int i = 0; i < 70; i++)
        fg_strbuf_addc(&t, (char)('a' + i % 26));
    fg_strbuf_adds(&t, ",1,,\nY,1,\"2\",TRUE,\"NA\"\n");
    mem_src m = {t.data, t.len, 0, 1 << 20};
    fg_byte_source src = {mem_read, &m};
    fg_csv_reader *r = fg_csv_new(NULL, src, ',');
    fg_csv_record rec;
    assert_int_equal(fg_csv_next(r, &rec), FG_CSV_RECORD);
    fg_csv_schema s;
    fg_strbuf msg;
    fg_strbuf_init(&msg, NULL);
    assert_true(fg_csv_schema_init(&s, NULL, &p, &rec, &msg));
    const char *na[] = {"NA"};
    s.na = na;
    s.nna = 1;
    fg_batch b;
    assert_true(fg_batch_init(&b, NULL, &p, FG_BATCH_ROWS));
    assert_int_equal(fg_csv_fill_batch(r, &s, &p, &b), FG_CSV_RECORD);
    assert_int_equal(b.nrows, 2);
    const char *want =
        "bad num \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh...\"";
    assert_int_equal(b.err[0].detail.len, strlen(want));
    assert_memory_equal(b.err[0].detail.ptr, want, strlen(want));
    /* a quoted number is a number; a quoted --na marker is text */
    assert_int_equal(b.err[1].kind, FG_RE_NONE);
    assert_int_equal(b.cols[2].i[1], 2);
    assert_true(b.cols[3].b[1]);
    assert_false(b.cols[4].missing[1]);
    assert_int_equal(b.cols[4].s[1].len, 2);
    assert_memory_equal(b.cols[4].s[1].ptr, "NA", 2);
    assert_int_equal(fg_csv_fill_batch(r, &s, &p, &b), FG_CSV_EOF);
    fg_batch_free(&b);
    fg_csv_schema_free(&s, NULL);
    fg_strbuf_free(&msg);
    fg_strbuf_free(&t);
    fg_csv_free(r);
}

/* ---- out of memory at every allocation: errors, no crash, no leak ---- */
typedef struct fail_alloc {
    int left; /* allocations still allowed */
} fail_alloc;

static void *failing_realloc(void *ud, void *ptr, size_t size)
{
    fail_alloc *fa = ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (fa->left-- <= 0)
        return NULL;
    return realloc(ptr, size);
}

static void test_oom(void **state)
{
    (void)state;
    fg_program p;
    fg_input in[5];
    uint32_t keys[1];
    make_program(&p, in, keys);
    bool succeeded = false;
    for (int limit = 0; limit < 200 && !succeeded; limit++) {
        fail_alloc fa = {limit};
        fg_allocator al = {failing_realloc, &fa};
        mem_src m = {batch_csv, sizeof batch_csv - 1, 0, 3};
        fg_byte_source src = {mem_read, &m};
        fg_csv_reader *r = fg_csv_new(&al, src, ',');
        fg_csv_schema s;
        fg_batch b;
        bool have_s = false, have_b = false;
        fg_strbuf msg;
        fg_strbuf_init(&msg, &al);
        fg_csv_record rec;
        if (!r)
            goto next;
        if (fg_csv_next(r, &rec) != FG_CSV_RECORD)
            goto next;
        if (!(have_s = fg_csv_schema_init(&s, &al, &p, &rec, &msg)))
            goto next;
        if (!(have_b = fg_batch_init(&b, &al, &p, 4)))
            goto next;
        fg_csv_status st;
        int rows = 0;
        while ((st = fg_csv_fill_batch(r, &s, &p, &b)) == FG_CSV_RECORD)
            rows += (int)b.nrows;
        if (st == FG_CSV_EOF) {
            assert_int_equal(rows, 12);
            succeeded = true;
        } else {
            assert_int_equal(st, FG_CSV_OOM);
        }
    next:
        if (have_b)
            fg_batch_free(&b);
        if (have_s)
            fg_csv_schema_free(&s, &al);
        fg_strbuf_free(&msg);
        fg_csv_free(r);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_crlf_cr_bom_blank),
        cmocka_unit_test(test_bad_quotes),
        cmocka_unit_test(test_bad_quotes2),
        cmocka_unit_test(test_tsv),
        cmocka_unit_test(test_big_record),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_fill_batch),
        cmocka_unit_test(test_long_cell_detail),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
