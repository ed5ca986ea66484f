/* api_tools.c — public entry points of the analyst tools that are not
 * evaluation runs of one policy: forge_format_source (lang/fmt.c) and
 * forge_diff (runtime/diff.c). Like api.c, it turns internal results into
 * status codes and diagnostics into forge_diag values; it never prints. */
#include <forge.h>

#include <string.h>

#include "../lang/fmt.h"
#include "diff.h"
#include "policy_int.h"

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
    fg_api_deliver_diags(cfg, &alloc, &src, &diags);
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
