/* format.h — the one place where values become text and cell text becomes
 * values. Output, str(), string interpolation, reports and error lines all
 * format through here, so every engine writes the same bytes.
 *
 * Numbers are written as ECMAScript's Number::toString does: the shortest
 * decimal that reads back to the same double, `-0` as `0`, plain notation
 * for exponents -7 < e < 21, otherwise `1e+21` / `1.5e-7` forms. */
#ifndef FG_FORMAT_H
#define FG_FORMAT_H

#include <stddef.h>

#include "../base/fg_base.h"
#include "../lang/types.h"

#define FG_NUM_BUF 32 /* enough for any formatted num or int */

/* Writes the text of d (must be finite) to buf, returns its length. */
size_t fg_fmt_num(double d, char buf[FG_NUM_BUF]);
size_t fg_fmt_int(int64_t v, char buf[FG_NUM_BUF]);
/* Appends a value of type t; a missing value appends nothing. */
void fg_fmt_value(fg_strbuf *sb, fg_type t, fg_value v);

/* Strict cell parsing (SPEC "CSV details"); false when the text is bad.
 * int: [+-]?d+ within 64 bits. num: [+-]?(d+[.d*]|.d+)([eE][+-]?d+)?,
 * finite. bool: true false yes no 1 0 in any case. */
bool fg_parse_int(const char *s, size_t n, int64_t *out);
bool fg_parse_num(const char *s, size_t n, double *out);
bool fg_parse_bool(const char *s, size_t n, bool *out);

#endif
