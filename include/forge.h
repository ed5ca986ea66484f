/* forge.h — libforge, the Forge policy evaluator as a C library.
 *
 * Compile a policy (*.fp) into a forge_policy, then evaluate it over CSV
 * data, run its reports or its own tests. The library never prints and
 * never exits: results and problems come back as status codes, structured
 * diagnostics and text handed to callbacks you provide.
 *
 * Ownership: every object returned through an out-parameter is owned by
 * the caller and released with its forge_*_free function (which accepts
 * NULL); every pointer passed in is only borrowed for the duration of the
 * call; strings handed to callbacks are valid only during the callback. */
#ifndef FORGE_H
#define FORGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FORGE_BUILDING) && defined(__GNUC__)
#define FORGE_API __attribute__((visibility("default")))
#else
#define FORGE_API
#endif

#define FORGE_VERSION_MAJOR 0
#define FORGE_VERSION_MINOR 1
#define FORGE_VERSION_PATCH 0

/* "0.1.0" */
FORGE_API const char *forge_version(void);

/* Status codes. The CLI uses them as exit codes (0..4). */
typedef enum forge_status {
    FORGE_OK = 0,          /* everything evaluated / compiled / passed */
    FORGE_ECOMPILE = 1,    /* the policy does not compile (see diagnostics) */
    FORGE_EUSAGE = 2,      /* bad option or argument */
    FORGE_EROWS = 3,       /* the run finished, but some rows are in error */
    FORGE_EIO = 4,         /* input or output could not be read or written */
    FORGE_ENOMEM = 5,      /* out of memory */
    FORGE_ETESTS = 6       /* some of the policy's tests failed */
} forge_status;

/* A readable name for a status ("policy does not compile", ...). */
FORGE_API const char *forge_status_text(forge_status s);

typedef enum forge_severity {
    FORGE_SEV_ERROR,
    FORGE_SEV_WARNING,
    FORGE_SEV_NOTE
} forge_severity;

/* One compiler diagnostic. line/column are 1-based (0 when the diagnostic
 * has no position); rendered holds the full text as a compiler prints it
 * (location, message, source line, caret underline, hint), ending in \n. */
typedef struct forge_diag {
    forge_severity severity;
    const char *file; /* NULL when not about a file */
    unsigned line, column;
    const char *message;
    const char *hint; /* NULL when none */
    const char *rendered;
} forge_diag;

typedef void (*forge_diag_fn)(void *ud, const forge_diag *diag);
/* realloc-like: size 0 frees ptr and returns NULL. */
typedef void *(*forge_realloc_fn)(void *ud, void *ptr, size_t size);

typedef struct forge_config {
    forge_realloc_fn realloc_fn; /* NULL: the C library's */
    void *alloc_ud;
    forge_diag_fn on_diag; /* called once per diagnostic, in source order; may be NULL */
    void *diag_ud;
    const char *const *include_dirs; /* searched for imports after the file's folder */
    size_t ninclude_dirs;
} forge_config;

/* Defaults: C allocator, no diagnostic callback, no include dirs. */
FORGE_API void forge_config_init(forge_config *cfg);

typedef struct forge_policy forge_policy;

/* Compiles a policy file. On success *out is the policy (immutable, may be
 * shared by threads); on failure *out is NULL, FORGE_ECOMPILE is returned
 * and the diagnostics went to cfg->on_diag (FORGE_EIO when the file cannot
 * be read: also reported as a diagnostic). Warnings do not fail. */
FORGE_API forge_status forge_compile_file(const forge_config *cfg, const char *path,
                                          forge_policy **out);
/* The same for source text in memory; name is used in diagnostics. */
FORGE_API forge_status forge_compile_string(const forge_config *cfg, const char *name,
                                            const char *text, size_t len, forge_policy **out);
FORGE_API void forge_policy_free(forge_policy *p);

/* Writes data; returns 0 on success, non-zero when the write failed. */
typedef int (*forge_write_fn)(void *ud, const char *data, size_t len);

typedef enum forge_engine { FORGE_ENGINE_DEFAULT, FORGE_ENGINE_INTERP, FORGE_ENGINE_JIT } forge_engine;
typedef enum forge_format {
    FORGE_FORMAT_CSV,
    FORGE_FORMAT_TSV,
    FORGE_FORMAT_JSONL,
    FORGE_FORMAT_TABLE,
    FORGE_FORMAT_MARKDOWN /* GitHub pipe table (report; eval too) */
} forge_format;

/* Progress of a long run: called every few batches with the bytes of input
 * consumed so far (decompressed bytes for gzip input) and the rows read. */
