/* api.c — the public face (include/forge.h) over the internal stages:
 * compile (lang/compile.h), run (runtime/driver.h), tests
 * (runtime/testrun.h). It converts internal diagnostics to forge_diag
 * values, and internal failures to status codes; it never prints. It also
 * picks the engine of a run: the JIT's code is compiled (or loaded from the
 * cache) once per run and kept in the run, so a forge_policy stays
 * immutable and shareable between threads. */
#include <forge.h>

#include <string.h>

#include "../lang/compile.h"
#include "driver.h"
#include "engine.h"
#include "policy_int.h"
#include "testrun.h"

/* While compiling, allocations go through a watcher that notes a failure,
 * so a compile that ran out of memory anywhere (reading the file, parsing,
 * checking) is FORGE_ENOMEM, not a compile or I/O error. After compiling
 * the watcher only forwards (the policy may be shared by threads). */
typedef struct alloc_watch {
    fg_allocator user;
    bool active, failed;
} alloc_watch;

struct forge_policy {
    fg_allocator alloc; /* {watch_realloc, &watch} */
    alloc_watch watch;
    fg_program *prog;
    fg_jit *jit; /* cfg->engine FORGE_ENGINE_JIT: machine code made once, shared */
};

static void *watch_realloc(void *ud, void *ptr, size_t size)
{
    alloc_watch *w = ud;
    void *r = fg_realloc(&w->user, ptr, size);
    if (!r && size && w->active)
        w->failed = true;
    return r;
}

const char *forge_version(void)
{
    return FORGE_VERSION_STRING;
}

const char *forge_status_text(forge_status s)
{
    switch (s) {
    case FORGE_OK:
        return "ok";
    case FORGE_ECOMPILE:
        return "the policy does not compile";
    case FORGE_EUSAGE:
        return "bad usage";
    case FORGE_EROWS:
        return "some rows are in error";
    case FORGE_EIO:
        return "input or output failed";
    case FORGE_ENOMEM:
        return "out of memory";
    case FORGE_ETESTS:
        return "some tests failed";
    case FORGE_ENOTFOUND:
        return "no such name or index";
    case FORGE_ETYPE:
        return "wrong type";
    case FORGE_EMISMATCH:
        return "made by another policy";
    }
    return "unknown status";
}

void forge_config_init(forge_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
}

void forge_run_options_init(forge_run_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->engine = FORGE_ENGINE_DEFAULT;
    opt->format = FORGE_FORMAT_CSV;
}

/* Hands every diagnostic, in source order, to the host's callback. */
void fg_api_deliver_diags(const forge_config *cfg, const fg_allocator *alloc, const fg_sources *src,
                          fg_diags *diags)
{
    if (!cfg->on_diag)
        return;
    fg_diags_sort(diags);
    fg_strbuf sb;
    fg_strbuf_init(&sb, alloc);
    for (uint32_t i = 0; i < diags->n; i++) {
        const fg_diag *d = &diags->items[i];
        forge_diag out;
        memset(&out, 0, sizeof out);
        out.severity = d->severity == FG_SEV_ERROR     ? FORGE_SEV_ERROR
                       : d->severity == FG_SEV_WARNING ? FORGE_SEV_WARNING
                                                       : FORGE_SEV_NOTE;
        if (d->has_span && d->span.file < src->nfiles) {
            fg_linecol lc = fg_sources_linecol(src, d->span.file, d->span.start);
            out.file = src->files[d->span.file]->name;
            out.line = lc.line;
            out.column = lc.col;
        }
        out.message = d->message ? d->message : "";
        out.hint = d->hint;
        fg_strbuf_clear(&sb);
        fg_diag_render(src, d, &sb);
        out.rendered = sb.data ? sb.data : "";
        cfg->on_diag(cfg->diag_ud, &out);
    }
    fg_strbuf_free(&sb);
}

