/* bytemask.h — 64 bytes compared with one byte value at once, as a bitmask
 * (bit k set: byte k equals the value), and the index of a mask's lowest
 * set bit. SSE2 on x86-64 (part of the architecture: no run-time check),
 * portable SWAR code elsewhere; both give the same masks. Used by the
 * in-memory CSV fast path to jump from one delimiter, quote or line feed to
 * the next instead of looking at every byte; the chunker finds quotes and
 * line feeds the same way. */
#ifndef FG_BYTEMASK_H
#define FG_BYTEMASK_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bits of the bytes of p[0, 64) equal to any of a, b, c: portable code (a
 * zero-byte test per wanted value, then the top bit of each byte gathered
 * by one multiplication). Always built, so tests compare it with the SSE2
 * version. */
static inline uint64_t fg_bytemask3_portable(const char *p, char a, char b, char c)
{
    const uint64_t ones = 0x0101010101010101u, low7 = 0x7F7F7F7F7F7F7F7Fu;
    const uint64_t va = ones * (unsigned char)a, vb = ones * (unsigned char)b,
                   vc = ones * (unsigned char)c;
    uint64_t m = 0;
    for (int k = 0; k < 8; k++) {
        const unsigned char *u = (const unsigned char *)p + 8 * k;
        uint64_t v = 0;
        for (int j = 7; j >= 0; j--) /* little-endian: byte j is bits 8j.. */
            v = v << 8 | u[j];
        uint64_t z = 0;
        uint64_t xs[3] = {v ^ va, v ^ vb, v ^ vc};
        for (int j = 0; j < 3; j++) /* 0x80 in each zero byte, exactly */
            z |= ~(((xs[j] & low7) + low7) | xs[j] | low7);
        m |= (((z & 0x8080808080808080u) * (uint64_t)0x0002040810204081u) >> 56) << (8 * k);
    }
    return m;
}

/* The same mask, with SSE2 compares where the target has them. */
static inline uint64_t fg_bytemask3(const char *p, char a, char b, char c)
{
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        __m128i eq = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                  _mm_cmpeq_epi8(v, vc));
        m |= (uint64_t)(uint32_t)_mm_movemask_epi8(eq) << (16 * k);
    }
    return m;
#else
    return fg_bytemask3_portable(p, a, b, c);
#endif
}

/* Index of the lowest set bit of m (m != 0). */
static inline unsigned fg_lowest_bit(uint64_t m)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(m);
#else
    static const unsigned char idx[64] = {
        0,  1,  48, 2,  57, 49, 28, 3,  61, 58, 50, 42, 38, 29, 17, 4,  62, 55, 59, 36, 53, 51,
        43, 22, 45, 39, 33, 30, 24, 18, 12, 5,  63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21,
        44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,  13, 8,  7,  6};
    return idx[((m & (~m + 1)) * (uint64_t)0x03f79d71b4cb0a89u) >> 58];
#endif
}

#endif
