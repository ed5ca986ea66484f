/* api_row.c — forge_row: one reusable input record built by the host,
 * field by field (by input index or name), for forge_eval_row. Values are
 * typed as the policy declares them; strings are copied into per-field
 * buffers that are kept (and grown) between uses. */
#include <string.h>

#include "api_session.h"

static forge_status row_fail(forge_row *r, forge_status st, const char *msg, const char *name)
{
    snprintf(r->errmsg, sizeof r->errmsg, "%s%s", msg, name ? name : "");
    return st;
}

forge_status forge_row_new(const forge_policy *p, forge_row **out)
{
    if (!out)
        return FORGE_EUSAGE;
    *out = NULL;
    if (!p)
        return FORGE_EUSAGE;
    const fg_allocator *alloc = fg_policy_alloc(p);
    const fg_program *prog = fg_policy_program(p);
    forge_row *r = fg_calloc(alloc, 1, sizeof *r);
    if (!r)
        return FORGE_ENOMEM;
    r->policy = p;
    r->alloc = alloc;
    r->n = prog->ninputs;
    r->vals = fg_calloc(alloc, (size_t)r->n + 1, sizeof *r->vals);
    r->bufs = fg_calloc(alloc, (size_t)r->n + 1, sizeof *r->bufs);
    r->bufcaps = fg_calloc(alloc, (size_t)r->n + 1, sizeof *r->bufcaps);
    if (!r->vals || !r->bufs || !r->bufcaps) {
        forge_row_free(r);
        return FORGE_ENOMEM;
    }
    forge_row_clear(r);
    *out = r;
    return FORGE_OK;
}

void forge_row_free(forge_row *r)
{
    if (!r)
        return;
    for (uint32_t i = 0; r->bufs && i < r->n; i++)
        fg_free(r->alloc, r->bufs[i]);
    fg_free(r->alloc, r->bufs);
    fg_free(r->alloc, r->bufcaps);
    fg_free(r->alloc, r->vals);
    fg_free(r->alloc, r);
}

void forge_row_clear(forge_row *r)
{
    if (!r)
        return;
    for (uint32_t i = 0; i < r->n; i++) {
        memset(&r->vals[i], 0, sizeof r->vals[i]);
        r->vals[i].missing = true;
    }
    r->errmsg[0] = '\0';
}

const char *forge_row_errmsg(const forge_row *r)
{
    return r ? r->errmsg : "";
}

/* The type of input index, after checking the index. */
static forge_status field(forge_row *r, size_t index, fg_type *type)
{
    if (!r)
        return FORGE_EUSAGE;
    r->errmsg[0] = '\0';
    if (index >= r->n) {
        snprintf(r->errmsg, sizeof r->errmsg, "no input %zu (the policy has %u)", index, r->n);
        return FORGE_ENOTFOUND;
    }
    *type = fg_policy_program(r->policy)->inputs[index].type;
    return FORGE_OK;
}

static forge_status wrong_type(forge_row *r, size_t index, const char *given)
{
    const fg_input *in = &fg_policy_program(r->policy)->inputs[index];
    snprintf(r->errmsg, sizeof r->errmsg, "input %s is %s, not %s", in->name,
             fg_type_name((fg_type)fg_type_base(in->type)), given);
    return FORGE_ETYPE;
}

forge_status forge_row_set_int(forge_row *r, size_t index, int64_t v)
{
    fg_type t;
    forge_status st = field(r, index, &t);
    if (st != FORGE_OK)
        return st;
    fg_value *x = &r->vals[index];
    if (fg_type_base(t) == FG_T_INT)
        x->i = v;
    else if (fg_type_base(t) == FG_T_NUM)
        x->n = (double)v; /* widening, as the language does */
    else
        return wrong_type(r, index, "int");
    x->missing = false;
    return FORGE_OK;
}

