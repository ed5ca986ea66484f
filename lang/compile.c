/* compile.c — the front end's driver: reads the policy file, parses it and
 * the files it imports (each once; an import cycle is harmless), keeps only
 * the const, fn and table declarations of imported files, numbers all
 * declarations in one order, then runs the checker and, when it reported no
 * error, lowers to an fg_program that takes a copy of the sources. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath(): an imported file is loaded once */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"

#include "check_int.h"
#include "compile.h"
#include "lint.h"
#include "parse.h"

typedef struct ld {
    const fg_allocator *alloc;
    fg_sources *src;
    fg_diags *diags;
    fg_arena *ar;
    const fg_compile_options *opt;
    fg_ptrvec keys;    /* canonical path of each loaded file (or NULL) */
    fg_ptrvec pending; /* fg_decl* imports not yet loaded, FIFO */
    fg_ptrvec decls;   /* kept declarations, in order */
    bool failed;       /* a parse or read error */
    bool oom;
} ld;

/* Reads a whole file; on failure returns NULL with errno set. */
static char *read_all(const fg_allocator *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = fg_malloc(a, cap);
    while (buf) {
        if (n == cap) {
            char *nb = fg_realloc(a, buf, cap * 2);
            if (!nb) {
                fg_free(a, buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                int e = errno ? errno : EIO;
                fg_free(a, buf);
                buf = NULL;
                errno = e;
            }
            break;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static char *canonical(ld *l, const char *path)
{
    char *rp = realpath(path, NULL);
    if (!rp)
        return NULL;
    char *c = fg_arena_strndup(l->ar, rp, strlen(rp));
    free(rp);
    return c;
}

static bool already_loaded(ld *l, const char *key)
{
    if (!key)
        return false;
    for (uint32_t i = 0; i < l->keys.n; i++)
        if (l->keys.items[i] && strcmp(l->keys.items[i], key) == 0)
            return true;
    return false;
}

static void push(ld *l, fg_ptrvec *v, void *item)
{
    if (!fg_ptrvec_push(l->ar, v, item))
        l->oom = true;
}

/* Parses file `file` and keeps its declarations (all of them for the main
 * file; const, fn and table for an imported one), queueing its imports. */
static void take_file(ld *l, uint32_t file, bool imported)
{
    fg_ast ast;
    memset(&ast, 0, sizeof ast);
    ast.file = file;
    if (!fg_parse_file(l->src, file, l->ar, l->diags, &ast))
        l->failed = true;
    for (uint32_t i = 0; i < ast.decls.n; i++) {
        fg_decl *d = ast.decls.items[i];
        d->file = file;
        if (d->kind == FG_D_IMPORT) {
            push(l, &l->pending, d);
            continue;
        }
        if (imported && d->kind != FG_D_CONST && d->kind != FG_D_FN && d->kind != FG_D_TABLE) {
            if (d->name)
                fg_diag_add(l->diags, FG_SEV_WARNING, d->span,
                            "an import brings in only const, fn and table declarations",
                            "%s `%s` is ignored in an imported file", fg_chk_kind_name(d->kind),
                            d->name);
            else
                fg_diag_add(l->diags, FG_SEV_WARNING, d->span,
                            "an import brings in only const, fn and table declarations",
                            "this %s is ignored in an imported file", fg_chk_kind_name(d->kind));
            continue;
        }
        push(l, &l->decls, d);
    }
}

static char *join(ld *l, const char *dir, const char *name)
{
    if (strcmp(dir, ".") == 0)
        dir = ""; /* "lib.fp", not "./lib.fp", in diagnostics */
    size_t a = strlen(dir), b = strlen(name);
    char *p = fg_arena_alloc(l->ar, a + b + 2);
    if (!p) {
        l->oom = true;
        return NULL;
    }
    memcpy(p, dir, a);
    size_t k = a;
    if (a && dir[a - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, name, b);
    p[k + b] = '\0';
    return p;
}

/* The folder of path ("." when it has none). */
static char *dir_of(ld *l, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return fg_arena_strndup(l->ar, ".", 1);
    return fg_arena_strndup(l->ar, path, slash == path ? 1 : (size_t)(slash - path));
}

static bool exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    fclose(f);
    return true;
}

static void load_import(ld *l, fg_decl *imp)
{
    const char *name = imp->import.path;
    if (!name)
        return;
    const fg_file *from = l->src->files[imp->file];
    char *found = NULL;
    size_t nl = strlen(name);
    if (nl < 4 || strcmp(name + nl - 3, ".fp") != 0) {
        /* Only policy files: an import never reads other files (whose text
         * diagnostics would quote), see docs/security.md. */
        fg_diag_add(l->diags, FG_SEV_ERROR, imp->import.path_span, NULL,
                    "cannot import `%s`: imports name policy files (*.fp)", name);
        l->failed = true;
        return;
    }
    if (name[0] == '/') {
        if (exists(name))
            found = fg_arena_strndup(l->ar, name, strlen(name));
    } else {
        if (from->path) {
            char *dir = dir_of(l, from->path);
            char *p = dir ? join(l, dir, name) : NULL;
            if (p && exists(p))
                found = p;
        }
        for (size_t i = 0; !found && l->opt && i < l->opt->ninclude_dirs; i++) {
            char *p = join(l, l->opt->include_dirs[i], name);
            if (p && exists(p))
                found = p;
        }
        if (!found && l->opt && l->opt->stdlib_dir) {
            char *p = join(l, l->opt->stdlib_dir, name);
            if (p && exists(p))
                found = p;
        }
    }
    if (!found) {
        fg_diag_add(l->diags, FG_SEV_ERROR, imp->import.path_span,
                    "imports are searched in the importing file's folder, the -I folders, "
                    "then the installed stdlib",
                    "cannot find import `%s`", name);
        l->failed = true;
        return;
    }
    char *key = canonical(l, found);
    if (already_loaded(l, key))
        return;
    size_t len = 0;
    char *text = read_all(l->alloc, found, &len);
    if (!text) {
        fg_diag_add(l->diags, FG_SEV_ERROR, imp->import.path_span, NULL, "cannot read %s: %s",
                    found, strerror(errno));
        l->failed = true;
        return;
    }
    int file = fg_sources_add(l->src, found, found, text, len);
    fg_free(l->alloc, text);
    if (file < 0) {
        l->oom = true;
        return;
    }
    push(l, &l->keys, key);
    take_file(l, (uint32_t)file, true);
}

/* Copies the sources into the program (it outlives the caller's). */
static bool copy_sources(fg_program *p, const fg_sources *src)
{
    for (uint32_t i = 0; i < src->nfiles; i++) {
        const fg_file *f = src->files[i];
        if (fg_sources_add(&p->sources, f->name, f->path, f->text, f->len) < 0)
            return false;
    }
    return true;
}

static fg_program *compile(const fg_allocator *alloc, fg_sources *src, fg_diags *diags,
                           uint32_t file, const char *key, const fg_compile_options *opt)
{
    fg_arena ar;
    fg_arena_init(&ar, alloc);
    fg_program *prog = NULL;
    ld l;
    memset(&l, 0, sizeof l);
    l.alloc = alloc;
    l.src = src;
    l.diags = diags;
    l.ar = &ar;
    l.opt = opt;
    push(&l, &l.keys, (void *)key);
    take_file(&l, file, false);
    for (uint32_t i = 0; i < l.pending.n && !l.oom; i++)
        load_import(&l, l.pending.items[i]);
    if (l.oom || ar.failed) {
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory");
        goto done;
    }
    if (l.failed)
        goto done;
    fg_chk ch;
    memset(&ch, 0, sizeof ch);
    ch.alloc = alloc;
    ch.ar = &ar;
    ch.src = src;
    ch.diags = diags;
    /* Imported declarations come first: a clash with the importing file
     * is then reported at the importing file's declaration. */
    memset(&ch.decls, 0, sizeof ch.decls);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < l.decls.n; i++) {
            fg_decl *d = l.decls.items[i];
            if ((d->file != file) == (pass == 0) && !fg_ptrvec_push(&ar, &ch.decls, d)) {
                fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory");
                goto done;
            }
        }
    }
    for (uint32_t i = 0; i < ch.decls.n; i++)
        ((fg_decl *)ch.decls.items[i])->order = i;
    if (!fg_chk_run(&ch) || !fg_cost_check(&ch.decls, alloc, diags))
        goto done;
    if (!fg_lint_run(&ch, file)) {
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory");
        goto done;
    }
    prog = fg_lower(&ch);
    if (prog && !copy_sources(prog, src)) {
        fg_program_free(prog);
        prog = NULL;
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory");
    }
done:
    fg_arena_free(&ar);
    return prog;
}

fg_program *fg_compile_file(const fg_allocator *alloc, fg_sources *src, fg_diags *diags,
                            const char *name, const char *path, const fg_compile_options *opt)
{
    size_t len = 0;
    char *text = read_all(alloc, path, &len);
    if (!text) {
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "cannot read %s: %s", name, strerror(errno));
        return NULL;
    }
    int file = fg_sources_add(src, name, path, text, len);
    fg_free(alloc, text);
    if (file < 0) {
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory");
        return NULL;
    }
    char *rp = realpath(path, NULL);
    fg_program *p = NULL;
    /* the canonical key must outlive compile(): copy into a small buffer */
    char *key = rp ? fg_strndup(alloc, rp, strlen(rp)) : NULL;
    free(rp);
    p = compile(alloc, src, diags, (uint32_t)file, key, opt);
    fg_free(alloc, key);
    return p;
}

fg_program *fg_compile_string(const fg_allocator *alloc, fg_sources *src, fg_diags *diags,
                              const char *name, const char *text, size_t len,
                              const fg_compile_options *opt)
{
    int file = fg_sources_add(src, name, NULL, text, len);
    if (file < 0) {
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory");
        return NULL;
    }
    return compile(alloc, src, diags, (uint32_t)file, NULL, opt);
}
