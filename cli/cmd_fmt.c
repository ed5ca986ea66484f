/* cmd_fmt.c — `forgec fmt POLICY [--check] [-w]`: prints the canonical
 * layout of a policy (forge_format_source). --check prints nothing for a
 * formatted file and exits 0, else shows a unified diff and exits 1; -w
 * rewrites the file in place through a temporary file renamed over it
 * (only when its text changes). A file with syntax errors is left alone:
 * diagnostics, exit 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

typedef struct buf {
    char *data;
    size_t len;
} buf;

static int keep(void *ud, const char *data, size_t len)
{
    buf *b = ud;
    b->data = malloc(len + 1);
    if (!b->data)
        return -1;
    memcpy(b->data, data, len);
    b->data[len] = '\0';
    b->len = len;
    return 0;
}

static void print_diag(void *ud, const forge_diag *d)
{
    (void)ud;
    fputs(d->rendered, stderr);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    while (p) {
        size_t k = fread(p + n, 1, cap - n, f);
        n += k;
        if (n < cap)
            break;
        char *q = realloc(p, cap * 2);
        if (!q) {
            free(p);
            p = NULL;
            break;
        }
        p = q;
        cap *= 2;
    }
    bool bad = ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        free(p);
        return NULL;
    }
    *len = n;
    return p;
}

/* Splits text into lines (pointers into it); returns the count. */
static size_t split_lines(const char *t, size_t n, const char ***out)
{
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        cnt += t[i] == '\n';
    cnt += n > 0 && t[n - 1] != '\n';
    const char **l = malloc((cnt + 1) * sizeof *l);
    if (!l)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n && k < cnt; k++) {
        l[k] = t + i;
        while (i < n && t[i] != '\n')
            i++;
        i++;
    }
    l[cnt] = t + n;
    *out = l;
    return cnt;
}

static size_t line_len(const char *s)
{
    const char *e = strchr(s, '\n');
    return e ? (size_t)(e - s) : strlen(s);
}

static bool line_eq(const char *a, const char *b)
{
    size_t n = line_len(a), m = line_len(b);
    return n == m && memcmp(a, b, n) == 0;
}

/* A unified diff of the whole file (LCS by dynamic programming, with one
 * hunk per run of changes and 2 lines of context). Policies are small. */
static void unified_diff(const char *name, const char *a, size_t an, const char *b, size_t bn)
{
    const char **la = NULL, **lb = NULL;
    size_t n = split_lines(a, an, &la), m = split_lines(b, bn, &lb);
    if ((n && !la) || (m && !lb) || (uint64_t)(n + 1) * (m + 1) > 50u * 1000 * 1000) {
        printf("%s: not formatted\n", name);
        free(la);
        free(lb);
        return;
    }
    unsigned *dp = calloc((n + 1) * (m + 1), sizeof *dp);
    if (!dp) {
        printf("%s: not formatted\n", name);
        free(la);
        free(lb);
        return;
    }
#define DP(i, j) dp[(size_t)(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            DP(i, j) = line_eq(la[i], lb[j])         ? DP(i + 1, j + 1) + 1
                       : DP(i + 1, j) > DP(i, j + 1) ? DP(i + 1, j)
                                                     : DP(i, j + 1);
    /* edit script: ' ' keep, '-' delete, '+' insert */
    size_t cap = n + m + 1, ne = 0;
    char *op = malloc(cap);
    size_t *ia = malloc(cap * sizeof *ia), *ib = malloc(cap * sizeof *ib);
    if (!op || !ia || !ib) {
        printf("%s: not formatted\n", name);
        goto done;
    }
    for (size_t i = 0, j = 0; i < n || j < m;) {
        if (i < n && j < m && line_eq(la[i], lb[j])) {
            op[ne] = ' ', ia[ne] = i++, ib[ne++] = j++;
        } else if (i < n && (j == m || DP(i + 1, j) >= DP(i, j + 1))) {
            op[ne] = '-', ia[ne] = i++, ib[ne++] = j;
        } else {
            op[ne] = '+', ia[ne] = i, ib[ne++] = j++;
        }
    }
    printf("--- %s\n+++ %s (formatted)\n", name, name);
    for (size_t k = 0; k < ne;) {
        if (op[k] == ' ') {
            k++;
            continue;
        }
        size_t s = k >= 2 ? k - 2 : 0, e = k;
        for (;;) { /* extend over changes closer than 5 lines apart */
            while (e < ne && op[e] != ' ')
                e++;
            size_t q = e;
            while (q < ne && op[q] == ' ' && q - e < 5)
                q++;
            if (q < ne && op[q] != ' ')
                e = q;
            else
                break;
        }
        e = e + 2 < ne ? e + 2 : ne;
        size_t a0 = ia[s], b0 = ib[s], ac = 0, bc = 0;
        for (size_t q = s; q < e; q++) {
            ac += op[q] != '+';
            bc += op[q] != '-';
        }
        printf("@@ -%zu,%zu +%zu,%zu @@\n", a0 + 1, ac, b0 + 1, bc);
        for (size_t q = s; q < e; q++) {
            const char *l = op[q] == '+' ? lb[ib[q]] : la[ia[q]];
            printf("%c%.*s\n", op[q], (int)line_len(l), l);
        }
        k = e;
    }
done:
#undef DP
    free(op);
    free(ia);
    free(ib);
    free(dp);
    free(la);
    free(lb);
}

