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
 * call; strings handed to callbacks are valid only during the callback;
 * strings and arrays a session hands back (outputs, row errors) belong to
 * the session and stay valid until its next evaluation or its free.
 *
 * Threads: a forge_policy is immutable once compiled and may be used by
 * any number of threads at once; a forge_session or forge_row is used by
 * one thread at a time (one session per thread). See docs/embedding.md. */
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
    FORGE_OK = 0,        /* everything evaluated / compiled / passed */
    FORGE_ECOMPILE = 1,  /* the policy does not compile (see diagnostics) */
    FORGE_EUSAGE = 2,    /* bad option or argument */
    FORGE_EROWS = 3,     /* the run finished, but some rows are in error */
    FORGE_EIO = 4,       /* input or output could not be read or written */
    FORGE_ENOMEM = 5,    /* out of memory */
    FORGE_ETESTS = 6,    /* some of the policy's tests failed */
    FORGE_ENOTFOUND = 7, /* no input/output/report/rule of that name or index */
    FORGE_ETYPE = 8,     /* a value of the wrong type for that input or output */
    FORGE_EMISMATCH = 9  /* a partial report made by another policy (or an incompatible
                            library) */
} forge_status;

/* A readable name for a status ("policy does not compile", ...). */
FORGE_API const char *forge_status_text(forge_status s);

typedef enum forge_severity { FORGE_SEV_ERROR, FORGE_SEV_WARNING, FORGE_SEV_NOTE } forge_severity;

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

typedef enum forge_engine {
    FORGE_ENGINE_DEFAULT,
    FORGE_ENGINE_INTERP,
    FORGE_ENGINE_JIT
} forge_engine;

typedef struct forge_config {
    /* Every allocation of the policy and of its sessions, rows and runs
     * goes through it; it must be thread-safe when sessions of one policy
     * are used on several threads. */
    forge_realloc_fn realloc_fn; /* NULL: the C library's */
    void *alloc_ud;
    forge_diag_fn on_diag; /* called once per diagnostic, in source order; may be NULL */
    void *diag_ud;
    const char *const *include_dirs; /* searched for imports after the file's folder */
    size_t ninclude_dirs;
    /* The policy's own engine. FORGE_ENGINE_JIT compiles the machine code
     * once, in forge_compile_*, and keeps it in the immutable policy: every
     * session and every run asking for the JIT (or the default engine) then
     * shares it without recompiling. FORGE_ENGINE_DEFAULT and
     * FORGE_ENGINE_INTERP compile no machine code (sessions interpret; runs
     * still pick their engine from forge_run_options). */
    forge_engine engine;
    int jit_no_cache; /* with FORGE_ENGINE_JIT: skip the compiled-code cache */
    int werror;       /* non-zero: warnings are reported as errors and fail the compile */
} forge_config;

/* Defaults: C allocator, no diagnostic callback, no include dirs, no
 * machine code (FORGE_ENGINE_DEFAULT). */
FORGE_API void forge_config_init(forge_config *cfg);

typedef struct forge_policy forge_policy;

/* Compiles a policy file. On success *out is the policy (immutable, may be
 * shared by threads); on failure *out is NULL, FORGE_ECOMPILE is returned
 * and the diagnostics went to cfg->on_diag (FORGE_EIO when the file cannot
 * be read: also reported as a diagnostic). Warnings do not fail. With
 * cfg->engine FORGE_ENGINE_JIT the machine code is made here too: in a
 * build without LLVM that is FORGE_EUSAGE, a JIT failure FORGE_ECOMPILE
 * (either reported as one error diagnostic). cfg may be NULL (defaults). */
FORGE_API forge_status forge_compile_file(const forge_config *cfg, const char *path,
                                          forge_policy **out);
/* The same for source text in memory; name is used in diagnostics. */
FORGE_API forge_status forge_compile_string(const forge_config *cfg, const char *name,
                                            const char *text, size_t len, forge_policy **out);
FORGE_API void forge_policy_free(forge_policy *p);

/* Writes data; returns 0 on success, non-zero when the write failed. */
typedef int (*forge_write_fn)(void *ud, const char *data, size_t len);

typedef enum forge_format {
    FORGE_FORMAT_CSV,
    FORGE_FORMAT_TSV,
    FORGE_FORMAT_JSONL,
    FORGE_FORMAT_TABLE,
    FORGE_FORMAT_MARKDOWN /* GitHub pipe table (report; eval too) */
} forge_format;

