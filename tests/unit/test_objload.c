/* test_objload.c — the object loader (runtime/objload.c) that maps cached
 * policy objects without LLVM. For several policies (int/num arithmetic
 * with its row errors, tables with every cell kind — one compiles to a
 * pointer table in .data.rel.ro with R_X86_64_64 relocations — strings,
 * rules, failed(), decide, reports) the same batch goes through the code
 * as mapped by ORC LLJIT and as mapped by the loader: slot values (bit for
 * bit), rule messages and row errors must be identical. Then the warm-cache
 * path (the loader maps the cached object and forge-jit.so is not opened,
 * even when it cannot be found), and the loader's refusals: truncated or
 * foreign objects, unknown symbols, an unsupported relocation, and
 * randomly corrupted bytes (a status every time, never a crash). Skipped
 * without the JIT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lang/compile.h"
#include "runtime/engine.h"
#include "runtime/jit/jit_abi.h"
#include "runtime/objload.h"
#include "tests/unit/batch_gen.h"

#if defined(__x86_64__) && defined(__linux__)
#include <elf.h>
#define HAVE_LOADER 1
#else
#define HAVE_LOADER 0
#endif

static const char *const policies[] = {
    /* arithmetic, overflow, division, not-finite, fns, optional inputs */
    "input { k: str key  a: int  b: int  x: num  y: num?  o: int? }\n"
    "fn g(p: int, q: num?) -> num = (q ?? 1) * p\n"
    "let sum = a + b\nlet prod = a * b\nlet neg = -a\nlet q = x / (y ?? 1)\n"
    "let w = o ?? a\nlet gg = g(b, y)\nlet m = mod(a, b)\nlet i = int(x)\n"
    "output r = sqrt(x)\noutput lg = log(x)\noutput ex = exp(x)\noutput pw = pow(x, 2)\n"
    "output fl = floor(x) + ceil(x)\noutput rd = round(x, 2)\noutput mx = max(a, b, 0)\n"
    "output mn = min(x, 0.5, y ?? 9)\noutput ab = abs(x)\noutput z = -(x * 0)\n",
    /* every table cell kind; int cells compile to a switch over a pointer table */
    "const TEN = 10\n"
    "input { id: str key  x: int  n: num  s: str  f: bool }\n"
    "table band(x: int) -> str {\n"
    "  | < 0 => \"negative\"\n  | 0 => \"zero\"\n  | [1, 2] => \"one-two\"\n"
    "  | 3..5 => \"three-five\"\n  | <= 7 => \"six-seven\"\n  | TEN => \"ten\"\n"
    "  | > 100 => \"big\"\n  | >= 50 => \"fifty+\"\n  | _ => \"other\"\n}\n"
    "table tn(v: num) -> num {\n  | < -1 => 1.5\n  | 0.5..1 => 2.25\n  | [2, 3] => 1e300\n"
    "  | > 100 => -0.0\n}\n"
    "table ts(s: str, f: bool) -> int {\n  | \"a\", true => 1\n  | [\"b\", \"c\"], _ => 2\n"
    "  | < \"m\", false => 3\n  | \"x\"..\"z\", _ => 4\n}\n"
    "output b = band(x)\noutput t = tn(n)\noutput u = ts(s, f)\n",
    /* strings: interpolation, concat, comparisons, in-lists, built-ins */
    "input { k: str key  s: str  t: str?  x: num  a: int  f: bool }\n"
    "let cat = \"{s}-{t ?? \"none\"}-{x}-{f}-{a}\"\n"
    "let c2 = concat(lower(s), upper(t ?? \"q\"))\nlet lt = s < (t ?? \"\")\n"
    "let eq = s == \"zz\"\nlet ins = s in [\"a\", \"zz\", \"multi\\nline\"]\n"
    "let bts = s between \"b\" and \"x\"\nlet l = len(s) + len(t ?? \"\")\n"
    "output sw = starts_with(s, \"a\") or contains(s, \"z\") and not ends_with(s, \"b\")\n"
    "output st = str(x)\noutput all = concat(cat, c2)\n",
    /* rules, failed(), decide, a report */
    "input { k: str key  a: int  x: num  t: str? }\n"
    "rule pos: x >= 0 else \"x {x} negative, a={a}\"\nrule small: a < 100\n"
    "rule has_t: t is present else \"no t\"\nlet fc = failed_count()\n"
    "decide d {\n  when pos and small => \"ok\"\n  when pos => \"big\"\n  otherwise => \"neg\"\n}\n"
    "output msgs = failed()\noutput d\nreport by d { n = count() total = sum(x) }\n",
};
#define NPOLICIES (sizeof policies / sizeof policies[0])

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static const int64_t ints[] = {
    0,  1,  -1,  2,   3,  4,  5,          6,         7,         10,
    50, 99, 100, 101, -7, 11, 3037000500, INT64_MAX, INT64_MIN, INT64_MAX - 1};
