/* driver.h — the evaluation pipeline behind forge_eval and forge_report:
 * open the data, map its header to the policy's inputs, then batch by
 * batch read and convert the columns, run the engine, write rows, error
 * lines and report aggregates, and count everything. */
#ifndef FG_DRIVER_H
#define FG_DRIVER_H

#include "../include/forge.h"
#include "../lang/ir.h"

typedef enum fg_run_mode { FG_RUN_EVAL, FG_RUN_REPORT } fg_run_mode;

forge_status fg_driver_run(const fg_allocator *alloc, const fg_program *prog,
                           const forge_run_options *opt, fg_run_mode mode, forge_summary *sum);
/* The same with a given engine (NULL: the interpreter). */
struct fg_engine;
forge_status fg_driver_run_engine(const fg_allocator *alloc, const fg_program *prog,
                                  const forge_run_options *opt, fg_run_mode mode,
                                  const struct fg_engine *eng, forge_summary *sum);

/* Report mode into the caller's accumulators (one per report of prog):
 * every evaluated row is added, row error lines go to opt->write_err,
 * counts to sum; no table is written. Same statuses as forge_report. */
struct fg_report_acc;
forge_status fg_driver_accumulate(const fg_allocator *alloc, const fg_program *prog,
                                  const forge_run_options *opt, const struct fg_engine *eng,
                                  struct fg_report_acc **accs, forge_summary *sum);
/* Writes the report tables of accs (one per report) as forge_report does:
 * opt's format, write_out, write_err (overflow warnings) and
 * report_totals. FORGE_OK, FORGE_EIO or FORGE_ENOMEM (sum->message set). */
forge_status fg_driver_write_reports(const fg_allocator *alloc, const fg_program *prog,
                                     struct fg_report_acc *const *accs,
                                     const forge_run_options *opt, forge_summary *sum);

/* Appends the text of one row error line (without the trailing newline):
 * `DATA:LINE: error: key K: TEXT`. */
struct fg_batch;
void fg_driver_error_line(fg_strbuf *sb, const fg_program *prog, const char *data_name,
                          const struct fg_batch *b, uint32_t row);

/* The byte source over opt->read (runtime/api_stream.c). */
struct fg_byte_source fg_api_read_source(const forge_run_options *opt);

/* Tab for *.tsv / *.tab files (also gzipped), comma otherwise. */
char fg_driver_delimiter_for(const char *path);
/* Splits "NA,N/A" into strings allocated in ar; *n gets the count. */
const char **fg_driver_split_na(fg_arena *ar, const char *na, uint32_t *n);

#endif
