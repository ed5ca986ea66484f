/* numfast_oracle.h — test-only reference implementations for
 * test_numfast.c and numfast_stress.c: the previous formatter (bisection on
 * the digit count with the C library's correctly rounded printf and strtod,
 * slow but simple to trust), a strtod-based parse reference, and the
 * random generators of doubles and decimal texts. Static functions, so
 * each test program gets its own copy. Assumes the "C" locale. */
#ifndef FG_NUMFAST_ORACLE_H
#define FG_NUMFAST_ORACLE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the previous fg_fmt_num ---- */

typedef struct ref_digits {
    char d[24];
    int k, n;
} ref_digits;

static void ref_split_exp_text(const char *t, ref_digits *out)
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

static bool ref_step_digits(ref_digits *v, int delta)
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
            return false;
        memmove(v->d, v->d + 1, (size_t)v->k - 1);
        v->d[v->k - 1] = '9';
        v->n--;
    }
    return true;
}

static double ref_digits_value(const ref_digits *v)
{
    char t[48];
    snprintf(t, sizeof t, "0.%.*se%d", v->k, v->d, v->n);
    return strtod(t, NULL);
}

static bool ref_digits_at(double x, int p, ref_digits *out)
{
    char t[40];
    snprintf(t, sizeof t, "%.*e", p - 1, x);
    ref_split_exp_text(t, out);
    if (strtod(t, NULL) == x)
        return true;
    double cv = ref_digits_value(out);
    return ref_step_digits(out, cv < x ? 1 : -1) && ref_digits_value(out) == x;
}

static void ref_shortest_digits(double x, ref_digits *out)
{
    int lo = 1, hi = 17;
    ref_digits c;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (ref_digits_at(x, mid, &c))
            hi = mid;
        else
            lo = mid + 1;
    }
    if (!ref_digits_at(x, lo, out)) {
        char t[40];
        snprintf(t, sizeof t, "%.16e", x);
        ref_split_exp_text(t, out);
    }
    while (out->k > 1 && out->d[out->k - 1] == '0')
        out->k--;
}

/* The old fg_fmt_num, verbatim but for the names. */
static size_t ref_fmt_num(double d, char buf[32])
{
    size_t len = 0;
    if (d == 0) {
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
    if (d < 9007199254740992.0 && d == floor(d)) {
        int n = snprintf(buf + len, 32 - len, "%.0f", d);
        return len + (size_t)n;
    }
    ref_digits v;
    ref_shortest_digits(d, &v);
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
        m += (size_t)snprintf(o + m, 32 - len - m, "e%c%d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    o[m] = '\0';
    return len + m;
}

/* ---- parse reference ---- */

/* strtod on a text already in the strict grammar: the expected result of
 * fg_parse_num (false on overflow to infinity). */
static bool ref_parse_num(const char *s, double *out)
{
    double d = strtod(s, NULL);
    if (isinf(d))
        return false;
    *out = d;
    return true;
}

/* ---- random inputs ---- */

static uint64_t ref_rand(uint64_t *s) /* xorshift64* */
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Du;
}

static double ref_from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t ref_to_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* A random finite double: uniform bit patterns, or values as data has them
 * (few digits, money, counts, ratios). */
static double ref_rand_double(uint64_t *s)
{
    uint64_t r = ref_rand(s);
    switch (r % 8) {
    case 0: /* integer up to 10^6 */
        return (double)(ref_rand(s) % 1000000);
    case 1: /* two decimals */
        return (double)(ref_rand(s) % 100000000) / 100.0;
    case 2: /* up to 4 significant digits, any scale */
        return (double)(ref_rand(s) % 10000) * pow(10.0, (double)((int)(ref_rand(s) % 40) - 20));
    case 3: /* [0, 1) */
        return (double)(ref_rand(s) >> 11) / 9007199254740992.0;
    default:
        for (;;) {
            double d = ref_from_bits(ref_rand(s));
            if (isfinite(d))
                return d;
        }
    }
}

/* Writes a random text in the strict num grammar to t (size >= 128):
 * random digit strings with a point anywhere, leading zeros, signs and
 * exponents near the double range, or texts of random doubles at random
 * precisions (near the 17-digit rounding boundary). */
static void ref_rand_decimal(uint64_t *s, char *t)
{
    uint64_t r = ref_rand(s);
    size_t m = 0;
    if (r & 1)
        t[m++] = (r & 2) ? '-' : '+';
    r >>= 2;
    if (r % 3 == 0) {
        double d = fabs(ref_rand_double(s));
        int p = (int)(ref_rand(s) % 25);
        snprintf(t + m, 100, "%.*e", p, d);
        return;
    }
    r /= 3;
    int nd = 1 + (int)(ref_rand(s) % ((r & 7) == 0 ? 60 : 25));
    int lead = (r & 8) ? (int)(ref_rand(s) % 4) : 0;
    int point = (int)(ref_rand(s) % (unsigned)(nd + lead + 2)) - 1; /* -1: no point */
    for (int i = 0; i < lead + nd; i++) {
        if (i == point)
            t[m++] = '.';
        t[m++] = i < lead ? '0' : (char)('0' + ref_rand(s) % 10);
    }
    if (point == lead + nd)
        t[m++] = '.';
    if (r & 16) {
        int e = (int)(ref_rand(s) % 700) - 360;
        if ((r & 32) && nd > 30)
            e -= nd; /* long mantissas near the small end */
        m += (size_t)snprintf(t + m, 16, "%c%s%d", (r & 64) ? 'E' : 'e',
                              e >= 0 && (r & 128) ? "+" : "", e);
    }
    t[m] = '\0';
}

/* The exact decimal of the point halfway between the random positive
 * double d and the next one up (long double holds it exactly on x86-64),
 * and variants just below / above it, in t (size >= 1200). */
static void ref_halfway_text(uint64_t *s, char *t, size_t size)
{
    double d;
    do
        d = fabs(ref_from_bits(ref_rand(s)));
    while (!isfinite(d) || d == 0x1.fffffffffffffp+1023);
    long double mid = ((long double)d + (long double)nextafter(d, INFINITY)) / 2;
    snprintf(t, size, "%.800Le", mid);
    /* Drop the trailing zeros of the mantissa. */
    char *e = strchr(t, 'e');
    char *z = e;
    while (z[-1] == '0')
        z--;
    if (z[-1] == '.')
        z--;
    memmove(z, e, strlen(e) + 1);
    e = strchr(t, 'e');
    switch (ref_rand(s) % 4) {
    case 0: /* exact halfway: ties to even */
        break;
    case 1: { /* just above: a 1 far out */
        char tail[16];
        snprintf(tail, sizeof tail, "%s", e);
        size_t at = (size_t)(e - t);
        if (memchr(t, '.', at) == NULL) /* "5e-324" */
            t[at++] = '.';
        snprintf(t + at, size - at, "001%s", tail);
        break;
    }
    default: { /* just below: cut to 17..40 digits (the tail is nonzero) */
        size_t keep = 18 + ref_rand(s) % 24; /* counts the point */
        if ((size_t)(e - t) > keep)
            memmove(t + keep, e, strlen(e) + 1);
        break;
    }
    }
}

#endif
