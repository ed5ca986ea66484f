/* output.h — writers for evaluated rows: csv, tsv, jsonl and an aligned
 * table, all formatting values through format.h. Lines end in LF. CSV
 * quotes a field only when it holds the delimiter, a quote, CR or LF (or
 * begins/ends with a space). A missing value is an empty field (null in
 * jsonl). */
#ifndef FG_OUTPUT_H
#define FG_OUTPUT_H

#include "../base/fg_base.h"
#include "../lang/types.h"

typedef enum fg_out_format {
    FG_FMT_CSV,
    FG_FMT_TSV,
    FG_FMT_JSONL,
    FG_FMT_TABLE,
    FG_FMT_MARKDOWN /* GitHub pipe table, buffered like TABLE */
} fg_out_format;

/* A byte sink; returns false when the write failed (the run stops with I/O status). */
typedef struct fg_byte_sink {
    bool (*write)(void *ud, const char *data, size_t len);
    void *ud;
} fg_byte_sink;

typedef struct fg_writer fg_writer;

/* Column names and types are copied. TABLE buffers every row (it must see
 * all widths) and writes on fg_writer_finish; the others stream. */
fg_writer *fg_writer_new(const fg_allocator *alloc, fg_out_format fmt, fg_byte_sink sink,
                         uint32_t ncols, const char *const *names, const fg_type *types);
/* Writes the header line (csv/tsv; nothing for jsonl; remembered for table). */
bool fg_writer_header(fg_writer *w);
bool fg_writer_row(fg_writer *w, const fg_value *vals);
bool fg_writer_finish(fg_writer *w); /* flushes */
/* TABLE and MARKDOWN only: write the integer part of int and num cells with
 * thousands separators (`1,234,567.5`; exponent forms are left alone). The
 * other formats stay exact whatever this says. */
void fg_writer_set_grouping(fg_writer *w, bool on);
/* Exchanges the writer's pending output with *sb. Between two calls the
 * rows are appended straight to the buffer taken from sb, and nothing is
 * flushed to the sink (runtime/pipeline.c: a worker writes a chunk's rows
 * into the chunk's own buffer without a copy). */
void fg_writer_swap_out(fg_writer *w, fg_strbuf *sb);
/* Appends number text with thousands separators in its integer part. */
void fg_group_digits(fg_strbuf *sb, const char *s, size_t n);
void fg_writer_free(fg_writer *w);

/* Appends one CSV field, quoted when needed (delim is ',' or '\t'). */
void fg_csv_quote(fg_strbuf *sb, const char *s, size_t n, char delim);
/* Appends s as a JSON string literal. */
void fg_json_quote(fg_strbuf *sb, const char *s, size_t n);

#endif
