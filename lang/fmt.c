/* fmt.c — the canonical layout of a policy (see fmt.h for the rules).
 *
 * Two steps. First the syntax tree is printed into a list of output lines,
 * each remembering the byte range of the source it came from, its indent,
 * and its alignment group. The AST holds no comments and no `input {`/`}`
 * tokens, so those are recovered from the source text: a small scanner that
 * knows strings and interpolations finds every comment, and the gaps between
 * declarations are read for input-block braces. Then the lines are written
 * out with the comments merged back by source position: a comment that
 * follows code on its line goes to the end of the output line holding that
 * code (the last line starting at or before it; a second one on the same
 * line is put on its own line instead), any other comment goes before the
 * first line whose source starts after it. Literals are copied from their
 * source spans, so `2_000_000`, `30%` and string escapes stay as written. */
#include "fmt.h"

#include <string.h>

#include "parse.h"

typedef struct fm_line {
    size_t off, len;          /* text in fmt.buf, without indent */
    uint32_t indent, cindent; /* indent of the line / of comments put before it */
    uint32_t start, end;      /* source range */
    uint32_t group;           /* trailing comments align within a run of one group */
    bool blank_ok;            /* a blank line of the source before it is kept */
    bool opens;               /* ends in `{`: no blank line after it */
    int32_t trail;            /* trailing comment index, or -1 */
} fm_line;

typedef struct fm_comment {
    uint32_t start, end; /* from `#` to the last non-blank byte + 1 */
    uint32_t code_end;   /* trailing: one past the last code byte before it on its line */
    bool trailing, placed;
} fm_comment;

typedef struct fmt {
    const fg_allocator *alloc;
    const char *text;
    uint32_t len;
    fg_strbuf buf;
    fm_line *lines;
    uint32_t nlines, lcap;
    fm_comment *cms;
    uint32_t ncms, ccap;
    /* the line being built */
    fg_strbuf cur;
    fm_line cl;
    uint32_t group;
    bool failed;
} fmt;

/* ---------------- source scanning ---------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
static bool is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Skips white space and comments from pos (not beyond limit). */
static uint32_t skip_blank(const fmt *f, uint32_t pos, uint32_t limit)
{
    while (pos < limit) {
        if (is_space(f->text[pos])) {
            pos++;
        } else if (f->text[pos] == '#') {
            while (pos < limit && f->text[pos] != '\n')
                pos++;
        } else {
            break;
        }
    }
    return pos;
}

/* Does the word w start at pos (and end there)? */
static bool word_at(const fmt *f, uint32_t pos, uint32_t limit, const char *w)
{
    size_t n = strlen(w);
    if (pos + n > limit || memcmp(f->text + pos, w, n) != 0)
        return false;
    return pos + n == limit || !is_ident(f->text[pos + n]);
}

/* The first plain string literal (no interpolation) in [pos, limit) outside
 * comments: *s..*e including the quotes. */
static bool find_string(const fmt *f, uint32_t pos, uint32_t limit, uint32_t *s, uint32_t *e)
{
    for (;;) {
        pos = skip_blank(f, pos, limit);
        if (pos >= limit)
            return false;
        if (f->text[pos] == '"')
            break;
        pos++;
    }
    *s = pos++;
    while (pos < limit && f->text[pos] != '"') {
        if (f->text[pos] == '\\')
            pos++;
        pos++;
    }
    *e = pos < limit ? pos + 1 : limit;
    return true;
}

static bool push_comment(fmt *f, uint32_t start, uint32_t end, uint32_t code_end)
{
    if (f->ncms == f->ccap) {
        uint32_t cap = f->ccap ? f->ccap * 2 : 16;
        fm_comment *n = fg_realloc(f->alloc, f->cms, cap * sizeof *n);
        if (!n)
            return false;
        f->cms = n;
        f->ccap = cap;
    }
    while (end > start && is_space(f->text[end - 1]))
        end--;
    fm_comment *c = &f->cms[f->ncms++];
    c->start = start;
    c->end = end;
    c->code_end = code_end;
    c->trailing = code_end > 0;
    c->placed = false;
    return true;
}

/* Finds every comment, following strings and `{...}` interpolations as the
 * lexer does (inside an interpolation `#` starts a comment again). */