/* Reads up to cap bytes of input into buf: returns the count, 0 at the
 * end of the input, or -1 on a read error. */
typedef long long (*forge_read_fn)(void *ud, char *buf, size_t cap);

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
    /* Instead of data_path (which must then be NULL): data_stream alone (a
     * FILE*, gzip recognised; called "<stream>"), or a read callback
     * (plain CSV bytes; called "<input>"), both for forge_eval and
     * forge_report. The library never closes the stream. */
    forge_read_fn read;
    void *read_ud;
    char delimiter;           /* 0: tab for *.tsv / *.tsv.gz / *.tab, else comma */
    const char *na;           /* extra missing markers, comma-separated ("NA,N/A"), or NULL */
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
    /* Worker threads for eval and report (0: every online core). The
     * output is the same bytes for every count. */
    unsigned jobs;
    /* Headerless input (Hadoop Streaming / Spark pipe mappers, split files):
     * with no_header the input has no header line and columns is the header
     * record to use instead (fields separated by columns_delimiter, 0:
     * comma; CSV quoting allowed); the input's first line is then line 1 in
     * error lines. no_header without columns is FORGE_EUSAGE. eval and
     * report only. */
    int no_header;
    const char *columns;
    char columns_delimiter;
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

/* Runs the policy's tests; FORGE_OK when all pass, FORGE_ETESTS otherwise.
 * FORGE_ENGINE_DEFAULT is the interpreter here (a few rows per test), or
 * the policy's own machine code when it was compiled with FORGE_ENGINE_JIT. */
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
FORGE_API forge_status forge_emit(const forge_policy *p, forge_emit_kind kind, forge_write_fn write,
                                  void *ud, forge_summary *sum);

/* A dump of the policy's typed IR (for `forgec check --dump-ir`). The text
 * is handed to write. */
FORGE_API forge_status forge_dump_ir(const forge_policy *p, forge_write_fn write, void *ud);

/* ---- explain: why each selected row got its results ----
 * Rows are selected by key, by line or by a bool expression over row
 * values. The trace is always made by the interpreter, whatever
 * opt->engine: both engines give identical values by construction. */
typedef enum forge_explain_format { FORGE_EXPLAIN_TEXT, FORGE_EXPLAIN_JSON } forge_explain_format;

