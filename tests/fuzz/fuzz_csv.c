/* fuzz_csv.c — libFuzzer target: the CSV reader and the batch filler on
 * arbitrary bytes with a fixed schema (a fixed policy compiled once). The
 * first input byte picks the delimiter and the read size of the byte
 * source (1 byte to 64 KiB), so records that straddle refills are covered.
 * Checks: every record's fields lie inside the reader's buffer, lines never
 * go backwards, and the filler gives each row a value or a row error. */
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"
#include "runtime/csv.h"

static const char policy[] = "input {\n  k : str key\n  a : int?\n  b : num\n  c : str?\n"
                             "  d : bool\n}\noutput o = b + (a ?? 0)\n";

typedef struct mem_src {
    const uint8_t *p;
    size_t len, pos, chunk;
} mem_src;

static size_t mem_read(void *ud, char *buf, size_t cap, const char **err)
{
    mem_src *m = ud;
    *err = NULL;
    size_t n = m->len - m->pos;
    if (n > cap)
        n = cap;
    if (n > m->chunk)
        n = m->chunk;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return n;
}

static fg_program *prog;
static volatile unsigned sink;
static fg_sources *srcs;

static void setup(void)
{
    fg_diags diags;
    srcs = calloc(1, sizeof *srcs);
    fg_sources_init(srcs, NULL);
    fg_diags_init(&diags, NULL);
    prog = fg_compile_string(NULL, srcs, &diags, "fixed.fp", policy, sizeof policy - 1, NULL);
    fg_diags_free(&diags);
    if (!prog)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!prog)
        setup();
    if (size < 1)
        return 0;
    static const char delims[] = {',', ';', '\t', '|'};
    static const size_t chunks[] = {1, 2, 3, 7, 64, 4096, 65536, 1 << 20};
    mem_src m = {data + 1, size - 1, 0, chunks[(data[0] >> 2) & 7]};
    fg_byte_source src = {mem_read, &m};
    fg_csv_reader *r = fg_csv_new(NULL, src, delims[data[0] & 3]);
    if (!r)
        return 0;
    fg_csv_record hdr;
    if (fg_csv_next(r, &hdr) != FG_CSV_RECORD) {
        fg_csv_free(r);
        return 0;
    }
    fg_csv_schema schema;
    fg_strbuf msg;
    fg_strbuf_init(&msg, NULL);
    bool ok = fg_csv_schema_init(&schema, NULL, prog, &hdr, &msg);
    fg_strbuf_free(&msg);
    if (!ok) {
        /* No usable header: still scan every record. */
        fg_csv_record rec;
        uint64_t last = hdr.line;
        while (fg_csv_next(r, &rec) == FG_CSV_RECORD) {
            if (rec.line <= last)
                abort();
            last = rec.line;
            for (uint32_t i = 0; i < rec.nfields; i++)
                for (uint32_t j = 0; j < rec.fields[i].len; j++)
                    sink += (unsigned char)rec.fields[i].ptr[j]; /* ASan checks each byte */
        }
        fg_csv_free(r);
        return 0;
    }
    fg_batch b;
    if (fg_batch_init(&b, NULL, prog, 16)) {
        uint64_t last = hdr.line;
        while (fg_csv_fill_batch(r, &schema, prog, &b) == FG_CSV_RECORD) {
            for (uint32_t i = 0; i < b.nrows; i++) {
                if (b.line[i] <= last)
                    abort();
                last = b.line[i];
                if (b.err[i].kind == FG_RE_NONE)
                    for (uint32_t col = 0; col < b.ncols; col++)
                        (void)fg_batch_get(&b, col, i);
            }
        }
        fg_batch_free(&b);
    }
    fg_csv_schema_free(&schema, NULL);
    fg_csv_free(r);
    return 0;
}