static const double nums[] = {0.0, -0.0, 1,   -1,  0.5,  0.75,  2,   3,     1e308, -1e308, 1e-300,
                              150, 60,   1.2, 1.5, -1.5, 2.675, 0.1, 709.8, -2,    1e16};
static const char *const strs[] = {"",  "a",  "b",   "c",       "m",  "x",           "y",
                                   "z", "zz", "zzz", "Ab\"c\\", "aZ", "multi\nline", "\xc3\xa9t"};
static const bg_values values = {ints, BG_COUNT(ints), nums, BG_COUNT(nums), strs, BG_COUNT(strs)};

/* Runs the same rows through j1 and j2; everything must be identical. */
static void compare_code(const fg_program *p, fg_jit *j1, fg_jit *j2, bool with_reports)
{
    const uint32_t nrows = 1500;
    fg_batch b1, b2;
    fg_results r1, r2;
    assert_true(fg_batch_init(&b1, NULL, p, nrows));
    assert_true(fg_batch_init(&b2, NULL, p, nrows));
    assert_true(fg_results_init(&r1, NULL, p, nrows));
    assert_true(fg_results_init(&r2, NULL, p, nrows));
    uint64_t seed = rng;
    bg_fill(p, &b1, nrows, &rng, &values);
    rng = seed;
    bg_fill(p, &b2, nrows, &rng, &values);
    fg_eval_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.with_reports = with_reports;
    assert_true(fg_jit_batch(j1, p, &b1, &r1, &eo));
    assert_true(fg_jit_batch(j2, p, &b2, &r2, &eo));
    uint32_t evaluated = 0;
    for (uint32_t row = 0; row < nrows; row++) {
        const fg_rowerr *e1 = &b1.err[row], *e2 = &b2.err[row];
        assert_int_equal(e1->kind, e2->kind);
        if (e1->kind != FG_RE_NONE) {
            assert_int_equal(e1->span.start, e2->span.start);
            assert_int_equal(e1->span.end, e2->span.end);
            assert_true(bg_same_str(e1->detail, e2->detail));
            continue;
        }
        evaluated++;
        for (uint32_t s = 0; s < p->nslots; s++) {
            const fg_value *a = &r1.vals[(size_t)s * nrows + row];
            const fg_value *b = &r2.vals[(size_t)s * nrows + row];
            assert_int_equal(a->missing, b->missing);
            if (a->missing)
                continue;
            fg_type t = fg_type_base(p->slots[s].type);
            if (t == FG_T_STR)
                assert_true(bg_same_str(a->s, b->s));
            else if (t == FG_T_NUM)
                assert_memory_equal(&a->n, &b->n, sizeof a->n);
            else if (t == FG_T_INT)
                assert_true(a->i == b->i);
            else
                assert_int_equal(a->b, b->b);
        }
        for (uint32_t r = 0; r < p->nrules; r++)
            assert_true(bg_same_str(r1.rule_msgs[(size_t)r * nrows + row],
                                    r2.rule_msgs[(size_t)r * nrows + row]));
    }
    assert_true(evaluated > nrows / 10);
    fg_results_free(&r1);
    fg_results_free(&r2);
    fg_batch_free(&b1);
    fg_batch_free(&b2);
}

