/* ast.c — the builders the parser's actions call to make syntax tree nodes.
 *
 * Each builder allocates one node in the compile arena and fills its syntax
 * fields; checker annotations start zeroed, except param_index, builtin and
 * decl->index which start at -1 ("none"). A builder returns NULL only when
 * the arena is out of memory (the parser then stops with YYNOMEM). Builders
 * that find a mistake the grammar cannot express (an unknown type name, an
 * interpolation where a plain string is needed) report it and still return
 * a usable node, so parsing goes on. */
#include "ast.h"

#include <string.h>

fg_span fg_span_join(fg_span a, fg_span b)
{
    fg_span r = a;
    if (b.file != a.file)
        return a;
    if (b.start < r.start)
        r.start = b.start;
    if (b.end > r.end)
        r.end = b.end;
    return r;
}

fg_expr *fg_ast_expr(fg_arena *ar, fg_expr_kind kind, fg_span span)
{
    fg_expr *e = fg_arena_zalloc(ar, sizeof *e);
    if (!e)
        return NULL;
    e->kind = kind;
    e->span = span;
    e->param_index = -1;
    e->builtin = -1;
    e->depth = 1;
    return e;
}

/* Sets e's nesting depth from an operand's. The node that first goes past
 * FG_MAX_NESTING reports it (one error per over-deep branch), so later
 * stages, which recurse over expressions, never see a deeper tree. */
static void nest(fg_ast_builder *b, fg_expr *e, const fg_expr *operand)
{
    if (!operand || operand->depth + 1 <= e->depth)
        return;
    e->depth = operand->depth + 1;
    if (e->depth == FG_MAX_NESTING + 1) {
        fg_span at = e->kind == FG_E_BINARY ? e->binary.op_span : e->span;
        if (at.end > at.start + 1)
            at.end = at.start + 1;
        fg_diag_add(b->diags, FG_SEV_ERROR, at, "split it with `let` declarations",
                    "expression nested too deeply (limit %d)", FG_MAX_NESTING);
    }
}

static void nest_all(fg_ast_builder *b, fg_expr *e, const fg_ptrvec *v)
{
    for (uint32_t i = 0; v && i < v->n; i++)
        nest(b, e, v->items[i]);
}

fg_decl *fg_ast_decl(fg_arena *ar, fg_decl_kind kind, fg_span span)
{
    fg_decl *d = fg_arena_zalloc(ar, sizeof *d);
    if (!d)
        return NULL;
    d->kind = kind;
    d->span = span;
    d->file = span.file;
    d->index = -1;
    return d;
}

bool fg_ast_push(fg_ast_builder *b, fg_ptrvec *v, void *item)
{
    return item && fg_ptrvec_push(b->ar, v, item);
}

bool fg_ast_add_decl(fg_ast_builder *b, fg_ast *ast, fg_decl *decl)
{
    if (!decl)
        return false;
    decl->file = b->file;
    decl->order = b->order++;
    return fg_ptrvec_push(b->ar, &ast->decls, decl);
}

/* ---------------- expressions ---------------- */

fg_expr *fg_ast_int(fg_ast_builder *b, int64_t v, fg_span span)
{
    fg_expr *e = fg_ast_expr(b->ar, FG_E_INT, span);
    if (e)
        e->ival = v;
    return e;
}

fg_expr *fg_ast_num(fg_ast_builder *b, double v, fg_span span)
{
    fg_expr *e = fg_ast_expr(b->ar, FG_E_NUM, span);
    if (e)
        e->nval = v;
    return e;
}

fg_expr *fg_ast_bool(fg_ast_builder *b, bool v, fg_span span)
{
    fg_expr *e = fg_ast_expr(b->ar, FG_E_BOOL, span);
    if (e)
        e->bval = v;
    return e;
}

fg_expr *fg_ast_name(fg_ast_builder *b, const char *name, fg_span span)
{
    if (!name)
        return NULL;
    fg_expr *e = fg_ast_expr(b->ar, FG_E_NAME, span);
    if (e)
        e->name.name = name;
    return e;
}