typedef void (*forge_progress_fn)(void *ud, unsigned long long bytes_read,
                                  unsigned long long rows_read);

typedef struct forge_run_options {
    forge_engine engine;
    forge_format format;
    /* Input: data_path ("-" means data_stream, e.g. stdin). gzip input is
     * recognised by its content. data_name is what error lines call the
     * data (NULL: data_path, or "<stdin>" for "-"). */
    const char *data_path;
    FILE *data_stream;
    const char *data_name;
    char delimiter;    /* 0: tab for *.tsv / *.tsv.gz / *.tab, else comma */
    const char *na;    /* extra missing markers, comma-separated ("NA,N/A"), or NULL */
    forge_write_fn write_out; /* rows (eval) or report tables (report) */
    void *out_ud;
    forge_write_fn write_err; /* row error lines, one per row in error */
    void *err_ud;
    /* JIT only: non-zero neither reads nor writes the compiled-code cache
     * ($XDG_CACHE_HOME/forgec, else $HOME/.cache/forgec). */
    int no_cache;
    /* Report only: also write a totals row after the groups of every report
     * with `by` (see forge_report). */
    int report_totals;
    /* Called every few batches (may be NULL); the library never prints. */
    forge_progress_fn progress;
    void *progress_ud;
} forge_run_options;

/* Defaults: FORGE_ENGINE_DEFAULT (the JIT when this build has it, else the
 * interpreter), CSV, cache on. FORGE_ENGINE_JIT in a build without LLVM is
 * FORGE_EUSAGE. */
FORGE_API void forge_run_options_init(forge_run_options *opt);
/* Non-zero when this build has the JIT engine. */
FORGE_API int forge_jit_available(void);

/* What a run did; message explains an FORGE_EIO / FORGE_EUSAGE / FORGE_ENOMEM
 * status (empty otherwise). */
typedef struct forge_summary {
    uint64_t rows_read, rows_evaluated, rows_in_error;
    char message[512];
} forge_summary;

/* Evaluates the policy over the data: writes the header and one row per
 * evaluated input row, in input order; every row in error goes to
 * write_err. Returns FORGE_OK, FORGE_EROWS (some rows in error),
 * FORGE_EUSAGE, FORGE_EIO or FORGE_ENOMEM. */
FORGE_API forge_status forge_eval(const forge_policy *p, const forge_run_options *opt,
                                  forge_summary *sum);

/* Evaluates the policy and writes its report blocks (each with its own
 * header row, separated by one empty line). Same statuses as forge_eval. */
FORGE_API forge_status forge_report(const forge_policy *p, const forge_run_options *opt,
                                    forge_summary *sum);

/* Result of one of the policy's own tests. report is empty when passed,
 * else lines explaining each failed expectation with actual values. */
typedef struct forge_test_result {
    const char *title;
    int passed;
    const char *report;
} forge_test_result;
typedef void (*forge_test_fn)(void *ud, const forge_test_result *r);

/* Runs the policy's tests; FORGE_OK when all pass, FORGE_ETESTS otherwise. */
FORGE_API forge_status forge_run_tests(const forge_policy *p, forge_engine engine,
                                       forge_test_fn on_result, void *ud, unsigned *passed,
                                       unsigned *failed);
/* The same with run options (engine and no_cache are used); sum (may be
 * NULL) gets the message of a FORGE_EUSAGE / FORGE_ECOMPILE status. */
FORGE_API forge_status forge_run_tests_opt(const forge_policy *p, const forge_run_options *opt,
                                           forge_test_fn on_result, void *ud, unsigned *passed,
                                           unsigned *failed, forge_summary *sum);

/* Ahead-of-time output of the JIT's optimised code (include/forge_aot.h). */
typedef enum forge_emit_kind { FORGE_EMIT_LLVM, FORGE_EMIT_ASM, FORGE_EMIT_OBJ } forge_emit_kind;
/* Writes the policy's code as LLVM IR text, assembly or a native object.
 * FORGE_EUSAGE in a build without LLVM; the reason goes to sum->message. */
FORGE_API forge_status forge_emit(const forge_policy *p, forge_emit_kind kind,
                                  forge_write_fn write, void *ud, forge_summary *sum);

/* A dump of the policy's typed IR (for `forgec check --dump-ir`). The text
 * is handed to write. */
FORGE_API forge_status forge_dump_ir(const forge_policy *p, forge_write_fn write, void *ud);

/* ---- explain: why each selected row got its results ----
 * Rows are selected by key, by line or by a bool expression over row
 * values. The trace is always made by the interpreter, whatever
 * opt->engine: both engines give identical values by construction. */