static fg_jit *compile_with(const fg_program *p, fg_jit_loader loader, const char *cache_dir,
                            bool *no_module)
{
    fg_strbuf err;
    fg_strbuf_init(&err, NULL);
    fg_jit_options jo = {.no_cache = cache_dir == NULL,
                         .cache_dir = cache_dir,
                         .loader = loader,
                         .no_module = no_module};
    fg_jit *j = fg_jit_compile(NULL, p, &jo, &err);
    if (!j && !no_module)
        fail_msg("jit: %s", err.data ? err.data : "?");
    fg_strbuf_free(&err);
    return j;
}

/* Each policy: LLJIT's mapping and the loader's give the same results. */
static void test_loader_matches_lljit(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPOLICIES; i++) {
        fg_program *p = bg_compile_text(policies[i]);
        assert_non_null(p);
        fg_jit *lj = compile_with(p, FG_JIT_LOAD_LLJIT, NULL, NULL);
        fg_jit *own = compile_with(p, FG_JIT_LOAD_OWN, NULL, NULL);
        assert_false(fg_jit_own_loader(lj));
        assert_true(fg_jit_own_loader(own));
        compare_code(p, lj, own, false);
        compare_code(p, lj, own, true);
        fg_jit_free(lj);
        fg_jit_free(own);
        fg_program_free(p);
    }
}

/* A cold compile goes through LLJIT, a warm one through the loader without
 * opening forge-jit.so — even when FORGE_JIT_MODULE names no file. */
