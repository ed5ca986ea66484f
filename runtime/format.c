/* format.c — values to text and cell text to values. Numbers follow
 * ECMAScript's Number::toString: the shortest decimal digits that read
 * back to the same double (found by trying 1..17 significant digits with
 * the C library's correctly rounded printf and strtod), laid out in plain
 * notation for decimal exponents -6 < n <= 21, otherwise in `1.5e-7` /
 * `1e+21` form. Cell parsing is strict (SPEC "CSV details"): the grammar is
 * checked here and strtod only converts text already known to be valid.
 *
 * Both printf and strtod honour LC_NUMERIC; the library assumes the "C"
 * locale (the CLI never calls setlocale). */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shortest digits ---- */

/* Decimal digits of a positive finite double: digits[0..k) with no
 * trailing zeros and the decimal exponent n of ECMAScript's algorithm
 * (value = 0.d1d2...dk * 10^n). */
typedef struct num_digits {
    char d[24];
    int k, n;
} num_digits;

/* Parses "%.*e" output "D.DDDe+XX" into digits and exponent. */
static void split_exp_text(const char *t, num_digits *out)
{
    int k = 0;
    const char *p = t;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            out->d[k++] = *p;
    int e = atoi(p + 1);
    out->k = k;
    out->n = e + 1;
}

/* Adds delta (+1 or -1) in the last place of a k-digit mantissa, carrying
 * into the exponent (9.99 + 1 -> 1.00 with n+1; 1.00 - 1 -> 9.99 with n-1).
 * Returns false when the result would not be a valid k-digit mantissa. */
static bool step_digits(num_digits *v, int delta)
{
    int i = v->k - 1;
    if (delta > 0) {
        while (i >= 0 && v->d[i] == '9')
            v->d[i--] = '0';
        if (i < 0) {
            v->d[0] = '1';
            v->n++;
            return true;
        }
        v->d[i]++;
        return true;
    }
    while (i >= 0 && v->d[i] == '0')
        v->d[i--] = '9';
    if (i < 0)
        return false;
    v->d[i]--;
    if (v->d[0] == '0') {
        if (v->k == 1)
            return false; /* would be zero */
        memmove(v->d, v->d + 1, (size_t)v->k - 1);
        v->d[v->k - 1] = '9';
        v->n--;
    }
    return true;
}

static double digits_value(const num_digits *v)
{
    char t[48];
    snprintf(t, sizeof t, "0.%.*se%d", v->k, v->d, v->n);
    return strtod(t, NULL);
}

/* The p-digit decimal that reads back as x, if any: the correctly rounded
 * p-digit decimal is the closest one to x; when it does not read back, its
 * neighbour on the other side of x still can (the rounding interval is
 * asymmetric at powers of two), so both are tried. */
static bool digits_at(double x, int p, num_digits *out)
{
    char t[40];
    snprintf(t, sizeof t, "%.*e", p - 1, x);
    split_exp_text(t, out);
    if (strtod(t, NULL) == x)
        return true;
    double cv = digits_value(out);
    return step_digits(out, cv < x ? 1 : -1) && digits_value(out) == x;
}

/* Shortest round-tripping digits of x > 0. Whether some p-digit decimal
 * reads back as x is monotone in p (append a zero), so the shortest length
 * is found by bisection over 1..17; 17 digits always suffice. */
static void shortest_digits(double x, num_digits *out)
{
    int lo = 1, hi = 17;
    num_digits c;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (digits_at(x, mid, &c))
            hi = mid;
        else
            lo = mid + 1;
    }
    if (!digits_at(x, lo, out)) { /* not reached: 17 digits round-trip */
        char t[40];
        snprintf(t, sizeof t, "%.16e", x);
        split_exp_text(t, out);
    }
    while (out->k > 1 && out->d[out->k - 1] == '0')
        out->k--;
}

size_t fg_fmt_num(double d, char buf[FG_NUM_BUF])
{
    size_t len = 0;
    if (d == 0) { /* also -0 */
        buf[0] = '0';
        buf[1] = '\0';
        return 1;
    }
    if (isnan(d)) {
        memcpy(buf, "NaN", 4);
        return 3;
    }
    if (d < 0) {
        buf[len++] = '-';
        d = -d;
    }
    if (isinf(d)) {
        memcpy(buf + len, "Infinity", 9);
        return len + 8;
    }
    /* Integers below 2^53 print as themselves (the common case). */
    if (d < 9007199254740992.0 && d == floor(d)) {
        int n = snprintf(buf + len, FG_NUM_BUF - len, "%.0f", d);
        return len + (size_t)n;
    }
    num_digits v;
    shortest_digits(d, &v);
    int k = v.k, n = v.n;
    char *o = buf + len;
    size_t m = 0;
    if (k <= n && n <= 21) {
        memcpy(o, v.d, (size_t)k);
        m = (size_t)k;
        for (int i = k; i < n; i++)
            o[m++] = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, v.d, (size_t)n);
        m = (size_t)n;
        o[m++] = '.';
        memcpy(o + m, v.d + n, (size_t)(k - n));
        m += (size_t)(k - n);
    } else if (-6 < n && n <= 0) {
        o[m++] = '0';
        o[m++] = '.';
        for (int i = 0; i < -n; i++)
            o[m++] = '0';
        memcpy(o + m, v.d, (size_t)k);
        m += (size_t)k;
    } else {
        o[m++] = v.d[0];
        if (k > 1) {
            o[m++] = '.';
            memcpy(o + m, v.d + 1, (size_t)(k - 1));
            m += (size_t)(k - 1);
        }
        int e = n - 1;
        m += (size_t)snprintf(o + m, FG_NUM_BUF - len - m, "e%c%d", e < 0 ? '-' : '+',
                              e < 0 ? -e : e);
    }
    o[m] = '\0';
    return len + m;
}

