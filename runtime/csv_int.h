/* csv_int.h — the reader's state, shared by the streaming reader (csv.c)
 * and its in-memory fast path (csv_mem.c). Not part of the module's API. */
#ifndef FG_CSV_INT_H
#define FG_CSV_INT_H

#include "csv.h"

enum { RF_QUOTED = 1, RF_DQ = 2, RF_RAW = 4 };

/* A field while scanning: offsets relative to the record's first byte. */
typedef struct raw_field {
    size_t start, end;
    unsigned flags;
} raw_field;

typedef enum scan_state {
    S_FIELD_START, /* at the first byte of a field */
    S_UNQUOTED,    /* inside an unquoted field */
    S_QUOTED,      /* inside a quoted field */
    S_QUOTE_SEEN,  /* just after a quote inside a quoted field: "" or the end */
    S_AFTER_QUOTE, /* after the closing quote: delimiter or end of line expected */
    S_AFTER_CR     /* after `"\r`: LF expected */
} scan_state;

struct fg_csv_reader {
    const fg_allocator *alloc;
    fg_byte_source src;
    char delim;
    char *buf;
    size_t cap, len; /* valid bytes are buf[0, len) */
    size_t rec;      /* first unconsumed byte */
    uint64_t base;   /* stream offset of buf[0] */
    uint64_t line;   /* physical line number of buf[rec] */
    bool src_eof, bom_done;
    bool skipping;     /* the current record passed a limit: its bytes are dropped */
    size_t max_record; /* FG_CSV_MAX_RECORD unless lowered */
    uint32_t max_fields;
    fg_csv_status sticky; /* FG_CSV_RECORD while reading; EOF/errors stay */
    raw_field *raw;
    uint32_t rawcap;
    fg_csv_field *fields;
    uint32_t fcap;
    /* the in-memory fast path (csv_mem.c) */
    fg_csv_field *mfields; /* one record's fields, up to the header's count */
    unsigned char *mdq;    /* per field: has doubled quotes to collapse */
    uint32_t mfcap;
    char *scratch; /* collapsed quoted fields of one record */
    size_t scratchcap;
    char err[512];
};

/* fg_csv_fill_row, with the text of cells lying in [lo, hi) referenced
 * there instead of copied (the caller keeps that memory for the batch's
 * life). */
bool fg_csv_fill_row_in_place(const fg_csv_schema *s, const fg_program *prog, fg_batch *b,
                              const fg_csv_record *rec, const char *lo, const char *hi);

#endif
