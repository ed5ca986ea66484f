/* test_partial.c — partial reports (forge_report_partial_*): a generated
 * dataset (exact-sum traps, int sums past 64 bits, num sums past the
 * double range, -0, quoted and UTF-8 strings, missing values, bad cells,
 * errors only report arguments hit) is split at random points into pieces,
 * each piece added from CSV or from caller columns, and the partials merged
 * in several orders and groupings, some through serialize/deserialize and
 * a second compilation of the policy: every result must be byte for byte
 * forge_report's on the whole data, in every format, with the same
 * warnings and counts. Then foreign, truncated and corrupt bytes are
 * refused (and leave the partial unchanged), and a failing allocator at
 * every k neither crashes nor leaks. Runs on the interpreter and, when
 * built, the JIT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <forge.h>

static const char POLICY[] = "policy \"parts\" version \"1\"\n"
                             "input {\n"
                             "  id     : str key\n"
                             "  region : str?\n"
                             "  size   : int\n"
                             "  amount : num\n"
                             "  flag   : bool\n"
                             "  score  : num?\n"
                             "}\n"
                             "let band = if size > 500 then \"big\" else \"small\"\n"
                             "let sb = round(score ?? 0, 0)\n"
                             "output band\n"
                             "report by region {\n"
                             "  n = count()\n"
                             "  big = count(size > 500)\n"
                             "  total = sum(amount)\n"
                             "  isum = sum(size)\n"
                             "  mean = avg(score)\n"
                             "  lo = min(amount)\n"
                             "  hi = max(id)\n"
                             "  sh = share(flag)\n"
                             "  per = avg(amount / size)\n"
                             "}\n"
                             "report mix by flag, band {\n"
                             "  n = count()\n"
                             "  s = sum(score)\n"
                             "  lo = min(region)\n"
                             "  hi = max(score)\n"
                             "}\n"
                             "report by sb {\n"
                             "  n = count()\n"
                             "  a = avg(amount)\n"
                             "}\n"
                             "report totals {\n"
                             "  n = count()\n"
                             "  s = sum(amount)\n"
                             "  mn = min(score)\n"
                             "  mx = max(size)\n"
                             "  k = sum(size)\n"
                             "}\n";

/* The same policy with another threshold: a foreign policy. */
static const char OTHER[] = "input {\n"
                            "  id     : str key\n"
                            "  size   : int\n"
                            "}\n"
                            "report by id {\n"
                            "  n = count()\n"
                            "}\n";