fg_expr *fg_ast_call(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *args,
                     fg_span span)
{
    if (!name)
        return NULL;
    fg_expr *e = fg_ast_expr(b->ar, FG_E_CALL, span);
    if (!e)
        return NULL;
    e->call.name = name;
    e->call.name_span = name_span;
    if (args)
        e->call.args = *args;
    nest_all(b, e, args);
    return e;
}

fg_expr *fg_ast_unary(fg_ast_builder *b, fg_unop op, fg_expr *operand, fg_span span)
{
    if (!operand)
        return NULL;
    fg_expr *e = fg_ast_expr(b->ar, FG_E_UNARY, span);
    if (!e)
        return NULL;
    e->unary.op = op;
    e->unary.operand = operand;
    nest(b, e, operand);
    return e;
}

fg_expr *fg_ast_negate_literal(fg_ast_builder *b, fg_expr *lit, fg_span span)
{
    if (!lit)
        return NULL;
    if (lit->kind == FG_E_INT)
        lit->ival = -lit->ival; /* literals are <= INT64_MAX, so this cannot overflow */
    else if (lit->kind == FG_E_NUM)
        lit->nval = -lit->nval;
    else
        return fg_ast_unary(b, FG_OP_NEG, lit, span);
    lit->span = span;
    return lit;
}

fg_expr *fg_ast_binary(fg_ast_builder *b, fg_binop op, fg_expr *lhs, fg_span op_span, fg_expr *rhs)
{
    if (!lhs || !rhs)
        return NULL;
    fg_expr *e = fg_ast_expr(b->ar, FG_E_BINARY, fg_span_join(lhs->span, rhs->span));
    if (!e)
        return NULL;
    e->binary.op = op;
    e->binary.op_span = op_span;
    e->binary.lhs = lhs;
    e->binary.rhs = rhs;
    nest(b, e, lhs);
    nest(b, e, rhs);
    return e;
}

fg_expr *fg_ast_if(fg_ast_builder *b, fg_expr *c, fg_expr *t, fg_expr *el, fg_span span)
{
    if (!c || !t || !el)
        return NULL;
    fg_expr *e = fg_ast_expr(b->ar, FG_E_IF, span);
    if (!e)
        return NULL;
    e->if_.cond = c;
    e->if_.then_e = t;
    e->if_.else_e = el;
    nest(b, e, c);
    nest(b, e, t);
    nest(b, e, el);
    return e;
}

fg_expr *fg_ast_is(fg_ast_builder *b, fg_expr *x, bool present, fg_span span)
{
    if (!x)
        return NULL;
    fg_expr *e = fg_ast_expr(b->ar, FG_E_IS, span);
    if (!e)
        return NULL;
    e->is.operand = x;
    e->is.present = present;
    nest(b, e, x);
    return e;
}

fg_expr *fg_ast_in(fg_ast_builder *b, fg_expr *x, fg_ptrvec *items, fg_span span)
{
    if (!x)
        return NULL;
    fg_expr *e = fg_ast_expr(b->ar, FG_E_IN, span);
    if (!e)
        return NULL;
    e->in.operand = x;
    e->in.items = *items;
    nest(b, e, x);
    nest_all(b, e, items);
    return e;
}

fg_expr *fg_ast_between(fg_ast_builder *b, fg_expr *x, fg_expr *lo, fg_expr *hi, fg_span span)
{
    if (!x || !lo || !hi)
        return NULL;
    fg_expr *e = fg_ast_expr(b->ar, FG_E_BETWEEN, span);
    if (!e)
        return NULL;
    e->between.operand = x;
    e->between.lo = lo;
    e->between.hi = hi;
    nest(b, e, x);
    nest(b, e, lo);
    nest(b, e, hi);
    return e;
}

fg_expr *fg_ast_paren(fg_ast_builder *b, fg_expr *e, fg_span span)
{
    (void)b;
    if (!e)
        return NULL;
    e->parenthesized = true;
    e->span = span;
    return e;
}

/* ---------------- strings ---------------- */

