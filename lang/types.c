/* types.c — names of static types for diagnostics and introspection. */
#include "types.h"

const char *fg_type_name(fg_type t)
{
    static const char *const plain[] = {"<error>", "int", "num", "bool", "str"};
    static const char *const opt[] = {"<error>", "int?", "num?", "bool?", "str?"};
    fg_type b = fg_type_base(t);
    if (b > FG_T_STR)
        return "<bad type>";
    return fg_type_is_opt(t) ? opt[b] : plain[b];
}
