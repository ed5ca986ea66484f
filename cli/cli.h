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
    const char *output;      /* -o FILE, or NULL for standard output */
    const char *errors;      /* --errors FILE, or NULL for standard error */
    forge_format format;
    bool format_given;
    forge_engine engine;
    char delimiter;          /* 0: from the data file's name */
    const char *na;
    const char *includes[FC_MAX_INCLUDES];
    size_t nincludes;
    bool quiet, help, dump_ir;
} fc_options;

/* Parses the arguments after the command. Returns -1 when the command
 * should run, or an exit code (2 after printing a usage error). */
int fc_parse_options(fc_options *o, const char *cmd, int argc, char **argv);
int fc_usage_error(const char *fmt, const char *arg);

int fc_cmd_run(const fc_options *o, bool report);
int fc_cmd_check(const fc_options *o);
int fc_cmd_test(const fc_options *o);

#endif
