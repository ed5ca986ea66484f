/* extra_expr.c — one extra expression against a compiled program (see
 * extra_expr.h). The program keeps the text of every file it was compiled
 * from (the main file first, then the imports in load order), so they are
 * parsed again in the same order, keeping the same declarations as the
 * compiler did (all of the main file, const/fn/table of the imports); the
 * checker and the lowerer then number slots, inputs, fns and tables exactly
 * as they did for prog. Diagnostics about the policy itself (its warnings,
 * again) are dropped: only those about the extra expression are kept. */
#include "extra_expr.h"

#include <string.h>

#include "check_int.h"
#include "parse.h"

/* Keeps only the diagnostics pointing into file `file` (or without span). */
static void keep_file_diags(fg_diags *d, uint32_t first, uint32_t file)
{
    uint32_t k = first, errors = 0, warnings = 0;
    for (uint32_t i = first; i < d->n; i++) {
        fg_diag *x = &d->items[i];
        if (x->has_span && x->span.file != file) {
            fg_free(d->alloc, x->message);
            fg_free(d->alloc, x->hint);
            continue;
        }
        d->items[k++] = *x;
    }
    d->n = k;
    for (uint32_t i = 0; i < d->n; i++) {
        errors += d->items[i].severity == FG_SEV_ERROR;
        warnings += d->items[i].severity == FG_SEV_WARNING;
    }
    d->nerrors = errors;
    d->nwarnings = warnings;
}

fg_ir *fg_compile_extra_expr(const fg_allocator *alloc, const fg_program *prog, fg_sources *src,
                             fg_diags *diags, const char *name, const char *text, size_t len,
                             fg_type want, fg_arena *ar)
{
    fg_arena car;
    fg_arena_init(&car, alloc);
    fg_ir *out = NULL;
    fg_program *again = NULL;
    uint32_t first_diag = diags->n;
    int xfile = -1;
    fg_ptrvec decls = {0};
    const fg_sources *ps = &prog->sources;
    for (uint32_t f = 0; f < ps->nfiles; f++) {
        const fg_file *pf = ps->files[f];
        if (fg_sources_add(src, pf->name, pf->path, pf->text, pf->len) != (int)f)
            goto oom;
    }
    xfile = fg_sources_add(src, name, NULL, text, len);
    if (xfile < 0)
        goto oom;
    for (uint32_t f = 0; f < ps->nfiles; f++) {
        fg_ast ast;
        memset(&ast, 0, sizeof ast);
        ast.file = f;
        if (!fg_parse_file(src, f, &car, diags, &ast))
            goto done; /* cannot happen: prog compiled from these files */
        for (uint32_t i = 0; i < ast.decls.n; i++) {
            fg_decl *d = ast.decls.items[i];
            d->file = f;
            if (d->kind == FG_D_IMPORT)
                continue;
            if (f > 0 && d->kind != FG_D_CONST && d->kind != FG_D_FN && d->kind != FG_D_TABLE)
                continue;
            if (!fg_ptrvec_push(&car, &decls, d))
                goto oom;
        }
    }
    fg_expr *e = fg_parse_expr(src, (uint32_t)xfile, &car, diags);
    if (!e)
        goto done;

    fg_chk ch;
    memset(&ch, 0, sizeof ch);
    ch.alloc = alloc;
    ch.ar = &car;
    ch.src = src;
    ch.diags = diags;
    ch.decls = decls;
    for (uint32_t i = 0; i < decls.n; i++)
        ((fg_decl *)decls.items[i])->order = i;
    if (!fg_chk_run(&ch))
        goto done;
    again = fg_lower(&ch); /* numbers the slots as for prog */
    if (!again)
        goto done;
    /* now the expression, like an `expect`: every row value is visible */
    ch.cur = NULL;
    ch.mode = FG_CHK_ROW;
    ch.params = NULL;
    ch.stack.n = 0;
    fg_type t = fg_chk_expr(&ch, e);
    if (t == FG_T_ERROR)
        goto done;
    if (want && !fg_chk_assign(&ch, e, want, "the expression"))
        goto done;
    for (uint32_t i = first_diag; i < diags->n; i++)
        if (diags->items[i].severity == FG_SEV_ERROR)
            goto done;
    out = fg_lower_expr(&ch, e, ar);
    if (!out)
        goto oom;
    goto done;
oom:
    fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory");
done:
    if (again)
        fg_program_free(again);
    fg_arena_free(&car);
    keep_file_diags(diags, first_diag, xfile < 0 ? 0 : (uint32_t)xfile);
    return out;
}