static bool scan_comments(fmt *f, uint32_t from)
{
    enum { CODE, STR, INTERP };
    int mode[64], depth[64];
    int sp = 0;
    mode[0] = CODE;
    depth[0] = 0;
    uint32_t code_end = 0; /* last code byte on the current line + 1, 0 if none */
    for (uint32_t i = from; i < f->len; i++) {
        char c = f->text[i];
        if (c == '\n') {
            code_end = 0;
            continue;
        }
        if (mode[sp] == STR) {
            code_end = i + 1;
            if (c == '\\' && i + 1 < f->len && f->text[i + 1] != '\n') {
                i++;
                if (f->text[i] == 'u' && i + 1 < f->len && f->text[i + 1] == '{')
                    while (i + 1 < f->len && f->text[i] != '}' && f->text[i] != '\n')
                        i++;
                code_end = i + 1;
            } else if (c == '"') {
                sp--;
            } else if (c == '{' && sp + 1 < 64) {
                mode[++sp] = INTERP;
                depth[sp] = 0;
            }
            continue;
        }
        if (c == '#') {
            uint32_t s = i;
            while (i < f->len && f->text[i] != '\n')
                i++;
            if (!push_comment(f, s, i, code_end))
                return false;
            i--; /* the newline is seen next */
            continue;
        }
        if (!is_space(c))
            code_end = i + 1;
        if (c == '"' && sp + 1 < 64) {
            mode[++sp] = STR;
        } else if (mode[sp] == INTERP && c == '{') {
            depth[sp]++;
        } else if (mode[sp] == INTERP && c == '}') {
            if (depth[sp] == 0)
                sp--;
            else
                depth[sp]--;
        }
    }
    return true;
}

/* ---------------- building lines ---------------- */

static size_t cp_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static void line_begin(fmt *f, uint32_t indent, uint32_t cindent, uint32_t start, bool blank_ok)
{
    fg_strbuf_clear(&f->cur);
    memset(&f->cl, 0, sizeof f->cl);
    f->cl.indent = indent;
    f->cl.cindent = cindent;
    f->cl.start = start;
    f->cl.group = f->group;
    f->cl.blank_ok = blank_ok;
    f->cl.trail = -1;
}

static uint32_t column(const fmt *f)
{
    return f->cl.indent + (uint32_t)cp_len(f->cur.data ? f->cur.data : "", f->cur.len);
}

static void add(fmt *f, const char *s)
{
    fg_strbuf_adds(&f->cur, s);
}
static void addn(fmt *f, const char *s, size_t n)
{
    fg_strbuf_add(&f->cur, s, n);
}
static void pad_to(fmt *f, uint32_t col)
{
    while (column(f) < col && !f->cur.failed)
        fg_strbuf_addc(&f->cur, ' ');
}

static void line_end(fmt *f, uint32_t end)
{
    if (f->cur.failed) {
        f->failed = true;
        return;
    }
    if (f->nlines == f->lcap) {
        uint32_t cap = f->lcap ? f->lcap * 2 : 64;
        fm_line *n = fg_realloc(f->alloc, f->lines, cap * sizeof *n);
        if (!n) {
            f->failed = true;
            return;
        }
        f->lines = n;
        f->lcap = cap;
    }
    f->cl.end = end;
    f->cl.off = f->buf.len;
    f->cl.len = f->cur.len;
    f->cl.opens = f->cur.len > 0 && f->cur.data[f->cur.len - 1] == '{';
    fg_strbuf_add(&f->buf, f->cur.data ? f->cur.data : "", f->cur.len);
    f->lines[f->nlines++] = f->cl;
}

/* ---------------- expressions ---------------- */

static const char *binop_text(fg_binop op)
{
    switch (op) {
    case FG_OP_ADD:
        return "+";
    case FG_OP_SUB:
        return "-";
    case FG_OP_MUL:
        return "*";
    case FG_OP_DIV:
        return "/";
    case FG_OP_EQ:
        return "==";
    case FG_OP_NE:
        return "!=";
    case FG_OP_LT:
        return "<";
    case FG_OP_LE:
        return "<=";
    case FG_OP_GT:
        return ">";
    case FG_OP_GE:
        return ">=";
    case FG_OP_AND:
        return "and";
    case FG_OP_OR:
        return "or";
    case FG_OP_COALESCE:
        return "??";
    }
    return "?";
}

/* A literal's text as written: the span without the parentheses around it;
 * a folded negative literal (`- 5` in a cell) loses the blank after `-`. */
static void literal_text(const fmt *f, fg_span sp, fg_strbuf *sb)
{
    uint32_t s = sp.start, e = sp.end;
    while (s < e && (is_space(f->text[s]) || f->text[s] == '('))
        s++;
    while (e > s && (is_space(f->text[e - 1]) || f->text[e - 1] == ')'))
        e--;
    if (s < e && f->text[s] == '-' && f->text[e - 1] != '"') {
        fg_strbuf_addc(sb, '-');
        s = skip_blank(f, s + 1, e);
    }
    fg_strbuf_add(sb, f->text + s, e - s);
}

