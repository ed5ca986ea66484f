/* api.c — the public face (include/forge.h) over the internal stages:
 * compile (lang/compile.h), run (runtime/driver.h), tests
 * (runtime/testrun.h). It converts internal diagnostics to forge_diag
 * values, and internal failures to status codes; it never prints. */
#include <forge.h>

#include <string.h>

#include "../lang/compile.h"
#include "driver.h"
#include "testrun.h"

struct forge_policy {
    fg_allocator alloc;
    fg_program *prog;
};

const char *forge_version(void) { return FORGE_VERSION_STRING; }

const char *forge_status_text(forge_status s)
{
    switch (s) {
    case FORGE_OK: return "ok";
    case FORGE_ECOMPILE: return "the policy does not compile";
    case FORGE_EUSAGE: return "bad usage";
    case FORGE_EROWS: return "some rows are in error";
    case FORGE_EIO: return "input or output failed";
    case FORGE_ENOMEM: return "out of memory";
    case FORGE_ETESTS: return "some tests failed";
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
static void deliver_diags(const forge_config *cfg, const fg_allocator *alloc,
                          const fg_sources *src, fg_diags *diags)
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
    p->alloc = alloc;
    fg_sources src;
    fg_diags diags;
    fg_sources_init(&src, &p->alloc);
    fg_diags_init(&diags, &p->alloc);
    fg_compile_options copt = {cfg->include_dirs, cfg->ninclude_dirs, NULL};
    p->prog = path ? fg_compile_file(&p->alloc, &src, &diags, name, path, &copt)
                   : fg_compile_string(&p->alloc, &src, &diags, name, text, len, &copt);
    deliver_diags(cfg, &p->alloc, p->prog ? &p->prog->sources : &src, &diags);
    bool oom = diags.oom;
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
    fg_allocator alloc = p->alloc;
    fg_program_free(p->prog);
    fg_free(&alloc, p);
}

static forge_status check_engine(forge_engine e, forge_summary *sum)
{
    if (e == FORGE_ENGINE_JIT) {
        if (sum)
            snprintf(sum->message, sizeof sum->message,
                     "the jit engine is not available in this build; use --engine interp");
        return FORGE_EUSAGE;
    }
    return FORGE_OK;
}

forge_status forge_eval(const forge_policy *p, const forge_run_options *opt, forge_summary *sum)
{
    forge_summary local;
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof *sum);
    forge_status st = check_engine(opt->engine, sum);
    if (st != FORGE_OK)
        return st;
    return fg_driver_run(&p->alloc, p->prog, opt, FG_RUN_EVAL, sum);
}

forge_status forge_report(const forge_policy *p, const forge_run_options *opt,
                          forge_summary *sum)
{
    forge_summary local;
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof *sum);
    forge_status st = check_engine(opt->engine, sum);
    if (st != FORGE_OK)
        return st;
    return fg_driver_run(&p->alloc, p->prog, opt, FG_RUN_REPORT, sum);
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
    uint32_t np = 0, nf = 0;
    forge_status st = check_engine(engine, NULL);
    if (st != FORGE_OK)
        return st;
    test_ctx t = {on_result, ud};
    if (!fg_run_tests(&p->alloc, p->prog, on_test, &t, &np, &nf))
        return FORGE_ENOMEM;
    if (passed)
        *passed = np;
    if (failed)
        *failed = nf;
    return nf ? FORGE_ETESTS : FORGE_OK;
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
