/* types.h — the static types of the language and the runtime value cell
 * shared by the checker, the IR, the engines and the standard library.
 *
 * A value carries no type tag: its type is always known statically from the
 * IR node or column that produced it. */
#ifndef FG_TYPES_H
#define FG_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* Base types in the low bits, FG_T_OPT marks `T?` (may be missing). */
typedef uint8_t fg_type;
enum {
    FG_T_ERROR = 0, /* poisoned by an earlier diagnostic; never reported twice */
    FG_T_INT = 1,   /* 64-bit signed */
    FG_T_NUM = 2,   /* IEEE double */
    FG_T_BOOL = 3,
    FG_T_STR = 4,
    FG_T_BASE_MASK = 0x0f,
    FG_T_OPT = 0x10
};

static inline fg_type fg_type_base(fg_type t)
{
    return (fg_type)(t & FG_T_BASE_MASK);
}
static inline bool fg_type_is_opt(fg_type t)
{
    return (t & FG_T_OPT) != 0;
}
static inline bool fg_type_is_numeric(fg_type t)
{
    return fg_type_base(t) == FG_T_INT || fg_type_base(t) == FG_T_NUM;
}
/* "int", "num?", ... (static strings) */
const char *fg_type_name(fg_type t);

/* A string slice: not NUL-terminated, owned by whoever made it (a batch's
 * cell storage, the program's arena or the run's scratch arena). */
typedef struct fg_str {
    const char *ptr;
    uint32_t len;
} fg_str;

typedef struct fg_value {
    union {
        int64_t i;
        double n;
        bool b;
        fg_str s;
    };
    bool missing;
} fg_value;

#endif
