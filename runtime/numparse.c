/* numparse.c — strict decimal text to the correctly rounded double
 * (fg_parse_num). The grammar [+-]?(d+[.d*]|.d+)([eE][+-]?d+)? is checked in
 * the same single pass that gathers the first 19 significant digits w and
 * the decimal exponent q (value ~ w * 10^q). Then, fastest first:
 *
 * 1. Clinger's fast path (W. Clinger, "How to read floating point numbers
 *    accurately", 1990): w <= 2^53 and |q| <= 22 are both exact doubles, so
 *    one IEEE multiplication or division rounds correctly.
 * 2. Eisel-Lemire (D. Lemire, "Number parsing at a gigabyte per second",
 *    2021; N. Mushtak and D. Lemire, "Fast number parsing without
 *    fallback", 2023): w times a 128-bit truncated 5^q (fg_num_pow5), whose
 *    top 54 bits decide the rounding except at exact ties (only possible
 *    for q in [-4, 23], detected exactly). With more than 19 digits, w and
 *    w + 1 bracket the value; equal results settle it.
 * 3. Otherwise (about 1% of inputs longer than 19 digits, and the cases
 *    the conservative ambiguity test of step 2 flags) a big-integer slow
 *    path compares the exact decimal with the halfway points next to a
 *    candidate double and steps to the right one.
 *
 * No strtod, so no dependence on the locale; no floating point beyond step
 * 1 (which assumes FLT_EVAL_METHOD 0, checked below). */
#include "format.h"
#include "numconv.h"

#include <float.h>
#include <string.h>

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#define NP_NO_CLINGER 1 /* excess precision would round twice */
#endif

#define NP_MAX_DIGITS 19 /* decimal digits that always fit a uint64_t */
#define NP_INF_BITS ((uint64_t)0x7ff << 52)
#define NP_MAX_BITS (NP_INF_BITS - 1)
#define NP_FRAC_MASK (((uint64_t)1 << 52) - 1)

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static int clz64(uint64_t x) /* x != 0 */
{
    int n = 0;
    if (x <= 0xffffffffu) {
        n += 32;
        x <<= 32;
    }
    if (x <= 0xffffffffffffu) {
        n += 16;
        x <<= 16;
    }
    if (x <= 0xffffffffffffffu) {
        n += 8;
        x <<= 8;
    }
    if (x <= 0xfffffffffffffffu) {
        n += 4;
        x <<= 4;
    }
    if (x <= 0x3fffffffffffffffu) {
        n += 2;
        x <<= 2;
    }
    if (x <= 0x7fffffffffffffffu)
        n += 1;
    return n;
}

/* ---- Eisel-Lemire ---- */

/* Bits of the double nearest w * 10^q (w > 0 exact), +infinity's bits on
 * overflow. *unsure is set when the 128-bit product could not decide (the
 * original paper's fallback test; proven never to trigger by Mushtak and
 * Lemire, kept as a cheap guard that only sends work to the slow path). */
static uint64_t eisel_lemire(uint64_t w, int q, bool *unsure)
{
    *unsure = false;
    if (q < FG_NUM_P5_QMIN)
        return 0; /* below 10^19 * 10^-343: under half the smallest subnormal */
    if (q > FG_NUM_P5_QMAX)
        return NP_INF_BITS;
    int lz = clz64(w);
    w <<= lz;
    const uint64_t *p5 = fg_num_pow5[q - FG_NUM_P5_QMIN];
    uint64_t lo;
    uint64_t hi = fg_num_mul128(w, p5[0], &lo);
    /* 54 bits are kept plus one for rounding: when the 9 bits below them are
     * all ones, a carry from the low half of 5^q could still change them. */
    if ((hi & 0x1ff) == 0x1ff) {
        uint64_t lo2;
        uint64_t hi2 = fg_num_mul128(w, p5[1], &lo2);
        lo += hi2;
        if (lo < hi2)
            hi++;
        if ((hi & 0x1ff) == 0x1ff && lo == UINT64_MAX)
            *unsure = true;
    }
    int upper = (int)(hi >> 63);
    int shift = upper + 9;
    uint64_t m = hi >> shift; /* 54 bits: 53 + the rounding bit */
    /* Biased binary exponent: floor(q log2 10) + 63 + upper - lz + 1023. */
    int p2 = (int)fg_num_floor_shr((int64_t)217706 * q, 16) + 63 + upper - lz + 1023;
    if (p2 <= 0) { /* subnormal (no exact ties this far from q = 0) */
        if (-p2 + 1 >= 64)
            return 0;
        m >>= -p2 + 1;
        m += m & 1;
        m >>= 1;
        /* Rounding up can reach the smallest normal: its bits are m itself. */
        return m;
    }
    /* An exact tie (nothing but zeros dropped) rounds to even. */
    if (lo <= 1 && q >= -4 && q <= 23 && (m & 3) == 1 && (m << shift) == hi)
        m &= ~(uint64_t)1;
    m += m & 1;
    m >>= 1;
    if (m >= (uint64_t)2 << 52) {
        m = (uint64_t)1 << 52;
        p2++;
    }
    if (p2 >= 0x7ff)
        return NP_INF_BITS;
    return (uint64_t)p2 << 52 | (m & NP_FRAC_MASK);
}

