"""Loading libforge through cffi in ABI mode (no compiler needed).

The declarations below are copied from include/forge.h (the public API
only). Structs that the library may grow by appending fields
(forge_run_options, forge_explain_options) are allocated with spare room, so
an older copy of these declarations stays safe against a newer library.

The library is looked up, in order: $FORGE_LIBRARY (a path to
libforge.so*), pkg-config's `forge` libdir, the dynamic linker's search
path (ctypes.util.find_library), then the build tree next to this checkout
(build/libforge.so), which is what the tests use.
"""
import ctypes.util
import os
import subprocess

import cffi

CDEF = r"""
typedef enum forge_status {
    FORGE_OK = 0, FORGE_ECOMPILE = 1, FORGE_EUSAGE = 2, FORGE_EROWS = 3, FORGE_EIO = 4,
    FORGE_ENOMEM = 5, FORGE_ETESTS = 6, FORGE_ENOTFOUND = 7, FORGE_ETYPE = 8,
    FORGE_EMISMATCH = 9
} forge_status;
typedef enum forge_severity { FORGE_SEV_ERROR, FORGE_SEV_WARNING, FORGE_SEV_NOTE } forge_severity;
typedef struct forge_diag {
    forge_severity severity;
    const char *file;
    unsigned line, column;
    const char *message;
    const char *hint;
    const char *rendered;
} forge_diag;
typedef void (*forge_diag_fn)(void *ud, const forge_diag *diag);
typedef void *(*forge_realloc_fn)(void *ud, void *ptr, size_t size);
typedef enum forge_engine { FORGE_ENGINE_DEFAULT, FORGE_ENGINE_INTERP, FORGE_ENGINE_JIT } forge_engine;
typedef struct forge_config {
    forge_realloc_fn realloc_fn;
    void *alloc_ud;
    forge_diag_fn on_diag;
    void *diag_ud;
    const char *const *include_dirs;
    size_t ninclude_dirs;
    forge_engine engine;
    int jit_no_cache;
    int werror;
} forge_config;
typedef struct forge_policy forge_policy;
typedef int (*forge_write_fn)(void *ud, const char *data, size_t len);
typedef enum forge_format {
    FORGE_FORMAT_CSV, FORGE_FORMAT_TSV, FORGE_FORMAT_JSONL, FORGE_FORMAT_TABLE, FORGE_FORMAT_MARKDOWN
} forge_format;
typedef long long (*forge_read_fn)(void *ud, char *buf, size_t cap);
typedef void (*forge_progress_fn)(void *ud, unsigned long long bytes_read,
                                  unsigned long long rows_read);
typedef struct forge_run_options {
    forge_engine engine;
    forge_format format;
    const char *data_path;
    void *data_stream;
    const char *data_name;
    forge_read_fn read;
    void *read_ud;
    char delimiter;
    const char *na;
    forge_write_fn write_out;
    void *out_ud;
    forge_write_fn write_err;
    void *err_ud;
    int no_cache;
    int report_totals;
    forge_progress_fn progress;
    void *progress_ud;
    unsigned jobs;
    int no_header;
    const char *columns;
    char columns_delimiter;
} forge_run_options;
typedef struct forge_summary {
    uint64_t rows_read, rows_evaluated, rows_in_error;
    char message[512];
} forge_summary;
typedef enum forge_explain_format { FORGE_EXPLAIN_TEXT, FORGE_EXPLAIN_JSON } forge_explain_format;
typedef struct forge_explain_options {
    const char *key;
    unsigned long long line;
    const char *where;
    unsigned limit;
    forge_explain_format format;
    forge_diag_fn on_diag;
    void *diag_ud;
} forge_explain_options;
typedef enum forge_type { FORGE_TYPE_INT = 1, FORGE_TYPE_NUM = 2, FORGE_TYPE_BOOL = 3,
                          FORGE_TYPE_STR = 4 } forge_type;
typedef struct forge_input_info {
    const char *name; const char *header; forge_type type; int optional; int key;
} forge_input_info;
typedef struct forge_output_info { const char *name; forge_type type; int optional; } forge_output_info;
typedef struct forge_report_info {
    const char *name; size_t nby; const char *const *by; size_t ncolumns;
} forge_report_info;
typedef struct forge_session forge_session;
typedef enum forge_row_error_kind {
    FORGE_ROW_OK = 0, FORGE_ROW_BAD_VALUE, FORGE_ROW_MISSING_VALUE, FORGE_ROW_RAGGED,
    FORGE_ROW_BAD_QUOTE, FORGE_ROW_INT_OVERFLOW, FORGE_ROW_DIV_ZERO, FORGE_ROW_NOT_FINITE,
    FORGE_ROW_INT_RANGE, FORGE_ROW_NO_TABLE_ROW, FORGE_ROW_NOMEM
} forge_row_error_kind;
typedef struct forge_row_error {
    forge_row_error_kind kind;
    const char *reason;
    const char *detail;
    const char *message;
    long column;
    const char *file;
    unsigned line, col;
} forge_row_error;
typedef struct forge_column {
    const int64_t *i; const double *n; const uint8_t *b; const char *const *s;
    const size_t *len; const uint8_t *missing;
} forge_column;
typedef struct forge_out_column {
    int64_t *i; double *n; uint8_t *b; const char **s; size_t *len; uint8_t *missing;
} forge_out_column;

const char *forge_version(void);
const char *forge_status_text(forge_status s);
void forge_config_init(forge_config *cfg);
forge_status forge_compile_file(const forge_config *cfg, const char *path, forge_policy **out);
forge_status forge_compile_string(const forge_config *cfg, const char *name, const char *text,
                                  size_t len, forge_policy **out);
void forge_policy_free(forge_policy *p);
void forge_run_options_init(forge_run_options *opt);
int forge_jit_available(void);
forge_status forge_eval(const forge_policy *p, const forge_run_options *opt, forge_summary *sum);
forge_status forge_report(const forge_policy *p, const forge_run_options *opt, forge_summary *sum);
void forge_explain_options_init(forge_explain_options *xo);
forge_status forge_explain(const forge_policy *p, const forge_run_options *opt,
                           const forge_explain_options *xo, forge_summary *sum);
size_t forge_policy_ninputs(const forge_policy *p);
size_t forge_policy_noutputs(const forge_policy *p);
size_t forge_policy_nreports(const forge_policy *p);
forge_status forge_policy_input(const forge_policy *p, size_t i, forge_input_info *out);
forge_status forge_policy_output(const forge_policy *p, size_t i, forge_output_info *out);
forge_status forge_policy_report(const forge_policy *p, size_t i, forge_report_info *out);
const char *forge_policy_name(const forge_policy *p);
const char *forge_policy_version(const forge_policy *p);
forge_engine forge_policy_engine(const forge_policy *p);
forge_status forge_session_new(const forge_policy *p, forge_session **out);
void forge_session_free(forge_session *s);
const char *forge_session_errmsg(const forge_session *s);
forge_status forge_eval_columns(forge_session *s, const forge_column *in, size_t nrows,
                                forge_out_column *out, uint8_t *row_error, size_t *nerrors);
forge_status forge_session_batch_error(forge_session *s, size_t row, forge_row_error *out);

typedef struct forge_report_partial forge_report_partial;
forge_status forge_report_partial_new(const forge_policy *p, forge_report_partial **out);
void forge_report_partial_free(forge_report_partial *rp);
const char *forge_report_partial_errmsg(const forge_report_partial *rp);
forge_status forge_report_partial_add_columns(forge_report_partial *rp, forge_session *s,
                                              const forge_column *in, size_t nrows,
                                              const uint8_t *bad, size_t *nerrors);
forge_status forge_report_partial_add_csv(forge_report_partial *rp, const forge_run_options *opt,
                                          forge_summary *sum);
forge_status forge_report_partial_merge(forge_report_partial *into,
                                        const forge_report_partial *from);
forge_status forge_report_partial_serialize(forge_report_partial *rp, forge_write_fn write,
                                            void *ud);
forge_status forge_report_partial_deserialize(forge_report_partial *rp, const void *data,
                                              size_t len);
forge_status forge_report_partial_counts(const forge_report_partial *rp, forge_summary *sum);
forge_status forge_report_partial_write(forge_report_partial *rp, const forge_run_options *opt,
                                        forge_summary *sum);

typedef enum forge_struct_id {
    FORGE_STRUCT_DIAG = 1, FORGE_STRUCT_CONFIG, FORGE_STRUCT_RUN_OPTIONS, FORGE_STRUCT_SUMMARY,
    FORGE_STRUCT_TEST_RESULT, FORGE_STRUCT_EXPLAIN_OPTIONS, FORGE_STRUCT_COVERAGE,
    FORGE_STRUCT_DIFF_OPTIONS, FORGE_STRUCT_DIFF_SUMMARY, FORGE_STRUCT_INPUT_INFO,
    FORGE_STRUCT_OUTPUT_INFO, FORGE_STRUCT_REPORT_INFO, FORGE_STRUCT_VALUE,
    FORGE_STRUCT_ROW_ERROR, FORGE_STRUCT_COLUMN, FORGE_STRUCT_OUT_COLUMN
} forge_struct_id;
size_t forge_struct_size(forge_struct_id id);
"""

