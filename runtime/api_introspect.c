/* api_introspect.c — what a compiled policy declares, for hosts that build
 * records or columns themselves: inputs (name, CSV header, type, optional,
 * key), outputs, rules, reports and tests, read from the program with no
 * allocation (the strings belong to the policy). */
#include <string.h>

#include "policy_int.h"

static forge_type public_type(fg_type t)
{
    return (forge_type)fg_type_base(t);
}

const char *forge_type_name(forge_type t)
{
    switch (t) {
    case FORGE_TYPE_INT:
        return "int";
    case FORGE_TYPE_NUM:
        return "num";
    case FORGE_TYPE_BOOL:
        return "bool";
    case FORGE_TYPE_STR:
        return "str";
    }
    return "?";
}

size_t forge_policy_ninputs(const forge_policy *p)
{
    return p ? fg_policy_program(p)->ninputs : 0;
}
size_t forge_policy_noutputs(const forge_policy *p)
{
    return p ? fg_policy_program(p)->noutputs : 0;
}
size_t forge_policy_nrules(const forge_policy *p)
{
    return p ? fg_policy_program(p)->nrules : 0;
}
size_t forge_policy_nreports(const forge_policy *p)
{
    return p ? fg_policy_program(p)->nreports : 0;
}
size_t forge_policy_ntests(const forge_policy *p)
{
    return p ? fg_policy_program(p)->ntests : 0;
}

forge_status forge_policy_input(const forge_policy *p, size_t i, forge_input_info *out)
{
    if (!p || !out)
        return FORGE_EUSAGE;
    const fg_program *prog = fg_policy_program(p);
    if (i >= prog->ninputs)
        return FORGE_ENOTFOUND;
    const fg_input *in = &prog->inputs[i];
    out->name = in->name;
    out->header = in->header ? in->header : in->name;
    out->type = public_type(in->type);
    out->optional = fg_type_is_opt(in->type);
    out->key = in->key;
    return FORGE_OK;
}

forge_status forge_policy_output(const forge_policy *p, size_t i, forge_output_info *out)
{
    if (!p || !out)
        return FORGE_EUSAGE;
    const fg_program *prog = fg_policy_program(p);
    if (i >= prog->noutputs)
        return FORGE_ENOTFOUND;
    out->name = prog->outputs[i].name;
    out->type = public_type(prog->outputs[i].type);
    out->optional = fg_type_is_opt(prog->outputs[i].type);
    return FORGE_OK;
}

forge_status forge_policy_report(const forge_policy *p, size_t i, forge_report_info *out)
{
    if (!p || !out)
        return FORGE_EUSAGE;
    const fg_program *prog = fg_policy_program(p);
    if (i >= prog->nreports)
        return FORGE_ENOTFOUND;
    const fg_report *r = &prog->reports[i];
    out->name = r->name;
    out->nby = r->nby;
    out->by = r->by_names;
    out->ncolumns = r->ncols;
    return FORGE_OK;
}

forge_status forge_policy_report_column(const forge_policy *p, size_t r, size_t c,
                                        const char **label)
{
    if (!p || !label)
        return FORGE_EUSAGE;
    const fg_program *prog = fg_policy_program(p);
    if (r >= prog->nreports || c >= prog->reports[r].ncols)
        return FORGE_ENOTFOUND;
    *label = prog->reports[r].cols[c].label;
    return FORGE_OK;
}

forge_status forge_policy_rule(const forge_policy *p, size_t i, const char **name)
{
    if (!p || !name)
        return FORGE_EUSAGE;
    const fg_program *prog = fg_policy_program(p);
    if (i >= prog->nrules)
        return FORGE_ENOTFOUND;
    *name = prog->slots[prog->rule_slots[i]].name;
    return FORGE_OK;
}

forge_status forge_policy_test(const forge_policy *p, size_t i, const char **title)
{
    if (!p || !title)
        return FORGE_EUSAGE;
    const fg_program *prog = fg_policy_program(p);
    if (i >= prog->ntests)
        return FORGE_ENOTFOUND;
    *title = prog->tests[i].title;
    return FORGE_OK;
}

forge_status forge_policy_input_index(const forge_policy *p, const char *name, size_t *index)
{
    if (!p || !name || !index)
        return FORGE_EUSAGE;
    const fg_program *prog = fg_policy_program(p);
    for (uint32_t i = 0; i < prog->ninputs; i++) {
        if (strcmp(prog->inputs[i].name, name) == 0) {
            *index = i;
            return FORGE_OK;
        }
    }
    return FORGE_ENOTFOUND;
}

forge_status forge_policy_output_index(const forge_policy *p, const char *name, size_t *index)
{
    if (!p || !name || !index)
        return FORGE_EUSAGE;
    const fg_program *prog = fg_policy_program(p);
    for (uint32_t i = 0; i < prog->noutputs; i++) {
        if (strcmp(prog->outputs[i].name, name) == 0) {
            *index = i;
            return FORGE_OK;
        }
    }
    return FORGE_ENOTFOUND;
}

const char *forge_policy_name(const forge_policy *p)
{
    return p ? fg_policy_program(p)->policy_name : NULL;
}

const char *forge_policy_version(const forge_policy *p)
{
    return p ? fg_policy_program(p)->policy_version : NULL;
}

forge_engine forge_policy_engine(const forge_policy *p)
{
    return p && fg_policy_jit(p) ? FORGE_ENGINE_JIT : FORGE_ENGINE_INTERP;
}
