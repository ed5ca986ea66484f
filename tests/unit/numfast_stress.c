/* numfast_stress.c — long random test of the number conversions, not run
 * by ctest (the file name does not start with test_). Checks N doubles
 * through fg_fmt_num against the previous bisection formatter
 * (numfast_oracle.h) and fg_parse_num of their text back, and M random
 * decimal texts (digit strings, random precisions, exact halfway points
 * between doubles and texts just beside them) through fg_parse_num against
 * strtod. Prints the counts and the first mismatches; exit status 1 on any.
 *
 * Build and run (about 8 us per formatted value, 0.3 us per parsed text):
 *   gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I. -Iinclude base/fg_base.c lang/types.c \
 *       runtime/format.c runtime/numfmt.c runtime/numparse.c runtime/numtables.c \
 *       tests/unit/numfast_stress.c -lm -o numfast_stress
 *   ./numfast_stress FMT_COUNT PARSE_COUNT [SEED] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfast_oracle.h"
#include "runtime/format.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: numfast_stress FMT_COUNT PARSE_COUNT [SEED]\n");
        return 2;
    }
    unsigned long long nfmt = strtoull(argv[1], NULL, 10);
    unsigned long long nparse = strtoull(argv[2], NULL, 10);
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 0x9E3779B97F4A7C15u;
    if (seed == 0)
        seed = 1;
    unsigned long long bad_fmt = 0, bad_rt = 0, bad_parse = 0, halfway = 0;

    uint64_t s = seed;
    for (unsigned long long i = 0; i < nfmt; i++) {
        double d = ref_rand_double(&s);
        char got[FG_NUM_BUF], want[32];
        size_t n = fg_fmt_num(d, got);
        ref_fmt_num(d, want);
        if (n != strlen(got) || strcmp(got, want) != 0) {
            if (bad_fmt++ < 20)
                printf("fmt %016llx: got %s want %s\n", (unsigned long long)ref_to_bits(d), got,
                       want);
        }
        double back = 0;
        if (!fg_parse_num(got, n, &back) || ref_to_bits(back) != ref_to_bits(d == 0 ? 0.0 : d)) {
            if (bad_rt++ < 20)
                printf("round trip %016llx: %s\n", (unsigned long long)ref_to_bits(d), got);
        }
        if ((i + 1) % 10000000 == 0) {
            printf("fmt: %llu done, %llu mismatches\n", i + 1, bad_fmt + bad_rt);
            fflush(stdout);
        }
    }

    s = seed ^ 0x5851F42D4C957F2Du;
    static char t[1300];
    for (unsigned long long i = 0; i < nparse; i++) {
        if (ref_rand(&s) % 32 == 0) {
            ref_halfway_text(&s, t, sizeof t);
            halfway++;
        } else {
            ref_rand_decimal(&s, t);
        }
        double got = 0, want = 0;
        bool gok = fg_parse_num(t, strlen(t), &got);
        bool wok = ref_parse_num(t, &want);
        if (gok != wok || (gok && ref_to_bits(got) != ref_to_bits(want))) {
            if (bad_parse++ < 20)
                printf("parse %.100s: got %d %a want %d %a\n", t, gok, got, wok, want);
        }
        if ((i + 1) % 10000000 == 0) {
            printf("parse: %llu done, %llu mismatches\n", i + 1, bad_parse);
            fflush(stdout);
        }
    }
    printf("formatted %llu doubles: %llu mismatches, %llu round-trip failures\n", nfmt, bad_fmt,
           bad_rt);
    printf("parsed %llu texts (%llu halfway cases): %llu mismatches\n", nparse, halfway, bad_parse);
    return bad_fmt || bad_rt || bad_parse ? 1 : 0;
}