fg_expr *fg_ast_str_new(fg_ast_builder *b, fg_span span)
{
    return fg_ast_expr(b->ar, FG_E_STR, span);
}

/* Adjacent text pieces (a run of plain bytes, then an escape...) merge into
 * one part, so "a\nb" is one text part. */
fg_expr *fg_ast_str_text(fg_ast_builder *b, fg_expr *s, fg_str text, fg_span span)
{
    if (!s || (text.len && !text.ptr))
        return NULL;
    fg_ptrvec *parts = &s->str.parts;
    fg_strpart *last = parts->n ? parts->items[parts->n - 1] : NULL;
    if (last && !last->is_expr) {
        char *p = fg_arena_alloc(b->ar, (size_t)last->text.len + text.len + 1);
        if (!p)
            return NULL;
        memcpy(p, last->text.ptr, last->text.len);
        if (text.len)
            memcpy(p + last->text.len, text.ptr, text.len);
        p[last->text.len + text.len] = '\0';
        last->text.ptr = p;
        last->text.len += text.len;
        last->span = fg_span_join(last->span, span);
        return s;
    }
    fg_strpart *part = fg_arena_zalloc(b->ar, sizeof *part);
    if (!part)
        return NULL;
    char *p = fg_arena_strndup(b->ar, text.len ? text.ptr : "", text.len);
    if (!p)
        return NULL;
    part->text.ptr = p;
    part->text.len = text.len;
    part->span = span;
    return fg_ptrvec_push(b->ar, parts, part) ? s : NULL;
}

fg_expr *fg_ast_str_interp(fg_ast_builder *b, fg_expr *s, fg_expr *e, fg_span span)
{
    if (!s || !e)
        return NULL;
    fg_strpart *part = fg_arena_zalloc(b->ar, sizeof *part);
    if (!part)
        return NULL;
    part->is_expr = true;
    part->expr = e;
    part->span = span;
    nest(b, s, e);
    return fg_ptrvec_push(b->ar, &s->str.parts, part) ? s : NULL;
}

fg_expr *fg_ast_str_done(fg_ast_builder *b, fg_expr *s, fg_span span)
{
    (void)b;
    if (s)
        s->span = span;
    return s;
}

static bool str_check_plain(fg_ast_builder *b, fg_expr *s, const char *what)
{
    for (uint32_t i = 0; i < s->str.parts.n; i++) {
        fg_strpart *p = s->str.parts.items[i];
        if (p->is_expr) {
            fg_diag_add(b->diags, FG_SEV_ERROR, p->span, "write `\\{` for a literal brace",
                        "%s cannot interpolate `{...}`", what);
            return false;
        }
    }
    return true;
}

fg_expr *fg_ast_str_literal(fg_ast_builder *b, fg_expr *s, const char *what)
{
    if (s)
        str_check_plain(b, s, what);
    return s;
}

const char *fg_ast_str_plain(fg_ast_builder *b, fg_expr *s, const char *what)
{
    if (!s)
        return NULL;
    str_check_plain(b, s, what);
    fg_strpart *text = NULL;
    for (uint32_t i = 0; i < s->str.parts.n && !text; i++) {
        fg_strpart *p = s->str.parts.items[i];
        if (!p->is_expr)
            text = p;
    }
    /* parts are NUL-terminated arena copies (see fg_ast_str_text) */
    return text ? text->text.ptr : fg_arena_strndup(b->ar, "", 0);
}

/* ---------------- types, params, cells, rows ---------------- */

fg_type fg_ast_type(fg_ast_builder *b, const char *name, bool opt, fg_span span)
{
    static const struct {
        const char *name;
        fg_type type;
    } types[] = {{"int", FG_T_INT}, {"num", FG_T_NUM}, {"bool", FG_T_BOOL}, {"str", FG_T_STR}};
    for (size_t i = 0; name && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(name, types[i].name) == 0)
            return (fg_type)(types[i].type | (opt ? FG_T_OPT : 0));
    fg_diag_add(b->diags, FG_SEV_ERROR, span, "the types are `int`, `num`, `bool` and `str`",
                "unknown type `%s`", name ? name : "");
    return FG_T_ERROR;
}

