/* cell_interval.h — a decision-table cell as the set of values it matches:
 * a finite union of intervals of its comparison type. One module for every
 * stage that reasons about cells: the `unique` overlap proof
 * (lang/check_table.c), the lowering of cells (fg_chk_cell_fold), and the
 * lint checks for rows never matched and for values no row matches
 * (lang/lint.c). Each end of an interval remembers the cell operand it
 * came from, so a message can show it as the policy wrote it (`30%`). */
#ifndef FG_CELL_INTERVAL_H
#define FG_CELL_INTERVAL_H

#include "check_int.h"

typedef struct fg_cellint {
    bool lo_inf, hi_inf;   /* unbounded below / above */
    bool lo_open, hi_open; /* the end value itself is excluded */
    fg_value lo, hi;
    const fg_expr *lo_src, *hi_src; /* operand of each finite end (NULL: computed) */
} fg_cellint;

typedef struct fg_cellint_set {
    fg_type t; /* comparison type: FG_T_INT, NUM, STR or BOOL */
    uint32_t n;
    fg_cellint *v;
} fg_cellint_set;

/* <0, 0, >0 for a and b of type t. */
int fg_cellint_cmp(fg_value a, fg_value b, fg_type t);

/* Folds a cell on a parameter of type ptype into s (in ch's arena). The
 * comparison type is the parameter's, num when an int parameter meets a
 * num operand. False when an operand is not a literal or const (reported
 * by fg_chk_cell_value) or out of memory. */
bool fg_cellint_fold(fg_chk *ch, fg_cell *c, fg_type ptype, fg_cellint_set *s);

/* Int sets only: open ends become the next integer, closed (`< 5` is `<= 4`). */
void fg_cellint_close_ints(fg_cellint_set *s);

/* Every value of b is in a (int and num sets compare as numbers). */
bool fg_cellint_within(const fg_cellint_set *b, const fg_cellint_set *a);

/* a and b share a value; *ext is the type they were compared as and, when
 * *has_ex, *ex is one shared value. Converts int sets to num when the
 * other one is num. */
bool fg_cellint_meet(fg_cellint_set *a, fg_cellint_set *b, fg_value *ex, bool *has_ex,
                     fg_type *ext);

/* The numbers no set matches: the complement of the union of the n sets
 * (each int or num). With int_domain the values are the 64-bit integers
 * and every gap is closed, in .i, with lo_inf / hi_inf at the int range's
 * ends; otherwise gaps are num intervals whose ends point at the operands
 * that bound them. Gaps in ascending order, in ar; false when out of memory. */
bool fg_cellint_gaps(const fg_cellint_set *const *sets, uint32_t n, bool int_domain, fg_arena *ar,
                     fg_cellint **gaps, uint32_t *ngaps);

#endif
