/* api_tools.c — public entry points of the analyst tools that are not
 * evaluation runs of one policy: forge_format_source (lang/fmt.c) and
 * forge_diff (runtime/diff.c). Like api.c, it turns internal results into
 * status codes and diagnostics into forge_diag values; it never prints. */
#include <forge.h>

#include <string.h>

#include "../lang/fmt.h"
#include "diff.h"
#include "policy_int.h"

static void deliver(const forge_config *cfg, const fg_allocator *alloc, const fg_sources *src,
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

forge_status forge_format_source(const forge_config *cfg, const char *name, const char *text,
                                 size_t len, forge_write_fn write, void *ud)
{
    forge_config defaults;
    if (!cfg) {
        forge_config_init(&defaults);
        cfg = &defaults;
    }
    fg_allocator alloc = {cfg->realloc_fn, cfg->alloc_ud};
    fg_sources src;
    fg_diags diags;
    fg_strbuf out;
    fg_sources_init(&src, &alloc);
    fg_diags_init(&diags, &alloc);
    fg_strbuf_init(&out, &alloc);
    forge_status st = FORGE_OK;
    int file = fg_sources_add(&src, name ? name : "<string>", name ? name : "<string>", text, len);
    if (file < 0) {
        st = FORGE_ENOMEM;
    } else if (!fg_fmt_file(&src, (uint32_t)file, &diags, &out)) {
        st = diags.oom || out.failed || diags.nerrors == 0 ? FORGE_ENOMEM : FORGE_ECOMPILE;
    } else if (write(ud, out.data ? out.data : "", out.len) != 0) {
        st = FORGE_EIO;
    }
    deliver(cfg, &alloc, &src, &diags);
    fg_strbuf_free(&out);
    fg_diags_free(&diags);
    fg_sources_free(&src);
    return st;
}

forge_status forge_diff(const forge_policy *old_policy, const forge_policy *new_policy,
                        const forge_run_options *opt, const forge_diff_options *dopt,
                        forge_diff_summary *sum)
{
    forge_diff_summary local;
    forge_diff_options dlocal;
    if (!sum)
        sum = &local;
    if (!dopt) {
        memset(&dlocal, 0, sizeof dlocal);
        dopt = &dlocal;
    }
    return fg_diff_run(fg_policy_alloc(new_policy), fg_policy_program(old_policy),
                       fg_policy_program(new_policy), opt, dopt, sum);
}
