/* tokenize.c — yardstick: a minimal quote-aware CSV tokenizer that converts
 * nothing. `tokenize FILE [--part I/N]` maps the file, finds every field
 * boundary (RFC 4180 quotes with `""` escapes, CRLF or LF) and prints the
 * record and field counts, so its time is the floor for any CSV reader that
 * looks at every byte. `--part I/N` tokenizes only the I-th of N byte ranges,
 * each range starting after the first LF at or beyond its share of the file;
 * bench/run.sh runs `--part 0/2` and `--part 1/2` side by side as the 2-core
 * scaling reference. The split assumes no line break inside a quoted field
 * near a split point (true of bench/gen_firms output). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Start of the range for share i of n: the byte after the first LF at or
 * after i*size/n (0 for the first share, size past the end). */
static size_t part_start(const char *base, size_t size, long i, long n)
{
    if (i <= 0)
        return 0;
    if (i >= n)
        return size;
    size_t at = (size_t)((double)size * (double)i / (double)n);
    const char *nl = memchr(base + at, '\n', size - at);
    return nl ? (size_t)(nl - base) + 1 : size;
}

int main(int argc, char **argv)
{
    long part = 0, parts = 1;
    if (argc == 4 && strcmp(argv[2], "--part") == 0) {
        if (sscanf(argv[3], "%ld/%ld", &part, &parts) != 2 || parts < 1 || part < 0 ||
            part >= parts) {
            fputs("tokenize: --part I/N with 0 <= I < N\n", stderr);
            return 2;
        }
    } else if (argc != 2) {
        fputs("usage: tokenize FILE [--part I/N]\n", stderr);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    if (size == 0) {
        puts("0 records, 0 fields");
        return 0;
    }
    const char *base = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    posix_madvise((void *)base, size, POSIX_MADV_SEQUENTIAL);
    const char *p = base + part_start(base, size, part, parts);
    const char *end = base + part_start(base, size, part + 1, parts);

    unsigned long records = 0, fields = 0;
    unsigned long long field_bytes = 0; /* keeps the field ends "used" */
    while (p < end) {
        /* one record */
        for (;;) {
            const char *f = p;
            if (p < end && *p == '"') {
                p++;
                for (;;) {
                    const char *q = memchr(p, '"', (size_t)(end - p));
                    if (!q) {
                        p = end;
                        break;
                    }
                    p = q + 1;
                    if (p < end && *p == '"') {
                        p++;
                        continue;
                    }
                    break;
                }
            }
            while (p < end && *p != ',' && *p != '\n')
                p++;
            fields++;
            field_bytes += (unsigned long long)(p - f);
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (p < end)
                p++; /* the LF (a CR before it stays in the last field) */
            break;
        }
        records++;
    }
    printf("%lu records, %lu fields, %llu field bytes\n", records, fields, field_bytes);
    return 0;
}
