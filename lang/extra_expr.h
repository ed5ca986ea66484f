/* extra_expr.h — compiles one more expression against an already compiled
 * program's names (`forgec explain --where EXPR`): the program's sources
 * are parsed and checked again, the expression is checked like a test's
 * `expect` (every row value, fn, table, const and built-in is visible) and
 * lowered into IR whose slot, input, fn and table indices are the
 * program's, so the interpreter can evaluate it on a row of that program
 * (fg_interp_expr). */
#ifndef FG_EXTRA_EXPR_H
#define FG_EXTRA_EXPR_H

#include "ir.h"

/* Compiles `text` (shown in diagnostics as file `name`) against prog. want
 * is the type the expression must have (FG_T_BOOL for --where), or 0 for
 * any. Returns the IR (allocated in ar, which must outlive its use) or NULL
 * with the errors in diags (rendered with *src, which the caller
 * initialises and frees: it receives copies of prog's files and the text). */
fg_ir *fg_compile_extra_expr(const fg_allocator *alloc, const fg_program *prog, fg_sources *src,
                             fg_diags *diags, const char *name, const char *text, size_t len,
                             fg_type want, fg_arena *ar);

#endif
