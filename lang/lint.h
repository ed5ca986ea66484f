/* lint.h — static checks that only warn (`forgec check` and every command
 * that compiles): unused declarations and rules, decide arms that are never
 * taken, table rows that are never matched, tables without a catch-all
 * row and the numbers no row of theirs matches. Runs on the checked AST, after
 * a check without errors and before lowering. */
#ifndef FG_LINT_H
#define FG_LINT_H

#include "check_int.h"

/* Reports warnings (and notes) into ch->diags for the declarations of file
 * main_file; imported declarations are used but never warned about.
 * Returns false only when out of memory. */
bool fg_lint_run(fg_chk *ch, uint32_t main_file);

#endif
