/* cli.h — the forgec program's parts: option parsing and the commands. */
#ifndef FC_CLI_H
#define FC_CLI_H

#include <forge.h>
#include <stdbool.h>

#define FC_MAX_INCLUDES 64

typedef struct fc_options {
    const char *cmd;
    const char *policy;
    const char *data;
    const char *output; /* -o FILE, or NULL for standard output */
    const char *errors; /* --errors FILE, or NULL for standard error */
    forge_format format;
    bool format_given;
    forge_engine engine;
    char delimiter; /* 0: from the data file's name */
    const char *na;
    const char *includes[FC_MAX_INCLUDES];
    size_t nincludes;
    bool quiet, help, dump_ir;
    bool werror;             /* check --werror: warnings fail the compile */
    bool totals;             /* report --totals: totals row in csv/tsv/jsonl too */
    bool no_cache;           /* --no-cache: do not use the JIT's compiled-code cache */
    unsigned jobs;           /* eval/report -j N: worker threads (0: every core) */
    bool no_header;          /* eval/report --no-header: the data has no header line */
    const char *columns;     /* --columns LIST: its header (comma-separated) */
    const char *schema_from; /* --schema-from-header FILE: header = FILE's first line */
    forge_emit_kind emit;    /* compile --emit llvm|asm|obj (default obj) */
    bool coverage;           /* test --coverage (also set by --coverage-min) */
    bool coverage_min_given;
    double coverage_min; /* test --coverage-min PCT */
} fc_options;

/* Parses the arguments after the command. Returns -1 when the command
 * should run, or an exit code (2 after printing a usage error). */
int fc_parse_options(fc_options *o, const char *cmd, int argc, char **argv);
int fc_usage_error(const char *fmt, const char *arg);
/* -o naming an existing non-regular file (/dev/full, a FIFO): written in
 * place, since a temporary renamed over it would replace the node. */
bool fc_write_in_place(const char *path);

int fc_cmd_run(const fc_options *o, bool report);
/* fmt and diff parse their own options (cli/cmd_fmt.c, cli/cmd_diff.c). */
int fc_cmd_fmt(int argc, char **argv);
int fc_cmd_diff(int argc, char **argv);
void fc_help_fmt(void);
void fc_help_diff(void);

/* Progress line on standard error (cli/progress.c). */
typedef struct fc_progress {
    bool active, shown;
    unsigned long long size; /* input bytes, 0 when unknown */
    double start, last;
} fc_progress;
/* True when a progress line may be shown (stderr a terminal, not quiet). */
bool fc_progress_init(fc_progress *pr, const char *data_path, bool quiet);
void fc_progress_cb(void *ud, unsigned long long bytes, unsigned long long rows);
void fc_progress_done(fc_progress *pr);
int fc_cmd_check(const fc_options *o);
int fc_cmd_test(const fc_options *o);
int fc_cmd_compile(const fc_options *o);
/* cmd_explain.c: `explain` (own option parsing) and `test --coverage`. */
int fc_cmd_explain(int argc, char **argv);
void fc_explain_help(void);
int fc_cmd_test_coverage(const fc_options *o);

#endif
