/* csv.h — a streaming RFC 4180 reader: quoted fields, doubled quotes,
 * embedded newlines, CRLF or LF, a UTF-8 BOM, any one-byte delimiter,
 * gzip input (zlib), blank lines skipped, and a physical line number for
 * every record. Memory is bounded by the largest record, not the file.
 *
 * Fields of the current record stay valid until the next fg_csv_next().
 * The batch filler (fg_csv_fill_batch) converts only the columns the
 * program declares. */
#ifndef FG_CSV_H
#define FG_CSV_H

#include <stdio.h>

#include "batch.h"

/* A byte source. read returns bytes read (0 at end); on failure it returns
 * 0 and sets *err to a message (static or owned by the source). */
typedef struct fg_byte_source {
    size_t (*read)(void *ud, char *buf, size_t cap, const char **err);
    void *ud;
} fg_byte_source;

typedef struct fg_csv_field {
    const char *ptr; /* unescaped bytes (quotes removed, "" -> ") */
    uint32_t len;
    bool quoted; /* the field was written in quotes */
} fg_csv_field;

typedef struct fg_csv_record {
    uint64_t line; /* physical line where the record starts (1-based) */
    uint32_t nfields;
    fg_csv_field *fields;
    bool bad_quote; /* malformed quote ("ab"c) or quote unclosed at end of input */
    bool too_large; /* over the record limits: skipped to its end, nfields = 0 */
} fg_csv_record;

/* Record limits (docs/limits.md). A record of more bytes (as written, from
 * its first byte to its newline) or more fields is a row error: the reader
 * stops keeping its bytes, scans on to the record's end in constant memory
 * and resumes at the next record. An unclosed quote makes the rest of the
 * input one record, so it too is skipped in constant memory. */
#define FG_CSV_MAX_RECORD ((size_t)256 << 20) /* 256 MiB */
#define FG_CSV_MAX_FIELDS ((uint32_t)1 << 21) /* 2,097,152 */

typedef struct fg_csv_reader fg_csv_reader;

typedef enum fg_csv_status { FG_CSV_RECORD, FG_CSV_EOF, FG_CSV_IO_ERROR, FG_CSV_OOM } fg_csv_status;

fg_csv_reader *fg_csv_new(const fg_allocator *alloc, fg_byte_source src, char delimiter);
/* Lowers the limits (tests use small ones); 0 keeps a limit as it is. */
void fg_csv_set_limits(fg_csv_reader *r, size_t max_record, uint32_t max_fields);
void fg_csv_free(fg_csv_reader *r);
/* Starts reading a new source from a record boundary of a larger input
 * (a chunk, runtime/pipeline.c): buffer and limits are kept, the first
 * record is on physical line `line`, and no BOM is looked for. */
void fg_csv_restart(fg_csv_reader *r, fg_byte_source src, uint64_t line);
fg_csv_status fg_csv_next(fg_csv_reader *r, fg_csv_record *rec);
/* After FG_CSV_IO_ERROR: message naming the byte offset. */
const char *fg_csv_error(const fg_csv_reader *r);
uint64_t fg_csv_offset(const fg_csv_reader *r); /* bytes consumed so far */

/* ---- byte sources for files: plain, gzip (by magic bytes), stdin ---- */
typedef struct fg_file_source fg_file_source;
/* Opens path ("-" = the given stdin FILE*). gzip is detected by its magic
 * bytes, whatever the name. Returns NULL and sets *err (static text or
 * strerror) on failure. */
fg_file_source *fg_file_source_open(const fg_allocator *alloc, const char *path, FILE *std_in,
                                    const char **err);
fg_byte_source fg_file_source_bytes(fg_file_source *fs);
void fg_file_source_close(fg_file_source *fs);

/* ---- mapping the header to the program's inputs ---- */
typedef struct fg_csv_schema {
    uint32_t nfields;   /* fields in the header */
    int32_t *input_of;  /* per header field: input index or -1 (not read) */
    uint32_t *field_of; /* per program input: header field index */
    const char **na;    /* extra missing markers (--na), matched against unquoted cells */
    uint32_t nna;
} fg_csv_schema;

/* Builds the schema from a header record. On failure returns false and
 * writes the reason to msg: a declared column absent from the header, or a
 * header the policy reads appearing twice (these are exit-4 errors). */
bool fg_csv_schema_init(fg_csv_schema *s, const fg_allocator *alloc, const fg_program *prog,
                        const fg_csv_record *header, fg_strbuf *msg);
void fg_csv_schema_free(fg_csv_schema *s, const fg_allocator *alloc);

/* Reads up to b->cap records into b (cleared first), converting the
 * program's input columns; a bad cell, a missing value in a non-optional
 * column, a ragged record or a bad quote sets that row's error (first
 * problem in input declaration order; ragged and bad quote win). Returns
 * FG_CSV_RECORD when rows were read (b->nrows > 0), FG_CSV_EOF when none
 * are left, or an error status. */
fg_csv_status fg_csv_fill_batch(fg_csv_reader *r, const fg_csv_schema *s, const fg_program *prog,
                                fg_batch *b);
/* As fg_csv_fill_batch, for input wholly in memory: reads records from
 * buf[*pos, len) (which starts at a record boundary on physical line *line,
 * without a BOM) and advances *pos and *line past them. Well-formed records
 * are split where they lie (csv_mem.c); any other record goes through the
 * streaming reader r, so rows and errors are the same as fg_csv_fill_batch
 * on the same bytes. String cells and key texts may point into buf, which
 * must outlive the batch's use. Returns FG_CSV_RECORD, FG_CSV_EOF or
 * FG_CSV_OOM. */
fg_csv_status fg_csv_fill_batch_mem(fg_csv_reader *r, const char *buf, size_t len, size_t *pos,
                                    uint64_t *line, const fg_csv_schema *s, const fg_program *prog,
                                    fg_batch *b);
/* Converts one record (from fg_csv_next) into the next row of b (b->nrows <
 * b->cap; b->nrows is incremented), as fg_csv_fill_batch does. Lets one
 * record feed the batches of two programs (`forgec diff`). False on OOM. */
bool fg_csv_fill_row(const fg_csv_schema *s, const fg_program *prog, fg_batch *b,
                     const fg_csv_record *rec);

#endif
