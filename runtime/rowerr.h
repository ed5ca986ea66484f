/* rowerr.h — row errors: why one input row could not be evaluated.
 * A row error never stops a run; the row goes to the error stream with
 * its line, key, column or policy location, and the reason. */
#ifndef FG_ROWERR_H
#define FG_ROWERR_H

#include "../lang/source.h"
#include "../lang/types.h"

typedef enum fg_rowerr_kind {
    FG_RE_NONE = 0,
    /* data: found while reading the row (column = input index or -1) */
    FG_RE_BAD_CELL,     /* detail: the cell text; "bad int \"12x\"" */
    FG_RE_MISSING_CELL, /* empty cell in a non-optional column */
    FG_RE_RAGGED,       /* detail: field count; "N fields, the header has M" */
    FG_RE_BAD_QUOTE,    /* malformed or unclosed quote */
    /* evaluation: found while evaluating (span = policy location) */
    FG_RE_INT_OVERFLOW, /* int arithmetic outside 64 bits */
    FG_RE_DIV_ZERO,     /* x / 0, mod(x, 0) */
    FG_RE_NOT_FINITE,   /* a num result that is NaN or infinite */
    FG_RE_INT_RANGE,    /* int(x) with x outside the int range */
    FG_RE_NO_TABLE_ROW, /* detail: table name and arguments */
    FG_RE_OOM           /* out of memory while evaluating this row */
} fg_rowerr_kind;

typedef struct fg_rowerr {
    fg_rowerr_kind kind;
    int32_t column; /* data errors: input index, -1 when not about one column */
    fg_span span;   /* evaluation errors: where in the policy */
    fg_str detail;  /* extra text (see kinds), may be empty; scratch memory */
} fg_rowerr;

/* The fixed part of the reason: "division by zero", "integer overflow", ... */
const char *fg_rowerr_reason(fg_rowerr_kind kind);

#endif
