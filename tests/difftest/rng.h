/* rng.h — the difftest's explicit PRNG: splitmix64 to seed, xoshiro256**
 * to draw. Every case is a pure function of its 64-bit seed, so a seed
 * printed by difftest reproduces the case exactly on any machine. */
#ifndef DT_RNG_H
#define DT_RNG_H

#include <stdint.h>

typedef struct dt_rng {
    uint64_t s[4];
} dt_rng;

static inline uint64_t dt_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline void dt_rng_seed(dt_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = dt_splitmix64(&seed);
}

static inline uint64_t dt_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t dt_next(dt_rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = dt_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = dt_rotl(s[3], 45);
    return res;
}

/* Uniform in [0, n) (n > 0); the tiny modulo bias does not matter here. */
static inline unsigned dt_below(dt_rng *r, unsigned n)
{
    return (unsigned)(dt_next(r) % n);
}

/* True with probability pct percent. */
static inline int dt_pct(dt_rng *r, unsigned pct)
{
    return dt_below(r, 100) < pct;
}

#endif