static void ex(const fmt *f, const fg_expr *e, fg_strbuf *sb);

static void ex_list(const fmt *f, const fg_ptrvec *v, fg_strbuf *sb)
{
    for (uint32_t i = 0; i < v->n; i++) {
        if (i)
            fg_strbuf_adds(sb, ", ");
        ex(f, v->items[i], sb);
    }
}

static void ex(const fmt *f, const fg_expr *e, fg_strbuf *sb)
{
    if (e->parenthesized)
        fg_strbuf_addc(sb, '(');
    switch (e->kind) {
    case FG_E_INT:
    case FG_E_NUM:
    case FG_E_STR:
        literal_text(f, e->span, sb);
        break;
    case FG_E_BOOL:
        fg_strbuf_adds(sb, e->bval ? "true" : "false");
        break;
    case FG_E_NAME:
        fg_strbuf_adds(sb, e->name.name);
        break;
    case FG_E_CALL:
        fg_strbuf_adds(sb, e->call.name);
        fg_strbuf_addc(sb, '(');
        ex_list(f, &e->call.args, sb);
        fg_strbuf_addc(sb, ')');
        break;
    case FG_E_UNARY:
        if (e->unary.op == FG_OP_NOT) {
            fg_strbuf_adds(sb, "not ");
        } else {
            fg_strbuf_addc(sb, '-');
            const fg_expr *o = e->unary.operand;
            bool neg =
                !o->parenthesized &&
                ((o->kind == FG_E_UNARY && o->unary.op == FG_OP_NEG) ||
                 ((o->kind == FG_E_INT || o->kind == FG_E_NUM) && f->text[o->span.start] == '-'));
            if (neg)
                fg_strbuf_addc(sb, ' ');
        }
        ex(f, e->unary.operand, sb);
        break;
    case FG_E_BINARY:
        ex(f, e->binary.lhs, sb);
        fg_strbuf_printf(sb, " %s ", binop_text(e->binary.op));
        ex(f, e->binary.rhs, sb);
        break;
    case FG_E_IF:
        fg_strbuf_adds(sb, "if ");
        ex(f, e->if_.cond, sb);
        fg_strbuf_adds(sb, " then ");
        ex(f, e->if_.then_e, sb);
        fg_strbuf_adds(sb, " else ");
        ex(f, e->if_.else_e, sb);
        break;
    case FG_E_IS:
        ex(f, e->is.operand, sb);
        fg_strbuf_adds(sb, e->is.present ? " is present" : " is missing");
        break;
    case FG_E_IN:
        ex(f, e->in.operand, sb);
        fg_strbuf_adds(sb, " in [");
        ex_list(f, &e->in.items, sb);
        fg_strbuf_addc(sb, ']');
        break;
    case FG_E_BETWEEN:
        ex(f, e->between.operand, sb);
        fg_strbuf_adds(sb, " between ");
        ex(f, e->between.lo, sb);
        fg_strbuf_adds(sb, " and ");
        ex(f, e->between.hi, sb);
        break;
    }
    if (e->parenthesized)
        fg_strbuf_addc(sb, ')');
}

/* Appends e to the current line. */
static void add_ex(fmt *f, const fg_expr *e)
{
    ex(f, e, &f->cur);
}

static size_t ex_width(fmt *f, const fg_expr *e)
{
    fg_strbuf sb;
    fg_strbuf_init(&sb, f->alloc);
    ex(f, e, &sb);
    if (sb.failed)
        f->failed = true;
    size_t n = cp_len(sb.data ? sb.data : "", sb.len);
    fg_strbuf_free(&sb);
    return n;
}

/* `if c then a else b` at column col, broken into lines under `if`. */
static void add_if_broken(fmt *f, const fg_expr *e, uint32_t col)
{
    add(f, "if ");
    add_ex(f, e->if_.cond);
    line_end(f, e->if_.cond->span.end);
    line_begin(f, col, col, e->if_.then_e->span.start, false);
    add(f, "then ");
    add_ex(f, e->if_.then_e);
    line_end(f, e->if_.then_e->span.end);
    const fg_expr *el = e->if_.else_e;
    line_begin(f, col, col, el->span.start, false);
    add(f, "else ");
    if (el->kind == FG_E_IF && !el->parenthesized && column(f) + ex_width(f, el) > FG_FMT_WIDTH)
        add_if_broken(f, el, col);
    else
        add_ex(f, el);
}

