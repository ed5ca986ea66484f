/* handwritten.c — the SPEC's example policy ("A complete policy",
 * bench/policy.fp) written by hand in plain C, as a yardstick for forgec:
 * what a programmer would write for this one job. `handwritten FILE > out`
 * maps the CSV, finds the columns by header name, splits each record with a
 * quote-aware scan, converts the read cells with libc (strtod, strtoll, a
 * case-insensitive bool match), evaluates the rules, and prints exactly what
 * `forgec eval bench/policy.fp FILE` prints: header `id,status,tax_relief,
 * reasons`, numbers as ECMAScript's Number::toString (shortest digits found
 * with snprintf("%.*e") and strtod, plain notation for -6 < n <= 21), CSV
 * quoting only where needed. It trusts its input (bench/gen_firms output:
 * every row valid, no line breaks inside fields) and stops on a bad cell. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- output buffer ---- */

static char obuf[1 << 20];
static size_t olen;

static void out_flush(void)
{
    if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
        perror("handwritten: write");
        exit(1);
    }
    olen = 0;
}

static void out_mem(const char *s, size_t n)
{
    if (olen + n > sizeof obuf)
        out_flush();
    memcpy(obuf + olen, s, n);
    olen += n;
}

static void out_str(const char *s)
{
    out_mem(s, strlen(s));
}

/* A CSV cell, quoted when it holds a delimiter, quote, CR or LF or starts or
 * ends with a space (forgec's rule). */
static void out_cell(const char *s, size_t n)
{
    int q = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !q; i++)
        q = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!q) {
        out_mem(s, n);
        return;
    }
    out_mem("\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            out_mem("\"", 1);
        out_mem(s + i, 1);
    }
    out_mem("\"", 1);
}

/* ---- ECMAScript number text ---- */

/* Shortest "%.*e" text of x > 0 that reads back as x: the property is
 * monotone in the digit count, so bisect over 1..17. */
static void shortest_e(double x, char *t, size_t cap)
{
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(t, cap, "%.*e", mid - 1, x);
        if (strtod(t, NULL) == x)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(t, cap, "%.*e", lo - 1, x);
}