static forge_status compile_common(const forge_config *cfg, const char *name, const char *path,
                                   const char *text, size_t len, forge_policy **out)
{
    forge_config defaults;
    if (!cfg) {
        forge_config_init(&defaults);
        cfg = &defaults;
    }
    *out = NULL;
    fg_allocator alloc = {cfg->realloc_fn, cfg->alloc_ud};
    forge_policy *p = fg_calloc(&alloc, 1, sizeof *p);
    if (!p)
        return FORGE_ENOMEM;
    p->watch.user = alloc;
    p->watch.active = true;
    p->alloc.fn = watch_realloc;
    p->alloc.ud = &p->watch;
    fg_sources src;
    fg_diags diags;
    fg_sources_init(&src, &p->alloc);
    fg_diags_init(&diags, &p->alloc);
    fg_compile_options copt = {cfg->include_dirs, cfg->ninclude_dirs, NULL};
    p->prog = path ? fg_compile_file(&p->alloc, &src, &diags, name, path, &copt)
                   : fg_compile_string(&p->alloc, &src, &diags, name, text, len, &copt);
    if (cfg->werror) { /* --werror: every warning becomes an error */
        for (uint32_t i = 0; i < diags.n; i++)
            if (diags.items[i].severity == FG_SEV_WARNING) {
                diags.items[i].severity = FG_SEV_ERROR;
                diags.nerrors++;
            }
    }
    fg_api_deliver_diags(cfg, &p->alloc, p->prog ? &p->prog->sources : &src, &diags);
    if (p->prog && diags.nerrors) {
        fg_program_free(p->prog);
        p->prog = NULL;
    }
    bool oom = diags.oom || p->watch.failed;
    p->watch.active = false;
    /* After the compile the watch only forwards: with the C library's
     * allocator, runs call it directly (fg_calloc then gets pages that are
     * already zero, so unused batch capacity costs nothing). */
    if (!p->watch.user.fn)
        p->alloc = p->watch.user;
    uint32_t nerrors = diags.nerrors;
    bool unreadable = path && src.nfiles == 0 && !p->prog;
    fg_diags_free(&diags);
    fg_sources_free(&src);
    if (!p->prog) {
        fg_free(&alloc, p);
        if (oom)
            return FORGE_ENOMEM;
        return unreadable && nerrors ? FORGE_EIO : FORGE_ECOMPILE;
    }
    if (cfg->engine == FORGE_ENGINE_JIT) {
        forge_status st = fg_policy_compile_jit(cfg, p->prog, &p->alloc, &p->jit);
        if (st != FORGE_OK) {
            forge_policy_free(p);
            return st;
        }
    }
    *out = p;
    return FORGE_OK;
}

forge_status forge_compile_file(const forge_config *cfg, const char *path, forge_policy **out)
{
    return compile_common(cfg, path, path, NULL, 0, out);
}

forge_status forge_compile_string(const forge_config *cfg, const char *name, const char *text,
                                  size_t len, forge_policy **out)
{
    return compile_common(cfg, name ? name : "<string>", NULL, text, len, out);
}

void forge_policy_free(forge_policy *p)
{
    if (!p)
        return;
    fg_allocator alloc = p->watch.user;
    fg_jit_free(p->jit);
    fg_program_free(p->prog);
    fg_free(&alloc, p);
}

/* The engine of one run: the JIT's compiled code, or none for the interpreter. */
typedef struct engine_sel {
    fg_jit *jit;
    fg_engine eng;
} engine_sel;

static bool jit_run(void *ud, const fg_program *prog, fg_batch *batch, fg_results *res,
                    const fg_eval_opts *opts)
{
    return fg_jit_batch(ud, prog, batch, res, opts);
}

/* Above this many IR nodes the default engine is the interpreter: LLVM's
 * time to compile one huge batch function grows faster than linearly
 * (docs/limits.md), while the interpreter starts at once. `--engine jit`
 * still compiles any policy. */
#define FG_JIT_DEFAULT_MAX_NODES 1500

/* FORGE_ENGINE_DEFAULT is the JIT when this build has it and the policy is
 * not huge, else the interpreter. */
