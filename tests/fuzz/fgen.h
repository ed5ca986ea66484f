/* fgen.h — a small grammar-aware policy and data generator for the fuzz
 * targets: the fuzzer's bytes are read as a stream of choices, so every
 * input gives a well-typed policy over a fixed schema (k: str key, a: int?,
 * b: num, c: str?, d: bool) and CSV rows for it. Running out of bytes picks
 * the first (simplest) choice, so generation always ends. */
#ifndef FGEN_H
#define FGEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct fgen_buf {
    char *data;
    size_t len, cap;
} fgen_buf;

typedef struct fgen {
    const uint8_t *in;
    size_t len, pos;
} fgen;

void fgen_buf_free(fgen_buf *b);
/* The header line of the fixed schema: "k,a,b,c,d\n". */
extern const char fgen_header[];
/* Appends a policy; consumes choices from g. */
int fgen_policy(fgen *g, fgen_buf *out);
/* Appends the header and up to max_rows generated rows (mostly valid cells,
 * sometimes missing or malformed ones). */
int fgen_rows(fgen *g, fgen_buf *out, unsigned max_rows);
/* A forge_write_fn appending to the fgen_buf ud. */
int fgen_write(void *ud, const char *data, size_t len);
/* Appends the raw bytes left in g. */
int fgen_rest(fgen *g, fgen_buf *out);

#endif
