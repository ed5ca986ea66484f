/* main.c — the forgec program: parses the command line and calls libforge
 * through its public header only. It prints what the library hands back
 * (diagnostics, rows, error lines, summaries) and turns statuses into the
 * documented exit codes: 0 ok, 1 policy does not compile, 2 usage, 3 some
 * rows in error, 4 I/O failure. */
#include <forge.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *const usage_text =
    "usage: forgec COMMAND [options] ...\n"
    "\n"
    "commands:\n"
    "  eval POLICY DATA      evaluate the policy on every row of DATA (CSV/TSV, .gz, - for stdin)\n"
    "  check POLICY          parse and type-check the policy only\n"
    "  test POLICY           run the policy's own tests\n"
    "  report POLICY DATA    run the policy's report blocks over DATA\n"
    "  diff OLD NEW DATA     compare two versions of a policy on the same data\n"
    "  fmt POLICY            print the policy in the canonical layout (--check, -w)\n"
    "  explain POLICY DATA   explain the results of selected rows (--key, --line, --where)\n"
    "  compile POLICY        write the policy's native code ahead of time (--emit llvm|asm|obj)\n"
    "\n"
    "  forgec COMMAND --help   options of one command\n"
    "  forgec --version        print the version\n"
    "\n"
    "exit status: 0 ok, 1 the policy does not compile (or tests failed), 2 usage,\n"
    "             3 some rows in error, 4 input/output failure\n";

static const char *const data_options_text =
    "  -o, --output FILE     write the result to FILE (replaced only when the run succeeds)\n"
    "  --format FMT          csv, tsv, jsonl or table (eval: csv; report: table on a\n"
    "                        terminal, csv otherwise)\n"
    "  --errors FILE         write row error lines to FILE instead of standard error\n"
    "  --engine ENGINE       jit (LLVM native code; the default when this build has it) or\n"
    "                        interp (the interpreter, always built)\n"
    "  --no-cache            do not read or write the jit's compiled-code cache\n"
    "                        ($XDG_CACHE_HOME/forgec, else ~/.cache/forgec)\n"
    "  --delimiter C         field delimiter: a single character, or 'tab'\n"
    "                        (default: tab for .tsv/.tab files, else comma)\n"
    "  --na LIST             extra missing-value markers, comma-separated (e.g. \"NA,N/A\")\n"
    "  -I DIR                search DIR for imported policy files\n"
    "  -j, --jobs N          worker threads (default: every core); the output is the same\n"
    "                        bytes, in input order, for every N\n"
    "  -q, --quiet           do not print the closing summary line\n"
    "  --no-header           the data has no header line (a split part, a streaming\n"
    "                        mapper's input); line numbers count data lines from 1\n"
    "  --columns LIST        with --no-header: the header, comma-separated\n"
    "  --schema-from-header FILE  the header is FILE's first line (implies --no-header)\n";