/* ---- slow path: exact comparison with big integers ---- */

/* Significant digits kept before the rest collapses into one sticky digit:
 * a halfway point between two doubles has at most 767 significant digits,
 * so 800 digits plus "anything nonzero beyond" compare exactly. */
#define NP_SLOW_DIGITS 800
/* 32-bit limbs. The largest number built is about D * 2^4 or M * 5^1126
 * (D < 10^801, M < 2^55, exponents limited by the double range): under
 * 2700 bits, so 200 limbs leave a wide margin. */
#define NP_LIMBS 200

typedef struct np_big {
    uint32_t l[NP_LIMBS]; /* little-endian */
    int n;                /* limbs in use; 0 for zero */
} np_big;

static void big_set(np_big *b, uint64_t v)
{
    b->n = 0;
    while (v) {
        b->l[b->n++] = (uint32_t)v;
        v >>= 32;
    }
}

/* b = b * m + a. */
static void big_muladd(np_big *b, uint32_t m, uint32_t a)
{
    uint64_t carry = a;
    for (int i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->l[i] * m + carry;
        b->l[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry && b->n < NP_LIMBS)
        b->l[b->n++] = (uint32_t)carry;
}

static void big_mul_pow5(np_big *b, int e)
{
    for (; e >= 13; e -= 13)
        big_muladd(b, 1220703125u, 0); /* 5^13 */
    static const uint32_t p5[13] = {1,     5,      25,      125,     625,      3125,     15625,
                                    78125, 390625, 1953125, 9765625, 48828125, 244140625};
    if (e)
        big_muladd(b, p5[e], 0);
}

static void big_shl(np_big *b, int s)
{
    if (b->n == 0)
        return;
    int limbs = s / 32, bits = s % 32;
    if (bits) {
        uint32_t carry = 0;
        for (int i = 0; i < b->n; i++) {
            uint32_t v = b->l[i];
            b->l[i] = v << bits | carry;
            carry = v >> (32 - bits);
        }
        if (carry && b->n < NP_LIMBS)
            b->l[b->n++] = carry;
    }
    if (limbs) {
        if (b->n + limbs > NP_LIMBS)
            limbs = NP_LIMBS - b->n; /* not reached, see NP_LIMBS */
        memmove(b->l + limbs, b->l, (size_t)b->n * sizeof b->l[0]);
        memset(b->l, 0, (size_t)limbs * sizeof b->l[0]);
        b->n += limbs;
    }
}

static int big_cmp(const np_big *a, const np_big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->l[i] != b->l[i])
            return a->l[i] < b->l[i] ? -1 : 1;
    return 0;
}

/* Sign of D * 10^E - M * 2^P. */
static int cmp_decimal(const np_big *d, int e, uint64_t m, int p)
{
    np_big l = *d, r;
    big_set(&r, m);
    if (e >= 0)
        big_mul_pow5(&l, e);
    else
        big_mul_pow5(&r, -e);
    if (e > p)
        big_shl(&l, e - p);
    else
        big_shl(&r, p - e);
    return big_cmp(&l, &r);
}

/* Sign of D * 10^E minus the point halfway between the double with bits b
 * and the next one up: (2c + 1) 2^(q - 1) when the double is c 2^q. */
static int cmp_half_up(const np_big *d, int e, uint64_t b)
{
    int be = (int)(b >> 52);
    uint64_t c = b & NP_FRAC_MASK;
    int q = -1074;
    if (be) {
        c |= (uint64_t)1 << 52;
        q = be - 1075;
    }
    return cmp_decimal(d, e, 2 * c + 1, q - 1);
}

/* Correctly rounded bits of the decimal whose digits are [i0, i1) and
 * [f0, f1) (integer and fraction part) times 10^ex, starting from a
 * candidate within an ulp or two. */
