/* wire.h — little-endian integers for the portable byte formats (partial
 * reports): written into an fg_strbuf, read back from a bounded buffer
 * that remembers when a read ran past its end, so a decoder checks once. */
#ifndef FG_WIRE_H
#define FG_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/fg_base.h"

static inline void fg_wire_u8(fg_strbuf *sb, uint8_t v)
{
    fg_strbuf_addc(sb, (char)v);
}

static inline void fg_wire_u32(fg_strbuf *sb, uint32_t v)
{
    char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (char)(v >> (8 * i));
    fg_strbuf_add(sb, b, 4);
}

static inline void fg_wire_u64(fg_strbuf *sb, uint64_t v)
{
    char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (char)(v >> (8 * i));
    fg_strbuf_add(sb, b, 8);
}

typedef struct fg_wire_in {
    const unsigned char *p;
    size_t len, off;
    bool short_read; /* a read wanted bytes past the end (it got zeros) */
} fg_wire_in;

/* The next n bytes, or NULL (and short_read) when fewer are left. */
static inline const unsigned char *fg_wire_bytes(fg_wire_in *in, size_t n)
{
    if (in->len - in->off < n) {
        in->short_read = true;
        in->off = in->len;
        return NULL;
    }
    const unsigned char *r = in->p + in->off;
    in->off += n;
    return r;
}

static inline uint8_t fg_wire_get_u8(fg_wire_in *in)
{
    const unsigned char *b = fg_wire_bytes(in, 1);
    return b ? b[0] : 0;
}

static inline uint32_t fg_wire_get_u32(fg_wire_in *in)
{
    const unsigned char *b = fg_wire_bytes(in, 4);
    uint32_t v = 0;
    for (int i = 0; b && i < 4; i++)
        v |= (uint32_t)b[i] << (8 * i);
    return v;
}

static inline uint64_t fg_wire_get_u64(fg_wire_in *in)
{
    const unsigned char *b = fg_wire_bytes(in, 8);
    uint64_t v = 0;
    for (int i = 0; b && i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* FNV-1a, 64 bits: the format's checksum and the policy fingerprint. */
#define FG_WIRE_FNV_SEED UINT64_C(0xcbf29ce484222325)
static inline uint64_t fg_wire_fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

#endif
