/* report.h — the aggregation behind `report`: one accumulator per report
 * gathers the evaluated rows of every batch into groups (the `by` values)
 * and, at the end, gives a result table the caller writes with fg_writer.
 *
 * Sums are exact: int sums accumulate in 128 bits, num sums in a fixed-point
 * superaccumulator covering the whole double range, rounded once at the end
 * (the correctly rounded exact sum, as Python's math.fsum). So a report never
 * depends on row order, batching or how partial accumulators are merged.
 * Ownership: an accumulator owns its groups (group strings are copied into
 * it); a result table owns everything it points to. */
#ifndef FG_REPORT_H
#define FG_REPORT_H

#include "engine.h"
#include "output.h"

typedef struct fg_report_acc fg_report_acc;

/* NULL when out of memory. prog must outlive the accumulator. */
fg_report_acc *fg_report_acc_new(const fg_allocator *alloc, const fg_program *prog,
                                 uint32_t report_index);
void fg_report_acc_free(fg_report_acc *acc);
/* Adds every row of the batch with no row error (batch->err[row].kind ==
 * FG_RE_NONE). The report slots must have been evaluated (with_reports).
 * Returns false when out of memory (the accumulator is then unusable). */
bool fg_report_acc_add(fg_report_acc *acc, const fg_batch *batch, const fg_results *res);
/* Adds everything `from` gathered into `into` (same program and report);
 * the result equals adding all rows to one accumulator. False on OOM. */
bool fg_report_acc_merge(fg_report_acc *into, const fg_report_acc *from);

/* The portable encoding of an accumulator (report_io.c): appended to out,
 * little-endian, independent of the host; false when out of memory. */
bool fg_report_acc_encode(const fg_report_acc *acc, fg_strbuf *out);
/* Reads one encoding (of the same report of the same policy) from in and
 * adds it into acc, as fg_report_acc_merge would. FG_DECODE_BAD when the
 * bytes are not a valid encoding (acc may then hold part of it). */
typedef enum fg_decode_status { FG_DECODE_OK, FG_DECODE_BAD, FG_DECODE_NOMEM } fg_decode_status;
struct fg_wire_in;
fg_decode_status fg_report_acc_decode(fg_report_acc *acc, struct fg_wire_in *in);

/* A cell whose int sum left the 64-bit range, or whose num sum rounded to
 * infinity: left empty in the table, to be warned about. */
typedef struct fg_report_overflow {
    uint32_t row; /* row of the result table (the group) */
    uint32_t col; /* index into the report's cols (not counting by columns) */
} fg_report_overflow;

/* The finished report: by columns, then one column per aggregate label.
 * Aggregate columns that may be empty have FG_T_OPT in their type. */
typedef struct fg_report_table {
    const fg_allocator *alloc;
    uint32_t report_index;
    uint32_t nby;        /* the first nby columns are the group values */
    uint32_t ncols;      /* nby + report cols */
    const char **names;  /* [ncols] */
    fg_type *types;      /* [ncols] */
    uint32_t nrows;      /* one per group, sorted; exactly 1 without `by` */
    fg_value *cells;     /* [row * ncols + col] */
    uint32_t noverflows; /* in row, then column order */
    fg_report_overflow *overflows;
    fg_arena arena;   /* owns names, types, cells and strings */
    fg_value *totals; /* NULL, or [ncols] from fg_report_acc_totals (by cells missing) */
} fg_report_table;

/* Fills t->totals (t made by fg_report_acc_table from acc): every aggregate
 * over all the rows added, by the same exact rules as a group; a sum out of
 * range leaves the cell empty. False when out of memory. */
bool fg_report_acc_totals(fg_report_acc *acc, fg_report_table *t);

/* How fg_report_table_write_ex shows t->totals (when set):
 * FG_TOTALS_LABEL (table, markdown): a last row with `total` in the first by
 * column (by columns are written as text then); FG_TOTALS_COLUMN (csv, tsv,
 * jsonl): a leading column `row` holding `group` or `total`, the totals row
 * last with empty by cells, so it cannot be taken for a group. */
typedef enum fg_totals_style { FG_TOTALS_NONE, FG_TOTALS_LABEL, FG_TOTALS_COLUMN } fg_totals_style;
bool fg_report_table_write_ex(const fg_report_table *t, fg_out_format fmt, fg_byte_sink sink,
                              fg_totals_style totals, bool grouping);

/* Builds the table of everything added so far (the accumulator is not
 * changed and may keep accumulating). False when out of memory. */
bool fg_report_acc_table(const fg_report_acc *acc, fg_report_table *out);
void fg_report_table_free(fg_report_table *t);

/* Writes header and rows through a writer made for the table's names and
 * types; false when the sink failed or memory ran out. */
bool fg_report_table_write(const fg_report_table *t, fg_out_format fmt, fg_byte_sink sink);

/* One line describing an overflow, without a trailing newline, e.g.
 *   report by region: column relief, group region = "east": sum outside the 64-bit int range
 * (strings of the group in double quotes, a missing group value as `missing`). */
void fg_report_overflow_text(const fg_program *prog, const fg_report_table *t,
                             const fg_report_overflow *o, fg_strbuf *sb);

/* Exact summation of doubles, exposed for tests and other users (diff).
 * Values must be finite. The result is the exact sum rounded once to
 * nearest-even; *overflow is set when that rounds beyond the double range. */
#define FG_XSUM_WORDS 70
typedef struct fg_xsum {
    int64_t w[FG_XSUM_WORDS]; /* 32-bit digits (carry-save), weight 2^(32*i - 1074) */
    uint32_t pending;         /* additions since the last carry propagation */
} fg_xsum;

void fg_xsum_init(fg_xsum *x);
void fg_xsum_add(fg_xsum *x, double v);
void fg_xsum_merge(fg_xsum *into, const fg_xsum *from);
/* Propagates the carries: words 0..FG_XSUM_WORDS-2 then hold 32-bit digits
 * in [0, 2^32), the top word the signed rest (the value is unchanged). */
void fg_xsum_normalize(fg_xsum *x);
double fg_xsum_round(const fg_xsum *x, bool *overflow);

#endif