static void test_warm_cache_needs_no_module(void **state)
{
    (void)state;
    char dir[] = "/tmp/forge_objload_XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < NPOLICIES; i++) {
        fg_program *p = bg_compile_text(policies[i]);
        assert_non_null(p);
        fg_jit *cold = compile_with(p, FG_JIT_LOAD_AUTO, dir, NULL);
        assert_false(fg_jit_from_cache(cold));
        assert_false(fg_jit_own_loader(cold));
        assert_true(fg_jit_module_loaded(cold));
        fg_jit *warm = compile_with(p, FG_JIT_LOAD_AUTO, dir, NULL);
        assert_true(fg_jit_from_cache(warm));
        assert_true(fg_jit_own_loader(warm));
        assert_false(fg_jit_module_loaded(warm));
        compare_code(p, cold, warm, true);
        fg_jit_free(cold);
        fg_jit_free(warm);

        assert_int_equal(setenv("FORGE_JIT_MODULE", "/nonexistent/forge-jit.so", 1), 0);
        bool no_module = false;
        warm = compile_with(p, FG_JIT_LOAD_AUTO, dir, &no_module);
        assert_non_null(warm);
        assert_false(no_module);
        assert_true(fg_jit_own_loader(warm));
        fg_jit_free(warm);
        assert_int_equal(unsetenv("FORGE_JIT_MODULE"), 0);
        fg_program_free(p);
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Without the module and without a cached object: a clear failure, flagged. */
static void test_missing_module(void **state)
{
    (void)state;
    fg_program *p = bg_compile_text(policies[0]);
    assert_non_null(p);
    assert_int_equal(setenv("FORGE_JIT_MODULE", "/nonexistent/forge-jit.so", 1), 0);
    bool no_module = false;
    fg_strbuf err;
    fg_strbuf_init(&err, NULL);
    fg_jit_options jo = {.no_cache = true, .no_module = &no_module};
    assert_null(fg_jit_compile(NULL, p, &jo, &err));
    assert_true(no_module);
    assert_non_null(err.data);
    assert_non_null(strstr(err.data, FG_JIT_NO_MODULE ": cannot load forge-jit.so ("));
    assert_non_null(strstr(err.data, "/nonexistent/forge-jit.so: not found"));
    fg_strbuf_clear(&err);
    assert_int_equal(unsetenv("FORGE_JIT_MODULE"), 0);
    fg_strbuf_free(&err);
    fg_program_free(p);
}

static bool to_strbuf(void *ud, const char *data, size_t len)
{
    fg_strbuf_add(ud, data, len);
    return true;
}

/* The object of policies[i] as the module emits it. */
static void emit_object(size_t i, fg_strbuf *obj)
{
    fg_program *p = bg_compile_text(policies[i]);
    assert_non_null(p);
    fg_strbuf err;
    fg_strbuf_init(&err, NULL);
    fg_strbuf_init(obj, NULL);
    fg_byte_sink sink = {to_strbuf, obj};
    if (!fg_jit_emit(p, FG_EMIT_OBJ, sink, &err))
        fail_msg("emit: %s", err.data ? err.data : "?");
    assert_false(obj->failed);
    fg_strbuf_free(&err);
    fg_program_free(p);
}

static void dummy(void) {}

/* Every runtime entry point resolved to a function that must not be called. */
static const fg_objload_sym dummies[] = {
    {"fg_jit_rt_rowerr", dummy},     {"fg_jit_rt_call", dummy},     {"fg_jit_rt_cmp_str", dummy},
    {"fg_jit_rt_table_miss", dummy}, {"fg_jit_rt_rule_msg", dummy}, {"fg_jit_rt_str_room", dummy},
    {"fg_jit_rt_join", dummy},       {"fg_jit_rt_fmt_num", dummy},  {"fg_jit_rt_fmt_int", dummy},
};
#define NDUMMIES (uint32_t)(sizeof dummies / sizeof dummies[0])

static fg_objload_status try_load(const char *obj, size_t len, const fg_objload_sym *syms,
                                  uint32_t nsyms, const char *entry_name, fg_strbuf *detail)
{
    void (*entry)(void) = NULL;
    fg_objload *img = NULL;
    fg_objload_status st =
        fg_objload_load(NULL, obj, len, syms, nsyms, entry_name, &entry, &img, detail);
    if (st == FG_OBJLOAD_OK) {
        assert_non_null(img);
        assert_non_null(entry);
        assert_true(fg_objload_size(img) > 0);
    } else {
        assert_null(img);
        assert_null(entry);
    }
    fg_objload_free(img);
    return st;
}

#if HAVE_LOADER
/* The index of the first section of type type, or 0. */
static uint32_t find_section(const char *obj, uint32_t type, const char *name)
{
    Elf64_Ehdr eh;
    memcpy(&eh, obj, sizeof eh);
    Elf64_Shdr strs;
    memcpy(&strs, obj + eh.e_shoff + (size_t)eh.e_shstrndx * sizeof strs, sizeof strs);
    for (uint32_t i = 1; i < eh.e_shnum; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, obj + eh.e_shoff + (size_t)i * sizeof sh, sizeof sh);
        if (sh.sh_type == type && (!name || strcmp(obj + strs.sh_offset + sh.sh_name, name) == 0))
            return i;
    }
    return 0;
}
#endif