/* ---- growable output buffers ---- */
typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static int buf_write(void *ud, const char *data, size_t len)
{
    buf *b = ud;
    if (b->len + len + 1 > b->cap) {
        size_t cap = (b->len + len + 1) * 2;
        char *np = realloc(b->p, cap);
        if (!np)
            return -1;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
    return 0;
}

static void buf_free(buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- the dataset: typed columns, and the same rows as CSV text ---- */
enum { NROWS = 3000 };

typedef struct dataset {
    char ids[NROWS][8];
    const char *id[NROWS];
    const char *region[NROWS];
    uint8_t region_missing[NROWS];
    int64_t size[NROWS];
    double amount[NROWS];
    char amount_text[NROWS][40];
    uint8_t flag[NROWS];
    const char *flag_text[NROWS];
    double score[NROWS];
    uint8_t score_missing[NROWS];
    char score_text[NROWS][40];
    uint8_t bad[NROWS]; /* the CSV cell of amount is not a number */
} dataset;

static dataset data;
static const char HEADER[] = "id,region,size,amount,flag,score\n";

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void generate(void)
{
    static const char *regions[] = {"east", "west", "a,b", "z\xc3\xa9", "\"q\" x", "north"};
    static const char *flags[] = {"true", "false", "yes", "0", "TRUE", "no"};
    rng_state = 88172645463325252ull;
    for (int i = 0; i < NROWS; i++) {
        snprintf(data.ids[i], sizeof data.ids[i], "R%05d", i);
        data.id[i] = i % 211 == 5 ? NULL : data.ids[i]; /* missing key: a row error */
        uint64_t r = rnd();
        data.region_missing[i] = r % 9 == 0;
        data.region[i] = data.region_missing[i] ? NULL : regions[(r >> 8) % 6];
        int64_t size = (int64_t)((r >> 16) % 1200) - 100;
        if (i % 97 == 3)
            size = INT64_C(4000000000000000000); /* group int sums leave 64 bits */
        if (i % 131 == 7)
            size = 0; /* amount / size: an error of the report argument only */
        data.size[i] = size;
        double a = (double)(rnd() % 2000000) / 7.0 - 100000.0;
        switch (i % 50) {
        case 1:
            a = 1e16;
            break;
        case 2:
            a = 1.0;
            break;
        case 3:
            a = -1e16; /* 1e16 + 1 - 1e16: exact only with an exact sum */
            break;
        case 4:
            a = 0.1;
            break;
        case 5:
            a = -0.0;
            break;
        case 6:
            a = 1e-300;
            break;
        }
        if (i % 700 == 11)
            a = 1.5e308; /* a num sum past the double range */
        data.amount[i] = a;
        data.bad[i] = i % 173 == 17;
        if (data.bad[i])
            snprintf(data.amount_text[i], sizeof data.amount_text[i], "12x");
        else
            snprintf(data.amount_text[i], sizeof data.amount_text[i], "%.17g", a);
        r = rnd();
        data.flag_text[i] = flags[r % 6];
        data.flag[i] = (r % 6) == 0 || (r % 6) == 2 || (r % 6) == 4;
        data.score_missing[i] = (r >> 8) % 10 == 0;
        data.score[i] = data.score_missing[i] ? 0 : ((double)((r >> 12) % 10000) - 5000.0) / 3.0;
        if (i % 333 == 1)
            data.score[i] = -0.25; /* rounds to -0: the same group as 0 */
        snprintf(data.score_text[i], sizeof data.score_text[i], "%.17g", data.score[i]);
    }
}

/* A CSV field as RFC 4180 wants it. */
static void put_field(buf *b, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n")) {
        buf_write(b, s, strlen(s));
        return;
    }
    buf_write(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_write(b, "\"", 1);
        buf_write(b, p, 1);
    }
    buf_write(b, "\"", 1);
}

/* Rows [from, to) as CSV text with the header. */
static void csv_text(buf *b, int from, int to)
{
    buf_write(b, HEADER, strlen(HEADER));
    for (int i = from; i < to; i++) {
        char num[32];
        put_field(b, data.id[i]);
        buf_write(b, ",", 1);
        put_field(b, data.region[i]);
        snprintf(num, sizeof num, ",%lld,", (long long)data.size[i]);
        buf_write(b, num, strlen(num));
        buf_write(b, data.amount_text[i], strlen(data.amount_text[i]));
        buf_write(b, ",", 1);
        buf_write(b, data.flag_text[i], strlen(data.flag_text[i]));
        buf_write(b, ",", 1);
        if (!data.score_missing[i])
            buf_write(b, data.score_text[i], strlen(data.score_text[i]));
        buf_write(b, "\n", 1);
    }
}

typedef struct mem_in {
    const char *data;
    size_t len, pos;
} mem_in;

static long long mem_read(void *ud, char *dst, size_t cap)
{
    mem_in *m = ud;
    size_t n = m->len - m->pos;
    if (n > cap)
        n = cap;
    if (n > 1000)
        n = 1000; /* records span reads */
    memcpy(dst, m->data + m->pos, n);
    m->pos += n;
    return (long long)n;
}

static forge_policy *compile_text(const char *text, forge_engine engine)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.engine = engine;
    cfg.jit_no_cache = 1;
    forge_policy *p = NULL;
    assert_int_equal(forge_compile_string(&cfg, "parts.fp", text, strlen(text), &p), FORGE_OK);
    return p;
}

/* ---- what forge_report writes, and what a partial writes ---- */
typedef struct style {
    forge_format format;
    int totals;
} style;

static const style STYLES[] = {{FORGE_FORMAT_CSV, 0},   {FORGE_FORMAT_CSV, 1},
                               {FORGE_FORMAT_TSV, 0},   {FORGE_FORMAT_JSONL, 1},
                               {FORGE_FORMAT_TABLE, 0}, {FORGE_FORMAT_MARKDOWN, 0}};
enum { NSTYLES = sizeof STYLES / sizeof STYLES[0] };