/* Writes x as Number::toString does into buf (>= 32 bytes); returns length. */
static size_t fmt_num(double x, char *buf)
{
    size_t m = 0;
    if (x == 0) {
        buf[0] = '0';
        return 1;
    }
    if (x < 0) {
        buf[m++] = '-';
        x = -x;
    }
    if (x < 9007199254740992.0 && x == floor(x))
        return m + (size_t)snprintf(buf + m, 32 - m, "%.0f", x);
    char t[40], d[24];
    shortest_e(x, t, sizeof t);
    int k = 0;
    const char *p = t;
    for (; *p != 'e'; p++)
        if (*p != '.')
            d[k++] = *p;
    int n = atoi(p + 1) + 1; /* x = 0.d1d2..dk * 10^n */
    while (k > 1 && d[k - 1] == '0')
        k--;
    if (k <= n && n <= 21) {
        memcpy(buf + m, d, (size_t)k);
        m += (size_t)k;
        for (int i = k; i < n; i++)
            buf[m++] = '0';
    } else if (0 < n && n <= 21) {
        memcpy(buf + m, d, (size_t)n);
        m += (size_t)n;
        buf[m++] = '.';
        memcpy(buf + m, d + n, (size_t)(k - n));
        m += (size_t)(k - n);
    } else if (-6 < n && n <= 0) {
        buf[m++] = '0';
        buf[m++] = '.';
        for (int i = 0; i < -n; i++)
            buf[m++] = '0';
        memcpy(buf + m, d, (size_t)k);
        m += (size_t)k;
    } else {
        buf[m++] = d[0];
        if (k > 1) {
            buf[m++] = '.';
            memcpy(buf + m, d + 1, (size_t)(k - 1));
            m += (size_t)(k - 1);
        }
        int e = n - 1;
        m += (size_t)snprintf(buf + m, 32 - m, "e%c%d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    return m;
}

/* ---- cells ---- */

enum { C_ID, C_REGION, C_CAP, C_OUT, C_EMP, C_DUST, C_ACC, C_EXP, C_RD, C_ISO, C_N };
static const char *const col_names[C_N] = {
    "id",           "region",       "capacity_t",   "output_t", "employees",
    "Dust (mg/m3)", "accidents_3y", "export_share", "rd_spend", "iso9001"};

typedef struct cell {
    const char *s;
    size_t n;
} cell;

static long lineno;

static void bad(const char *what, cell c)
{
    fprintf(stderr, "handwritten: line %ld: bad %s \"%.*s\"\n", lineno, what, (int)c.n, c.s);
    exit(1);
}

/* Parses a num cell with strtod from a NUL-terminated copy. */
static double cell_num(cell c)
{
    char t[64];
    if (c.n == 0 || c.n >= sizeof t)
        bad("num", c);
    memcpy(t, c.s, c.n);
    t[c.n] = '\0';
    char *end;
    double v = strtod(t, &end);
    if (*end != '\0' || !isfinite(v))
        bad("num", c);
    return v;
}

static long long cell_int(cell c)
{
    char t[32];
    if (c.n == 0 || c.n >= sizeof t)
        bad("int", c);
    memcpy(t, c.s, c.n);
    t[c.n] = '\0';
    char *end;
    long long v = strtoll(t, &end, 10);
    if (*end != '\0')
        bad("int", c);
    return v;
}

static int cell_bool(cell c)
{
    static const char *const yes[] = {"true", "yes", "1"}, *const no[] = {"false", "no", "0"};
    for (int i = 0; i < 3; i++) {
        if (c.n == strlen(yes[i]) && strncasecmp(c.s, yes[i], c.n) == 0)
            return 1;
        if (c.n == strlen(no[i]) && strncasecmp(c.s, no[i], c.n) == 0)
            return 0;
    }
    bad("bool", c);
    return 0;
}

static int cell_is(cell c, const char *s)
{
    return c.n == strlen(s) && memcmp(c.s, s, c.n) == 0;
}

/* Splits one record [p, end) into fields; quoted fields are unescaped into
 * scratch. Returns the position after the record's line end. */
static const char *split_record(const char *p, const char *end, cell *f, int *nf, int maxf,
                                char *scratch)
{
    int k = 0;
    size_t sl = 0;
    for (;;) {
        cell c;
        if (p < end && *p == '"') {
            c.s = scratch + sl;
            p++;
            for (;;) {
                if (p >= end)
                    break;
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        scratch[sl++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                scratch[sl++] = *p++;
            }
            c.n = (size_t)(scratch + sl - c.s);
        } else {
            c.s = p;
            while (p < end && *p != ',' && *p != '\n')
                p++;
            c.n = (size_t)(p - c.s);
            if (c.n && c.s[c.n - 1] == '\r' && (p >= end || *p == '\n'))
                c.n--;
        }
        if (k < maxf)
            f[k] = c;
        k++;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        break;
    }
    *nf = k;
    return p;
}

/* ---- the policy ---- */

static double min_capacity(cell region)
{
    if (cell_is(region, "east"))
        return 8000;
    if (cell_is(region, "central") || cell_is(region, "north"))
        return 6000;
    return 5000;
}

static double relief_rate(cell region, double export_share)
{
    if (cell_is(region, "west"))
        return 0.20;
    if (export_share >= 0.5)
        return 0.15;
    if (export_share >= 0.3 && export_share <= 0.5)
        return 0.10;
    return 0;
}

#define MAXF 64

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: handwritten FILE.csv > out.csv\n", stderr);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    const char *base = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : "";
    if (base == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    posix_madvise((void *)base, size, POSIX_MADV_SEQUENTIAL);
    const char *p = base, *end = base + size;
    if (size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;

    static char scratch[1 << 16];
    cell f[MAXF];
    int nf, idx[C_N];
    p = split_record(p, end, f, &nf, MAXF, scratch);
    lineno = 1;
    for (int c = 0; c < C_N; c++) {
        idx[c] = -1;
        for (int i = 0; i < nf && i < MAXF; i++)
            if (cell_is(f[i], col_names[c]))
                idx[c] = i;
        if (idx[c] < 0) {
            fprintf(stderr, "handwritten: column %s not in the header\n", col_names[c]);
            return 4;
        }
    }
    int header_n = nf;

    out_str("id,status,tax_relief,reasons\n");
    char reasons[512], num1[32], num2[32];
    while (p < end) {
        lineno++;
        if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) { /* blank line */
            p += *p == '\n' ? 1 : 2;
            continue;
        }
        p = split_record(p, end, f, &nf, MAXF, scratch);
        if (nf != header_n) {
            fprintf(stderr, "handwritten: line %ld: ragged row\n", lineno);
            return 1;
        }
        cell id = f[idx[C_ID]], region = f[idx[C_REGION]];
        if (id.n == 0)
            bad("id", id);
        double capacity = cell_num(f[idx[C_CAP]]);
        double output = f[idx[C_OUT]].n ? cell_num(f[idx[C_OUT]]) : 0; /* output_t ?? 0 */
        long long employees = cell_int(f[idx[C_EMP]]);
        double dust = cell_num(f[idx[C_DUST]]);
        long long accidents = cell_int(f[idx[C_ACC]]);
        double export_share = f[idx[C_EXP]].n ? cell_num(f[idx[C_EXP]]) : 0;
        double rd_spend = cell_num(f[idx[C_RD]]);
        int iso = cell_bool(f[idx[C_ISO]]);

        /* let productivity: evaluated (eagerly, as the policy says) but unused. */
        volatile double productivity = employees > 0 ? output / (double)employees : 0;
        (void)productivity;

        double mincap = min_capacity(region);
        int scale = capacity >= mincap, environment = dust <= 30, safety = accidents == 0;
        const char *status = scale && environment && safety && iso ? "admitted"
                             : environment && safety               ? "upgrade"
                                                                   : "exit";
        double relief = 0;
        if (status[0] == 'a') {
            relief = relief_rate(region, export_share) * rd_spend;
            if (!(relief <= 2000000))
                relief = 2000000;
        }
        size_t rl = 0;
        if (!scale) {
            num1[fmt_num(capacity, num1)] = '\0';
            num2[fmt_num(mincap, num2)] = '\0';
            rl += (size_t)snprintf(reasons + rl, sizeof reasons - rl,
                                   "capacity %s t is below the regional minimum %s t", num1, num2);
        }
        if (!environment) {
            num1[fmt_num(dust, num1)] = '\0';
            rl += (size_t)snprintf(reasons + rl, sizeof reasons - rl, "%sdust %s mg/m3 exceeds 30",
                                   rl ? "; " : "", num1);
        }
        if (!safety)
            rl +=
                (size_t)snprintf(reasons + rl, sizeof reasons - rl,
                                 "%s%lld serious accidents in 3 years", rl ? "; " : "", accidents);
        if (!iso)
            rl += (size_t)snprintf(reasons + rl, sizeof reasons - rl, "%sno ISO 9001 certificate",
                                   rl ? "; " : "");

        out_cell(id.s, id.n);
        out_mem(",", 1);
        out_str(status);
        out_mem(",", 1);
        out_mem(num1, fmt_num(relief, num1));
        out_mem(",", 1);
        out_cell(reasons, rl);
        out_mem("\n", 1);
    }
    out_flush();
    if (fflush(stdout) != 0) {
        perror("handwritten: write");
        return 1;
    }
    return 0;
}
