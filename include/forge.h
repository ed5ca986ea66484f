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
    FORGE_FORMAT_TABLE
} forge_format;

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
} forge_run_options;

FORGE_API void forge_run_options_init(forge_run_options *opt);

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

/* A dump of the policy's typed IR (for `forgec check --dump-ir`). The text
 * is handed to write. */
FORGE_API forge_status forge_dump_ir(const forge_policy *p, forge_write_fn write, void *ud);

#ifdef __cplusplus
}
#endif

#endif