typedef enum forge_explain_format { FORGE_EXPLAIN_TEXT, FORGE_EXPLAIN_JSON } forge_explain_format;

typedef struct forge_explain_options {
    const char *key;        /* rows whose key text (key columns joined by '/') is this */
    unsigned long long line; /* or the row whose record starts on this line (0: unused) */
    const char *where;      /* or rows (not in error) where this bool expression is true */
    unsigned limit;         /* at most this many rows (0: 10) */
    forge_explain_format format; /* text, or JSON: one document per row, one per line */
    forge_diag_fn on_diag;  /* diagnostics about `where` (may be NULL) */
    void *diag_ud;
} forge_explain_options;

FORGE_API void forge_explain_options_init(forge_explain_options *xo);

/* Reads opt->data_path like forge_eval and writes, through opt->write_out,
 * the explanation of each selected row. sum counts rows read
 * (rows_read), rows explained (rows_evaluated) and explained rows in error
 * (rows_in_error). Returns FORGE_OK (also when no row was selected: see
 * sum), FORGE_EUSAGE (no selector, or a `where` that does not compile;
 * its diagnostics went to xo->on_diag), FORGE_EIO or FORGE_ENOMEM. */
FORGE_API forge_status forge_explain(const forge_policy *p, const forge_run_options *opt,
                                     const forge_explain_options *xo, forge_summary *sum);

/* ---- test coverage ---- */
typedef struct forge_coverage {
    unsigned covered, total; /* items the tests exercised / all items */
    double percent;          /* 100 * covered / total; 100 when there are no items */
} forge_coverage;

/* Runs the policy's tests as forge_run_tests does (with the interpreter)
 * and measures what they exercise. Items: each rule's two outcomes (seen
 * passing, seen failing), each decide arm (taken), each table row (matched),
 * each fn and each let (evaluated). One line per item not covered
 * (`policy.fp:64: rule quality never failed`), in source order, goes to
 * write. Returns FORGE_OK or FORGE_ETESTS like forge_run_tests. */
FORGE_API forge_status forge_test_coverage(const forge_policy *p, forge_test_fn on_result,
                                           void *ud, unsigned *passed, unsigned *failed,
                                           forge_write_fn write, void *write_ud,
                                           forge_coverage *cov);

/* ---- fmt: the canonical layout of a policy ---- */

/* Formats policy source text (see docs/analyst-tools.md for the layout).
 * The whole formatted text is handed to write in one call. Comments are
 * kept. FORGE_ECOMPILE when the text has syntax errors (diagnostics go to
 * cfg->on_diag; nothing is written), FORGE_ENOMEM, FORGE_EIO (write failed). */
FORGE_API forge_status forge_format_source(const forge_config *cfg, const char *name,
                                           const char *text, size_t len, forge_write_fn write,
                                           void *ud);

/* ---- diff: the impact of a policy change on the same data ---- */
typedef enum forge_diff_format {
    FORGE_DIFF_TEXT, /* titled, aligned tables */
    FORGE_DIFF_CSV,  /* blocks with a header row each, separated by an empty line */
    FORGE_DIFF_JSON  /* one JSON document */
} forge_diff_format;

typedef struct forge_diff_options {
    forge_diff_format format;
    int rows;             /* also list each changed row (old/new values, flipped rules) */
    const char *old_name; /* how the two policies are called in the output ("old", "new") */
    const char *new_name;
} forge_diff_options;

typedef struct forge_diff_summary {
    uint64_t rows_read;
    uint64_t rows_compared; /* evaluated without error by both policies */
    uint64_t rows_in_error; /* in error in either policy */
    uint64_t rows_changed;  /* compared rows where a shared output differs */
    unsigned outputs_only_old, outputs_only_new, rules_only_old, rules_only_new;
    char message[512];
} forge_diff_summary;

/* Evaluates both policies on every row of opt->data_path in one pass (each
 * record is read once and given to both), joins the results by the key
 * columns (which must be the same in both) and writes the comparison
 * through opt->write_out; row errors of either policy go to opt->write_err
 * as eval writes them. The interpreter evaluates both (the engines give
 * identical values). Returns FORGE_OK, FORGE_EROWS (some rows in error),
 * FORGE_EUSAGE (different key columns: see sum->message), FORGE_EIO or
 * FORGE_ENOMEM. Whether anything changed is in sum. */
FORGE_API forge_status forge_diff(const forge_policy *old_policy, const forge_policy *new_policy,
                                  const forge_run_options *opt, const forge_diff_options *dopt,
                                  forge_diff_summary *sum);

#ifdef __cplusplus
}
#endif

#endif