fg_param *fg_ast_param(fg_ast_builder *b, const char *name, fg_span span, fg_type type,
                       fg_span type_span)
{
    if (!name)
        return NULL;
    fg_param *p = fg_arena_zalloc(b->ar, sizeof *p);
    if (!p)
        return NULL;
    p->name = name;
    p->span = span;
    p->type = type;
    p->type_span = type_span;
    return p;
}

fg_input_attrs fg_ast_attr_key(fg_ast_builder *b, fg_input_attrs a, fg_span span)
{
    if (a.key)
        fg_diag_add(b->diags, FG_SEV_ERROR, span, NULL, "`key` is written twice");
    a.key = true;
    return a;
}

fg_input_attrs fg_ast_attr_from(fg_ast_builder *b, fg_input_attrs a, const char *header,
                                fg_span span)
{
    if (a.header)
        fg_diag_add(b->diags, FG_SEV_ERROR, span, NULL, "`from` is written twice");
    a.header = header;
    return a;
}

fg_cell *fg_ast_cell(fg_ast_builder *b, fg_cell_kind kind, fg_expr *a, fg_expr *bb,
                     fg_ptrvec *items, fg_span span)
{
    fg_cell *c = fg_arena_zalloc(b->ar, sizeof *c);
    if (!c)
        return NULL;
    c->kind = kind;
    c->span = span;
    c->a = a;
    c->b = bb;
    if (items)
        c->items = *items;
    return c;
}

fg_table_row *fg_ast_table_row(fg_ast_builder *b, fg_ptrvec *cells, fg_expr *result, fg_span span)
{
    if (!result)
        return NULL;
    fg_table_row *r = fg_arena_zalloc(b->ar, sizeof *r);
    if (!r)
        return NULL;
    r->span = span;
    r->cells = *cells;
    r->result = result;
    return r;
}

fg_decide_arm *fg_ast_arm(fg_ast_builder *b, fg_expr *cond, fg_expr *value, fg_span span)
{
    if (!value)
        return NULL;
    fg_decide_arm *a = fg_arena_zalloc(b->ar, sizeof *a);
    if (!a)
        return NULL;
    a->span = span;
    a->cond = cond;
    a->value = value;
    return a;
}

fg_report_item *fg_ast_report_item(fg_ast_builder *b, const char *label, fg_span label_span,
                                   fg_expr *agg)
{
    if (!label || !agg)
        return NULL;
    fg_report_item *it = fg_arena_zalloc(b->ar, sizeof *it);
    if (!it)
        return NULL;
    it->label = label;
    it->label_span = label_span;
    it->agg = agg;
    return it;
}

fg_field_init *fg_ast_field(fg_ast_builder *b, const char *name, fg_span name_span, fg_expr *value)
{
    if (!name)
        return NULL;
    fg_field_init *f = fg_arena_zalloc(b->ar, sizeof *f);
    if (!f)
        return NULL;
    f->name = name;
    f->name_span = name_span;
    f->value = value;
    return f;
}

/* ---------------- declarations ---------------- */

static fg_decl *named(fg_ast_builder *b, fg_decl_kind kind, const char *name, fg_span name_span,
                      fg_span span)
{
    if (!name)
        return NULL;
    fg_decl *d = fg_ast_decl(b->ar, kind, span);
    if (!d)
        return NULL;
    d->name = name;
    d->name_span = name_span;
    return d;
}

fg_decl *fg_ast_policy(fg_ast_builder *b, const char *name, const char *version, fg_span span)
{
    fg_decl *d = fg_ast_decl(b->ar, FG_D_POLICY, span);
    if (!d)
        return NULL;
    d->policy.name = name;
    d->policy.version = version;
    return d;
}