forge_status forge_row_set_num(forge_row *r, size_t index, double v)
{
    fg_type t;
    forge_status st = field(r, index, &t);
    if (st != FORGE_OK)
        return st;
    if (fg_type_base(t) != FG_T_NUM)
        return wrong_type(r, index, "num");
    r->vals[index].n = v;
    r->vals[index].missing = false;
    return FORGE_OK;
}

forge_status forge_row_set_bool(forge_row *r, size_t index, int v)
{
    fg_type t;
    forge_status st = field(r, index, &t);
    if (st != FORGE_OK)
        return st;
    if (fg_type_base(t) != FG_T_BOOL)
        return wrong_type(r, index, "bool");
    r->vals[index].b = v != 0;
    r->vals[index].missing = false;
    return FORGE_OK;
}

forge_status forge_row_set_str(forge_row *r, size_t index, const char *s, size_t len)
{
    fg_type t;
    forge_status st = field(r, index, &t);
    if (st != FORGE_OK)
        return st;
    if (fg_type_base(t) != FG_T_STR)
        return wrong_type(r, index, "str");
    if (!s)
        return row_fail(r, FORGE_EUSAGE, "NULL string (use forge_row_set_missing)", NULL);
    if (len == (size_t)-1)
        len = strlen(s);
    if (len > UINT32_MAX - 1)
        return row_fail(r, FORGE_EUSAGE, "string too long", NULL);
    if (len + 1 > r->bufcaps[index]) {
        size_t cap = len + 1 < 32 ? 32 : len + 1;
        char *nb = fg_realloc(r->alloc, r->bufs[index], cap);
        if (!nb)
            return row_fail(r, FORGE_ENOMEM, "out of memory", NULL);
        r->bufs[index] = nb;
        r->bufcaps[index] = cap;
    }
    memcpy(r->bufs[index], s, len);
    r->bufs[index][len] = '\0';
    r->vals[index].s.ptr = r->bufs[index];
    r->vals[index].s.len = (uint32_t)len;
    r->vals[index].missing = false;
    return FORGE_OK;
}

forge_status forge_row_set_missing(forge_row *r, size_t index)
{
    fg_type t;
    forge_status st = field(r, index, &t);
    if (st != FORGE_OK)
        return st;
    r->vals[index].missing = true;
    return FORGE_OK;
}

/* The index of the input called name, or FORGE_ENOTFOUND in r's message. */
static forge_status by_name(forge_row *r, const char *name, size_t *index)
{
    if (!r)
        return FORGE_EUSAGE;
    if (!name)
        return row_fail(r, FORGE_EUSAGE, "no input name given", NULL);
    forge_status st = forge_policy_input_index(r->policy, name, index);
    if (st != FORGE_OK)
        return row_fail(r, st, "no input called ", name);
    return FORGE_OK;
}

forge_status forge_row_set_int_by_name(forge_row *r, const char *name, int64_t v)
{
    size_t i;
    forge_status st = by_name(r, name, &i);
    return st != FORGE_OK ? st : forge_row_set_int(r, i, v);
}

forge_status forge_row_set_num_by_name(forge_row *r, const char *name, double v)
{
    size_t i;
    forge_status st = by_name(r, name, &i);
    return st != FORGE_OK ? st : forge_row_set_num(r, i, v);
}

forge_status forge_row_set_bool_by_name(forge_row *r, const char *name, int v)
{
    size_t i;
    forge_status st = by_name(r, name, &i);
    return st != FORGE_OK ? st : forge_row_set_bool(r, i, v);
}

forge_status forge_row_set_str_by_name(forge_row *r, const char *name, const char *s, size_t len)
{
    size_t i;
    forge_status st = by_name(r, name, &i);
    return st != FORGE_OK ? st : forge_row_set_str(r, i, s, len);
}

forge_status forge_row_set_missing_by_name(forge_row *r, const char *name)
{
    size_t i;
    forge_status st = by_name(r, name, &i);
    return st != FORGE_OK ? st : forge_row_set_missing(r, i);
}