void fc_help_fmt(void)
{
    printf("usage: forgec fmt POLICY [--check] [-w]\n\n"
           "Prints POLICY in the canonical layout: two spaces inside blocks, aligned `:` in\n"
           "input blocks, aligned `=>` in tables and decides, aligned `=` in reports and in\n"
           "runs of consts and lets, one space around operators, parentheses and literals\n"
           "as written, every comment kept. A policy with syntax errors is not formatted\n"
           "(diagnostics, exit 1).\n\n"
           "options:\n"
           "  --check               print nothing and exit 0 when POLICY is formatted; else\n"
           "                        print a unified diff to the formatted text and exit 1\n"
           "  -w, --write           rewrite POLICY in place (atomically)\n");
}

int fc_cmd_fmt(int argc, char **argv)
{
    const char *path = NULL;
    bool check = false, write_back = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--check") == 0)
            check = true;
        else if (strcmp(a, "-w") == 0 || strcmp(a, "--write") == 0)
            write_back = true;
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fc_help_fmt();
            return 0;
        } else if (a[0] == '-' && strcmp(a, "-") != 0)
            return fc_usage_error("unknown option `%s`", a);
        else if (path)
            return fc_usage_error("unexpected argument `%s`", a);
        else
            path = a;
    }
    if (!path)
        return fc_usage_error("`%s` needs a policy file", "fmt");
    if (write_back && strcmp(path, "-") == 0)
        return fc_usage_error("-w needs a file, not `%s`", path);
    size_t len = 0;
    char *text = read_all(path, &len);
    if (!text) {
        fprintf(stderr, "forgec: error: cannot read %s: %s\n", path, strerror(errno));
        return 4;
    }
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = print_diag;
    buf out = {NULL, 0};
    forge_status st = forge_format_source(&cfg, name, text, len, keep, &out);
    int rc = 0;
    if (st != FORGE_OK) {
        if (st != FORGE_ECOMPILE)
            fprintf(stderr, "forgec: error: %s\n", forge_status_text(st));
        rc = st == FORGE_ECOMPILE ? 1 : 4;
    } else if (check) {
        bool same = out.len == len && memcmp(out.data, text, len) == 0;
        if (!same)
            unified_diff(name, text, len, out.data, out.len);
        rc = same ? 0 : 1;
    } else if (write_back) {
        if (out.len != len || memcmp(out.data, text, len) != 0) {
            size_t n = strlen(path) + 32;
            char *tmp = malloc(n);
            FILE *f = NULL;
            if (tmp) {
                snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
                f = fopen(tmp, "wb");
            }
            struct stat sb;
            bool ok = f && fwrite(out.data, 1, out.len, f) == out.len;
            ok = f && fclose(f) == 0 && ok;
            if (ok && stat(path, &sb) == 0)
                chmod(tmp, sb.st_mode & 07777);
            ok = ok && rename(tmp, path) == 0;
            if (!ok) {
                fprintf(stderr, "forgec: error: cannot write %s: %s\n", path, strerror(errno));
                if (tmp)
                    remove(tmp);
                rc = 4;
            }
            free(tmp);
        }
    } else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        fprintf(stderr, "forgec: error: cannot write the standard output\n");
        rc = 4;
    }
    free(out.data);
    free(text);
    return rc;
}