fg_decl *fg_ast_input(fg_ast_builder *b, const char *name, fg_span name_span, fg_type type,
                      fg_span type_span, fg_input_attrs attrs, fg_span span)
{
    fg_decl *d = named(b, FG_D_INPUT, name, name_span, span);
    if (!d)
        return NULL;
    d->input.type = type;
    d->input.type_span = type_span;
    d->input.key = attrs.key;
    d->input.header = attrs.header;
    return d;
}

fg_decl *fg_ast_valdecl(fg_ast_builder *b, fg_decl_kind kind, const char *name, fg_span name_span,
                        fg_expr *value, fg_span span)
{
    fg_decl *d = named(b, kind, name, name_span, span);
    if (!d)
        return NULL;
    if (kind == FG_D_CONST)
        d->const_.value = value;
    else if (kind == FG_D_LET)
        d->let.value = value;
    else
        d->output.value = value;
    return d;
}

fg_decl *fg_ast_fn(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *params,
                   fg_type result, fg_span result_span, fg_expr *body, fg_span span)
{
    fg_decl *d = body ? named(b, FG_D_FN, name, name_span, span) : NULL;
    if (!d)
        return NULL;
    d->fn.params = *params;
    d->fn.result = result;
    d->fn.result_span = result_span;
    d->fn.body = body;
    return d;
}

fg_decl *fg_ast_table(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *params,
                      fg_type result, fg_span result_span, fg_hit_policy hit, fg_ptrvec *rows,
                      fg_span span)
{
    fg_decl *d = named(b, FG_D_TABLE, name, name_span, span);
    if (!d)
        return NULL;
    d->table.params = *params;
    d->table.result = result;
    d->table.result_span = result_span;
    d->table.hit = hit;
    d->table.rows = *rows;
    return d;
}

fg_decl *fg_ast_rule(fg_ast_builder *b, const char *name, fg_span name_span, fg_expr *cond,
                     fg_expr *message, fg_span span)
{
    fg_decl *d = cond ? named(b, FG_D_RULE, name, name_span, span) : NULL;
    if (!d)
        return NULL;
    d->rule.cond = cond;
    d->rule.message = message;
    return d;
}

fg_decl *fg_ast_decide(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *arms,
                       fg_decide_arm *otherwise, fg_span span)
{
    fg_decl *d = otherwise ? named(b, FG_D_DECIDE, name, name_span, span) : NULL;
    if (!d)
        return NULL;
    d->decide.arms = *arms;
    if (!fg_ptrvec_push(b->ar, &d->decide.arms, otherwise))
        return NULL;
    return d;
}

fg_decl *fg_ast_report(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *by,
                       fg_ptrvec *items, fg_span span)
{
    fg_decl *d = fg_ast_decl(b->ar, FG_D_REPORT, span);
    if (!d)
        return NULL;
    d->name = name;
    d->name_span = name ? name_span : span;
    d->report.by = *by;
    d->report.items = *items;
    return d;
}

fg_decl *fg_ast_fixture(fg_ast_builder *b, const char *name, fg_span name_span, fg_ptrvec *fields,
                        fg_span span)
{
    fg_decl *d = named(b, FG_D_FIXTURE, name, name_span, span);
    if (!d)
        return NULL;
    d->fixture.fields = *fields;
    return d;
}

fg_decl *fg_ast_test(fg_ast_builder *b, const char *title, const char *fixture,
                     fg_span fixture_span, fg_ptrvec *with, fg_ptrvec *expects, fg_span span)
{
    if (!title || !fixture)
        return NULL;
    fg_decl *d = fg_ast_decl(b->ar, FG_D_TEST, span);
    if (!d)
        return NULL;
    d->name_span = span;
    d->test.title = title;
    d->test.fixture = fixture;
    d->test.fixture_span = fixture_span;
    d->test.with = *with;
    d->test.expects = *expects;
    return d;
}

fg_decl *fg_ast_import(fg_ast_builder *b, const char *path, fg_span path_span, fg_span span)
{
    if (!path)
        return NULL;
    fg_decl *d = fg_ast_decl(b->ar, FG_D_IMPORT, span);
    if (!d)
        return NULL;
    d->import.path = path;
    d->import.path_span = path_span;
    return d;
}