size_t fg_fmt_int(int64_t v, char buf[FG_NUM_BUF])
{
    /* Digits from the end, working on the unsigned magnitude so INT64_MIN is fine. */
    char t[24];
    size_t k = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        t[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (k)
        buf[len++] = t[--k];
    buf[len] = '\0';
    return len;
}

void fg_fmt_value(fg_strbuf *sb, fg_type t, fg_value v)
{
    char buf[FG_NUM_BUF];
    if (v.missing)
        return;
    switch (fg_type_base(t)) {
    case FG_T_INT:
        fg_strbuf_add(sb, buf, fg_fmt_int(v.i, buf));
        break;
    case FG_T_NUM:
        fg_strbuf_add(sb, buf, fg_fmt_num(v.n, buf));
        break;
    case FG_T_BOOL:
        fg_strbuf_adds(sb, v.b ? "true" : "false");
        break;
    case FG_T_STR:
        fg_strbuf_add(sb, v.s.ptr, v.s.len);
        break;
    default:
        break;
    }
}

/* ---- parsing cells ---- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool fg_parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == n)
        return false;
    /* Accumulate the magnitude; the limit is 2^63 for negatives. */
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t u = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        unsigned dg = (unsigned)(s[i] - '0');
        if (u > (limit - dg) / 10)
            return false;
        u = u * 10 + dg;
    }
    if (neg)
        *out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    else
        *out = (int64_t)u;
    return true;
}

/* Significant digits kept before the rest collapses into one sticky
 * digit: a halfway point between two doubles has at most 767 significant
 * digits, so 800 plus "is anything nonzero beyond" rounds exactly. */
#define NUM_MAX_SIG 800

bool fg_parse_num(const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    size_t int_start = i;
    while (i < n && is_digit(s[i]))
        i++;
    size_t int_end = i, frac_start = i, frac_end = i;
    if (i < n && s[i] == '.') {
        frac_start = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        frac_end = i;
    }
    if (int_end == int_start && frac_end == frac_start)
        return false; /* no digit in the mantissa ("", ".", "+.e1") */
    /* Exponent, saturated: beyond 10^9 the value is 0 or infinite anyway. */
    int64_t ex = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        if (i == n || !is_digit(s[i]))
            return false;
        for (; i < n && is_digit(s[i]); i++)
            if (ex < 1000000000)
                ex = ex * 10 + (s[i] - '0');
        if (eneg)
            ex = -ex;
    }
    if (i != n)
        return false;

    /* Canonical text "-0.SSSS...e<E>" for strtod: significant digits with
     * leading zeros dropped, value = 0.S * 10^E. */
    char t[NUM_MAX_SIG + 48];
    size_t m = 0, nsig = 0;
    int64_t e10 = 0;
    bool started = false, sticky = false;
    if (neg)
        t[m++] = '-';
    t[m++] = '0';
    t[m++] = '.';
    for (size_t j = int_start; j < frac_end; j++) {
        if (j == int_end)
            j = frac_start; /* skip the '.' */
        if (j >= frac_end)
            break;
        char c = s[j];
        bool in_int = j < int_end;
        if (!started) {
            if (c == '0') {
                if (!in_int)
                    e10--; /* 0.00ddd: each leading fraction zero lowers E */
                continue;
            }
            started = true;
        }
        if (in_int)
            e10++;
        if (nsig < NUM_MAX_SIG)
            t[m + nsig++] = c;
        else if (c != '0')
            sticky = true;
    }
    if (!started) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    m += nsig;
    if (sticky)
        t[m++] = '1';
    e10 += ex;
    if (e10 > 400)
        return false; /* at least 10^399: overflows */
    if (e10 < -400)
        e10 = -400; /* below the smallest subnormal: strtod gives 0 */
    snprintf(t + m, sizeof t - m, "e%d", (int)e10);
    double d = strtod(t, NULL);
    if (isinf(d))
        return false;
    *out = d;
    return true;
}

static bool eq_nocase(const char *s, size_t n, const char *lower)
{
    if (strlen(lower) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lower[i])
            return false;
    }
    return true;
}

bool fg_parse_bool(const char *s, size_t n, bool *out)
{
    static const char *const yes[] = {"true", "yes", "1"};
    static const char *const no[] = {"false", "no", "0"};
    for (size_t k = 0; k < 3; k++) {
        if (eq_nocase(s, n, yes[k])) {
            *out = true;
            return true;
        }
        if (eq_nocase(s, n, no[k])) {
            *out = false;
            return true;
        }
    }
    return false;
}
