/* rowerr.c — the fixed reason texts of row errors, as the driver writes
 * them after the column or policy location. */
#include "rowerr.h"

const char *fg_rowerr_reason(fg_rowerr_kind kind)
{
    switch (kind) {
    case FG_RE_NONE:
        return "no error";
    case FG_RE_BAD_CELL:
        return "bad value";
    case FG_RE_MISSING_CELL:
        return "missing value";
    case FG_RE_RAGGED:
        return "ragged row";
    case FG_RE_BAD_QUOTE:
        return "malformed quoted field";
    case FG_RE_INT_OVERFLOW:
        return "integer overflow";
    case FG_RE_DIV_ZERO:
        return "division by zero";
    case FG_RE_NOT_FINITE:
        return "result is not a finite number";
    case FG_RE_INT_RANGE:
        return "int() argument out of range";
    case FG_RE_NO_TABLE_ROW:
        return "no row of the table matches";
    case FG_RE_OOM:
        return "out of memory";
    }
    return "unknown error";
}
