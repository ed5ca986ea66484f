/* test_jit.c — the JIT engine against the interpreter: small policies over
 * batches of edge values (int overflow edges, division by zero, -0,
 * NaN-producing math, missing values, tables with every cell kind,
 * strings) must give the same slot values (bit for bit), rule messages and
 * row errors (kind, span, detail). Also the compiled-code cache: a cold
 * compile writes an entry, a warm one loads it, and a corrupted or
 * truncated entry is ignored and rewritten. Skipped without LLVM. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lang/compile.h"
#include "runtime/engine.h"
#include "tests/unit/batch_gen.h"

static const char *const policy_text =
    "input {\n"
    "  k : str key\n"
    "  a : int\n"
    "  b : int\n"
    "  x : num\n"
    "  y : num?\n"
    "  s : str\n"
    "  t : str?\n"
    "  f : bool\n"
    "  o : int?\n"
    "}\n"
    "table tn(v: num) -> str {\n"
    "  | < -1 => \"neg\"\n"
    "  | 0 => \"zero\"\n"
    "  | 0.5..1 => \"mid\"\n"
    "  | [2, 3] => \"two-three\"\n"
    "  | > 100 => \"big\"\n"
    "  | >= 50 => \"fifty\"\n"
    "  | <= 1.5 => \"small\"\n"
    "}\n"
    "table ts(s: str, f: bool) -> int {\n"
    "  | \"a\", true => 1\n"
    "  | [\"b\", \"c\"], _ => 2\n"
    "  | < \"m\", false => 3\n"
    "  | \"x\"..\"z\", _ => 4\n"
    "  | >= \"zz\", true => 5\n"
    "}\n"
    "table ti(n: int?) -> num {\n"
    "  | 1..5 => 1.5\n"
    "  | > 10 => 10 / (n ?? 1)\n"
    "  | [-3, 0] => 0\n"
    "  | _ => -1\n"
    "}\n"
    "table tb(p: bool, n: int) -> str {\n"
    "  | true, < 0 => \"tn\"\n"
    "  | false, <= 1.5 => \"fle\"\n"
    "  | _, _ => \"other\"\n"
    "}\n"
    "fn g(p: int, q: num?) -> num = (q ?? 1) * p\n"
    "fn h(p: str?) -> str? = p\n"
    "let sum = a + b\n"
    "let diff = a - b\n"
    "let neg = -a\n"
    "let ng = -x\n"
    "let q = x / (y ?? 1)\n"
    "let band = tn(x)\n"
    "let sc = ts(s, f)\n"
    "let ic = ti(o)\n"
    "let bb = tb(f, a)\n"
    "let gg = g(b, y)\n"
    "let hh = h(t)\n"
    "let hm = hh is missing\n"
    "let w = o ?? a\n"
    "let wn = (o ?? 0) + 0.5\n"
    "let cat = \"{s}-{t ?? \"none\"}-{x}-{f}-{o ?? 7}\"\n"
    "let c2 = concat(lower(s), upper(t ?? \"q\"))\n"
    "let lt = s < (t ?? \"\")\n"
    "let ge = s >= \"b\"\n"
    "let feq = f == (a > 0)\n"
    "let inn = a in [1, 2, b]\n"
    "let ins = s in [\"a\", \"zz\"]\n"
    "let bt = x between -1 and 1\n"
    "let bts = s between \"b\" and \"x\"\n"
    "let mx = max(a, b, 0)\n"
    "let mn = min(x, 0.5, y ?? 9)\n"
    "let ab = abs(x)\n"
    "let rd = round(x, 2)\n"
    "let fl = floor(x) + ceil(x)\n"
    "let l = len(s) + len(t ?? \"\")\n"
    "let sw = starts_with(s, \"a\") or contains(s, \"z\") and not ends_with(s, \"b\")\n"
    "let cx = if a > b then x else b\n"
    "let pw = pow(x, 2)\n"
    "rule pos: x >= 0 else \"x {x} negative, a={a}\"\n"
    "rule small: a < 100\n"
    "rule has_t: t is present else \"no t\"\n"
    "let fc = failed_count()\n"
    "decide d {\n"
    "  when pos and small => \"ok\"\n"
    "  when pos => \"big\"\n"
    "  otherwise => \"neg\"\n"
    "}\n"
    "output failed_msgs = failed()\n"
    "output d\n"
    "output prod = a * b\n"
    "output r = sqrt(x)\n"
    "output lg = log(x)\n"
    "output m = mod(a, b)\n"
    "output i = int(x)\n"
    "output ex = exp(x)\n"
    "output nn = num(a)\n"
    "output st = str(x)\n"
    "report by d { n = count() total = sum(x) }\n";

static uint64_t rng = 88172645463325252ull;

static const int64_t ints[] = {0,
                               1,
                               -1,
                               2,
                               3,
                               7,
                               -7,
                               99,
                               100,
                               11,
                               INT64_MAX,
                               INT64_MIN,
                               INT64_MAX - 1,
                               INT64_MIN + 1,
                               3037000500,
                               -3037000500,
                               4};
static const char *const strs[] = {
    "",  "a",  "b",   "c",   "m",       "x",           "y",
    "z", "zz", "zzz", "abz", "Ab\"c\\", "multi\nline", "\xc3\xa9t\xc3\xa9"};

static const double nums[] = {0.0,    -0.0,   1,       -1,  0.5, 2,   3,   1e308,
                              -1e308, 1e-300, -1e-300, 150, 60,  1.2, 1.5, -1.5,
                              2.675,  0.1,    709.8,   -2,  50,  100, 1e16};
static const bg_values values = {ints, BG_COUNT(ints), nums, BG_COUNT(nums), strs, BG_COUNT(strs)};

static void assert_same_value(fg_type t, const fg_value *a, const fg_value *b, uint32_t slot,
                              uint32_t row)
{
    if (a->missing != b->missing)
        fail_msg("slot %u row %u: missing %d vs %d", slot, row, a->missing, b->missing);
    if (a->missing)
        return;
    bool same = false;
    switch (fg_type_base(t)) {
    case FG_T_INT:
        same = a->i == b->i;
        break;
    case FG_T_NUM:
        same = memcmp(&a->n, &b->n, sizeof a->n) == 0;
        break;
    case FG_T_BOOL:
        same = a->b == b->b;
        break;
    default:
        same = bg_same_str(a->s, b->s);
        break;
    }
    if (!same)
        fail_msg("slot %u row %u differs (type %s)", slot, row, fg_type_name(t));
}

/* Whether slot s is output (or a report slot): read after an outputs-only run. */
static bool read_after(const fg_program *p, uint32_t s)
{
    if (p->slots[s].kind == FG_SLOT_REPORT)
        return true;
    for (uint32_t o = 0; o < p->noutputs; o++)
        if (p->outputs[o].src == FG_OUT_SLOT && p->outputs[o].index == s)
            return true;
    return false;
}

