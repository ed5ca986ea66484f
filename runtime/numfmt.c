/* numfmt.c — shortest round-trip decimal of a double, by the Schubfach
 * algorithm (Raffaello Giulietti, "The Schubfach way to render doubles",
 * 2020; the same algorithm as Java 19's Double.toString).
 *
 * A double v = c * 2^q owns the rounding interval R_v of the reals that
 * read back as v (half an ulp each side, closed when c is even because
 * ties round to even; the lower half is a quarter ulp at a power of two).
 * With k = floor(log10(2^q)), R_v is shorter than 10^(k+1) and at least
 * 10^k long, so: at most one multiple of 10^(k+1) lies in R_v, and when one
 * does it is the unique shortest candidate; otherwise one of s*10^k and
 * (s+1)*10^k, s = floor(v / 10^k), lies in R_v and the shortest is the
 * closer of those two. The only arithmetic needed is v / 10^k on the two
 * bounds and v itself, to a precision that keeps "is it an integer" and the
 * order with the candidates exact: a 126-bit g ~ 10^-k (table fg_num_g)
 * times a 64-bit value, rounded to odd (the sticky last bit).
 * No floating-point arithmetic and no library calls. */
#include "numconv.h"

#include <string.h>

#define SF_P 53                     /* precision of double */
#define SF_QMIN (-1074)             /* exponent of the subnormals */
#define SF_CMIN ((uint64_t)1 << 52) /* smallest normal significand */
#define SF_MASK63 (((uint64_t)1 << 63) - 1)

/* floor(q log10 2), floor(log10(3/4 2^q)) and floor(e log2 10), by fixed-point
 * multiplication (checked exact over the ranges used by gen_numtables.py). */
static int flog10pow2(int q)
{
    return (int)fg_num_floor_shr((int64_t)q * 661971961083, 41);
}

static int flog10_three_quarters_pow2(int q)
{
    return (int)fg_num_floor_shr((int64_t)q * 661971961083 - 274743187321, 41);
}

static int flog2pow10(int e)
{
    return (int)fg_num_floor_shr((int64_t)e * 913124641741, 38);
}

/* Rounded-to-odd g * cp / 2^127 for g = g1 2^63 + g0 (the paper's r_o'):
 * the integer part with its last bit or'ed with "a fraction is left". The
 * bits below 2^64 of the product are dropped, as the paper allows. */
static uint64_t rop(uint64_t g1, uint64_t g0, uint64_t cp)
{
    uint64_t unused;
    uint64_t x1 = fg_num_mul128(g0, cp, &unused);
    uint64_t y0;
    uint64_t y1 = fg_num_mul128(g1, cp, &y0);
    uint64_t z = (y0 >> 1) + x1;
    uint64_t vbp = y1 + (z >> 63);
    return vbp | (((z & SF_MASK63) + SF_MASK63) >> 63);
}

/* The shortest decimal of c * 2^q. Names follow the paper: a trailing b
 * ("bar") is the value times 4 (two extra bits for the interval bounds),
 * l / r the left and right bounds of R_v. */
static void to_decimal(int q, uint64_t c, uint64_t *digits, int *exp10)
{
    uint64_t out = c & 1; /* an odd c excludes the bounds */
    uint64_t cb = c << 2;
    uint64_t cbr = cb + 2;
    uint64_t cbl;
    int k;
    if (c != SF_CMIN || q == SF_QMIN) {
        cbl = cb - 2;
        k = flog10pow2(q);
    } else { /* power of two: the lower neighbour is closer */
        cbl = cb - 1;
        k = flog10_three_quarters_pow2(q);
    }
    int h = q + flog2pow10(-k) + 2;
    const uint64_t *g = fg_num_g[k - FG_NUM_G_KMIN];

    uint64_t vb = rop(g[0], g[1], cb << h);
    uint64_t vbl = rop(g[0], g[1], cbl << h);
    uint64_t vbr = rop(g[0], g[1], cbr << h);

    uint64_t s = vb >> 2;
    {
        /* Is one multiple of 10^(k+1) in R_v? Then it is the answer. (Java
         * skips this below s = 100 and scales tiny subnormals by 10, to get
         * two digits; ECMAScript wants the shortest, so both are left out.) */
        uint64_t sp10 = s / 10 * 10;
        uint64_t tp10 = sp10 + 10;
        bool upin = vbl + out <= sp10 << 2;
        bool wpin = (tp10 << 2) + out <= vbr;
        if (upin != wpin) {
            *digits = upin ? sp10 : tp10;
            *exp10 = k;
            return;
        }
    }
    /* One of s 10^k, t 10^k is in R_v; if both, take the closer (ties: even). */
    uint64_t t = s + 1;
    bool uin = vbl + out <= s << 2;
    bool win = (t << 2) + out <= vbr;
    *exp10 = k;
    if (uin != win) {
        *digits = uin ? s : t;
        return;
    }
    uint64_t mid = (s + t) << 1; /* 4 * (s + 1/2) */
    *digits = vb < mid || (vb == mid && (s & 1) == 0) ? s : t;
}

void fg_num_shortest(double x, uint64_t *digits, int *exp10)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint64_t t = bits & (SF_CMIN - 1);
    int bq = (int)(bits >> 52) & 0x7ff;
    if (bq != 0) {
        int mq = -SF_QMIN + 1 - bq; /* -q */
        uint64_t c = SF_CMIN | t;
        /* Integers in [1, 2^53) are their own shortest decimal. */
        if (0 < mq && mq < SF_P) {
            uint64_t f = c >> mq;
            if (f << mq == c) {
                *digits = f;
                *exp10 = 0;
                return;
            }
        }
        to_decimal(-mq, c, digits, exp10);
        return;
    }
    to_decimal(SF_QMIN, t, digits, exp10); /* subnormal (t > 0) */
}
