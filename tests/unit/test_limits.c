/* test_limits.c — the limits of docs/limits.md that are cheap to prove in a
 * unit test: expression nesting (100,000 parentheses, a 100,000-term chain)
 * is a clear compile error; NUL bytes and invalid UTF-8 in a policy give a
 * diagnostic or compile, never a crash; the CSV reader skips a record over
 * its size or field limit in constant memory (a counting allocator measures
 * the peak while a generator streams 64 MiB through a lowered limit) and
 * resumes in step at the next record; a million columns read fine. */
#include <forge.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/csv.h"

/* ---- compile helpers ---- */

typedef struct diag_log {
    char text[4096];
    unsigned nerrors;
} diag_log;

static void on_diag(void *ud, const forge_diag *d)
{
    diag_log *l = ud;
    if (d->severity == FORGE_SEV_ERROR)
        l->nerrors++;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s\n", d->message);
}

static forge_status compile(const char *text, size_t len, diag_log *log, forge_policy **p)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = on_diag;
    cfg.diag_ud = log;
    memset(log, 0, sizeof *log);
    return forge_compile_string(&cfg, "t.fp", text, len, p);
}

static const char head[] = "input {\n  k : str key\n  x : int\n}\noutput y = ";

/* head + prefix*n + mid + suffix*n */
static char *nested(const char *prefix, const char *mid, const char *suffix, size_t n, size_t *len)
{
    size_t lp = strlen(prefix), ls = strlen(suffix), lh = strlen(head), lm = strlen(mid);
    char *s = malloc(lh + n * (lp + ls) + lm + 2);
    assert_non_null(s);
    char *w = s;
    memcpy(w, head, lh), w += lh;
    for (size_t i = 0; i < n; i++)
        memcpy(w, prefix, lp), w += lp;
    memcpy(w, mid, lm), w += lm;
    for (size_t i = 0; i < n; i++)
        memcpy(w, suffix, ls), w += ls;
    *w++ = '\n';
    *w = '\0';
    *len = (size_t)(w - s);
    return s;
}

static void expect_error(const char *prefix, const char *mid, const char *suffix, size_t n,
                         const char *msg)
{
    size_t len;
    char *s = nested(prefix, mid, suffix, n, &len);
    diag_log log;
    forge_policy *p = NULL;
    assert_int_equal(compile(s, len, &log, &p), FORGE_ECOMPILE);
    assert_null(p);
    free(s);
    assert_non_null(strstr(log.text, msg));
}

static void expect_too_deep(const char *prefix, const char *mid, const char *suffix, size_t n)
{
    expect_error(prefix, mid, suffix, n, "expression nested too deeply (limit 1000)");
}

static void nesting_100000_parens(void **state)
{
    (void)state;
    expect_too_deep("(", "x", ")", 100000);
}

static void nesting_100000_term_chain(void **state)
{
    (void)state;
    expect_too_deep("", "x", " + x", 100000); /* left-assoc: shallow parse, deep tree */
    expect_too_deep("not ", "true", "", 100000);
    expect_too_deep("-", "x", "", 100000);
    expect_too_deep("(if x > 0 then ", "1", " else 2)", 100000);
    expect_too_deep("", "x", " ?? x", 100000);
    expect_too_deep("abs(", "x", ")", 100000);
    expect_error("\"{", "x", "}\"", 3000, "string interpolations nested too deeply");
}

static void nesting_under_limit_evaluates(void **state)
{
    (void)state;
    size_t len;
    char *s = nested("", "x", " + 1", 990, &len);
    diag_log log;
    forge_policy *p = NULL;
    assert_int_equal(compile(s, len, &log, &p), FORGE_OK);
    forge_policy_free(p);
    free(s);
    s = nested("(", "x", ")", 5000, &len); /* parentheses alone add no depth */
    assert_int_equal(compile(s, len, &log, &p), FORGE_OK);
    forge_policy_free(p);
    free(s);
}