/* Evaluates prog over generated rows with both engines and compares
 * everything; with outputs_only, the JIT runs as `forgec eval` has it and
 * only what such a run reads is compared. */
static void compare_rows(const char *text, uint32_t nrows, bool with_reports, bool outputs_only,
                         const bg_values *vals)
{
    fg_program *p = bg_compile_text(text);
    assert_non_null(p);
    fg_strbuf err;
    fg_strbuf_init(&err, NULL);
    fg_jit_options jo = {.no_cache = true, .cache_dir = NULL};
    fg_jit *jit = fg_jit_compile(NULL, p, &jo, &err);
    if (!jit)
        fail_msg("jit: %s", err.data ? err.data : "?");
    fg_batch b1, b2;
    fg_results r1, r2;
    assert_true(fg_batch_init(&b1, NULL, p, nrows));
    assert_true(fg_batch_init(&b2, NULL, p, nrows));
    assert_true(fg_results_init(&r1, NULL, p, nrows));
    assert_true(fg_results_init(&r2, NULL, p, nrows));
    uint64_t seed = rng;
    bg_fill(p, &b1, nrows, &rng, vals);
    rng = seed;
    bg_fill(p, &b2, nrows, &rng, vals);
    fg_eval_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.with_reports = with_reports;
    assert_true(fg_interp_batch(p, &b1, &r1, &eo));
    eo.outputs_only = outputs_only;
    assert_true(fg_jit_batch(jit, p, &b2, &r2, &eo));
    uint32_t nerr = 0, nkinds[FG_RE_OOM + 1] = {0};
    for (uint32_t row = 0; row < nrows; row++) {
        const fg_rowerr *e1 = &b1.err[row], *e2 = &b2.err[row];
        if (e1->kind != e2->kind)
            fail_msg("row %u: error kind %d vs %d", row, e1->kind, e2->kind);
        if (e1->kind != FG_RE_NONE) {
            nerr++;
            nkinds[e1->kind]++;
            assert_int_equal(e1->column, e2->column);
            assert_int_equal(e1->span.file, e2->span.file);
            assert_int_equal(e1->span.start, e2->span.start);
            assert_int_equal(e1->span.end, e2->span.end);
            assert_true(bg_same_str(e1->detail, e2->detail));
            continue;
        }
        for (uint32_t s = 0; s < p->nslots; s++) {
            size_t at = (size_t)s * nrows + row;
            if (!outputs_only || read_after(p, s))
                assert_same_value(p->slots[s].type, &r1.vals[at], &r2.vals[at], s, row);
        }
        for (uint32_t r = 0; r < p->nrules && !outputs_only; r++) {
            size_t at = (size_t)r * nrows + row;
            if (!bg_same_str(r1.rule_msgs[at], r2.rule_msgs[at]))
                fail_msg("rule %u row %u: message differs", r, row);
        }
    }
    /* the generated rows must exercise errors and evaluated rows alike */
    assert_true(nerr > 0 && nerr < nrows);
    fg_results_free(&r1);
    fg_results_free(&r2);
    fg_batch_free(&b1);
    fg_batch_free(&b2);
    fg_jit_free(jit);
    fg_strbuf_free(&err);
    fg_program_free(p);
}

