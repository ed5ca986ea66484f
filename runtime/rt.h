/* rt.h — the runtime helpers behind the IR ops: checked int arithmetic,
 * num checks, comparisons, string building, decision-table lookup and the
 * row's failed-rule messages. The interpreter (runtime/interp.c) is built on
 * them and the JIT calls the same functions for anything it does not
 * inline, so every op's semantics is written once.
 *
 * Helpers that can fail return FG_RE_NONE or a row error kind and write
 * their result through an out pointer. Strings they make live in the given
 * scratch arena. */
#ifndef FG_RT_H
#define FG_RT_H

#include "../lang/ir.h"
#include "engine.h"
#include "rowerr.h"

/* ---- int arithmetic: FG_RE_INT_OVERFLOW outside 64 bits ---- */
fg_rowerr_kind fg_rt_add_int(int64_t a, int64_t b, int64_t *out);
fg_rowerr_kind fg_rt_sub_int(int64_t a, int64_t b, int64_t *out);
fg_rowerr_kind fg_rt_mul_int(int64_t a, int64_t b, int64_t *out);
fg_rowerr_kind fg_rt_neg_int(int64_t a, int64_t *out);

/* ---- num arithmetic: FG_RE_NOT_FINITE for a NaN or infinite result ---- */
fg_rowerr_kind fg_rt_check_num(double r);
fg_rowerr_kind fg_rt_add_num(double a, double b, double *out);
fg_rowerr_kind fg_rt_sub_num(double a, double b, double *out);
fg_rowerr_kind fg_rt_mul_num(double a, double b, double *out);
/* b == 0 (also -0) is FG_RE_DIV_ZERO. */
fg_rowerr_kind fg_rt_div_num(double a, double b, double *out);

/* ---- comparisons ---- */
/* Byte-wise (memcmp on the common prefix, then the shorter first): <0, 0, >0. */
int fg_rt_cmp_str(fg_str a, fg_str b);
bool fg_rt_cmp_int(fg_cmp c, int64_t a, int64_t b);
bool fg_rt_cmp_num(fg_cmp c, double a, double b); /* IEEE: -0 == 0 */
bool fg_rt_cmp_strs(fg_cmp c, fg_str a, fg_str b);
bool fg_rt_cmp_bool(fg_cmp c, bool a, bool b);
/* Equality of two present values of base type t (IN, table cells). */
bool fg_rt_equal(fg_type t, fg_value a, fg_value b);

/* ---- strings ---- */
/* v formatted as output writes it; a missing value gives "". */
fg_rowerr_kind fg_rt_to_str(fg_arena *scratch, fg_type t, fg_value v, fg_str *out);
fg_rowerr_kind fg_rt_concat(fg_arena *scratch, const fg_value *args, uint32_t nargs, fg_str *out);

/* ---- decision tables ---- */
/* Index of the first row of t whose cells all match args (one per
 * parameter, possibly missing), or -1 when none does. */
int32_t fg_rt_table_lookup(const fg_table *t, const fg_value *args);
/* Whether one cell matches an argument of type arg_type (possibly missing:
 * only `_` matches it); the test fg_rt_table_lookup applies (explain). */
bool fg_rt_cell_matches(const fg_ir_cell *c, fg_type arg_type, fg_value a);
/* The same test over a selection (the vectorized interpreter): keeps in
 * idx[0..n) the rows whose argument matches c, the argument of row r being
 * vals[r] (an array of arg_type's base type) and missing when miss[r];
 * returns how many rows are kept, in their order. */
uint32_t fg_rt_cell_filter(const fg_ir_cell *c, fg_type arg_type, const void *vals,
                           const bool *miss, uint32_t *idx, uint32_t n);
/* The detail of a FG_RE_NO_TABLE_ROW error:
 * `no row of table NAME matches (p1 = V1, p2 = "V2")`. Returns
 * FG_RE_NO_TABLE_ROW, or FG_RE_OOM when the text could not be made. */
fg_rowerr_kind fg_rt_table_nomatch(fg_arena *scratch, const fg_table *t, const fg_value *args,
                                   fg_str *detail);

/* ---- failed rules ---- */
/* The default message of a failed rule without `else`: `rule NAME failed`. */
fg_rowerr_kind fg_rt_rule_default_msg(fg_arena *scratch, const char *rule_name, fg_str *out);
/* Rules evaluated for `row` so far: those whose slot index is below
 * `upto_slot` (pass prog->nslots when every slot is computed). */
int64_t fg_rt_failed_count(const fg_program *prog, const fg_results *res, uint32_t row,
                           uint32_t upto_slot);
/* The n messages joined by "; " ("" when none; one is shared, not copied). */
fg_rowerr_kind fg_rt_join_messages(fg_arena *scratch, const fg_str *msgs, uint32_t n, fg_str *out);
/* Their messages in rule order joined by "; " ("" when none). */
fg_rowerr_kind fg_rt_failed(fg_arena *scratch, const fg_program *prog, const fg_results *res,
                            uint32_t row, uint32_t upto_slot, fg_str *out);

#endif
