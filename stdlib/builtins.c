/* builtins.c — the standard library: one C function per typed variant of
 * stdlib/builtins_list.h, and fg_builtin_table built from that list. Every
 * engine calls these, so each built-in's semantics (SPEC "Built-in
 * functions" and "Precise semantics") is written here once. Arguments are
 * never missing; strings made here are allocated in the scratch arena. */
#include "builtins.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fg_base.h"
#include "../runtime/format.h"
#include "../runtime/numconv.h"

#define FG_BUILTIN_FN(id)                                                                          \
    static fg_rowerr_kind fg_b_##id(fg_arena *scratch, const fg_value *a, uint32_t n, fg_value *out)
#define UNUSED_ARGS                                                                                \
    (void)scratch;                                                                                 \
    (void)n

static fg_rowerr_kind num_result(fg_value *out, double r)
{
    out->n = r;
    return isfinite(r) ? FG_RE_NONE : FG_RE_NOT_FINITE;
}

/* ---- numbers ---- */

FG_BUILTIN_FN(MIN_INT)
{
    (void)scratch;
    int64_t m = a[0].i;
    for (uint32_t k = 1; k < n; k++)
        if (a[k].i < m)
            m = a[k].i;
    out->i = m;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(MIN_NUM)
{
    (void)scratch;
    double m = a[0].n;
    for (uint32_t k = 1; k < n; k++)
        if (a[k].n < m)
            m = a[k].n;
    out->n = m;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(MAX_INT)
{
    (void)scratch;
    int64_t m = a[0].i;
    for (uint32_t k = 1; k < n; k++)
        if (a[k].i > m)
            m = a[k].i;
    out->i = m;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(MAX_NUM)
{
    (void)scratch;
    double m = a[0].n;
    for (uint32_t k = 1; k < n; k++)
        if (a[k].n > m)
            m = a[k].n;
    out->n = m;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(ABS_INT)
{
    UNUSED_ARGS;
    if (a[0].i == INT64_MIN)
        return FG_RE_INT_OVERFLOW;
    out->i = a[0].i < 0 ? -a[0].i : a[0].i;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(ABS_NUM)
{
    UNUSED_ARGS;
    out->n = fabs(a[0].n);
    return FG_RE_NONE;
}

/* Rounds x half away from zero at d decimals, working on the shortest
 * decimal text of x (as output writes it) so that round(2.675, 2) is 2.68
 * like a spreadsheet, not 2.67 as binary arithmetic would give. The text's
 * digits D and decimal point position p (value = 0.D * 10^p) are cut after
 * p + d digits, rounded up when the first dropped digit is >= 5, and read
 * back with fg_parse_num (correctly rounded, locale-independent). */
fg_rowerr_kind fg_round_text(double x, int64_t d, double *out)
{
    char text[FG_NUM_BUF];
    size_t len = fg_fmt_num(x, text);
    char digits[FG_NUM_BUF + 2];
    int nd = 0, point = 0;
    bool seen_point = false;
    long exp10 = 0;
    bool neg = false;
    size_t i = 0;
    if (i < len && text[i] == '-') {
        neg = true;
        i++;
    }
    for (; i < len; i++) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            if (nd == 0 && c == '0') { /* leading zeros carry no digit */
                if (seen_point)
                    point--;
                continue;
            }
            digits[nd++] = c;
        } else if (c == '.') {
            point = nd;
            seen_point = true;
        } else if (c == 'e' || c == 'E') {
            exp10 = strtol(text + i + 1, NULL, 10);
            break;
        }
    }
    if (nd == 0) { /* zero (also -0) */
        *out = 0.0;
        return FG_RE_NONE;
    }
    if (!seen_point) /* no '.': every digit is before the point */
        point = nd;
    long p = (long)point + exp10; /* value = 0.D * 10^p */
    if (d > 1000)
        d = 1000;
    if (d < -1000)
        d = -1000;
    long keep = p + (long)d;
    if (keep >= nd) { /* nothing to drop */
        *out = x;
        return FG_RE_NONE;
    }
    if (keep < 0) { /* every kept digit is a zero before the first digit */
        *out = 0.0;
        return FG_RE_NONE;
    }
    /* mantissa: digits[0..keep) plus one, with a leading carry position */
    char buf[FG_NUM_BUF + 32];
    size_t at = 0;
    if (neg)
        buf[at++] = '-';
    char mant[FG_NUM_BUF + 2];
    mant[0] = '0';
    memcpy(mant + 1, digits, (size_t)keep);
    size_t mlen = (size_t)keep + 1;
    if (digits[keep] >= '5') {
        size_t k = mlen;
        while (k > 0) {
            k--;
            if (mant[k] == '9') {
                mant[k] = '0';
            } else {
                mant[k]++;
                break;
            }
        }
    }
    memcpy(buf + at, mant, mlen);
    at += mlen;
    snprintf(buf + at, sizeof buf - at, "e%ld", -(long)d);
    double r;
    if (!fg_parse_num(buf, strlen(buf), &r))
        return FG_RE_NOT_FINITE; /* rounded beyond the num range */
    if (r == 0)
        r = 0.0; /* no negative zero from rounding */
    *out = r;
    return isfinite(r) ? FG_RE_NONE : FG_RE_NOT_FINITE;
}

/* The powers of ten a double holds exactly (10^22 is the last). */
static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* fg_round_text without the text, where its answer is exact to compute:
 * the same shortest digits (value = f * 10^e), cut and rounded half up in
 * integer arithmetic, and the kept q * 10^-d made with one division (or
 * product) of exact doubles, correctly rounded as reading "qe-d" is.
 * False when that does not hold (|d| > 22, q of 2^53 or more). */
static bool round_exact(double x, int64_t d, double *out)
{
    if (d > 22 || d < -22 || !isfinite(x))
        return false;
    if (x == 0) {
        *out = 0.0;
        return true;
    }
    uint64_t f;
    int e;
    fg_num_shortest(fabs(x), &f, &e);
    if (d >= -(int64_t)e) { /* no digit to drop */
        *out = x;
        return true;
    }
    int64_t k = -(int64_t)e - d; /* digits dropped from f (at most 17 digits) */
    uint64_t q = 0;
    if (k < 18) {
        uint64_t pk = (uint64_t)p10[k];
        q = f / pk + (f % pk >= pk / 2); /* first dropped digit >= 5: up */
    }
    if (q >= (1ull << 53))
        return false;
    double r = d >= 0 ? (double)q / p10[d] : (double)q * p10[-d];
    if (d < 0 && r >= 9007199254740992.0) /* the product may be inexact */
        return false;
    *out = x < 0 && q ? -r : r; /* no negative zero from rounding */
    return true;
}

/* The common case without even the shortest digits: y = |x| * 10^d is
 * within 1.5 ulp(y) of the shortest decimal of |x| scaled the same way, so
 * when y is further than that from a tie (n + 0.5), both round to the same
 * nearest integer q, and q * 10^-d is made exactly as in round_exact. */
static bool round_far_from_tie(double x, int64_t d, double *out)
{
    if (d > 22 || d < -22)
        return false;
    double m = fabs(x);
    double y = d >= 0 ? m * p10[d] : m / p10[-d];
    if (!(y < 4503599627370496.0)) /* 2^52: y has a fraction to look at */
        return false;
    double whole = floor(y), frac = y - whole; /* both exact */
    if (fabs(frac - 0.5) <= y * 0x1p-50)       /* 4 ulp(y) or more */
        return false;
    double q = whole + (frac > 0.5);
    double r = d >= 0 ? q / p10[d] : q * p10[-d];
    if (d < 0 && r >= 9007199254740992.0) /* the product may be inexact */
        return false;
    *out = x < 0 && q != 0 ? -r : r; /* no negative zero from rounding */
    return true;
}

FG_BUILTIN_FN(ROUND)
{
    UNUSED_ARGS;
    if (round_far_from_tie(a[0].n, 0, &out->n) || round_exact(a[0].n, 0, &out->n))
        return FG_RE_NONE;
    return fg_round_text(a[0].n, 0, &out->n);
}

FG_BUILTIN_FN(ROUND_DIGITS)
{
    UNUSED_ARGS;
    if (round_far_from_tie(a[0].n, a[1].i, &out->n) || round_exact(a[0].n, a[1].i, &out->n))
        return FG_RE_NONE;
    return fg_round_text(a[0].n, a[1].i, &out->n);
}

FG_BUILTIN_FN(FLOOR)
{
    UNUSED_ARGS;
    return num_result(out, floor(a[0].n));
}

FG_BUILTIN_FN(CEIL)
{
    UNUSED_ARGS;
    return num_result(out, ceil(a[0].n));
}

/* clamp(x, lo, hi) = min(max(x, lo), hi): when lo > hi the result is hi
 * (the upper limit wins), as in a spreadsheet's MIN(MAX(x, lo), hi). */
FG_BUILTIN_FN(CLAMP_INT)
{
    UNUSED_ARGS;
    int64_t x = a[0].i;
    if (x < a[1].i)
        x = a[1].i;
    if (x > a[2].i)
        x = a[2].i;
    out->i = x;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(CLAMP_NUM)
{
    UNUSED_ARGS;
    double x = a[0].n;
    if (x < a[1].n)
        x = a[1].n;
    if (x > a[2].n)
        x = a[2].n;
    out->n = x;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(SQRT)
{
    UNUSED_ARGS;
    if (a[0].n < 0) /* NaN: checked before calling so no FP exception is raised */
        return FG_RE_NOT_FINITE;
    return num_result(out, sqrt(a[0].n));
}

FG_BUILTIN_FN(POW)
{
    UNUSED_ARGS;
    return num_result(out, pow(a[0].n, a[1].n));
}

FG_BUILTIN_FN(LOG)
{
    UNUSED_ARGS;
    if (a[0].n <= 0) /* -inf or NaN */
        return FG_RE_NOT_FINITE;
    return num_result(out, log(a[0].n));
}

FG_BUILTIN_FN(EXP)
{
    UNUSED_ARGS;
    return num_result(out, exp(a[0].n));
}

/* Floored modulo: the result has the sign of b, like Python's %. */
FG_BUILTIN_FN(MOD_INT)
{
    UNUSED_ARGS;
    int64_t x = a[0].i, y = a[1].i;
    if (y == 0)
        return FG_RE_DIV_ZERO;
    if (y == -1) { /* INT64_MIN % -1 is undefined in C; the answer is 0 */
        out->i = 0;
        return FG_RE_NONE;
    }
    int64_t r = x % y;
    if (r != 0 && ((r < 0) != (y < 0)))
        r += y;
    out->i = r;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(MOD_NUM)
{
    UNUSED_ARGS;
    double x = a[0].n, y = a[1].n;
    if (y == 0)
        return FG_RE_DIV_ZERO;
    double r = fmod(x, y);
    if (r != 0 && ((r < 0) != (y < 0)))
        r += y;
    if (r == 0)
        r = 0.0;
    return num_result(out, r);
}

/* Truncates toward zero; the int range is [-2^63, 2^63). */
FG_BUILTIN_FN(INT_OF)
{
    UNUSED_ARGS;
    double x = a[0].n;
    if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
        return FG_RE_INT_RANGE;
    out->i = (int64_t)x;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(NUM_OF)
{
    UNUSED_ARGS;
    out->n = a[0].n;
    return FG_RE_NONE;
}

/* ---- strings ---- */

static fg_rowerr_kind copy_str(fg_arena *scratch, const char *s, uint32_t len, fg_value *out,
                               char **dst)
{
    char *p = fg_arena_alloc(scratch, len);
    if (!p)
        return FG_RE_OOM;
    if (len)
        memcpy(p, s, len);
    out->s.ptr = p;
    out->s.len = len;
    *dst = p;
    return FG_RE_NONE;
}

/* Code points: bytes that are not UTF-8 continuation bytes. */
FG_BUILTIN_FN(LEN)
{
    UNUSED_ARGS;
    int64_t count = 0;
    for (uint32_t k = 0; k < a[0].s.len; k++)
        count += ((unsigned char)a[0].s.ptr[k] & 0xC0) != 0x80;
    out->i = count;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(LOWER)
{
    (void)n;
    char *p;
    fg_rowerr_kind k = copy_str(scratch, a[0].s.ptr, a[0].s.len, out, &p);
    if (k)
        return k;
    for (uint32_t j = 0; j < a[0].s.len; j++)
        if (p[j] >= 'A' && p[j] <= 'Z')
            p[j] = (char)(p[j] - 'A' + 'a');
    return FG_RE_NONE;
}

FG_BUILTIN_FN(UPPER)
{
    (void)n;
    char *p;
    fg_rowerr_kind k = copy_str(scratch, a[0].s.ptr, a[0].s.len, out, &p);
    if (k)
        return k;
    for (uint32_t j = 0; j < a[0].s.len; j++)
        if (p[j] >= 'a' && p[j] <= 'z')
            p[j] = (char)(p[j] - 'a' + 'A');
    return FG_RE_NONE;
}

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* A slice of the argument: no allocation. */
FG_BUILTIN_FN(TRIM)
{
    UNUSED_ARGS;
    const char *s = a[0].s.ptr;
    uint32_t lo = 0, hi = a[0].s.len;
    while (lo < hi && is_ascii_space(s[lo]))
        lo++;
    while (hi > lo && is_ascii_space(s[hi - 1]))
        hi--;
    out->s.ptr = hi > lo ? s + lo : "";
    out->s.len = hi - lo;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(CONTAINS)
{
    UNUSED_ARGS;
    fg_str h = a[0].s, t = a[1].s;
    out->b = false;
    if (t.len == 0) {
        out->b = true;
        return FG_RE_NONE;
    }
    for (uint32_t k = 0; t.len <= h.len && k <= h.len - t.len; k++) {
        if (h.ptr[k] == t.ptr[0] && memcmp(h.ptr + k, t.ptr, t.len) == 0) {
            out->b = true;
            break;
        }
    }
    return FG_RE_NONE;
}

FG_BUILTIN_FN(STARTS_WITH)
{
    UNUSED_ARGS;
    fg_str h = a[0].s, t = a[1].s;
    out->b = t.len <= h.len && (t.len == 0 || memcmp(h.ptr, t.ptr, t.len) == 0);
    return FG_RE_NONE;
}

FG_BUILTIN_FN(ENDS_WITH)
{
    UNUSED_ARGS;
    fg_str h = a[0].s, t = a[1].s;
    out->b = t.len <= h.len && (t.len == 0 || memcmp(h.ptr + h.len - t.len, t.ptr, t.len) == 0);
    return FG_RE_NONE;
}

FG_BUILTIN_FN(CONCAT)
{
    uint64_t total = 0;
    for (uint32_t k = 0; k < n; k++)
        total += a[k].s.len;
    if (total > UINT32_MAX)
        return FG_RE_OOM;
    char *p = fg_arena_alloc(scratch, (size_t)total);
    if (!p)
        return FG_RE_OOM;
    size_t at = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (a[k].s.len)
            memcpy(p + at, a[k].s.ptr, a[k].s.len);
        at += a[k].s.len;
    }
    out->s.ptr = p;
    out->s.len = (uint32_t)total;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(STR_INT)
{
    (void)n;
    char buf[FG_NUM_BUF], *p;
    size_t len = fg_fmt_int(a[0].i, buf);
    return copy_str(scratch, buf, (uint32_t)len, out, &p);
}

FG_BUILTIN_FN(STR_NUM)
{
    (void)n;
    char buf[FG_NUM_BUF], *p;
    size_t len = fg_fmt_num(a[0].n, buf);
    return copy_str(scratch, buf, (uint32_t)len, out, &p);
}

FG_BUILTIN_FN(STR_BOOL)
{
    UNUSED_ARGS;
    out->s.ptr = a[0].b ? "true" : "false";
    out->s.len = a[0].b ? 4 : 5;
    return FG_RE_NONE;
}

FG_BUILTIN_FN(STR_STR)
{
    UNUSED_ARGS;
    out->s = a[0].s;
    return FG_RE_NONE;
}

const fg_builtin_info fg_builtin_table[FG_B_COUNT] = {
#define FG_X_INFO(id, name, res, arity, p1, p2, p3, doc)                                           \
    {name, res, arity, {p1, p2, p3}, fg_b_##id, doc},
    FG_BUILTINS(FG_X_INFO)
#undef FG_X_INFO
};
