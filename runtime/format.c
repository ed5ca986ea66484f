/* format.c — values to text and cell text to values. Numbers follow
 * ECMAScript's Number::toString: the shortest decimal digits that read
 * back to the same double (numfmt.c, Schubfach), laid out here in plain
 * notation for decimal exponents -6 < n <= 21, otherwise in `1.5e-7` /
 * `1e+21` form. Cell parsing is strict (SPEC "CSV details"); numbers are
 * parsed by numparse.c (correctly rounded, no strtod). Nothing here
 * depends on the locale or calls printf / strtod.
 */
#include "format.h"
#include "numconv.h"

#include <math.h>
#include <string.h>

/* ---- numbers to text ---- */

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* Writes the decimal digits of u (no leading zeros; "0" for 0) ending just
 * before end; returns the first one. */
static char *put_digits(uint64_t u, char *end)
{
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        end -= 2;
        memcpy(end, digit_pairs + 2 * r, 2);
    }
    if (u >= 10) {
        end -= 2;
        memcpy(end, digit_pairs + 2 * u, 2);
    } else {
        *--end = (char)('0' + u);
    }
    return end;
}

/* How many decimal digits u has (1 for 0): t = floor(bits * log10(2)) is
 * the count or one more (1233 / 4096 ~ log10(2)); one comparison decides. */
static size_t digit_count(uint64_t u)
{
    static const uint64_t lower[20] = {0, /* so that 0 has one digit */
                                       10ull,
                                       100ull,
                                       1000ull,
                                       10000ull,
                                       100000ull,
                                       1000000ull,
                                       10000000ull,
                                       100000000ull,
                                       1000000000ull,
                                       10000000000ull,
                                       100000000000ull,
                                       1000000000000ull,
                                       10000000000000ull,
                                       100000000000000ull,
                                       1000000000000000ull,
                                       10000000000000000ull,
                                       100000000000000000ull,
                                       1000000000000000000ull,
                                       10000000000000000000ull};
#if defined(__GNUC__)
    unsigned bits = 64u - (unsigned)__builtin_clzll(u | 1);
#else
    unsigned bits = 0;
    for (uint64_t v = u | 1; v; v >>= 1)
        bits++;
#endif
    size_t t = (size_t)(bits * 1233u) >> 12;
    return t + 1 - (u < lower[t]);
}

/* Writes the digits of u at o, without a copy; returns how many. */
static size_t put_uint(uint64_t u, char *o)
{
    size_t n = digit_count(u);
    put_digits(u, o + n);
    return n;
}

/* Positive, non-integral d below 1e8 with at most 4 decimals (tenths,
 * cents: most measured and money values) is formatted without the search,
 * else 0 is returned. Why it is the same text: if a decimal c with at most 4
 * decimals reads back as d, then c * 10^4 is the integer M nearest d * 10^4
 * (they differ by at most 10^4 * ulp(d) / 2 < 10^-4 below 1e8), so M is
 * found by rounding; at M's fewest decimals no other decimal lies within
 * d's rounding interval (narrower than 10^-4), so c is the shortest one
 * that reads back, the digits Schubfach gives. That c reads back as d is
 * checked exactly: M and 10^k are exact doubles and IEEE division rounds
 * correctly, as reading the text would. */
static size_t fmt_few_decimals(double d, char *o)
{
    static const double p10[] = {1, 10, 100, 1000, 10000};
    static const uint32_t p10i[] = {1, 10, 100, 1000, 10000};
    if (!(d < 1e8))
        return 0;
    double s = d * 1e4;
    uint64_t m = (uint64_t)(s + 0.5);
    if (fabs(s - (double)m) > 1e-3) /* cheap exit for longer decimals */
        return 0;
    int k = 4;
    while (k > 0 && m % 10 == 0) {
        m /= 10;
        k--;
    }
    if (k == 0 || (double)m / p10[k] != d)
        return 0;
    size_t n = put_uint(m / p10i[k], o);
    o[n++] = '.';
    uint32_t frac = (uint32_t)(m % p10i[k]);
    for (int i = k - 1; i >= 0; i--) {
        o[n + (size_t)i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    n += (size_t)k;
    o[n] = '\0';
    return n;
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
    /* Whole numbers below 2^53 (counts, tonnes, money) are their integer
     * digits: the same text as the general path, without its search. */
    if (d < 9007199254740992.0 && d == (double)(uint64_t)d) {
        size_t k = put_uint((uint64_t)d, buf + len);
        buf[len + k] = '\0';
        return len + k;
    }
    size_t few = fmt_few_decimals(d, buf + len);
    if (few)
        return len + few;
    /* Shortest digits (Schubfach, numfmt.c) as value = 0.d1d2...dk * 10^n,
     * the form ECMAScript's Number::toString lays out. */
    uint64_t f;
    int e10;
    fg_num_shortest(d, &f, &e10);
    while (f % 10 == 0) { /* f > 0 */
        f /= 10;
        e10++;
    }
    char t[24];
    const char *dg = put_digits(f, t + sizeof t);
    int k = (int)(t + sizeof t - dg), n = e10 + k;
    char *o = buf + len;
    size_t m = 0;
    if (k <= n && n <= 21) { /* integer: digits then zeros */
        memcpy(o, dg, (size_t)k);
        m = (size_t)k;
        for (int i = k; i < n; i++)
            o[m++] = '0';
    } else if (0 < n && n <= 21) { /* point inside the digits */
        memcpy(o, dg, (size_t)n);
        m = (size_t)n;
        o[m++] = '.';
        memcpy(o + m, dg + n, (size_t)(k - n));
        m += (size_t)(k - n);
    } else if (-6 < n && n <= 0) { /* 0.000ddd */
        o[m++] = '0';
        o[m++] = '.';
        for (int i = 0; i < -n; i++)
            o[m++] = '0';
        memcpy(o + m, dg, (size_t)k);
        m += (size_t)k;
    } else { /* d.ddde+x */
        o[m++] = dg[0];
        if (k > 1) {
            o[m++] = '.';
            memcpy(o + m, dg + 1, (size_t)(k - 1));
            m += (size_t)(k - 1);
        }
        int e = n - 1;
        o[m++] = 'e';
        o[m++] = e < 0 ? '-' : '+';
        char et[8];
        const char *ed = put_digits((uint64_t)(e < 0 ? -e : e), et + sizeof et);
        memcpy(o + m, ed, (size_t)(et + sizeof et - ed));
        m += (size_t)(et + sizeof et - ed);
    }
    o[m] = '\0';
    return len + m;
}

size_t fg_fmt_int(int64_t v, char buf[FG_NUM_BUF])
{
    /* The unsigned magnitude, so INT64_MIN is fine. */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t len = 0;
    if (v < 0)
        buf[len++] = '-';
    len += put_uint(u, buf + len);
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

bool fg_parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == n)
        return false;
    /* Accumulate the magnitude; the limit is 2^63 for negatives. */
    unsigned last = neg ? 8 : 7; /* last digit of 2^63 or 2^63 - 1 */
    uint64_t u = 0;
    for (; i < n; i++) {
        unsigned dg = (unsigned)((unsigned char)s[i] - '0');
        if (dg > 9)
            return false;
        /* u * 10 + dg would pass the limit: only possible from 9.2e17 up. */
        if (u >= 922337203685477580u && (u > 922337203685477580u || dg > last))
            return false;
        u = u * 10 + dg;
    }
    if (neg)
        *out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    else
        *out = (int64_t)u;
    return true;
}

/* fg_parse_num is in numparse.c. */

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
