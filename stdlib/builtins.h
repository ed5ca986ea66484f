/* builtins.h — the standard library: one C implementation per built-in,
 * called by every engine (the interpreter through fg_builtin_table, the JIT
 * by address), so no built-in's semantics is written twice.
 *
 * `failed()` and `failed_count()` are not here: they read the row's rule
 * results and are IR ops (FAILED, FAILED_COUNT). */
#ifndef FG_BUILTINS_H
#define FG_BUILTINS_H

#include "../lang/types.h"
#include "../runtime/rowerr.h"
#include "builtins_list.h"

typedef enum fg_builtin {
#define FG_X_ENUM(id, name, res, arity, p1, p2, p3, doc) FG_B_##id,
    FG_BUILTINS(FG_X_ENUM)
#undef FG_X_ENUM
        FG_B_COUNT
} fg_builtin;

struct fg_arena;

/* Computes out from args (never missing). Strings it makes are allocated
 * in scratch. Returns FG_RE_NONE or the row error kind (FG_RE_NOT_FINITE,
 * FG_RE_INT_OVERFLOW, FG_RE_DIV_ZERO, FG_RE_INT_RANGE, FG_RE_OOM). */
typedef fg_rowerr_kind (*fg_builtin_fn)(struct fg_arena *scratch, const fg_value *args,
                                        uint32_t nargs, fg_value *out);

typedef struct fg_builtin_info {
    const char *name;
    fg_type result;
    int arity; /* >= 0 exact; -2: two or more */
    fg_type params[3];
    fg_builtin_fn fn;
    const char *doc;
} fg_builtin_info;

extern const fg_builtin_info fg_builtin_table[FG_B_COUNT];

/* round(x, d) worked on the text of x (the definition; round and
 * round_digits take a shortcut with the same answers where it is exact):
 * for tests. */
fg_rowerr_kind fg_round_text(double x, int64_t d, double *out);

#endif
