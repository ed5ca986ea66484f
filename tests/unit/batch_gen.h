/* batch_gen.h — shared by the unit tests that run one batch through two
 * engines or two mappings of compiled code (test_jit, test_objload):
 * compiling policy text, a seeded xorshift generator, and batches of
 * generated rows drawn from each test's own value tables. Header-only:
 * every unit test is one translation unit. Include after cmocka.h,
 * lang/compile.h and runtime/engine.h. */
#ifndef FG_TEST_BATCH_GEN_H
#define FG_TEST_BATCH_GEN_H

/* Compiles text; on failure prints the diagnostics and returns NULL. */
static inline fg_program *bg_compile_text(const char *text)
{
    fg_sources src;
    fg_diags diags;
    fg_sources_init(&src, NULL);
    fg_diags_init(&diags, NULL);
    fg_compile_options copt = {NULL, 0, NULL};
    fg_program *p = fg_compile_string(NULL, &src, &diags, "t.fp", text, strlen(text), &copt);
    if (!p) {
        fg_strbuf sb;
        fg_strbuf_init(&sb, NULL);
        for (uint32_t i = 0; i < diags.n; i++)
            fg_diag_render(&src, &diags.items[i], &sb);
        fprintf(stderr, "%s", sb.data ? sb.data : "");
        fg_strbuf_free(&sb);
    }
    fg_diags_free(&diags);
    fg_sources_free(&src);
    return p;
}

static inline uint64_t bg_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The values generated cells are drawn from. */
typedef struct bg_values {
    const int64_t *ints;
    size_t nints;
    const double *nums;
    size_t nnums;
    const char *const *strs;
    size_t nstrs;
} bg_values;

#define BG_COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

/* Generated rows: optional cells missing one time in four, a data error
 * every 97 rows (both sides skip the row), the same rows for the same
 * *rng. */
static inline void bg_fill(const fg_program *p, fg_batch *b, uint32_t nrows, uint64_t *rng,
                           const bg_values *v)
{
    fg_batch_clear(b);
    b->nrows = nrows;
    for (uint32_t r = 0; r < nrows; r++) {
        b->line[r] = r + 2;
        memset(&b->err[r], 0, sizeof b->err[r]);
        b->err[r].column = -1;
        if (r % 97 == 13)
            b->err[r].kind = FG_RE_BAD_CELL;
        for (uint32_t k = 0; k < b->nkeys; k++)
            b->keytext[r * b->nkeys + k] = (fg_str){"key", 3};
        for (uint32_t i = 0; i < p->ninputs; i++) {
            fg_column *c = &b->cols[i];
            bool miss = fg_type_is_opt(c->type) && bg_next(rng) % 4 == 0;
            c->missing[r] = miss;
            switch (fg_type_base(c->type)) {
            case FG_T_INT:
                c->i[r] = miss ? 0 : v->ints[bg_next(rng) % v->nints];
                break;
            case FG_T_NUM:
                c->n[r] = miss ? 0 : v->nums[bg_next(rng) % v->nnums];
                break;
            case FG_T_BOOL:
                c->b[r] = miss ? false : bg_next(rng) % 2;
                break;
            default: {
                const char *s = miss ? "" : v->strs[bg_next(rng) % v->nstrs];
                c->s[r] = (fg_str){s, (uint32_t)strlen(s)};
                break;
            }
            }
        }
    }
}

static inline bool bg_same_str(fg_str a, fg_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

#endif