typedef struct forge_explain_options {
    const char *key;             /* rows whose key text (key columns joined by '/') is this */
    unsigned long long line;     /* or the row whose record starts on this line (0: unused) */
    const char *where;           /* or rows (not in error) where this bool expression is true */
    unsigned limit;              /* at most this many rows (0: 10) */
    forge_explain_format format; /* text, or JSON: one document per row, one per line */
    forge_diag_fn on_diag;       /* diagnostics about `where` (may be NULL) */
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
FORGE_API forge_status forge_test_coverage(const forge_policy *p, forge_test_fn on_result, void *ud,
                                           unsigned *passed, unsigned *failed, forge_write_fn write,
                                           void *write_ud, forge_coverage *cov);

/* ---- fmt: the canonical layout of a policy ---- */

/* Formats policy source text (see docs/fmt.md for the layout).
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

/* ==== embedding: introspection, sessions, rows, columns ====
 * The calls below return a forge_status. Those that take a session also
 * leave a readable message in it when they fail (forge_session_errmsg);
 * those that take a row, in the row (forge_row_errmsg). */

/* The value types of the language. An optional input or output (`T?`)
 * has the base type plus optional != 0 in its info. */
typedef enum forge_type {
    FORGE_TYPE_INT = 1,  /* int64_t */
    FORGE_TYPE_NUM = 2,  /* double */
    FORGE_TYPE_BOOL = 3, /* 0 or 1 */
    FORGE_TYPE_STR = 4   /* bytes + length (UTF-8 text) */
} forge_type;

/* "int", "num", "bool", "str" ("?" for anything else). */
FORGE_API const char *forge_type_name(forge_type t);

typedef struct forge_input_info {
    const char *name;   /* name in the policy */
    const char *header; /* the CSV header it is read from */
    forge_type type;
    int optional; /* declared `T?`: may be missing */
    int key;      /* a key column */
} forge_input_info;

typedef struct forge_output_info {
    const char *name;
    forge_type type;
    int optional; /* may be missing in an evaluated row */
} forge_output_info;

typedef struct forge_report_info {
    const char *name; /* NULL when the report is unnamed */
    size_t nby;
    const char *const *by; /* the `by` names, nby of them */
    size_t ncolumns;       /* labels: forge_policy_report_column */
} forge_report_info;

/* Counts (0 for a NULL policy). Inputs are in declaration order: the
 * order of forge_row indices and of forge_eval_columns's input columns;
 * outputs in declaration order, as eval writes them after the key
 * columns; rules in declaration order. */
FORGE_API size_t forge_policy_ninputs(const forge_policy *p);
FORGE_API size_t forge_policy_noutputs(const forge_policy *p);
FORGE_API size_t forge_policy_nrules(const forge_policy *p);
FORGE_API size_t forge_policy_nreports(const forge_policy *p);
FORGE_API size_t forge_policy_ntests(const forge_policy *p);

/* Describes input / output / report i. The strings belong to the policy
 * (valid until forge_policy_free). FORGE_ENOTFOUND when i is out of
 * range, FORGE_EUSAGE for a NULL argument. */
FORGE_API forge_status forge_policy_input(const forge_policy *p, size_t i, forge_input_info *out);
FORGE_API forge_status forge_policy_output(const forge_policy *p, size_t i, forge_output_info *out);
FORGE_API forge_status forge_policy_report(const forge_policy *p, size_t i, forge_report_info *out);
/* The label of column c of report r (as in the report's header row). */
FORGE_API forge_status forge_policy_report_column(const forge_policy *p, size_t r, size_t c,
                                                  const char **label);
/* The name of rule i; the title of test i. Strings belong to the policy. */
FORGE_API forge_status forge_policy_rule(const forge_policy *p, size_t i, const char **name);
FORGE_API forge_status forge_policy_test(const forge_policy *p, size_t i, const char **title);
/* The index of the input / output called name (the policy name, not the
 * CSV header). FORGE_ENOTFOUND when there is none. */
FORGE_API forge_status forge_policy_input_index(const forge_policy *p, const char *name,
                                                size_t *index);
FORGE_API forge_status forge_policy_output_index(const forge_policy *p, const char *name,
                                                 size_t *index);
/* The policy's header `policy NAME version "V"`: NULL when absent. */
FORGE_API const char *forge_policy_name(const forge_policy *p);
FORGE_API const char *forge_policy_version(const forge_policy *p);
/* The engine sessions of this policy use: FORGE_ENGINE_JIT when it was
 * compiled with cfg->engine FORGE_ENGINE_JIT, else FORGE_ENGINE_INTERP. */
FORGE_API forge_engine forge_policy_engine(const forge_policy *p);

/* ---- sessions: per-thread scratch for evaluating one policy ----
 * A session holds the results of its last evaluation, the batch buffers
 * and the scratch memory. Make one per thread; many sessions may share
 * one policy (and its JIT code) at the same time. */
typedef struct forge_session forge_session;

/* Makes a session for p (p must outlive it). Allocates through p's
 * allocator. FORGE_ENOMEM (with *out NULL) or FORGE_EUSAGE (NULL p). */
FORGE_API forge_status forge_session_new(const forge_policy *p, forge_session **out);
FORGE_API void forge_session_free(forge_session *s);
/* The message of the session's last failed call ("" if none; owned by the
 * session, valid until its next call). */
FORGE_API const char *forge_session_errmsg(const forge_session *s);

/* ---- one record ---- */
typedef struct forge_row forge_row;

/* A reusable record for p's inputs, every field missing. The caller owns
 * it (forge_row_free); p must outlive it. FORGE_ENOMEM / FORGE_EUSAGE. */
FORGE_API forge_status forge_row_new(const forge_policy *p, forge_row **out);
FORGE_API void forge_row_free(forge_row *r);
/* Makes every field missing again (keeps the memory). */
FORGE_API void forge_row_clear(forge_row *r);
/* The message of the row's last failed call ("" if none). */
FORGE_API const char *forge_row_errmsg(const forge_row *r);

/* Set input `index` (forge_policy_input order) of the record. The value
 * is copied (strings too: s need not outlive the call; len bytes, or
 * strlen(s) when len is (size_t)-1). An int may be set on a num input
 * (widened); any other type mismatch is FORGE_ETYPE, an index out of range
 * FORGE_ENOTFOUND, a string copy that fails FORGE_ENOMEM. Setting a
 * non-optional input missing is allowed: evaluating the row then gives
 * the row error "missing value", as a CSV empty cell does. */
FORGE_API forge_status forge_row_set_int(forge_row *r, size_t index, int64_t v);
FORGE_API forge_status forge_row_set_num(forge_row *r, size_t index, double v);
FORGE_API forge_status forge_row_set_bool(forge_row *r, size_t index, int v);
FORGE_API forge_status forge_row_set_str(forge_row *r, size_t index, const char *s, size_t len);
FORGE_API forge_status forge_row_set_missing(forge_row *r, size_t index);
/* The same by input name (FORGE_ENOTFOUND for an unknown name). */
FORGE_API forge_status forge_row_set_int_by_name(forge_row *r, const char *name, int64_t v);
FORGE_API forge_status forge_row_set_num_by_name(forge_row *r, const char *name, double v);
FORGE_API forge_status forge_row_set_bool_by_name(forge_row *r, const char *name, int v);
FORGE_API forge_status forge_row_set_str_by_name(forge_row *r, const char *name, const char *s,
                                                 size_t len);
FORGE_API forge_status forge_row_set_missing_by_name(forge_row *r, const char *name);

/* Evaluates the record with the session's policy (the row must be of the
 * same policy: else FORGE_EUSAGE). FORGE_OK: the outputs and rules can be
 * read; FORGE_EROWS: the row is in error (forge_session_row_error);
 * FORGE_ENOMEM. The row is only read. */
FORGE_API forge_status forge_eval_row(forge_session *s, const forge_row *r);

/* One value of an evaluated row. s points at len bytes followed by a NUL
 * (owned by the session, valid until its next evaluation). When missing,
 * the other fields are zero. */
typedef struct forge_value {
    forge_type type;
    int missing;
    int64_t i;     /* FORGE_TYPE_INT */
    double n;      /* FORGE_TYPE_NUM */
    int b;         /* FORGE_TYPE_BOOL */
    const char *s; /* FORGE_TYPE_STR */
    size_t len;
} forge_value;

/* Output `index` of the last row evaluated by forge_eval_row. FORGE_EUSAGE
 * before any row was evaluated (or after a batch), FORGE_EROWS when that
 * row is in error, FORGE_ENOTFOUND for an index out of range. */
FORGE_API forge_status forge_session_output(forge_session *s, size_t index, forge_value *out);
/* Typed reads of the same: *missing (may be NULL) gets 1 when the value is
 * missing (then *v is 0 / "" ). FORGE_ETYPE when the output has another
 * type (an int output may be read as num). */
FORGE_API forge_status forge_session_output_int(forge_session *s, size_t index, int64_t *v,
                                                int *missing);
FORGE_API forge_status forge_session_output_num(forge_session *s, size_t index, double *v,
                                                int *missing);
FORGE_API forge_status forge_session_output_bool(forge_session *s, size_t index, int *v,
                                                 int *missing);
FORGE_API forge_status forge_session_output_str(forge_session *s, size_t index, const char **v,
                                                size_t *len, int *missing);
/* Rule `index` of the last evaluated row: *failed is 1 when the rule
 * evaluated to false (a missing rule value does not fail), and *message
 * (may be NULL) its message ("" when it held; owned by the session). Same
 * statuses as forge_session_output. */
FORGE_API forge_status forge_session_rule(forge_session *s, size_t index, int *failed,
                                          const char **message);

/* ---- row errors as values ---- */
typedef enum forge_row_error_kind {
    FORGE_ROW_OK = 0,
    FORGE_ROW_BAD_VALUE,     /* data: a cell that is not of its column's type */
    FORGE_ROW_MISSING_VALUE, /* data: no value for a non-optional input */
    FORGE_ROW_RAGGED,        /* data (CSV): wrong number of fields */
    FORGE_ROW_BAD_QUOTE,     /* data (CSV): malformed quoted field */
    FORGE_ROW_INT_OVERFLOW,  /* evaluation errors, located in the policy */
    FORGE_ROW_DIV_ZERO,
    FORGE_ROW_NOT_FINITE,
    FORGE_ROW_INT_RANGE,
    FORGE_ROW_NO_TABLE_ROW,
    FORGE_ROW_NOMEM /* out of memory while evaluating the row */
} forge_row_error_kind;

/* Why a row could not be evaluated. Strings belong to the session (valid
 * until its next evaluation). */
typedef struct forge_row_error {
    forge_row_error_kind kind; /* FORGE_ROW_OK: the row was evaluated */
    const char *reason;        /* fixed text: "division by zero", "missing value", ... */
    const char *detail;        /* extra text, e.g. `bad num "12x"`; "" when none */
    const char *message;       /* as an eval error line says it, after the key:
                                  "column employees: missing value" or
                                  "policy.fp:12:7: division by zero" */
    long column;               /* data errors: the input index; -1 otherwise */
    const char *file;          /* evaluation errors: policy file, line, column */
    unsigned line, col;        /* (file NULL and 0, 0 for data errors) */
} forge_row_error;

/* The error of the last row evaluated by forge_eval_row (kind
 * FORGE_ROW_OK when it was evaluated). FORGE_EUSAGE when no row was. */
FORGE_API forge_status forge_session_row_error(forge_session *s, forge_row_error *out);

/* ---- columnar batches: caller-owned arrays ----
 * An input column: set the pointer of the input's type (int: i, num: n;
 * an int64 column may also feed a num input through i; bool: b holding 0
 * or non-zero; str: s, with len[r] bytes each, or NUL-terminated strings
 * when len is NULL). missing (may be NULL: nothing missing) is non-zero
 * for a missing cell; a NULL s[r] is missing too. Int and num columns are
 * read in place (zero-copy); bool, missing and str columns are converted
 * to the engine's layout one chunk at a time in session buffers. */
typedef struct forge_column {
    const int64_t *i;
    const double *n;
    const uint8_t *b;
    const char *const *s;
    const size_t *len;
    const uint8_t *missing;
} forge_column;

/* An output column: the caller's arrays of nrows elements, filled for the
 * output's type (any pointer may be NULL: not wanted). s[r]/len[r] point
 * at NUL-terminated copies owned by the session (valid until its next
 * evaluation). Rows in error and missing values: missing[r] = 1, value 0
 * (NULL string). */
typedef struct forge_out_column {
    int64_t *i;
    double *n;
    uint8_t *b;
    const char **s;
    size_t *len;
    uint8_t *missing;
} forge_out_column;

/* Evaluates nrows rows given as columns: in[k] is input k (all
 * forge_policy_ninputs of them), out[k] output k (out may be NULL: only
 * errors wanted). row_error (may be NULL) gets each row's
 * forge_row_error_kind; *nerrors (may be NULL) the count of rows in error;
 * forge_session_batch_error describes one. FORGE_OK: every row evaluated;
 * FORGE_EROWS: some rows are in error; FORGE_ETYPE: a column lacks the
 * pointer its input's type needs (nothing evaluated; see errmsg);
 * FORGE_ENOMEM. The inputs are only read. */
FORGE_API forge_status forge_eval_columns(forge_session *s, const forge_column *in, size_t nrows,
                                          forge_out_column *out, uint8_t *row_error,
                                          size_t *nerrors);
/* The error of row `row` of the last forge_eval_columns (kind
 * FORGE_ROW_OK when it was evaluated). FORGE_ENOTFOUND when row is not
 * below that batch's nrows, FORGE_EUSAGE when no batch was evaluated. */
FORGE_API forge_status forge_session_batch_error(forge_session *s, size_t row,
                                                 forge_row_error *out);

/* ---- partial reports: aggregate in pieces, merge exactly, write once ----
 * A forge_report_partial holds the state of every report of a policy over
 * the rows added so far (groups, counts, exact sums, min/max) and the row
 * counts forge_report's summary gives. Fill partials where the data is
 * (threads, processes, machines), move them as bytes, merge them in any
 * order or grouping, and write the tables: the result is byte for byte
 * forge_report's over all the rows, whatever the split (sums are exact,
 * rounded once when written). The bytes are portable (little-endian,
 * versioned, checksummed) and carry a fingerprint of the policy: partials
 * of another policy are refused (FORGE_EMISMATCH). One thread at a time
 * per partial. Calls that fail leave the partial unchanged and a message
 * in forge_report_partial_errmsg. */
typedef struct forge_report_partial forge_report_partial;

/* An empty partial for p's reports (p must outlive it). FORGE_ENOMEM or
 * FORGE_EUSAGE (NULL p), *out NULL then. */
FORGE_API forge_status forge_report_partial_new(const forge_policy *p, forge_report_partial **out);
FORGE_API void forge_report_partial_free(forge_report_partial *rp);
/* The message of the partial's last failed call ("" if none). */
FORGE_API const char *forge_report_partial_errmsg(const forge_report_partial *rp);

/* Evaluates nrows rows given as columns, exactly as forge_eval_columns
 * does with session s (of the same policy: else FORGE_EUSAGE), and adds
 * every row evaluated without error to the partial. bad (may be NULL):
 * bad[r] non-zero marks row r as in error already (a cell the caller could
 * not convert, say): it is not evaluated, counted in error, and described
 * by forge_session_batch_error as FORGE_ROW_BAD_VALUE. Row errors are then
 * read as after forge_eval_columns; *nerrors (may be NULL) gets their
 * count. FORGE_OK, FORGE_EROWS (some rows in error: they are counted, the
 * others added), FORGE_ETYPE (a column lacks its array; nothing added),
 * FORGE_ENOMEM. */
FORGE_API forge_status forge_report_partial_add_columns(forge_report_partial *rp, forge_session *s,
                                                        const forge_column *in, size_t nrows,
                                                        const uint8_t *bad, size_t *nerrors);
/* Reads CSV data as forge_report does (opt: data_path / data_stream /
 * read, delimiter, na, no_header and columns, engine, jobs, progress; row
 * error lines to write_err) and adds its rows. sum (may be NULL) counts
 * this call's rows. Same statuses as forge_report. */
FORGE_API forge_status forge_report_partial_add_csv(forge_report_partial *rp,
                                                    const forge_run_options *opt,
                                                    forge_summary *sum);
/* Adds everything from holds into into (from is not changed). Partials of
 * two policies compiled from the same text merge; others are
 * FORGE_EMISMATCH. FORGE_ENOMEM. */
FORGE_API forge_status forge_report_partial_merge(forge_report_partial *into,
                                                  const forge_report_partial *from);
/* Hands the partial's bytes to write (in one or more calls). FORGE_EIO
 * when write fails, FORGE_ENOMEM. */
FORGE_API forge_status forge_report_partial_serialize(forge_report_partial *rp,
                                                      forge_write_fn write, void *ud);
/* Adds the partial serialized in data[0..len) into rp (into an empty rp:
 * reads it back). FORGE_EMISMATCH: made by another policy or in a format
 * version this library does not read; FORGE_EIO: not a partial report, or
 * truncated or corrupt; FORGE_ENOMEM. rp is unchanged on failure. */
FORGE_API forge_status forge_report_partial_deserialize(forge_report_partial *rp, const void *data,
                                                        size_t len);
/* The row counts so far (rows_read, rows_evaluated, rows_in_error; message
 * empty). */
FORGE_API forge_status forge_report_partial_counts(const forge_report_partial *rp,
                                                   forge_summary *sum);
/* Writes the report tables as forge_report writes them for all the rows
 * added (opt: format, write_out, write_err for overflow warnings,
 * report_totals; the input fields are not used). sum (may be NULL) gets the
 * counts. FORGE_OK, FORGE_EROWS (some rows were in error), FORGE_EIO,
 * FORGE_ENOMEM. The partial is not changed. */
FORGE_API forge_status forge_report_partial_write(forge_report_partial *rp,
                                                  const forge_run_options *opt, forge_summary *sum);

/* ---- layout check for bindings that copy these declarations ----
 * sizeof of each public struct as this library was built, so a binding
 * (bindings/python) can refuse to run with a stale copy of a layout. */
typedef enum forge_struct_id {
    FORGE_STRUCT_DIAG = 1,
    FORGE_STRUCT_CONFIG,
    FORGE_STRUCT_RUN_OPTIONS,
    FORGE_STRUCT_SUMMARY,
    FORGE_STRUCT_TEST_RESULT,
    FORGE_STRUCT_EXPLAIN_OPTIONS,
    FORGE_STRUCT_COVERAGE,
    FORGE_STRUCT_DIFF_OPTIONS,
    FORGE_STRUCT_DIFF_SUMMARY,
    FORGE_STRUCT_INPUT_INFO,
    FORGE_STRUCT_OUTPUT_INFO,
    FORGE_STRUCT_REPORT_INFO,
    FORGE_STRUCT_VALUE,
    FORGE_STRUCT_ROW_ERROR,
    FORGE_STRUCT_COLUMN,
    FORGE_STRUCT_OUT_COLUMN
} forge_struct_id;

/* sizeof the struct, 0 for an unknown id. */
FORGE_API size_t forge_struct_size(forge_struct_id id);

#ifdef __cplusplus
}
#endif

#endif