/* A declaration's value: a top-level `if` too long for the line is broken. */
static void add_value(fmt *f, const fg_expr *e)
{
    uint32_t col = column(f);
    if (e->kind == FG_E_IF && !e->parenthesized && col + ex_width(f, e) > FG_FMT_WIDTH)
        add_if_broken(f, e, col);
    else
        add_ex(f, e);
}

/* ---------------- declarations ---------------- */

static void add_type(fmt *f, fg_type t)
{
    add(f, fg_type_name(t));
}

static void add_params(fmt *f, const fg_ptrvec *params)
{
    add(f, "(");
    for (uint32_t i = 0; i < params->n; i++) {
        const fg_param *p = params->items[i];
        if (i)
            add(f, ", ");
        add(f, p->name);
        add(f, ": ");
        add_type(f, p->type);
    }
    add(f, ")");
}

static void add_src(fmt *f, uint32_t s, uint32_t e)
{
    addn(f, f->text + s, e - s);
}

static void close_brace(fmt *f, const fg_decl *d)
{
    line_begin(f, 0, 2, d->span.end - 1, false);
    add(f, "}");
    line_end(f, d->span.end);
}

static void field_value(fmt *f, const fg_field_init *fi, fg_strbuf *sb)
{
    fg_strbuf_adds(sb, fi->name);
    fg_strbuf_adds(sb, ": ");
    if (fi->value)
        literal_text(f, fi->value->span, sb);
    else
        fg_strbuf_adds(sb, "missing");
}

/* `{ a: 1, b: 2 }`, filled up to the width, continued under the first field. */
static void add_fields(fmt *f, const fg_ptrvec *fields)
{
    if (fields->n == 0) {
        add(f, "{}");
        return;
    }
    add(f, "{ ");
    uint32_t col0 = column(f);
    fg_strbuf piece;
    fg_strbuf_init(&piece, f->alloc);
    for (uint32_t k = 0; k < fields->n; k++) {
        const fg_field_init *fi = fields->items[k];
        fg_strbuf_clear(&piece);
        field_value(f, fi, &piece);
        fg_strbuf_adds(&piece, k + 1 < fields->n ? "," : " }");
        if (piece.failed)
            f->failed = true;
        size_t w = cp_len(piece.data ? piece.data : "", piece.len);
        if (k > 0) {
            if (column(f) + 1 + w > FG_FMT_WIDTH) {
                const fg_field_init *prev = fields->items[k - 1];
                line_end(f, prev->value ? prev->value->span.end : prev->name_span.end);
                line_begin(f, col0, col0, fi->name_span.start, false);
            } else {
                add(f, " ");
            }
        }
        addn(f, piece.data ? piece.data : "", piece.len);
    }
    fg_strbuf_free(&piece);
}

static void input_block(fmt *f, const fg_ptrvec *ds, uint32_t from, uint32_t to)
{
    size_t wn = 0, wt = 0;
    for (uint32_t i = from; i < to; i++) {
        const fg_decl *d = ds->items[i];
        size_t n = strlen(d->name), t = strlen(fg_type_name(d->input.type));
        wn = n > wn ? n : wn;
        wt = t > wt ? t : wt;
    }
    f->group++;
    for (uint32_t i = from; i < to; i++) {
        const fg_decl *d = ds->items[i];
        line_begin(f, 2, 2, d->span.start, true);
        add(f, d->name);
        pad_to(f, 2 + (uint32_t)wn);
        add(f, " : ");
        add_type(f, d->input.type);
        if (d->input.key || d->input.header) {
            pad_to(f, 2 + (uint32_t)wn + 3 + (uint32_t)wt);
            if (d->input.key)
                add(f, " key");
            uint32_t s, e;
            if (d->input.header && find_string(f, d->name_span.end, d->span.end, &s, &e)) {
                add(f, " from ");
                add_src(f, s, e);
            }
        }
        line_end(f, d->span.end);
    }
    f->group++;
}