# The structs declared above and their forge_struct_id. GROWABLE ones are
# allocated with OPTIONS_ROOM bytes, so a newer library may have appended
# fields to them; every other one must have exactly the library's size.
STRUCTS = {
    "forge_diag": "FORGE_STRUCT_DIAG",
    "forge_config": "FORGE_STRUCT_CONFIG",
    "forge_run_options": "FORGE_STRUCT_RUN_OPTIONS",
    "forge_summary": "FORGE_STRUCT_SUMMARY",
    "forge_explain_options": "FORGE_STRUCT_EXPLAIN_OPTIONS",
    "forge_input_info": "FORGE_STRUCT_INPUT_INFO",
    "forge_output_info": "FORGE_STRUCT_OUTPUT_INFO",
    "forge_report_info": "FORGE_STRUCT_REPORT_INFO",
    "forge_row_error": "FORGE_STRUCT_ROW_ERROR",
    "forge_column": "FORGE_STRUCT_COLUMN",
    "forge_out_column": "FORGE_STRUCT_OUT_COLUMN",
}
GROWABLE = ("forge_run_options", "forge_explain_options")

# Room for fields a newer library appends to these option structs.
OPTIONS_ROOM = 4096

ffi = cffi.FFI()
ffi.cdef(CDEF)


def _candidates():
    env = os.environ.get("FORGE_LIBRARY")
    if env:
        yield env
        return
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "forge"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        if libdir:
            yield os.path.join(libdir, "libforge.so.0")
            yield os.path.join(libdir, "libforge.so")
    except (OSError, subprocess.SubprocessError):
        pass
    found = ctypes.util.find_library("forge")
    if found:
        yield found
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    yield os.path.join(root, "build", "libforge.so")


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path + " (absent)")
            continue
        try:
            return ffi.dlopen(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("forge: cannot load libforge; set FORGE_LIBRARY to libforge.so. Tried: " +
                      "; ".join(tried))


def check_layouts(lib, path):
    """Refuses a library whose struct sizes differ from the declarations
    above (a stale copy would make the library read or write past the
    structs the binding allocates). Returns {struct: (binding, library)}."""
    try:
        size_of = lib.forge_struct_size
    except AttributeError:
        raise ImportError("forge: %s is older than this binding (it has no forge_struct_size); "
                          "install a matching libforge or set FORGE_LIBRARY" % path) from None
    sizes, bad = {}, []
    for name, sid in STRUCTS.items():
        mine, theirs = ffi.sizeof(name), size_of(getattr(lib, sid))
        sizes[name] = (mine, theirs)
        ok = mine <= theirs <= OPTIONS_ROOM if name in GROWABLE else mine == theirs
        if not ok:
            bad.append("%s: %d bytes here, %d in the library" % (name, mine, theirs))
    if bad:
        raise ImportError("forge: the struct layouts of bindings/python/forge/_lib.py do not "
                          "match %s (update the declarations from include/forge.h): %s"
                          % (path, "; ".join(bad)))
    return sizes


lib, path = _load()
check_layouts(lib, path)