typedef struct result {
    buf out, err;
    forge_status st;
    forge_summary sum;
} result;

static void result_free(result *r)
{
    buf_free(&r->out);
    buf_free(&r->err);
}

static void one_shot(const forge_policy *p, forge_engine engine, const style *sty, int from, int to,
                     result *r)
{
    buf text = {0};
    csv_text(&text, from, to);
    memset(r, 0, sizeof *r);
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = engine;
    mem_in in = {text.p, text.len, 0};
    opt.read = mem_read;
    opt.read_ud = &in;
    opt.format = sty->format;
    opt.report_totals = sty->totals;
    opt.write_out = buf_write;
    opt.out_ud = &r->out;
    opt.jobs = 2;
    buf errlines = {0}; /* row error lines: not part of the comparison */
    opt.write_err = buf_write;
    opt.err_ud = &errlines;
    r->st = forge_report(p, &opt, &r->sum);
    buf_free(&errlines);
    buf_free(&text);
    if (!r->out.p)
        buf_write(&r->out, "", 0);
}

/* forge_report's overflow warnings alone (its error stream minus row errors). */
static void one_shot_warnings(const forge_policy *p, int from, int to, buf *warn)
{
    buf text = {0}, err = {0}, out = {0};
    csv_text(&text, from, to);
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = FORGE_ENGINE_INTERP;
    mem_in in = {text.p, text.len, 0};
    opt.read = mem_read;
    opt.read_ud = &in;
    opt.write_out = buf_write;
    opt.out_ud = &out;
    opt.write_err = buf_write;
    opt.err_ud = &err;
    forge_summary sum;
    forge_report(p, &opt, &sum);
    for (char *line = err.p; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (strncmp(line, "forgec: warning: ", 17) == 0)
            buf_write(warn, line, n);
        line += n;
    }
    buf_write(warn, "", 0);
    buf_free(&text);
    buf_free(&err);
    buf_free(&out);
}

static void partial_write(forge_report_partial *rp, const style *sty, result *r)
{
    memset(r, 0, sizeof *r);
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.format = sty->format;
    opt.report_totals = sty->totals;
    opt.write_out = buf_write;
    opt.out_ud = &r->out;
    opt.write_err = buf_write;
    opt.err_ud = &r->err;
    r->st = forge_report_partial_write(rp, &opt, &r->sum);
    if (!r->out.p)
        buf_write(&r->out, "", 0);
    if (!r->err.p)
        buf_write(&r->err, "", 0);
}

/* ---- filling partials ---- */
static void add_csv(forge_report_partial *rp, forge_engine engine, int from, int to)
{
    buf text = {0}, err = {0};
    csv_text(&text, from, to);
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = engine;
    mem_in in = {text.p, text.len, 0};
    opt.read = mem_read;
    opt.read_ud = &in;
    opt.write_err = buf_write;
    opt.err_ud = &err;
    opt.jobs = 1 + (unsigned)(rnd() % 2);
    forge_summary sum;
    forge_status st = forge_report_partial_add_csv(rp, &opt, &sum);
    assert_true(st == FORGE_OK || st == FORGE_EROWS);
    assert_int_equal(sum.rows_read, (uint64_t)(to - from));
    assert_int_equal(sum.rows_evaluated + sum.rows_in_error, sum.rows_read);
    buf_free(&text);
    buf_free(&err);
}

static void add_columns(forge_report_partial *rp, forge_session *s, int from, int to)
{
    size_t lens[NROWS];
    for (int i = from; i < to; i++)
        lens[i] = data.id[i] ? strlen(data.id[i]) : 0;
    forge_column in[6];
    memset(in, 0, sizeof in);
    in[0].s = data.id + from;
    in[0].len = lens + from;
    in[1].s = data.region + from;
    in[1].missing = data.region_missing + from;
    in[2].i = data.size + from;
    in[3].n = data.amount + from;
    in[4].b = data.flag + from;
    in[5].n = data.score + from;
    in[5].missing = data.score_missing + from;
    size_t nerr = 99;
    forge_status st =
        forge_report_partial_add_columns(rp, s, in, (size_t)(to - from), data.bad + from, &nerr);
    assert_true(st == FORGE_OK || st == FORGE_EROWS);
    assert_int_equal(st == FORGE_EROWS, nerr > 0);
    for (int i = from; i < to; i++) /* a row the caller marked bad is a bad value */
        if (data.bad[i]) {
            forge_row_error e;
            assert_int_equal(forge_session_batch_error(s, (size_t)(i - from), &e), FORGE_OK);
            assert_int_equal(e.kind, FORGE_ROW_BAD_VALUE);
            break;
        }
}

