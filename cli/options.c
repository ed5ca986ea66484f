/* options.c — command-line options of forgec's commands. Options may come
 * before or after the positional arguments; `--opt=value` and `--opt value`
 * are both accepted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static bool takes_data(const char *cmd)
{
    return strcmp(cmd, "eval") == 0 || strcmp(cmd, "report") == 0;
}

static int parse_format(fc_options *o, const char *v)
{
    if (strcmp(v, "csv") == 0)
        o->format = FORGE_FORMAT_CSV;
    else if (strcmp(v, "tsv") == 0)
        o->format = FORGE_FORMAT_TSV;
    else if (strcmp(v, "jsonl") == 0)
        o->format = FORGE_FORMAT_JSONL;
    else if (strcmp(v, "table") == 0)
        o->format = FORGE_FORMAT_TABLE;
    else if (strcmp(v, "markdown") == 0)
        o->format = FORGE_FORMAT_MARKDOWN;
    else
        return fc_usage_error("unknown format `%s` (use csv, tsv, jsonl, table or markdown)", v);
    o->format_given = true;
    return -1;
}

static int parse_engine(fc_options *o, const char *v)
{
    if (strcmp(v, "interp") == 0)
        o->engine = FORGE_ENGINE_INTERP;
    else if (strcmp(v, "jit") == 0)
        o->engine = FORGE_ENGINE_JIT;
    else
        return fc_usage_error("unknown engine `%s` (use interp or jit)", v);
    return -1;
}

static int parse_emit(fc_options *o, const char *v)
{
    if (strcmp(v, "llvm") == 0)
        o->emit = FORGE_EMIT_LLVM;
    else if (strcmp(v, "asm") == 0)
        o->emit = FORGE_EMIT_ASM;
    else if (strcmp(v, "obj") == 0)
        o->emit = FORGE_EMIT_OBJ;
    else
        return fc_usage_error("unknown --emit kind `%s` (use llvm, asm or obj)", v);
    return -1;
}

static int parse_delimiter(fc_options *o, const char *v)
{
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
        o->delimiter = '\t';
    else if (strlen(v) == 1 && v[0] != '"' && v[0] != '\n' && v[0] != '\r')
        o->delimiter = v[0];
    else
        return fc_usage_error("bad delimiter `%s` (one character, or `tab`)", v);
    return -1;
}

int fc_parse_options(fc_options *o, const char *cmd, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->engine = FORGE_ENGINE_DEFAULT;
    o->format = FORGE_FORMAT_CSV;
    o->emit = FORGE_EMIT_OBJ;
    bool is_compile = strcmp(cmd, "compile") == 0;
    bool known =
        takes_data(cmd) || strcmp(cmd, "check") == 0 || strcmp(cmd, "test") == 0 || is_compile;
    if (!known)
        return fc_usage_error("unknown command `%s`", cmd);
    const char *pos[3];
    int npos = 0;
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
            if (npos == 3)
                return fc_usage_error("unexpected argument `%s`", a);
            pos[npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        /* split --name=value */
        char name[64];
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        if (eq && a[1] == '-' && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else if (a[1] == 'j' && a[2] >= '0' && a[2] <= '9') { /* -j8 */
            snprintf(name, sizeof name, "-j");
            val = a + 2;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
        if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
            o->help = true;
            continue;
        }
        if (strcmp(name, "-q") == 0 || strcmp(name, "--quiet") == 0) {
            o->quiet = true;
            continue;
        }
        bool headerless_cmd = strcmp(cmd, "eval") == 0 || strcmp(cmd, "report") == 0;
        if (strcmp(name, "--no-header") == 0 && headerless_cmd) {
            o->no_header = true;
            continue;
        }
        if ((strcmp(name, "--columns") == 0 || strcmp(name, "--schema-from-header") == 0) &&
            headerless_cmd) {
            if (!val && i + 1 < argc)
                val = argv[++i];
            if (!val || !*val)
                return fc_usage_error("option `%s` needs a value", name);
            if (name[2] == 'c')
                o->columns = val;
            else
                o->schema_from = val;
            o->no_header = true;
            continue;
        }
        if (strcmp(name, "--totals") == 0 && strcmp(cmd, "report") == 0) {
            o->totals = true;
            continue;
        }
        if (strcmp(name, "--dump-ir") == 0 && strcmp(cmd, "check") == 0) {
            o->dump_ir = true;
            continue;
        }
        if (strcmp(name, "--werror") == 0 && strcmp(cmd, "check") == 0) {
            o->werror = true;
            continue;
        }
        if (strcmp(name, "--coverage") == 0 && strcmp(cmd, "test") == 0) {
            o->coverage = true;
            continue;
        }
        if (strcmp(name, "--coverage-min") == 0 && strcmp(cmd, "test") == 0) {
            if (!val && i + 1 < argc)
                val = argv[++i];
            char *end = NULL;
            o->coverage_min = val ? strtod(val, &end) : -1;
            if (!val || end == val || *end || o->coverage_min < 0 || o->coverage_min > 100)
                return fc_usage_error("--coverage-min needs a percentage from 0 to 100, not `%s`",
                                      val ? val : "");
            o->coverage = o->coverage_min_given = true;
            continue;
        }
        if (strcmp(name, "--no-cache") == 0 && strcmp(cmd, "check") != 0) {
            o->no_cache = true;
            continue;
        }
        bool data_opt = takes_data(cmd);
        bool valued =
            strcmp(name, "-I") == 0 ||
            (strcmp(name, "--engine") == 0 && strcmp(cmd, "check") != 0 && !is_compile) ||
            (is_compile && (strcmp(name, "--emit") == 0 || strcmp(name, "-o") == 0 ||
                            strcmp(name, "--output") == 0)) ||
            (data_opt && (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0 ||
                          strcmp(name, "--format") == 0 || strcmp(name, "--errors") == 0 ||
                          strcmp(name, "--delimiter") == 0 || strcmp(name, "--na") == 0 ||
                          strcmp(name, "-j") == 0 || strcmp(name, "--jobs") == 0));
        if (!valued)
            return fc_usage_error("unknown option `%s`", name);
        if (!val) {
            if (i + 1 >= argc)
                return fc_usage_error("option `%s` needs a value", name);
            val = argv[++i];
        }
        int rc = -1;
        if (strcmp(name, "-I") == 0) {
            if (o->nincludes == FC_MAX_INCLUDES)
                return fc_usage_error("too many -I options%s", "");
            o->includes[o->nincludes++] = val;
        } else if (strcmp(name, "--emit") == 0) {
            rc = parse_emit(o, val);
        } else if (strcmp(name, "--engine") == 0) {
            rc = parse_engine(o, val);
        } else if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
            o->output = val;
        } else if (strcmp(name, "--format") == 0) {
            rc = parse_format(o, val);
        } else if (strcmp(name, "--errors") == 0) {
            o->errors = val;
        } else if (strcmp(name, "--delimiter") == 0) {
            rc = parse_delimiter(o, val);
        } else if (strcmp(name, "--na") == 0) {
            o->na = val;
        } else if (strcmp(name, "-j") == 0 || strcmp(name, "--jobs") == 0) {
            char *end = NULL;
            unsigned long n = strtoul(val, &end, 10);
            if (end == val || *end || val[0] == '-' || n < 1 || n > 256)
                return fc_usage_error("-j needs a thread count from 1 to 256, not `%s`", val);
            o->jobs = (unsigned)n;
        }
        if (rc >= 0)
            return rc;
    }
    if (o->help)
        return -1;
    int want = takes_data(cmd) ? 2 : 1;
    if (npos < want)
        return fc_usage_error(want == 2 ? "`%s` needs a policy file and a data file"
                                        : "`%s` needs a policy file",
                              cmd);
    if (npos > want)
        return fc_usage_error("unexpected argument `%s`", pos[want]);
    if (o->no_header && !o->columns == !o->schema_from)
        return fc_usage_error("--no-header needs the columns: --columns LIST or "
                              "--schema-from-header FILE (one of them)%s",
                              "");
    o->policy = pos[0];
    o->data = want == 2 ? pos[1] : NULL;
    return -1;
}