static void policy_nul_and_bad_utf8(void **state)
{
    (void)state;
    static const char nul[] = "input {\n  k : str key\n}\n\0output y = 1\n";
    diag_log log;
    forge_policy *p = NULL;
    forge_status st = compile(nul, sizeof nul - 1, &log, &p);
    assert_int_equal(st, FORGE_ECOMPILE);
    assert_true(log.nerrors > 0);
    static const char inlit[] = "input {\n  k : str key\n}\noutput y = \"a\0b\"\n";
    st = compile(inlit, sizeof inlit - 1, &log, &p);
    assert_true(st == FORGE_ECOMPILE || st == FORGE_OK);
    assert_true(st == FORGE_OK || log.nerrors > 0);
    forge_policy_free(p);
    p = NULL;
    static const char bad[] =
        "input {\n  k : str key\n}\n# \xff\xfe comment\noutput y = \"\xc3\x28\"\n"
        "output \xff = 1\n";
    st = compile(bad, sizeof bad - 1, &log, &p);
    assert_int_equal(st, FORGE_ECOMPILE);
    assert_true(log.nerrors > 0);
}

static void import_reads_only_policy_files(void **state)
{
    (void)state;
    static const char imp[] = "import \"/etc/passwd\"\ninput {\n  k : str key\n}\noutput y = 1\n";
    diag_log log;
    forge_policy *p = NULL;
    assert_int_equal(compile(imp, sizeof imp - 1, &log, &p), FORGE_ECOMPILE);
    assert_non_null(strstr(log.text, "cannot import `/etc/passwd`: imports name policy files"));
    assert_null(strstr(log.text, "root:")); /* the file was never read */
}

/* ---- the CSV reader's record limits ---- */

typedef struct counting {
    size_t live, peak;
} counting;

/* A realloc that counts live bytes in a header before each block. */
static void *count_realloc(void *ud, void *ptr, size_t size)
{
    counting *c = ud;
    size_t old = 0;
    char *base = ptr ? (char *)ptr - 16 : NULL;
    if (base)
        memcpy(&old, base, sizeof old);
    if (size == 0) {
        free(base);
        c->live -= old;
        return NULL;
    }
    char *nb = realloc(base, size + 16);
    if (!nb)
        return NULL;
    memcpy(nb, &size, sizeof size);
    c->live = c->live - old + size;
    if (c->live > c->peak)
        c->peak = c->live;
    return nb + 16;
}

/* A byte source: a prefix, then `total` generated bytes (`fill`, with a
 * newline every `every` bytes when non-zero), then a suffix. */
typedef struct gen_src {
    const char *prefix, *suffix;
    size_t plen, slen, pos;
    uint64_t total, made;
    char fill;
    unsigned every;
    int part;
} gen_src;

static size_t gen_read(void *ud, char *buf, size_t cap, const char **err)
{
    gen_src *g = ud;
    *err = NULL;
    size_t n = 0;
    while (n < cap) {
        if (g->part == 0) {
            if (g->pos == g->plen) {
                g->part = 1;
                continue;
            }
            buf[n++] = g->prefix[g->pos++];
        } else if (g->part == 1) {
            if (g->made == g->total) {
                g->part = 2;
                g->pos = 0;
                continue;
            }
            g->made++;
            buf[n++] = g->every && g->made % g->every == 0 ? '\n' : g->fill;
        } else {
            if (g->pos == g->slen)
                break;
            buf[n++] = g->suffix[g->pos++];
        }
    }
    return n;
}

static void read_all(gen_src *g, size_t max_record, uint32_t max_fields, fg_csv_record *recs,
                     char keys[][8], unsigned *nrecs, counting *c)
{
    fg_allocator a = {count_realloc, c};
    fg_byte_source src = {gen_read, g};
    fg_csv_reader *r = fg_csv_new(&a, src, ',');
    assert_non_null(r);
    fg_csv_set_limits(r, max_record, max_fields);
    *nrecs = 0;
    fg_csv_record rec;
    fg_csv_status st;
    while ((st = fg_csv_next(r, &rec)) == FG_CSV_RECORD) {
        assert_true(*nrecs < 8);
        recs[*nrecs] = rec;
        keys[*nrecs][0] = '\0';
        if (rec.nfields > 0) {
            size_t l = rec.fields[0].len < 7 ? rec.fields[0].len : 7;
            memcpy(keys[*nrecs], rec.fields[0].ptr, l);
            keys[*nrecs][l] = '\0';
        }
        (*nrecs)++;
    }
    assert_int_equal(st, FG_CSV_EOF);
    fg_csv_free(r);
    assert_int_equal(c->live, 0); /* nothing leaked */
}