static void to_bytes(forge_report_partial *rp, buf *b)
{
    memset(b, 0, sizeof *b);
    assert_int_equal(forge_report_partial_serialize(rp, buf_write, b), FORGE_OK);
    assert_true(b->len > 0);
}

/* A partial of the same data made again through its bytes, in a partial of
 * `into`'s policy (maybe another compilation of the same text). */
static forge_report_partial *roundtrip(forge_report_partial *rp, const forge_policy *into)
{
    buf b;
    to_bytes(rp, &b);
    forge_report_partial *q = NULL;
    assert_int_equal(forge_report_partial_new(into, &q), FORGE_OK);
    assert_int_equal(forge_report_partial_deserialize(q, b.p, b.len), FORGE_OK);
    buf_free(&b);
    return q;
}

static void assert_same(const result *want, const buf *want_warn, forge_report_partial *rp)
{
    for (int k = 0; k < NSTYLES; k++) {
        result got;
        partial_write(rp, &STYLES[k], &got);
        assert_int_equal(got.st, want[k].st);
        assert_string_equal(got.out.p, want[k].out.p);
        assert_string_equal(got.err.p, want_warn->p);
        assert_int_equal(got.sum.rows_read, want[k].sum.rows_read);
        assert_int_equal(got.sum.rows_evaluated, want[k].sum.rows_evaluated);
        assert_int_equal(got.sum.rows_in_error, want[k].sum.rows_in_error);
        result_free(&got);
    }
}

/* Splits the data into n pieces at random points; cuts[0..n]. */
static void random_cuts(int n, int *cuts)
{
    cuts[0] = 0;
    cuts[n] = NROWS;
    for (int i = 1; i < n; i++)
        cuts[i] = (int)(rnd() % (NROWS + 1));
    for (int i = 1; i < n; i++) /* sort: empty pieces are allowed */
        for (int j = i; j > 1 && cuts[j - 1] > cuts[j]; j--) {
            int t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
        }
}