static forge_status engine_open(const forge_policy *p, forge_engine e, int no_cache,
                                engine_sel *sel, forge_summary *sum)
{
    memset(sel, 0, sizeof *sel);
    if (e == FORGE_ENGINE_INTERP || (e == FORGE_ENGINE_DEFAULT && !fg_jit_available()))
        return FORGE_OK;
    if (e == FORGE_ENGINE_DEFAULT && !p->jit &&
        fg_program_nodes(p->prog, FG_JIT_DEFAULT_MAX_NODES) > FG_JIT_DEFAULT_MAX_NODES)
        return FORGE_OK;
    if (p->jit) { /* the policy's own machine code: shared, not freed by the run */
        sel->eng.run = jit_run;
        sel->eng.ud = p->jit;
        return FORGE_OK;
    }
    if (!fg_jit_available()) {
        if (sum)
            snprintf(sum->message, sizeof sum->message, "%s; use --engine interp",
                     FG_JIT_UNAVAILABLE);
        return FORGE_EUSAGE;
    }
    fg_strbuf err;
    fg_strbuf_init(&err, &p->alloc);
    bool no_module = false;
    fg_jit_options jo = {.no_cache = no_cache != 0, .cache_dir = NULL, .no_module = &no_module};
    sel->jit = fg_jit_compile(&p->alloc, p->prog, &jo, &err);
    if (!sel->jit) {
        /* forge-jit.so missing: the default engine is then the interpreter */
        if (no_module && e == FORGE_ENGINE_DEFAULT) {
            fg_strbuf_free(&err);
            return FORGE_OK;
        }
        if (sum && no_module)
            snprintf(sum->message, sizeof sum->message, "%s; use --engine interp",
                     err.data ? err.data : FG_JIT_NO_MODULE);
        else if (sum)
            snprintf(sum->message, sizeof sum->message,
                     "the jit engine cannot compile the policy: %s",
                     err.data ? err.data : "out of memory");
        fg_strbuf_free(&err);
        return no_module ? FORGE_EUSAGE : FORGE_ECOMPILE;
    }
    fg_strbuf_free(&err);
    sel->eng.run = jit_run;
    sel->eng.ud = sel->jit;
    return FORGE_OK;
}

static const fg_engine *engine_ref(const engine_sel *sel)
{
    return sel->eng.run ? &sel->eng : NULL;
}

int forge_jit_available(void)
{
    return fg_jit_available();
}

static forge_status run_mode(const forge_policy *p, const forge_run_options *opt, fg_run_mode mode,
                             forge_summary *sum)
{
    forge_summary local;
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof *sum);
    engine_sel sel;
    forge_status st = engine_open(p, opt->engine, opt->no_cache, &sel, sum);
    if (st != FORGE_OK)
        return st;
    st = fg_driver_run_engine(&p->alloc, p->prog, opt, mode, engine_ref(&sel), sum);
    fg_jit_free(sel.jit);
    return st;
}

forge_status forge_eval(const forge_policy *p, const forge_run_options *opt, forge_summary *sum)
{
    return run_mode(p, opt, FG_RUN_EVAL, sum);
}

forge_status forge_report(const forge_policy *p, const forge_run_options *opt, forge_summary *sum)
{
    return run_mode(p, opt, FG_RUN_REPORT, sum);
}

forge_status fg_api_report_into(const forge_policy *p, const forge_run_options *opt,
                                struct fg_report_acc **accs, forge_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    engine_sel sel;
    forge_status st = engine_open(p, opt->engine, opt->no_cache, &sel, sum);
    if (st != FORGE_OK)
        return st;
    st = fg_driver_accumulate(&p->alloc, p->prog, opt, engine_ref(&sel), accs, sum);
    fg_jit_free(sel.jit);
    return st;
}

typedef struct test_ctx {
    forge_test_fn fn;
    void *ud;
} test_ctx;

static void on_test(void *ud, const fg_test_outcome *o)
{
    test_ctx *t = ud;
    if (!t->fn)
        return;
    forge_test_result r = {o->title, o->passed, o->report ? o->report : ""};
    t->fn(t->ud, &r);
}

