/* pipeline.h — the streaming, multi-core evaluation loop behind the driver.
 * The input is cut into chunks on record boundaries (chunker.h); worker
 * threads each read, convert, evaluate and format whole chunks into their
 * own buffers; the calling thread reads the input, hands out chunks and
 * writes the finished ones strictly in input order. One worker runs on the
 * calling thread itself, so -j1 is the same code without threads. */
#ifndef FG_PIPELINE_H
#define FG_PIPELINE_H

#include "csv.h"
#include "driver.h"
#include "engine.h"
#include "output.h"
#include "report.h"

typedef struct fg_pipe fg_pipe;

/* Opens opt's data (a regular file is mapped; pipes, stdin, gzip and read
 * callbacks are read in large blocks) and reads the header record into
 * *header (valid until fg_pipe_close). On failure returns FORGE_EIO /
 * FORGE_ENOMEM with sum->message set; *out is then still to be closed. */
forge_status fg_pipe_open(fg_pipe **out, const fg_allocator *alloc, const forge_run_options *opt,
                          char delim, const char *data_name, fg_csv_record *header,
                          forge_summary *sum);
void fg_pipe_close(fg_pipe *p);

typedef struct fg_pipe_job {
    const fg_program *prog;
    const fg_engine *eng; /* NULL: the interpreter */
    const fg_csv_schema *schema;
    fg_run_mode mode;
    const char *data_name;
    fg_out_format format;
    fg_writer *writer;    /* eval: the run's writer, header already written */
    fg_report_acc **accs; /* report: the run's accumulators (get every row) */
    fg_byte_sink out, err;
    unsigned jobs;     /* worker count; 0: every online core */
    size_t chunk_size; /* 0: the default (512 KiB); tests use tiny ones */
    size_t max_record; /* 0: FG_CSV_MAX_RECORD; tests lower it (fg_csv_set_limits) */
    forge_progress_fn progress;
    void *progress_ud;
} fg_pipe_job;

/* Runs the job over the rest of the input; counts go to sum. Returns
 * FORGE_OK, or with sum->message set FORGE_EIO (a read error, or a sink
 * refused a write: "cannot write the output" / "cannot write the error
 * stream") or FORGE_ENOMEM. Rows in error do not change the status. */
forge_status fg_pipe_run(fg_pipe *p, const fg_pipe_job *job, forge_summary *sum);

/* The worker count for jobs (0: online cores, at least 1). */
unsigned fg_pipe_workers(unsigned jobs);

#endif