static void splits_on(forge_engine engine)
{
    forge_policy *p = compile_text(POLICY, engine);
    forge_policy *p2 = compile_text(POLICY, FORGE_ENGINE_INTERP); /* another compilation */
    result want[NSTYLES];
    for (int k = 0; k < NSTYLES; k++)
        one_shot(p, engine, &STYLES[k], 0, NROWS, &want[k]);
    assert_int_equal(want[0].st, FORGE_EROWS);
    assert_true(want[0].sum.rows_in_error > 20);
    buf warn = {0};
    one_shot_warnings(p, 0, NROWS, &warn);
    assert_non_null(strstr(warn.p, "sum outside the 64-bit int range"));
    assert_non_null(strstr(warn.p, "sum beyond the num range"));
    forge_session *s = NULL;
    assert_int_equal(forge_session_new(p, &s), FORGE_OK);

    static const int pieces[] = {1, 2, 3, 5, 8, 13};
    for (unsigned t = 0; t < sizeof pieces / sizeof pieces[0]; t++) {
        int n = pieces[t], cuts[14];
        random_cuts(n, cuts);
        forge_report_partial *parts[13];
        for (int i = 0; i < n; i++) {
            assert_int_equal(forge_report_partial_new(p, &parts[i]), FORGE_OK);
            if (rnd() % 2)
                add_csv(parts[i], engine, cuts[i], cuts[i + 1]);
            else
                add_columns(parts[i], s, cuts[i], cuts[i + 1]);
        }
        /* 1: folded left to right in a random order */
        forge_report_partial *acc = NULL;
        assert_int_equal(forge_report_partial_new(p, &acc), FORGE_OK);
        int order[13];
        for (int i = 0; i < n; i++)
            order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = (int)(rnd() % (uint64_t)(i + 1)), tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (int i = 0; i < n; i++)
            assert_int_equal(forge_report_partial_merge(acc, parts[order[i]]), FORGE_OK);
        assert_same(want, &warn, acc);
        forge_report_partial_free(acc);

        /* 2: a tree of merges, every partial through its bytes first, some
         * into the other compilation of the policy */
        forge_report_partial *level[13] = {NULL};
        int m = n;
        for (int i = 0; i < n; i++)
            level[i] = roundtrip(parts[i], i % 2 ? p2 : p);
        while (m > 1) {
            int k = 0;
            for (int i = 0; i < m; i += 2) {
                if (i + 1 < m) {
                    assert_int_equal(forge_report_partial_merge(level[i], level[i + 1]), FORGE_OK);
                    forge_report_partial_free(level[i + 1]);
                }
                level[k++] = level[i];
            }
            m = k;
        }
        forge_report_partial *fin = roundtrip(level[0], p);
        forge_report_partial_free(level[0]);
        assert_same(want, &warn, fin);
        forge_report_partial_free(fin);

        /* 3: deserializing every part's bytes into one partial, in reverse */
        forge_report_partial *all = NULL;
        assert_int_equal(forge_report_partial_new(p2, &all), FORGE_OK);
        for (int i = n - 1; i >= 0; i--) {
            buf b;
            to_bytes(parts[i], &b);
            assert_int_equal(forge_report_partial_deserialize(all, b.p, b.len), FORGE_OK);
            buf_free(&b);
        }
        assert_same(want, &warn, all);
        forge_report_partial_free(all);
        for (int i = 0; i < n; i++)
            forge_report_partial_free(parts[i]);
    }

    /* no rows at all: forge_report over a header alone */
    result empty[NSTYLES];
    for (int k = 0; k < NSTYLES; k++)
        one_shot(p, engine, &STYLES[k], 0, 0, &empty[k]);
    buf nowarn = {0};
    buf_write(&nowarn, "", 0);
    forge_report_partial *none = NULL;
    assert_int_equal(forge_report_partial_new(p, &none), FORGE_OK);
    assert_same(empty, &nowarn, none);
    forge_report_partial *none2 = roundtrip(none, p);
    assert_same(empty, &nowarn, none2);
    forge_report_partial_free(none);
    forge_report_partial_free(none2);
    buf_free(&nowarn);
    for (int k = 0; k < NSTYLES; k++) {
        result_free(&empty[k]);
        result_free(&want[k]);
    }
    buf_free(&warn);
    forge_session_free(s);
    forge_policy_free(p2);
    forge_policy_free(p);
}

static void test_splits(void **state)
{
    (void)state;
    splits_on(FORGE_ENGINE_INTERP);
    if (forge_jit_available())
        splits_on(FORGE_ENGINE_JIT);
}

/* ---- bytes that must be refused ---- */
static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Recomputes the trailing FNV-1a checksum after an edit. */
static void reseal(unsigned char *p, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i + 8 < len; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    for (int i = 0; i < 8; i++)
        p[len - 8 + i] = (unsigned char)(h >> (8 * i));
}