static void test_refusals(void **state)
{
    (void)state;
    fg_strbuf obj, detail;
    emit_object(1, &obj);
    fg_strbuf_init(&detail, NULL);
    /* the object as emitted loads with every symbol known... */
    assert_int_equal(try_load(obj.data, obj.len, dummies, NDUMMIES, FG_JIT_ENTRY_NAME, &detail),
                     HAVE_LOADER ? FG_OBJLOAD_OK : FG_OBJLOAD_EHOST);
#if HAVE_LOADER
    /* ...not without the runtime's entry points, nor with another entry name */
    fg_strbuf_clear(&detail);
    assert_int_equal(try_load(obj.data, obj.len, NULL, 0, FG_JIT_ENTRY_NAME, &detail),
                     FG_OBJLOAD_ESYMBOL);
    assert_non_null(strstr(detail.data, "symbol fg_jit_rt_"));
    fg_strbuf_clear(&detail);
    assert_int_equal(try_load(obj.data, obj.len, dummies, NDUMMIES, "no_such_fn", &detail),
                     FG_OBJLOAD_ESYMBOL);
    assert_string_equal(detail.data, "no function no_such_fn");
    /* truncated anywhere, or empty */
    size_t cuts[] = {0, 10, sizeof(Elf64_Ehdr) - 1, sizeof(Elf64_Ehdr), obj.len / 2, obj.len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        assert_int_equal(try_load(obj.data, cuts[i], dummies, NDUMMIES, FG_JIT_ENTRY_NAME, NULL),
                         FG_OBJLOAD_EFORMAT);
    /* another machine */
    char *copy = malloc(obj.len);
    assert_non_null(copy);
    memcpy(copy, obj.data, obj.len);
    uint16_t machine = EM_AARCH64;
    memcpy(copy + offsetof(Elf64_Ehdr, e_machine), &machine, 2);
    assert_int_equal(try_load(copy, obj.len, dummies, NDUMMIES, FG_JIT_ENTRY_NAME, NULL),
                     FG_OBJLOAD_EFORMAT);
    /* a relocation type the loader does not handle (R_X86_64_GOTOFF64) */
    memcpy(copy, obj.data, obj.len);
    uint32_t rela = find_section(copy, SHT_RELA, ".rela.text");
    assert_true(rela > 0);
    Elf64_Ehdr eh;
    Elf64_Shdr sh;
    memcpy(&eh, copy, sizeof eh);
    memcpy(&sh, copy + eh.e_shoff + (size_t)rela * sizeof sh, sizeof sh);
    Elf64_Rela r;
    memcpy(&r, copy + sh.sh_offset, sizeof r);
    r.r_info = ELF64_R_INFO(ELF64_R_SYM(r.r_info), R_X86_64_GOTOFF64);
    memcpy(copy + sh.sh_offset, &r, sizeof r);
    fg_strbuf_clear(&detail);
    assert_int_equal(try_load(copy, obj.len, dummies, NDUMMIES, FG_JIT_ENTRY_NAME, &detail),
                     FG_OBJLOAD_EUNSUPPORTED);
    assert_string_equal(detail.data, "relocation type 25");
    /* a relocation pointing past its section, a symbol index past the table */
    memcpy(copy, obj.data, obj.len);
    memcpy(&r, copy + sh.sh_offset, sizeof r);
    r.r_offset = 1u << 30;
    memcpy(copy + sh.sh_offset, &r, sizeof r);
    assert_int_equal(try_load(copy, obj.len, dummies, NDUMMIES, FG_JIT_ENTRY_NAME, NULL),
                     FG_OBJLOAD_EFORMAT);
    memcpy(copy, obj.data, obj.len);
    r.r_offset = 0;
    r.r_info = ELF64_R_INFO(1u << 20, R_X86_64_PC32);
    memcpy(copy + sh.sh_offset, &r, sizeof r);
    assert_int_equal(try_load(copy, obj.len, dummies, NDUMMIES, FG_JIT_ENTRY_NAME, NULL),
                     FG_OBJLOAD_EFORMAT);
    /* random corruption: always a status (the code is never run here) */
    for (int k = 0; k < 3000; k++) {
        memcpy(copy, obj.data, obj.len);
        for (int f = 0; f < 1 + k % 4; f++) {
            size_t at = (size_t)(bg_next(&rng) % obj.len);
            copy[at] = (char)(bg_next(&rng) & 0xff);
        }
        fg_objload_status st = try_load(copy, obj.len, dummies, NDUMMIES, FG_JIT_ENTRY_NAME, NULL);
        assert_true(st <= FG_OBJLOAD_ENOMEM);
    }
    free(copy);
#endif
    fg_strbuf_free(&detail);
    fg_strbuf_free(&obj);
}

static void test_status_texts(void **state)
{
    (void)state;
    for (int s = FG_OBJLOAD_OK; s <= FG_OBJLOAD_ENOMEM; s++)
        assert_string_not_equal(fg_objload_status_text((fg_objload_status)s), "unknown status");
}

int main(void)
{
    if (!fg_jit_available()) {
        printf("objload: no jit in this build, skipped\n");
        const struct CMUnitTest only[] = {cmocka_unit_test(test_status_texts)};
        return cmocka_run_group_tests(only, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loader_matches_lljit),
        cmocka_unit_test(test_warm_cache_needs_no_module),
        cmocka_unit_test(test_missing_module),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_status_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
