/* parse.c — glue between the generated scanner/parser and the rest of the
 * front end: sets up one fg_parser on the stack, runs bison, and reports
 * running out of memory.
 *
 * Declaration order: decl->order counts the declarations of this file from
 * 0 in source order (an input block gives one declaration per field). The
 * stage that merges several files (imports) renumbers them if it needs one
 * running order across files; decl->file tells the files apart. */
#include "parse.h"

#include <string.h>

#include "parser.h"
/* after parser.h: the scanner's header needs YYSTYPE and YYLTYPE */
#include "lexer.h"

/* Runs the parser over file `file`; start_tok picks file or expression. */
static int run(const fg_sources *src, uint32_t file, fg_arena *ar, fg_diags *diags, int start_tok,
               fg_ast *ast, fg_expr **expr)
{
    const fg_file *f = src->files[file];
    fg_parser *p = fg_malloc(ar->alloc, sizeof *p);
    if (!p) {
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory while parsing %s", f->name);
        return 2;
    }
    memset(p, 0, sizeof *p);
    p->b.ar = ar;
    p->b.diags = diags;
    p->b.file = file;
    p->text = f->text;
    p->len = f->len;
    p->start_tok = start_tok;
    p->ast = ast;

    int rc = 2;
    yyscan_t scanner = NULL;
    char *buf = NULL;
    if (yylex_init_extra(p, &scanner) != 0)
        goto done;
    /* The file text is NUL-terminated; flex wants two NULs at the end of a
     * buffer it scans in place, so give it a copy. */
    buf = fg_malloc(ar->alloc, f->len + 2);
    if (!buf)
        goto done;
    memcpy(buf, f->text, f->len);
    buf[f->len] = buf[f->len + 1] = '\0';
    if (f->len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        memset(buf, ' ', 3); /* a UTF-8 byte order mark is white space; offsets stay */
    if (yy_scan_buffer(buf, f->len + 2, scanner))
        rc = yyparse(scanner, p);
    if (expr)
        *expr = p->expr;
done:
    if (scanner)
        yylex_destroy(scanner); /* also deletes the buffer state, not buf */
    fg_free(ar->alloc, buf);
    if (rc == 2 && p->too_deep && !ar->failed) {
        rc = 1; /* reported by yyerror */
    } else if (rc == 2 || ar->failed) {
        fg_diag_add_nospan(diags, FG_SEV_ERROR, NULL, "out of memory while parsing %s", f->name);
        rc = 2;
    }
    fg_free(ar->alloc, p);
    return rc;
}

bool fg_parse_file(const fg_sources *src, uint32_t file, fg_arena *ar, fg_diags *diags, fg_ast *out)
{
    memset(out, 0, sizeof *out);
    out->file = file;
    if (file >= src->nfiles)
        return false;
    uint32_t errors = diags->nerrors;
    int rc = run(src, file, ar, diags, START_FILE, out, NULL);
    return rc == 0 && diags->nerrors == errors;
}

fg_expr *fg_parse_expr(const fg_sources *src, uint32_t file, fg_arena *ar, fg_diags *diags)
{
    if (file >= src->nfiles)
        return NULL;
    uint32_t errors = diags->nerrors;
    fg_expr *e = NULL;
    int rc = run(src, file, ar, diags, START_EXPR, NULL, &e);
    return rc == 0 && diags->nerrors == errors ? e : NULL;
}
