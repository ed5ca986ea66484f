/* parse.h — the front end's entry point: bytes of one file -> fg_ast.
 * Implemented by grammar/lexer.l + grammar/parser.y (reentrant scanner, pure
 * parser: no global state, so two policies may be parsed on two threads). */
#ifndef FG_PARSE_H
#define FG_PARSE_H

#include "ast.h"

/* Parses file `file` of src into out (out->decls in source order; each decl
 * gets decl->file = file). Syntax errors go to diags; the parser recovers at
 * the next declaration keyword to report several. Returns false when any
 * error was reported (out may then be partial but is well-formed). */
bool fg_parse_file(const fg_sources *src, uint32_t file, fg_arena *ar, fg_diags *diags,
                   fg_ast *out);

/* Parses a lone expression (used by `forgec explain --where`, tests).
 * text is treated as file `file` of src. Returns NULL on error. */
fg_expr *fg_parse_expr(const fg_sources *src, uint32_t file, fg_arena *ar, fg_diags *diags);

#endif