static uint64_t slow_path(const char *s, size_t i0, size_t i1, size_t f0, size_t f1, int64_t ex,
                          uint64_t b)
{
    np_big d;
    d.n = 0;
    int64_t e64 = ex; /* exponent of D's last digit: in [-1127, 309] at the end */
    int sig = 0;
    bool sticky = false;
    uint32_t chunk = 0, scale = 1;
    for (size_t j = i0; j < f1; j++) {
        if (j == i1)
            j = f0;
        if (j >= f1)
            break;
        bool frac = j >= f0;
        int c = s[j] - '0';
        if (sig < NP_SLOW_DIGITS) {
            if (sig > 0 || c != 0) {
                chunk = chunk * 10 + (uint32_t)c;
                scale *= 10;
                sig++;
                if (scale == 1000000000u) {
                    big_muladd(&d, scale, chunk);
                    chunk = 0;
                    scale = 1;
                }
            }
            if (frac)
                e64--;
        } else {
            if (c != 0)
                sticky = true;
            if (!frac)
                e64++;
        }
    }
    if (sticky) {
        chunk = chunk * 10 + 1;
        scale *= 10;
        e64--;
    }
    /* The caller only comes here for values near the double range. */
    int e = (int)(e64 < -2000 ? -2000 : e64 > 2000 ? 2000 : e64);
    if (scale > 1)
        big_muladd(&d, scale, chunk);

    if (b >= NP_INF_BITS)
        b = NP_MAX_BITS;
    for (int it = 0; it < 8; it++) { /* one step at most, in theory */
        int c = cmp_half_up(&d, e, b);
        if (c > 0 || (c == 0 && (b & 1))) {
            if (b == NP_MAX_BITS)
                return NP_INF_BITS; /* at or past the overflow threshold */
            if (c == 0)
                return b + 1; /* tie: to the even neighbour */
            b++;
            continue;
        }
        if (c == 0 || b == 0)
            return b;
        c = cmp_half_up(&d, e, b - 1);
        if (c < 0 || (c == 0 && (b & 1))) {
            b--;
            if (c == 0)
                return b;
            continue;
        }
        return b;
    }
    return b;
}

/* ---- entry ---- */

/* w = the first 19 significant digits of [i0, i1) . [f0, f1) (the
 * integer part starts at its first nonzero digit when it has one), dexp
 * the decimal exponent of w's last digit, *more whether a nonzero digit
 * was left out. The general case of fg_parse_num's digit gathering. */
static uint64_t gather_digits(const char *s, size_t i0, size_t i1, size_t f0, size_t f1,
                              int64_t *dexp, bool *more)
{
    uint64_t w = 0;
    int nd = 0;
    int64_t e = 0;
    bool m = false;
    for (size_t j = i0; j < i1; j++) {
        int c = s[j] - '0';
        if (nd < NP_MAX_DIGITS) {
            if (nd > 0 || c != 0) {
                w = w * 10 + (uint64_t)c;
                nd++;
            }
        } else {
            e++;
            m |= c != 0;
        }
    }
    for (size_t j = f0; j < f1; j++) {
        int c = s[j] - '0';
        if (nd < NP_MAX_DIGITS) {
            if (nd > 0 || c != 0) {
                w = w * 10 + (uint64_t)c;
                nd++;
            }
            e--;
        } else {
            m |= c != 0;
        }
    }
    *dexp = e;
    *more = m;
    return w;
}

bool fg_parse_num(const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    /* Grammar first: the integer digits [i0, i1), the fraction's [f0, f1). */
    size_t i0 = i;
    while (i < n && is_digit(s[i]))
        i++;
    size_t i1 = i, f0 = i, f1 = i;
    if (i < n && s[i] == '.') {
        f0 = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        f1 = i;
    }
    if (i1 == i0 && f1 == f0)
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

    /* Significant digits: value = w 10^(dexp + ex), more if digits were cut. */
    size_t a = i0, b = f0;
    while (a < i1 && s[a] == '0')
        a++;
    if (a == i1)
        while (b < f1 && s[b] == '0')
            b++;
    uint64_t w = 0;
    int64_t dexp = -(int64_t)(f1 - f0);
    bool more = false;
    if ((i1 - a) + (f1 - b) <= NP_MAX_DIGITS) { /* the usual case: all digits fit */
        for (size_t j = a; j < i1; j++)
            w = w * 10 + (uint64_t)(s[j] - '0');
        for (size_t j = b; j < f1; j++)
            w = w * 10 + (uint64_t)(s[j] - '0');
    } else {
        w = gather_digits(s, a, i1, b, f1, &dexp, &more);
        dexp -= (int64_t)(b - f0); /* the fraction's leading zeros */
    }
    double v;
    if (w == 0) {
        v = 0; /* all digits zero, whatever the exponent */
    } else {
        int64_t q64 = dexp + ex;
        /* Clamp far outside the double range (w < 10^19 keeps the result 0 or infinite). */
        int q = q64 < -1000 ? -1000 : q64 > 1000 ? 1000 : (int)q64;
#ifndef NP_NO_CLINGER
        static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                         1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        if (!more && w <= (uint64_t)1 << 53 && q >= -22 && q <= 22) {
            v = (double)w;
            v = q < 0 ? v / pow10[-q] : v * pow10[q];
            *out = neg ? -v : v;
            return true;
        }
#endif
        bool unsure;
        uint64_t b = eisel_lemire(w, q, &unsure);
        if (more) {
            /* The value is in [w, w + 1) 10^q: if both ends round alike, done. */
            bool unsure2;
            uint64_t b2 = eisel_lemire(w + 1, q, &unsure2);
            unsure |= unsure2 || b2 != b;
        }
        if (unsure)
            b = slow_path(s, i0, i1, f0, f1, ex, b);
        if (b >= NP_INF_BITS)
            return false; /* overflow: not a finite number */
        v = from_bits(b);
    }
    *out = neg ? -v : v;
    return true;
}