static void print_command_help(const char *cmd)
{
    if (strcmp(cmd, "eval") == 0) {
        printf("usage: forgec eval POLICY DATA [options]\n\n"
               "Evaluates POLICY on every row of DATA and writes one output row per evaluated\n"
               "input row, in input order: the key columns, then the outputs. A row that cannot\n"
               "be evaluated (bad cell, missing value, ragged row, division by zero, ...) is not\n"
               "written; it goes to the error stream as `DATA:LINE: error: key K: reason`, and\n"
               "every other row is still evaluated. A summary line ends the run.\n\n"
               "options:\n%s",
               data_options_text);
    } else if (strcmp(cmd, "report") == 0) {
        printf(
            "usage: forgec report POLICY DATA [options]\n\n"
            "Evaluates POLICY on DATA and writes its report blocks, each with its own header\n"
            "row, separated by one empty line. Writes an aligned table when standard output is\n"
            "a terminal, CSV otherwise, unless --format says (also markdown: a GitHub pipe\n"
            "table). Tables and markdown show numbers with thousands separators and end each\n"
            "report with `by` in a `total` row; csv, tsv and jsonl stay exact and show totals\n"
            "only with --totals (a leading `row` column: `group` or `total`).\n\n"
            "options:\n%s"
            "  --totals              csv/tsv/jsonl: add the totals row of each report with `by`\n",
            data_options_text);
    } else if (strcmp(cmd, "fmt") == 0) {
        fc_help_fmt();
    } else if (strcmp(cmd, "diff") == 0) {
        fc_help_diff();
    } else if (strcmp(cmd, "check") == 0) {
        printf("usage: forgec check POLICY [options]\n\n"
               "Parses and type-checks POLICY and prints its diagnostics. Exit 0 when it\n"
               "compiles (warnings allowed), 1 when it does not.\n\n"
               "options:\n"
               "  -I DIR                search DIR for imported policy files\n"
               "  --dump-ir             print the typed IR the engines execute\n"
               "  --werror              treat warnings as errors (exit 1)\n");
    } else if (strcmp(cmd, "test") == 0) {
        printf(
            "usage: forgec test POLICY [options]\n\n"
            "Runs the policy's own `test` blocks. Prints each test's outcome, each failed\n"
            "expectation with the actual values of its parts, and ends with the line\n"
            "`N passed, N failed`. Exit 0 when all pass, 1 otherwise.\n\n"
            "options:\n"
            "  --engine ENGINE       jit (the default when this build has it) or interp\n"
            "  --no-cache            do not use the jit's compiled-code cache\n"
            "  --coverage            also report what the tests never exercised: rules never\n"
            "                        seen passing or failing, decide arms and table rows never\n"
            "                        taken, fns and lets never evaluated (FILE:LINE each), and\n"
            "                        the total: covered items / all items, where the items are\n"
            "                        each rule's two outcomes, each decide arm, each table row,\n"
            "                        each fn and each let (measured with the interpreter)\n"
            "  --coverage-min PCT    with --coverage: exit 1 when the total is below PCT\n"
            "  -I DIR                search DIR for imported policy files\n");
    } else if (strcmp(cmd, "explain") == 0) {
        fc_explain_help();
    } else if (strcmp(cmd, "compile") == 0) {
        printf("usage: forgec compile POLICY [--emit llvm|asm|obj] [-o FILE]\n\n"
               "Writes the policy's optimised native code ahead of time: LLVM IR text, assembly\n"
               "or an object file (the default) exporting forge_policy_eval; link the object\n"
               "with the static libforge.a (see forge_aot.h). Standard output without -o.\n"
               "Needs a build with the jit engine.\n\n"
               "options:\n"
               "  --emit KIND           llvm, asm or obj\n"
               "  -o, --output FILE     write to FILE (replaced only when it succeeds)\n"
               "  -I DIR                search DIR for imported policy files\n");
    } else {
        fputs(usage_text, stdout);
    }
}

int fc_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "forgec: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage_text);
    return 2;
}

int main(int argc, char **argv)
{
    /* A closed pipe (`forgec eval ... | head`) must not kill the run
     * silently: writes then fail with EPIPE, reported as an I/O error (4). */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2)
        return fc_usage_error("no command given%s", "");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (argc > 2)
            print_command_help(argv[2]);
        else
            fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("forgec %s\n", forge_version());
        return 0;
    }
    if (strcmp(cmd, "explain") == 0)
        return fc_cmd_explain(argc - 2, argv + 2);
    if (strcmp(cmd, "fmt") == 0)
        return fc_cmd_fmt(argc - 2, argv + 2);
    if (strcmp(cmd, "diff") == 0)
        return fc_cmd_diff(argc - 2, argv + 2);
    fc_options o;
    int rc = fc_parse_options(&o, cmd, argc - 2, argv + 2);
    if (rc >= 0)
        return rc;
    if (o.help) {
        print_command_help(cmd);
        return 0;
    }
    if (strcmp(cmd, "eval") == 0 || strcmp(cmd, "report") == 0)
        return fc_cmd_run(&o, strcmp(cmd, "report") == 0);
    if (strcmp(cmd, "check") == 0)
        return fc_cmd_check(&o);
    if (strcmp(cmd, "test") == 0)
        return fc_cmd_test(&o);
    if (strcmp(cmd, "compile") == 0)
        return fc_cmd_compile(&o);
    return fc_usage_error("unknown command `%s`", cmd);
}