static void csv_unclosed_quote_constant_memory(void **state)
{
    (void)state;
    /* 64 MiB in an unclosed quote, limit 1 MiB: one bad record to the end
     * of input, read with at most a few MiB live, whatever the size. */
    gen_src g = {.prefix = "k,v\nA,1\nB,\"",
                 .suffix = "",
                 .fill = 'x',
                 .every = 100,
                 .total = (uint64_t)64 << 20};
    g.plen = strlen(g.prefix);
    fg_csv_record recs[8];
    char keys[8][8];
    unsigned n;
    counting c = {0, 0};
    read_all(&g, (size_t)1 << 20, 0, recs, keys, &n, &c);
    assert_int_equal(n, 3);
    assert_string_equal(keys[1], "A");
    assert_true(recs[2].too_large);
    assert_int_equal(recs[2].nfields, 0);
    assert_int_equal(recs[2].line, 3);
    assert_true(c.peak < ((size_t)4 << 20));
}

static void csv_huge_field_resyncs(void **state)
{
    (void)state;
    gen_src g = {
        .prefix = "k,v\nA,1\nB,", .suffix = "\nC,2\nD,3", .fill = 'y', .total = (uint64_t)64 << 20};
    g.plen = strlen(g.prefix);
    g.slen = strlen(g.suffix);
    fg_csv_record recs[8];
    char keys[8][8];
    unsigned n;
    counting c = {0, 0};
    read_all(&g, (size_t)1 << 20, 0, recs, keys, &n, &c);
    assert_int_equal(n, 5);
    assert_true(recs[2].too_large);
    assert_int_equal(recs[2].line, 3);
    assert_false(recs[3].too_large);
    assert_string_equal(keys[3], "C");
    assert_int_equal(recs[3].line, 4);
    assert_string_equal(keys[4], "D"); /* no newline at the end: still a record */
    assert_int_equal(recs[4].nfields, 2);
    assert_true(c.peak < ((size_t)4 << 20));
}

static void csv_quoted_newlines_count_lines_while_skipping(void **state)
{
    (void)state;
    /* A quoted field with a newline every 10 bytes, closed, then a record:
     * its line number counts the skipped newlines. 8 MiB / 10 lines. */
    uint64_t total = (uint64_t)8 << 20;
    gen_src g = {
        .prefix = "k,v\nB,\"", .suffix = "\"\nC,2\n", .fill = 'z', .every = 10, .total = total};
    g.plen = strlen(g.prefix);
    g.slen = strlen(g.suffix);
    fg_csv_record recs[8];
    char keys[8][8];
    unsigned n;
    counting c = {0, 0};
    read_all(&g, (size_t)1 << 20, 0, recs, keys, &n, &c);
    assert_int_equal(n, 3);
    assert_true(recs[1].too_large);
    assert_string_equal(keys[2], "C");
    assert_int_equal(recs[2].line, 3 + total / 10);
}

static void csv_too_many_fields(void **state)
{
    (void)state;
    gen_src g = {.prefix = "k,v\nA,1\nB", .suffix = "\nC,2\n", .fill = ',', .total = 5000};
    g.plen = strlen(g.prefix);
    g.slen = strlen(g.suffix);
    fg_csv_record recs[8];
    char keys[8][8];
    unsigned n;
    counting c = {0, 0};
    read_all(&g, 0, 1000, recs, keys, &n, &c);
    assert_int_equal(n, 4);
    assert_true(recs[2].too_large);
    assert_string_equal(keys[3], "C");
    assert_int_equal(recs[3].nfields, 2);
}

static void csv_million_columns(void **state)
{
    (void)state;
    /* 1,000,000 one-byte columns in the header and in one record. */
    gen_src g = {.prefix = "", .suffix = "", .fill = ',', .total = 999999};
    fg_byte_source src = {gen_read, &g};
    fg_csv_reader *r = fg_csv_new(NULL, src, ',');
    assert_non_null(r);
    fg_csv_record rec;
    assert_int_equal(fg_csv_next(r, &rec), FG_CSV_RECORD);
    assert_false(rec.too_large);
    assert_int_equal(rec.nfields, 1000000);
    fg_csv_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nesting_100000_parens),
        cmocka_unit_test(nesting_100000_term_chain),
        cmocka_unit_test(nesting_under_limit_evaluates),
        cmocka_unit_test(policy_nul_and_bad_utf8),
        cmocka_unit_test(import_reads_only_policy_files),
        cmocka_unit_test(csv_unclosed_quote_constant_memory),
        cmocka_unit_test(csv_huge_field_resyncs),
        cmocka_unit_test(csv_quoted_newlines_count_lines_while_skipping),
        cmocka_unit_test(csv_too_many_fields),
        cmocka_unit_test(csv_million_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