forge_status forge_run_tests(const forge_policy *p, forge_engine engine, forge_test_fn on_result,
                             void *ud, unsigned *passed, unsigned *failed)
{
    forge_run_options opt;
    forge_run_options_init(&opt);
    opt.engine = engine;
    return forge_run_tests_opt(p, &opt, on_result, ud, passed, failed, NULL);
}

forge_status forge_run_tests_opt(const forge_policy *p, const forge_run_options *opt,
                                 forge_test_fn on_result, void *ud, unsigned *passed,
                                 unsigned *failed, forge_summary *sum)
{
    uint32_t np = 0, nf = 0;
    if (sum)
        memset(sum, 0, sizeof *sum);
    /* Tests have a few rows each: generating machine code (and loading
     * LLVM for it) would cost more than it saves, so the default engine is
     * the interpreter here, unless the policy already holds its code. */
    forge_engine e = opt->engine;
    if (e == FORGE_ENGINE_DEFAULT && !p->jit)
        e = FORGE_ENGINE_INTERP;
    engine_sel sel;
    forge_status st = engine_open(p, e, opt->no_cache, &sel, sum);
    if (st != FORGE_OK)
        return st;
    test_ctx t = {on_result, ud};
    bool ok = fg_run_tests_engine(&p->alloc, p->prog, engine_ref(&sel), on_test, &t, &np, &nf);
    fg_jit_free(sel.jit);
    if (!ok)
        return FORGE_ENOMEM;
    if (passed)
        *passed = np;
    if (failed)
        *failed = nf;
    return nf ? FORGE_ETESTS : FORGE_OK;
}

typedef struct emit_ctx {
    forge_write_fn write;
    void *ud;
} emit_ctx;

static bool emit_write(void *ud, const char *data, size_t len)
{
    emit_ctx *e = ud;
    return e->write(e->ud, data, len) == 0;
}

forge_status forge_emit(const forge_policy *p, forge_emit_kind kind, forge_write_fn write, void *ud,
                        forge_summary *sum)
{
    forge_summary local;
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof *sum);
    if (!fg_jit_available()) {
        snprintf(sum->message, sizeof sum->message, "%s", FG_JIT_UNAVAILABLE);
        return FORGE_EUSAGE;
    }
    emit_ctx e = {write, ud};
    fg_byte_sink sink = {emit_write, &e};
    fg_strbuf err;
    fg_strbuf_init(&err, &p->alloc);
    fg_emit_kind k = kind == FORGE_EMIT_LLVM  ? FG_EMIT_LLVM
                     : kind == FORGE_EMIT_ASM ? FG_EMIT_ASM
                                              : FG_EMIT_OBJ;
    forge_status st = FORGE_OK;
    if (!fg_jit_emit(p->prog, k, sink, &err)) {
        snprintf(sum->message, sizeof sum->message, "%s", err.data ? err.data : "out of memory");
        if (strstr(sum->message, "cannot write"))
            st = FORGE_EIO;
        else if (strncmp(sum->message, FG_JIT_NO_MODULE, strlen(FG_JIT_NO_MODULE)) == 0)
            st = FORGE_EUSAGE; /* forge-jit.so missing, like a build without LLVM */
        else
            st = FORGE_ECOMPILE;
    }
    fg_strbuf_free(&err);
    return st;
}

forge_status forge_dump_ir(const forge_policy *p, forge_write_fn write, void *ud)
{
    fg_strbuf sb;
    fg_strbuf_init(&sb, &p->alloc);
    fg_ir_dump(p->prog, &sb);
    forge_status st = FORGE_OK;
    if (sb.failed)
        st = FORGE_ENOMEM;
    else if (sb.len && write(ud, sb.data, sb.len) != 0)
        st = FORGE_EIO;
    fg_strbuf_free(&sb);
    return st;
}

/* For the entry points implemented elsewhere (runtime/explain.c). */
const fg_program *fg_policy_program(const forge_policy *p)
{
    return p->prog;
}
const fg_allocator *fg_policy_alloc(const forge_policy *p)
{
    return &p->alloc;
}
struct fg_jit *fg_policy_jit(const forge_policy *p)
{
    return p->jit;
}