static void compare_engines(const char *text, uint32_t nrows, bool with_reports, bool outputs_only)
{
    compare_rows(text, nrows, with_reports, outputs_only, &values);
}

static void test_edges_match_interpreter(void **state)
{
    (void)state;
    compare_engines(policy_text, 3000, false, false);
    compare_engines(policy_text, 3000, true, false);
    compare_engines(policy_text, 3000, false, true);
    compare_engines(policy_text, 3000, true, true);
}

/* Rows where no error hides later slots: most values are computed. */
static void test_values_match_interpreter(void **state)
{
    (void)state;
    static const char *const text =
        "input { k: str key  a: int  x: num  y: num?  s: str  t: str?  f: bool  o: int? }\n"
        "table tn(v: num, w: int?) -> str {\n"
        "  | < -1, _ => \"neg\"\n  | 0, [1, 2] => \"zero\"\n  | 0.5..1, > 3 => \"mid\"\n"
        "  | [2, 3], < 0 => \"two-three\"\n  | > 100, 1..99 => \"big\"\n  | _, _ => \"any\"\n}\n"
        "let band = tn(x, o)\n"
        "let m = if x > 0 then x else y ?? -0.0\n"
        "let z = -(x * 0)\n"
        "let cat = \"{s}|{t ?? \"-\"}|{x}|{y ?? 0}|{f}|{o ?? -1}|{band}\"\n"
        "let cmp = (t ?? s) == s and s != \"b\" or f\n"
        "rule r1: x < 10 else \"{x} too big\"\n"
        "rule r2: f\n"
        "rule r3: (o ?? 0) > 0 else \"{o ?? 0}\"\n"
        "let fc = failed_count()\n"
        "output msgs = failed()\n"
        "output n2 = (y ?? x) + 1\n"
        "output i2 = (o ?? 1) * 2 - a\n"
        "output dd = y is missing\n";
    compare_engines(text, 2000, false, false);
    compare_engines(text, 2000, false, true);
}

/* Strings longer than the string room the generated code builds in (it is
 * sized for the batch: 1 KiB for a few rows), in small and larger batches. */
static void test_long_strings(void **state)
{
    (void)state;
    static char big[40001], mid[5001];
    memset(big, 'b', sizeof big - 1);
    memset(mid, 'm', sizeof mid - 1);
    static const char *const long_strs[] = {"", "x", big, mid, "short text"};
    static const double few[] = {-1, 0.5, 2, 12.25};
    static const int64_t one[] = {1};
    bg_values v = {one, 1, few, BG_COUNT(few), long_strs, BG_COUNT(long_strs)};
    static const char *const text = "input { k: str key  s: str  x: num }\n"
                                    "rule r1: x < 0 else \"{s}|{x}\"\n"
                                    "rule r2: x < 1 else \"{s}{s}\"\n"
                                    "output o = \"{s}-{s}-{x}\"\n"
                                    "output w = failed()\n";
    for (uint32_t n = 20; n <= 200; n += 90) {
        compare_rows(text, n, false, false, &v);
        compare_rows(text, n, false, true, &v);
    }
}

static void test_unavailable_message(void **state)
{
    (void)state;
    assert_null(strstr(FG_JIT_UNAVAILABLE, "not implemented"));
}

/* The single cache entry in dir (not a temporary file), or "" when none. */
static void entry_path(const char *dir, char *out, size_t n)
{
    out[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp."))
            continue;
        snprintf(out, n, "%s/%s", dir, e->d_name);
    }
    closedir(d);
}