static void test_refused(void **state)
{
    (void)state;
    forge_policy *p = compile_text(POLICY, FORGE_ENGINE_INTERP);
    forge_policy *other = compile_text(OTHER, FORGE_ENGINE_INTERP);
    forge_report_partial *rp = NULL, *fp = NULL, *target = NULL;
    assert_int_equal(forge_report_partial_new(p, &rp), FORGE_OK);
    add_csv(rp, FORGE_ENGINE_INTERP, 0, 400);
    buf good;
    to_bytes(rp, &good);
    assert_int_equal(forge_report_partial_new(p, &target), FORGE_OK);
    add_csv(target, FORGE_ENGINE_INTERP, 400, 500);
    result before;
    partial_write(target, &STYLES[0], &before);

    /* another policy's partial, as bytes and as an object */
    assert_int_equal(forge_report_partial_new(other, &fp), FORGE_OK);
    buf foreign;
    to_bytes(fp, &foreign);
    assert_int_equal(forge_report_partial_deserialize(target, foreign.p, foreign.len),
                     FORGE_EMISMATCH);
    assert_non_null(strstr(forge_report_partial_errmsg(target), "another policy"));
    assert_int_equal(forge_report_partial_merge(target, fp), FORGE_EMISMATCH);
    assert_int_equal(forge_report_partial_merge(fp, rp), FORGE_EMISMATCH);

    /* every truncation, and every single flipped byte */
    for (size_t n = 0; n < good.len; n++)
        assert_int_not_equal(forge_report_partial_deserialize(target, good.p, n), FORGE_OK);
    unsigned char *copy = malloc(good.len);
    assert_non_null(copy);
    for (size_t i = 0; i < good.len; i++) {
        memcpy(copy, good.p, good.len);
        copy[i] ^= (unsigned char)(1u << (i % 8));
        forge_status st = forge_report_partial_deserialize(target, copy, good.len);
        assert_true(st == FORGE_EIO || st == FORGE_EMISMATCH);
    }
    /* a well-sealed buffer with a bad body: a group count past the data */
    memcpy(copy, good.p, good.len);
    put_u32(copy + 8 + 4 + 8 + 24 + 4, 1000000);
    reseal(copy, good.len);
    assert_int_equal(forge_report_partial_deserialize(target, copy, good.len), FORGE_EIO);
    assert_non_null(strstr(forge_report_partial_errmsg(target), "corrupt"));
    /* counts that do not add up */
    memcpy(copy, good.p, good.len);
    copy[8 + 4 + 8] ^= 1;
    reseal(copy, good.len);
    assert_int_equal(forge_report_partial_deserialize(target, copy, good.len), FORGE_EIO);
    /* another format version */
    memcpy(copy, good.p, good.len);
    put_u32(copy + 8, 2);
    reseal(copy, good.len);
    assert_int_equal(forge_report_partial_deserialize(target, copy, good.len), FORGE_EMISMATCH);
    assert_non_null(strstr(forge_report_partial_errmsg(target), "version 2"));
    /* not a partial at all */
    assert_int_equal(forge_report_partial_deserialize(target, "id,region\n", 10), FORGE_EIO);
    assert_int_equal(forge_report_partial_deserialize(target, NULL, 0), FORGE_EIO);
    free(copy);

    /* none of it changed the target */
    result after;
    partial_write(target, &STYLES[0], &after);
    assert_string_equal(after.out.p, before.out.p);
    assert_int_equal(after.sum.rows_read, 100);
    /* and the good bytes still merge */
    assert_int_equal(forge_report_partial_deserialize(target, good.p, good.len), FORGE_OK);
    forge_summary sum;
    assert_int_equal(forge_report_partial_counts(target, &sum), FORGE_OK);
    assert_int_equal(sum.rows_read, 500);

    /* misuse */
    forge_session *s = NULL;
    assert_int_equal(forge_session_new(other, &s), FORGE_OK);
    forge_column cols[6];
    memset(cols, 0, sizeof cols);
    assert_int_equal(forge_report_partial_add_columns(target, s, cols, 1, NULL, NULL),
                     FORGE_EUSAGE);
    forge_session_free(s);
    assert_int_equal(forge_session_new(p, &s), FORGE_OK);
    assert_int_equal(forge_report_partial_add_columns(target, s, cols, 1, NULL, NULL), FORGE_ETYPE);
    assert_non_null(strstr(forge_report_partial_errmsg(target), "needs its"));
    forge_session_free(s);
    assert_int_equal(forge_report_partial_merge(target, target), FORGE_EUSAGE);
    forge_report_partial_free(fp);
    assert_int_equal(forge_report_partial_new(NULL, &fp), FORGE_EUSAGE);
    assert_null(fp);
    assert_int_equal(forge_report_partial_new(p, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_report_partial_merge(NULL, target), FORGE_EUSAGE);
    assert_int_equal(forge_report_partial_serialize(NULL, buf_write, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_report_partial_serialize(target, NULL, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_report_partial_write(target, NULL, NULL), FORGE_EUSAGE);
    assert_int_equal(forge_report_partial_counts(NULL, &sum), FORGE_EUSAGE);
    assert_string_equal(forge_report_partial_errmsg(NULL), "");
    forge_report_partial_free(NULL);
    assert_string_equal(forge_status_text(FORGE_EMISMATCH), "made by another policy");

    result_free(&before);
    result_free(&after);
    buf_free(&good);
    buf_free(&foreign);
    forge_report_partial_free(target);
    forge_report_partial_free(rp);
    forge_policy_free(other);
    forge_policy_free(p);
}

static void test_struct_sizes(void **state)
{
    (void)state;
    assert_int_equal(forge_struct_size(FORGE_STRUCT_CONFIG), sizeof(forge_config));
    assert_int_equal(forge_struct_size(FORGE_STRUCT_RUN_OPTIONS), sizeof(forge_run_options));
    assert_int_equal(forge_struct_size(FORGE_STRUCT_COLUMN), sizeof(forge_column));
    assert_int_equal(forge_struct_size(FORGE_STRUCT_OUT_COLUMN), sizeof(forge_out_column));
    assert_int_equal(forge_struct_size((forge_struct_id)0), 0);
    assert_int_equal(forge_struct_size((forge_struct_id)99), 0);
}

/* ---- a failing allocator: every k-th call, no crash, no leak ---- */
#include "acct_alloc.h"

/* Every step of a partial's life with allocation k failing; true when all
 * of it succeeded (k was past the last allocation). */
static bool life_failing_at(long long k)
{
    acct a = {0, 0, 0, 0};
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.realloc_fn = acct_realloc;
    cfg.alloc_ud = &a;
    forge_policy *p = NULL;
    assert_int_equal(forge_compile_string(&cfg, "parts.fp", POLICY, strlen(POLICY), &p), FORGE_OK);
    a.fail_at = k;
    bool all = false;
    forge_report_partial *rp = NULL, *q = NULL;
    forge_session *s = NULL;
    buf b = {0};
    forge_status st = forge_report_partial_new(p, &rp);
    if (st != FORGE_OK)
        goto done;
    if (forge_report_partial_new(p, &q) != FORGE_OK)
        goto done;
    buf text = {0};
    csv_text(&text, 0, 60);
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = FORGE_ENGINE_INTERP;
    mem_in in = {text.p, text.len, 0};
    opt.read = mem_read;
    opt.read_ud = &in;
    opt.jobs = 1;
    st = forge_report_partial_add_csv(rp, &opt, NULL);
    buf_free(&text);
    if (st != FORGE_EROWS && st != FORGE_OK)
        goto done;
    if (forge_session_new(p, &s) != FORGE_OK)
        goto done;
    forge_column in2[6];
    memset(in2, 0, sizeof in2);
    in2[0].s = data.id + 60;
    in2[1].s = data.region + 60;
    in2[1].missing = data.region_missing + 60;
    in2[2].i = data.size + 60;
    in2[3].n = data.amount + 60;
    in2[4].b = data.flag + 60;
    in2[5].n = data.score + 60;
    in2[5].missing = data.score_missing + 60;
    st = forge_report_partial_add_columns(q, s, in2, 40, data.bad + 60, NULL);
    if (st != FORGE_EROWS && st != FORGE_OK)
        goto done;
    if (forge_report_partial_serialize(q, buf_write, &b) != FORGE_OK)
        goto done;
    if (forge_report_partial_deserialize(rp, b.p, b.len) != FORGE_OK)
        goto done;
    if (forge_report_partial_merge(q, rp) != FORGE_OK)
        goto done;
    buf out = {0};
    forge_run_options_init(&opt);
    opt.format = FORGE_FORMAT_TABLE;
    opt.write_out = buf_write;
    opt.out_ud = &out;
    st = forge_report_partial_write(q, &opt, NULL);
    buf_free(&out);
    all = st == FORGE_EROWS && a.calls < k;
done:
    assert_true(all || a.calls >= k); /* only a failed allocation fails */
    buf_free(&b);
    forge_session_free(s);
    forge_report_partial_free(q);
    forge_report_partial_free(rp);
    forge_policy_free(p);
    assert_int_equal(a.live, 0);
    return all;
}

static void test_alloc_failing(void **state)
{
    (void)state;
    long long k = 1;
    while (!life_failing_at(k))
        k++;
    assert_true(k > 20);
}

int main(void)
{
    generate();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_splits),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_struct_sizes),
        cmocka_unit_test(test_alloc_failing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