/* A run of consts or lets with their `=` aligned. */
static void valdecl_run(fmt *f, const fg_ptrvec *ds, uint32_t from, uint32_t to)
{
    size_t w = 0;
    for (uint32_t i = from; i < to; i++) {
        size_t n = strlen(((const fg_decl *)ds->items[i])->name);
        w = n > w ? n : w;
    }
    f->group++;
    for (uint32_t i = from; i < to; i++) {
        const fg_decl *d = ds->items[i];
        const char *kw = d->kind == FG_D_CONST ? "const " : "let ";
        line_begin(f, 0, 0, d->span.start, true);
        add(f, kw);
        add(f, d->name);
        pad_to(f, (uint32_t)(strlen(kw) + w));
        add(f, " = ");
        add_value(f, d->kind == FG_D_CONST ? d->const_.value : d->let.value);
        line_end(f, d->span.end);
    }
    f->group++;
}

static void table_decl(fmt *f, const fg_decl *d)
{
    const fg_ptrvec *rows = &d->table.rows;
    line_begin(f, 0, 0, d->span.start, true);
    add(f, "table ");
    add(f, d->name);
    add_params(f, &d->table.params);
    add(f, " -> ");
    add_type(f, d->table.result);
    if (d->table.hit == FG_HIT_UNIQUE)
        add(f, " unique");
    else if (word_at(f, skip_blank(f, d->table.result_span.end, d->span.end), d->span.end, "first"))
        add(f, " first");
    add(f, " {");
    line_end(f, rows->n ? ((const fg_table_row *)rows->items[0])->span.start : d->span.end - 1);

    /* cell texts, column widths (a cell with its comma) */
    uint32_t ncols = 0;
    for (uint32_t r = 0; r < rows->n; r++) {
        const fg_table_row *row = rows->items[r];
        ncols = row->cells.n > ncols ? row->cells.n : ncols;
    }
    size_t *width = fg_calloc(f->alloc, ncols + 1, sizeof *width);
    fg_strbuf *cell = fg_calloc(f->alloc, (size_t)rows->n * ncols + 1, sizeof *cell);
    if (!width || !cell) {
        f->failed = true;
        fg_free(f->alloc, width);
        fg_free(f->alloc, cell);
        return;
    }
    for (uint32_t r = 0; r < rows->n; r++) {
        const fg_table_row *row = rows->items[r];
        for (uint32_t c = 0; c < row->cells.n; c++) {
            const fg_cell *ce = row->cells.items[c];
            fg_strbuf *sb = &cell[(size_t)r * ncols + c];
            fg_strbuf_init(sb, f->alloc);
            static const char *const ops[] = {"", "", "< ", "<= ", "> ", ">= "};
            switch (ce->kind) {
            case FG_CELL_ANY:
                fg_strbuf_addc(sb, '_');
                break;
            case FG_CELL_EQ:
            case FG_CELL_LT:
            case FG_CELL_LE:
            case FG_CELL_GT:
            case FG_CELL_GE:
                fg_strbuf_adds(sb, ops[ce->kind]);
                ex(f, ce->a, sb);
                break;
            case FG_CELL_RANGE:
                ex(f, ce->a, sb);
                fg_strbuf_adds(sb, "..");
                ex(f, ce->b, sb);
                break;
            case FG_CELL_IN:
                fg_strbuf_addc(sb, '[');
                ex_list(f, &ce->items, sb);
                fg_strbuf_addc(sb, ']');
                break;
            }
            if (c + 1 < row->cells.n)
                fg_strbuf_addc(sb, ',');
            if (sb->failed)
                f->failed = true;
            size_t w = cp_len(sb->data ? sb->data : "", sb->len);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    f->group++;
    for (uint32_t r = 0; r < rows->n; r++) {
        const fg_table_row *row = rows->items[r];
        line_begin(f, 2, 2, row->span.start, true);
        add(f, "| ");
        uint32_t col = column(f);
        for (uint32_t c = 0; c < ncols; c++) {
            if (c) {
                col += 1;
                pad_to(f, col);
            }
            if (c < row->cells.n) {
                fg_strbuf *sb = &cell[(size_t)r * ncols + c];
                addn(f, sb->data ? sb->data : "", sb->len);
            }
            col += (uint32_t)width[c];
        }
        pad_to(f, col);
        add(f, " => ");
        add_ex(f, row->result);
        line_end(f, row->span.end);
    }
    f->group++;
    for (size_t i = 0; i < (size_t)rows->n * ncols; i++)
        if (cell[i].alloc)
            fg_strbuf_free(&cell[i]);
    fg_free(f->alloc, cell);
    fg_free(f->alloc, width);
    close_brace(f, d);
}

static void decide_decl(fmt *f, const fg_decl *d)
{
    const fg_ptrvec *arms = &d->decide.arms;
    line_begin(f, 0, 0, d->span.start, true);
    add(f, "decide ");
    add(f, d->name);
    add(f, " {");
    line_end(f, arms->n ? ((const fg_decide_arm *)arms->items[0])->span.start : d->span.end - 1);
    size_t w = strlen("otherwise");
    for (uint32_t i = 0; i < arms->n; i++) {
        const fg_decide_arm *a = arms->items[i];
        if (a->cond) {
            size_t n = 5 + ex_width(f, a->cond);
            w = n > w ? n : w;
        }
    }
    f->group++;
    for (uint32_t i = 0; i < arms->n; i++) {
        const fg_decide_arm *a = arms->items[i];
        line_begin(f, 2, 2, a->span.start, true);
        if (a->cond) {
            add(f, "when ");
            add_ex(f, a->cond);
        } else {
            add(f, "otherwise");
        }
        pad_to(f, 2 + (uint32_t)w);
        add(f, " => ");
        add_ex(f, a->value);
        line_end(f, a->span.end);
    }
    f->group++;
    close_brace(f, d);
}

static void report_decl(fmt *f, const fg_decl *d)
{
    const fg_ptrvec *items = &d->report.items;
    line_begin(f, 0, 0, d->span.start, true);
    add(f, "report");
    if (d->name) {
        add(f, " ");
        add(f, d->name);
    }
    if (d->report.by.n) {
        add(f, " by ");
        ex_list(f, &d->report.by, &f->cur);
    }
    add(f, " {");
    line_end(f, items->n ? ((const fg_report_item *)items->items[0])->label_span.start
                         : d->span.end - 1);
    size_t w = 0;
    for (uint32_t i = 0; i < items->n; i++) {
        size_t n = strlen(((const fg_report_item *)items->items[i])->label);
        w = n > w ? n : w;
    }
    f->group++;
    for (uint32_t i = 0; i < items->n; i++) {
        const fg_report_item *it = items->items[i];
        line_begin(f, 2, 2, it->label_span.start, true);
        add(f, it->label);
        pad_to(f, 2 + (uint32_t)w);
        add(f, " = ");
        add_ex(f, it->agg);
        line_end(f, it->agg->span.end);
    }
    f->group++;
    close_brace(f, d);
}

static void test_decl(fmt *f, const fg_decl *d)
{
    uint32_t s = d->span.start, e = d->span.start;
    line_begin(f, 0, 0, d->span.start, true);
    add(f, "test ");
    if (find_string(f, d->span.start + 4, d->span.end, &s, &e))
        add_src(f, s, e);
    add(f, " {");
    line_end(f, d->test.fixture_span.start);
    f->group++;
    line_begin(f, 2, 2, d->test.fixture_span.start, true);
    add(f, "given ");
    add(f, d->test.fixture);
    uint32_t end = d->test.fixture_span.end;
    if (d->test.with.n) {
        add(f, " with ");
        add_fields(f, &d->test.with);
        const fg_field_init *last = d->test.with.items[d->test.with.n - 1];
        end = last->value ? last->value->span.end : last->name_span.end;
    }
    line_end(f, end);
    for (uint32_t i = 0; i < d->test.expects.n; i++) {
        const fg_expr *x = d->test.expects.items[i];
        line_begin(f, 2, 2, x->span.start, true);
        add(f, "expect ");
        add_ex(f, x);
        line_end(f, x->span.end);
    }
    f->group++;
    close_brace(f, d);
}

static void decl(fmt *f, const fg_decl *d)
{
    uint32_t s, e;
    f->group++;
    switch (d->kind) {
    case FG_D_POLICY: {
        line_begin(f, 0, 0, d->span.start, true);
        add(f, "policy");
        uint32_t pos = d->span.start + 6;
        if (find_string(f, pos, d->span.end, &s, &e)) {
            add(f, " ");
            add_src(f, s, e);
            pos = e;
        }
        if (d->policy.version && find_string(f, pos, d->span.end, &s, &e)) {
            add(f, " version ");
            add_src(f, s, e);
        }
        line_end(f, d->span.end);
        break;
    }
    case FG_D_FN:
        line_begin(f, 0, 0, d->span.start, true);
        add(f, "fn ");
        add(f, d->name);
        add_params(f, &d->fn.params);
        add(f, " -> ");
        add_type(f, d->fn.result);
        add(f, " = ");
        add_value(f, d->fn.body);
        line_end(f, d->span.end);
        break;
    case FG_D_TABLE:
        table_decl(f, d);
        break;
    case FG_D_RULE: {
        line_begin(f, 0, 0, d->span.start, true);
        add(f, "rule ");
        add(f, d->name);
        add(f, ": ");
        add_ex(f, d->rule.cond);
        const fg_expr *m = d->rule.message;
        if (m) {
            fg_strbuf sb;
            fg_strbuf_init(&sb, f->alloc);
            literal_text(f, m->span, &sb);
            if (column(f) + 6 + cp_len(sb.data ? sb.data : "", sb.len) > FG_FMT_WIDTH) {
                line_end(f, d->rule.cond->span.end);
                line_begin(f, 2, 2, m->span.start, false);
                add(f, "else ");
            } else {
                add(f, " else ");
            }
            addn(f, sb.data ? sb.data : "", sb.len);
            if (sb.failed)
                f->failed = true;
            fg_strbuf_free(&sb);
        }
        line_end(f, d->span.end);
        break;
    }
    case FG_D_DECIDE:
        decide_decl(f, d);
        break;
    case FG_D_OUTPUT:
        line_begin(f, 0, 0, d->span.start, true);
        add(f, "output ");
        add(f, d->name);
        if (d->output.value) {
            add(f, " = ");
            add_value(f, d->output.value);
        }
        line_end(f, d->span.end);
        break;
    case FG_D_REPORT:
        report_decl(f, d);
        break;
    case FG_D_FIXTURE:
        line_begin(f, 0, 0, d->span.start, true);
        add(f, "fixture ");
        add(f, d->name);
        add(f, " = ");
        add_fields(f, &d->fixture.fields);
        line_end(f, d->span.end);
        break;
    case FG_D_TEST:
        test_decl(f, d);
        break;
    case FG_D_IMPORT:
        line_begin(f, 0, 0, d->span.start, true);
        add(f, "import ");
        add_src(f, d->import.path_span.start, d->import.path_span.end);
        line_end(f, d->span.end);
        break;
    case FG_D_CONST:
    case FG_D_LET:
    case FG_D_INPUT:
        break; /* in runs, see fmt_decls */
    }
    f->group++;
}

/* The tokens between declarations: `input {` and `}` of input blocks. */
static void gap(fmt *f, uint32_t from, uint32_t to)
{
    for (uint32_t pos = skip_blank(f, from, to); pos < to; pos = skip_blank(f, pos, to)) {
        if (word_at(f, pos, to, "input")) {
            uint32_t brace = skip_blank(f, pos + 5, to);
            f->group++;
            line_begin(f, 0, 0, pos, true);
            add(f, "input {");
            line_end(f, brace < to ? brace + 1 : pos + 5);
            pos = brace < to ? brace + 1 : to;
        } else if (f->text[pos] == '}') {
            f->group++;
            line_begin(f, 0, 2, pos, false);
            add(f, "}");
            line_end(f, pos + 1);
            pos++;
        } else {
            pos++; /* cannot happen in a file that parsed */
        }
    }
}

static bool has_blank_line(const fmt *f, uint32_t from, uint32_t to)
{
    bool nl = false;
    for (uint32_t i = from; i < to && i < f->len; i++) {
        char c = f->text[i];
        if (c == '\n') {
            if (nl)
                return true;
            nl = true;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            nl = false;
        }
    }
    return false;
}

static void fmt_decls(fmt *f, const fg_ast *ast, uint32_t start)
{
    const fg_ptrvec *ds = &ast->decls;
    uint32_t prev = start;
    for (uint32_t i = 0; i < ds->n && !f->failed;) {
        const fg_decl *d = ds->items[i];
        gap(f, prev, d->span.start);
        uint32_t j = i + 1;
        if (d->kind == FG_D_INPUT) {
            while (j < ds->n) {
                const fg_decl *a = ds->items[j - 1], *b = ds->items[j];
                uint32_t p = skip_blank(f, a->span.end, b->span.start);
                if (b->kind != FG_D_INPUT || p < b->span.start)
                    break; /* another kind, or a `}` between */
                j++;
            }
            input_block(f, ds, i, j);
        } else if (d->kind == FG_D_CONST || d->kind == FG_D_LET) {
            while (j < ds->n) {
                const fg_decl *a = ds->items[j - 1], *b = ds->items[j];
                if (b->kind != d->kind || has_blank_line(f, a->span.end, b->span.start))
                    break;
                j++;
            }
            valdecl_run(f, ds, i, j);
        } else {
            decl(f, d);
        }
        prev = ((const fg_decl *)ds->items[j - 1])->span.end;
        i = j;
    }
    gap(f, prev, f->len);
}

/* ---------------- writing with comments ---------------- */

static void write_indent(fg_strbuf *out, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        fg_strbuf_addc(out, ' ');
}

static void write_comment(const fmt *f, const fm_comment *c, fg_strbuf *out)
{
    for (uint32_t i = c->start; i < c->end; i++)
        if (f->text[i] != '\r')
            fg_strbuf_addc(out, f->text[i]);
}

static void place_trailing(fmt *f)
{
    uint32_t li = 0;
    for (uint32_t k = 0; k < f->ncms; k++) {
        fm_comment *c = &f->cms[k];
        if (!c->trailing)
            continue;
        uint32_t p = c->code_end - 1;
        while (li + 1 < f->nlines && f->lines[li + 1].start <= p)
            li++;
        if (f->nlines && f->lines[li].start <= p && f->lines[li].trail < 0) {
            f->lines[li].trail = (int32_t)k;
            c->placed = true;
        }
    }
}

static void write_out(fmt *f, fg_strbuf *out)
{
    place_trailing(f);
    /* trailing comment column per run of lines of one group */
    uint32_t *tcol = fg_calloc(f->alloc, f->nlines + 1, sizeof *tcol);
    if (!tcol) {
        f->failed = true;
        return;
    }
    for (uint32_t i = 0; i < f->nlines;) {
        uint32_t j = i, w = 0;
        while (j < f->nlines && f->lines[j].group == f->lines[i].group) {
            const fm_line *l = &f->lines[j];
            uint32_t lw = l->indent + (uint32_t)cp_len(f->buf.data + l->off, l->len);
            if (l->trail >= 0 && lw > w)
                w = lw;
            j++;
        }
        for (uint32_t k = i; k < j; k++)
            tcol[k] = w + 2;
        i = j;
    }
    uint32_t ci = 0, prev_end = 0;
    bool any = false, prev_open = false;
    for (uint32_t i = 0; i <= f->nlines; i++) {
        const fm_line *l = i < f->nlines ? &f->lines[i] : NULL;
        uint32_t lstart = l ? l->start : UINT32_MAX;
        for (; ci < f->ncms && f->cms[ci].start < lstart; ci++) {
            const fm_comment *c = &f->cms[ci];
            if (c->placed)
                continue;
            if (any && !prev_open && prev_end < c->start && has_blank_line(f, prev_end, c->start))
                fg_strbuf_addc(out, '\n');
            write_indent(out, l ? l->cindent : 0);
            write_comment(f, c, out);
            fg_strbuf_addc(out, '\n');
            prev_end = c->end;
            any = true;
            prev_open = false;
        }
        if (!l)
            break;
        if (any && l->blank_ok && !prev_open && prev_end < l->start &&
            has_blank_line(f, prev_end, l->start))
            fg_strbuf_addc(out, '\n');
        write_indent(out, l->indent);
        fg_strbuf_add(out, f->buf.data + l->off, l->len);
        if (l->trail >= 0) {
            uint32_t lw = l->indent + (uint32_t)cp_len(f->buf.data + l->off, l->len);
            write_indent(out, tcol[i] > lw ? tcol[i] - lw : 2);
            write_comment(f, &f->cms[l->trail], out);
        }
        fg_strbuf_addc(out, '\n');
        prev_end = l->end;
        any = true;
        prev_open = l->opens;
    }
    fg_free(f->alloc, tcol);
}

bool fg_fmt_file(const fg_sources *src, uint32_t file, fg_diags *diags, fg_strbuf *out)
{
    if (file >= src->nfiles)
        return false;
    fg_arena ar;
    fg_arena_init(&ar, src->alloc);
    fg_ast ast;
    bool ok = fg_parse_file(src, file, &ar, diags, &ast);
    if (!ok) {
        fg_arena_free(&ar);
        return false;
    }
    fmt f;
    memset(&f, 0, sizeof f);
    f.alloc = src->alloc;
    f.text = src->files[file]->text;
    f.len = (uint32_t)src->files[file]->len;
    fg_strbuf_init(&f.buf, f.alloc);
    fg_strbuf_init(&f.cur, f.alloc);
    uint32_t start = f.len >= 3 && memcmp(f.text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (!scan_comments(&f, start))
        f.failed = true;
    if (!f.failed)
        fmt_decls(&f, &ast, start);
    if (!f.failed)
        write_out(&f, out);
    ok = !f.failed && !f.buf.failed && !out->failed;
    fg_free(f.alloc, f.lines);
    fg_free(f.alloc, f.cms);
    fg_strbuf_free(&f.buf);
    fg_strbuf_free(&f.cur);
    fg_arena_free(&ar);
    return ok;
}