static fg_jit *compile_cached(const fg_program *p, const char *dir)
{
    fg_strbuf err;
    fg_strbuf_init(&err, NULL);
    fg_jit_options jo = {.no_cache = false, .cache_dir = dir};
    fg_jit *j = fg_jit_compile(NULL, p, &jo, &err);
    if (!j)
        fail_msg("jit: %s", err.data ? err.data : "?");
    fg_strbuf_free(&err);
    return j;
}

/* The cached code still evaluates correctly (tn's table and a rule). */
static void check_runs(const fg_program *p, fg_jit *j)
{
    fg_batch b;
    fg_results r;
    assert_true(fg_batch_init(&b, NULL, p, 4));
    assert_true(fg_results_init(&r, NULL, p, 4));
    bg_fill(p, &b, 4, &rng, &values);
    fg_eval_opts eo;
    memset(&eo, 0, sizeof eo);
    assert_true(fg_jit_batch(j, p, &b, &r, &eo));
    fg_results_free(&r);
    fg_batch_free(&b);
}

/* Renames every runtime entry point the cached object at path calls
 * (fg_jit_rt_* -> fg_jit_XX_*) and rewrites the entry's checksum (FNV-1a
 * of all bytes before it, jit_cache.c), so only the symbols are wrong. */
static void rewrite_stale(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n > 8 && n < sizeof buf);
    int renamed = 0;
    for (size_t i = 0; i + 10 <= n - 8; i++)
        if (memcmp(buf + i, "fg_jit_rt_", 10) == 0) {
            memcpy(buf + i + 7, "XX", 2);
            renamed++;
        }
    assert_true(renamed > 0);
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n - 8; i++) {
        h ^= buf[i];
        h *= 0x100000001b3ull;
    }
    memcpy(buf + n - 8, &h, 8);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
}

static void test_cache(void **state)
{
    (void)state;
    char dir[] = "/tmp/forge_jit_cacheXXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[300], path[600];
    snprintf(sub, sizeof sub, "%s/a/b", dir); /* made on demand */
    fg_program *p = bg_compile_text(policy_text);
    assert_non_null(p);

    fg_jit *j = compile_cached(p, sub);
    assert_false(fg_jit_from_cache(j));
    fg_jit_free(j);
    entry_path(sub, path, sizeof path);
    assert_true(path[0] != '\0');

    j = compile_cached(p, sub);
    assert_true(fg_jit_from_cache(j));
    check_runs(p, j);
    fg_jit_free(j);

    /* flip one byte in the middle of the object */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size / 2, SEEK_SET);
    int ch = fgetc(f);
    fseek(f, size / 2, SEEK_SET);
    fputc(ch ^ 0x40, f);
    fclose(f);
    j = compile_cached(p, sub);
    assert_false(fg_jit_from_cache(j)); /* ignored... */
    check_runs(p, j);
    fg_jit_free(j);
    j = compile_cached(p, sub);
    assert_true(fg_jit_from_cache(j)); /* ...and rewritten */
    fg_jit_free(j);

    /* truncated */
    assert_int_equal(truncate(path, size - 5), 0);
    j = compile_cached(p, sub);
    assert_false(fg_jit_from_cache(j));
    fg_jit_free(j);
    j = compile_cached(p, sub);
    assert_true(fg_jit_from_cache(j));
    fg_jit_free(j);

    /* intact (checksum right) but stale: the object calls an entry point
     * this runtime does not have, as one a different build wrote would */
    rewrite_stale(path);
    j = compile_cached(p, sub);
    assert_false(fg_jit_from_cache(j)); /* compiled afresh... */
    check_runs(p, j);
    fg_jit_free(j);
    j = compile_cached(p, sub);
    assert_true(fg_jit_from_cache(j)); /* ...and the entry replaced */
    fg_jit_free(j);

    /* a different program is a different entry */
    fg_program *p2 = bg_compile_text("input { a: int }\noutput b = a + 1\n");
    assert_non_null(p2);
    j = compile_cached(p2, sub);
    assert_false(fg_jit_from_cache(j));
    fg_jit_free(j);
    fg_program_free(p2);

    /* a cache directory that cannot be made is no cache, not an error */
    j = compile_cached(p, "/proc/forge_no_such_dir/x");
    assert_false(fg_jit_from_cache(j));
    fg_jit_free(j);

    fg_program_free(p);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    if (!fg_jit_available()) {
        printf("jit: not in this build, skipped\n");
        const struct CMUnitTest only[] = {cmocka_unit_test(test_unavailable_message)};
        return cmocka_run_group_tests(only, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges_match_interpreter),
        cmocka_unit_test(test_values_match_interpreter),
        cmocka_unit_test(test_unavailable_message),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_long_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
