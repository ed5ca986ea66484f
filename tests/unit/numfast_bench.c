/* numfast_bench.c — ns per fg_fmt_num and per fg_parse_num on N values
 * (default 10M): "realistic" values as data has them (counts like 5136,
 * prices like 123456.78, ratios like 0.3, short decimals at any scale) and
 * uniformly random double bit patterns. Not run by ctest. Build against
 * the current runtime/format.c (or an older one, to compare):
 *   gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I. -Iinclude base/fg_base.c lang/types.c \
 *       runtime/format.c runtime/numfmt.c runtime/numparse.c runtime/numtables.c \
 *       tests/unit/numfast_bench.c -lm -o numfast_bench && ./numfast_bench [N] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/format.h"

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Du;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double realistic(uint64_t *s)
{
    uint64_t r = rnd(s);
    switch (r % 5) {
    case 0:
        return (double)(rnd(s) % 100000); /* 5136 */
    case 1:
        return (double)(rnd(s) % 100000000) / 100; /* 123456.78 */
    case 2:
        return (double)(rnd(s) % 1000) / 1000; /* 0.3, 0.125 */
    case 3:
        return (double)(rnd(s) % 100000) / 10000 * pow(10, (double)(rnd(s) % 12) - 6);
    default:
        return (double)(rnd(s) % 1000000) / 7; /* 17 digits, like computed results */
    }
}

static double random_bits(uint64_t *s)
{
    for (;;) {
        uint64_t b = rnd(s);
        double d;
        memcpy(&d, &b, sizeof d);
        if (isfinite(d))
            return d;
    }
}

static void run(const char *name, double (*gen)(uint64_t *), size_t n)
{
    double *v = malloc(n * sizeof *v);
    char *text = malloc(n * FG_NUM_BUF);
    size_t *len = malloc(n * sizeof *len);
    if (!v || !text || !len) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    uint64_t s = 0x2545F4914F6CDD1Du;
    for (size_t i = 0; i < n; i++)
        v[i] = gen(&s);
    memset(text, 0, n * FG_NUM_BUF); /* page faults out of the timing */
    memset(len, 0, n * sizeof *len);
    double t0 = now();
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        len[i] = fg_fmt_num(v[i], text + i * FG_NUM_BUF);
        total += len[i];
    }
    double t1 = now();
    double sum = 0;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        double d;
        if (fg_parse_num(text + i * FG_NUM_BUF, len[i], &d))
            sum += d;
        else
            bad++;
    }
    double t2 = now();
    printf(
        "%-10s n=%zu  fg_fmt_num %7.1f ns  fg_parse_num %6.1f ns  (%zu chars, check %g, %zu bad)\n",
        name, n, (t1 - t0) * 1e9 / (double)n, (t2 - t1) * 1e9 / (double)n, total, sum, bad);
    free(v);
    free(text);
    free(len);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    run("realistic", realistic, n);
    run("random", random_bits, n);
    return 0;
}
