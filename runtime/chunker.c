/* chunker.c — finds record boundaries the way the sequential reader does
 * (see chunker.h), fast: the input is looked at 64 bytes at a time as two
 * bitmasks, of its quotes and of its line feeds (runtime/bytemask.h: SSE2
 * compares on x86-64, portable SWAR code elsewhere; both give the same
 * masks, which the tests check), and the quote state machine only steps from one set bit to the
 * next. Lines are counted from the same masks. */
#include "chunker.h"

#include "bytemask.h"

#include <string.h>

#define ONES ((uint64_t)0x0101010101010101u)
#define LOW7 ((uint64_t)0x7F7F7F7F7F7F7F7Fu)

/* 0x80 in exactly the bytes of v that are zero (no false positives). */
static inline uint64_t zero_bytes(uint64_t v)
{
    return ~(((v & LOW7) + LOW7) | v | LOW7);
}

static inline uint64_t load64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

uint64_t fg_chunk_count_lines(const char *buf, size_t len)
{
    uint64_t n = 0;
    size_t i = 0;
    const uint64_t lf = ONES * (unsigned char)'\n';
    while (i + 8 * 8 <= len) { /* eight words, then one horizontal sum */
        uint64_t acc = 0;
        for (int k = 0; k < 8; k++)
            acc += zero_bytes(load64(buf + i + 8 * k) ^ lf) >> 7; /* 0 or 1 per byte */
        n += (acc * ONES) >> 56; /* each byte holds at most 8: the sum fits */
        i += 64;
    }
    for (; i + 8 <= len; i += 8)
        n += ((zero_bytes(load64(buf + i) ^ lf) >> 7) * ONES) >> 56;
    for (; i < len; i++)
        n += buf[i] == '\n';
    return n;
}

/* The quote and LF bitmasks of 64 bytes (bit k: byte k): runtime/bytemask.h. */
void fg_chunk_masks_portable(const char *p, uint64_t *q, uint64_t *lf)
{
    *q = fg_bytemask3_portable(p, '"', '"', '"');
    *lf = fg_bytemask3_portable(p, '\n', '\n', '\n');
}

void fg_chunk_masks(const char *p, uint64_t *q, uint64_t *lf)
{
    *q = fg_bytemask3(p, '"', '"', '"');
    *lf = fg_bytemask3(p, '\n', '\n', '\n');
}

static inline uint64_t popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555u);
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
    return (x * ONES) >> 56;
}

typedef void (*mask_fn)(const char *p, uint64_t *q, uint64_t *lf);

/* The scan over 64-byte blocks: in each, the bits of the quotes and line
 * feeds are the only places the state can change. OUT: outside quotes in a
 * well-formed record; IN: inside quotes; LENIENT: after a malformed quote,
 * to the end of the physical line. `next` is the first byte whose event is
 * still to be looked at. */
static inline size_t chunk_end(mask_fn masks, const char *buf, size_t len, size_t want, char delim,
                               bool eof, uint64_t *nlines)
{
    enum { OUT, IN, LENIENT } st = OUT;
    uint64_t lines = 0; /* LFs in the blocks before b */
    size_t next = 0, end = 0, blk = 0;
    for (size_t b = 0; b < len; b += 64) {
        uint64_t q, lf;
        blk = b;
        if (len - b >= 64) {
            masks(buf + b, &q, &lf);
        } else {
            char tail[64] = {0};
            memcpy(tail, buf + b, len - b);
            masks(tail, &q, &lf);
        }
        for (;;) {
            /* Outside quotes a line feed only matters from `want` on: before
             * it, records end and the state stays OUT. */
            uint64_t m = st == OUT ? q | (b + 64 >= want ? lf : 0) : st == IN ? q : lf;
            if (next > b)
                m = next - b >= 64 ? 0 : m & (~(uint64_t)0 << (next - b));
            if (!m)
                break;
            size_t p = b + fg_lowest_bit(m);
            next = p + 1;
            if (st != IN && buf[p] == '\n') { /* a record (or blank line) ends */
                st = OUT;
                if (p + 1 >= want) {
                    end = p + 1;
                    goto found;
                }
                continue;
            }
            if (st == OUT) { /* a quote opens a quoted field only at a field start */
                st = p == 0 || buf[p - 1] == delim || buf[p - 1] == '\n' ? IN : LENIENT;
                continue;
            }
            /* IN: a quote; the bytes after it decide */
            if (p + 1 >= len)
                goto ran_out;
            char c = buf[p + 1];
            if (c == '"') {
                next = p + 2; /* doubled: still inside */
            } else if (c == delim) {
                st = OUT;
            } else if (c == '\n' || (c == '\r' && p + 2 < len && buf[p + 2] == '\n')) {
                end = p + (c == '\n' ? 2 : 3);
                st = OUT;
                next = end;
                if (end >= want)
                    goto found;
            } else if (c == '\r' && p + 2 >= len) {
                goto ran_out;
            } else {
                st = LENIENT; /* text after the closing quote */
            }
        }
        if (len - b >= 64)
            lines += popcount64(lf);
    }
ran_out:
    if (!eof) {
        *nlines = 0;
        return 0;
    }
    *nlines = fg_chunk_count_lines(buf, len);
    return len;
found:
    /* lines covers [0, blk); end may be a little past the block */
    *nlines = lines + fg_chunk_count_lines(buf + blk, end - blk);
    return end;
}

size_t fg_chunk_end(const char *buf, size_t len, size_t want, char delim, bool eof,
                    uint64_t *nlines)
{
    return chunk_end(fg_chunk_masks, buf, len, want, delim, eof, nlines);
}

size_t fg_chunk_end_portable(const char *buf, size_t len, size_t want, char delim, bool eof,
                             uint64_t *nlines)
{
    return chunk_end(fg_chunk_masks_portable, buf, len, want, delim, eof, nlines);
}
